from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from directory.models import City, Firm, Office, PracticeArea

from .models import Guide, landing_url


class Sitemap(DjangoSitemap):
    """Absolute URLs come from SITE_URL, never from the request's Host header.

    Every page is listed once per language (settings.LANGUAGES), each entry naming the others
    and x-default (English) as xhtml:link alternates, as the pages' own <link rel="alternate">
    do (lawzana/i18n.py).
    """

    i18n = True
    alternates = True
    x_default = True

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


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


class FirmListingSitemap(Sitemap):
    """Landing pages that exist because listed firms serve them, without a published guide
    (those with a guide are in GuideSitemap)."""

    changefreq = "weekly"
    priority = 0.6

    def items(self):
        pairs = (
            Office.objects.filter(firm__is_listed=True, firm__practice_areas__isnull=False)
            .values("city_id", "firm__practice_areas")
            .annotate(last_change=Max("firm__updated_at"))
            .order_by("city_id", "firm__practice_areas")
        )
        with_guide = set(Guide.objects.published().values_list("city_id", "practice_area_id"))
        pairs = [p for p in pairs if (p["city_id"], p["firm__practice_areas"]) not in with_guide]
        cities = City.objects.with_place().in_bulk({p["city_id"] for p in pairs})
        areas = PracticeArea.objects.in_bulk({p["firm__practice_areas"] for p in pairs})
        return [(cities[p["city_id"]], areas[p["firm__practice_areas"]], p["last_change"]) for p in pairs]

    def location(self, item):
        city, area, _last_change = item
        return landing_url(city=city, practice_area=area)

    def lastmod(self, item):
        return item[2]


SITEMAPS = {
    "main": IndexSitemap,
    "guides": GuideSitemap,
    "cities": CitySitemap,
    "practice-areas": PracticeAreaSitemap,
    "firms": FirmSitemap,
    "firm-listings": FirmListingSitemap,
}
