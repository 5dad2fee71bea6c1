from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin

from directory.disclaimers import publish_problem as disclaimer_problem
from directory.disclaimers import warn_missing_notices

from .models import FaqItem, Guide, GuideSource
from .services import guide_publish, guide_set_status


class GuideAdminForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = [
            "city", "practice_area", "language", "meta_description", "summary",
            "about_md", "why_md", "local_laws_md", "resources_md", "next_steps_md",
            "disclaimer_md", "reviewer_name", "reviewer_credentials", "last_reviewed_on",
            "status", "published_at",
        ]  # fmt: skip

    def __init__(self, *args, can_publish=True, status_before=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_publish = can_publish
        # Restoring from History fills the form from the old version, status included; what
        # the guide really was comes from before the restore (GuideAdmin.revision_view).
        self.status_before = status_before

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        status_before = self.status_before or self.initial.get("status")
        was_published = self.instance.pk and status_before == Guide.Status.PUBLISHED
        if status == Guide.Status.PUBLISHED:
            if not self.can_publish and not was_published:
                raise ValidationError(_("You may send the guide to review; publishing needs an editor's rights."))
            if not cleaned.get("published_at"):
                cleaned["published_at"] = timezone.now()
            if not (cleaned.get("reviewer_name") or "").strip():
                self.add_error("reviewer_name", _("A published guide names its reviewer."))
            reviewed_on = cleaned.get("last_reviewed_on")
            if reviewed_on is None:
                self.add_error("last_reviewed_on", _("A published guide gives its review date."))
            elif reviewed_on > timezone.localdate():
                self.add_error("last_reviewed_on", _("The review date cannot be in the future."))
            # Checked when the guide goes live or moves, not on every edit of a live guide: a
            # notice made inactive later must not stop its editors from correcting it.
            city = cleaned.get("city")
            if city is not None and (not was_published or "city" in self.changed_data):
                problem = disclaimer_problem(city.country)
                if problem:
                    self.add_error("city", problem)
        return cleaned


class SourceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.status != Guide.Status.PUBLISHED:
            return
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE", False)]
        if not kept:
            raise ValidationError(
                _("A published guide lists at least one source: add the laws or official pages it relies on.")
            )


class FaqItemInline(admin.StackedInline):
    model = FaqItem
    fields = ("position", "question", "answer_md")
    extra = 0
    min_num = 0


class GuideSourceInline(admin.TabularInline):
    model = GuideSource
    formset = SourceFormSet
    # Official pages are https; a link typed without a scheme should not become http://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("position", "title", "issuing_body", "url", "issued_on")
    extra = 1


class StaleFilter(admin.SimpleListFilter):
    title = _("review due")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue (stale)")), ("no", _("Not due yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.stale()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.stale().values("pk"))
        return queryset


