from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = _("Guides")

    def ready(self):
        from lawzana.page_cache import retire_pages_on_change

        # Services publish tasks by name (lawzana/queue.py): register them in every process.
        from . import tasks  # noqa: F401

        # A guide's save or deletion (the admin, a restored revision, publishing) changes its
        # landing page in every language (one shows it, the others point to it).
        retire_pages_on_change(self.get_model("Guide"), lambda guide: guide_page_tags(guide))


def guide_page_tags(guide):
    from . import page_tags

    return (page_tags.guide_page(guide.city_id, guide.practice_area_id), page_tags.guide(guide.pk), page_tags.GUIDES)
