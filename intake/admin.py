"""Operators watch the lead pipeline here; they do not edit it. Leads, matches and consents
change only through intake/services/, so these admins are read-only apart from one action
("Retry delivery"). Clients' names, contact details and descriptions are masked for staff
without the intake.view_lead_pii permission, on every page and in search."""

from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lawzana.admin import ReadOnlyAdminMixin
from lawzana.queue import publish

from .models import Consent, Lead, Match

MASK = _("•••• (hidden)")


def can_see_pii(request) -> bool:
    return request.user.has_perm(settings.PERSONAL_DATA_PERMISSION)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class MatchInline(ReadOnlyInline):
    model = Match
    fields = ("firm", "slot", "round", "status", "score", "reason", "attempts", "failure_reason", "delivered_at")
    readonly_fields = fields
    ordering = ("round", "slot")
    verbose_name_plural = _("matches (why each firm was chosen)")


class ConsentInline(ReadOnlyInline):
    model = Consent
    fields = ("purpose", "policy_version", "text_digest", "locale", "given_at")
    readonly_fields = fields


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "practice_area", "city", "status", "from_empty_state", "created_at", "match_count")
    list_filter = (
        "status",
        "from_empty_state",
        ("practice_area__parent", admin.RelatedOnlyFieldListFilter),
        ("city__country", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("practice_area", "city")
    date_hierarchy = "created_at"
    inlines = (MatchInline, ConsentInline)
    change_list_template = "intake/admin/lead_change_list.html"

    REQUEST_FIELDS = (
        "id",
        "status",
        "practice_area",
        "city",
        "urgency",
        "budget",
        "preferred_language",
        "client_type",
        "requested_firm",
        "requested_firm_only",
        "requested_firm_unavailable",
    )
    PII_FIELDS = ("description", "other_party", "name", "email", "phone")
    MASKED_FIELDS = ("masked_description", "masked_other_party", "masked_name", "masked_email", "masked_phone")
    DATE_FIELDS = ("from_empty_state", "created_at", "confirmed_at", "matched_at", "withdrawn_at", "erased_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(match_count=Count("matches", distinct=True))

    # Leads come from the form and change through services: nobody adds, edits or deletes
    # them here. Deleting would also delete their consent records (PIPL Art. 14, GDPR 7(1)).

    # Staff without the PII permission get columns and fields that only ever say "hidden":
    # the real values never reach their pages.
    def get_list_display(self, request):
        return (*self.list_display, "name" if can_see_pii(request) else "masked_name")

    def get_fields(self, request, obj=None):
        pii = self.PII_FIELDS if can_see_pii(request) else self.MASKED_FIELDS
        return (*self.REQUEST_FIELDS, *pii, *self.DATE_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_search_fields(self, request):
        return ("=id", "name", "email", "phone") if can_see_pii(request) else ("=id",)

    def get_search_results(self, request, queryset, search_term):
        if not can_see_pii(request):
            # Only the request number; anything else would let staff probe for a client.
            term = search_term.strip().lstrip("#")
            if not term:
                return queryset, False
            return (queryset.filter(pk=int(term)) if term.isdigit() else queryset.none()), False
        return super().get_search_results(request, queryset, search_term)

    def get_search_help_text(self, request):
        if can_see_pii(request):
            return _("Search by request number, or by the client's name, email or phone.")
        return _("Search by request number.")

    @admin.display(description=_("matches"), ordering="match_count")
    def match_count(self, obj):
        return obj.match_count

    @admin.display(description=_("name"))
    def masked_name(self, obj):
        return MASK

    @admin.display(description=_("email"))
    def masked_email(self, obj):
        return MASK

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return MASK

    @admin.display(description=_("description"))
    def masked_description(self, obj):
        return MASK

    @admin.display(description=_("other party"))
    def masked_other_party(self, obj):
        return MASK

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "unmet_demand_url": reverse("admin:intake_lead_unmet_demand")}
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        return [
            path(
                "unmet-demand/",
                self.admin_site.admin_view(self.unmet_demand_view),
                name="intake_lead_unmet_demand",
            ),
            *super().get_urls(),
        ]

    def unmet_demand_view(self, request):
        """Requests sent from pages with no firm, per city × practice area: where to recruit."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = (
            Lead.objects.from_empty_pages()
            .values("city__name", "city__country__name", "practice_area__name")
            .annotate(requests=Count("id"), last_requested_at=Max("created_at"))
            .order_by("-requests", "-last_requested_at", "city__name", "practice_area__name")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Unmet demand"),
            "rows": rows,
        }
        return TemplateResponse(request, "intake/admin/unmet_demand.html", context)


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The record of what each client agreed to. Nobody may add, change or delete it."""

    list_display = ("lead_id", "purpose", "policy_version", "locale", "given_at", "text_digest")
    list_filter = ("purpose", "policy_version")
    search_fields = ("=lead__id",)
    fields = ("lead", "purpose", "policy_version", "text_digest", "locale", "given_at")
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().lstrip("#")
        if not term:
            return queryset, False
        return (queryset.filter(lead_id=int(term)) if term.isdigit() else queryset.none()), False


def _publish_delivery(match_id):
    # With the broker down the match is pending again all the same, so the sweeper sends it.
    publish("intake.tasks.match_deliver", match_id)


class ReturnReasonFilter(admin.SimpleListFilter):
    """Requests firms handed back, by reason: spam and wrong-area returns show where the form
    or the matching needs work. The counts come from the changelist's facets."""

    title = _("returned requests by reason")
    parameter_name = "returned_because"

    def lookups(self, request, model_admin):
        return Match.ReturnReason.choices

    def queryset(self, request, queryset):
        if self.value() in Match.ReturnReason.values:
            return queryset.filter(status=Match.Status.RETURNED, return_reason=self.value())
        return queryset


@admin.register(Match)
class MatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    actions_need_change = True
    list_display = (
        "id",
        "lead_id",
        "firm",
        "slot",
        "round",
        "status",
        "attempts",
        "failure_reason",
        "created_at",
        "delivered_at",
    )
    list_filter = ("status", ReturnReasonFilter, "round")
    # Counts beside each filter choice: matches per status, returned requests per reason.
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ("firm",)
    search_fields = ("=lead__id", "firm__name")
    fields = (
        "lead",
        "firm",
        "slot",
        "round",
        "status",
        "score",
        "reason",
        "attempts",
        "last_attempt_at",
        "failure_reason",
        "created_at",
        "delivered_at",
        "viewed_at",
        "responded_at",
        "expired_at",
        "decline_reason",
        "return_reason",
        "contact_released_at",
    )
    readonly_fields = fields
    actions = ("retry_delivery",)

    @admin.action(description=_("Retry delivery of the selected failed matches"), permissions=["change"])
    def retry_delivery(self, request, queryset):
        # Only failed matches of requests still open: never re-send a withdrawn or erased one.
        retryable = queryset.filter(
            status=Match.Status.FAILED,
            lead__status__in=[Lead.Status.CONFIRMED, Lead.Status.MATCHED],
            lead__erased_at__isnull=True,
        )
        with transaction.atomic():
            ids = list(retryable.select_for_update().values_list("pk", flat=True))
            Match.objects.filter(pk__in=ids, status=Match.Status.FAILED).update(
                status=Match.Status.PENDING, attempts=0, failure_reason="", last_attempt_at=None
            )
            for match_id in ids:
                transaction.on_commit(partial(_publish_delivery, match_id))
        skipped = queryset.count() - len(ids)
        if ids:
            self.message_user(
                request,
                ngettext(
                    "%(count)d match will be delivered again.", "%(count)d matches will be delivered again.", len(ids)
                )
                % {"count": len(ids)},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d match was skipped: only failed matches of open requests can be retried.",
                    "%(count)d matches were skipped: only failed matches of open requests can be retried.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
