"""The anonymous page cache: whole public pages kept for visitors without a session.

A view whose page is the same for every anonymous visitor (a landing page, a firm's profile,
a search) answers through shared_page(): the whole response is kept in the shared cache as
an entry {"generation", "expires_at", "content", "content_type", "etag", "last_modified",
"on_serve"}, valid while the content generation is the one it was rendered in and until
expires_at. shared_page_response() marks the response it builds; PageCacheMiddleware, early in
the stack, then keeps a copy in this process and answers the next such request itself, before
sessions, CSRF, authentication, URL resolution and the view.

The content generation is one number in the shared cache: bumping it retires every kept page
at once, so an edit shows on the next request. Services that change what public pages show
call content_generation_bump() (directory.services.firms.firms_refresh does, for every change to a
firm); apps whose plain saves change public pages connect their models with
retire_pages_on_change() in their AppConfig.ready().

This module knows no domain app: they call it, never the other way round (docs/architecture.md).
"""

import functools
import hashlib
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_response_headers, patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string
from django.utils.translation import get_language

CONTENT_GENERATION_KEY = "lawzana:content-generation"

# --- The content generation -----------------------------------------------------------------

# [(generation, time.monotonic() when read)]: the generation this process read last, for
# content_generation(max_age=...). Cleared by this process's own bumps.
_held_generation: list = [None]


def content_generation(*, max_age: float = 0) -> int:
    """The current generation of public content (see CONTENT_GENERATION_KEY).

    With max_age > 0, the value this process read at most max_age seconds ago is used as it
    is, without a round trip to the cache: what another process changed shows up to max_age
    seconds late (this process's own bumps show at once). Only the page cache's hits in
    PageCacheMiddleware use it, with settings.PAGE_CACHE_GENERATION_SECONDS.
    """
    held = _held_generation[0]
    if max_age > 0 and held is not None and time.monotonic() - held[1] < max_age:
        return held[0]
    generation = cache.get(CONTENT_GENERATION_KEY)
    if generation is None:
        # A new, random number (not 0): a lost key must not bring back old pages.
        cache.add(CONTENT_GENERATION_KEY, secrets.randbits(62), timeout=None)
        generation = cache.get(CONTENT_GENERATION_KEY, 0)
    _held_generation[0] = (generation, time.monotonic())
    return generation


def forget_held_generation() -> None:
    """Make this process read the generation from the shared cache at its next use, as if
    it had just started (tests that move the clock begin and end with it)."""
    _held_generation[0] = None


def content_generation_bump() -> None:
    """Retire every cached public page: now, and again once the caller's transaction commits.

    The second bump matters: a request served between the first bump and the commit still
    reads the old rows and may cache them under the new generation.
    """
    _bump_generation()
    transaction.on_commit(_bump_generation)


def _bump_generation() -> None:
    forget_held_generation()
    try:
        cache.incr(CONTENT_GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): start a fresh one
        cache.set(CONTENT_GENERATION_KEY, secrets.randbits(62), timeout=None)


def _retire_pages(sender, **kwargs):
    content_generation_bump()


def retire_pages_on_change(*models) -> None:
    """Retire every cached public page whenever a row of one of `models` is saved or deleted.

    For models whose plain saves change what public pages show (a renamed city, a guide
    edited in the admin). Call it from the owning app's AppConfig.ready(), so that it is
    connected once, in every process, before any request.
    """
    for model in models:
        label = model._meta.label
        post_save.connect(_retire_pages, sender=model, dispatch_uid=f"page-cache-retire-save-{label}")
        post_delete.connect(_retire_pages, sender=model, dispatch_uid=f"page-cache-retire-delete-{label}")


# --- Pages kept whole -----------------------------------------------------------------------


