import hashlib
import html

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Window
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import get_language, gettext_lazy, gettext_noop, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from directory import page_tags as directory_tags
from directory.disclaimers import disclaimer_for
from directory.filters import FirmFilter
from directory.models import City, Country, Firm, Office, PracticeArea
from directory.selectors import best_firms_by_area, firms_nearby, firms_serving, with_card_data
from lawzana import og_image
from lawzana.breadcrumbs import breadcrumbs
from lawzana.page_cache import shared_page

from . import page_tags as guide_tags
from .forms import FindLawyerForm
from .models import Guide, landing_page_title, landing_title, landing_url


def _published_guides():
    return Guide.objects.published().for_language(get_language())


# Guides on the home page.
RECENT_GUIDES = 3

# A guide's sections, which only its own page shows.
GUIDE_BODY_FIELDS = [
    f"{section}_{form}"
    for section in ("about", "why", "local_laws", "resources", "next_steps", "disclaimer")
    for form in ("md", "html")
]


# How long the home page's figures (firms, cities, guides) are kept: counting 100,000 firms
# takes 15 ms, too long for every visit, and "95,000 firms" a few minutes late says the same.
HOME_FIGURES_SECONDS = 300


def _home_figures():
    """The figures the home page shows, counted, never typed in: three COUNT queries."""
    listed = Firm.objects.listed()
    return {
        "firms": listed.count(),
        "cities": City.objects.filter(Exists(Office.objects.filter(city_id=OuterRef("pk"), firm__in=listed))).count(),
        "guides": _published_guides().count(),
    }


@login_not_required
@require_safe
def home(request):
    # Only a submitted search binds the form: links carry tracking parameters (utm_*, gclid).
    submitted = "city" in request.GET or "practice_area" in request.GET
    form = FindLawyerForm(request.GET if submitted else None)
    if form.is_bound and form.is_valid():
        # Every city and practice area has its page, with or without a guide or firms there.
        return redirect(landing_url(city=form.cleaned_data["city"], practice_area=form.cleaned_data["practice_area"]))
    # The newest reviewed first: what an editor checked last is what the site vouches for.
    # Three out of thousands: chosen on the guides' own rows, then joined to their places (the
    # joins before the sort cost 20 ms at 6,000 guides).
    newest = F("last_reviewed_on").desc(nulls_last=True), "-published_at"
    chosen = _published_guides().order_by(*newest).values("pk")[:RECENT_GUIDES]
    recent = Guide.objects.filter(pk__in=Subquery(chosen)).with_place().defer(*GUIDE_BODY_FIELDS).order_by(*newest)
    groups = PracticeArea.objects.groups().prefetch_related(
        Prefetch("children", queryset=PracticeArea.objects.order_by("position", "name"))
    )
    trust = cache.get_or_set(f"home-figures:{get_language()}", _home_figures, HOME_FIGURES_SECONDS)
    return render(
        request,
        "guides/home.html",
        {"form": form, "recent_guides": recent, "groups": groups, "trust": trust},
        status=400 if form.is_bound else 200,
    )


@login_not_required
@require_safe
def city_index(request):
    guide_count = Count(
        "guides",
        filter=Q(
            guides__status=Guide.Status.PUBLISHED,
            guides__published_at__lte=timezone.now(),
            guides__language=get_language(),
        ),
    )
    countries = Country.objects.prefetch_related(
        Prefetch(
            "cities",
            queryset=City.objects.select_related("region")
            .annotate(guide_count=guide_count)
            .order_by("region__name", "name"),
        )
    )
    # Hundreds of cities: the plural is chosen here, where it costs a microsecond, rather than
    # by {% blocktranslate count %} for each city in the template, where it costs fifty; and
    # each address is the country's with the city's slug put in, not a reverse() per city.
    for country in countries:
        address = reverse("guides:city_detail", kwargs={"country": country.slug, "city": "city-slug"})
        for city in country.cities.all():
            city.url = address.replace("/city-slug/", f"/{city.slug}/")
            city.guides_label = (
                ngettext("%(count)d guide", "%(count)d guides", city.guide_count) % {"count": city.guide_count}
                if city.guide_count
                else ""
            )
    return render(
        request,
        "guides/city_index.html",
        {"countries": countries, **breadcrumbs((_("Cities"), reverse("guides:city_index")))},
    )


# Firms shown for each practice area on a city page; the area's page lists them all.
CITY_FIRMS_PER_AREA = 3


