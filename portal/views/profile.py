"""The firm's public profile, edited in the portal: details, logo, offices, team, articles,
fees and social links. Members and owners alike may edit it.

Every save ends in directory.services.firms.firms_refresh, which recomputes completeness, rank and
the search document and retires cached public pages. Rows are always looked up within the
viewer's firm: another firm's office, lawyer, article or fee is a 404 (docs/reliability.md A3).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, models
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from directory.images import LogoRejected, LogoStorageFailed, firm_logo_remove, firm_logo_set, logo_read
from directory.models import Article, Firm, Lawyer, Office, PracticeArea, ServiceFee, SocialLink
from directory.ranking import COMPLETENESS_ITEMS, MIN_DESCRIPTION_LENGTH, completeness, completeness_present
from directory.services.profile import (
    article_save,
    fee_save,
    firm_details_save,
    lawyer_save,
    office_remove,
    office_save,
    profile_item_remove,
    social_links_save,
)
from lawzana.markdown import render_markdown

from ..access import authz_denied, portal_view
from ..forms.profile import (
    ArticleForm,
    FirmDetailsForm,
    LawyerForm,
    LogoForm,
    OfficeForm,
    ServiceFeeForm,
    SocialLinksForm,
)

# --- Pages --------------------------------------------------------------------------------

NAV = (
    ("profile", _("Overview")),
    ("profile_details", _("Details")),
    ("profile_logo", _("Logo")),
    ("offices", _("Offices")),
    ("lawyers", _("Lawyers")),
    ("articles", _("Articles")),
    ("fees", _("Fees")),
    ("social_links", _("Social links")),
)


def _page(request, current: str, *, exact: bool = True, **extra) -> dict:
    """The context of a profile page: the portal tab, the profile's own menu (aria-current
    "page" on the page itself, "true" on the list a form or confirmation belongs to)."""
    nav = [
        {
            "url": reverse(f"portal:{name}", kwargs={"firm_slug": request.firm.slug}),
            "label": label,
            "current": ("page" if exact else "true") if name == current else "",
        }
        for name, label in NAV
    ]
    return {"section": "profile", "subsection": current, "profile_nav": nav, "firm": request.firm, **extra}


# --- Overview ------------------------------------------------------------------------------


def _missing_items(firm: Firm, counts: dict[str, int]) -> list[tuple[str, str]]:
    """What directory.ranking finds missing from the profile: (what, in words; URL name of the page
    where it is added), in the order of COMPLETENESS_ITEMS."""
    present = completeness_present(firm=firm, counts=counts)
    words = {
        "description": (
            gettext("a description of at least %(length)d characters") % {"length": MIN_DESCRIPTION_LENGTH},
            "profile_details",
        ),
        "year_established": (gettext("the year the firm was established"), "profile_details"),
        "size": (gettext("the firm's size"), "profile_details"),
        "languages": (gettext("the languages the firm speaks"), "profile_details"),
        "practice_areas": (gettext("practice areas"), "profile_details"),
        "offices": (gettext("at least one office"), "offices"),
        "lawyers": (gettext("at least one lawyer"), "lawyers"),
        "contact": (gettext("a phone number or email address"), "profile_details"),
        "website": (gettext("a website"), "profile_details"),
    }
    return [words[item] for item in COMPLETENESS_ITEMS if not present[item]]


def _count(model_or_through, **filters) -> Coalesce:
    rows = model_or_through.objects.filter(firm_id=OuterRef("pk"), **filters)
    return Coalesce(Subquery(rows.values("firm_id").annotate(n=Count("pk")).values("n")), 0)


def _relation_counts(firm: Firm) -> dict[str, int]:
    """How many rows of each kind the profile has, in one query."""
    counts = {
        "languages": _count(Firm.languages.through),
        "practice_areas": _count(Firm.practice_areas.through),
        "offices": _count(Office),
        "lawyers": _count(Lawyer),
        "articles": _count(Article),
        "published_articles": _count(Article, published_at__isnull=False),
        "fees": _count(ServiceFee),
        "social_links": _count(SocialLink),
    }
    # Prefixed: several names are also the firm's own relations.
    row = Firm.objects.filter(pk=firm.pk).values(**{f"n_{name}": count for name, count in counts.items()}).get()
    return {name: row[f"n_{name}"] for name in counts}


@portal_view
@require_safe
def profile(request):
    firm = request.firm
    counts = _relation_counts(firm)
    return render(
        request,
        "portal/profile/overview.html",
        _page(request, "profile", counts=counts, missing=_missing_items(firm, counts)),
    )


# --- Details -------------------------------------------------------------------------------


@portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def profile_details(request):
    # A copy of the firm, not request.firm: a preview changes the form's instance in memory,
    # and the page frame must keep showing the saved name.
    firm = Firm.objects.get(pk=request.firm.pk)
    preview = clearing = None
    if request.method == "POST":
        form = FirmDetailsForm(request.POST, instance=firm)
        if form.is_valid():
            if "preview" in request.POST:
                preview = _details_preview(form)
            elif (cleared := form.cleared_fields()) and "confirm_clear" not in request.POST:
                # An emptied box may be a slip (a select-all and delete, a browser restoring an
                # old page): what the public page loses is said first, and saved only when confirmed.
                clearing = _clearing(request.firm, form, cleared)
            else:
                firm_details_save(firm=firm, form=form)
                messages.success(request, _("The firm's details are saved."))
                return redirect("portal:profile", firm_slug=firm.slug)
    else:
        form = FirmDetailsForm(instance=firm)
    return render(
        request,
        "portal/profile/details.html",
        _page(request, "profile_details", form=form, firm=firm, preview=preview, clearing=clearing),
    )


def _clearing(saved: Firm, form: FirmDetailsForm, cleared: list[str]) -> dict:
    """The fields a save would empty, and the profile's completeness before and after it, counted
    as directory.ranking counts it. `saved` is the firm as stored; the form's instance holds the
    typed values."""
    counts = _relation_counts(saved)
    after = counts | {
        "languages": len(form.cleaned_data["languages"]),
        "practice_areas": len(form.cleaned_data["practice_areas"]),
    }
    return {
        # A group of checkboxes has no element of its own to point at: its first box stands in.
        "fields": [
            {"label": form[name].label, "id": form[name].id_for_label or form[name].subwidgets[0].id_for_label}
            for name in cleared
        ],
        "before": round(completeness(firm=saved, counts=counts) * 100),
        "after": round(completeness(firm=form.instance, counts=after) * 100),
    }


def _details_preview(form: FirmDetailsForm) -> dict:
    """What the public header and description would show, built from the unsaved form."""
    cleaned = form.cleaned_data
    firm = form.instance  # holds the cleaned values; it is not saved
    firm.description_html = render_markdown(firm.description_md)
    firm.description_html_zh_hans = render_markdown(firm.description_md_zh_hans)
    return {
        "firm": firm,
        "tagline": firm.tagline_text,
        "description": firm.description_text,
        "languages": list(cleaned["languages"]),
        "practice_areas": sorted(cleaned["practice_areas"], key=lambda area: area.name),
    }


# --- Logo ----------------------------------------------------------------------------------


@portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def profile_logo(request):
    firm = request.firm
    form = LogoForm()
    if request.method == "POST":
        if "remove" in request.POST:
            firm_logo_remove(firm=firm)
            messages.success(request, _("The logo is removed."))
            return redirect("portal:profile_logo", firm_slug=firm.slug)
        form = LogoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                firm_logo_set(firm=firm, upload=form.cleaned_data["logo"])
            except LogoRejected as exc:
                form.add_error("logo", str(exc))
            except LogoStorageFailed:
                # Not the firm's mistake, so not a form error ("correct what is marked below"):
                # a notice above the page as it was.
                messages.error(
                    request,
                    _(
                        "Your logo could not be saved just now; nothing was changed. "
                        "Please try again in a few minutes."
                    ),
                )
                return redirect("portal:profile_logo", firm_slug=firm.slug)
            else:
                messages.success(request, _("The new logo is saved."))
                return redirect("portal:profile_logo", firm_slug=firm.slug)
    return render(
        request,
        "portal/profile/logo.html",
        _page(request, "profile_logo", form=form),
    )


@portal_view
@require_safe
@never_cache
def profile_logo_file(request):
    """The stored logo for the portal's own page: the public one answers only for listed firms."""
    firm = request.firm
    if not firm.logo:
        raise Http404("This firm has no logo.")
    try:
        png = logo_read(firm.logo.name)
    except FileNotFoundError as exc:
        raise Http404("This firm has no logo.") from exc
    except LogoStorageFailed:
        return HttpResponse(status=503, headers={"Retry-After": "60"})
    response = FileResponse(io.BytesIO(png), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Social links --------------------------------------------------------------------------


@portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def social_links(request):
    firm = request.firm
    current = dict(SocialLink.objects.filter(firm=firm).values_list("network", "url"))
    if request.method == "POST":
        form = SocialLinksForm(request.POST)
        if form.is_valid():
            social_links_save(firm=firm, urls=form.cleaned_data)
            messages.success(request, _("The social links are saved."))
            return redirect("portal:social_links", firm_slug=firm.slug)
    else:
        form = SocialLinksForm(initial=current)
    return render(
        request,
        "portal/profile/social_links.html",
        _page(request, "social_links", form=form),
    )


# --- Offices, lawyers, articles, fees: list, add, edit, delete -----------------------------


@dataclass(frozen=True)
class Rows:
    """One kind of the firm's rows and how the portal lists, edits and deletes them."""

    name: str  # the list's URL name; the others are <item>_add, <item>_edit, <item>_delete
    item: str
    model: type[models.Model]
    form_class: type
    save: Callable
    queryset: Callable[[Firm], models.QuerySet]
    title: Promise
    add_title: Promise
    edit_title: Promise
    saved: Promise
    deleted: Promise
    remove: Callable = profile_item_remove


def _offices(firm):
    return Office.objects.filter(firm=firm).select_related("city__country")


def _lawyers(firm):
    areas = PracticeArea.objects.order_by("name")
    return Lawyer.objects.filter(firm=firm).prefetch_related("languages", Prefetch("practice_areas", queryset=areas))


def _articles(firm):
    # Drafts first, then the newest: the same order on every database.
    return Article.objects.filter(firm=firm).order_by(F("published_at").desc(nulls_first=True), "-pk")


def _fees(firm):
    return ServiceFee.objects.filter(firm=firm)


def _office_remove(*, firm, item):
    office_remove(firm=firm, office=item)


OFFICES = Rows(
    name="offices",
    item="office",
    model=Office,
    form_class=OfficeForm,
    save=office_save,
    queryset=_offices,
    title=_("Offices"),
    add_title=_("Add an office"),
    edit_title=_("Edit an office"),
    saved=_("The office is saved."),
    deleted=_("The office is deleted."),
    remove=_office_remove,
)
LAWYERS = Rows(
    name="lawyers",
    item="lawyer",
    model=Lawyer,
    form_class=LawyerForm,
    save=lawyer_save,
    queryset=_lawyers,
    title=_("Lawyers"),
    add_title=_("Add a team member"),
    edit_title=_("Edit a team member"),
    saved=_("The team member is saved."),
    deleted=_("The team member is removed."),
)
ARTICLES = Rows(
    name="articles",
    item="article",
    model=Article,
    form_class=ArticleForm,
    save=article_save,
    queryset=_articles,
    title=_("Articles"),
    add_title=_("Write an article"),
    edit_title=_("Edit an article"),
    saved=_("The article is saved."),
    deleted=_("The article is deleted."),
)
FEES = Rows(
    name="fees",
    item="fee",
    model=ServiceFee,
    form_class=ServiceFeeForm,
    save=fee_save,
    queryset=_fees,
    title=_("Fees"),
    add_title=_("Add a fee"),
    edit_title=_("Edit a fee"),
    saved=_("The fee is saved."),
    deleted=_("The fee is deleted."),
)


def _get_item(request, rows: Rows, pk: int):
    """The viewer's firm's row, or a logged 404 (another firm's row is never revealed)."""
    item = rows.model.objects.filter(firm=request.firm, pk=pk).first()
    if item is None:
        raise authz_denied(request, rows.item)
    return item


def _list(request, rows: Rows):
    items = list(rows.queryset(request.firm))
    return render(request, f"portal/profile/{rows.name}.html", _page(request, rows.name, rows=rows, items=items))


def _edit(request, rows: Rows, item=None):
    firm = request.firm
    if request.method == "POST":
        form = rows.form_class(request.POST, instance=item, firm=firm)
        if form.is_valid():
            try:
                rows.save(firm=firm, form=form)
            except IntegrityError:
                # Two saves at once can both pass the form's checks; the database keeps one.
                form.add_error(
                    None, _("Someone saved a clashing entry at the same time: check the list and try again.")
                )
            else:
                messages.success(request, rows.saved)
                return redirect(f"portal:{rows.name}", firm_slug=firm.slug)
    else:
        form = rows.form_class(instance=item, firm=firm)
    title = rows.edit_title if item else rows.add_title
    return render(
        request,
        "portal/profile/item_form.html",
        _page(request, rows.name, exact=False, rows=rows, form=form, item=item, title=title),
    )


def _delete(request, rows: Rows, pk: int):
    item = _get_item(request, rows, pk)
    if request.method == "POST":
        rows.remove(firm=request.firm, item=item)
        messages.success(request, rows.deleted)
        return redirect(f"portal:{rows.name}", firm_slug=request.firm.slug)
    return render(
        request, "portal/profile/item_delete.html", _page(request, rows.name, exact=False, rows=rows, item=item)
    )


def _crud_views(rows: Rows):
    """The list, add, edit and delete views of one kind of profile row, all through portal_view."""
    edit_methods = require_http_methods(["GET", "HEAD", "POST"])

    def listing(request):
        return _list(request, rows)

    def add(request):
        return _edit(request, rows)

    def edit(request, pk):
        return _edit(request, rows, _get_item(request, rows, pk))

    def delete(request, pk):
        return _delete(request, rows, pk)

    return (
        portal_view(require_safe(listing)),
        portal_view(edit_methods(add)),
        portal_view(edit_methods(edit)),
        portal_view(edit_methods(delete)),
    )


offices, office_add, office_edit, office_delete = _crud_views(OFFICES)
lawyers, lawyer_add, lawyer_edit, lawyer_delete = _crud_views(LAWYERS)
articles, article_add, article_edit, article_delete = _crud_views(ARTICLES)
fees, fee_add, fee_edit, fee_delete = _crud_views(FEES)
