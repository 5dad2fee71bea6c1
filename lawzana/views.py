"""Views of the site as a whole rather than of one app: the privacy notice, robots.txt, the
sitemaps, the health check for the load balancer, and the benchmark's control page."""

from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps.views import index as django_sitemap_index
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_safe
from django.views.generic import TemplateView

from . import i18n, redis_conn
from . import privacy as policy
from .page_cache import shared_page


@method_decorator(login_not_required, name="dispatch")
class PrivacyView(TemplateView):
    template_name = "privacy.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            policy_version=policy.POLICY_VERSION,
            fanout=settings.LEAD_FANOUT,
            retention_days=settings.LEAD_RETENTION_DAYS,
            webhook_retention_days=settings.WEBHOOKS_RETENTION_DAYS,
            expiry_days=settings.LEAD_EXPIRY_DAYS,
            retry_days=settings.LEAD_UNMATCHED_RETRY_DAYS,
            **kwargs,
        )


privacy = PrivacyView.as_view()


@login_not_required
@require_GET
def robots_txt(request):
    private = [f"/{settings.ADMIN_URL}", "/guides/preview/"]
    lines = [
        "User-agent: *",
        *(f"Disallow: {i18n.prefixed(path, code)}" for code, _name in settings.LANGUAGES for path in private),
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap_index')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@login_not_required
def sitemap_section(request, sitemaps, section, moved, tags=()):
    """Django's sitemap of `sitemaps[section]`, or a permanent redirect from an address in
    `moved` (an old name: its new one) to its sitemap, so that search engines given the old
    address follow it."""
    if section in moved:
        location = reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": moved[section]})
        return HttpResponsePermanentRedirect(settings.SITE_URL + location)
    return _kept_sitemap(request, lambda: django_sitemap(request, sitemaps, section=section), tags)


@login_not_required
def sitemap_index(request, sitemaps, tags=()):
    """Django's sitemap index, naming every page of each section's sitemap in each language,
    under SITE_URL: Django builds their addresses from the request's Host, which a forged
    header would rewrite."""

    def index():
        response = django_sitemap_index(request, sitemaps)
        for item in response.context_data["sitemaps"]:
            parts = urlsplit(item.location)
            item.location = settings.SITE_URL + parts.path + (f"?{parts.query}" if parts.query else "")
        return response

    return _kept_sitemap(request, index, tags)


# How long a sitemap is kept whole: at 100,000 firms the index takes seconds to count every
# section (8.7 s measured), and search engines read it a few times a day; an hour late is on time.
SITEMAP_CACHE_SECONDS = 3600


def _kept_sitemap(request, sitemap, tags):
    """A sitemap kept whole (lawzana/page_cache.py), retired by `tags` (what sitemaps list)."""

    def render():
        response = sitemap().render()
        response.page_tags = tags
        return response

    response = shared_page(request, "sitemap", render, timeout=SITEMAP_CACHE_SECONDS)
    # Django's view says it; a copy kept by another process does not carry the view's headers.
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@login_not_required
@require_GET
def healthz(request):
    """Report whether the database (and Redis, when configured) answer; 503 if not."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # any failure means "not reachable" to the load balancer
        checks["database"] = "unreachable"
    if settings.REDIS_URL:
        try:
            redis_conn.client(
                settings.REDIS_URL,
                master=settings.REDIS_SENTINEL_MASTER,
                sentinel_password=settings.REDIS_SENTINEL_PASSWORD,
                socket_connect_timeout=2,
                socket_timeout=2,
            ).ping()
            checks["redis"] = "ok"
        except redis.RedisError:
            checks["redis"] = "unreachable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@login_not_required
@require_safe
def bench_control(request):
    """The benchmark's control (bench/run.py): the full middleware stack, no database, no
    template. Pages are measured as a ratio to it, so machine speed cancels out. Routed only
    when settings.BENCH_CONTROL_PAGE is on (lawzana/urls.py)."""
    return HttpResponse("hello world", content_type="text/plain; charset=utf-8")
