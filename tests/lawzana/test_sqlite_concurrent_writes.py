"""The embedded mode takes concurrent writes: the same request sent three times at the same
moment, from three processes, against runserver on a file-based SQLite database (as
`scripts/dev run` serves it) is one request and three success pages, never "database is
locked". The in-memory test database never locks, so this test brings its own file."""

import json
import multiprocessing
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

from tests.lawzana.form_client import walk

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 3
# Each round is a new request (its own email) sent by all three at once: one round lost to a
# lock is enough to fail, and several make a lost race unlikely to hide one.
ROUNDS = 5

# Run in the database's own process: migrate, and the place and practice area the form offers.
SETUP = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import CityFactory, PracticeAreaFactory
city = CityFactory(name="Harbin", slug="harbin")
area = PracticeAreaFactory(name="Cyber Law", slug="cyber-law")
print(json.dumps({"city": city.pk, "area": area.pk}))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def steps(*, area, city, email):
    """The three steps as the form posts them (tests/intake/test_form.py has the same data)."""
    return [
        {"lead_new-current_step": "what", "what-practice_area": area, "what-city": city},
        {
            "lead_new-current_step": "details",
            "details-description": "Our online shop leaked customer emails last week. What must we tell them?",
            "details-urgency": "soon",
            "details-budget": "unsure",
            "details-preferred_language": "",
            "details-client_type": "business",
        },
        {
            "lead_new-current_step": "contact",
            "contact-name": "Wang Fang",
            "contact-email": email,
            "contact-phone": "138 1234 5678",
            "contact-consent_process": "on",
            "contact-consent_share": "on",
            "contact-is_adult": "on",
            "contact-website": "",
        },
    ]


def test_three_simultaneous_submissions_on_file_sqlite_are_one_request_and_three_success_pages(tmp_path):
    database = tmp_path / "lawzana.sqlite3"
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "lawzana.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "LEAD_MIN_FILL_SECONDS": "0",
        "LEAD_RATE_LIMIT": "1000/m",  # every client comes from 127.0.0.1
        "EMAIL_URL": "memorymail://",  # the status-link emails stay in the server's memory
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert setup.returncode == 0, setup.stderr
    place = json.loads(setup.stdout.strip().splitlines()[-1])

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "runserver.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base_url + "/healthz", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, log_path.read_text()
                time.sleep(0.1)

        # Spawned, not forked: the clients start without this process's Django and connections.
        context = multiprocessing.get_context("spawn")
        outcomes = []
        for round_ in range(ROUNDS):
            email = f"wang.fang+{round_}@example.com"
            barrier, results = context.Barrier(CLIENTS), context.Queue()
            clients = [
                context.Process(
                    target=walk, args=(base_url, steps(email=email, **place), barrier, results), daemon=True
                )
                for _ in range(CLIENTS)
            ]
            for client in clients:
                client.start()
            outcomes.append((email, [results.get(timeout=90) for _ in clients]))
            for client in clients:
                client.join(timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=20)
    log = log_path.read_text()

    success = {"status": 302, "location": "/requests/sent/", "landed": 200}
    answers = "\n".join(f"{email}: {round_}" for email, round_ in outcomes)
    assert all(outcome == success for _, round_ in outcomes for outcome in round_), f"{answers}\n\n{log}"
    assert "database is locked" not in log, log
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # kept in the file
        for email, _ in outcomes:
            leads = db.execute("SELECT id FROM intake_lead WHERE email = ?", [email]).fetchall()
            assert len(leads) == 1, (email, leads)
            consents = db.execute("SELECT purpose FROM intake_consent WHERE lead_id = ?", leads[0]).fetchall()
            assert sorted(purpose for (purpose,) in consents) == ["process", "share"]
