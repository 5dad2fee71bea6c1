from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db import models
from django.db.models import Case, When
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import RowResult
from import_export.tmp_storages import MediaStorage
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from reversion.admin import VersionAdmin

from lawzana.admin import ReadOnlyAdminMixin

from .disclaimers import warn_missing_notices
from .importing import PENDING_FILES_FOLDER, FirmResource
from .models import (
    Article,
    City,
    Country,
    Disclaimer,
    Firm,
    FirmClaim,
    Invitation,
    Language,
    Lawyer,
    Membership,
    Office,
    PracticeArea,
    Region,
    Review,
    ReviewFlag,
    ServiceFee,
    SocialLink,
    Verification,
)
from .services.firms import firms_refresh
from .services.memberships import (
    PortalError,
    claim_invite_url,
    firm_claim_approve,
    firm_claim_reject,
    firm_has_owner,
)
from .services.reviews import review_flag_resolve, review_publish, review_reject


# Places and practice areas: a name per language (directory/translation.py), both on the form;
# searched in either, slugs made from the English one.
@admin.register(Country)
class CountryAdmin(TranslationAdmin):
    list_display = ("name_en", "name_zh_hans", "code", "slug")
    search_fields = ("name_en", "name_zh_hans", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ("name_en", "name_zh_hans", "country", "slug")
    list_filter = ("country",)
    search_fields = ("name_en", "name_zh_hans")
    list_select_related = ("country",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(City)
class CityAdmin(TranslationAdmin):
    list_display = ("name_en", "name_zh_hans", "region", "country", "is_capital", "slug")
    list_filter = ("country", "is_capital")
    search_fields = ("name_en", "name_zh_hans", "region__name_en", "region__name_zh_hans")
    list_select_related = ("region", "country")
    autocomplete_fields = ("region",)
    prepopulated_fields = {"slug": ("name",)}


class ChildAreaInline(TranslationTabularInline):
    model = PracticeArea
    fields = ("name", "slug", "position")
    extra = 0
    show_change_link = True
    verbose_name = _("practice area in this group")
    verbose_name_plural = _("practice areas in this group")


@admin.register(PracticeArea)
class PracticeAreaAdmin(TranslationAdmin):
    list_display = ("name_en", "name_zh_hans", "parent", "slug", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name_en", "name_zh_hans", "synonyms_en", "synonyms_zh_hans")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)

    def get_inlines(self, request, obj):
        return [ChildAreaInline] if obj is not None and obj.is_group else []


# Legal notices per country (and practice area): every save is a revision editors can compare
# and restore (History), as for guides; a notice is made inactive, not deleted.
@admin.register(Disclaimer)
class DisclaimerAdmin(VersionAdmin, TranslationAdmin):
    list_display = ("__str__", "practice_area", "is_active", "updated_at")
    list_filter = ("is_active", "country")
    list_select_related = ("country", "practice_area")
    search_fields = ("country__name_en", "country__name_zh_hans", "practice_area__name_en", "text_en", "text_zh_hans")
    autocomplete_fields = ("country", "practice_area")
    fields = ("country", "practice_area", "text", "advertising_rules", "is_active")

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            warn_missing_notices(request)
        return super().changelist_view(request, extra_context)


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


class FirmImportForm(ImportForm):
    skip_refused = forms.BooleanField(
        label=_("Leave out the refused rows"),
        required=False,
        help_text=_(
            "Without this, a file with any refused row imports nothing: fix those rows and upload the file "
            "again. With it, the preview marks them as left out and the other rows can be imported."
        ),
    )

    # The format follows the file's name (.csv or .xlsx) without script: the library's guess
    # runs in the browser only.
    EXTENSIONS = {".csv": CSV, ".xlsx": XLSX}

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = list(formats)
        self.fields["format"].required = False
        self.fields["format"].help_text = _("Leave “---” to go by the file's name: .csv or .xlsx.")
        self.fields["format"].choices = [("", "---"), *self.fields["format"].choices[1:]]

    # 5,000 rows (directory.importing.MAX_ROWS) are well under 2 MB as CSV; a bigger upload is
    # not a city's firms, and an Excel file is unzipped whole before its rows are counted.
    MAX_BYTES = 5 * 1024 * 1024

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None and upload.size > self.MAX_BYTES:
            self.add_error("import_file", _("The file is larger than 5 MB: split it into several files."))
            return cleaned
        if upload is not None and not cleaned.get("format"):
            extension = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            format_class = self.EXTENSIONS.get(extension)
            if format_class not in self.formats:
                self.add_error("import_file", _("Upload a .csv or .xlsx file, or choose its format."))
            else:
                cleaned["format"] = str(self.formats.index(format_class))
        return cleaned


class FirmConfirmImportForm(ConfirmImportForm):
    skip_refused = forms.BooleanField(required=False, widget=forms.HiddenInput)


class FirmImportExportMixin(ImportExportMixin):
    """Operators import a city's firms from CSV or Excel with a per-row preview, and export the
    same columns (directory/importing.py; README.md, "Importing firms")."""

    resource_classes = [FirmResource]
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    import_form_class = FirmImportForm
    confirm_form_class = FirmConfirmImportForm
    import_template_name = "admin/directory/firm/import.html"
    # The file waits between the preview and the confirmation in the media storage, which all
    # web hosts share (an S3 bucket in production), not in one host's temporary folder. The
    # confirmation deletes it; the hourly directory.tasks.import_files_delete_abandoned deletes
    # those of previews nobody confirmed.
    tmp_storage_class = MediaStorage

    def get_tmp_storage_class_kwargs(self):
        return {**super().get_tmp_storage_class_kwargs(), "MEDIA_FOLDER": PENDING_FILES_FOLDER}

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # Confirmed after its file was deleted as abandoned: nothing was read, so nothing
            # was written.
            self.message_user(
                request,
                _("This preview is more than a day old and its file is gone: upload the file again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:directory_firm_import"))

    def has_import_permission(self, request):
        # An import both adds firms and changes them.
        return request.user.has_perms(["directory.add_firm", "directory.change_firm"])

    def has_export_permission(self, request):
        return request.user.has_perm("directory.view_firm")

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        return {"skip_refused": bool(getattr(form, "cleaned_data", {}).get("skip_refused"))}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["skip_refused"] = import_form.cleaned_data.get("skip_refused", False)
        return initial

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        # The confirmed import is one transaction: a row refused now (the database changed
        # since the preview) rolls back every row, unless refused rows are left out on purpose.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "Nothing was imported: some rows are refused now that were not in the preview (another "
                    "change came first). Upload the file again to see them."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:directory_firm_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        left_out = sum(1 for row in result.rows if getattr(row, "skipped_on_purpose", False))
        self.message_user(
            request,
            _(
                "Import done: %(new)d firms added, %(updated)d updated, %(unchanged)d unchanged, %(left_out)d rows "
                "left out. New firms stay unlisted until you verify and list them; send each its claim link "
                "(the export's claim_link column)."
            )
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "unchanged": totals[RowResult.IMPORT_TYPE_SKIP] - left_out,
                "left_out": left_out,
            },
            messages.SUCCESS,
        )


@admin.register(Firm)
class FirmAdmin(FirmImportExportMixin, admin.ModelAdmin):
    list_display = ("name", "is_listed", "verified_badge", "rating_average", "review_count", "ranking_score")
    list_filter = ("is_listed", VerifiedFilter, "is_accepting_leads", "size", "languages")
    search_fields = ("name", "slug", "email", "licence_number")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("languages", "practice_areas")
    readonly_fields = (
        "verified_on", "rating_average", "review_count", "verified_review_count", "completeness",
        "median_response_hours", "ranking_score", "claim_link",
    )  # fmt: skip
    inlines = [OfficeInline, LawyerInline, ServiceFeeInline, SocialLinkInline, ArticleInline, VerificationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "slug", "tagline", "description_md", "tagline_zh_hans", "description_md_zh_hans")}),
        (_("Facts"), {"fields": ("licence_number", "year_established", "size", "languages", "practice_areas")}),
        (_("Contact"), {"fields": ("website", "email", "phone")}),
        (_("Listing and requests"), {"fields": ("is_listed", "is_accepting_leads", "lead_capacity_per_week")}),
        (_("Portal"), {"fields": ("claim_link",)}),
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

    @admin.display(description=_("claim link"))
    def claim_link(self, obj):
        if obj is None or obj.pk is None:
            return _("Available once the firm is saved.")
        if firm_has_owner(obj):
            return _("Managed by its owner in the portal.")
        # Shown as text to copy, not a link: an operator following it would be on the claim page
        # as themselves.
        return format_html(
            '<code class="claim-link">{}</code><div class="help">{}</div>',
            claim_invite_url(obj),
            _(
                "Send this link to the firm. It opens the page where someone at the firm asks to manage it, "
                "even while the firm is not listed; they still prove that they work there."
            ),
        )


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


