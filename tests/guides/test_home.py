"""The home page's figures and recent guides: counted from the database, never typed in."""

import datetime
import re

import html5lib
import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import CityFactory, FirmFactory, GuideFactory, PracticeAreaFactory
from tests.queries import queries_for

pytestmark = pytest.mark.django_db


def figures(client):
    tree = html5lib.parse(client.get("/").content.decode(), namespaceHTMLElements=False)
    return {
        re.sub(r"\s+", " ", item.find("span[@class='trust__label']").text.strip()): int(
            item.find("span[@class='trust__figure']").text
        )
        for item in tree.iterfind(".//ul[@class='trust']/li")
    }


def test_the_figures_are_the_listed_firms_the_cities_they_have_offices_in_and_the_published_guides(
    client, harbin, shanghai
):
    empty_city = CityFactory(name="Quiet Town", slug="quiet-town")
    FirmFactory(cities=[harbin, shanghai])
    FirmFactory(cities=[harbin])
    FirmFactory(is_listed=False, cities=[empty_city])
    GuideFactory(published=True, city=harbin)
    GuideFactory(published=True, city=shanghai)
    GuideFactory(city=harbin)  # a draft

    assert figures(client) == {"law firms listed": 2, "cities with firms": 2, "published guides": 2}


def test_one_of_each_reads_in_the_singular(client, harbin):
    FirmFactory(cities=[harbin])
    GuideFactory(published=True, city=harbin)

    assert figures(client) == {"law firm listed": 1, "city with firms": 1, "published guide": 1}


def test_the_home_page_links_to_how_firms_are_ranked(client):
    assert 'href="/how-we-rank/"' in client.get("/").content.decode()


def test_recent_guides_are_the_last_reviewed_first_and_only_a_few(client):
    today = timezone.localdate()
    for days in (40, 10, 30, 20):
        GuideFactory(
            published=True,
            city=CityFactory(name=f"Town{days}", slug=f"town-{days}"),
            last_reviewed_on=today - datetime.timedelta(days=days),
        )

    tree = html5lib.parse(client.get("/").content.decode(), namespaceHTMLElements=False)

    titles = [h3.find("a").text for h3 in tree.iterfind(".//ul[@class='recent-guides']/li/h3")]
    assert [re.search(r"Town\d+", title)[0] for title in titles] == ["Town10", "Town20", "Town30"]


def test_the_home_page_runs_the_same_number_of_queries_however_many_firms_and_guides(client, harbin):
    FirmFactory(cities=[harbin])
    GuideFactory(published=True, city=harbin)
    few = queries_for(client, "/")

    for _ in range(4):
        city = CityFactory()
        FirmFactory(cities=[city, harbin])
        GuideFactory(published=True, city=city, practice_area=PracticeAreaFactory())

    # The pickers' cities and areas, the recent guides (with their places), the groups and
    # their areas; the three counts only when the figures kept for a few minutes have gone.
    assert queries_for(client, "/") == 5
    cache.clear()
    assert queries_for(client, "/") == few == 8
