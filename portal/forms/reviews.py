"""The firm's answers to its reviews: one public reply, or a report (flag) to operators."""

from django import forms
from django.utils.translation import gettext_lazy

from directory.models import ReviewFlag
from directory.services import reviews as review_services


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your public reply"),
        min_length=review_services.REPLY_MIN_LENGTH,
        max_length=review_services.REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Shown under the review on your public profile, as plain text. A review gets one reply, "
            "which cannot be changed afterwards."
        ),
    )


class FlagForm(forms.ModelForm):
    class Meta:
        model = ReviewFlag
        fields = ["reason", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": gettext_lazy("What operators should know to check it. Only operators read this.")}
