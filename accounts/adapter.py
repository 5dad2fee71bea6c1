from allauth.account.adapter import DefaultAccountAdapter

from lawzana.security import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """allauth, keying its rate limits (sign-in, codes, sign-up, password reset, the second
    factor) on the same client address as the rest of the site, not on the proxy's."""

    def get_client_ip(self, request):
        return client_ip(request)
