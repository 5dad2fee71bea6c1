from datetime import UTC, datetime

from celery.schedules import crontab
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from redbeat.schedulers import RedBeatSchedulerEntry, get_redis

from lawzana.beat import configure
from lawzana.celery import app


class Command(BaseCommand):
    help = (
        "Which beat holds the lock and when each scheduled job last ran (celery-redbeat's records in "
        "the broker's Redis). Exits 1 when no beat holds the lock or a job is late by more than "
        "--late-after seconds: the health check of the beat container."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--late-after",
            type=int,
            default=300,
            help="a job this many seconds past its due time counts as late (default 300)",
        )

    def handle(self, *args, late_after, **options):
        if not settings.REDIS_URL:
            raise CommandError("No REDIS_URL: tasks run in-process and no beat runs.")
        conf = configure(app)
        client = get_redis(app)
        holder_ttl = client.pttl(conf.lock_key)
        now = datetime.now(UTC)
        problems = []
        if holder_ttl < 0:
            problems.append("no beat holds the lock")
        else:
            self.stdout.write(f"lock {conf.lock_key}: held, {holder_ttl / 1000:.0f} s left")
        for name, definition in sorted(settings.CELERY_BEAT_SCHEDULE.items()):
            try:
                entry = RedBeatSchedulerEntry.from_key(RedBeatSchedulerEntry.generate_key(app, name), app=app)
            except KeyError:
                problems.append(f"{name}: not in the schedule yet")
                continue
            due = entry.due_at
            last = entry.last_run_at.isoformat(timespec="seconds") if entry.last_run_at else "never"
            schedule = definition["schedule"]
            every = str(schedule) if isinstance(schedule, crontab) else f"every {int(schedule)} s"
            self.stdout.write(f"{name}: {every}, last run {last}")
            if due is not None and (now - due).total_seconds() > late_after:
                problems.append(f"{name}: due at {due.isoformat(timespec='seconds')}, not run")
        if problems:
            raise CommandError("; ".join(problems))
