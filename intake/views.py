"""The client's side of a request: the form, the confirmation link and the private status page
with its actions (release contact details, download, withdraw). Views validate and call one
service from intake/services/; they never change a lead themselves."""

import logging
import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe
from django_ratelimit import core as ratelimit
from formtools.wizard.forms import ManagementForm
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import SessionWizardView

from directory.disclaimers import disclaimer_for_ids
from directory.firm_slugs import could_be_slug
from directory.models import Firm, Office
from directory.selectors import firms_serving
from intake.services import client_actions, submission
from lawzana import privacy
from lawzana.db_router import use_primary
from lawzana.security import client_ip

from .forms import DESCRIPTION_MAX, STEPS, ContactForm, EmailCorrectionForm, WhatForm
from .models import Lead, Match

logger = logging.getLogger(__name__)

# The two per-address limits of the last step (see LeadWizard.rate_limit_refusal).
SENT_GROUP = "intake.lead_new.sent"
ATTEMPT_GROUP = "intake.lead_new.attempt"

# --- The fill-time clock -------------------------------------------------------------------
#
# The minimum fill time counts from when the form was shown. The page carries that moment,
# signed, in a hidden field, and the first POST that brings a valid one stores it with the
# wizard's data: so showing the form needs no session, and a bot cannot claim to have opened
# it earlier than it did.

CLOCK_FIELD = "lead_new-started"
CLOCK_SALT = "intake.LeadWizard.clock"


def clock_token() -> str:
    """This moment, signed: milliseconds since the epoch (whole seconds would let a bot
    through up to a second early)."""
    return signing.Signer(salt=CLOCK_SALT).sign(str(int(timezone.now().timestamp() * 1000)))


