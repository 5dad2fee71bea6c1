from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from accounts import views as accounts_views
from api.urls import not_found as api_not_found
from guides.sitemaps import MOVED_SITEMAPS, SITEMAP_TAGS, SITEMAPS
from lawzana.security import csp_report
from lawzana.views import bench_control, healthz, privacy, robots_txt, sitemap_index, sitemap_section

# The admin's own login form would skip allauth's rate limits and second factor (A7).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Lawzana administration")
admin.site.site_title = _("Lawzana admin")
admin.site.index_title = _("Guides, places and practice areas")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("csp-report/", csp_report, name="csp_report"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # One index naming one sitemap per section and language (sitemap-firms-zh-hans.xml), each
    # paginated (?p=2); the sections' old addresses redirect (lawzana/views.py).
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS, "tags": SITEMAP_TAGS}, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemap_section,
        {"sitemaps": SITEMAPS, "moved": MOVED_SITEMAPS, "tags": SITEMAP_TAGS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    # Firms' read-only API (api/): for programs, so outside the language prefixes below.
    path("api/v1/", include("api.urls")),
]
if settings.BENCH_CONTROL_PAGE:
    # The benchmark's control page (bench/run.py): "hello world" through the middleware stack.
    urlpatterns.append(path("bench/hello", bench_control, name="bench_control"))

# Every page a person reads carries its language in its URL: English unprefixed, Simplified
# Chinese under /zh-hans/, whatever a cookie or Accept-Language says (lawzana/i18n.py).
urlpatterns += i18n_patterns(
    path(settings.ADMIN_URL, admin.site.urls),
    # Ours first: the same sign-in page, answering 429 when an account is rate-limited.
    path("accounts/login/", accounts_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("", include("directory.urls")),
    path("", include("guides.urls")),
    path("", include("intake.urls")),
    path("privacy/", privacy, name="privacy"),
    path("portal/", include("portal.urls")),
    prefix_default_language=False,
)


def page_not_found(request, exception):
    # Nothing under /api/ is a page for people: a program that asks for an address there that
    # names nothing gets the API's JSON 404. The site's page stays for every other address,
    # /zh-hans/api/... included.
    if request.path_info.startswith("/api/"):
        return api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


handler404 = page_not_found
