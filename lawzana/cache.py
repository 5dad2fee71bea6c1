"""A Redis cache that fails open: when Redis is unreachable, reads miss and writes are dropped,
so pages render from the database and the request form keeps taking requests (docs/reliability.md F2).

After a failure the cache is skipped for OUTAGE_BACKOFF_SECONDS, so that a Redis that hangs
costs one socket timeout per process every few seconds, not one per cache call.
"""

import logging
from time import monotonic as _clock  # bound at import: tests that fake time.monotonic leave it alone

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("lawzana.cache")
OUTAGE_BACKOFF_SECONDS = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


# Per process and per Redis location: when the cache at that location is skipped until.
_down_until: dict[tuple, float] = {}


def forget_outages() -> None:
    """Try every location again at the next call, as a process that just started would."""
    _down_until.clear()


class ResilientRedisCache(RedisCache):
    def is_skipped(self) -> bool:
        """Whether calls to this cache's location are skipped now, after a recent failure."""
        return _clock() < _down_until.get(tuple(self._servers), 0.0)

    def _guarded(self, name, fallback, *args, **kwargs):
        location = tuple(self._servers)
        if self.is_skipped():
            return fallback() if callable(fallback) else fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as exc:
            _down_until[location] = _clock() + OUTAGE_BACKOFF_SECONDS
            logger.warning("cache_unreachable op=%s error=%s", name, type(exc).__name__)
            return fallback() if callable(fallback) else fallback

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", lambda: list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).")

        return self._guarded("incr", missing, key, delta, version)

    def clear(self):
        return self._guarded("clear", False)
