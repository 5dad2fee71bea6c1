from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.models.signals import pre_save
        from django.urls import register_converter

        from lawzana.page_cache import retire_pages_on_change

        from .firm_slugs import CONVERTER, FirmSlugConverter, refuse_reserved_slug

        # Before any URLconf loads: /firms/<firm:slug>/ and /portal/<firm:firm_slug>/ use it.
        register_converter(FirmSlugConverter, CONVERTER)
        pre_save.connect(refuse_reserved_slug, sender=self.get_model("Firm"), dispatch_uid="firm-reserved-slug")

        # Landing pages, profiles and pickers show the places' and practice areas' names,
        # which the admin changes with plain saves. Firms retire pages through firms_refresh.
        retire_pages_on_change(
            self.get_model("Country"),
            self.get_model("Region"),
            self.get_model("City"),
            self.get_model("PracticeArea"),
        )
