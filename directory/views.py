import io
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from lawzana import og_image
from lawzana.breadcrumbs import breadcrumbs
from lawzana.page_cache import shared_page

from . import page_tags, ranking
from .disclaimers import disclaimer_for
from .firm_slugs import could_be_slug
from .images import LogoStorageFailed, logo_read
from .models import Article, Firm, main_office
from .search import MAX_QUERY_LENGTH
from .selectors import (
    FirmSearchResults,
    firm_profile,
    firms_for_compare,
    firms_picked,
    lawyer_search,
    listed_firm_counts,
    with_card_data,
)
from .stats import profile_view_count
from .suggestions import suggest

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# How long a whole public page of this app stays cached for anonymous visitors (shared_page).
# Edits retire it at once through the tags of what it shows (directory/page_tags.py);
# this bounds what no save announces: an article's publication time passing, a verification
# lapsing.
PAGE_CACHE_SECONDS = 300


@login_not_required
@require_safe
def firm_detail(request, slug):
    return shared_page(request, "firm-page", lambda: _firm_detail(request, slug), timeout=PAGE_CACHE_SECONDS)


def _firm_detail(request, slug):
    try:
        firm = firm_profile(slug=slug)
    except Firm.DoesNotExist as exc:
        raise Http404("No listed firm with this address.") from exc
    profile_view_count(request, firm.pk)
    offices = list(firm.offices.all())
    # The same office Firm.main_country_code() goes by, which decided how the licence number
    # was validated; picked from the offices already loaded rather than asked for again.
    main = main_office(offices)
    trail = [(_("Cities"), reverse("guides:city_index"))]
    if main is not None:
        trail.append((main.city.name, main.city.get_absolute_url()))
    trail.append((firm.name, firm.get_absolute_url()))
    # The notice of the main office's country: where the firm is held to the advertising rules.
    disclaimer = disclaimer_for(main.city.country_id) if main is not None else None
    licence_is_uscc = main is not None and main.city.country.code.upper() == "CN"
    response = render(
        request,
        "directory/firm_detail.html",
        {
            "firm": firm,
            "firm_ld": _firm_ld(firm),
            "main_office": main,
            "disclaimer": disclaimer,
            "licence_is_uscc": licence_is_uscc,
            **breadcrumbs(*trail),
        },
    )
    # Served again from the cache, the page still counts as a view.
    response.shared_page_on_serve = ("directory.stats.profile_view_count", (firm.pk,))
    response.page_tags = {page_tags.PLACES, page_tags.DISCLAIMERS, page_tags.firm(firm.pk)}
    return response


def _firm_ld(firm):
    """schema.org LegalService; aggregateRating counts published reviews only."""
    data = {
        "@context": "https://schema.org",
        "@type": "LegalService",
        "name": firm.name,
        "url": f"{settings.SITE_URL}{firm.get_absolute_url()}",
        "knowsLanguage": [language.code for language in firm.languages.all()],
        "address": [
            {
                "@type": "PostalAddress",
                "streetAddress": office.address,
                "postalCode": office.postal_code,
                "addressLocality": office.city.name,
                "addressRegion": office.city.region.name,
                "addressCountry": office.city.country.code,
            }
            for office in firm.offices.all()
        ],
    }
    description = firm.description_md_text
    if description:
        data["description"] = str(firm.tagline_text or description)[:300]
    if firm.year_established:
        data["foundingDate"] = str(firm.year_established)
    if firm.phone:
        data["telephone"] = firm.phone
    if firm.review_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(firm.rating_average),
            "reviewCount": firm.review_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    return data


@login_not_required
@require_safe
def article_detail(request, slug, article):
    article = get_object_or_404(
        Article.objects.published().select_related("firm"), firm__slug=slug, firm__is_listed=True, slug=article
    )
    return render(request, "directory/article_detail.html", {"article": article, "firm": article.firm})


# A listing shows FIRMS_PER_PAGE firms to tick. Values past this many come from an edited
# address and are not looked up, so the page's work stays bounded.
COMPARE_PICKS_READ = 20


@login_not_required
@require_safe
def compare(request):
    """Up to COMPARE_MAX_FIRMS firms side by side. Picking more, or a firm that is gone, is a
    mistake a visitor can make from a listing: the page says what happened and compares what
    it can, never an error page."""
    maximum = settings.COMPARE_MAX_FIRMS
    # Repeats and blanks dropped, order kept; a value that cannot be a slug is an unknown firm.
    picked = [slug for slug in dict.fromkeys(request.GET.getlist("firm")) if slug.strip()][:COMPARE_PICKS_READ]
    found = firms_picked(slugs=[slug for slug in picked if could_be_slug(slug)])
    compared, left_out = found[:maximum], found[maximum:]
    firms = firms_for_compare(slugs=[firm.slug for firm in compared]) if compared else []
    return render(
        request,
        "directory/firm_compare.html",
        {
            "firms": firms,
            "maximum": maximum,
            "left_out": left_out,
            # To choose another set: every firm picked, the compared ones ticked.
            "choices": [(firm, firm in compared) for firm in found],
            "unknown_count": len(picked) - len(found),
        },
    )


