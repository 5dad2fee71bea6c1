"""Site-wide middleware: static files, unreadable bodies, and a readable page for 405 answers.
The anonymous page cache's middleware lives with the rest of that cache, in lawzana/page_cache.py."""

from django.core.exceptions import BadRequest
from django.http import HttpResponseNotAllowed
from django.template.loader import render_to_string
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, caching files with a content hash in their name for one year (immutable)
    rather than its default ten: a year is what HTTP caches are expected to honour (RFC 9111
    leaves more to them) and what the performance targets name (README: Performance)."""

    FOREVER = 365 * 24 * 60 * 60


class MethodNotAllowedPageMiddleware:
    """Give the empty 405 responses of Django's method decorators a readable page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


class UnreadableBodyMiddleware:
    """A form POST whose body Django will not read (encoded in anything but UTF-8) gets the
    400 page.

    Django raises BadRequest when CSRF checking first reads request.POST, then renders its
    400 page through a view that reads request.POST again, raises again, and answers 500. The
    body is read here first; when it cannot be, request.POST is left empty (as Django itself
    does after a broken multipart body), so that the 400 page renders.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only form-encoded bodies: Django reads them whole (request.body stays readable), and
        # marks a broken multipart body itself, whose stream a view may still want to read.
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            try:
                request.POST  # noqa: B018
            except BadRequest:
                request._mark_post_parse_error()
                raise
        return self.get_response(request)
