from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Requests and matching")

    def ready(self):
        # Services publish tasks by name (lawzana/queue.py): register them in every process.
        from . import tasks  # noqa: F401
