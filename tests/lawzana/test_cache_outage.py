"""With the cache's Redis unreachable the site still serves pages and takes requests."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from lawzana import cache as resilient
from tests.factories import FirmFactory, GuideFactory


def test_reads_miss_writes_are_dropped_and_counters_say_missing(cache_down):
    assert cache.get("key", "default") == "default"
    assert cache.set("key", "value") is None
    assert cache.add("key", "value") is False
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("counter")


@pytest.mark.django_db
def test_pages_and_the_request_form_still_open(client, cache_down, harbin, cyber_law):
    GuideFactory(city=harbin, practice_area=cyber_law, published=True)
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    landing = reverse(
        "guides:landing", kwargs={"country": harbin.country.slug, "city": harbin.slug, "practice_area": cyber_law.slug}
    )

    for path in [reverse("guides:home"), landing, landing, reverse("intake:lead_new")]:
        assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_after_a_failure_the_cache_is_skipped_for_a_few_seconds(cache_down, monkeypatch):
    cache.get("key")
    calls = []
    monkeypatch.setattr(
        resilient.RedisCache, "get", lambda *args, **kwargs: calls.append(args) or "from redis", raising=True
    )

    assert cache.get("key", "default") == "default"
    assert calls == []


def test_a_dead_redis_elsewhere_does_not_switch_off_the_working_cache(cache_down, settings):
    from django.core.cache import caches

    cache.get("key")  # the dead location is now skipped for a few seconds
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    other = resilient.ResilientRedisCache("redis://127.0.0.1:6379/15", {})

    assert not other.is_skipped()
    assert caches["default"].set("key", "value") is None
