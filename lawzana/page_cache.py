"""The anonymous page cache: whole public pages kept for visitors without a session, retired by
what they show.

A view whose page is the same for every anonymous visitor (a landing page, a firm's profile,
a search) answers through shared_page(): the whole response is kept in the shared cache as
an entry {"tags", "rendered_at", "expires_at", "content", "content_type", "etag",
"last_modified", "on_serve"}. shared_page_response() marks the response it builds;
PageCacheMiddleware, early in the stack, then keeps a copy in this process and answers the next
such request itself, before sessions, CSRF, authentication, URL resolution and the view.

Tags say what a page shows: the view names them on its response (`response.page_tags`, for
example "firm:12" for each firm card, "places" for the names of cities and practice areas).
retire(*tags) records in the shared cache when each tag last changed; a kept page counts only
while every one of its tags last changed before its render began, and for at most its timeout.
So a firm's edit retires the pages that show that firm, and no other. The domain apps name
their tags (directory/page_tags.py, guides/page_tags.py) and retire them from their services or,
for plain saves, with retire_pages_on_change() in their AppConfig.ready().

Anonymous answers also tell shared caches (nginx, a CDN) they may keep them: `s-maxage` and
`stale-while-revalidate` in Cache-Control, no Vary (the language is in the URL), and the tags in
a Surrogate-Key header. After a commit that retired tags, the function named by
settings.PAGE_CACHE_PURGE receives them, to purge a CDN by tag.

This module knows no domain app: they call it, never the other way round (docs/architecture.md).
"""

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.module_loading import import_string
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# The shared cache's record of a tag: time.time() when it was last retired.
TAG_KEY = "page-tag:{}"

# Every kept page carries it: retire(SITE) retires them all (manage.py pages_retire).
SITE = "site"

# --- Tags -----------------------------------------------------------------------------------

# {tag: (when it was last retired, time.monotonic() when this process read that)}, for
# retired_at(max_age=...). This process's own retirements drop their tags from it.
_held: dict[str, tuple[float, float]] = {}
# Past this many tags (a firm each, at 100,000 firms) it starts again empty: what it holds is
# only worth PAGE_CACHE_HOLD_SECONDS, and a web process must not grow with the directory.
HELD_TAGS_MAX = 20_000


def retired_at(tags: Iterable[str], *, max_age: float = 0) -> dict[str, float]:
    """When each tag was last retired (a time.time() value), in one round trip to the cache.

    With max_age > 0, a value this process read at most max_age seconds ago is used as it
    is: a retirement made by another process shows up to max_age seconds late (this process's
    own show at once). Only PageCacheMiddleware's hits use it (settings.PAGE_CACHE_HOLD_SECONDS).
    A tag the cache has no record of (never retired, or evicted) counts as retired now, so that a
    lost record can never bring an old page back.
    """
    now = time.monotonic()
    found: dict[str, float] = {}
    wanted = []
    for tag in tags:
        held = _held.get(tag)
        if max_age > 0 and held is not None and now - held[1] < max_age:
            found[tag] = held[0]
        else:
            wanted.append(tag)
    if wanted:
        if len(_held) > HELD_TAGS_MAX:
            _held.clear()
        keys = {TAG_KEY.format(tag): tag for tag in wanted}
        stored = cache.get_many(keys)
        for key, tag in keys.items():
            stamp = stored.get(key)
            if stamp is None:
                stamp = time.time()
                cache.add(key, stamp, timeout=None)
            found[tag] = stamp
            _held[tag] = (stamp, now)
    return found


def _first_sight(tags, stamp: float) -> None:
    """Record tags the cache does not know yet as retired at `stamp`, just before the render
    that first shows them began: the page they tag counts from its first render (a tag never
    recorded counts as retired now otherwise, see retired_at)."""
    keys = {TAG_KEY.format(tag): tag for tag in tags}
    known = cache.get_many(keys)
    now = time.monotonic()
    for key, tag in keys.items():
        if key not in known:
            cache.add(key, stamp, timeout=None)
        _held[tag] = (known.get(key, stamp), now)


def forget_held_tags() -> None:
    """Make this process read every tag from the shared cache at its next use, as if it had
    just started (tests that move the clock begin and end with it)."""
    _held.clear()


def tag_stamp(tag: str) -> float:
    """When `tag` was last retired: a key for what a process keeps derived from it (the
    pickers' options, the suggestions' words)."""
    return retired_at([tag])[tag]


def retire(*tags: str) -> None:
    """Retire every kept page that shows one of `tags`: now, and again once the caller's
    transaction commits; then hand the tags to settings.PAGE_CACHE_PURGE.

    The second time matters: a page rendered between the first and the commit still reads
    the old rows; it began before the second, so it does not count.
    """
    tags = frozenset(tags)
    if not tags:
        return
    _stamp(tags)
    transaction.on_commit(functools.partial(_committed, tags))


