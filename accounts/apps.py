from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.core.internal import ratelimit
        from allauth.mfa.totp.internal import auth
        from django.core.cache import caches
        from django.utils.connection import ConnectionProxy

        # allauth keeps its sign-in rate limits and the two-factor codes already used in the
        # default cache, which evicts (docker-compose.yml): a busy site would forget a password
        # guesser's failures and let a used code be replayed. Both go to the cache that never
        # evicts (settings.RATELIMIT_USE_CACHE), as django-ratelimit's counters do; allauth has
        # no setting for it.
        limits = ConnectionProxy(caches, "ratelimit")
        ratelimit.cache = limits
        auth.cache = limits
