from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """The admin, with the site's own AdminSite (lawzana/admin.py) as admin.site."""

    default_site = "lawzana.admin.AdminSite"
