"""Fixtures for tests against real services: PostgreSQL, Redis, a Celery worker, SMTP.

On a laptop without the services these tests are skipped with the reason; under CI
(CI=true) a missing service fails the run instead, so a green CI always means they ran.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import CityFactory, PracticeAreaFactory, RegionFactory

ROOT = Path(__file__).resolve().parents[2]


def _unavailable(reason):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: services are required, not optional)")
    pytest.skip(reason)


def _reachable(url, default_port):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def services():
    """PostgreSQL and Redis, as configured by DATABASE_URL and REDIS_URL."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _unavailable("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if not settings.REDIS_URL:
        _unavailable("needs Redis: set REDIS_URL=redis://...")
    if not _reachable(settings.REDIS_URL, 6379):
        _unavailable(f"Redis is not reachable at {settings.REDIS_URL}")


@pytest.fixture
def smtp_server():
    """A real SMTP server in this process; `.messages` collects what it receives."""
    from aiosmtpd.controller import Controller

    class Collector:
        def __init__(self):
            self.messages = []
            # Answers to give a recipient's messages before accepting one, e.g.
            # {"firm@example.com": ["451 4.3.0 Try again later"]}.
            self.refusals = {}

        async def handle_DATA(self, server, session, envelope):
            for recipient in envelope.rcpt_tos:
                if self.refusals.get(recipient):
                    return self.refusals[recipient].pop(0)
            self.messages.append(envelope)
            return "250 OK"

        def received_by(self, recipient):
            return [message for message in self.messages if recipient in message.rcpt_tos]

    # aiosmtpd checks it is up by connecting to its own port, so it needs a real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collector()
    handler.port = port
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def worker_env():
    """Extra environment for the worker process; override in a test module or test."""
    return {"MATCH_DELIVERY_RETRY_BASE_SECONDS": "1"}


@pytest.fixture
def harbin_cyber(settings):
    """Harbin and a practice area, requests matched at once (no email confirmation)."""
    settings.LEAD_EMAIL_CONFIRMATION = False
    settings.LEAD_FANOUT = 3
    harbin = CityFactory(region=RegionFactory(name="Heilongjiang", slug="heilongjiang"), name="Harbin", slug="harbin")
    cyber = PracticeAreaFactory(name="Cyber Law", slug="cyber-law")
    return harbin, cyber


@pytest.fixture
def worker_queues():
    """The queues the worker takes (-Q); None: every queue, as a worker started without -Q."""
    return None


@pytest.fixture
def celery_worker(services, transactional_db, smtp_server, worker_env, worker_queues):
    """A real Celery worker process on the test database, sending mail to smtp_server."""
    db = settings.DATABASES["default"]
    database_url = (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        **worker_env,
    }
    log = ROOT / "var" / f"test-celery-worker-{os.getpid()}.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lawzana", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--hostname",
             f"test-{os.getpid()}@%h", *(["-Q", worker_queues] if worker_queues else [])],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        from lawzana.celery import app

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited early; see {log}")
            if app.control.ping(timeout=0.5):
                break
        else:
            pytest.fail(f"the Celery worker did not answer within 30 s; see {log}")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(predicate, *, timeout=20.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
