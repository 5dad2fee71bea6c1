"""Where each Redis use goes (lawzana/settings.py): the broker, the beat's lock and the rate
limits' counters on the Redis that never evicts, the pages on the cache; by URL or by Sentinel."""

import json

import pytest

from lawzana.redis_conn import parse_sentinels
from tests.lawzana.test_settings import _manage

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'broker': s.CELERY_BROKER_URL, 'master': s.CELERY_BROKER_TRANSPORT_OPTIONS.get('master_name'),"
    "'cache': s.CACHES['default']['LOCATION'], 'limits': s.CACHES['ratelimit']['LOCATION'],"
    "'cache_pool': s.CACHES['default'].get('OPTIONS', {}).get('pool_class'),"
    "'cache_master': s.CACHES['default'].get('OPTIONS', {}).get('sentinel_master'),"
    "'limits_on': s.RATELIMIT_USE_CACHE, 'beat': getattr(s, 'CELERY_BEAT_SCHEDULER', None),"
    "'beat_url': getattr(s, 'CELERY_REDBEAT_REDIS_URL', None),"
    "'beat_master': getattr(s, 'CELERY_REDBEAT_REDIS_OPTIONS', {}).get('service_name')}))"
)


def show(**env):
    result = _manage("shell", "--no-imports", "-c", SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_rate_limits_and_the_beat_live_on_the_broker_and_pages_on_the_cache():
    found = show(REDIS_URL="redis://:pw@broker:6379/0", REDIS_CACHE_URL="redis://:pw@cache:6379/0")

    assert found["limits"] == "redis://:pw@broker:6379/2" and found["limits_on"] == "ratelimit"
    assert found["cache"] == "redis://:pw@cache:6379/0"
    assert found["beat"] == "lawzana.beat.Scheduler" and found["beat_url"] == "redis://:pw@broker:6379/0"


def test_the_embedded_mode_keeps_each_in_memory_and_runs_no_beat():
    found = show()

    assert found["broker"] == "memory://" and found["beat"] is None
    assert (found["cache"], found["limits"]) == ("default", "ratelimit")


def test_sentinel_urls_reach_the_broker_cache_limits_and_beat_through_the_named_masters():
    sentinels = "sentinel://:pw@10.0.0.1:26379;sentinel://:pw@10.0.0.2:26379/0"

    found = show(
        REDIS_URL=sentinels,
        REDIS_SENTINEL_MASTER="broker",
        REDIS_CACHE_URL="sentinel://:pw@10.0.0.1:26379;sentinel://:pw@10.0.0.2:26379/0",
        REDIS_CACHE_SENTINEL_MASTER="cache",
    )

    assert found["broker"] == sentinels and found["master"] == "broker"
    assert found["cache"] == [sentinels] and found["cache_master"] == "cache"
    assert found["cache_pool"] == "lawzana.redis_conn.SentinelPool"
    assert found["limits"] == ["sentinel://:pw@10.0.0.1:26379;sentinel://:pw@10.0.0.2:26379/2"]
    assert found["beat_url"].startswith("redis-sentinel://") and found["beat_master"] == "broker"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REDIS_URL": "sentinel://10.0.0.1:26379/0"}, "set REDIS_SENTINEL_MASTER"),
        ({"REDIS_CACHE_URL": "sentinel://10.0.0.1:26379/0"}, "set REDIS_CACHE_SENTINEL_MASTER"),
        ({"REDIS_URL": "redis://r:6379/0", "CELERY_REDBEAT_LOCK_TIMEOUT": "15"}, "at least twice"),
    ],
)
def test_a_sentinel_without_its_master_or_a_lock_shorter_than_the_beats_sleep_is_refused(env, message):
    result = _manage("check", **env)

    assert result.returncode != 0
    assert message in result.stderr


def test_a_sentinel_url_is_read_with_its_hosts_password_and_database():
    found = parse_sentinels("sentinel://:s3cret@10.0.0.1:26379;sentinel://10.0.0.2;sentinel://10.0.0.3:26380/2")

    assert found.hosts == [("10.0.0.1", 26379), ("10.0.0.2", 26379), ("10.0.0.3", 26380)]
    assert (found.password, found.db) == ("s3cret", 2)
    with pytest.raises(ValueError, match="not a sentinel"):
        parse_sentinels("redis://10.0.0.1:6379/0")
