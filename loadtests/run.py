"""One-command load test: `scripts/dev load` (or `make load`, or `.venv/bin/python loadtests/run.py`).

Builds a PostgreSQL database of its own (`lawzana_load`, dropped and created again each run,
filled with `seed_scale` at a small size plus `seed_demo`), serves the site with gunicorn and
production settings on loopback, runs a real Celery worker and an in-process SMTP server, and
runs Locust headless for a bounded time (loadtests/locustfile.py): readers of landing pages
and clients sending requests through the real three-step form, at the same time. Then it
waits for the worker to drain and checks:

- no response was a 5xx, and no request failed otherwise;
- every request that reached its success page is exactly one Lead in the database (emails
  compared: none lost, none duplicated);
- every match was delivered exactly once (one notice per match at the SMTP server, each
  match marked delivered), and every client got exactly one email with their status link.

Meanwhile firms answer the requests delivered to them (accepting them through the same service
the portal calls, a few a second), and halfway through the run the hourly refresh of firms'
response figures runs (intake.services.response), as the schedule would. The page cache's hit
ratio for landing pages and firm profiles over the run must stay at 95% or more: answers retire
no page, and the refresh only those whose shown figures or order changed. Every page in the
plan is read once before the load starts, as a site's pages are when it has been up a while.

It prints the figures per endpoint and the checks, and exits 1 on any failure. Everything it
starts is stopped on the way out, failure or not. It uses only Redis databases 12 (broker)
and 13 (cache) on 127.0.0.1:6379, flushed before and after.

The form runs with LEAD_MIN_FILL_SECONDS=0 and a rate limit no one reaches (every Locust
user comes from 127.0.0.1), and without email confirmation, so that every request is matched
and delivered during the run.

Options: --duration SECONDS (default 60), --users, --spawn-rate, --web-workers,
--worker-concurrency, --firms and --guides (seed size), --drain-timeout, --port, --db.
"""

import argparse
import contextlib
import email
import json
import os
import re
import secrets
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import (  # noqa: E402 (run as a script: the project root goes on the path first)
    PG,
    PY,
    REDIS,
    ROOT,
    VENV_BIN,
    Process,
    django_setup,
    free_port,
    http_get,
    logger,
    psql,
    redis_flush,
    run,
    table,
    wait_http,
)

log = logger("load")
BROKER_DB, CACHE_DB = 12, 13
EMAIL_DOMAIN = "load.lawzana.invalid"
MATCH_LINK = re.compile(r"/requests/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/")


