from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from guides.sitemaps import SITEMAPS
from guides.views import healthz, robots_txt
from intake.views import privacy
from lawzana.views import bench_control

admin.site.site_header = _("Lawzana administration")
admin.site.site_title = _("Lawzana admin")
admin.site.index_title = _("Guides, places and practice areas")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The benchmark's control page (bench/run.py): "hello world" through the middleware stack.
    path("bench/hello", bench_control, name="bench_control"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]

# English keeps unprefixed URLs; Simplified Chinese will live under /zh-hans/ once it ships.
urlpatterns += i18n_patterns(
    path("", include("directory.urls")),
    path("", include("guides.urls")),
    path("", include("intake.urls")),
    path("privacy/", privacy, name="privacy"),
    prefix_default_language=False,
)