@admin.register(Guide)
class GuideAdmin(VersionAdmin):
    form = GuideAdminForm
    inlines = [FaqItemInline, GuideSourceInline]
    list_display = (
        "__str__", "language", "versions", "publication", "last_reviewed_on", "review_due", "updated_at",
    )  # fmt: skip
    list_filter = ("status", StaleFilter, "language", "practice_area__parent", "city__country")
    list_select_related = ("city__region", "city__country", "practice_area")
    search_fields = ("city__name", "practice_area__name", "reviewer_name")
    autocomplete_fields = ("city", "practice_area")
    date_hierarchy = "updated_at"
    actions = ["send_to_review", "publish_now", "back_to_draft"]
    readonly_fields = ("review_notice", "other_versions")
    fieldsets = (
        (_("Where"), {"fields": ("city", "practice_area", "language", "other_versions")}),
        (
            _("Content"),
            {
                "fields": (
                    "meta_description",
                    "summary",
                    "about_md",
                    "why_md",
                    "local_laws_md",
                    "resources_md",
                    "next_steps_md",
                    "disclaimer_md",
                )  # fmt: skip
            },
        ),
        (
            _("Provenance"),
            {
                "fields": (
                    "review_notice",
                    "reviewer_name",
                    "reviewer_credentials",
                    "last_reviewed_on",
                ),
                "description": _(
                    "Who checked this guide and when. Publishing needs both, and at least one source below."
                ),
            },
        ),
        (
            _("Publishing"),
            {
                "fields": ("status", "published_at"),
                "description": _("Draft → In review → Published. A publish time in the future schedules the guide."),
            },
        ),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        can_publish = request.user.has_perm("guides.publish_guide")
        status_before = getattr(request, "guide_status_before", None)

        class RequestGuideForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, can_publish=can_publish, status_before=status_before, **kw)

        return RequestGuideForm

    def get_queryset(self, request):
        return super().get_queryset(request).with_language_versions()

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Read before django-reversion reverts the guide in the view's transaction: restoring a
        # published version of a draft publishes it, with the same checks as any publication
        # (the editor's right to publish, the country's legal notice).
        request.guide_status_before = (
            Guide.objects.filter(pk=object_id).values_list("status", flat=True).first() or Guide.Status.DRAFT
        )
        return super().revision_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            warn_missing_notices(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Only what the guide says moves content_changed_at: a status or review-date change
        # does not make the other language's version out of date. A new guide keeps it empty
        # (its creation time stands in): a translation is written from the current other one.
        content_changed = set(form.changed_data) & set(Guide.CONTENT_FIELDS) or any(
            formset.has_changed() for formset in formsets
        )
        if change and content_changed:
            guide = form.instance
            versions = guide.language_versions()  # as they stood before this edit
            if any(version.out_of_date for version in versions if version.pk == guide.pk):
                changed_at = max(v.content_changed_at for v in versions if v.pk != guide.pk and v.content_changed_at)
            else:
                changed_at = timezone.now()
            guide.content_changed_at = changed_at
            Guide.objects.filter(pk=guide.pk).update(content_changed_at=changed_at)

    @admin.display(description=_("language versions"))
    def versions(self, obj):
        return format_html_join(
            mark_safe("<br>"), "{}", ((self._version_line(obj, version),) for version in obj.language_versions())
        )

    def _version_line(self, obj, version):
        if not version.exists:
            return format_html('<span class="version-missing">{}: {}</span>', version.name, _("none"))
        label = format_html("{}: {}", version.name, version.get_status_display())
        if version.pk != obj.pk:
            label = format_html('<a href="{}">{}</a>', reverse("admin:guides_guide_change", args=[version.pk]), label)
        if version.out_of_date:
            label = format_html(
                '{} <strong class="version-out-of-date"><img src="{}" alt="" width="13" height="13"> {}</strong>',
                label,
                static("admin/img/icon-alert.svg"),
                _("out of date"),
            )
        return label

    @admin.display(description=_("other languages"))
    def other_versions(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the guide first: its versions in other languages are listed here.")
        lines = []
        for version in obj.language_versions():
            if version.language == obj.language:
                if version.out_of_date:
                    lines.append(
                        format_html(
                            '<strong class="version-out-of-date">{}</strong>',
                            _("This version is out of date: the other language's content changed after it."),
                        )
                    )
                continue
            if version.exists:
                lines.append(self._version_line(obj, version))
            else:
                query = urlencode(
                    {"city": obj.city_id, "practice_area": obj.practice_area_id, "language": version.language}
                )
                lines.append(
                    format_html(
                        '<a class="addlink" href="{}?{}">{}</a>',
                        reverse("admin:guides_guide_add"),
                        query,
                        _("Add the %(language)s version") % {"language": version.name},
                    )
                )
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    def view_on_site(self, obj):
        return reverse("guides:preview", kwargs={"pk": obj.pk})

    @admin.display(description=_("publication"), ordering="published_at")
    def publication(self, obj):
        if obj.is_scheduled:
            return _("Scheduled for %(when)s") % {
                "when": timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
            }
        return obj.get_status_display()

    # Words and a warning sign, not Django's boolean icons: a green tick for "stale: yes"
    # read as "all good". Oldest review first, so the most overdue guides sort to the top.
    @admin.display(description=_("review due"), ordering=F("last_reviewed_on").asc(nulls_first=True))
    def review_due(self, obj):
        due = obj.review_due_on
        if due is None:
            return _("Not reviewed yet")
        if obj.is_stale:
            return format_html(
                '<span class="review-overdue"><img src="{}" alt="" width="13" height="13"> {}</span>',
                static("admin/img/icon-alert.svg"),
                _("Overdue since %(date)s") % {"date": due.isoformat()},
            )
        return _("Due %(date)s") % {"date": due.isoformat()}

    @admin.display(description=_("review status"))
    def review_notice(self, obj):
        if obj is None or obj.last_reviewed_on is None:
            return _("Not reviewed yet.")
        if obj.is_stale:
            return _("Stale: last reviewed on %(date)s. Check every section and update the review date.") % {
                "date": obj.last_reviewed_on
            }
        return _("Reviewed on %(date)s.") % {"date": obj.last_reviewed_on}

    @admin.action(description=_("Send selected guides to review"), permissions=["change"])
    def send_to_review(self, request, queryset):
        for guide in queryset:
            guide_set_status(guide=guide, status=Guide.Status.REVIEW, user=request.user)
        self.message_user(request, _("Sent to review."), messages.SUCCESS)

    @admin.action(description=_("Move selected guides back to draft"), permissions=["publish"])
    def back_to_draft(self, request, queryset):
        for guide in queryset:
            guide_set_status(guide=guide, status=Guide.Status.DRAFT, user=request.user)
        self.message_user(request, _("Moved to draft; they are no longer public."), messages.SUCCESS)

    @admin.action(description=_("Publish selected guides now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        published = 0
        for guide in queryset.with_place():
            try:
                guide_publish(guide=guide, user=request.user, at=timezone.now())
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("“%(guide)s” was not published: %(problems)s")
                    % {"guide": guide, "problems": " ".join(exc.messages)},
                    messages.ERROR,
                )
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%(count)d guide published.", "%(count)d guides published.", published)
                % {"count": published},
                messages.SUCCESS,
            )

    def has_publish_permission(self, request):
        return request.user.has_perm("guides.publish_guide")