def clock_started(token: str) -> datetime | None:
    """When the page that carried token was shown; None when the token is missing, forged or
    older than a session lives (the clock used to be kept in one, with that lifetime)."""
    try:
        shown_ms = int(signing.Signer(salt=CLOCK_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    started = datetime.fromtimestamp(shown_ms / 1000, tz=UTC)
    if timezone.now() - started > timedelta(seconds=settings.SESSION_COOKIE_AGE):
        return None
    return started


def rate_window_seconds(rate: str) -> int:
    """The window of a django-ratelimit rate such as "5/10m": 600."""
    found = re.fullmatch(r"\d+/(\d*)([smhd])", rate.strip())
    if found is None:
        return 600  # django-ratelimit refuses such a rate anyway; keep the text ten minutes
    number, unit = found.groups()
    return int(number or 1) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


class PageOnlyStorage(BaseStorage):
    """The wizard's storage while a visitor without a session looks at the form: this request's
    memory only. Merely looking creates no session (no row, no cookie), so crawlers don't fill
    the session table and the visitor keeps getting the shared pages (lawzana/page_cache.py).
    The first POST starts the session."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_data()


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters(), name="dispatch")
class LeadWizard(SessionWizardView):
    """The two-minute form: three steps kept in the session until the last one is sent.

    Anti-abuse, none of which troubles a person: a honeypot field and a minimum fill time
    (a bot that trips either sees the normal success page and nothing is stored), and a
    per-address rate limit on the final submission (429, with everything typed kept).
    """

    form_list = list(STEPS)
    template_name = "intake/lead_form.html"
    # Not drafted when the client goes back: ticks must be given on the final submission.
    UNREMEMBERED_FIELDS = (*ContactForm.CONSENT_FIELDS, ContactForm.HONEYPOT)

    # The landing page's call to action links here with ?city=<pk>&practice_area=<pk>; a firm's
    # profile with ?firm=<slug> (and the firm's own city and area when the link names none).
    PREFILLED_FIELDS = ("practice_area", "city")
    prefill: dict = {}  # the valid prefilled values of a GET (see get())
    unavailable_firm = None  # a firm named by ?firm= that takes no requests now (see get())
    linked_firm = None  # the firm named by ?firm=, as read for the prefill (see get())

    def get_prefix(self, request, *args, **kwargs):
        return "lead_new"  # the management field is "lead_new-current_step"

    def dispatch(self, request, *args, **kwargs):
        # SessionStorage would write the wizard's empty data into a new session at once.
        if request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            self.storage_name = f"{__name__}.{PageOnlyStorage.__qualname__}"
        return super().dispatch(request, *args, **kwargs)

    # --- Showing the steps -----------------------------------------------------------------

    # Post/redirect/get: every POST that moves between steps, or is refused for a mistake,
    # answers with a redirect to the step's own address (/requests/new/<step>/), so that the
    # browser's Back and Forward fetch steps with GET and never ask to resubmit a form. The
    # steps come back from the session: their stored data, what was typed before going back
    # ("drafts"), or the refused POST itself ("refused", shown with its messages).
    # formtools' NamedUrlSessionWizardView redirects the same way but finishes with a GET of
    # a "done" address, which would send a request from a link, without CSRF or rate limit.

    def step_url(self, step):
        return reverse("intake:lead_new_step", kwargs={"step": step})

    def get(self, request, *args, step=None, **kwargs):
        # The pickers' options are kept per process (directory.forms), so checking a prefilled
        # id, like listing the options, needs no query.
        self.prefill = {
            name: int(value)
            for name in self.PREFILLED_FIELDS
            if WhatForm.base_fields[name].has_choice(value := request.GET.get(name, ""))
        }
        if "firm" in request.GET:
            self.prefill_firm(request.GET["firm"])
            refused = self.storage.extra_data.get("refused") or {}
            if refused.get("step") == self.steps.first:  # refused for that firm: choose afresh
                del self.storage.extra_data["refused"]
        elif any(name in request.GET for name in self.PREFILLED_FIELDS):
            self.prefill["firm"] = ""  # a general call to action replaces an earlier choice of firm
        if step is not None:
            return self.show_step(step)
        if self.attempt_in_progress():
            # Back to the first page, or a reload of it: nothing typed is lost. The query's
            # choices (a call to action followed later) replace the first step's.
            return self.show_step(self.steps.first)
        # Otherwise a fresh start. The fill-time clock starts with the page (see clock_token).
        self.storage.reset()
        self.storage.current_step = self.steps.first
        return self.render(self.get_form())

    def prefill_firm(self, slug):
        """?firm=<slug>: the request goes to that firm first. Its city and practice area fill
        the first step when the link names none and the firm has one of each to offer."""
        self.prefill["firm"] = ""
        firm = None
        if could_be_slug(slug):
            firm = (
                Firm.objects.listed()
                .filter(slug=slug)
                .prefetch_related(
                    Prefetch("offices", queryset=Office.objects.order_by("-is_headquarters", "pk")), "practice_areas"
                )
                .first()
            )
        if firm is None:
            return  # unknown or unlisted: an ordinary request, nothing to say about a firm
        if not firm.is_accepting_leads:
            self.unavailable_firm = firm
            return
        self.prefill["firm"], self.linked_firm = firm.slug, firm
        offices, areas = list(firm.offices.all()), list(firm.practice_areas.all())
        city_field, area_field = WhatForm.base_fields["city"], WhatForm.base_fields["practice_area"]
        if "city" not in self.prefill and offices and city_field.has_choice(str(offices[0].city_id)):
            self.prefill["city"] = offices[0].city_id
        if "practice_area" not in self.prefill and len(areas) == 1 and area_field.has_choice(str(areas[0].pk)):
            self.prefill["practice_area"] = areas[0].pk

    def firm_choice(self, form) -> tuple[Firm | None, bool]:
        """The firm this request goes to first, if the client chose one, and whether to it only:
        from the first step as shown, or as sent once the client is past it."""
        if self.steps.current == self.steps.first:
            slug = form.chosen_slug()
            send_to = form["send_to"].value() if "send_to" in form.fields else ""
        else:
            data = self.storage.get_step_data(self.steps.first) or {}
            slug = data.get(f"{self.get_form_prefix(self.steps.first)}-firm", "")
            send_to = data.get(f"{self.get_form_prefix(self.steps.first)}-send_to", "")
        if not slug:
            return None, False
        if self.linked_firm is not None and self.linked_firm.slug == slug:
            firm = self.linked_firm  # read a moment ago for the prefill
        else:
            firm = Firm.objects.listed().filter(slug=slug).first()
        return firm, firm is not None and send_to == WhatForm.SEND_TO_ONLY

    def get_form_initial(self, step):
        initial = dict(super().get_form_initial(step))
        # What the client sent for this step (valid, or it would not be stored), then what
        # they typed before going back (never validated): shown as typed, without validating
        # again, so a step comes back without error messages and without a query.
        stored = self.storage.get_step_data(step)
        if stored is not None:
            form = self.get_form_list()[step](data=stored, prefix=self.get_form_prefix(step))
            initial.update({name: form[name].value() for name in form.fields if name not in self.UNREMEMBERED_FIELDS})
        initial.update(self.storage.extra_data.get("drafts", {}).get(step, {}))
        if step == self.steps.first:
            initial.update(self.prefill)  # a call to action followed later: its choices win
        return initial

    def attempt_in_progress(self) -> bool:
        extra = self.storage.extra_data
        return bool(self.storage.data.get(self.storage.step_data_key) or extra.get("drafts") or extra.get("refused"))

    def show_step(self, step):
        steps = list(self.get_form_list())
        if step not in steps:
            return redirect("intake:lead_new")
        # A step can be shown once every step before it has been answered; otherwise the first
        # one that has not (after the session expired: the form from the start).
        for earlier in steps[: steps.index(step)]:
            if self.storage.get_step_data(earlier) is None:
                return redirect(self.step_url(earlier) if self.attempt_in_progress() else reverse("intake:lead_new"))
        self.storage.current_step = step
        refused = self.storage.extra_data.get("refused") or {}
        if refused.get("step") == step:  # shown with its messages until the next POST
            return self.render(self.get_form(step=step, data=MultiValueDict(refused["data"])))
        return self.render(self.get_form(step=step))

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        # extra_data is merged into the context; keep typed text out of it
        context.pop("drafts", None)
        context.pop("refused", None)
        # Every page carries a clock until a POST has brought one, in case the first POST
        # could not (its session expired meanwhile, a page shown before this release).
        context["started_token"] = None if "started_at" in self.storage.extra_data else clock_token()
        # Said once, on the page shown after the POST that found the earlier steps gone.
        context["session_expired"] = self.request.method == "GET" and self.storage.extra_data.pop("expired", False)
        context.pop("expired", None)
        current, steps = self.steps.current, self.get_form_list()
        requested_firm, requested_only = self.firm_choice(form)
        context.update(
            requested_firm=requested_firm,
            requested_only=requested_only,
            unavailable_firm=self.unavailable_firm,
            clock_field=CLOCK_FIELD,
            step_titles=[(name, form_class.title, name == current) for name, form_class in steps.items()],
            step_title=steps[current].title,
            is_last_step=current == self.steps.last,
            policy_version=privacy.POLICY_VERSION,
            fanout=settings.LEAD_FANOUT,
            session_hours=settings.SESSION_COOKIE_AGE // 3600,
            email_confirmation=settings.LEAD_EMAIL_CONFIRMATION,
            description_max=DESCRIPTION_MAX,
            disclaimer=self.chosen_place_disclaimer(),
        )
        return context

    def chosen_place_disclaimer(self):
        """The legal notice for the city's country and the practice area the client chose, on the
        steps after the first (which chooses them); None on the first or without a notice."""
        if self.steps.current == self.steps.first:
            return None
        data = self.storage.get_step_data(self.steps.first) or {}
        prefix = self.get_form_prefix(self.steps.first)
        city, area = data.get(f"{prefix}-city", ""), data.get(f"{prefix}-practice_area", "")
        # Stored only once valid; still, the session is never trusted to hold numbers.
        if not (str(city).isdigit() and str(area).isdigit()):
            return None
        return disclaimer_for_ids(city_id=int(city), practice_area_id=int(area))

    def render(self, form=None, in_place=False, **kwargs):
        if self.request.method != "POST" or in_place:
            return super().render(form, **kwargs)
        # The answer to a POST (next step, back, a refused step): the step's address, with a
        # refused step's data kept to show it again with its messages (see get()).
        if form is not None and form.is_bound and form.errors:
            data = {key: values for key, values in form.data.lists() if key != "csrfmiddlewaretoken"}
            self.storage.extra_data["refused"] = {"step": self.steps.current, "data": data}
        return redirect(self.step_url(self.steps.current))

    def render_with_status(self, form, status, **context):
        # Shown in place: a forged step (400) or the rate limit (429) is said by the status too.
        response = self.render(form, in_place=True, **context)
        response.status_code = status
        return response

    # --- Moving between steps --------------------------------------------------------------

    def post(self, *args, **kwargs):
        self.start_clock()
        self.storage.extra_data.pop("refused", None)  # shown until the next POST, then stale
        steps = self.get_form_list()
        goto = self.request.POST.get("wizard_goto_step")
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        posted_step = management.cleaned_data["current_step"] if management.is_valid() else None
        if goto and goto in steps:
            # "Back" must not validate, and must not lose what was typed on this step.
            self.keep_typed_values(posted_step if posted_step in steps else self.steps.current)
            return self.render_goto_step(goto)
        if posted_step not in steps:
            # A missing or forged step name: show the step we know about again, change nothing.
            if self.storage.current_step not in steps:
                self.storage.current_step = self.steps.first
            form = self.get_form(data=self.storage.current_step_data)
            return self.render_with_status(form, 400, tampered=True)

        if self.earlier_steps_lost(posted_step):
            # The session that held the earlier steps expired (or its cookie was cleared) while
            # this page was open: say so, keep what this page holds, and start again from the
            # first step, instead of showing that step with errors for fields never sent.
            self.keep_typed_values(posted_step)
            self.storage.extra_data["expired"] = True
            self.storage.current_step = self.steps.first
            return redirect(self.step_url(self.steps.first))

        if posted_step == self.steps.last and (refusal := self.rate_limit_refusal()) is not None:
            # The typed values are shown again and kept for a retry, but only while one can
            # succeed: no request holds them, so a withdrawal could never reach them.
            self.storage.current_step = posted_step
            if self.request.user.is_authenticated:
                self.storage.reset()  # a signed-in session outlives the limit: keep nothing
            else:
                self.request.session.set_expiry(max(60, refusal["wait_seconds"]))
            return self.render_with_status(self.get_form(data=self.request.POST), 429, refusal=refusal)
        return super().post(*args, **kwargs)

    def earlier_steps_lost(self, posted_step) -> bool:
        """A later step posted to a session that holds nothing of this form: it expired, or its
        cookie was cleared, while the page was open. (A step skipped in a session that holds
        the others is shown as the step to answer, by formtools' revalidation.)"""
        return (
            posted_step in self.get_form_list() and posted_step != self.steps.first and not self.attempt_in_progress()
        )

    def start_clock(self):
        """Keep when the form was first shown, from the page's signed clock, once: on the first
        POST that brings a valid one, whichever way the step then goes (next, back, 400, 429)."""
        if "started_at" in self.storage.extra_data:
            return
        started = clock_started(self.request.POST.get(CLOCK_FIELD, ""))
        if started is not None:
            self.storage.extra_data["started_at"] = started.isoformat()

    def rate_limit_refusal(self) -> dict | None:
        """Why this address may not send the last step now, or None.

        Two limits, each counted for what it is for: requests actually sent from this address
        (LEAD_RATE_LIMIT, counted in done(); a mistake on the form is not a request), and every
        attempt at the last step, a much higher ceiling against scripts (LEAD_ATTEMPT_LIMIT,
        counted here, before validation, so that trying many variants counts too).
        """
        try:
            attempts = self._usage(ATTEMPT_GROUP, settings.LEAD_ATTEMPT_LIMIT, increment=True)
            sent = self._usage(SENT_GROUP, settings.LEAD_RATE_LIMIT, increment=False)
        except Exception:
            # The cache (Redis) is down, or the client address is missing. A person's request
            # matters more than the limit: let it through, loudly (docs/reliability.md F2).
            logger.exception("Rate limit unavailable for the request form; letting the submission through.")
            return None
        for usage, kind in ((sent, "sent"), (attempts, "attempts")):
            if usage is not None and usage["count"] >= usage["limit"] + (kind == "attempts"):
                wait = max(1, int(usage["time_left"]))
                return {
                    "kind": kind,
                    "count": usage["count"] if kind == "sent" else None,
                    "window_minutes": max(1, rate_window_seconds(self._rate_of(kind)) // 60),
                    "wait_seconds": wait,
                    "wait_minutes": max(1, -(-wait // 60)),
                }
        return None

    def _rate_of(self, kind: str) -> str:
        return settings.LEAD_RATE_LIMIT if kind == "sent" else settings.LEAD_ATTEMPT_LIMIT

    def _usage(self, group: str, rate: str, *, increment: bool):
        return ratelimit.get_usage(self.request, group=group, key="ip", rate=rate, method="POST", increment=increment)

    def count_sent_request(self) -> None:
        try:
            self._usage(SENT_GROUP, settings.LEAD_RATE_LIMIT, increment=True)
        except Exception:
            logger.exception("Rate limit unavailable for the request form; this request is not counted.")

    def keep_typed_values(self, step):
        if step not in self.get_form_list():
            return
        form = self.get_form(step=step, data=self.request.POST)
        drafts = self.storage.extra_data.setdefault("drafts", {})
        if form.is_valid():
            self.storage.set_step_data(step, self.process_step(form))
            drafts.pop(step, None)
            return
        # Invalid or half-filled: remember the raw values as the step's initial data, so the
        # step comes back as typed, without error messages for a step not yet submitted.
        self.storage.data[self.storage.step_data_key].pop(step, None)
        drafts[step] = {
            name: form[name].value()
            for name in form.fields
            if name not in self.UNREMEMBERED_FIELDS and form[name].value() not in (None, "")
        }

    # --- The end ---------------------------------------------------------------------------

    def filled_too_fast(self) -> bool:
        started_at = self.storage.extra_data.get("started_at")
        try:
            started = datetime.fromisoformat(started_at)
        except (TypeError, ValueError):
            return True  # no POST brought a valid clock: the form was never shown, not a person using it
        return timezone.now() - started < timedelta(seconds=settings.LEAD_MIN_FILL_SECONDS)

    def done(self, form_list, form_dict=None, **kwargs):
        data = {}
        for form in form_list:
            data.update(form.cleaned_data)
        if data.get(ContactForm.HONEYPOT) or self.filled_too_fast():
            # A bot sees the same success page as a person; nothing is stored.
            logger.info("Dropped a request that looked automated (honeypot or fill time).")
            return redirect("intake:lead_submitted")
        area, city = data["practice_area"], data["city"]
        lead, created = submission.lead_submit(
            practice_area=area,
            city=city,
            description=data["description"],
            urgency=data["urgency"],
            budget=data["budget"],
            preferred_language=data["preferred_language"],
            client_type=data["client_type"],
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            other_party=data.get("other_party", ""),
            consents=[privacy.PROCESS, privacy.SHARE],
            from_empty_state=not firms_serving(practice_area=area, city=city).exists(),
            requested_firm=data.get("firm"),
            requested_firm_only=data.get("firm") is not None and data.get("send_to") == WhatForm.SEND_TO_ONLY,
            ip=client_ip(self.request),
            user_agent=self.request.META.get("HTTP_USER_AGENT", ""),
        )
        if created:
            self.count_sent_request()
        # The sent page names the address and offers to send the email again (see below).
        self.request.session[SENT_LEAD_KEY] = lead.pk
        # The same page whether the request is new or a repeat of an earlier one (created is
        # False): nothing here tells anyone that an address already sent a request.
        return redirect("intake:lead_submitted")


lead_new = login_not_required(LeadWizard.as_view())


# --- After sending: where the links went, sending them again, a mistyped address ----------
#
# The browser that sent a request keeps its number in the session (nothing else), so that its
# sent page can name the address and offer the two actions below; any other browser gets the
# page without them.

SENT_LEAD_KEY = "intake.sent_lead"
RESEND_GROUP = "intake.lead_resend"
RESEND_LIMIT = "3/h"  # per request: enough for a slow inbox, too few to mail-bomb an address


def _sent_lead(request) -> Lead | None:
    pk = request.session.get(SENT_LEAD_KEY) if hasattr(request, "session") else None
    if not isinstance(pk, int):
        return None
    return Lead.objects.filter(pk=pk, erased_at__isnull=True).exclude(status=Lead.Status.WITHDRAWN).first()


def _render_sent(request, lead, *, email_form=None, status=200):
    can_correct = lead is not None and settings.LEAD_EMAIL_CONFIRMATION and lead.status == Lead.Status.NEW
    return render(
        request,
        "intake/lead_submitted.html",
        {
            "email_confirmation": settings.LEAD_EMAIL_CONFIRMATION,
            "lead": lead,
            "can_correct": can_correct,
            "email_form": email_form or EmailCorrectionForm(),
        },
        status=status,
    )


@use_primary  # the lead was saved a moment ago (lawzana/db_router.py)
@login_not_required
@require_safe
@never_cache
def lead_submitted(request):
    return _render_sent(request, _sent_lead(request))


def _resends_left(request, lead) -> tuple[bool, dict]:
    try:
        usage = ratelimit.get_usage(
            request, group=RESEND_GROUP, key=lambda group, request: str(lead.pk), rate=RESEND_LIMIT, increment=True
        )
    except Exception:
        logger.exception("Rate limit unavailable for resending a confirmation; sending it.")
        return True, {}
    return usage is None or usage["count"] <= usage["limit"], usage or {}


@login_not_required
@require_POST
@never_cache
def lead_resend(request):
    lead = _sent_lead(request)
    if lead is None:
        return redirect("intake:lead_submitted")
    allowed, usage = _resends_left(request, lead)
    if not allowed:
        minutes = max(1, -(-int(usage.get("time_left", 60)) // 60))
        messages.error(
            request,
            ngettext(
                "We already sent it again %(count)d times. Please wait about %(minutes)d minute; meanwhile, look in "
                "your spam folder.",
                "We already sent it again %(count)d times. Please wait about %(minutes)d minutes; meanwhile, look in "
                "your spam folder.",
                minutes,
            )
            % {"count": usage["limit"], "minutes": minutes},
        )
    elif submission.lead_resend_confirmation(lead=lead):
        messages.success(request, _("We sent the email again to %(email)s.") % {"email": lead.email})
    return redirect("intake:lead_submitted")


@login_not_required
@require_POST
@never_cache
def lead_correct_email(request):
    lead = _sent_lead(request)
    if lead is None:
        return redirect("intake:lead_submitted")
    form = EmailCorrectionForm(request.POST)
    if not form.is_valid():
        return _render_sent(request, lead, email_form=form, status=400)
    allowed, usage = _resends_left(request, lead)
    if not allowed:
        messages.error(request, _("We already sent the email several times; please wait an hour before changing it."))
    elif submission.lead_correct_email(lead=lead, email=form.cleaned_data["email"]):
        messages.success(
            request,
            _("Your address is now %(email)s; we sent the link there. The earlier links no longer work.")
            % {"email": form.cleaned_data["email"]},
        )
    else:
        messages.error(request, _("Your address is already confirmed, so it can no longer be changed here."))
    return redirect("intake:lead_submitted")


# --- The client's own links ---------------------------------------------------------------


# What secrets.token_urlsafe() gives (intake.models.new_token): anything else is no request's
# token, and is not sent to the database (PostgreSQL refuses a NUL in a query outright).
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _lead_for_token(token: str) -> Lead:
    if not TOKEN.fullmatch(token):
        raise Http404("No request has this address.")
    return get_object_or_404(
        Lead.objects.select_related(
            "practice_area__parent", "city__country", "city__region", "preferred_language", "requested_firm"
        ),
        token=token,
    )


@use_primary  # opened from the email sent a moment ago (lawzana/db_router.py)
@login_not_required
@require_GET  # not HEAD: only a real visit confirms
@never_cache
def lead_confirm(request, signed):
    lead = submission.lead_from_confirmation_token(signed)
    if lead is None:
        return render(request, "intake/lead_link_invalid.html", status=404)
    if submission.lead_confirm(lead=lead):
        messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect(lead)


MATCH_WORDS = {
    Match.Status.PENDING: gettext_lazy("on its way"),
    Match.Status.DELIVERED: gettext_lazy("received"),
    Match.Status.VIEWED: gettext_lazy("viewed"),
    Match.Status.ACCEPTED: gettext_lazy("accepted"),
    Match.Status.DECLINED: gettext_lazy("declined"),
    Match.Status.EXPIRED: gettext_lazy("expired: no answer in time"),
    Match.Status.CANCELLED: gettext_lazy("cancelled"),
    Match.Status.FAILED: gettext_lazy("could not be delivered"),
    Match.Status.RETURNED: gettext_lazy("not taken up: outside what this firm handles"),
}


def _names(matches) -> str:
    return ", ".join(m.firm.name for m in matches)


def _acceptance_lines(matches: list[Match]) -> list[str]:
    """Who accepted, and whether the client gave them their contact details: one sentence each."""
    accepted = [m for m in matches if m.status == Match.Status.ACCEPTED]
    released = [m for m in accepted if m.contact_released_at is not None]
    not_released = [m for m in accepted if m.contact_released_at is None]
    if released:
        lines = [
            ngettext(
                "You gave your contact details to %(firms)s: expect it to contact you.",
                "You gave your contact details to %(firms)s: expect them to contact you.",
                len(released),
            )
            % {"firms": _names(released)}
        ]
        if not_released:
            lines.append(
                ngettext(
                    "%(firms)s also accepted your request; it does not have your contact details.",
                    "%(firms)s also accepted your request; they do not have your contact details.",
                    len(not_released),
                )
                % {"firms": _names(not_released)}
            )
        return lines
    if len(not_released) == 1:
        return [
            _("%(firm)s accepted your request. Give it your contact details so it can contact you.")
            % {"firm": not_released[0].firm.name}
        ]
    if not_released:
        return [
            _(
                "%(count)d firms accepted your request: %(firms)s. Compare their answers and give your "
                "contact details to the firm you choose."
            )
            % {"count": len(not_released), "firms": _names(not_released)}
        ]
    return []


def _progress_lines(matches: list[Match]) -> list[str]:
    """How many firms the request reached and how the others answered: one sentence each."""
    reached = [m for m in matches if m.status not in (Match.Status.FAILED, Match.Status.CANCELLED)]
    waiting = [m for m in matches if m.status in Match.OPEN_STATUSES]
    counts = {
        status: sum(m.status in statuses for m in matches)
        for status, statuses in (
            ("declined", (Match.Status.DECLINED, Match.Status.RETURNED)),
            ("expired", (Match.Status.EXPIRED,)),
            ("failed", (Match.Status.FAILED,)),
        )
    }
    lines = []
    if reached and all(m.status == Match.Status.PENDING for m in reached):
        lines.append(
            ngettext(
                "Your request is on its way to %(count)d law firm.",
                "Your request is on its way to %(count)d law firms.",
                len(reached),
            )
            % {"count": len(reached)}
        )
    else:
        if reached:
            lines.append(
                ngettext(
                    "Your request was sent to %(count)d law firm.",
                    "Your request was sent to %(count)d law firms.",
                    len(reached),
                )
                % {"count": len(reached)}
            )
        if waiting:
            lines.append(
                ngettext(
                    "%(count)d firm has not answered yet.", "%(count)d firms have not answered yet.", len(waiting)
                )
                % {"count": len(waiting)}
            )
    if counts["declined"]:
        lines.append(
            ngettext("%(count)d firm could not take it.", "%(count)d firms could not take it.", counts["declined"])
            % {"count": counts["declined"]}
        )
    if counts["expired"]:
        lines.append(
            ngettext(
                "%(count)d firm did not answer in time.", "%(count)d firms did not answer in time.", counts["expired"]
            )
            % {"count": counts["expired"]}
        )
    if counts["failed"]:
        lines.append(
            ngettext(
                "Our email to %(count)d firm did not arrive; it can still answer from its Lawzana account.",
                "Our emails to %(count)d firms did not arrive; they can still answer from their Lawzana account.",
                counts["failed"],
            )
            % {"count": counts["failed"]}
        )
    return lines


def _widened_from_city(lead: Lead, matches: list[Match]) -> str:
    """Why some firms are outside the client's city, or "" when none is: matching widened to
    the region or the country because too few firms in the city could take the request. A
    firm the client chose is where the client chose it, not a widening."""
    widened = [m for m in matches if m.scope in Match.WIDENED_SCOPES]
    if not widened:
        return ""
    place = max(widened, key=lambda m: m.scope == Match.Scope.COUNTRY).widened_to
    values = {"city": lead.city.name, "area": lead.practice_area.name, "place": place}
    if any(m.scope == Match.Scope.CITY for m in matches):
        return (
            _(
                "Few firms in %(city)s offer %(area)s and take requests, so we also sent it to firms "
                "elsewhere in %(place)s."
            )
            % values
        )
    return (
        _(
            "No firm in %(city)s that offers %(area)s could take your request, so we sent it to firms "
            "elsewhere in %(place)s."
        )
        % values
    )


@use_primary  # the client's own request, just changed by their last action (lawzana/db_router.py)
@login_not_required
@require_safe
@never_cache
def lead_status(request, token):
    lead = _lead_for_token(token)
    # The related manager gives each match this lead: is_requested and widened_to read no more.
    matches = list(lead.matches.select_related("firm", "office_city__region").order_by("round", "slot"))
    last_round = max((m.round for m in matches), default=0)
    for match in matches:
        if match.status == Match.Status.EXPIRED and match.round < last_round:
            match.words = _("expired — we passed your request to another firm")
        else:
            match.words = MATCH_WORDS.get(match.status, match.get_status_display())
    # Two or more firms accepted and at least one sent a quote: compare them side by side.
    accepted = [m for m in matches if m.status == Match.Status.ACCEPTED]
    comparison = accepted if len(accepted) >= 2 and any(m.has_quote for m in accepted) else []
    # Every firm said no or let it expire: no firm will answer any more, and matching does
    # not send a matched request to others (intake/services/sweeps.py re-routes only expiries).
    ended_unanswered = (
        lead.status == Lead.Status.MATCHED
        and bool(matches)
        and all(m.status in (Match.Status.DECLINED, Match.Status.RETURNED, Match.Status.EXPIRED) for m in matches)
    )
    return render(
        request,
        "intake/lead_status.html",
        {
            "lead": lead,
            "matches": matches,
            "acceptance_lines": _acceptance_lines(matches),
            "progress_lines": _progress_lines(matches),
            "released_count": sum(m.contact_released_at is not None for m in accepted),
            "ended_unanswered": ended_unanswered,
            "widened_from_city": _widened_from_city(lead, matches),
            "comparison": comparison,
            "fanout": settings.LEAD_FANOUT,
            "retry_until": lead.created_at + timedelta(days=settings.LEAD_UNMATCHED_RETRY_DAYS),
            "retry_days": settings.LEAD_UNMATCHED_RETRY_DAYS,
            "can_widen": lead.requested_firm_only
            and lead.status in client_actions.WIDENABLE_STATUSES
            and not lead.is_erased,
            "Status": Lead.Status,
            "MatchStatus": Match.Status,
        },
    )


@login_not_required
@require_POST
@never_cache
def lead_release(request, token, match_id):
    lead = _lead_for_token(token)
    match = get_object_or_404(Match.objects.select_related("firm"), pk=match_id, lead=lead)
    if lead.is_erased or lead.status == Lead.Status.WITHDRAWN:
        raise Http404("This request was withdrawn or erased.")
    released = client_actions.match_release_contact(lead=lead, match_id=match.pk)
    if released is not None:
        messages.success(
            request,
            _("You gave your name, email and phone to %(firm)s. They will contact you directly.")
            % {"firm": match.firm.name},
        )
    elif match.contact_released_at is not None:
        messages.info(
            request, _("You had already given your contact details to %(firm)s.") % {"firm": match.firm.name}
        )
    else:
        messages.error(
            request,
            _("%(firm)s has not accepted your request, so your contact details were not given.")
            % {"firm": match.firm.name},
        )
    return redirect(lead)


@login_not_required
@require_POST
@never_cache
def lead_widen(request, token):
    lead = _lead_for_token(token)
    if client_actions.lead_widen(lead=lead):
        messages.success(
            request,
            _("We will also send your request to other suitable firms. This page shows each firm that receives it."),
        )
    return redirect(lead)


@use_primary  # the client's own data, whole and current (lawzana/db_router.py)
@login_not_required
@require_safe
@never_cache
def lead_export(request, token):
    lead = _lead_for_token(token)
    response = HttpResponse(client_actions.lead_export(lead=lead), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lawzana-request-{lead.pk}.json"'
    return response


@use_primary  # the client's own request, just changed by their last action (lawzana/db_router.py)
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def lead_withdraw(request, token):
    """GET explains what withdrawing does and changes nothing; the POST withdraws."""
    lead = _lead_for_token(token)
    if request.method == "POST":
        if client_actions.lead_withdraw(lead=lead):
            messages.success(request, _("Your request is withdrawn and your personal data erased."))
        return redirect(lead)
    if lead.status == Lead.Status.WITHDRAWN:
        return redirect(lead)
    open_count = lead.matches.filter(status__in=[*Match.OPEN_STATUSES, Match.Status.ACCEPTED]).count()
    return render(request, "intake/lead_withdraw.html", {"lead": lead, "open_count": open_count})
