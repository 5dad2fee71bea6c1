"""Operators see firms' API tokens to help a firm whose token leaked or whose system is refused:
which token it is (its prefix), whose, when it was last used, and revoke it at once. Read-only
otherwise: only the firm's owners create tokens (the portal). The hash is never shown: it is
of no use to an operator, and the fewer places show it, the fewer can leak it."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lawzana.admin import ReadOnlyAdminMixin

from . import tokens
from .models import ApiToken


class StateFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    actions_need_change = True  # the revoke action; each token's own page stays view-only

    list_display = ("name", "firm", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    list_filter = (StateFilter,)
    list_select_related = ("firm", "created_by")
    # The prefix as the firm reads it in its portal (or in the leaked token's lzk_<prefix>_).
    search_fields = ("firm__name", "prefix")
    search_help_text = _("A firm's name, or the token's prefix (the 8 characters after lzk_).")
    fields = ("firm", "name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke_tokens",)

    def lookup_allowed(self, lookup, value, request):
        # Not even a yes-or-no question about the hash, for any staff member.
        return not lookup.startswith("token_hash") and super().lookup_allowed(lookup, value, request)

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        revoked = 0
        for api_token in queryset:
            if tokens.token_revoke(api_token=api_token):
                revoked += 1
                # Who revoked a firm's token, in the token's history, for when the firm asks.
                self.log_change(request, api_token, [{"changed": {"fields": ["revoked"]}}])
        if revoked:
            self.message_user(
                request,
                ngettext(
                    "%(count)d token revoked: the next call with it is refused.",
                    "%(count)d tokens revoked: the next call with any of them is refused.",
                    revoked,
                )
                % {"count": revoked},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("The selected tokens were already revoked."), messages.WARNING)
