"""The app through a real PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer, README
"Running in production"), against the test database.

PgBouncer here runs every server connection's reset (DISCARD ALL) after each transaction, as
if another client had been lent the connection in between: a server-side cursor or prepared
statement kept from one transaction to the next fails every time, not only under load.

Without PostgreSQL or Debian's pgbouncer these tests are skipped with the reason; under CI
(CI=true) that fails the run instead (.ci/run installs pgbouncer).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from bench.harness import free_port
from tests.factories import RegionFactory

ROOT = Path(__file__).resolve().parents[2]
PGBOUNCER = Path("/usr/sbin/pgbouncer")

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _unavailable(reason):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: PgBouncer's tests must run, not skip)")
    pytest.skip(reason)


@pytest.fixture
def pgbouncer(tmp_path):
    """PgBouncer on a free port, in front of the test database as the database "lawzana"."""
    if connection.vendor != "postgresql":
        _unavailable("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if not PGBOUNCER.exists():
        _unavailable(f"needs PgBouncer ({PGBOUNCER} not found; Debian: apt-get install pgbouncer)")
    db = connection.settings_dict
    port = free_port()
    (tmp_path / "users.txt").write_text(f'"{db["USER"]}" ""\n')
    (tmp_path / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"lawzana = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {tmp_path / 'users.txt'}\n"
        "pool_mode = transaction\n"
        # Another client's turn between any two transactions (the module's docstring).
        "server_reset_query = DISCARD ALL\nserver_reset_query_always = 1\n"
        # PgBouncer will not run as root; Debian's PostgreSQL packages create this user. Its log
        # goes to stderr, into a file opened here: tmp_path is only root's to enter.
        + ("user = postgres\n" if os.geteuid() == 0 else "")
    )
    log = tmp_path / "pgbouncer.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([str(PGBOUNCER), str(tmp_path / "pgbouncer.ini")], stdout=output, stderr=output)
    try:
        for _ in range(100):
            try:
                psycopg.connect(host="127.0.0.1", port=port, user=db["USER"], dbname="lawzana").close()
                break
            except psycopg.OperationalError:
                assert process.poll() is None, log.read_text()
                time.sleep(0.05)
        else:
            pytest.fail(f"PgBouncer did not answer: {log.read_text()}")
        yield f"postgres://{db['USER']}@127.0.0.1:{port}/lawzana"
    finally:
        # Its server connections to the test database end with it, so the database can be dropped.
        process.terminate()
        process.wait(timeout=10)


def _shell(code, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "lawzana.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


# Run in the app's settings through PgBouncer; `before` may change the connection's settings
# before it connects, to show what the test catches.
APP_QUERIES = """
from django.db import connection, transaction
from directory.models import Region
{before}
with connection.cursor() as cursor:
    cursor.execute("SHOW random_page_cost")
    print("random_page_cost", cursor.fetchone()[0])
    cursor.execute("SHOW max_parallel_workers_per_gather")
    print("max_parallel_workers_per_gather", cursor.fetchone()[0])
for _ in range(12):  # past psycopg's prepare_threshold (5), each in its own transaction
    with transaction.atomic():
        count = Region.objects.filter(slug__startswith="pgb-").count()
print("count", count)
print("iterated", ",".join(region.slug for region in Region.objects.order_by("slug").iterator(chunk_size=1)))
"""


def test_the_app_works_through_pgbouncer_in_transaction_mode(pgbouncer):
    for name in ("pgb-a", "pgb-b", "pgb-c"):
        RegionFactory(name=name, slug=name)

    result = _shell(APP_QUERIES.format(before=""), DATABASE_URL=pgbouncer, DATABASE_POOLER="pgbouncer")

    assert result.returncode == 0, result.stderr
    # Not sent when connecting (PgBouncer refuses it): set on the database by directory/migrations/0015.
    assert result.stdout.splitlines() == [
        "random_page_cost 1.1",
        "max_parallel_workers_per_gather 0",
        "count 3",
        "iterated pgb-a,pgb-b,pgb-c",
    ]


def test_without_the_pooler_setting_pgbouncer_refuses_the_connection(pgbouncer):
    result = _shell(APP_QUERIES.format(before=""), DATABASE_URL=pgbouncer)

    assert result.returncode != 0
    assert "unsupported startup parameter: options" in result.stderr


@pytest.mark.parametrize(
    ("before", "error"),
    [
        # A server-side cursor (a portal), WITH HOLD outside a transaction: gone after DISCARD ALL.
        ('connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False', 'portal "_django_curs_'),
        # Prepared statements after 5 runs, with server-side parameters: gone after DISCARD ALL.
        (
            'connection.settings_dict["OPTIONS"].update(prepare_threshold=5, server_side_binding=True)',
            'prepared statement "_pg3_0" does not exist',
        ),
    ],
)
def test_what_pgbouncer_mode_turns_off_would_break_there(pgbouncer, before, error):
    RegionFactory(name="pgb-a", slug="pgb-a")

    result = _shell(APP_QUERIES.format(before=before), DATABASE_URL=pgbouncer, DATABASE_POOLER="pgbouncer")

    assert result.returncode != 0
    assert error in result.stderr, result.stderr[-2000:]


def test_the_planner_settings_are_the_test_databases_own():
    # A fresh connection sends no options: what it shows comes from ALTER DATABASE, run when
    # pytest-django migrated the test database.
    if connection.vendor != "postgresql":
        _unavailable("needs PostgreSQL: set DATABASE_URL=postgres://...")
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
    ) as fresh:
        assert fresh.execute("SHOW random_page_cost").fetchone()[0] == "1.1"
        assert fresh.execute("SHOW max_parallel_workers_per_gather").fetchone()[0] == "0"
