"""Atom feeds of the published guides, in the language of the URL they are asked for at: the
whole site's, one city's, one practice area's (a group's takes in its areas).

Every address in them comes from SITE_URL, never from the request's Host header, which a
forged request would rewrite. They are kept whole like the sitemaps (lawzana/page_cache.py) and
retired by the same tags, so an edited or newly published guide shows on the next request.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from directory import page_tags as directory_tags
from directory.models import City, PracticeArea
from lawzana.page_cache import shared_page

from . import page_tags as guide_tags
from .models import Guide, landing_title, landing_url
from .views import GUIDE_BODY_FIELDS

# The newest entries only: feed readers poll the whole document, and a subscriber wants what
# changed lately, not the archive (the sitemaps and indexes list every guide).
FEED_ENTRIES = 50

# How long a feed is kept whole at most. Saves retire it at once (the tags below); this bounds
# what no save announces: a guide scheduled earlier going live.
FEED_CACHE_SECONDS = 300

# What a feed shows: guides (any of them may enter or leave it), and the names of places and
# practice areas in its titles and links.
FEED_TAGS = (directory_tags.PLACES, guide_tags.GUIDES)


def _updated():
    # What changed for a reader: the text (content_changed_at, set by the admin on an edit of
    # what the guide says), or its publication; a status or review change alone is not news.
    return Greatest("published_at", Coalesce("content_changed_at", "published_at"))


class GuideFeed(Feed):
    """The published guides of the active language, the latest changed first."""

    feed_type = Atom1Feed

    def guides(self, obj):
        return Guide.objects.published().for_language(get_language())

    def title(self, obj):
        return _("Lawzana guides")

    def subtitle(self, obj):
        return _("New and updated legal guides on Lawzana.")

    def page_path(self, obj):
        return reverse("guides:home")

    def feed_path(self, obj):
        return reverse("guides:feed")

    def link(self, obj):
        return settings.SITE_URL + self.page_path(obj)

    def feed_url(self, obj):
        return settings.SITE_URL + self.feed_path(obj)

    def feed_guid(self, obj):
        return self.feed_url(obj)

    def items(self, obj):
        return list(
            self.guides(obj)
            .with_place()
            .defer(*GUIDE_BODY_FIELDS)
            .annotate(feed_updated=_updated())
            .order_by("-feed_updated", "-pk")[:FEED_ENTRIES]
        )

    def item_title(self, guide):
        # Atom titles are text: the XML writer escapes them once, as a reader expects.
        return str(landing_title(city=guide.city, practice_area=guide.practice_area))

    def item_description(self, guide):
        # Atom1Feed marks the summary type="html": the plain-text summary is escaped as HTML,
        # so that a reader shows "<" rather than running markup.
        return escape(guide.summary)

    def item_link(self, guide):
        return settings.SITE_URL + landing_url(city=guide.city, practice_area=guide.practice_area)

    def item_guid(self, guide):
        # Stable though the guide's city or area slug change: a tag URI (RFC 4151) on the pk,
        # which is the guide in one language.
        domain = urlsplit(settings.SITE_URL).hostname
        return f"tag:{domain},{guide.created_at:%Y-%m-%d}:guide/{guide.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, guide):
        return guide.published_at

    def item_updateddate(self, guide):
        return guide.feed_updated

    def item_author_name(self, guide):
        return _("Lawzana editors")


class CityGuideFeed(GuideFeed):
    def get_object(self, request, country, city):
        return get_object_or_404(City.objects.with_place(), country__slug=country, slug=city)

    def guides(self, city):
        return super().guides(city).filter(city=city)

    def title(self, city):
        return _("Lawzana guides: %(place)s") % {"place": city.name}

    def subtitle(self, city):
        return _("New and updated legal guides for %(city)s on Lawzana.") % {"city": city.name}

    def page_path(self, city):
        return city.get_absolute_url()

    def feed_path(self, city):
        return reverse("guides:city_feed", kwargs={"country": city.country.slug, "city": city.slug})


class PracticeAreaGuideFeed(GuideFeed):
    def get_object(self, request, practice_area):
        return get_object_or_404(PracticeArea, slug=practice_area)

    def guides(self, area):
        # Guides belong to areas, never to groups: a group's feed is its areas'.
        areas = area.children.all() if area.is_group else [area]
        return super().guides(area).filter(practice_area__in=areas)

    def title(self, area):
        return _("Lawzana guides: %(place)s") % {"place": area.name}

    def subtitle(self, area):
        return _("New and updated legal guides to %(area)s, city by city, on Lawzana.") % {"area": area.name}

    def page_path(self, area):
        return area.get_absolute_url()

    def feed_path(self, area):
        return reverse("guides:practice_area_feed", kwargs={"practice_area": area.slug})


def _kept(feed):
    """The feed as a public view, kept whole for anonymous readers (shared_page)."""

    def view(request, *args, **kwargs):
        def render():
            response = feed(request, *args, **kwargs)
            response.page_tags = FEED_TAGS
            return response

        return shared_page(request, "guide-feed", render, timeout=FEED_CACHE_SECONDS)

    return login_not_required(require_safe(view))


site_feed = _kept(GuideFeed())
city_feed = _kept(CityGuideFeed())
practice_area_feed = _kept(PracticeAreaGuideFeed())
