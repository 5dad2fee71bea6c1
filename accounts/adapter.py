from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template.loader import render_to_string

from lawzana.emails import inline_css
from lawzana.security import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """allauth, keying its rate limits (sign-in, codes, sign-up, password reset, the second
    factor) on the same client address as the rest of the site, not on the proxy's; and
    sending its emails in the site's layout, as lawzana.emails sends the others."""

    def get_client_ip(self, request):
        return client_ip(request)

    def render_mail(self, template_prefix, email, context, headers=None):
        # The HTML parts (templates/account/email/*_message.html, templates/mfa/email/) extend
        # templates/emails/layout.html, which links to the site and is titled by the subject.
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        context = {"site_url": settings.SITE_URL, "subject": self.format_email_subject(subject), **context}
        message = super().render_mail(template_prefix, email, context, headers=headers)
        message.alternatives = [
            alternative._replace(content=inline_css(alternative.content))
            if alternative.mimetype == "text/html"
            else alternative
            for alternative in message.alternatives
        ]
        return message
