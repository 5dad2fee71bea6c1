from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from directory import page_tags as directory_tags
from directory.models import City, Firm, Office, PracticeArea

from . import page_tags as guide_tags
from .models import Guide, landing_url


class _InLanguage:
    """A sitemap's items as (item, language) pairs, built one page at a time.

    Django's i18n sitemaps pair every item with every language before cutting out a page, so
    each page would load every listed firm. The paginator counts this (one COUNT for a
    queryset) and slices it (one query for the page's rows), and `prepare` completes only the
    page's items.
    """

    def __init__(self, items, language, prepare):
        self.items = items
        self.language = language
        self.prepare = prepare

    def count(self):
        return self.items.count() if isinstance(self.items, QuerySet) else len(self.items)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        return [(item, self.language) for item in self.prepare(list(self.items[index]))]


class Sitemap(DjangoSitemap):
    """One language's pages of one section: /sitemap-<section>-<language>.xml (SITEMAPS).

    Each entry still names the page in every language (settings.LANGUAGES) and x-default
    (English) as xhtml:link alternates, as the pages' own <link rel="alternate"> do
    (lawzana/i18n.py), so that search engines see the pairs whichever sitemap they read.
    Absolute URLs come from SITE_URL, never from the request's Host header.
    """

    i18n = True
    alternates = True
    # x-default is added by _urls(): Django's own deletes the first "/en/" from the English
    # URL, meant for an /en/ prefix this site does not have, and would cut a firm slugged
    # "en" out of its address.
    x_default = False
    # A page of 10,000 entries with their alternates is a few megabytes of XML, built in one
    # request; the sitemaps protocol would allow 50,000.
    limit = 10_000

    def __init__(self, language=None):
        self.language = language or settings.LANGUAGE_CODE

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def prepare(self, items):
        """The items of one page made ready for location() and lastmod(), for a sitemap
        whose items() are cheap keys that take queries to complete."""
        return items

    @cached_property
    def _listed(self):
        # items() once per sitemap object: the index asks it for its latest change and then for
        # its number of pages, which a list or an evaluated queryset answers without a query.
        return self.items()

    def _items(self):
        return _InLanguage(self._listed, self.language, self.prepare)

    def get_latest_lastmod(self):
        dates = [self.lastmod(item) for item in self._listed]
        return None if not dates or None in dates else max(dates)

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            english = next(alt for alt in url["alternates"] if alt["lang_code"] == settings.LANGUAGE_CODE)
            url["alternates"].append({"location": english["location"], "lang_code": "x-default"})
        return urls


def _live():
    return Q(guides__status=Guide.Status.PUBLISHED, guides__published_at__lte=timezone.now())


class GuideSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        # One landing page per city and practice area, whichever languages its guides are in:
        # the page exists in every language (the other language's guide is linked from it),
        # and lists it under the date of its latest guide.
        landings = {}
        for guide in Guide.objects.published().with_place().order_by("pk"):
            key = (guide.city_id, guide.practice_area_id)
            if key not in landings or guide.updated_at > landings[key].updated_at:
                landings[key] = guide
        return list(landings.values())

    def lastmod(self, guide):
        return guide.updated_at


class CitySitemap(Sitemap):
    """City pages that list a published guide or a listed firm (the others are noindex)."""

    changefreq = "weekly"
    priority = 0.6

    def items(self):
        # A subquery, not a second join: guides x offices would multiply the rows per city.
        firm_change = (
            Office.objects.filter(city=OuterRef("pk"), firm__is_listed=True)
            .order_by()
            .values("city")
            .annotate(last=Max("firm__updated_at"))
            .values("last")
        )
        return (
            City.objects.with_place()
            .annotate(guide_change=Max("guides__updated_at", filter=_live()), firm_change=Subquery(firm_change))
            .filter(Q(guide_change__isnull=False) | Q(firm_change__isnull=False))
            .order_by("pk")
        )

    def lastmod(self, city):
        return max(change for change in (city.guide_change, city.firm_change) if change is not None)


class PracticeAreaSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return (
            PracticeArea.objects.annotate(last_change=Max("guides__updated_at", filter=_live()))
            .filter(last_change__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, area):
        return area.last_change


class IndexSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        # The index pages change when any published guide does; one query for all three.
        self._last_change = Guide.objects.published().aggregate(last=Max("updated_at"))["last"]
        return ["guides:home", "guides:city_index", "guides:practice_area_index"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self._last_change


class FirmSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return Firm.objects.listed().only("slug", "updated_at").order_by("pk")

    def lastmod(self, firm):
        return firm.updated_at

    def get_latest_lastmod(self):
        # For the index: one aggregate rather than every listed firm.
        return Firm.objects.listed().aggregate(last=Max("updated_at"))["last"]


class FirmListingSitemap(Sitemap):
    """Landing pages that exist because listed firms serve them, without a published guide
    (those with a guide are in GuideSitemap)."""

    changefreq = "weekly"
    priority = 0.6

    def items(self):
        # The (city, area) pairs only, which one query gives: prepare() fetches the cities and
        # areas of the page being listed.
        pairs = (
            Office.objects.filter(firm__is_listed=True, firm__practice_areas__isnull=False)
            .values_list("city_id", "firm__practice_areas")
            .annotate(last_change=Max("firm__updated_at"))
            .order_by("city_id", "firm__practice_areas")
        )
        with_guide = set(Guide.objects.published().values_list("city_id", "practice_area_id"))
        return [pair for pair in pairs if pair[:2] not in with_guide]

    def prepare(self, pairs):
        cities = City.objects.with_place().in_bulk({city_id for city_id, _area_id, _last in pairs})
        areas = PracticeArea.objects.in_bulk({area_id for _city_id, area_id, _last in pairs})
        return [(cities[city_id], areas[area_id], last_change) for city_id, area_id, last_change in pairs]

    def location(self, item):
        city, area, _last_change = item
        return landing_url(city=city, practice_area=area)

    def lastmod(self, item):
        return item[2]

    def get_latest_lastmod(self):
        return max((last_change for _city_id, _area_id, last_change in self._listed), default=None)


SECTIONS = {
    "main": IndexSitemap,
    "guides": GuideSitemap,
    "cities": CitySitemap,
    "practice-areas": PracticeAreaSitemap,
    "firms": FirmSitemap,
    "firm-listings": FirmListingSitemap,
}


def sitemap_name(section, language):
    """The name of `section`'s sitemap in `language`, as in /sitemap-<name>.xml."""
    return f"{section}-{language}"


# One sitemap per section and language, in the index's order; each is built afresh per request
# (Django calls the partial), as Sitemap objects keep state while they list.
SITEMAPS = {
    sitemap_name(section, code): partial(sitemap, language=code)
    for section, sitemap in SECTIONS.items()
    for code, _name in settings.LANGUAGES
}

# Each section's sitemap listed both languages at /sitemap-<section>.xml until they were split
# by language: those addresses, which search engines may have been given, lead to the English
# one, whose alternates name the other languages' pages (lawzana/views.py, sitemap_section).
MOVED_SITEMAPS = {section: sitemap_name(section, settings.LANGUAGE_CODE) for section in SECTIONS}

# What sitemaps list, for the page cache that keeps them (lawzana.views.sitemap_index): the
# places' and practice areas' names and addresses, which firms are listed and where (search
# follows the same changes), and the guides.
SITEMAP_TAGS = (directory_tags.PLACES, directory_tags.SEARCH, guide_tags.GUIDES)
