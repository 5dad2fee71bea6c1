"""Production refuses unsafe configuration; each case boots Django in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-secret-for-tests-" + "z" * 20
# What production needs besides a key and hosts; nothing here connects to them.
SERVICES = {
    "DATABASE_URL": "postgres://lawzana@db.invalid:5432/lawzana",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "EMAIL_URL": "smtp://mail.invalid:587",
}
GOOD_CONFLICT_KEY = "c" * 16 + "-conflict-key-for-tests-" + "q" * 16
SAFE = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "example.com", "CONFLICT_CHECK_KEY": GOOD_CONFLICT_KEY, **SERVICES}


def _manage(*args, **env):
    services = {"DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "EMAIL_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in services}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "lawzana.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({**SAFE, "DEBUG": "true"}, "DEBUG must be False"),
        ({**SAFE, "SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({**SAFE, "SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({**SAFE, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
        ({**SAFE, "DEBUG": "maybe"}, "Invalid"),
        # No silent fallback to a SQLite file, in-process tasks or mail written to files.
        ({**SAFE, "DATABASE_URL": ""}, "DATABASE_URL must be set in production"),
        ({**SAFE, "REDIS_URL": ""}, "REDIS_URL must be set in production"),
        ({**SAFE, "EMAIL_URL": "  "}, "EMAIL_URL must be set in production"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "example.com"}, "DATABASE_URL, REDIS_URL, EMAIL_URL must be set"),
        ({**SAFE, "REDIS_URL": "sentinel://127.0.0.1:26379/0"}, "set REDIS_SENTINEL_MASTER"),
        # The conflict lists' hashes are keyed outside the database: never the development key.
        ({**SAFE, "CONFLICT_CHECK_KEY": ""}, "CONFLICT_CHECK_KEY must be set"),
        (
            {**SAFE, "CONFLICT_CHECK_KEY": "lawzana-development-conflict-check-key-do-not-use-in-production"},
            "CONFLICT_CHECK_KEY must be set",
        ),
        ({**SAFE, "CONFLICT_CHECK_KEY": "short"}, "CONFLICT_CHECK_KEY must be set"),
        ({**SAFE, "CONFLICT_CHECK_KEY_FALLBACKS": f"{'f' * 40},short"}, "Every key in CONFLICT_CHECK_KEY_FALLBACKS"),
        # Webhooks to plain HTTP on loopback are for the test suite's own receiver only.
        ({**SAFE, "WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER": "true"}, "WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER must be"),
    ],
)
def test_production_refuses_to_start_unsafe(env, message):
    result = _manage("check", DJANGO_ENV="production", **env)

    assert result.returncode != 0
    assert message.lower() in result.stderr.lower()


def test_production_settings_pass_the_deploy_checks():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_ENV="production", **SAFE)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_starts_with_every_service_named_and_without_them_only_when_told():
    code = "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND)"

    served = _manage("shell", "--no-imports", "-c", code, DJANGO_ENV="production", **SAFE)
    # The image's collectstatic (Dockerfile) and the audit: production settings, nothing served.
    told = _manage(
        "shell", "--no-imports", "-c", code,
        DJANGO_ENV="production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="example.com", PRODUCTION_WITHOUT_SERVICES="true",
    )  # fmt: skip

    assert served.returncode == 0, served.stderr
    assert served.stdout.split() == ["False", "django.core.mail.backends.smtp.EmailBackend"]
    assert told.returncode == 0, told.stderr
    assert told.stdout.split() == ["True", "django.core.mail.backends.filebased.EmailBackend"]


def test_the_image_collects_static_files_with_the_dockerfiles_own_settings(tmp_path):
    # The Dockerfile's collectstatic line, run as written (no service is reachable at build time).
    dockerfile = (ROOT / "Dockerfile").read_text()
    line = dockerfile[dockerfile.index("RUN DJANGO_ENV=production") :].split("python manage.py collectstatic")[0]
    build_env = dict(part.split("=", 1) for part in line.removeprefix("RUN ").replace("\\\n", " ").split())

    result = _manage("collectstatic", "--noinput", "--dry-run", **build_env)

    assert "PRODUCTION_WITHOUT_SERVICES" in build_env and "REDIS_URL" not in build_env
    assert result.returncode == 0, result.stderr
    assert "static files copied" in result.stdout


def test_operators_addresses_come_from_the_environment():
    code = "from django.conf import settings; print(settings.MANAGERS)"

    result = _manage("shell", "--no-imports", "-c", code, OPERATOR_EMAILS="ops@example.com,desk@example.com")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[('Operators', 'ops@example.com'), ('Operators', 'desk@example.com')]"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "sqlite:////tmp/lawzana-settings-test.sqlite3",
            "{'init_command': 'PRAGMA journal_mode=WAL', 'transaction_mode': 'IMMEDIATE', 'timeout': 20}",
        ),
        # A query string's option wins over the embedded mode's.
        (
            "sqlite:////tmp/lawzana-settings-test.sqlite3?timeout=3",
            "{'init_command': 'PRAGMA journal_mode=WAL', 'transaction_mode': 'IMMEDIATE', 'timeout': 3}",
        ),
        # PostgreSQL keeps its own locking; its planner is told the disk is an SSD and to start
        # no parallel workers for a page's small queries (lawzana/settings.py), when connecting
        # as well as on the database (directory/migrations/0015), so the variables can override.
        (
            "postgres://lawzana:secret@127.0.0.1:1/lawzana",
            "{'options': '-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0'}",
        ),
    ],
)
def test_sqlite_queues_concurrent_writers_and_postgresql_gets_its_planner_settings(url, expected):
    # The concurrent writes themselves: tests/lawzana/test_sqlite_concurrent_writes.py.
    code = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}))"

    result = _manage("shell", "--no-imports", "-c", code, DATABASE_URL=url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def _database_settings(**env):
    code = (
        "from django.conf import settings; "
        "print({alias: {key: db.get(key) for key in ('OPTIONS', 'DISABLE_SERVER_SIDE_CURSORS',"
        " 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'HOST', 'TEST')} for alias, db in settings.DATABASES.items()}); "
        "print(settings.DATABASE_ROUTERS)"
    )
    result = _manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    databases, routers = result.stdout.strip().splitlines()
    return eval(databases), eval(routers)  # noqa: S307 - printed by the settings above


def test_behind_pgbouncer_nothing_is_sent_that_transaction_pooling_refuses_or_loses():
    # PgBouncer refuses the "options" startup parameter (tests/deploy/test_pgbouncer.py
    # shows it); server-side cursors and prepared statements would outlive the transaction.
    databases, routers = _database_settings(
        DATABASE_URL="postgres://lawzana:secret@127.0.0.1:1/lawzana", DATABASE_POOLER="pgbouncer"
    )

    default = databases["default"]
    assert default["OPTIONS"] == {"prepare_threshold": None}
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is True
    # PgBouncer keeps the server connections; ours to it are kept and checked all the same.
    assert (default["CONN_MAX_AGE"], default["CONN_HEALTH_CHECKS"]) == (60, True)
    assert list(databases) == ["default"] and routers == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_POOLER": "pgpool"}, "DATABASE_POOLER must be empty, none or pgbouncer"),
        # Behind PgBouncer these could only be ignored: directory/migrations/0015 sets them.
        ({"DATABASE_POOLER": "pgbouncer", "DATABASE_RANDOM_PAGE_COST": "4"}, "DATABASE_RANDOM_PAGE_COST cannot"),
        ({"DATABASE_POOLER": "pgbouncer", "DATABASE_PARALLEL_WORKERS": "2"}, "DATABASE_PARALLEL_WORKERS cannot"),
        (
            {"DATABASE_POOLER": "pgbouncer", "DATABASE_URL": "sqlite:////tmp/lawzana-settings-test.sqlite3"},
            "needs a postgres:// database URL",
        ),
        (
            {
                "DATABASE_URL": "sqlite:////tmp/lawzana-settings-test.sqlite3",
                "DATABASE_REPLICA_URL": "postgres://lawzana@replica.internal:5432/lawzana",
            },
            "DATABASE_REPLICA_URL needs PostgreSQL",
        ),
    ],
)
def test_a_pooler_or_replica_that_cannot_work_is_refused(env, message):
    result = _manage("check", **{"DATABASE_URL": "postgres://lawzana:secret@127.0.0.1:1/lawzana", **env})

    assert result.returncode != 0
    assert message.lower() in result.stderr.lower()


def test_a_replica_url_adds_the_replica_and_its_router_and_none_without_it():
    primary = "postgres://lawzana:secret@primary.internal:5432/lawzana"
    replica = "postgres://lawzana:secret@replica.internal:5432/lawzana"

    databases, routers = _database_settings(
        DATABASE_URL=primary, DATABASE_REPLICA_URL=replica, DATABASE_POOLER="pgbouncer"
    )
    without, routers_without = _database_settings(DATABASE_URL=primary)

    assert routers == ["lawzana.db_router.ReplicaRouter"]
    assert databases["replica"]["HOST"] == "replica.internal"
    # Treated like the primary (here: behind PgBouncer too).
    assert {key: value for key, value in databases["replica"].items() if key not in ("HOST", "TEST")} == {
        key: value for key, value in databases["default"].items() if key not in ("HOST", "TEST")
    }
    # The test suite has one database: the replica's alias reads the primary's test database.
    assert databases["replica"]["TEST"]["MIRROR"] == "default"
    assert list(without) == ["default"] and routers_without == []


@pytest.mark.parametrize(
    ("addr", "origin"),
    [
        ("127.0.0.1:8831", "http://127.0.0.1:8831"),
        ("8831", "http://127.0.0.1:8831"),
        ("0.0.0.0:8831", "http://127.0.0.1:8831"),
        ("[::1]:8831", "http://[::1]:8831"),
        ("laptop.local:8831", "http://laptop.local:8831"),
    ],
)
def test_in_development_links_lead_to_the_address_served(addr, origin):
    # scripts/dev run serves LAWZANA_ADDR; links in emails and canonical links must lead there.
    code = "from django.conf import settings; print(settings.SITE_URL); print(settings.ALLOWED_HOSTS)"

    result = _manage("shell", "--no-imports", "-c", code, LAWZANA_ADDR=addr)

    assert result.returncode == 0, result.stderr
    site_url, allowed_hosts = result.stdout.strip().splitlines()
    assert site_url == origin
    assert origin.removeprefix("http://").rsplit(":", 1)[0] in allowed_hosts


def test_an_explicit_site_url_wins_over_the_address_served():
    code = "from django.conf import settings; print(settings.SITE_URL)"

    result = _manage("shell", "--no-imports", "-c", code, LAWZANA_ADDR="8831", SITE_URL="https://lawzana.test/")

    assert result.stdout.strip() == "https://lawzana.test"


def test_a_malformed_address_is_refused_with_the_forms_it_takes():
    result = _manage("check", LAWZANA_ADDR="127.0.0.1 8831")

    assert result.returncode != 0
    assert "Invalid LAWZANA_ADDR='127.0.0.1 8831'" in result.stderr
