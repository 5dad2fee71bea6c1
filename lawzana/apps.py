from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class LawzanaConfig(AppConfig):
    """The project package as an app: what must be registered at start-up, and the record of
    periodic jobs' runs (lawzana/jobs.py)."""

    name = "lawzana"

    def ready(self):
        from . import lookups  # noqa: F401  (registers IntegerFieldIn)


class AdminConfig(DjangoAdminConfig):
    """The admin, with the site's own AdminSite (lawzana/admin.py) as admin.site."""

    default_site = "lawzana.admin.AdminSite"
