from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db import models
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _

from .models import (
    Article,
    City,
    Country,
    Firm,
    Language,
    Lawyer,
    Membership,
    Office,
    PracticeArea,
    Region,
    Review,
    ServiceFee,
    SocialLink,
    Verification,
)
from .services import firms_refresh, review_publish, review_reject


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "slug")
    search_fields = ("name", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "slug")
    list_filter = ("country",)
    search_fields = ("name",)
    list_select_related = ("country",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "country", "is_capital", "slug")
    list_filter = ("country", "is_capital")
    search_fields = ("name", "region__name")
    list_select_related = ("region", "country")
    autocomplete_fields = ("region",)
    prepopulated_fields = {"slug": ("name",)}


class ChildAreaInline(admin.TabularInline):
    model = PracticeArea
    fields = ("name", "slug", "position")
    extra = 0
    show_change_link = True
    verbose_name = _("practice area in this group")
    verbose_name_plural = _("practice areas in this group")


@admin.register(PracticeArea)
class PracticeAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "slug", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "synonyms")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)

    def get_inlines(self, request, obj):
        return [ChildAreaInline] if obj is not None and obj.is_group else []


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


class OfficeInline(admin.StackedInline):
    model = Office
    extra = 0
    autocomplete_fields = ("city",)


class LawyerInline(admin.StackedInline):
    model = Lawyer
    extra = 0
    fields = ("position", "name", "slug", "role", "bar_admission", "languages", "practice_areas", "bio")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("languages", "practice_areas")


class SocialLinkInline(admin.TabularInline):
    model = SocialLink
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ServiceFeeInline(admin.TabularInline):
    model = ServiceFee
    extra = 0


class VerificationInline(admin.StackedInline):
    model = Verification
    extra = 0
    verbose_name_plural = _("verifications (the newest sets the badge)")


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0
    fields = ("title", "slug", "summary", "body_md", "published_at")
    prepopulated_fields = {"slug": ("title",)}


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Verified (current)")), ("no", _("Not verified or lapsed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.verified()
        if self.value() == "no":
            return queryset.exclude(pk__in=Firm.objects.verified().values("pk"))
        return queryset


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    list_display = ("name", "is_listed", "verified_badge", "rating_average", "review_count", "ranking_score")
    list_filter = ("is_listed", VerifiedFilter, "is_accepting_leads", "size", "languages")
    search_fields = ("name", "slug", "email")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("languages", "practice_areas")
    readonly_fields = (
        "verified_on", "rating_average", "review_count", "verified_review_count", "completeness",
        "median_response_hours", "ranking_score",
    )  # fmt: skip
    inlines = [OfficeInline, LawyerInline, ServiceFeeInline, SocialLinkInline, ArticleInline, VerificationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "slug", "tagline", "description_md")}),
        (_("Facts"), {"fields": ("year_established", "size", "languages", "practice_areas")}),
        (_("Contact"), {"fields": ("website", "email", "phone")}),
        (_("Listing and requests"), {"fields": ("is_listed", "is_accepting_leads", "lead_capacity_per_week")}),
        (
            _("Derived (recomputed on save)"),
            {
                "classes": ("collapse",),
                "fields": (
                    "verified_on",
                    "rating_average",
                    "review_count",
                    "verified_review_count",
                    "completeness",
                    "median_response_hours",
                    "ranking_score",
                ),  # fmt: skip
            },
        ),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Offices, lawyers, areas and verifications feed the rank, badge and search.
        firms_refresh(firm_ids=[form.instance.pk])

    @admin.display(description=_("verified"), boolean=True)
    def verified_badge(self, obj):
        return obj.is_verified


class ReviewActionForm(ActionForm):
    reason = forms.CharField(label=_("Reason (for rejections)"), required=False, max_length=300)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """The moderation queue: pending reviews first, oldest first."""

    list_display = ("firm", "rating", "author_name", "is_verified", "status", "created_at")
    list_filter = ("status", "is_verified", "rating")
    list_select_related = ("firm",)
    search_fields = ("firm__name", "author_name", "body")
    autocomplete_fields = ("firm",)
    readonly_fields = ("status", "rejection_reason", "moderated_by", "moderated_at")
    action_form = ReviewActionForm
    actions = ["publish_reviews", "reject_reviews"]

    def get_ordering(self, request):
        # The queue: pending reviews first, oldest first, so none waits forever.
        return [Case(When(status=Review.Status.PENDING, then=0), default=1), "created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        firms_refresh(firm_ids=[obj.firm_id])

    @admin.action(description=_("Publish selected reviews"), permissions=["change"])
    def publish_reviews(self, request, queryset):
        for review in queryset:
            review_publish(review=review, moderator=request.user)
        self.message_user(request, _("Published."), messages.SUCCESS)

    @admin.action(description=_("Reject selected reviews (give a reason)"), permissions=["change"])
    def reject_reviews(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(
                request, _("Write the reason for rejecting in the box beside the action."), messages.ERROR
            )
            return
        for review in queryset:
            review_reject(review=review, reason=reason, moderator=request.user)
        self.message_user(request, _("Rejected."), messages.SUCCESS)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "firm", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "firm")
    search_fields = ("user__email", "firm__name")
    autocomplete_fields = ("user", "firm")
