import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import City, Firm, Language, PracticeArea, Review, ServiceFee

# The most firms one request can ever reach, re-routing included. Match.slot runs from 1 to
# this number and is unique per lead, so the database itself refuses a fourth firm.
# settings.LEAD_FANOUT (K) may be lower, never higher.
MAX_FANOUT = 3


def new_token():
    return secrets.token_urlsafe(32)


class LeadQuerySet(models.QuerySet):
    def from_empty_pages(self):
        return self.filter(from_empty_state=True)


class Lead(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New (email not confirmed)")
        CONFIRMED = "confirmed", _("Confirmed")
        MATCHED = "matched", _("Matched")
        UNMATCHED = "unmatched", _("Unmatched")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class Urgency(models.TextChoices):
        URGENT = "urgent", _("Urgent: within days")
        SOON = "soon", _("Within a few weeks")
        PLANNING = "planning", _("No rush, I am planning ahead")

    class Budget(models.TextChoices):
        UNDER_5K = "under_5k", _("Under ¥5,000")
        FROM_5K = "5k_20k", _("¥5,000 – ¥20,000")
        FROM_20K = "20k_100k", _("¥20,000 – ¥100,000")
        OVER_100K = "over_100k", _("Over ¥100,000")
        UNSURE = "unsure", _("Not sure yet")

    class ClientType(models.TextChoices):
        INDIVIDUAL = "individual", _("An individual")
        BUSINESS = "business", _("A business or organisation")

    token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False, verbose_name=_("status link token")
    )
    practice_area = models.ForeignKey(
        PracticeArea, on_delete=models.PROTECT, related_name="leads", verbose_name=_("practice area")
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="leads", verbose_name=_("city"))
    description = models.TextField(_("description"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    budget = models.CharField(_("budget"), max_length=10, choices=Budget.choices)
    preferred_language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred language"),
    )
    client_type = models.CharField(_("client"), max_length=10, choices=ClientType.choices)
    # The language the client used the form in: every email to the client is in it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE, editable=False
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164, e.g. +8613812345678."))

    # The firm whose profile the client sent this request from ("Send your request to this
    # firm"): it receives the request first, before matching adds others (intake/services/routing.py).
    requested_firm = models.ForeignKey(
        Firm,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_leads",
        verbose_name=_("firm the client chose"),
    )
    requested_firm_only = models.BooleanField(
        _("only the firm the client chose"),
        default=False,
        help_text=_("The client asked that no other firm receive this request."),
    )

    # Optional: the person or company the request is against, so that matching can skip a firm
    # that acts for them (issue 23, docs/conflict-check.md). Personal data, never sent to any
    # firm; compared only as a keyed hash (directory/conflicts.py) and erased with the request.
    other_party = models.CharField(_("other party"), max_length=200, blank=True)
    # Matching could not give the request to the firm the client chose (it stopped taking
    # requests, or a conflict check kept it out): the status page says so, without a reason.
    requested_firm_unavailable = models.BooleanField(
        _("the firm the client chose cannot take it"), default=False, editable=False
    )
    # The weekly conflict counts of the firms skipped for this request were raised once; later
    # matchings (re-routing, the unmatched retry) do not count the same request again.
    conflict_skips_counted = models.BooleanField(_("conflict skips counted"), default=False, editable=False)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    from_empty_state = models.BooleanField(
        _("sent from a page with no firm"), default=False, help_text=_("Counts toward the unmet-demand report.")
    )
    # Same email and description within 24 hours is one request (intake/services/submission.py).
    dedupe_key = models.CharField(max_length=64, db_index=True, editable=False, verbose_name=_("duplicate check key"))
    ip_hash = models.CharField(max_length=64, blank=True, editable=False, verbose_name=_("IP address hash"))
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created"))
    # When the email with the status (and confirmation) link went out; the sweeper re-sends
    # until it is set, so a request made while the broker was down is not stranded.
    confirmation_sent_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("confirmation sent")
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("confirmed"))
    matched_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("matched"))
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("withdrawn"))
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Personal data erased; anonymous figures kept."),
        verbose_name=_("erased"),
    )

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        permissions = [("view_lead_pii", _("Can see clients' names and contact details"))]
        indexes = [
            models.Index(fields=["status", "created_at"], name="lead_status_created_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.practice_area} in {self.city}"

    def get_absolute_url(self):
        return reverse("intake:lead_status", kwargs={"token": self.token})

    @property
    def is_erased(self):
        return self.erased_at is not None


class Consent(models.Model):
    """One consent a client gave, as given: never changed, never deleted by staff."""

    class Purpose(models.TextChoices):
        PROCESS = "process", _("Process the request")
        SHARE = "share", _("Provide the request to matched law firms")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="consents", verbose_name=_("request"))
    purpose = models.CharField(max_length=10, choices=Purpose.choices, verbose_name=_("purpose"))
    policy_version = models.CharField(max_length=20, verbose_name=_("policy version"))
    text_digest = models.CharField(
        max_length=64, help_text=_("SHA-256 of the exact text shown."), verbose_name=_("text digest")
    )
    locale = models.CharField(max_length=10, verbose_name=_("language"))
    given_at = models.DateTimeField(default=timezone.now, verbose_name=_("given"))
    ip_hash = models.CharField(max_length=64, blank=True, verbose_name=_("IP address hash"))
    user_agent = models.CharField(max_length=300, blank=True, verbose_name=_("browser"))

    class Meta:
        ordering = ["given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["lead", "purpose"], name="consent_one_per_purpose"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.policy_version})"


class MatchQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Match.OPEN_STATUSES)


class Match(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending delivery")
        DELIVERED = "delivered", _("Delivered")
        VIEWED = "viewed", _("Viewed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Delivery failed")
        RETURNED = "returned", _("Returned (spam or out of scope)")

    class DeclineReason(models.TextChoices):
        CAPACITY = "capacity", _("We cannot take on new work right now")
        CONFLICT = "conflict", _("Conflict of interest")
        EXPERTISE = "expertise", _("Outside our expertise")
        LOCATION = "location", _("Outside the area we serve")
        BUDGET = "budget", _("The budget does not fit the work")
        OTHER = "other", _("Another reason")

    class Scope(models.TextChoices):
        """Where matching found the firm: the office that made it eligible was in the request's
        city, elsewhere in its region or in its country; or the client chose the firm."""

        CITY = "city", _("In the client's city")
        REGION = "region", _("Elsewhere in the client's region")
        COUNTRY = "country", _("Elsewhere in the client's country")
        CHOSEN = "chosen", _("Chosen by the client")

    class ReturnReason(models.TextChoices):
        SPAM = "spam", _("Spam, a test or not a real request")
        NOT_LEGAL = "not_legal", _("Not a legal matter")
        WRONG_AREA = "wrong_area", _("Wrong practice area for this firm")
        WRONG_PLACE = "wrong_place", _("Outside the places this firm serves")
        DUPLICATE = "duplicate", _("The same request was already received")

    OPEN_STATUSES = (Status.PENDING, Status.DELIVERED, Status.VIEWED)
    # Matching went beyond the client's city to find this firm.
    WIDENED_SCOPES = (Scope.REGION, Scope.COUNTRY)
    # What a firm may still answer: a request it has been sent and not yet answered.
    ANSWERABLE_STATUSES = (Status.DELIVERED, Status.VIEWED)

    # Portal URLs carry this, not the sequential id, as defence in depth (scoping is the guard).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public ID"))
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="matches", verbose_name=_("request"))
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="matches", verbose_name=_("firm"))
    slot = models.PositiveSmallIntegerField(
        help_text=_("1 to the fan-out cap; unique per request."), verbose_name=_("slot")
    )
    round = models.PositiveSmallIntegerField(
        default=1, help_text=_("1 for the first matching, 2+ for re-routing."), verbose_name=_("round")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("status"))
    score = models.FloatField(default=0, verbose_name=_("score"))
    reason = models.CharField(_("why this firm"), max_length=300)
    # Blank for matches made before matching recorded it: those are shown without the city.
    scope = models.CharField(_("where matching found the firm"), max_length=8, choices=Scope.choices, blank=True)
    office_city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office city that made the firm eligible"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("delivery attempts"))
    last_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last attempt"))
    failure_reason = models.CharField(max_length=300, blank=True, verbose_name=_("reason for failure"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("delivered"))
    viewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("viewed"))
    responded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("answered"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    # When the response window (or the request's own life) ran out unanswered. The other
    # moments above stand for the rest of a match's changes; without this one a firm's system
    # asking the API what changed since (updated_since) would never learn of an expiry.
    expired_at = models.DateTimeField(null=True, blank=True, verbose_name=_("expired"))
    firm_message = models.TextField(blank=True, verbose_name=_("firm's message"))
    decline_reason = models.CharField(
        max_length=10, choices=DeclineReason.choices, blank=True, verbose_name=_("reason for declining")
    )
    return_reason = models.CharField(
        max_length=12, choices=ReturnReason.choices, blank=True, verbose_name=_("reason for returning")
    )
    # A structured quote sent with an accept; the client's status page compares them.
    quote_fee_model = models.CharField(
        max_length=12, choices=ServiceFee.Model.choices, blank=True, verbose_name=_("quote: fee model")
    )
    quote_amount_min = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, verbose_name=_("quote: lowest amount")
    )
    quote_amount_max = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, verbose_name=_("quote: highest amount")
    )
    quote_currency = models.CharField(
        max_length=3, choices=ServiceFee.Currency.choices, blank=True, verbose_name=_("quote: currency")
    )
    quote_covers = models.CharField(max_length=300, blank=True, verbose_name=_("quote: what it covers"))
    # When the client was emailed about the acceptance; the sweeper re-sends until it is set.
    client_notified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("client notified"))
    contact_released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("contact details given"))
    # When the firm was emailed the released contact details; the sweeper re-sends until it is set.
    contact_sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("contact details sent"))
    # What the firm was given, as given (the client's export lists these, not a fresh
    # rendering that would follow later changes to intake/redaction.py). Personal data:
    # lead_erase clears them with the lead's own fields.
    sent_summary = models.TextField(_("summary sent to the firm"), blank=True)
    sent_fields = models.JSONField(_("request details sent to the firm"), null=True, blank=True)
    sent_contact = models.JSONField(_("contact details sent to the firm"), null=True, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["slot"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["lead", "firm"], name="match_unique_lead_firm"),
            # The fan-out cap, held by the database: at most MAX_FANOUT slots per lead.
            models.UniqueConstraint(fields=["lead", "slot"], name="match_unique_lead_slot"),
            models.CheckConstraint(
                condition=models.Q(slot__gte=1, slot__lte=MAX_FANOUT), name="match_slot_within_cap"
            ),
        ]
        indexes = [
            # The sweeper: pending matches by last attempt.
            models.Index(fields=["status", "last_attempt_at"], name="match_status_attempt_idx"),
            # Weekly capacity: a firm's recent matches.
            models.Index(fields=["firm", "created_at"], name="match_firm_created_idx"),
            # The portal inbox: one firm's matches by status, newest first.
            models.Index(fields=["firm", "status", "-created_at"], name="match_inbox_idx"),
        ]

    def __str__(self):
        return f"{self.lead_id} → {self.firm}"

    @property
    def has_quote(self):
        return bool(self.quote_fee_model)

    @property
    def widened_to(self) -> str:
        """The region's or country's name when matching went beyond the client's city to find
        this firm, else "" (reads the lead's city: select it with the match)."""
        if self.scope == Match.Scope.REGION:
            return self.lead.city.region.name
        if self.scope == Match.Scope.COUNTRY:
            return self.lead.city.country.name
        return ""

    @property
    def is_requested(self):
        """The client chose this firm on its profile (reads the lead: select it with the match)."""
        return self.lead.requested_firm_id == self.firm_id


class ReviewInvitation(models.Model):
    """Sent to the client some days after a firm accepted their request (REVIEW_INVITATION_DELAY_DAYS).
    The review written through it is marked verified; the signed link works once."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="review_invitation")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    review = models.OneToOneField(
        Review, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="invitation"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review invitation")
        verbose_name_plural = _("review invitations")

    def __str__(self):
        return f"Review invitation for {self.match}"
