"""The form that adds a webhook endpoint: one URL, checked where it would be sent
(webhooks/safety.py), so a firm learns at once why an address is refused."""

from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks import safety


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("A public HTTPS address of your own system, e.g. https://crm.example.com/lawzana/webhook."),
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            safety.resolve(url)
        except safety.UnsafeURL as exc:
            raise forms.ValidationError(str(exc), code="unsafe") from exc
        return url
