from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # Intake cannot import this app (import layers, pyproject.toml): it announces its events
        # with signals, and the outbox rows are written here, in the event's transaction.
        from intake import events

        from . import services, tasks  # noqa: F401  (tasks: registered in every process)

        events.match_event.connect(services.on_match_event, dispatch_uid="webhooks.on_match_event")
        events.lead_erased.connect(services.on_lead_erased, dispatch_uid="webhooks.on_lead_erased")
