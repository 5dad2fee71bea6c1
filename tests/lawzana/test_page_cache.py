"""lawzana.page_cache.PageCacheMiddleware: anonymous repeat requests for a cached landing
page are answered before sessions, CSRF, authentication, URL resolution and the view, with
the same headers, and never with a page that shows something retired since it was rendered."""

import io

import pytest
from django.core.cache import cache
from django.core.handlers.base import BaseHandler
from django.core.management import call_command
from django.test import Client

from lawzana import page_cache
from lawzana.page_cache import retire, retired_at
from tests.factories import FirmFactory, GuideFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(harbin, cyber_law):
    FirmFactory(name="Amber Bridge Law", cities=[harbin], practice_areas=[cyber_law])
    return GuideFactory(published=True, city=harbin, practice_area=cyber_law, summary="The first summary.")


@pytest.fixture
def url(guide):
    return guide.get_absolute_url()


@pytest.fixture
def resolved(monkeypatch):
    """The paths Django resolved to a view: a request answered by the page cache is not among them."""
    paths = []
    original = BaseHandler.resolve_request

    def resolve_request(self, request):
        paths.append(request.path)
        return original(self, request)

    monkeypatch.setattr(BaseHandler, "resolve_request", resolve_request)
    return paths


@pytest.fixture
def held_tags(monkeypatch, settings):
    """Production's hold on what a process read of the tags, with a clock the test moves."""
    settings.PAGE_CACHE_HOLD_SECONDS = 1.0
    now = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now[0])
    page_cache.forget_held_tags()
    yield now
    page_cache.forget_held_tags()


def test_a_repeat_anonymous_get_is_answered_before_the_view(client, url, resolved):
    first = client.get(url)

    second = client.get(url)

    assert resolved == [url]
    assert second.status_code == 200
    assert second.content == first.content
    assert "Amber Bridge Law" in second.content.decode()


def test_the_cached_answer_has_the_headers_of_the_rendered_page_and_no_cookie(client, url):
    first = client.get(url)

    second = client.get(url)

    for header in ("Content-Type", "ETag", "Last-Modified", "Content-Language", "Surrogate-Key"):
        assert second[header] == first[header], header
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header], header
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert not second.cookies
    assert "Set-Cookie" not in second.headers


def test_a_matching_etag_or_date_gets_304_from_the_cache(client, url, resolved):
    first = client.get(url)

    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client.head(url).status_code == 200
    assert resolved == [url]


def test_a_visitor_with_a_session_or_messages_cookie_goes_through_the_whole_stack(client, url, resolved):
    client.get(url)
    client.cookies["messages"] = "pending"
    client.get(url)
    del client.cookies["messages"]
    client.force_login(UserFactory())

    response = client.get(url)

    assert resolved == [url, url, url]
    assert "ETag" not in response


def test_a_forged_host_gets_400_even_when_the_page_is_cached(client, url):
    client.get(url)

    assert client.get(url, HTTP_HOST="evil.example").status_code == 400


def test_only_pages_the_view_shares_are_kept(client, url, resolved):
    client.get("/")
    client.get("/")
    missing = url.replace("cyber-law", "no-such-area")
    client.get(missing)
    client.get(missing)

    assert resolved == ["/", "/", missing, missing]


def test_an_edit_in_this_process_shows_at_once_even_with_the_tags_held(client, guide, url, held_tags):
    client.get(url)

    guide.summary = "An edited summary."
    guide.save()

    assert "An edited summary." in client.get(url).content.decode()


def test_an_edit_through_another_process_shows_within_the_hold(client, guide, url, held_tags, resolved):
    client.get(url)
    type(guide).objects.filter(pk=guide.pk).update(summary="Edited elsewhere.")
    # What another process's save does: record the retirement in the shared cache.
    cache.set(page_cache.TAG_KEY.format(f"guide:{guide.pk}"), page_cache.time.time(), timeout=None)

    held_tags[0] += 0.5
    assert "Edited elsewhere." not in client.get(url).content.decode()  # at most a second late
    held_tags[0] += 0.6
    assert "Edited elsewhere." in client.get(url).content.decode()
    assert resolved == [url, url]


def test_the_held_tags_are_read_again_after_max_age(held_tags):
    first = retired_at(["firm:1"], max_age=1)["firm:1"]
    cache.set(page_cache.TAG_KEY.format("firm:1"), first + 5, timeout=None)  # another process

    assert retired_at(["firm:1"], max_age=1)["firm:1"] == first
    assert retired_at(["firm:1"])["firm:1"] == first + 5  # no max_age: always the shared value
    cache.set(page_cache.TAG_KEY.format("firm:1"), first + 9, timeout=None)
    held_tags[0] += 1
    assert retired_at(["firm:1"], max_age=1)["firm:1"] == first + 9


