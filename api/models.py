"""A firm's API tokens (issue 22). Only the token's SHA-256 hash is kept: a copy of the
database, a backup or a log of queries does not hand anyone the firm's requests."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Firm


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("firm"))
    name = models.CharField(_("name"), max_length=80)
    # Shown in the portal and in the token itself (lzk_<prefix>_<secret>) so that a firm can
    # tell which of its tokens a leaked or logged one is; it opens nothing by itself.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} (lzk_{self.prefix}_…)"

    @property
    def is_active(self):
        return self.revoked_at is None