def _stamp(tags) -> None:
    now = time.time()
    for tag in tags:
        _held.pop(tag, None)
    cache.set_many({TAG_KEY.format(tag): now for tag in tags}, timeout=None)


def _committed(tags) -> None:
    _stamp(tags)
    if settings.PAGE_CACHE_PURGE:
        try:
            _hook(settings.PAGE_CACHE_PURGE)(sorted(tags))
        except Exception:  # a CDN that is down must not undo an edit that is already saved
            logger.exception("page cache purge hook failed for %d tags", len(tags))


def retire_pages_on_change(model, tags) -> None:
    """Retire pages whenever a row of `model` is saved or deleted: `tags` is a tuple of tags, or
    a function of the row that returns them.

    For models whose plain saves change what public pages show (a renamed city, a guide
    edited in the admin). Call it from the owning app's AppConfig.ready(), so that it is
    connected once, in every process, before any request.
    """

    def _retire(sender, instance, **kwargs):
        retire(*(tags(instance) if callable(tags) else tags))

    label = model._meta.label
    post_save.connect(_retire, sender=model, weak=False, dispatch_uid=f"page-cache-retire-save-{label}")
    post_delete.connect(_retire, sender=model, weak=False, dispatch_uid=f"page-cache-retire-delete-{label}")


# --- Pages kept whole -----------------------------------------------------------------------


