"""The client writes a review through the signed link of their invitation
(intake/services/reviews.py). No account needed; the link works once."""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from directory.models import Review
from intake.services import reviews
from intake.services.reviews import InvitationInvalid
from lawzana.db_router import use_primary
from lawzana.forms import refuse_line_breaks

BODY_MIN_LENGTH = 30
BODY_MAX_LENGTH = 5000


class ReviewForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(5, _("5: excellent")), (4, _("4: good")), (3, _("3: fair")), (2, _("2: poor")), (1, _("1: bad"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Your review"),
        min_length=BODY_MIN_LENGTH,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the firm did for you and how it went: advice, communication, fees. Please leave out "
            "names, case numbers and anything confidential."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "author_name"):  # shown on one line, on the firm's public profile
            self.fields[name].validators.append(refuse_line_breaks)

    class Meta:
        model = Review
        fields = ["rating", "title", "body", "author_name"]
        labels = {"title": _("Title"), "author_name": _("Shown as")}
        help_texts = {"author_name": _("How your review is signed: initials and city keep you private.")}


def _invalid(request, problem: InvitationInvalid):
    return render(request, "intake/review_link_invalid.html", {"reason": problem.reason}, status=problem.status)


@use_primary  # the invitation's link, sent a moment ago (lawzana/db_router.py)
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def review_new(request, signed):
    try:
        invitation = reviews.invitation_from_token(signed)
    except InvitationInvalid as problem:
        return _invalid(request, problem)
    lead, firm = invitation.match.lead, invitation.match.firm
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                reviews.review_submit(invitation=invitation, **form.cleaned_data)
            except InvitationInvalid as problem:  # sent twice at once: the other one won
                return _invalid(request, problem)
            return redirect("intake:review_thanks")
    else:
        form = ReviewForm(initial={"author_name": reviews.default_author_name(lead)})
    return render(
        request,
        "intake/review_form.html",
        {"form": form, "firm": firm},
        status=400 if form.is_bound else 200,
    )


@login_not_required
@require_safe
def review_thanks(request):
    return render(request, "intake/review_thanks.html")