@login_not_required
@require_safe
def city_detail(request, country, city):
    """A city's guides and, for each practice area offered there, its best-ranked firms and a
    link to the city x area page; the request form either way. Three queries, however many
    areas and firms."""
    city = get_object_or_404(City.objects.with_place(), country__slug=country, slug=city)
    guides = list(
        _published_guides()
        .filter(city=city)
        .with_place()
        .order_by("practice_area__parent__position", "practice_area__parent__name", "practice_area__name")
    )
    areas = [
        (entry, landing_url(city=city, practice_area=entry.area))
        for entry in best_firms_by_area(city=city, per_area=CITY_FIRMS_PER_AREA)
    ]
    # A firm often leads several areas (about a hundred entries, forty firms): each is drawn
    # once, by the same template, and placed wherever it appears.
    drawn = {}
    for entry, _url in areas:
        for firm in entry.firms:
            if firm.pk not in drawn:
                drawn[firm.pk] = render_to_string("includes/firm_mini.html", {"firm": firm})
            firm.mini_html = drawn[firm.pk]
    return render(
        request,
        "guides/city_detail.html",
        {
            "city": city,
            "guides": guides,
            "areas": areas,
            **breadcrumbs((_("Cities"), reverse("guides:city_index")), (city.name, city.get_absolute_url())),
        },
    )


@login_not_required
@require_safe
def practice_area_index(request):
    groups = PracticeArea.objects.groups().prefetch_related(
        Prefetch("children", queryset=PracticeArea.objects.order_by("position", "name"))
    )
    return render(
        request,
        "guides/practice_area_index.html",
        {
            "groups": groups,
            **breadcrumbs((_("Practice areas"), reverse("guides:practice_area_index"))),
        },
    )


@login_not_required
@require_safe
def practice_area_detail(request, practice_area):
    area = get_object_or_404(PracticeArea.objects.select_related("parent"), slug=practice_area)
    areas = [area, *area.children.all()] if area.is_group else [area]
    guides = (
        _published_guides()
        .filter(practice_area__in=areas)
        .with_place()
        .order_by("city__country__name", "city__name", "practice_area__name")
    )
    trail = [(_("Practice areas"), reverse("guides:practice_area_index"))]
    if area.parent is not None:
        trail.append((area.parent.name, area.parent.get_absolute_url()))
    trail.append((area.name, area.get_absolute_url()))
    return render(
        request,
        "guides/practice_area_detail.html",
        {"practice_area": area, "guides": guides, **breadcrumbs(*trail)},
    )


def _faq_ld(faq_items):
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": html.unescape(strip_tags(item.answer_html)).strip()},
            }
            for item in faq_items
        ],
    }


def _guide_contents(guide, *, faq_items, sources):
    """The guide's parts as (id, label), in the order guide_body.html renders them: the side
    panel's contents (landing.html) link to them. The firm list comes first, as on the page."""
    contents = [("firms", _("Law firms"))]
    for prefix, heading, _html in guide.sections:
        if prefix == "resources" and faq_items:
            contents.append(("faq", _("Frequently asked questions")))
        contents.append((prefix, str(heading)))
    if faq_items and not guide.resources_html:
        contents.append(("faq", _("Frequently asked questions")))
    if sources:
        contents.append(("sources", _("Sources")))
    return contents


def _guide_body(guide):
    """The guide's rendered sections, FAQ and sources, and its contents, cached until the guide
    changes.

    Every edit saves the guide (the admin saves it with its inlines; a restored revision
    saves it too), which moves updated_at and so the key.
    """

    def build():
        faq_items = list(guide.faq_items.all())
        sources = list(guide.sources.all())
        body = render_to_string(
            "guides/includes/guide_body.html",
            {
                "guide": guide,
                "faq_items": faq_items,
                "sources": sources,
                "faq_ld": _faq_ld(faq_items) if faq_items else None,
            },
        )
        return {"html": body, "contents": _guide_contents(guide, faq_items=faq_items, sources=sources)}

    # The body also shows the city's and practice area's names, which change elsewhere.
    names = f"{guide.city.name}|{guide.city.country.name}|{guide.practice_area.name}"
    digest = hashlib.sha256(names.encode()).hexdigest()[:16]
    # The version changes with guide_body.html and with what is cached, so that a deploy does
    # not serve the old markup.
    key = f"guide-body:v3:{guide.pk}:{guide.language}:{guide.updated_at.timestamp()}:{digest}"
    return cache.get_or_set(key, build, settings.GUIDE_CACHE_SECONDS)


