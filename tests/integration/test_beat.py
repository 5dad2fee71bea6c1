"""One beat across hosts (lawzana/beat.py, celery-redbeat): real `celery beat` processes on a
Redis database of their own, publishing into the housekeeping queue with no worker to take the
messages, so that the queue shows exactly what was sent."""

import collections
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BEAT_DB = 11  # not the suite's broker (0), cache (1) or rate limits (2)
LOOP_INTERVAL, LOCK_TIMEOUT = 1, 4  # production: 10 and 60 (lawzana/settings.py)


@pytest.fixture
def beat_redis(services):
    url = settings.REDIS_URL.rsplit("/", 1)[0] + f"/{BEAT_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url, client
    client.flushdb()


@pytest.fixture
def start_beat(beat_redis, tmp_path):
    url, _client = beat_redis
    started = []

    def start():
        log = tmp_path / f"beat-{len(started)}.log"
        env = {
            **os.environ,
            "REDIS_URL": url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'beat.sqlite3'}",
            "CELERY_REDBEAT_LOCK_TIMEOUT": str(LOCK_TIMEOUT),
            "CELERY_BEAT_MAX_LOOP_INTERVAL": str(LOOP_INTERVAL),
            "LOG_FORMAT": "plain",
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "lawzana", "beat", "--loglevel=INFO"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        process.log = log
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def holds_lock(process) -> bool:
    return "beat: Acquired lock" in process.log.read_text()


def sent(client) -> collections.Counter:
    """The tasks waiting in the housekeeping queue, by name."""
    return collections.Counter(json.loads(raw)["headers"]["task"] for raw in client.lrange("housekeeping", 0, -1))


SCHEDULED = collections.Counter(entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values())


def test_of_two_beats_one_sends_the_jobs_and_the_other_takes_over_when_it_dies(beat_redis, start_beat):
    _url, client = beat_redis
    first, second = start_beat(), start_beat()

    assert wait_for(lambda: holds_lock(first) or holds_lock(second), timeout=30)
    holder, standby = (first, second) if holds_lock(first) else (second, first)
    # Jobs never run before are due at once: not an interval after the first start.
    assert wait_for(lambda: sent(client) == SCHEDULED, timeout=10), sent(client)
    time.sleep(2)
    assert not holds_lock(standby)
    assert sent(client) == SCHEDULED  # each job once, not once per beat

    holder.send_signal(signal.SIGKILL)  # a host lost: its lock is never released
    holder.wait(10)

    # The lock expires after LOCK_TIMEOUT; the standby polls for it every max loop interval.
    assert wait_for(lambda: holds_lock(standby), timeout=LOCK_TIMEOUT + LOOP_INTERVAL + 10)
    time.sleep(2)
    # It carries on from the jobs' last runs: nothing is sent again for the hand-over.
    assert sent(client) == SCHEDULED


def test_a_restarted_beat_keeps_the_schedule_and_sends_nothing_twice(beat_redis, start_beat):
    _url, client = beat_redis
    beat = start_beat()
    assert wait_for(lambda: sent(client) == SCHEDULED, timeout=30), sent(client)
    beat.send_signal(signal.SIGTERM)
    assert beat.wait(15) == 0
    assert "beat: Releasing lock" in beat.log.read_text()

    again = start_beat()

    assert wait_for(lambda: holds_lock(again), timeout=30)
    time.sleep(LOCK_TIMEOUT + 1)  # past a lock's life: the beat renews its own
    assert again.poll() is None, again.log.read_text()
    assert sent(client) == SCHEDULED
    # A daily job whose time came while the beat was down runs at once when it is back.
    key = f"{settings.CELERY_REDBEAT_KEY_PREFIX}leads-erase-expired"
    meta = json.loads(client.hget(key, "meta"))
    meta["last_run_at"]["__type__"] = "datetime"
    assert meta["last_run_at"]["year"]
    meta["last_run_at"]["year"] -= 1
    client.hset(key, "meta", json.dumps(meta))
    client.zadd(f"{settings.CELERY_REDBEAT_KEY_PREFIX}:schedule", {key: 0})
    assert wait_for(lambda: sent(client)["intake.tasks.leads_erase_expired"] == 2, timeout=LOOP_INTERVAL + 10), (
        again.log.read_text()
    )


def test_beat_status_says_whether_a_beat_holds_the_lock_and_when_each_job_last_ran(beat_redis, start_beat, tmp_path):
    url, client = beat_redis

    def beat_status():
        env = {**os.environ, "REDIS_URL": url, "DATABASE_URL": f"sqlite:///{tmp_path / 'beat.sqlite3'}"}
        return subprocess.run(
            [sys.executable, "manage.py", "beat_status"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )

    nobody = beat_status()
    start_beat()
    assert wait_for(lambda: sent(client) == SCHEDULED, timeout=30)
    running = beat_status()

    assert nobody.returncode == 1 and "no beat holds the lock" in nobody.stderr
    assert running.returncode == 0, running.stderr
    assert "held" in running.stdout and "matches-sweep: every 60 s, last run 20" in running.stdout