def test_a_tag_the_cache_lost_counts_as_retired_now(client, url, resolved):
    client.get(url)
    client.get(url)
    cache.delete(page_cache.TAG_KEY.format("places"))  # evicted: when it last changed is unknown

    client.get(url)

    assert resolved == [url, url]


def test_retiring_a_tag_the_page_does_not_show_keeps_it(client, url, resolved):
    client.get(url)

    retire("firm:999999", "listing:999999:1", "guide:1:999999")

    client.get(url)
    assert resolved == [url]


@pytest.fixture
def renders(monkeypatch):
    """Each landing page render, with what to do in the middle of it (another visitor's request)."""
    from guides import views

    calls = {"count": 0, "during": None}
    original = views._render_landing

    def render_landing(*args, **kwargs):
        calls["count"] += 1
        during, calls["during"] = calls["during"], None
        if during is not None:
            during()
        return original(*args, **kwargs)

    monkeypatch.setattr(views, "_render_landing", render_landing)
    return calls


def test_visitors_arriving_while_an_edited_page_renders_get_it_as_it_was(client, guide, url, renders):
    client.get(url)
    guide.summary = "An edited summary."
    guide.save()
    meanwhile = []
    renders["during"] = lambda: meanwhile.append(Client().get(url))  # another process, mid-render

    edited = client.get(url)

    assert renders["count"] == 2  # the first view and the one after the edit; not the visitor meanwhile
    assert meanwhile[0].status_code == 200
    assert "The first summary." in meanwhile[0].content.decode()
    assert "An edited summary." in edited.content.decode()
    later = Client().get(url)
    assert "An edited summary." in later.content.decode()
    assert renders["count"] == 2


def test_after_a_failed_render_the_next_visitor_renders_the_page(client, guide, url, renders):
    client.get(url)
    guide.summary = "An edited summary."
    guide.save()

    def fail():
        raise RuntimeError("the database went away")

    renders["during"] = fail
    with pytest.raises(RuntimeError):
        client.get(url)

    assert "An edited summary." in Client().get(url).content.decode()
    assert renders["count"] == 3


def test_once_a_render_finds_the_page_gone_no_visitor_gets_it_as_it_was(client, guide, url, monkeypatch):
    from guides import views

    client.get(url)
    # Every city and practice area has a page (an empty one, at worst); a renamed city's old
    # address has none.
    guide.city.slug = "harbin-city"
    guide.city.save()

    assert client.get(url).status_code == 404
    meanwhile = []
    original = views._landing

    def landing(*args, **kwargs):
        if not meanwhile:
            meanwhile.append(None)
            meanwhile[0] = Client().get(url)  # another visitor while this one renders
        return original(*args, **kwargs)

    monkeypatch.setattr(views, "_landing", landing)

    assert client.get(url).status_code == 404
    assert meanwhile[0].status_code == 404


def test_anonymous_answers_let_shared_caches_keep_them_and_name_what_they_show(client, url, guide, settings):
    settings.PAGE_CACHE_SHARED_SECONDS = 120
    firm = guide.city.offices.get().firm

    for response in (client.get(url), client.get(url)):  # rendered, then this process's copy
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert directives == {
            "public",
            "max-age=0",
            "s-maxage=120",
            f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}",
            f"stale-if-error={settings.PAGE_CACHE_STALE_IF_ERROR_SECONDS}",
        }
        assert "Vary" not in response and "Expires" not in response
        tags = set(response["Surrogate-Key"].split())
        listing = f"listing:{guide.city_id}:{guide.practice_area_id}"
        assert {"site", "places", f"firm:{firm.pk}", f"guide:{guide.pk}", listing} <= tags
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])["Cache-Control"] == response["Cache-Control"]


def test_signed_in_visitors_get_a_private_page_no_shared_cache_may_keep(client, url):
    client.get(url)
    client.force_login(UserFactory())

    response = client.get(url)

    assert response["Cache-Control"] == "private, no-cache"
    assert "Surrogate-Key" not in response
    assert "Cookie" in response["Vary"]


def test_with_the_page_cache_off_every_request_renders(client, url, resolved, settings):
    settings.PAGE_CACHE_ENABLED = False

    client.get(url)
    response = client.get(url)

    assert resolved == [url, url]
    assert "X-Page-Cache" not in response


def test_an_operator_retires_every_page_after_a_deploy(client, url, resolved):
    client.get(url)
    out = io.StringIO()
    call_command("pages_retire", stdout=out)

    client.get(url)
    assert resolved == [url, url]
    assert "site" in out.getvalue()


def test_a_process_holds_a_bounded_number_of_tags(monkeypatch, held_tags):
    monkeypatch.setattr(page_cache, "HELD_TAGS_MAX", 50)

    for n in range(200):
        retired_at([f"firm:{n}"], max_age=1)

    assert len(page_cache._held) <= 51