def _firm_page(request, firms):
    """The requested page of firms; a page number out of range or not a number is a 404.

    The rows and their total come in one query (COUNT(*) OVER (), computed before LIMIT), so
    a listing pays one round trip, not a count and then the rows. Anything but a plausible
    page number goes the usual way, which refuses it.
    """
    paginator = Paginator(firms, settings.FIRMS_PER_PAGE)
    raw = request.GET.get("page") or "1"
    try:
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 10_000):
            return paginator.page(raw)
        offset = (int(raw) - 1) * paginator.per_page
        rows = list(firms.annotate(listing_total=Window(Count("pk")))[offset : offset + paginator.per_page])
        # A page past the end has no row to carry the total: count the usual way then. An empty
        # first page needs no count (a city with no firm for the area is a common page).
        if rows:
            paginator.count = rows[0].listing_total
        else:
            paginator.count = 0 if offset == 0 else firms.count()
        return Page(rows, paginator.validate_number(raw), paginator)
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc


# Firms shown from other cities of the region (then the country) when a city has none.
NEARBY_FIRMS = 5


def _render_landing(request, *, city, area, guide, firms, is_preview=False, guide_elsewhere=None):
    filterset = FirmFilter(request.GET, queryset=firms)
    page = _firm_page(request, with_card_data(filterset.qs, city=city))
    url = landing_url(city=city, practice_area=area)
    # The filters a visitor set ("Filters (n)"); the order of the list is not one.
    active_filter_count = sum(
        1 for name in filterset.filters if name != "sort" and any(value for value in request.GET.getlist(name))
    )
    is_filtered = bool(active_filter_count)
    no_firm_here = not page.paginator.count and not is_filtered
    nearby = firms_nearby(practice_area=area, city=city, limit=NEARBY_FIRMS) if no_firm_here else []
    response = render(
        request,
        "guides/landing.html",
        {
            "guide": guide,
            "title": landing_title(city=city, practice_area=area),
            "page_title": landing_page_title(city=city, practice_area=area),
            "city": city,
            "practice_area": area,
            "canonical_path": url,
            "guide_body": _guide_body(guide) if guide else None,  # .html and .contents
            # The guide exists only in another language: a notice and a link, never its text.
            "guide_elsewhere": guide_elsewhere,
            "filterset": filterset,
            "is_filtered": is_filtered,
            "active_filter_count": active_filter_count,
            "no_firm_here": no_firm_here,
            "nearby_firms": nearby,
            "nearby_in_region": [firm for firm in nearby if firm.in_region],
            "nearby_in_country": [firm for firm in nearby if not firm.in_region],
            # Thousands of city x area pages have neither: search engines get only the others.
            "is_thin": guide is None and not page.paginator.count,
            "page_obj": page,
            "firms": page.object_list,
            "compare_max": settings.COMPARE_MAX_FIRMS,
            "is_preview": is_preview,
            "stale_after_months": settings.GUIDE_STALE_AFTER_MONTHS,
            "disclaimer": disclaimer_for(city.country, area),
            **breadcrumbs(
                (_("Cities"), reverse("guides:city_index")),
                (city.name, city.get_absolute_url()),
                (area.name, url),
            ),
        },
    )
    # What the page shows, for the page cache (directory/page_tags.py, guides/page_tags.py).
    response.page_tags = {
        directory_tags.PLACES,
        directory_tags.DISCLAIMERS,
        directory_tags.listing(city.pk, area.pk),
        guide_tags.guide_page(city.pk, area.pk),
        *(directory_tags.firm(firm.pk) for firm in [*page.object_list, *nearby]),
        *([guide_tags.guide(guide.pk)] if guide else []),
        *([directory_tags.nearby(city.country_id, area.pk)] if no_firm_here else []),
    }
    return response


# How long a whole landing page stays cached for anonymous visitors. Edits retire it through
# the tags of what it shows (at once; in other processes within PAGE_CACHE_HOLD_SECONDS); this
# bounds what no save announces: a guide turning stale with time, a verification lapsing.
LANDING_CACHE_SECONDS = 300


@login_not_required
@require_safe
def landing(request, country, city, practice_area):
    """A city x practice-area page: the guide if one is published, and the firms serving it,
    or those nearby. Every known city and practice area has one, so that no search ends
    without a way forward. Kept whole for anonymous visitors (shared_page)."""
    return shared_page(
        request,
        "landing-page",
        lambda: _landing(request, country, city, practice_area),
        timeout=LANDING_CACHE_SECONDS,
    )