@admin.register(ReviewFlag)
class ReviewFlagAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Firms' reports about reviews, open ones first, oldest first. Decided with the two
    actions only: upholding rejects the review (its reason names the report), dismissing
    keeps it. Reports are never added or deleted here."""

    actions_need_change = True

    list_display = ("review_link", "firm", "reason", "status", "created_at", "resolved_at")
    list_filter = ("status", "reason")
    list_select_related = ("review__firm",)
    search_fields = ("review__firm__name", "review__author_name", "note")
    fields = (
        "review_link", "firm", "review_text", "reason", "note", "status", "flagged_by", "created_at",
        "resolved_at", "resolved_by",
    )  # fmt: skip
    readonly_fields = fields
    actions = ["uphold_flags", "dismiss_flags"]

    def get_ordering(self, request):
        return [Case(When(status=ReviewFlag.Status.OPEN, then=0), default=1), "created_at"]

    def has_uphold_permission(self, request):
        # Upholding rejects the review: it takes the review moderators' permission too.
        return request.user.has_perms(["directory.change_reviewflag", "directory.change_review"])

    @admin.display(description=_("review"))
    def review_link(self, obj):
        url = reverse("admin:directory_review_change", args=[obj.review_id])
        return format_html('<a href="{}">{}</a>', url, obj.review)

    @admin.display(description=_("law firm"), ordering="review__firm__name")
    def firm(self, obj):
        return obj.review.firm.name

    @admin.display(description=_("review text"))
    def review_text(self, obj):
        return obj.review.body

    def _resolve(self, request, queryset, *, uphold):
        ids = list(queryset.values_list("pk", flat=True))
        decided = sum(review_flag_resolve(flag_id=pk, uphold=uphold, moderator=request.user) for pk in ids)
        skipped = len(ids) - decided
        self.message_user(
            request,
            ngettext("%(count)d report decided.", "%(count)d reports decided.", decided) % {"count": decided},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d report was already decided and was left as it was.",
                    "%(count)d reports were already decided and were left as they were.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Uphold: reject the review"), permissions=["uphold"])
    def uphold_flags(self, request, queryset):
        self._resolve(request, queryset, uphold=True)

    @admin.action(description=_("Dismiss: keep the review"), permissions=["change"])
    def dismiss_flags(self, request, queryset):
        self._resolve(request, queryset, uphold=False)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "firm", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "firm")
    search_fields = ("user__email", "firm__name")
    autocomplete_fields = ("user", "firm")


class FirmClaimActionForm(ActionForm):
    note = forms.CharField(label=_("Note (required to reject)"), required=False, max_length=300)


@admin.register(FirmClaim)
class FirmClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """People asking to manage a listed firm: pending claims first, oldest first. Decided with
    the two actions only; approving makes the claimant an owner of the firm."""

    actions_need_change = True

    list_display = ("firm", "user", "method", "status", "created_at", "decided_at")
    list_filter = ("status", "method")
    list_select_related = ("firm", "user")
    search_fields = ("firm__name", "user__email", "message")
    fields = ("firm", "user", "method", "message", "status", "created_at", "decided_at", "decided_by", "decision_note")
    readonly_fields = fields
    action_form = FirmClaimActionForm
    actions = ["approve_claims", "reject_claims"]

    def get_ordering(self, request):
        return [Case(When(status=FirmClaim.Status.PENDING, then=0), default=1), "created_at"]

    def _report(self, request, decided, skipped):
        self.message_user(
            request,
            ngettext("%(count)d claim decided.", "%(count)d claims decided.", decided) % {"count": decided},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d claim was already decided and was left as it was.",
                    "%(count)d claims were already decided and were left as they were.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Approve: make the claimant an owner"), permissions=["change"])
    def approve_claims(self, request, queryset):
        note = request.POST.get("note", "").strip()
        claims = list(queryset)
        decided = sum(firm_claim_approve(claim=claim, decided_by=request.user, note=note) for claim in claims)
        self._report(request, decided, len(claims) - decided)

    @admin.action(description=_("Reject (write the note beside the action)"), permissions=["change"])
    def reject_claims(self, request, queryset):
        note = request.POST.get("note", "").strip()
        if not note:
            self.message_user(
                request, _("Write why the claim is rejected in the note beside the action."), messages.ERROR
            )
            return
        claims = list(queryset)
        try:
            decided = sum(firm_claim_reject(claim=claim, decided_by=request.user, note=note) for claim in claims)
        except PortalError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self._report(request, decided, len(claims) - decided)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only: firms' owners invite and revoke in the portal."""

    list_display = ("email", "firm", "role", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role",)
    list_select_related = ("firm",)
    search_fields = ("email", "firm__name")
    fields = (
        "firm", "email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by", "revoked_at",
    )  # fmt: skip
    readonly_fields = fields
