"""The firm's request inbox: its matches, one match's page, and the three answers (accept,
decline, return). Every match is fetched through request.firm, so another firm's match is a
404 (docs/reliability.md A3); what a firm sees of the client follows A5."""

import csv
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Value
from django.db.models.functions import Coalesce, Left, NullIf
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from api import matches as firm_view
from directory.importing import escape_formula
from intake import redaction
from intake.models import Match
from intake.services import answers
from lawzana.i18n import TIME_STRINGS

from ..access import authz_denied, portal_view
from ..filters import GROUP_OF_STATUS, STATUS_GROUP_LABELS, MatchFilter
from ..forms.requests import AcceptForm, DeclineForm, ReturnForm

PAGE_SIZE = 25
# The client's personal data is never needed for a list row: not even loaded. A row shows
# the start of what the firm was sent only, read with Left() and redacted (inbox_preview).
LEAD_PII = ("lead__name", "lead__email", "lead__phone", "lead__description")
# The match's copies of what was sent, in full; the preview reads the start of one.
SENT_COPIES = ("sent_summary", "sent_fields", "sent_contact")
PREVIEW_LENGTH = 140
# Characters read for a preview: well beyond what is shown, so that redacting contact details
# (which changes the text's length) still leaves enough to show.
PREVIEW_READ = 400


def inbox_preview(start: str) -> str:
    """A row's short preview: the start of the description with contact details hidden.

    When the text read was cut, it is first cut back to the last space or punctuation mark
    (or by 60 characters where there is none): half an email address or phone number would not
    be recognised as one, and must not be shown."""
    if len(start) >= PREVIEW_READ:
        boundary = max(start.rfind(mark) for mark in " \n\t,;!?，。；！？、")
        start = start[:boundary] if boundary > 0 else start[:-60]
    text = " ".join(redaction.redact_contacts(start).split())
    if len(text) <= PREVIEW_LENGTH:
        return text
    cut = text[: PREVIEW_LENGTH - 1]
    space = cut.rfind(" ")
    if space > PREVIEW_LENGTH // 2:  # end on a whole word where the text has spaces
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def answer_by(match: Match):
    """When an unanswered match expires (intake.services.sweeps.matches_expire_and_reroute):
    LEAD_RESPONSE_WINDOW_HOURS after delivery. None once answered or not yet delivered."""
    if match.status not in Match.ANSWERABLE_STATUSES or match.delivered_at is None:
        return None
    return match.delivered_at + timedelta(hours=settings.LEAD_RESPONSE_WINDOW_HOURS)


# An answer due within this is shown as pressing: in the inbox row and on the request's page.
DEADLINE_SOON = timedelta(hours=24)


def deadline(when, now) -> tuple[str, bool]:
    """How long is left to answer, in words ("in 5 hours"), and whether that is soon. A
    deadline already past still shows until the expiry sweep runs."""
    if when <= now:
        return _("time is up"), True
    left = timeuntil(when, now, depth=1, time_strings=TIME_STRINGS)
    return _("in %(time)s") % {"time": left}, when - now < DEADLINE_SOON


@portal_view
@require_safe
@never_cache
def inbox(request):
    firm_matches = Match.objects.filter(firm=request.firm)
    filterset = MatchFilter(
        request.GET,
        queryset=firm_matches.select_related("lead__practice_area", "lead__city")
        .defer(*LEAD_PII, *SENT_COPIES)
        # What the firm was sent (intake/services/delivery.py), or for a request sent before
        # that was kept, the description, redacted the same way.
        .annotate(
            preview_start=Coalesce(
                NullIf(Left("sent_summary", PREVIEW_READ), Value("")), Left("lead__description", PREVIEW_READ)
            )
        )
        .order_by("-created_at", "-pk"),
        request=request,
    )
    # An invalid filter (an unknown status, another firm's city, a junk date) shows its error
    # and an empty list rather than silently ignoring what was asked.
    matches = filterset.qs if filterset.is_valid() else firm_matches.none()
    page = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for match in page:
        match.group = GROUP_OF_STATUS.get(match.status, "")
        match.group_label = STATUS_GROUP_LABELS.get(match.group, match.get_status_display())
        match.can_open = answers.match_is_visible_to_firm(match)
        # Nothing of a request the firm may no longer open, nor of erased personal data.
        match.preview = inbox_preview(match.preview_start or "") if match.can_open else ""
        match.answer_by = answer_by(match) if match.can_open else None
        if match.answer_by:
            match.answer_in, match.answer_soon = deadline(match.answer_by, now)

    counts = dict.fromkeys(STATUS_GROUP_LABELS, 0)
    for row in firm_matches.order_by().values("status").annotate(n=Count("pk")):
        counts[GROUP_OF_STATUS[row["status"]]] += row["n"]
    return render(
        request,
        "portal/requests/match_list.html",
        {
            "section": "inbox",
            "filter": filterset,
            "page_obj": page,
            "counts": [(group, STATUS_GROUP_LABELS[group], n) for group, n in counts.items()],
            "current_group": filterset.form.cleaned_data.get("status") if filterset.is_valid() else None,
            "total": sum(counts.values()),
        },
    )


