from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from directory.models import City, PracticeArea

from .models import Guide


class Sitemap(DjangoSitemap):
    """Absolute URLs come from SITE_URL, never from the request's Host header."""

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
        return Guide.objects.published().with_place().order_by("pk")

    def lastmod(self, guide):
        return guide.updated_at


class CitySitemap(Sitemap):
    """City pages that list at least one published guide."""

    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return (
            City.objects.with_place()
            .annotate(last_change=Max("guides__updated_at", filter=_live()))
            .filter(last_change__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, city):
        return city.last_change


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


SITEMAPS = {
    "index": IndexSitemap,
    "guides": GuideSitemap,
    "cities": CitySitemap,
    "practice-areas": PracticeAreaSitemap,
}