@login_not_required
@require_safe
def search(request):
    # The same words give every anonymous visitor the same page: most searches are repeats.
    return shared_page(request, "search-page", lambda: _search(request), timeout=PAGE_CACHE_SECONDS)


# Search results counted at most this far ("more than 1,000 firms found").
SEARCH_COUNT_LIMIT = 1000


def _search(request):
    # Control characters (a NUL) mean nothing in a search and are not allowed in HTML.
    query = CONTROL_CHARACTERS.sub(" ", request.GET.get("q", "")).strip()
    too_long = len(query) > MAX_QUERY_LENGTH
    firms = lawyers = suggestions = None
    page = None
    more_than = None
    if query:
        # Counted up to SEARCH_COUNT_LIMIT: a word most firms hold ("law") would otherwise be
        # counted to the last of 100,000 matches, on every search for it, for a number no
        # visitor reads to the end of. Pages past the limit are not offered either.
        results = FirmSearchResults(query, count_limit=SEARCH_COUNT_LIMIT, prepare=with_card_data)
        paginator = Paginator(results, settings.FIRMS_PER_PAGE)
        counted = results.count()
        paginator.count = min(counted, SEARCH_COUNT_LIMIT)
        if counted > SEARCH_COUNT_LIMIT:
            more_than = SEARCH_COUNT_LIMIT
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as exc:
            raise Http404(str(exc)) from exc
        firms = page.object_list
        lawyers = lawyer_search(query=query)[:10]
        suggestions = _suggestions(query)
    response = render(
        request,
        "directory/search.html",
        {
            "query": query,
            "too_long": too_long,
            "max_length": MAX_QUERY_LENGTH,
            "firms": firms,
            "lawyers": lawyers,
            "page_obj": page,
            "more_than": more_than,
            "suggestions": suggestions,
        },
    )
    response.page_tags = {
        page_tags.PLACES,
        page_tags.SEARCH,
        *(page_tags.firm(firm.pk) for firm in firms or ()),
        *(page_tags.firm(lawyer.firm_id) for lawyer in lawyers or ()),
        # The suggestions count the firms of the city the query names, per practice area.
        *(
            page_tags.listing(suggestions["city"].pk, item["area"].pk)
            for item in (suggestions["areas"] if suggestions and suggestions["city"] else ())
        ),
    }
    return response


def _suggestions(query):
    """The practice areas that fit the query, each with how many firms offer it in the city
    the query names (None without a city), to say what its city × area page holds."""
    found = suggest(query)
    city = found.city
    counts = listed_firm_counts(city=city, covers=found.covers) if city else {}
    return {
        "city": city,
        "areas": [
            {
                "area": area,
                "firm_count": counts.get(area.pk),
                # The request form's pickers take practice areas, never groups.
                "request_query": urlencode(
                    {
                        **({} if area.is_group else {"practice_area": area.pk}),
                        **({"city": city.pk} if city else {}),
                    }
                ),
            }
            for area in found.areas
        ],
    }


@login_not_required
@require_safe
def how_we_rank(request):
    return render(
        request,
        "directory/how_we_rank.html",
        {
            "weights": {name: round(weight * 100) for name, weight in ranking.WEIGHTS.items()},
            "prior_mean": settings.RANKING_PRIOR_MEAN,
            "prior_weight": settings.RANKING_PRIOR_WEIGHT,
            "volume_saturation": ranking.VOLUME_SATURATION,
            "completeness_items": ranking.COMPLETENESS_ITEMS,
            "min_description_length": ranking.MIN_DESCRIPTION_LENGTH,
            "verification_months": settings.FIRM_VERIFICATION_VALID_MONTHS,
        },
    )


@login_not_required
@require_safe
def og_firm(request, slug):
    """A listed firm's social card (og:image): its name, main office's city and rating."""
    firm = get_object_or_404(Firm.objects.listed().only("pk", "name", "rating_average", "review_count"), slug=slug)
    office = firm.offices.select_related("city__country").order_by("-is_headquarters", "pk").first()
    parts = [office.city.display_name] if office is not None else []
    if firm.review_count and firm.rating_average is not None:
        parts.append(
            ngettext("★ %(rating).1f (%(count)d review)", "★ %(rating).1f (%(count)d reviews)", firm.review_count)
            % {"rating": firm.rating_average, "count": firm.review_count}
        )
    subtitle = " · ".join(parts) or _("Law firm on Lawzana")
    return og_image.card_response(request, title=firm.name, subtitle=subtitle)


@login_not_required
@require_safe
def firm_logo(request, slug):
    """A listed firm's logo: the PNG directory.images wrote, never what was uploaded."""
    firm = get_object_or_404(Firm.objects.listed().only("pk", "logo"), slug=slug)
    if not firm.logo:
        raise Http404("This firm has no logo.")
    try:
        png = logo_read(firm.logo.name)
    except FileNotFoundError as exc:
        raise Http404("This firm has no logo.") from exc
    except LogoStorageFailed:
        # Not cached by nginx or browsers (no-store): the next page view asks again.
        return HttpResponse(status=503, headers={"Retry-After": "60", "Cache-Control": "no-store"})
    response = FileResponse(io.BytesIO(png), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    # Pages link to it with ?v=<last change>, so a new logo shows at once despite the cache.
    response["Cache-Control"] = "public, max-age=86400"
    return response
