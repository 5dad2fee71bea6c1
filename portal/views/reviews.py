"""The firm's published reviews in the portal: one public reply per review, and a report
(flag) to operators for a review the firm thinks breaks the rules. Members and owners alike."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from directory.models import Review, ReviewFlag
from directory.services import reviews as review_services

from ..access import authz_denied, portal_view
from ..forms.reviews import FlagForm, ReplyForm

REVIEWS_PER_PAGE = 20


def _firm_reviews(firm):
    flags = ReviewFlag.objects.filter(review=OuterRef("pk"))
    return (
        Review.objects.published()
        .filter(firm=firm)
        .annotate(
            open_flagged_at=Subquery(flags.filter(status=ReviewFlag.Status.OPEN).values("created_at")[:1]),
            dismissed_at=Subquery(
                flags.filter(status=ReviewFlag.Status.DISMISSED).order_by("-resolved_at").values("resolved_at")[:1]
            ),
        )
        .order_by("-created_at", "-pk")
    )


def _review_or_404(request, pk):
    review = Review.objects.published().filter(pk=pk, firm=request.firm).first()
    if review is None:
        raise authz_denied(request, "review")
    return review


def _page_number_of(review) -> int:
    """The list page a review is on, to return there after acting on it."""
    newer = (
        Review.objects.published()
        .filter(firm_id=review.firm_id)
        .filter(Q(created_at__gt=review.created_at) | Q(created_at=review.created_at, pk__gt=review.pk))
        .count()
    )
    return newer // REVIEWS_PER_PAGE + 1


def _list_url(request, *, page: int = 1, review=None) -> str:
    url = reverse("portal:reviews", kwargs={"firm_slug": request.firm.slug})
    if page > 1:
        url += f"?page={page}"
    return f"{url}#review-{review.pk}" if review is not None else url


def _render_list(request, *, page_number, bound=None, status=200):
    """The list page; `bound` gives one review a submitted form with its errors."""
    page = Paginator(_firm_reviews(request.firm), REVIEWS_PER_PAGE).get_page(page_number)
    for review in page.object_list:
        if not review.reply_body:
            review.reply_form = ReplyForm(prefix=f"reply-{review.pk}")
        if review.open_flagged_at is None:
            review.flag_form = FlagForm(prefix=f"flag-{review.pk}")
        if bound and bound[0] == review.pk:
            setattr(review, bound[1], bound[2])
    return render(
        request,
        "portal/reviews/review_list.html",
        {
            "section": "reviews",
            "page_obj": page,
            "reviews": page.object_list,
            "list_url": reverse("portal:reviews", kwargs={"firm_slug": request.firm.slug}),
            "profile_reviews": settings.FIRM_PROFILE_REVIEWS,
        },
        status=status,
    )


@portal_view
@require_safe
def reviews(request):
    return _render_list(request, page_number=request.GET.get("page"))


@portal_view
@require_POST
def review_reply(request, pk):
    review = _review_or_404(request, pk)
    form = ReplyForm(request.POST, prefix=f"reply-{pk}")
    if not form.is_valid():
        return _render_list(
            request, page_number=_page_number_of(review), bound=(review.pk, "reply_form", form), status=400
        )
    try:
        review_services.review_reply(
            review_id=review.pk, firm_id=request.firm.pk, body=form.cleaned_data["body"], user=request.user
        )
    except Review.DoesNotExist as exc:  # unpublished meanwhile
        raise Http404("review") from exc
    except review_services.ReviewActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your reply is published under the review on your profile."))
    return redirect(_list_url(request, page=_page_number_of(review), review=review))


@portal_view
@require_POST
def review_flag(request, pk):
    review = _review_or_404(request, pk)
    form = FlagForm(request.POST, prefix=f"flag-{pk}")
    if not form.is_valid():
        return _render_list(
            request, page_number=_page_number_of(review), bound=(review.pk, "flag_form", form), status=400
        )
    try:
        review_services.review_flag(
            review_id=review.pk,
            firm_id=request.firm.pk,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
    except Review.DoesNotExist as exc:
        raise Http404("review") from exc
    except review_services.ReviewActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Thank you: operators will look at the review. If they agree, it leaves your profile.")
        )
    return redirect(_list_url(request, page=_page_number_of(review), review=review))
