"""Redis connections from one URL, whether it names a server or the Redis Sentinels that know
which server is the master now.

A server: ``redis://[:password@]host:port/db`` (``rediss://`` for TLS). Sentinels, in the form
kombu reads for the Celery broker (so one variable serves the broker, the cache, the rate-limit
counters and the beat's lock): ``sentinel://[:password@]host:port[;sentinel://host:port...]/db``,
with the master's name beside it (REDIS_SENTINEL_MASTER, REDIS_CACHE_SENTINEL_MASTER). The
password in the URL is the master's; sentinels that want their own get REDIS_SENTINEL_PASSWORD.
After a failover every connection asks the sentinels again, so nothing needs restarting.
"""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import redis
from redis.sentinel import Sentinel, SentinelConnectionPool


@dataclass(frozen=True)
class Sentinels:
    hosts: list[tuple[str, int]]
    password: str | None
    username: str | None
    db: int


def is_sentinel(url: str) -> bool:
    return url.startswith("sentinel://")


def parse_sentinels(url: str) -> Sentinels:
    """The sentinels, the master's credentials and the database of a ``sentinel://`` URL."""
    hosts, password, username, db = [], None, None, 0
    for part in url.split(";"):
        parts = urlsplit(part.strip())
        if parts.scheme != "sentinel" or not parts.hostname:
            raise ValueError(f"not a sentinel:// address: {parts.scheme}://{parts.hostname or ''}")
        hosts.append((parts.hostname, parts.port or 26379))
        password = unquote(parts.password) if parts.password else password
        username = unquote(parts.username) if parts.username else username
        if parts.path.strip("/"):
            db = int(parts.path.strip("/"))
    return Sentinels(hosts=hosts, password=password, username=username, db=db)


def _sentinel(found: Sentinels, sentinel_password: str | None, **options) -> Sentinel:
    sentinel_kwargs = _timeouts(options) | ({"password": sentinel_password} if sentinel_password else {})
    return Sentinel(found.hosts, sentinel_kwargs=sentinel_kwargs, **options)


def _timeouts(options: dict) -> dict:
    return {key: options[key] for key in ("socket_timeout", "socket_connect_timeout") if key in options}


def client(url: str, *, master: str = "", sentinel_password: str | None = None, **options) -> redis.Redis:
    """A client of the server the URL names, or of the current master its sentinels name."""
    if not is_sentinel(url):
        return redis.Redis.from_url(url, **options)
    found = parse_sentinels(url)
    auth = {"password": found.password, "username": found.username, "db": found.db}
    return _sentinel(found, sentinel_password, **options).master_for(master, **auth)


class SentinelPool:
    """Django's Redis cache takes a pool class and calls ``from_url(location, **options)``
    (django/core/cache/backends/redis.py): this one answers with a pool of connections to the
    master the sentinels name, asked again after each failover."""

    @classmethod
    def from_url(cls, url, *, sentinel_master, sentinel_password=None, **options):
        found = parse_sentinels(url)
        timeouts = _timeouts(options)
        manager = _sentinel(found, sentinel_password, **timeouts)
        auth = {key: value for key, value in (("password", found.password), ("username", found.username)) if value}
        return SentinelConnectionPool(sentinel_master, manager, db=found.db, **auth, **options)