class Mailbox:
    """An in-process SMTP server counting firm notices per match (the portal link in a notice
    names the match by its public id) and client emails per recipient."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.notices = Counter()
        self.client_emails = Counter()
        self.other = 0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content)
        text = ""
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                text += part.get_payload(decode=True).decode("utf-8", "replace")
        found = MATCH_LINK.search(text)
        clients = [rcpt for rcpt in envelope.rcpt_tos if rcpt.endswith(f"@{EMAIL_DOMAIN}")]
        with self.lock:
            if clients:
                self.client_emails.update(clients)
            elif found:
                self.notices[found.group(1)] += 1
            else:
                self.other += 1
        return "250 OK"

    def snapshot(self):
        with self.lock:
            return Counter(self.notices), Counter(self.client_emails), self.other


# --- the in-process Django side (plan and checks) -------------------------------------------------


def make_plan(max_landings=300, max_targets=150):
    """Landing pages to read (published guides) and (city, practice area) pairs to send
    requests for (guides whose place has firms, so that requests are matched)."""
    from directory.selectors import firms_serving
    from guides.models import Guide

    guides = list(Guide.objects.published().for_language("en").with_place().order_by("pk")[:max_landings])
    targets = []
    for guide in guides:
        if firms_serving(practice_area=guide.practice_area, city=guide.city).exists():
            targets.append([guide.city_id, guide.practice_area_id])
        if len(targets) >= max_targets:
            break
    profiles = []
    for guide in guides[:100]:
        for firm in firms_serving(practice_area=guide.practice_area, city=guide.city)[:3]:
            profiles.append(firm.get_absolute_url())
    return {
        "landings": [guide.get_absolute_url() for guide in guides],
        "profiles": sorted(set(profiles)),
        "targets": targets,
        "email_domain": EMAIL_DOMAIN,
    }


class Answerer(threading.Thread):
    """Firms answering their requests while the load runs: accepts one delivered load match
    every `interval` seconds (intake.services.answers, as the portal's button does), and runs
    the scheduled response figures refresh once at `refresh_after` seconds."""

    def __init__(self, *, interval, refresh_after):
        super().__init__(daemon=True)
        self.interval = interval
        self.refresh_after = refresh_after
        self.stop = threading.Event()
        self.answered = 0
        self.refreshed = None  # firms recomputed by the refresh, once it ran
        self.retired_by_answers = []  # page tags the answers retired (none, by design)
        self.retired_by_refresh = []
        self.errors = []

    def run(self):
        from django.contrib.auth import get_user_model
        from django.db import connection

        from directory.models import Membership
        from intake.models import Match
        from intake.services import answers, response
        from loadtests import purge_log

        started = time.monotonic()
        users = {}
        try:
            while not self.stop.wait(self.interval):
                if self.refreshed is None and time.monotonic() - started >= self.refresh_after:
                    self.retired_by_answers = list(purge_log.retired)
                    purge_log.retired.clear()
                    self.refreshed = response.response_figures_refresh()
                    self.retired_by_refresh = list(purge_log.retired)
                    purge_log.retired.clear()
                match = (
                    Match.objects.filter(
                        lead__email__endswith=f"@{EMAIL_DOMAIN}",
                        status__in=[Match.Status.DELIVERED, Match.Status.VIEWED],
                    )
                    .order_by("delivered_at")
                    .first()
                )
                if match is None:
                    continue
                if match.firm_id not in users:
                    user = get_user_model().objects.create_user(f"firm-{match.firm_id}@firms.{EMAIL_DOMAIN}")
                    Membership.objects.create(user=user, firm_id=match.firm_id, role=Membership.Role.OWNER)
                    users[match.firm_id] = user
                answers.match_accept(
                    match_id=match.pk, user=users[match.firm_id], message="We can help with this; let us talk."
                )
                self.answered += 1
        except Exception as exc:  # reported as a failed check
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()


def _tag_summary(tags):
    """'3 firm, 1 listing tags' from a list of page tags (directory/page_tags.py)."""
    kinds = Counter(tag.split(":")[0] for tag in tags)
    return ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) + " tags" if kinds else "no tag"


def cache_ratio(results, names=("landing page", "firm profile")):
    """(hits, all answers) of the pages the page cache keeps; a stale answer (served while
    one request renders it again) is a hit for the visitor and counted as one."""
    counts = Counter()
    for name in names:
        counts.update(results.get("page_cache", {}).get(name, {}))
    return counts["hit"] + counts["stale"], sum(counts.values()), counts


def load_state():
    """The load's leads and matches as the database holds them now."""
    from intake.models import Lead, Match

    leads = Lead.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    emails = Counter(leads.values_list("email", flat=True))
    lead_status = Counter(leads.values_list("status", flat=True))
    matches = list(Match.objects.filter(lead__in=leads).values_list("public_id", "status"))
    return emails, lead_status, matches


def drain(mailbox, seconds):
    """Wait until every load lead is matched (or has no firm), no match waits for delivery and
    every client email arrived; returns how long it took, or None on timeout."""
    from intake.models import Lead, Match

    start = time.monotonic()
    while time.monotonic() - start < seconds:
        emails, lead_status, matches = load_state()
        waiting = lead_status.get(Lead.Status.CONFIRMED, 0) + lead_status.get(Lead.Status.NEW, 0)
        pending = sum(1 for _id, status in matches if status == Match.Status.PENDING)
        _notices, client_emails, _other = mailbox.snapshot()
        if not waiting and not pending and len(client_emails) >= len(emails):
            return time.monotonic() - start
        time.sleep(1)
    return None


# --- reporting ------------------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def endpoint_figures(results, seconds):
    """Per endpoint, then for all: (name, requests, failures, req/s, p50 ms, p95 ms, p99 ms)."""
    rows = []
    everything = []
    for name, times in sorted(results["timings"].items()):
        everything += times
        rows.append((name, times, results["failures"].get(name, 0)))
    rows.append(("all requests", everything, sum(results["failures"].values())))
    return [
        (
            name,
            len(times),
            failed,
            len(times) / seconds,
            percentile(times, 0.5) if times else 0,
            percentile(times, 0.95) if times else 0,
            percentile(times, 0.99) if times else 0,
        )
        for name, times, failed in rows
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--users", type=int, default=24, help="Locust users: 3 readers for each client (default 24)")
    parser.add_argument("--spawn-rate", type=float, default=8, help="users started per second (default 8)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes (default 2)")
    parser.add_argument("--firms", type=int, default=2000, help="firms seeded by seed_scale (default 2000)")
    parser.add_argument("--guides", type=int, default=400, help="guides seeded by seed_scale (default 400)")
    parser.add_argument("--drain-timeout", type=int, default=180, help="seconds to wait for deliveries")
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (default: a free one)")
    parser.add_argument("--db", default="lawzana_load")
    args = parser.parse_args()

    checks = []  # (name, measured, target, ok)
    endpoint_rows = []
    processes = []
    mailbox = None
    load_at_start = os.getloadavg()
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    tmp = Path(tempfile.mkdtemp(prefix="lawzana-load-"))
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    database_url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{args.db}"
    common = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        # The load's own settings: see the module docstring.
        "LEAD_MIN_FILL_SECONDS": "0",
        "LEAD_RATE_LIMIT": "1000000/m",
        "LEAD_ATTEMPT_LIMIT": "1000000/m",
        "LEAD_EMAIL_CONFIRMATION": "false",
    }
    production = {
        **common,
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60)),
        "CONFLICT_CHECK_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP over loopback
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": base,
        "REDIS_URL": f"{REDIS}/{BROKER_DB}",
        "REDIS_CACHE_URL": f"{REDIS}/{CACHE_DB}",
        # The web processes' mail is not counted; the worker's goes to the load test's mailbox.
        "EMAIL_URL": "dummymail://",
    }
    development = {**common, "DJANGO_ENV": "development", "EMAIL_URL": "consolemail://"}
    development.pop("REDIS_URL", None)
    try:
        log(f"dropping and creating the database {args.db}")
        psql("postgres", f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        psql("postgres", f'CREATE DATABASE "{args.db}"')
        run([PY, "manage.py", "migrate", "--noinput"], env=development)
        log(f"seeding: seed_scale ({args.firms} firms, {args.guides} guides), then seed_demo")
        run(
            [PY, "manage.py", "seed_scale", "--firms", str(args.firms), "--lawyers", str(args.firms * 2),
             "--reviews", str(args.firms * 10), "--cities", "80", "--guides", str(args.guides)],
            env=development, timeout=900,
        )  # fmt: skip
        run([PY, "manage.py", "seed_demo"], env=development)
        psql(args.db, "VACUUM (ANALYZE)")
        for db in (BROKER_DB, CACHE_DB):
            redis_flush(db)
        log("collectstatic")
        run([PY, "manage.py", "collectstatic", "--noinput"], env=production)

        mailbox = Mailbox()
        mailbox.controller.start()
        processes.append(
            Process(
                "gunicorn",
                [str(VENV_BIN / "gunicorn"), "--config", "python:lawzana.gunicorn_conf", "lawzana.wsgi:application",
                 "--workers", str(args.web_workers), "--bind", f"127.0.0.1:{port}", "--timeout", "30"],
                production, tmp / "gunicorn.log",
            )
        )  # fmt: skip
        processes.append(
            Process(
                "celery",
                [str(VENV_BIN / "celery"), "-A", "lawzana", "worker", f"--concurrency={args.worker_concurrency}",
                 "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
                {**production, "EMAIL_URL": f"smtp://127.0.0.1:{mailbox.port}"}, tmp / "celery.log",
            )
        )  # fmt: skip
        wait_http(f"{base}/healthz", 60)

        # Answers notify clients from this process: into the void, not into the mailbox's counts.
        # The site's cache, so that what the answers and the refresh retire reaches its pages.
        django_setup(
            {
                **development,
                "DEBUG": "false",
                "EMAIL_URL": "dummymail://",
                "REDIS_CACHE_URL": f"{REDIS}/{CACHE_DB}",
                "PAGE_CACHE_PURGE": "loadtests.purge_log.record",
            }
        )
        plan = make_plan()
        if not plan["landings"] or not plan["targets"]:
            raise RuntimeError("the seeded database has no published guide with firms")
        (tmp / "plan.json").write_text(json.dumps(plan))
        log(f"{len(plan['landings'])} landing pages, {len(plan['targets'])} places with firms")
        # Warm-up: imports and template caches, and every page of the plan read once.
        for path in plan["landings"] + plan["profiles"] + ["/requests/new/"]:
            http_get(f"{base}{path}")
        answerer = Answerer(interval=0.25, refresh_after=args.duration / 2)
        answerer.start()

        log(f"locust: {args.users} users for {args.duration} s")
        results_path = tmp / "results.json"
        locust = subprocess.run(
            [str(VENV_BIN / "locust"), "-f", str(ROOT / "loadtests" / "locustfile.py"), "--headless",
             "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s",
             "--stop-timeout", "15", "--host", base, "--only-summary",
             "--loglevel", "WARNING"],
            env={**os.environ, "LOAD_PLAN": str(tmp / "plan.json"), "LOAD_RESULTS": str(results_path)},
            cwd=ROOT, capture_output=True, text=True, timeout=args.duration + 120,
        )  # fmt: skip
        answerer.stop.set()
        answerer.join(30)
        (tmp / "locust.log").write_text(locust.stdout + locust.stderr)
        results = json.loads(results_path.read_text())
        endpoint_rows = endpoint_figures(results, args.duration)

        hits, answers_seen, states = cache_ratio(results)
        ratio = hits / answers_seen if answers_seen else 0.0
        checks.append(
            (
                "page cache hit ratio while firms answer",
                f"{ratio:.1%} ({hits}/{answers_seen}: {dict(sorted(states.items()))}); "
                f"{answerer.answered} requests accepted ({answerer.answered / args.duration:.1f}/s) retiring "
                f"{len(answerer.retired_by_answers)} page tags; the figures refresh mid-run: {answerer.refreshed} "
                f"firms, retiring {_tag_summary(answerer.retired_by_refresh)}"
                + (f"; errors: {answerer.errors[:2]}" if answerer.errors else ""),
                ">= 95%",
                ratio >= 0.95 and not answerer.errors and answerer.answered > 0 and answerer.refreshed is not None,
            )
        )

        log(f"waiting for the worker to drain (up to {args.drain_timeout} s)")
        drained = drain(mailbox, args.drain_timeout)
        time.sleep(3)  # a duplicate, if any, has time to arrive
        emails, lead_status, matches = load_state()
        notices, client_emails, other = mailbox.snapshot()

        statuses = Counter(results["status_counts"])
        server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
        failures = sum(row[2] for row in endpoint_rows if row[0] == "all requests")
        checks.append(("HTTP 5xx responses", server_errors, "0", server_errors == 0))
        checks.append(
            (
                "failed requests (any cause)",
                f"{failures} (statuses: {dict(sorted(statuses.items()))})",
                "0",
                failures == 0,
            )
        )
        for problem in results["problems"][:5]:
            log(f"problem seen by a client: {problem}")
        submitted = Counter(results["submitted"])
        lost = sorted(set(submitted) - set(emails))
        duplicated = sorted(e for e, n in emails.items() if n > 1) + sorted(e for e, n in submitted.items() if n > 1)
        unconfirmed = sorted(set(emails) - set(submitted))
        checks.append(
            (
                "requests sent (success page)",
                f"{len(submitted)} ({len(submitted) / args.duration:.1f}/s)",
                "> 0",
                len(submitted) > 0,
            )
        )
        checks.append(
            (
                "leads stored for them",
                f"{sum(emails.values())} stored; {len(lost)} lost, {len(duplicated)} duplicated",
                "one each",
                not lost and not duplicated,
            )
        )
        checks.append(
            (
                "leads stored without a success page",
                f"{len(unconfirmed)}",
                "information",
                None,
            )
        )
        expected = {str(public_id) for public_id, _status in matches}
        # Delivered, then perhaps opened or accepted by the firm (Answerer).
        delivered_rows = sum(1 for _id, status in matches if status in ("delivered", "viewed", "accepted"))
        once = sum(1 for public_id in expected if notices.get(public_id) == 1)
        extra = sum(n - 1 for n in notices.values() if n > 1) + sum(1 for p in notices if p not in expected)
        missing = len(expected) - sum(1 for public_id in expected if notices.get(public_id))
        checks.append(
            (
                "matches delivered exactly once",
                f"{once}/{len(expected)} once, {missing} missing, {extra} duplicate or unknown; "
                f"{delivered_rows} marked delivered; drained "
                f"{f'{drained:.0f} s after the load' if drained is not None else 'NOT within the timeout'}",
                "all, once",
                bool(expected) and once == len(expected) and not extra and delivered_rows == len(expected),
            )
        )
        checks.append(
            (
                "leads' status",
                ", ".join(f"{status} {n}" for status, n in sorted(lead_status.items())),
                "information",
                None,
            )
        )
        client_once = sum(1 for e in emails if client_emails.get(e) == 1)
        client_extra = sum(n - 1 for n in client_emails.values() if n > 1)
        checks.append(
            (
                "client emails (status link)",
                f"{client_once}/{len(emails)} once, {client_extra} duplicates, {other} other messages",
                "one per lead",
                client_once == len(emails) and not client_extra,
            )
        )
        checks.append(
            (
                "machine",
                f"{os.cpu_count()} CPUs; load {load_at_start[0]:.2f} before, {os.getloadavg()[0]:.2f} after; "
                f"{args.users} users, {args.web_workers} gunicorn workers, {args.worker_concurrency} Celery processes",
                "information",
                None,
            )
        )
    except Exception as exc:  # still print what was measured, and fail
        import traceback

        traceback.print_exc()
        first_line = str(exc).splitlines()[0][:200] if str(exc) else ""
        checks.append(("load run", f"{type(exc).__name__}: {first_line}", "completes", False))
    finally:
        for process in reversed(processes):
            process.stop()
        if mailbox is not None:
            mailbox.controller.stop()
        for db in (BROKER_DB, CACHE_DB):
            with contextlib.suppress(Exception):
                redis_flush(db)
        log(f"logs, the plan and Locust's results are in {tmp}; the database {args.db} is kept")

    print(f"Load test, {started_at}, {args.duration} s against {base}\n")
    if endpoint_rows:
        print(
            table(
                ("endpoint", "requests", "failures", "req/s", "p50 ms", "p95 ms", "p99 ms"),
                [
                    (n, r, f, f"{rps:.1f}", f"{p50:.0f}", f"{p95:.0f}", f"{p99:.0f}")
                    for n, r, f, rps, p50, p95, p99 in endpoint_rows
                ],
            )
        )
        print()
    rows = [
        (name, measured, target, "-" if ok is None else ("yes" if ok else "NO"))
        for name, measured, target, ok in checks
    ]
    print(table(("check", "measured", "target", "ok"), rows))
    misses = [name for name, _m, _t, ok in checks if ok is False]
    if misses:
        print(f"\nFailed: {'; '.join(misses)}")
        return 1
    print("\nAll checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
