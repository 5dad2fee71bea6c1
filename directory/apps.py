from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from lawzana.page_cache import retire_pages_on_change

        # Landing pages, profiles and pickers show the places' and practice areas' names,
        # which the admin changes with plain saves. Firms retire pages through firms_refresh.
        retire_pages_on_change(
            self.get_model("Country"),
            self.get_model("Region"),
            self.get_model("City"),
            self.get_model("PracticeArea"),
        )
