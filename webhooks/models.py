import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Firm
from intake.models import Match


def new_secret() -> str:
    # A prefix says what the string is when it turns up in a firm's configuration or logs.
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """One HTTPS address of a firm's own system that is told of its requests' events."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("firm"))
    url = models.URLField(_("URL"), max_length=500)
    # Kept as given: signing needs it. Shown to the firm once, then only its last characters.
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret, editable=False)
    # After a roll, the old secret signs alongside the new one until then, so a firm can
    # switch its receiver over without refusing a delivery.
    previous_secret = models.CharField(_("previous signing secret"), max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret expires"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url

    @property
    def secret_hint(self) -> str:
        return self.secret[-4:]

    @property
    def in_overlap(self) -> bool:
        """The previous secret still signs (a roll less than the overlap ago)."""
        expires = self.previous_secret_expires_at
        return bool(self.previous_secret and expires and expires > timezone.now())

    def signing_secrets(self) -> list[str]:
        return [self.secret, self.previous_secret] if self.in_overlap else [self.secret]


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, written in the event's own transaction and
    sent (and retried) until it succeeds, runs out of attempts or its endpoint is disabled.
    Deleted with its attempts WEBHOOKS_RETENTION_DAYS after it finished."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")
        # Never sent, or not retried, because its endpoint was disabled while it was queued
        # (webhooks.services.endpoint_set_active). Final: enabling the endpoint again does not
        # bring it back, so a disabled endpoint receives nothing, late or not.
        CANCELLED = "cancelled", _("Cancelled")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    # None for a test event. Personal data may be in the payload: lead_erase strips it.
    match = models.ForeignKey(
        Match,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_deliveries",
        verbose_name=_("match"),
    )
    event = models.CharField(_("event"), max_length=40)
    # The idempotency key the receiver sees (Lawzana-Delivery): the same on every retry.
    key = models.UUIDField(_("delivery ID"), default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Pending: when it may next be sent (the sweeper's clock). Also set ahead by each attempt
    # for its lease, so a second worker does not send it at the same time.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(_("last response time (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The sweeper: pending deliveries by when they are due.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One try at sending a delivery, as the firm's page and operators see it. Never the
    secret, the signature or the payload: the delivery holds the one copy erasure clears."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    attempted_at = models.DateTimeField(_("attempted"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        ordering = ["attempted_at", "pk"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self):
        return f"{self.delivery_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
