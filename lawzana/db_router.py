"""Reads of anonymous visitors' public pages go to the read replica; everything else to the primary.

Installed only when DATABASE_REPLICA_URL is set (lawzana/settings.py). The rule:

- A request may read from the replica when it is a GET, HEAD or OPTIONS without a session
  cookie or pending messages: an anonymous visitor of a public page, what lawzana/page_cache.py
  keeps whole. Signed-in firm members, editors and a client in the middle of the request form
  have a session and read the primary, so they see what they just saved.
- Views whose anonymous GETs must see the latest rows (secret links opened right after the
  email was sent, allauth's account pages) are marked @use_primary.
- Once the request writes (db_for_write is asked, which covers select_for_update too) or reads
  inside transaction.atomic on the primary, its later reads go to the primary too.
- Outside a request (Celery tasks, management commands, the test suite's own queries)
  everything reads the primary: only ReplicaReadsMiddleware lets a request use the replica.

Migrations run on the primary only; the replica follows through replication.
"""

from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _RequestReads:
    __slots__ = ("replica",)

    def __init__(self, replica: bool):
        self.replica = replica


# One object per request, shared by every context copied from it (asgiref's thread hops), so
# that a write anywhere in the request sends its later reads to the primary.
_reads: ContextVar[_RequestReads | None] = ContextVar("lawzana_replica_reads", default=None)


def read_primary() -> None:
    """From now until the end of the current request, read the primary."""
    reads = _reads.get()
    if reads is not None:
        reads.replica = False


def use_primary(view):
    """Mark a view whose reads must see the primary's latest rows even for an anonymous GET."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        read_primary()
        return view(request, *args, **kwargs)

    return wrapper


def may_read_replica(request) -> bool:
    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # A visitor redirected after a write (lawzana/page_cache.py's rule too).
        and "messages" not in request.COOKIES
    )


class ReplicaReadsMiddleware:
    """Decides, per request, whether its reads may go to the replica (see the module's rule).

    Right after lawzana.page_cache.PageCacheMiddleware: a page that process keeps is answered
    without reading the database at all. Without DATABASE_REPLICA_URL no router asks it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads.set(_RequestReads(replica=may_read_replica(request)))
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # allauth's pages (email confirmation and password reset links, sign-up) read what was
        # written a moment ago; none of them is a public page.
        if view_func.__module__.startswith("allauth."):
            read_primary()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is None or not reads.replica:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # A read inside a transaction on the primary belongs with it (e.g. a check before a write).
            reads.replica = False
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        read_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