def _firm_match(request, public_id) -> Match:
    match = (
        Match.objects.select_related(
            "lead__practice_area",
            "lead__city__country",
            "lead__city__region",
            "lead__preferred_language",
            "office_city",
        )
        .filter(public_id=public_id, firm=request.firm)
        .first()
    )
    if match is None:
        raise authz_denied(request, "match")
    return match


def _render_match(request, match, *, status=200, **forms):
    answerable = answers.match_answer_refusal(match) is None
    accepted = match.status == Match.Status.ACCEPTED
    released = accepted and match.contact_released_at is not None
    due = answer_by(match) if answerable else None
    answer_in, answer_soon = deadline(due, timezone.now()) if due else ("", False)
    context = {
        "section": "inbox",
        "match": match,
        "lead": match.lead,
        "group": GROUP_OF_STATUS.get(match.status, ""),
        "group_label": STATUS_GROUP_LABELS.get(GROUP_OF_STATUS.get(match.status, ""), match.get_status_display()),
        "is_accepted": accepted,
        "is_expired": match.status == Match.Status.EXPIRED,
        "answerable": answerable,
        "answer_by": due,
        "answer_in": answer_in,
        "answer_soon": answer_soon,
        # Before accepting, the firm sees a shortened summary with contact details hidden;
        # once it accepted, the whole description, still without contact details, until the
        # client releases their name, email and phone to this firm.
        # The summary as it was sent (match_mark_viewed records it on a first portal view).
        "summary": None if accepted else (match.sent_summary or redaction.redacted_summary(match.lead.description)),
        "description": match.lead.description if released else redaction.redact_contacts(match.lead.description),
        "show_contact": released,
    }
    if answerable:
        context.update(
            accept_form=forms.get("accept_form") or AcceptForm(prefix="accept"),
            decline_form=forms.get("decline_form") or DeclineForm(prefix="decline"),
            return_form=forms.get("return_form") or ReturnForm(prefix="return"),
        )
    return render(request, "portal/requests/match_detail.html", context, status=status)


@portal_view
@require_safe
@never_cache
def match(request, public_id):
    match = _firm_match(request, public_id)
    if not answers.match_is_visible_to_firm(match):
        # Declined, returned, withdrawn or erased: the firm no longer sees it (A5).
        raise Http404("This request is no longer available to the firm.")
    if request.method == "GET" and answers.match_mark_viewed(match_id=match.pk):
        match = _firm_match(request, public_id)
    return _render_match(request, match)


def _refused(request, match, message):
    """A 409 page: the request cannot be answered (any more); nothing was changed."""
    return render(
        request,
        "portal/requests/match_conflict.html",
        {"section": "inbox", "message": message, "match": match, "can_open": answers.match_is_visible_to_firm(match)},
        status=409,
    )


def _answer(request, match, form, *, form_name, answer, success_message, next_url):
    """Shared by the three answers: refuse what cannot be answered (409), show form errors
    (400), else answer through the service and redirect."""
    refusal = answers.match_answer_refusal(match)
    if refusal is not None:
        return _refused(request, match, refusal)
    if not form.is_valid():
        return _render_match(request, match, status=400, **{form_name: form})
    try:
        answer(form)
    except answers.MatchAnswerError as exc:  # answered in another tab in the meantime
        return _refused(request, _firm_match(request, match.public_id), str(exc))
    messages.success(request, success_message)
    return redirect(next_url)


