"""The Celery beat's scheduler (settings.CELERY_BEAT_SCHEDULER): celery-redbeat, which keeps the
schedule, each job's last run and a lock in Redis, so that one beat runs across every host.

One change: a job the schedule has never held runs at the beat's first tick. Celery stamps a new
entry as if it had just run, so a new deployment (or a new job) would wait a whole interval:
a day for the erasure of expired requests. Jobs already held keep their last run across
restarts (redbeat), so a restart neither delays nor repeats them.
"""

from redbeat import RedBeatScheduler
from redbeat.schedulers import RedBeatConfig, get_redis


class Config(RedBeatConfig):
    """redbeat looks for its settings under their bare names (redbeat_redis_url); Django's are
    namespaced (CELERY_REDBEAT_REDIS_URL, lawzana/celery.py). Read, they are found either way,
    but redbeat asks whether they are set to decide whether to pass the client options on (and
    to warn of falling back to the broker's): without this, the timeouts would be dropped."""

    def is_key_in_conf(self, name):
        keys = {key.upper() for key in self.app.conf}
        return name.upper() in keys or f"CELERY_{name.upper()}" in keys


def configure(app):
    """Install Config before redbeat's ensure_conf() would make its own."""
    if not isinstance(getattr(app, "redbeat_conf", None), Config):
        app.redbeat_conf = Config(app)
    return app.redbeat_conf


class Scheduler(RedBeatScheduler):
    def __init__(self, app, **kwargs):
        configure(app)
        super().__init__(app, **kwargs)

    def update_from_dict(self, dict_):
        client = get_redis(self.app)
        for name, definition in dict_.items():
            if client.exists(self.Entry.generate_key(self.app, name)):
                continue
            entry = self._maybe_entry(name, definition)
            entry.last_run_at = None  # never run: due now (RedBeatSchedulerEntry.due_at)
            entry.save()
        super().update_from_dict(dict_)
