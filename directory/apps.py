from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import page_tags


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.models.signals import post_delete, pre_save
        from django.urls import register_converter

        from lawzana.page_cache import retire_pages_on_change

        from .firm_slugs import CONVERTER, FirmSlugConverter, refuse_reserved_slug

        # Before any URLconf loads: /firms/<firm:slug>/ and /portal/<firm:firm_slug>/ use it.
        register_converter(FirmSlugConverter, CONVERTER)
        pre_save.connect(refuse_reserved_slug, sender=self.get_model("Firm"), dispatch_uid="firm-reserved-slug")

        # Every page shows the places' and practice areas' names (pickers, headings), which the
        # admin changes with plain saves. Firms retire their pages through firms_refresh; a
        # deleted one, here.
        for name in ("Country", "Region", "City", "PracticeArea", "Language"):
            retire_pages_on_change(self.get_model(name), (page_tags.PLACES,))
        # Legal notices too, saved by editors in the admin (a restored revision saves as well).
        retire_pages_on_change(self.get_model("Disclaimer"), (page_tags.DISCLAIMERS,))
        post_delete.connect(_firm_deleted, sender=self.get_model("Firm"), dispatch_uid="page-cache-firm-deleted")


def _firm_deleted(sender, instance, **kwargs):
    from lawzana.page_cache import retire

    from .services.firms import listing_tags

    retire(page_tags.firm(instance.pk), *listing_tags(instance.listing_state))