@portal_view
@require_POST
@never_cache
def match_accept(request, public_id):
    match = _firm_match(request, public_id)
    return _answer(
        request,
        match,
        AcceptForm(request.POST, prefix="accept"),
        form_name="accept_form",
        answer=lambda form: answers.match_accept(
            match_id=match.pk, user=request.user, message=form.cleaned_data["message"], quote=form.quote
        ),
        success_message=_(
            "You accepted the request. We emailed the client your message; you will see their contact "
            "details here if they choose to give them to you."
        ),
        next_url=reverse("portal:match", kwargs={"firm_slug": request.firm.slug, "public_id": match.public_id}),
    )


@portal_view
@require_POST
@never_cache
def match_decline(request, public_id):
    match = _firm_match(request, public_id)
    return _answer(
        request,
        match,
        DeclineForm(request.POST, prefix="decline"),
        form_name="decline_form",
        answer=lambda form: answers.match_decline(
            match_id=match.pk, user=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
        ),
        success_message=_("You declined the request. It is no longer shown to your firm."),
        next_url=reverse("portal:inbox", kwargs={"firm_slug": request.firm.slug}),
    )


@portal_view
@require_POST
@never_cache
def match_return(request, public_id):
    match = _firm_match(request, public_id)
    return _answer(
        request,
        match,
        ReturnForm(request.POST, prefix="return"),
        form_name="return_form",
        answer=lambda form: answers.match_return(
            match_id=match.pk, user=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
        ),
        success_message=_("You returned the request. Our operators will look at it."),
        next_url=reverse("portal:inbox", kwargs={"firm_slug": request.firm.slug}),
    )


# Accepted requests read from the database this many at a time while the file streams out: a
# firm's export holds its memory steady however many there are.
EXPORT_CHUNK_SIZE = 200


class _Lines:
    """The file csv.writer writes to: it hands each line back, to be streamed."""

    def write(self, line: str) -> str:
        return line


@portal_view
@require_safe
@never_cache
def inbox_export(request):
    """The firm's accepted requests as a CSV file for its own spreadsheet or CRM: what their
    pages show (api/matches.py), the client's contact details only where released to this firm.

    Streamed row by row. The rows are written after the view has returned, so every word that
    depends on the request's language or time zone is settled here first."""
    header = [
        _("Reference"),
        _("Received"),
        _("Accepted"),
        _("Practice area"),
        _("City"),
        _("Summary"),
        _("Your message"),
        _("Fee model"),
        _("Amount from"),
        _("Amount to"),
        _("Currency"),
        _("What it covers"),
        _("Contact details given"),
        _("Client's name"),
        _("Client's email"),
        _("Client's phone"),
    ]
    fee_models = {value: str(label) for value, label in Match._meta.get_field("quote_fee_model").flatchoices}
    zone = timezone.get_current_timezone()
    accepted = firm_view.firm_matches(request.firm).filter(status=Match.Status.ACCEPTED)

    def when(moment) -> str:
        return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    def lines():
        writer = csv.writer(_Lines())
        # The byte order mark is how Excel knows the file is UTF-8 (Chinese names, "–" in a quote).
        yield "\ufeff" + writer.writerow(header)
        for match in accepted.iterator(chunk_size=EXPORT_CHUNK_SIZE):
            data = firm_view.match_data(match)
            if not data["available"]:  # erased: nothing of it is the firm's to keep any more
                continue
            quote = data["answer"]["quote"] or {}
            contact = data["contact"] or {}
            row = [
                str(match.public_id),
                when(match.created_at),
                when(match.responded_at),
                data["practice_area"],
                data["city"],
                data["summary"],
                data["answer"]["message"],
                fee_models.get(match.quote_fee_model, match.quote_fee_model) if quote else "",
                quote.get("amount_min") or "",
                quote.get("amount_max") or "",
                quote.get("currency", ""),
                quote.get("covers", ""),
                when(match.contact_released_at) if contact else "",
                contact.get("name", ""),
                contact.get("email", ""),
                contact.get("phone", ""),
            ]
            # Clients and firms typed these: a cell starting "=" must stay text in a spreadsheet.
            yield writer.writerow([escape_formula(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"lawzana-{request.firm.slug}-accepted-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