def _landing(request, country, city, practice_area):
    language = get_language()
    # Whether the guide is live in another language rides on the city's query (a subquery on
    # the unique city x area x language index), so a page without a guide in this language
    # can point to it at no extra query.
    elsewhere = (
        Guide.objects.published()
        .filter(city_id=OuterRef("pk"), practice_area__slug=practice_area)
        .exclude(language=language)
        .order_by("language")
        .values("language")[:1]
    )
    city = get_object_or_404(
        City.objects.with_place().annotate(guide_language_elsewhere=Subquery(elsewhere)),
        country__slug=country,
        slug=city,
    )
    area = get_object_or_404(PracticeArea.objects.select_related("parent"), slug=practice_area)
    # A city, area and language have at most one guide (a unique constraint). Fetching it
    # when only scheduled too tells the page cache when it goes live, at no extra query.
    guide = (
        Guide.objects.for_language(language)
        .filter(status=Guide.Status.PUBLISHED, city=city, practice_area=area)
        .first()
    )
    goes_live_at = None
    if guide is not None and not guide.is_live:
        goes_live_at = guide.published_at if guide.published_at and guide.published_at > timezone.now() else None
        guide = None
    firms = firms_serving(practice_area=area, city=city)
    if guide is not None:
        guide.city, guide.practice_area = city, area  # already loaded: no extra queries
    guide_elsewhere = None
    if guide is None and city.guide_language_elsewhere:
        guide_elsewhere = _guide_elsewhere(city=city, area=area, language=city.guide_language_elsewhere)
    response = _render_landing(
        request, city=city, area=area, guide=guide, firms=firms, guide_elsewhere=guide_elsewhere
    )
    if goes_live_at is not None:  # a scheduled guide goes live without a save
        response.shared_page_seconds = int((goes_live_at - timezone.now()).total_seconds()) + 1
    return response


# What a page without a guide in its own language says about the guide in another: the
# sentence in the page's language, the link in the guide's (its reader may not read the page's).
GUIDE_AVAILABLE_IN = {
    "en": gettext_lazy("This guide is available in English."),
    "zh-hans": gettext_lazy("This guide is available in Chinese."),
}
READ_THE_GUIDE_IN = {
    "en": gettext_noop("Read the guide in English"),
    "zh-hans": gettext_noop("Read the guide in Chinese"),
}


def _guide_elsewhere(*, city, area, language):
    with translation.override(language):
        url = landing_url(city=city, practice_area=area)
        link_text = _(READ_THE_GUIDE_IN[language])
    return {"language": language, "url": url, "message": GUIDE_AVAILABLE_IN[language], "link_text": link_text}


@require_safe
def preview(request, pk):
    # Staff who may see guides preview any state; everyone else learns nothing (404).
    if not (request.user.is_active and request.user.is_staff and request.user.has_perm("guides.view_guide")):
        raise Http404
    guide = get_object_or_404(Guide.objects.with_place(), pk=pk)
    firms = firms_serving(practice_area=guide.practice_area, city=guide.city)
    response = _render_landing(
        request, city=guide.city, area=guide.practice_area, guide=guide, firms=firms, is_preview=True
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# Social cards (og:image, lawzana/og_image.py): the page's heading, drawn once per title.


@login_not_required
@require_safe
def og_landing(request, country, city, practice_area):
    city = get_object_or_404(City.objects.with_place(), country__slug=country, slug=city)
    area = get_object_or_404(PracticeArea, slug=practice_area)
    guide = _published_guides().filter(city=city, practice_area=area).only("last_reviewed_on", "published_at").first()
    subtitle = city.display_name
    if guide is not None and guide.last_reviewed_on:
        reviewed = _("Guide reviewed %(month)s") % {"month": guide.last_reviewed_on.strftime("%Y-%m")}
        subtitle = f"{reviewed} · {subtitle}"
    return og_image.card_response(request, title=landing_title(city=city, practice_area=area), subtitle=subtitle)


@login_not_required
@require_safe
def og_city(request, country, city):
    city = get_object_or_404(City.objects.with_place(), country__slug=country, slug=city)
    return og_image.card_response(
        request,
        title=_("Lawyers in %(city)s") % {"city": city.name},
        subtitle=_("Law firms and legal guides in %(place)s") % {"place": city.display_name},
    )


@login_not_required
@require_safe
def og_practice_area(request, practice_area):
    area = get_object_or_404(PracticeArea.objects.select_related("parent"), slug=practice_area)
    subtitle = _("Law firms and legal guides by city")
    if area.parent is not None:
        subtitle = f"{area.parent.name} · {subtitle}"
    return og_image.card_response(
        request, title=_("%(area)s lawyers by city") % {"area": area.name}, subtitle=subtitle
    )