def is_shareable_request(request) -> bool:
    """A GET or HEAD from a visitor with no session and no pending messages: anonymous, and
    shown what every anonymous visitor is shown."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def is_current(entry, *, max_age: float = 0) -> bool:
    """Whether a kept page may still be served: not expired, and none of its tags retired since
    its render began (less settings.PAGE_CACHE_CLOCK_MARGIN, for hosts whose clocks differ)."""
    if entry["expires_at"] <= time.time():
        return False
    began = entry["rendered_at"] - settings.PAGE_CACHE_CLOCK_MARGIN
    return all(stamp < began for stamp in retired_at(entry["tags"], max_age=max_age).values())


def shared_page_response(request, entry, *, state, headers=()):
    """The response for a kept page: 304 when the visitor's ETag or date still matches.
    `headers` are those the rest of the stack added when the page was rendered; `state` says
    how it was answered (X-Page-Cache: hit, stale or miss; None with the page cache off)."""
    response = HttpResponse(entry["content"], content_type=entry["content_type"])
    for name, value in headers:
        response.headers[name] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    # Browsers revalidate every time (a cheap 304), so an edit shows on the next visit; shared
    # caches may keep it a little, and serve it stale while they fetch it again or while the
    # site is down. Never longer than the page itself may be kept.
    shared = max(0, min(settings.PAGE_CACHE_SHARED_SECONDS, int(entry["expires_at"] - time.time())))
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={shared}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}, "
        f"stale-if-error={settings.PAGE_CACHE_STALE_IF_ERROR_SECONDS}"
    )
    if settings.PAGE_CACHE_TAG_HEADER:
        response[settings.PAGE_CACHE_TAG_HEADER] = " ".join(entry["tags"])
    if state is not None:
        response["X-Page-Cache"] = state
    answer = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )
    answer.shared_page_entry = entry
    return answer


# How long one request may hold the right to render an out-of-date page again; if it dies
# meanwhile, the next request after that renders it.
RENDER_LOCK_SECONDS = 10


def shared_page(request, key_prefix, render, *, timeout):
    """The page render() returns, kept whole for anonymous visitors.

    For a visitor with no session, a 200 from render() is kept per language, path and query
    string until one of the tags it names in `response.page_tags` is retired (see retire()),
    for at most `timeout` seconds; the response may shorten that with a `shared_page_seconds`
    attribute (a guide scheduled to go live). Signed-in visitors, and responses other than a
    200, get render()'s response as it is.

    A response may carry `shared_page_on_serve = (dotted path, args)`: that function is
    called as f(request, *args) each time the kept page is served again, here or by
    PageCacheMiddleware (a view counter); render() does its own counting.

    When a kept page is out of date, one request renders it again; visitors asking for it
    meanwhile, in any process, get the page as it was instead of rendering it too.
    """
    if not is_shareable_request(request) or request.user.is_authenticated:
        return render()
    if not settings.PAGE_CACHE_ENABLED:
        # Rendered, kept nowhere, with the headers that let nginx keep it and ask with its ETag.
        return _render_and_keep(request, None, render, timeout)
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"{key_prefix}:{get_language()}:{digest}"
    entry = cache.get(key)
    if entry is not None and is_current(entry):
        _on_serve(request, entry)
        return shared_page_response(request, entry, state="hit")
    if entry is None:
        return _render_and_keep(request, key, render, timeout)
    # Why: a retired tag retires every page that shows it at once; without this, each popular
    # page would be rendered by every request that arrives while its first render runs.
    lock = f"{key}:rendering"
    if not cache.add(lock, 1, RENDER_LOCK_SECONDS):
        _on_serve(request, entry)
        return shared_page_response(request, entry, state="stale")
    try:
        response = _render_and_keep(request, key, render, timeout)
    except Http404:
        cache.delete(key)  # gone since (a city renamed): once a render says so, for everyone
        raise
    else:
        if response.status_code not in (200, 304):
            cache.delete(key)
        return response
    finally:
        cache.delete(lock)


def _render_and_keep(request, key, render, timeout):
    rendered_at = time.time()
    response = render()
    if response.status_code != 200:
        return response
    timeout = max(1, min(timeout, getattr(response, "shared_page_seconds", timeout)))
    tags = tuple(sorted({SITE, *getattr(response, "page_tags", ())}))
    # A tiny step before the render (and the clock margin) began, so this page counts.
    if key is not None:
        _first_sight(tags, rendered_at - settings.PAGE_CACHE_CLOCK_MARGIN - 0.001)
    entry = {
        "tags": tags,
        "rendered_at": rendered_at,
        "expires_at": time.time() + timeout,
        "content": response.content,
        "content_type": response["Content-Type"],
        "etag": f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
        "last_modified": int(timezone.now().timestamp()),
        "on_serve": getattr(response, "shared_page_on_serve", None),
    }
    if key is None:  # PAGE_CACHE_ENABLED off
        return shared_page_response(request, entry, state=None)
    cache.set(key, entry, timeout)
    return shared_page_response(request, entry, state="miss")


@functools.cache
def _hook(path):
    return import_string(path)


def _on_serve(request, entry):
    if entry.get("on_serve"):
        path, args = entry["on_serve"]
        _hook(path)(request, *args)


class _RecentPages:
    """The shared pages this process served last, as a small LRU of entries with the headers
    to replay."""

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


# Headers of the rendered response that are not replayed: computed again for each answer
# (shared_page_response), or never part of a shared page.
_NOT_REPLAYED = frozenset(
    {
        "content-length",
        "date",
        "expires",
        "set-cookie",
        "vary",
        "cache-control",
        "etag",
        "last-modified",
        "x-page-cache",
    }
)


class PageCacheMiddleware:
    """Answer anonymous requests for pages kept by shared_page_response() from this process's
    copy, before the session, locale, CSRF, authentication and login middleware and the URL
    resolver run: a hit costs a dictionary lookup and, at most every
    settings.PAGE_CACHE_HOLD_SECONDS, one read of its tags.

    It goes right after SecurityMiddleware and WhiteNoise. Only responses a view marked are
    kept, only when they reach it as a 200 without cookies, with the headers the rest of the
    stack added (Content-Language, X-Frame-Options...). A copy is used while none of its tags
    was retired since it was rendered (see is_current): an edit made in another process shows
    at most PAGE_CACHE_HOLD_SECONDS late, an edit made here at once.

    Every answer for a kept page leaves here without Vary: it is the same for every visitor
    without a session whatever their cookies or Accept-Language say (the language is in the
    URL), and a Vary: Cookie would keep shared caches from storing it. Visitors with a session
    never get it (is_shareable_request); shared caches must pass them through (deploy/).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.pages = _RecentPages(size=100)  # a few MB per process at most

    def __call__(self, request):
        if not is_shareable_request(request):
            response = self.get_response(request)
            # A page for one visitor: no shared cache may keep it, whatever it was told about
            # the anonymous page at the same address.
            if "Cache-Control" not in response:
                response["Cache-Control"] = "private, no-cache"
            return response
        if not settings.PAGE_CACHE_ENABLED:
            return self.get_response(request)
        key = request.get_full_path()
        entry = self.pages.get(key)
        if entry is not None and is_current(entry, max_age=settings.PAGE_CACHE_HOLD_SECONDS):
            request.get_host()  # a forged Host still gets its 400 (DisallowedHost)
            _on_serve(request, entry)
            response = shared_page_response(request, entry, state="hit", headers=entry["headers"])
        else:
            response = self.get_response(request)
            entry = getattr(response, "shared_page_entry", None)
            if entry is not None and response.status_code == 200 and not response.cookies:
                skip = _NOT_REPLAYED | {(settings.PAGE_CACHE_TAG_HEADER or "").lower()}
                headers = tuple((name, value) for name, value in response.items() if name.lower() not in skip)
                self.pages.put(key, {**entry, "headers": headers})
        if getattr(response, "shared_page_entry", None) is not None:
            del response["Vary"]
        return response
