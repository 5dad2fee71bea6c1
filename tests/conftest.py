import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.utils import translation

from lawzana import cache as resilient
from tests.factories import CityFactory, PracticeAreaFactory, RegionFactory

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@pytest.fixture(autouse=True)
def _clear_cache():
    # The caches may be a shared Redis: start and end every test with them empty, the rate
    # limits' counters included.
    cache.clear()
    caches["ratelimit"].clear()
    yield
    cache.clear()
    caches["ratelimit"].clear()


@pytest.fixture(autouse=True)
def _english_until_a_page_says_otherwise():
    # A request to a /zh-hans/ page leaves Chinese active in the thread (LocaleMiddleware
    # activates, nothing deactivates): the next test would render its emails in Chinese.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def cache_down(settings):
    """The cache's Redis unreachable (lawzana.cache.ResilientRedisCache fails open). The rate
    limits' counters live elsewhere (the broker's Redis) and stay."""
    resilient.forget_outages()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "lawzana.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    yield
    resilient.forget_outages()


@pytest.fixture
def harbin(db):
    region = RegionFactory(name="Heilongjiang", slug="heilongjiang")
    return CityFactory(region=region, name="Harbin", slug="harbin", is_capital=True)


@pytest.fixture
def cyber_law(db):
    return PracticeAreaFactory(
        name="Cyber Law, Data Privacy and Data Protection",
        slug="cyber-law-data-privacy-and-data-protection",
        parent__name="Technology & Data",
        parent__slug="technology-and-data",
        synonyms="PIPL\nprivacy",
    )


@pytest.fixture
def assert_valid_html():
    """Parse a page as strict HTML5 (any parse error fails the test); return its element tree."""
    import html5lib

    def check(content):
        if isinstance(content, bytes):
            content = content.decode()
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            return parser.parse(content)
        except html5lib.html5parser.ParseError as exc:
            raise AssertionError(f"Invalid HTML: {exc}") from exc

    return check


@pytest.fixture
def admin_form_data():
    """The data a browser would submit from the admin change form in a response, as a dict.

    Reads every field of the page's main <form> (inputs, checked boxes, selected options,
    textareas) and skips the inline "empty form" templates (names with __prefix__).
    """
    import html5lib

    skipped_types = {"submit", "button", "image", "file", "reset"}

    def collect(response):
        tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
        forms = [form for form in tree.iter("form") if (form.get("id") or "").endswith("_form")]
        assert len(forms) == 1, f"expected one admin change form, found {len(forms)}"
        data = {}
        for element in forms[0].iter():
            name = element.get("name")
            if not name or "__prefix__" in name:
                continue
            if element.tag == "input":
                kind = (element.get("type") or "text").lower()
                if kind in skipped_types or (kind in {"checkbox", "radio"} and element.get("checked") is None):
                    continue
                data[name] = element.get("value", "on" if kind in {"checkbox", "radio"} else "")
            elif element.tag == "textarea":
                text = element.text or ""
                data[name] = text[1:] if text.startswith("\n") else text
            elif element.tag == "select":
                options = list(element.iter("option"))
                chosen = [
                    option.get("value", option.text or "") for option in options if option.get("selected") is not None
                ]
                if element.get("multiple") is not None:
                    data[name] = chosen
                elif chosen or options:
                    data[name] = chosen[-1] if chosen else options[0].get("value", options[0].text or "")
                else:  # an autocomplete select with nothing chosen yet
                    data[name] = ""
        return data

    return collect


@pytest.fixture
def shanghai(db):
    region = RegionFactory(name="Shanghai", slug="shanghai")
    return CityFactory(region=region, name="Shanghai", slug="shanghai")


@pytest.fixture
def employment_law(db):
    return PracticeAreaFactory(
        name="Employment and Labour",
        slug="employment-and-labour",
        parent__name="People & Work",
        parent__slug="people-and-work",
        synonyms="dismissal\nwages",
    )


@pytest.fixture
def firm_card_names():
    """The firm names on a listing or search page, in the order shown."""
    import html5lib

    def names(response):
        tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
        return [
            "".join(heading.itertext()).strip()
            for heading in tree.iter("h3")
            if "firm-card__name" in (heading.get("class") or "").split()
        ]

    return names


@pytest.fixture(autouse=True)
def _celery_runs_tasks_inline(request, monkeypatch):
    """Tasks run in-process in every test but the integration ones, even when REDIS_URL is
    set: otherwise messages would pile up in the real broker with nobody to consume them."""
    if request.node.get_closest_marker("integration"):
        return
    from lawzana.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
