"""PAGE_CACHE_ENABLED=false: shared pages are rendered for every request, as nginx in front sees
them when the app keeps no copy (bench/run.py compares both), with the same headers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import FirmFactory, GuideFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(harbin, cyber_law):
    FirmFactory(name="Amber Bridge Law", cities=[harbin], practice_areas=[cyber_law])
    return GuideFactory(published=True, city=harbin, practice_area=cyber_law).get_absolute_url()


def queries_of_a_repeat(client, url):
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and second["ETag"] == first["ETag"]
    return len(queries), second


@pytest.mark.parametrize("enabled", [True, False])
def test_the_page_cache_setting_decides_whether_a_repeat_is_rendered_again(client, url, settings, enabled):
    settings.PAGE_CACHE_ENABLED = enabled

    queries, _page = queries_of_a_repeat(client, url)

    assert (queries > 0) is not enabled


def test_with_the_page_cache_off_a_page_still_answers_its_etag_with_304(client, url, settings):
    settings.PAGE_CACHE_ENABLED = False
    _queries, page = queries_of_a_repeat(client, url)

    again = client.get(url, HTTP_IF_NONE_MATCH=page["ETag"])

    assert again.status_code == 304
    assert "Amber Bridge Law" in page.content.decode()
    # What lets nginx keep the page and ask again with its ETag (deploy/nginx.conf).
    assert page["Cache-Control"].startswith("public, max-age=0, s-maxage=")