def is_shareable_request(request) -> bool:
    """A GET or HEAD from a visitor with no session and no pending messages: anonymous, and
    shown what every anonymous visitor is shown."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def shared_page_response(request, entry, *, headers=()):
    """The response for a cached page entry: 304 when the visitor's ETag or date still matches.
    `headers` are those the rest of the stack added when the page was rendered."""
    response = HttpResponse(entry["content"], content_type=entry["content_type"])
    for name, value in headers:
        response.headers[name] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    # Browsers revalidate every time (a cheap 304), so an edit shows on the next visit.
    patch_response_headers(response, cache_timeout=0)
    patch_vary_headers(response, ["Cookie"])  # signed-in visitors get their own page
    response.shared_page_entry = entry
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )


# How long one request may hold the right to render an out-of-date page again; if it dies
# meanwhile, the next request after that renders it.
RENDER_LOCK_SECONDS = 10


def shared_page(request, key_prefix, render, *, timeout):
    """The page render() returns, kept whole for anonymous visitors.

    For a visitor with no session, a 200 from render() is kept per language, path and query
    string while the content generation is the one it was rendered in, for at most `timeout`
    seconds; the response may shorten that with a `shared_page_seconds` attribute (a guide
    scheduled to go live). Signed-in visitors, and responses other than a 200, get render()'s
    response as it is.

    A response may carry `shared_page_on_serve = (dotted path, args)`: that function is
    called as f(request, *args) each time the kept page is served again, here or by
    PageCacheMiddleware (a view counter); render() does its own counting.

    When a kept page is out of date, one request renders it again; visitors asking for it
    meanwhile, in any process, get the page as it was instead of rendering it too.
    """
    if not is_shareable_request(request) or request.user.is_authenticated:
        return render()
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"{key_prefix}:{get_language()}:{digest}"
    generation = content_generation()
    entry = cache.get(key)
    if entry is not None and entry["generation"] == generation and entry["expires_at"] > time.time():
        _on_serve(request, entry)
        return shared_page_response(request, entry)
    if entry is None:
        return _render_and_keep(request, key, generation, render, timeout)
    # Why: every content change retires every kept page at once; without this, each popular
    # page would be rendered by every request that arrives while its first render runs.
    lock = f"{key}:rendering"
    if not cache.add(lock, 1, RENDER_LOCK_SECONDS):
        _on_serve(request, entry)
        return shared_page_response(request, entry)
    try:
        response = _render_and_keep(request, key, generation, render, timeout)
    except Http404:
        cache.delete(key)  # gone since (a city renamed): once a render says so, for everyone
        raise
    else:
        if response.status_code != 200:
            cache.delete(key)
        return response
    finally:
        cache.delete(lock)


def _render_and_keep(request, key, generation, render, timeout):
    response = render()
    if response.status_code != 200:
        return response
    timeout = max(1, min(timeout, getattr(response, "shared_page_seconds", timeout)))
    entry = {
        "generation": generation,
        "expires_at": time.time() + timeout,
        "content": response.content,
        "content_type": response["Content-Type"],
        "etag": f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
        "last_modified": int(timezone.now().timestamp()),
        "on_serve": getattr(response, "shared_page_on_serve", None),
    }
    cache.set(key, entry, timeout)
    return shared_page_response(request, entry)


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


# Headers of the rendered response that are not replayed: computed again for each answer, or
# never part of a shared page.
_NOT_REPLAYED = frozenset({"content-length", "date", "expires", "set-cookie"})


class PageCacheMiddleware:
    """Answer anonymous requests for pages kept by shared_page_response() from this process's
    copy, before the session, locale, CSRF, authentication and login middleware and the URL
    resolver run: a hit costs a dictionary lookup.

    It goes right after SecurityMiddleware and WhiteNoise. Only responses a view marked are
    kept, only when they reach it as a 200 without cookies, with the headers the rest of the
    stack added (Vary, Content-Language, X-Frame-Options...). A copy is used while the
    content generation is the one it was rendered in; this process reads the generation at
    most every settings.PAGE_CACHE_GENERATION_SECONDS (see content_generation), so an edit
    made in another process shows at most that late, and an edit made here shows at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.pages = _RecentPages(size=100)  # a few MB per process at most

    def __call__(self, request):
        if not is_shareable_request(request):
            return self.get_response(request)
        key = request.get_full_path()
        entry = self.pages.get(key)
        # Like the shared copy, a copy counts only for the generation it was rendered in and
        # until it expires.
        if (
            entry is not None
            and entry["expires_at"] > time.time()
            and entry["generation"] == content_generation(max_age=settings.PAGE_CACHE_GENERATION_SECONDS)
        ):
            request.get_host()  # a forged Host still gets its 400 (DisallowedHost)
            _on_serve(request, entry)
            return shared_page_response(request, entry, headers=entry["headers"])
        response = self.get_response(request)
        entry = getattr(response, "shared_page_entry", None)
        if entry is not None and response.status_code == 200 and not response.cookies:
            headers = tuple((name, value) for name, value in response.items() if name.lower() not in _NOT_REPLAYED)
            self.pages.put(key, {**entry, "headers": headers})
        return response
