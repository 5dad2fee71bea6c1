"""Fault injection against real services (docs/reliability.md F1, F2, F3, F5, F6).

Each test gets its own redis-server process on a free port (which it may stop, restart or
flush), Celery worker processes in their own process groups (which it may kill), and an SMTP
server that accepts, refuses or holds messages on cue. The machine's shared Redis is never
stopped or flushed. The in-process Celery app publishes to the test's own Redis for the
duration of the test.

Like tests/integration, these need PostgreSQL and Redis (the `services` fixture): skipped on a
laptop without them, failed under CI=true. Every process a test starts is stopped by the
fixture's finalizer, failure or not; the rows go with transactional_db's flush.
"""

import asyncio
import contextlib
import email
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# `services` is the integration tests' fixture: it skips (or fails under CI) without PostgreSQL and Redis.
from tests.integration.conftest import _unavailable, services, wait_for  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
HOLD = "hold"  # an answer in Mailbox.answers: keep the client waiting inside DATA
# The portal link in a firm's notice names the match: /portal/<firm>/requests/<public_id>/.
MATCH_LINK = re.compile(r"/requests/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Redis ---------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server process of the test's own; stop() and start() keep the same port."""

    def __init__(self, directory: Path, *, appendonly: bool = False):
        self.port = free_port()
        self.directory = directory
        self.appendonly = appendonly
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "always",
             "--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        if not wait_for(self.is_up, timeout=10, interval=0.05):
            raise RuntimeError(f"redis-server did not start on port {self.port}; see {self.directory}")

    def is_up(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return False

    def stop(self):
        """Shut the server down as `docker stop` would (SIGTERM; SIGKILL if it lingers)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def flushall(self):
        import redis

        redis.Redis.from_url(self.url, socket_timeout=2).flushall()

    def queue_length(self, queue: str, db: int = 0) -> int:
        import redis

        return redis.Redis.from_url(f"{self.url}/{db}", socket_timeout=2).llen(queue)


def _reset_publisher(app):
    # Connections and producers are pooled per app: drop them so the next publish connects
    # to the broker the configuration names now.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_options():
    """Options for the test's Redis; a test parametrizes it, e.g. {"appendonly": True}."""
    return {}


@pytest.fixture
def redis_server(request, tmp_path, redis_options):
    request.getfixturevalue("services")
    if shutil.which("redis-server") is None:
        _unavailable("needs the redis-server binary to start a Redis of the test's own")
    server = RedisServer(tmp_path, **redis_options)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """Point this process's Celery publisher at the test's own Redis (database 0)."""
    from lawzana.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = f"{redis_server.url}/0"
    _reset_publisher(app)
    yield redis_server
    app.conf.broker_url = original
    _reset_publisher(app)


# --- SMTP ----------------------------------------------------------------------------------------


class Mailbox:
    """An SMTP server's handler that records every DATA attempt and what it answered.

    `answers[recipient]` is a list of answers to give, in turn, to messages for that recipient
    before accepting them: an SMTP reply such as "451 4.3.0 Try again later", or HOLD, which
    keeps the sender waiting inside DATA (`holding` is set) until `release` is set, then
    answers `release_answer`.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.answers: dict[str, list[str]] = {}
        self.attempts: list[dict] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        self.release_answer = "421 4.4.2 Connection dropped"
        self.port = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        match_id = None
        message = email.message_from_bytes(envelope.content)
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                found = MATCH_LINK.search(part.get_payload(decode=True).decode("utf-8", "replace"))
                match_id = match_id or (found and found.group(1))
        attempt = {"to": tuple(envelope.rcpt_tos), "match": match_id, "answer": "250 OK", "at": time.monotonic()}
        with self.lock:
            for recipient in envelope.rcpt_tos:
                if self.answers.get(recipient):
                    attempt["answer"] = self.answers[recipient].pop(0)
                    break
            self.attempts.append(attempt)
        if attempt["answer"] == HOLD:
            # Recorded as HOLD until released: if the sender's connection drops meanwhile,
            # aiosmtpd cancels this handler and the attempt stays unanswered.
            self.holding.set()
            deadline = time.monotonic() + 60
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            with self.lock:
                attempt["answer"] = self.release_answer
        return attempt["answer"]

    def delivered(self) -> list[dict]:
        with self.lock:
            return [a for a in self.attempts if a["answer"].startswith("250")]

    def notices_per_match(self) -> Counter:
        """How many firm notices were accepted for each match (by its public id)."""
        return Counter(str(a["match"]) for a in self.delivered() if a["match"])

    def attempts_for(self, recipient) -> list[dict]:
        with self.lock:
            return [a for a in self.attempts if recipient in a["to"]]


@pytest.fixture
def mailbox():
    from aiosmtpd.controller import Controller

    handler = Mailbox()
    handler.port = free_port()  # aiosmtpd checks it is up by connecting to its own port
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    handler.release.set()  # never leave a held handler behind
    controller.stop()


# --- Celery workers ------------------------------------------------------------------------------


class Worker:
    """`celery worker` (prefork, one child) in a process group of its own."""

    def __init__(self, env: dict, log: Path):
        self.name = f"fault-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        self.log_path = log
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lawzana", "worker", "--pool=prefork", "--concurrency=1",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", self.name],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout=30.0):
        from lawzana.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the Celery worker exited early; see {self.log_path}")
            with contextlib.suppress(Exception):  # the broker may still be coming back
                if app.control.ping(destination=[self.name], timeout=0.5):
                    return
            time.sleep(0.2)
        pytest.fail(f"the Celery worker did not answer within {timeout:.0f} s; see {self.log_path}")

    def pool_children(self) -> list[int]:
        out = subprocess.run(["ps", "--ppid", str(self.pid), "-o", "pid="], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def kill_group(self, sig=signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)

    def wait_exit(self, timeout) -> bool:
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self):
        if self.process.poll() is None:
            self.kill_group(signal.SIGTERM)
            if not self.wait_exit(15):
                self.kill_group(signal.SIGKILL)
                self.wait_exit(5)
        # Pool children left behind by a killed main process.
        self.kill_group(signal.SIGKILL)
        self.log.close()


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    )


LEASE_SECONDS = 4  # the delivery lease in these tests: long enough for one send, short to wait out


@pytest.fixture
def fault_settings(settings):
    """What the test process and its workers share: requests need no email confirmation
    (unless a test says otherwise), retries and the lease are short."""
    settings.LEAD_EMAIL_CONFIRMATION = False
    settings.LEAD_FANOUT = 3
    settings.MATCH_DELIVERY_LEASE_SECONDS = LEASE_SECONDS
    settings.MATCH_DELIVERY_RETRY_BASE_SECONDS = 1
    return settings


@pytest.fixture
def start_worker(transactional_db, broker, mailbox, fault_settings, tmp_path):
    """Start workers on the test database, the test's Redis and the mailbox; all stopped at
    the end (before transactional_db flushes the tables they use)."""
    started = []

    def start(**extra_env) -> Worker:
        env = {
            **os.environ,
            "DJANGO_ENV": "development",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": f"{broker.url}/0",
            "REDIS_CACHE_URL": f"{broker.url}/1",
            "EMAIL_URL": f"smtp://127.0.0.1:{mailbox.port}",
            "LEAD_EMAIL_CONFIRMATION": str(fault_settings.LEAD_EMAIL_CONFIRMATION).lower(),
            "LEAD_FANOUT": str(fault_settings.LEAD_FANOUT),
            "MATCH_DELIVERY_LEASE_SECONDS": str(fault_settings.MATCH_DELIVERY_LEASE_SECONDS),
            "MATCH_DELIVERY_RETRY_BASE_SECONDS": str(fault_settings.MATCH_DELIVERY_RETRY_BASE_SECONDS),
            "LOG_FORMAT": "plain",
            **extra_env,
        }
        worker = Worker(env, tmp_path / f"celery-worker-{len(started)}.log")
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in reversed(started):
        worker.stop()


# --- Requests and firms --------------------------------------------------------------------------


@pytest.fixture
def firms(harbin, cyber_law):
    """Two firms that serve Harbin in cyber law: every request there goes to both."""
    from tests.factories import FirmFactory

    return [
        FirmFactory(cities=[harbin], practice_areas=[cyber_law], email=f"cases@firm-{name}.example")
        for name in ("a", "b")
    ]


def submit(*, city, practice_area, email):
    """A request as the form's last step sends it (intake.services.submission.lead_submit)."""
    from intake.models import Lead
    from intake.services.submission import lead_submit

    lead, created = lead_submit(
        practice_area=practice_area,
        city=city,
        description=f"Our customer database leaked last week; what must we do now? ({email})",
        urgency=Lead.Urgency.URGENT,
        budget=Lead.Budget.UNSURE,
        preferred_language=None,
        client_type=Lead.ClientType.BUSINESS,
        name="Zhao Min",
        email=email,
        phone="+8613812345678",
        consents=["process", "share"],
    )
    assert created
    return lead


def let_the_sweepers_grace_pass(*, leads=None, matches=None):
    """The sweeper leaves requests and matches alone for a while after they are written (30 s
    for matching and delivery, 2 min for clients' emails: their own task is probably still on
    its way); it runs every minute. Rather than wait, date them five minutes back."""
    from datetime import timedelta

    from django.utils import timezone

    from intake.models import Lead, Match

    earlier = timezone.now() - timedelta(minutes=5)
    if leads is not None:
        Lead.objects.filter(pk__in=[lead.pk for lead in leads]).update(confirmed_at=earlier, created_at=earlier)
    if matches is not None:
        Match.objects.filter(pk__in=[match.pk for match in matches]).update(created_at=earlier)


def assert_each_match_delivered_once(matches, mailbox, *, quiet_seconds=3.0):
    """Every match is delivered and its firm got exactly one notice for it; a further sweep
    (as beat would run a minute later) and a few seconds bring no second one."""
    from intake.models import Match
    from intake.services.sweeps import matches_sweep

    ids = [match.pk for match in matches]
    assert wait_for(
        lambda: Match.objects.filter(pk__in=ids, status=Match.Status.DELIVERED).count() == len(ids), timeout=30
    ), f"not delivered: {list(Match.objects.filter(pk__in=ids).values_list('pk', 'status', 'attempts'))}"
    matches_sweep()
    time.sleep(quiet_seconds)
    expected = {str(match.public_id): 1 for match in Match.objects.filter(pk__in=ids)}
    assert mailbox.notices_per_match() == expected
    for match in Match.objects.filter(pk__in=ids).select_related("firm"):
        notices = [a for a in mailbox.delivered() if a["match"] == str(match.public_id)]
        assert notices[0]["to"] == (match.firm.email,)
