"""One-command benchmark: `scripts/dev bench` (or `make bench`, or `.venv/bin/python bench/run.py`).

Serves the site with gunicorn in production mode against a PostgreSQL database of its own
(`lawzana_bench`, filled once with `manage.py seed_scale`), loads it with `wrk` over loopback
and prints one table: name | measured | target | ok. Exits 0 only when every target is met;
otherwise exits 1 and names the misses.

The pages the page cache serves are measured by throughput, always a ratio to a control page
measured in the same run, in alternation (control, page, control, page): "hello world" through
the same middleware stack (lawzana.views.bench_control, routed for this server only), so the
machine's speed cancels out. Every page rendered on every request (those pages with their
copy missed, and the pages no cache serves) is held to a p95 server time.

Everything it starts (gunicorn, a Celery worker, an SMTP server) is stopped on the way out,
failure or not. It uses its own Redis databases: 8 (web broker), 10 (worker broker) and
11 (cache shared by the web and the worker), and flushes only those; --redis-dbs moves them.

It also runs deploy/nginx.conf (bench/nginx.py) in front of gunicorn, over TLS: the cached
landing page against a static file from the same nginx, and the landing page when nginx misses
or revalidates it, with the app's page cache on and off (measure_nginx).

Options: --duration SECONDS per wrk measurement (default 6), --port, --db NAME, --size FIRMS
(default 10,000 in `lawzana_bench`; another size in `lawzana_bench_<size>`, seeded once),
--only rendered (only the rows rendered on every request, with the control and the load),
--redis-dbs WEB,WORKER,CACHE.
"""

import argparse
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import (  # noqa: E402 (run as a script: the project root goes on the path first)
    PG,
    PY,
    REDIS,
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

log = logger("bench")
# Redis databases of the run (flushed): the web broker, the worker's broker and the cache.
# --redis-dbs moves them, so that two runs (or a run and a test) on one machine do not meet.
REDIS_DBS = (8, 10, 11)
DEFAULT_SIZE = 10_000
BENCH_EMAIL_DOMAIN = "bench.lawzana.invalid"
LEADS = 1000
BENCH_REF = re.compile(rb"benchref[a-z]{4}")
FANOUT = 3
GUNICORN_WORKERS = 2
# A Chinese search: two words (网络安全, 律师) that one in eight generated descriptions holds.
ZH_QUERY = "网络安全律师"
ZH_WORD = "网络安全"

# wrk's report, shared by the scripts below: one JSON line that wrk() reads back (BENCHJSON).
WRK_DONE = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"bad_status": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""

LUA = r"""
local bust = false
local prefix = ""
local counter = 0
function init(args)
  bust = args[1] == "bust"
  prefix = string.gsub(tostring({}), "[^%w]", "")
end
function request()
  if bust then
    counter = counter + 1
    local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
    return wrk.format("GET", wrk.path .. sep .. "nocache=" .. prefix .. "-" .. counter)
  end
  return wrk.format("GET", wrk.path)
end
"""
LUA += WRK_DONE


class Table:
    def __init__(self):
        self.rows = []

    def add(self, name, measured, target, ok):
        """ok: True, False, or None for a row that only informs."""
        self.rows.append((name, measured, target, ok))

    def render(self) -> str:
        cells = [(n, m, t, "-" if ok is None else ("yes" if ok else "NO")) for n, m, t, ok in self.rows]
        return table(("name", "measured", "target", "ok"), cells)

    def misses(self):
        return [n for n, _m, _t, ok in self.rows if ok is False]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk (apt-get install -y wrk)")
    run(["apt-get", "install", "-y", "wrk"], timeout=300)


def seed_options(size: int) -> list[str]:
    """seed_scale's options for `size` firms: ten reviews and three lawyers per firm, as at the
    default 10,000. Cities grow with the square root of the firms (300 at 10,000, 949 at
    100,000): a country does not get ten times the cities when its directory gets ten times
    the firms, its cities get more firms each (about 11 per city and practice area at 100,000,
    against 4 at 10,000); guides stay about 6.7 per city (2,000 at 10,000)."""
    cities = round(300 * (size / DEFAULT_SIZE) ** 0.5)
    guides = min(round(cities * 20 / 3), cities * 40)
    return [
        f"--firms={size}",
        f"--reviews={size * 10}",
        f"--lawyers={size * 3}",
        f"--cities={cities}",
        f"--guides={guides}",
    ]


def ensure_database(db, env, size=DEFAULT_SIZE):
    exists = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'")
    if not exists:
        log(f"createdb {db}")
        run(["createdb", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], db], timeout=60)
    run([PY, "manage.py", "migrate", "--noinput"], env=env, timeout=600)
    firms = int(psql(db, "SELECT count(*) FROM directory_firm"))
    # Seeded before firms had Chinese texts (or before search segmented them): seed again.
    stale = firms and not int(psql(db, f"SELECT count(*) FROM directory_firm WHERE search_text LIKE '% {ZH_WORD} %'"))
    if firms and not stale:
        log(f"{db} already holds {firms} firms: seeding skipped")
    else:
        log(f"seeding with manage.py seed_scale {' '.join(seed_options(size))} (about 1 minute per 10,000 firms)")
        run(
            [PY, "manage.py", "seed_scale", *seed_options(size), *(["--reset"] if stale else [])],
            env=env,
            timeout=max(900, size // 10),
        )
        # seed_scale inserts every firm, then rewrites it once (firms_refresh): a dead row per
        # live one. Compact once, as a restored or long-lived database would be.
        log("VACUUM (FULL, ANALYZE) after seeding")
        psql(db, "VACUUM (FULL, ANALYZE)", timeout=3600)
    # What autovacuum does in production (it may be off on a development server): clear what
    # earlier runs' leads and matches left behind, and refresh the planner's statistics.
    psql(db, "VACUUM (ANALYZE)", timeout=3600)


def children(pid) -> list[int]:
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def rss_mb(pid) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def wrk(url, lua, *, duration, connections=8, threads=2, bust=False):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", lua, url]
    if bust:
        cmd += ["--", "bust"]
    out = run(cmd, timeout=duration + 30).stdout
    line = next(row for row in out.splitlines() if row.startswith("BENCHJSON "))
    data = json.loads(line.removeprefix("BENCHJSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


# --- the in-process Django side (query counts, matching, delivery) ---------------------------


def pick_urls():
    from directory.models import Firm
    from directory.selectors import firms_serving
    from guides.models import Guide

    guides = Guide.objects.published().for_language("en").with_place().order_by("pk")[:200]
    best = None
    for guide in guides:
        n = firms_serving(practice_area=guide.practice_area, city=guide.city).count()
        if best is None or n > best[1]:
            best = (guide, n)
        if n >= 20:
            break
    guide = best[0]
    landing = guide.get_absolute_url()
    # Listed: an unlisted firm has no public profile (404).
    firm = Firm.objects.listed().order_by("-review_count", "pk").first()
    word = firm.name.split()[0]
    compared = Firm.objects.listed().order_by("-review_count", "pk")[:3]
    return {
        "guide": guide,
        "landing": landing,
        "filtered": f"{landing}?min_rating=4&sort=rating",
        "firm": firm.get_absolute_url(),
        "search": f"/search/?q={word.lower()}",
        "search_zh": f"/search/?q={quote(ZH_QUERY)}",
        "form": f"/requests/new/?city={guide.city_id}&practice_area={guide.practice_area_id}",
        "city": guide.city.get_absolute_url(),
        "area": guide.practice_area.get_absolute_url(),
        "compare": "/firms/compare/?" + "&".join(f"firm={f.slug}" for f in compared),
    }


def count_queries(path, *, bust=False):
    """Queries one anonymous GET runs (after a warm-up GET, so a cache hit where there is one)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(path)
    client.cookies.clear()
    if bust:
        path = f"{path}{'&' if '?' in path else '?'}nocache={secrets.token_hex(8)}"
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return len(queries), status


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def make_leads(n):
    from django.utils import timezone

    from directory.models import Language
    from guides.models import Guide
    from intake.models import Consent, Lead
    from lawzana import privacy

    rng = random.Random(6)
    pairs = list(Guide.objects.published().values_list("city_id", "practice_area_id").order_by("pk")[:2000])
    languages = [None, *Language.objects.values_list("pk", flat=True)]
    now = timezone.now()
    leads = Lead.objects.bulk_create(
        Lead(
            practice_area_id=area,
            city_id=city,
            description=f"Benchmark request {ref(i)}: a dispute with a supplier about late deliveries.",
            urgency=Lead.Urgency.choices[0][0],
            budget=Lead.Budget.choices[0][0],
            preferred_language_id=rng.choice(languages),
            client_type=Lead.ClientType.choices[0][0],
            name="Bench Client",
            email=f"client-{i}@{BENCH_EMAIL_DOMAIN}",
            dedupe_key=secrets.token_hex(32),
            status=Lead.Status.CONFIRMED,
            confirmed_at=now,
        )
        for i, (city, area) in enumerate(rng.choice(pairs) for _ in range(n))
    )
    texts = privacy.consent_texts(fanout=FANOUT)
    Consent.objects.bulk_create(
        Consent(
            lead=lead,
            purpose=purpose,
            policy_version=privacy.POLICY_VERSION,
            text_digest=privacy.digest(texts[purpose]),
            locale="en",
        )
        for lead in leads
        for purpose in (privacy.PROCESS, privacy.SHARE)
    )
    return [lead.pk for lead in leads]


def ref(i: int) -> str:
    """A lead's reference as letters only (digits could be hidden as a phone number)."""
    letters = ""
    for _ in range(4):
        i, r = divmod(i, 26)
        letters += string.ascii_lowercase[r]
    return f"benchref{letters}"


IMPORT_ROWS = 1000


def import_file(n: int) -> bytes:
    """A CSV of `n` new firms in the seeded cities, as an operator launching cities would upload
    it: a licence number, two practice areas, two languages, three lawyers and a second office."""
    import csv
    import io

    from directory.importing import COLUMNS, EXPORT_ONLY
    from directory.licences import USCC_ALPHABET, uscc_check_character
    from directory.models import City, Language, PracticeArea

    rng = random.Random(21)
    cities = list(City.objects.select_related("country").order_by("pk")[:200])
    areas = list(PracticeArea.objects.filter(parent__isnull=False).values_list("slug", flat=True))
    languages = list(Language.objects.values_list("code", flat=True))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c for c in COLUMNS if c not in EXPORT_ONLY])
    writer.writeheader()
    for i in range(n):
        city = rng.choice(cities)
        # "31" + region + an organisation code: the shape of a law firm's code, never issued.
        body = "31" + "".join(rng.choice(USCC_ALPHABET[:10]) for _ in range(6)) + "BENCH" + f"{i:04d}"
        writer.writerow(
            {
                "name": f"Imported Bench Firm {ref(i)}",
                "licence_number": body + uscc_check_character(body),
                "country": city.country.code,
                "city": city.slug,
                "address": f"{i} Import Road",
                "email": f"firm-{i}@{BENCH_EMAIL_DOMAIN}",
                "phone": "+86 451 5555 0101",
                "website": f"https://firm-{i}.example",
                "practice_areas": "; ".join(rng.sample(areas, 2)),
                "languages": "; ".join(rng.sample(languages, min(2, len(languages)))),
                "lawyers": "; ".join(f"Lawyer {ref(i * 3 + k)} (partner)" for k in range(3)),
                "other_offices": f"{rng.choice([c for c in cities if c.country_id == city.country_id]).slug}: "
                f"{i} Second Street",
            }
        )
    return out.getvalue().encode()


def time_import(n: int = IMPORT_ROWS):
    """The operator's preview (a dry run, rolled back) and the import itself, of one CSV of `n`
    new firms, from the file's bytes to the result; the import is rolled back afterwards so the
    benchmark's database stays as seeded. Returns (preview seconds, import seconds, outcomes)."""
    from django.db import transaction
    from import_export.formats.base_formats import CSV

    from directory.importing import FirmResource

    data = import_file(n)
    started = time.perf_counter()
    preview = FirmResource().import_data(CSV(encoding="utf-8-sig").create_dataset(data.decode()), dry_run=True)
    preview_s = time.perf_counter() - started
    with transaction.atomic():
        started = time.perf_counter()
        result = FirmResource().import_data(
            CSV(encoding="utf-8-sig").create_dataset(data.decode()), rollback_on_validation_errors=True
        )
        import_s = time.perf_counter() - started
        transaction.set_rollback(True)
    return preview_s, import_s, (preview.totals, result.totals)


def delete_bench_leads():
    from intake.models import Lead

    Lead.objects.filter(email__endswith=f"@{BENCH_EMAIL_DOMAIN}").delete()


def time_matching(lead_ids):
    from django.db import transaction

    from intake.matching import find_candidates
    from intake.models import Lead
    from intake.services.routing import lead_match

    leads = Lead.objects.select_related("city__region", "city__country", "practice_area", "preferred_language")
    find_ms, match_ms, candidates = [], [], {}
    for lead in leads.filter(pk__in=lead_ids):
        start = time.perf_counter()
        candidates[lead.pk] = find_candidates(lead=lead, needed=FANOUT)
        find_ms.append((time.perf_counter() - start) * 1000)
    for lead_id in lead_ids:
        with transaction.atomic():
            start = time.perf_counter()
            lead_match(lead_id=lead_id)
            match_ms.append((time.perf_counter() - start) * 1000)
            transaction.set_rollback(True)  # nothing written, nothing enqueued
    return find_ms, match_ms, candidates


class Mailbox:
    """An in-process SMTP server counting messages per (lead reference, recipients)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.counts = Counter()
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        # The reference as the bytes carry it (Django sends short-lined UTF-8 text unencoded),
        # rather than parsing the MIME message: this server shares the machine's two CPUs with
        # the worker it measures, and parsing cost a third of the worker's own time.
        found = BENCH_REF.search(envelope.content)
        key = (found.group().decode() if found else "?", tuple(sorted(envelope.rcpt_tos)))
        with self.lock:
            self.counts[key] += 1
        return "250 OK"

    def snapshot(self):
        with self.lock:
            return Counter(self.counts)


def deliver(candidates, mailbox, limit_seconds=90):
    """Write the matches found (as intake.services.routing.lead_match would), enqueue one
    intake.tasks.match_deliver per match on the worker's broker, and wait for the mail."""
    from django.utils import timezone

    from intake.models import Lead, Match
    from intake.tasks import match_deliver

    matches = Match.objects.bulk_create(
        Match(lead_id=lead_id, firm=c.firm, slot=slot, round=1, score=c.score, reason=c.reason)
        for lead_id, found in candidates.items()
        for slot, c in enumerate(found, start=1)
    )
    Lead.objects.filter(pk__in=list(candidates)).update(status=Lead.Status.MATCHED, matched_at=timezone.now())
    expected = len(matches)
    start = time.monotonic()
    for match in matches:
        match_deliver.delay(match.pk)
    log(f"{expected} match deliveries enqueued in {time.monotonic() - start:.1f} s")
    elapsed = None
    while time.monotonic() - start < limit_seconds:
        if sum(1 for count in mailbox.snapshot().values() if count >= 1) >= expected:
            elapsed = time.monotonic() - start
            break
        time.sleep(0.2)
    time.sleep(2)  # let a duplicate, if any, arrive
    counts = mailbox.snapshot()
    delivered_rows = Match.objects.filter(pk__in=[m.pk for m in matches], status=Match.Status.DELIVERED).count()
    return expected, elapsed, counts, delivered_rows


# --- nginx in front (deploy/nginx.conf) -------------------------------------------------------

# wrk's script for the rows through nginx: "host" gives every request a Host of its own (nginx
# keys its cache on the host, the app's page cache does not: an nginx miss the app may answer
# from its copy); "etag" sends If-None-Match, as nginx does when it revalidates an expired page.
NGINX_LUA = r"""
local mode = ""
local etag = ""
local prefix = ""
local counter = 0
function init(args)
  mode = args[1] or ""
  etag = args[2] or ""
  prefix = string.gsub(tostring({}), "[^%w]", "")
end
function request()
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  if mode == "host" then
    counter = counter + 1
    headers["Host"] = prefix .. "-" .. counter .. ".nginx-miss.invalid"
  elseif mode == "etag" then
    headers["If-None-Match"] = etag
  end
  return wrk.format("GET", wrk.path, headers)
end
"""
NGINX_LUA += WRK_DONE

# As browsers ask: nginx compresses a page as it leaves; static files come compressed.
NGINX_HEADERS = ("Accept-Encoding: gzip",)


def ensure_nginx():
    from bench import nginx as local_nginx

    if local_nginx.available():
        return
    log("installing nginx (apt-get install -y nginx-light; its service stays stopped)")
    run(["apt-get", "install", "-y", "nginx-light"], timeout=300)
    run(["service", "nginx", "stop"], check=False)


def wrk_nginx(url, lua, *, duration, mode="", etag=""):
    cmd = ["wrk", "-t2", "-c8", f"-d{duration}s", "--timeout", "5s", "-s", lua]
    for header in NGINX_HEADERS:
        cmd += ["-H", header]
    cmd += [url, "--", mode, etag]
    out = run(cmd, timeout=duration + 30).stdout
    line = next(row for row in out.splitlines() if row.startswith("BENCHJSON "))
    data = json.loads(line.removeprefix("BENCHJSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def described(data) -> str:
    text = f"{data['rps']:.0f} req/s (p50 {data['p50_us'] / 1000:.1f} ms, p95 {data['p95_us'] / 1000:.1f} ms at 8 conn"
    errors = data["bad_status"] + data["socket_errors"]
    return text + (f"; {errors} errors)" if errors else ")")


def https_get(url, headers=None):
    """http_get over TLS to the run's nginx (its self-signed certificate)."""
    import ssl
    import urllib.error
    import urllib.request

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), context=context) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def measure_nginx(table, *, web_env, port, urls, duration, tmp):
    """deploy/nginx.conf (bench/nginx.py) over TLS in front of the run's gunicorn: the cached
    landing page as a ratio to a static file from the same nginx, in alternation; then the
    landing page when nginx misses or revalidates it, with the app's page cache on and off
    (PAGE_CACHE_ENABLED), each on a gunicorn of its own. A failure here is one failed row: the
    rest of the run goes on."""
    try:
        _measure_nginx(table, web_env=web_env, port=port, urls=urls, duration=duration, tmp=tmp)
    except Exception as exc:
        log(f"through nginx: {exc}")
        table.add("through nginx", f"{type(exc).__name__}: {str(exc)[:200]}", "completes", False)


def _measure_nginx(table, *, web_env, port, urls, duration, tmp):
    from bench.nginx import LocalNginx

    ensure_nginx()
    gunicorn_cmd = [
        str(VENV_BIN / "gunicorn"),
        "--config",
        "python:lawzana.gunicorn_conf",
        "lawzana.wsgi:application",
        "--workers",
        str(GUNICORN_WORKERS),
        "--bind",
    ]
    lua = tmp / "nginx.lua"
    lua.write_text(NGINX_LUA)
    started = []

    def start_nginx(name, upstream_port):
        proxy = LocalNginx(
            upstream=f"127.0.0.1:{upstream_port}", http_port=free_port(), https_port=free_port(), folder=tmp / name
        )
        started.append(proxy)
        proxy.start()
        return f"https://127.0.0.1:{proxy.https_port}"

    try:
        front = start_nginx("nginx", port)
        landing = urls["landing"]
        html = https_get(f"{front}{landing}")[2].decode()
        static = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)[0]
        statuses = {}
        for path in (landing, static):
            for _ in range(3):
                status, headers, _body = https_get(f"{front}{path}", {"Accept-Encoding": "gzip"})
            statuses[path] = f"{status} {headers.get('X-Cache-Status', 'no X-Cache-Status')}"
        log(f"through nginx: landing {statuses[landing]}, {static} {statuses[static]}")
        runs = []
        for _ in range(2):
            runs.append(
                (
                    wrk_nginx(f"{front}{static}", lua, duration=duration),
                    wrk_nginx(f"{front}{landing}", lua, duration=duration),
                )
            )
        static_rps = sum(s["rps"] for s, _p in runs) / len(runs)
        page_rps = sum(p["rps"] for _s, p in runs) / len(runs)
        ratio = page_rps / static_rps
        errors = sum(s["bad_status"] + s["socket_errors"] + p["bad_status"] + p["socket_errors"] for s, p in runs)
        hit = statuses[landing] == "200 HIT"
        table.add(
            "static file through nginx (TLS, gzip asked)",
            f"{described(runs[-1][0])}; {static}: {statuses[static]}",
            "reference",
            None,
        )
        table.add(
            "landing through nginx (cached; TLS, gzip)",
            f"{ratio:.2f}x ({described(runs[-1][1])}); {statuses[landing]}",
            ">= 0.50x static through nginx, HIT",
            ratio >= 0.5 and hit and not errors,
        )

        # nginx misses and revalidations reach the app: with its own copy, or rendering.
        for enabled in (True, False):
            label = "app's page cache on" if enabled else "app's page cache off, rendered"
            app_port = free_port()
            app_env = {
                **web_env,
                "PAGE_CACHE_ENABLED": "true" if enabled else "false",
                "ALLOWED_HOSTS": "127.0.0.1,.nginx-miss.invalid",
            }
            app = Process(
                f"gunicorn-{label}", [*gunicorn_cmd, f"127.0.0.1:{app_port}"], app_env, tmp / f"gunicorn-{enabled}.log"
            )
            try:
                wait_http(f"http://127.0.0.1:{app_port}/bench/hello", 60)
                for _ in range(20):  # the app's copies: shared, then each worker's own
                    status, headers, _body = http_get(f"http://127.0.0.1:{app_port}{landing}")
                etag = headers.get("ETag", "")
                proxied = start_nginx(f"nginx-{enabled}", app_port)
                missed = wrk_nginx(f"{proxied}{landing}", lua, duration=duration, mode="host")
                revalidated = wrk_nginx(
                    f"http://127.0.0.1:{app_port}{landing}", lua, duration=duration, mode="etag", etag=etag
                )
                answer = http_get(f"http://127.0.0.1:{app_port}{landing}", {"If-None-Match": etag})[0]
            finally:
                app.stop()
            table.add(f"landing through nginx, nginx missed: {label}", described(missed), "information", None)
            table.add(
                f"landing: nginx's revalidation (If-None-Match): {label}",
                f"{described(revalidated)}; answered {answer}",
                "304",
                answer == 304 and not revalidated["bad_status"] + revalidated["socket_errors"],
            )
    finally:
        for proxy in started:
            proxy.stop()


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk measurement")
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (default: a free one)")
    parser.add_argument(
        "--size",
        type=int,
        default=DEFAULT_SIZE,
        help="firms in the database (reviews 10x, lawyers 3x); its own database, lawzana_bench_<size>",
    )
    parser.add_argument(
        "--db", help="database name (default lawzana_bench at 10,000 firms, else lawzana_bench_<size>)"
    )
    parser.add_argument(
        "--only",
        choices=["rendered"],
        help="rendered: only the pages rendered on every request (p95 server time) and the machine load",
    )
    parser.add_argument(
        "--redis-dbs",
        default=",".join(map(str, REDIS_DBS)),
        help="three Redis database numbers: web broker, worker broker, cache (flushed; default 8,10,11)",
    )
    args = parser.parse_args()
    if args.size < 100:
        parser.error("--size must be at least 100")
    args.db = args.db or ("lawzana_bench" if args.size == DEFAULT_SIZE else f"lawzana_bench_{args.size}")
    try:
        web_broker_db, worker_broker_db, cache_db = (int(n) for n in args.redis_dbs.split(","))
    except ValueError:
        parser.error("--redis-dbs takes three numbers, e.g. 12,13,14")
    size_label = f"{args.size:,}"
    table = Table()
    load_at_start = os.getloadavg()
    processes = []
    mailbox = None
    tmp = Path(tempfile.mkdtemp(prefix="lawzana-bench-"))
    database_url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{args.db}"
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    mail_port_holder = {}
    production = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60)),
        "CONFLICT_CHECK_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP over loopback
        "SECURE_HSTS_SECONDS": "0",
        "BENCH_CONTROL_PAGE": "true",  # /bench/hello, the control: only this server has it
        "SITE_URL": base,
        "DATABASE_URL": database_url,
        "REDIS_CACHE_URL": f"{REDIS}/{cache_db}",
        # The web processes send no mail here; the worker's goes to the benchmark's mailbox.
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    dev = {**os.environ, "DJANGO_ENV": "development", "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    dev.pop("REDIS_URL", None)
    try:
        ensure_wrk()
        ensure_database(args.db, dev, args.size)
        for db in (web_broker_db, worker_broker_db, cache_db):
            redis_flush(db)
        log("collectstatic")
        run(
            [PY, "manage.py", "collectstatic", "--noinput"],
            env={**production, "REDIS_URL": f"{REDIS}/{web_broker_db}"},
        )

        mailbox = Mailbox()
        mailbox.controller.start()
        mail_port_holder["port"] = mailbox.port
        web_env = {**production, "REDIS_URL": f"{REDIS}/{web_broker_db}"}
        worker_env = {
            **production,
            "REDIS_URL": f"{REDIS}/{worker_broker_db}",
            "EMAIL_URL": f"smtp://127.0.0.1:{mailbox.port}",
        }
        gunicorn = Process(
            "gunicorn",
            [
                str(VENV_BIN / "gunicorn"),
                "--config",
                "python:lawzana.gunicorn_conf",
                "lawzana.wsgi:application",
                "--workers",
                str(GUNICORN_WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            web_env,
            tmp / "gunicorn.log",
        )
        processes.append(gunicorn)
        worker = None
        if args.only != "rendered":
            worker = Process(
                "celery",
                [
                    str(VENV_BIN / "celery"),
                    "-A",
                    "lawzana",
                    "worker",
                    "--concurrency=2",
                    "--loglevel=WARNING",
                    "--without-gossip",
                    "--without-mingle",
                ],
                worker_env,
                tmp / "celery.log",
            )
            processes.append(worker)
        wait_http(f"{base}/bench/hello", 60)

        # The in-process side talks to the same database, cache and worker broker.
        django_setup(
            {
                "DJANGO_ENV": "development",
                "DEBUG": "false",
                "DATABASE_URL": database_url,
                "REDIS_URL": f"{REDIS}/{worker_broker_db}",
                "REDIS_CACHE_URL": f"{REDIS}/{cache_db}",
                "EMAIL_URL": f"smtp://127.0.0.1:{mailbox.port}",
                "LEAD_EMAIL_CONFIRMATION": "false",
                "LOG_LEVEL": "WARNING",
                "BENCH_CONTROL_PAGE": "true",
                # As in production, so that the query counts are those gunicorn's pages run.
                "PROFILE_VIEW_FLUSH_SECONDS": "10",
            }
        )
        delete_bench_leads()  # leftovers of an interrupted run
        urls = pick_urls()
        log(f"pages: { {k: v for k, v in urls.items() if k != 'guide'} }")
        lua = tmp / "bench.lua"
        lua.write_text(LUA)

        # Throughput as anonymous visitors get the pages the page cache serves, as a ratio to
        # the control measured in alternation with each.
        cached = [
            ("landing, anonymous (cached)", urls["landing"], 0.8),
            ("firm profile (cached)", urls["firm"], 0.3),
            ("filtered listing (cached)", urls["filtered"], 0.3),
            (f"search over {size_label} firms (cached)", urls["search"], 0.3),
        ]
        # Every page rendered on every request: the cached pages when their copy is missed
        # (a unique query string) and the pages no cache serves. One connection, so that the
        # time is the page's own work, without queueing.
        rendered = [
            ("landing", urls["landing"]),
            ("firm profile", urls["firm"]),
            ("filtered listing", urls["filtered"]),
            (f"search over {size_label} firms", urls["search"]),
            (f"Chinese search over {size_label} firms", urls["search_zh"]),
            ("request form, first step", urls["form"]),
            ("home", "/"),
            ("cities", "/lawyers/"),
            ("a city's guides", urls["city"]),
            ("practice areas", "/practice-areas/"),
            ("a practice area's guides", urls["area"]),
            ("comparing three firms", urls["compare"]),
            ("how we rank", "/how-we-rank/"),
        ]
        for _name, path, *_rest in [*cached, *rendered]:
            for _ in range(20):  # warm-up: connections, template caches, the page cache
                status = http_get(f"{base}{path}")[0]
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
        if args.only == "rendered":
            cached = []
        controls = []
        for name, path, target in cached:
            log(f"measuring {name}")
            runs = []
            for _ in range(2):
                control = wrk(f"{base}/bench/hello", lua, duration=args.duration)
                page = wrk(f"{base}{path}", lua, duration=args.duration)
                controls.append(control)
                runs.append((control, page))
            ratio = sum(p["rps"] for _c, p in runs) / sum(c["rps"] for c, _p in runs)
            errors = sum(p["bad_status"] + p["socket_errors"] for _c, p in runs)
            p50 = max(p["p50_us"] for _c, p in runs) / 1000
            p95_load = max(p["p95_us"] for _c, p in runs) / 1000
            queries, status = count_queries(path)
            measured = (
                f"{ratio:.2f}x ({sum(p['rps'] for _c, p in runs) / 2:.0f} req/s; p50 {p50:.1f} ms, "
                f"p95 {p95_load:.1f} ms at 8 conn; {queries} queries)"
            )
            if errors:
                measured += f"; {errors} errors"
            table.add(name, measured, f">= {target:.2f}x control", ratio >= target and not errors)
        for name, path in rendered:
            log(f"measuring {name}, rendered every request")
            single = wrk(
                f"{base}{path}", lua, duration=max(2, args.duration // 2), connections=1, threads=1, bust=True
            )
            server_p95 = single["p95_us"] / 1000
            errors = single["bad_status"] + single["socket_errors"]
            queries, _status = count_queries(path, bust=True)
            measured = f"{server_p95:.1f} ms (1 conn, p50 {single['p50_us'] / 1000:.1f} ms; {queries} queries)"
            if path == urls["search_zh"]:
                from directory.selectors import firm_search

                found = firm_search(query=ZH_QUERY).count()
                measured += f"; {found} firms found"
            if errors:
                measured += f"; {errors} errors"
            table.add(f"{name}: p95 server time, rendered", measured, "< 50 ms", server_p95 < 50 and not errors)
        if not controls:  # --only rendered: the control once, to say how fast the machine was
            controls.append(wrk(f"{base}/bench/hello", lua, duration=args.duration))
        control_rps = sum(c["rps"] for c in controls) / len(controls)
        table.rows.insert(
            0,
            (
                "control /bench/hello",
                f"{control_rps:.0f} req/s (p50 {max(c['p50_us'] for c in controls) / 1000:.1f} ms, "
                f"p95 {max(c['p95_us'] for c in controls) / 1000:.1f} ms at 8 conn)",
                "reference",
                None,
            ),
        )

        if args.only != "rendered":
            # docs/reliability.md L6: many visitors at once (its wrk -t4 -c64), for this node of 2 workers.
            log("measuring landing, anonymous, 64 connections")
            crowd = wrk(f"{base}{urls['landing']}", lua, duration=args.duration, connections=64, threads=4)
            crowd_errors = crowd["bad_status"] + crowd["socket_errors"]
            table.add(
                "landing, anonymous, 64 connections",
                f"{crowd['rps']:.0f} req/s (p50 {crowd['p50_us'] / 1000:.1f} ms, p95 {crowd['p95_us'] / 1000:.1f} ms"
                + (f"; {crowd_errors} errors)" if crowd_errors else ")"),
                ">= 500 req/s, p95 <= 100 ms",
                crowd["rps"] >= 500 and crowd["p95_us"] <= 100_000 and not crowd_errors,
            )

            # Conditional GET and cookies on the cached landing page.
            status, headers, body = http_get(f"{base}{urls['landing']}")
            etag = headers.get("ETag", "")
            status_304 = http_get(f"{base}{urls['landing']}", {"If-None-Match": etag})[0] if etag else None
            table.add(
                "landing: If-None-Match answered", f"{status_304} (ETag {etag or 'missing'})", "304", status_304 == 304
            )
            cookie = headers.get("Set-Cookie")
            table.add("landing: Set-Cookie for anonymous", cookie or "none", "none", cookie is None)

            # Page weight and static files.
            html = body.decode()
            table.add("landing HTML size", f"{len(body) / 1024:.1f} KB", "< 50 KB", len(body) < 50 * 1024)
            from django.utils.html import escape

            # Data blocks (the JSON-LD breadcrumbs) are not scripts a browser runs.
            scripts = sum(
                1
                for attrs in re.findall(r"<script\b([^>]*)>", html, re.IGNORECASE)
                if not re.search(r'type="application/(?:ld\+)?json"', attrs)
            )
            cards = len(re.findall(r'<article class="firm-card[ "]', html))
            has_guide = escape(urls["guide"].summary) in html
            table.add(
                "landing: readable without JavaScript",
                f"{scripts} scripts to run; the guide's summary {'in' if has_guide else 'NOT in'} the HTML, "
                f"{cards} firm cards",
                "no script; guide and firms in the HTML",
                scripts == 0 and has_guide and cards > 0,
            )
            css_urls = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
            css_bytes, static_ok, static_note = 0, bool(css_urls), []
            for css in css_urls:
                s_status, s_headers, s_body = http_get(f"{base}{css}")
                css_bytes += len(s_body)
                hashed = re.search(r"\.[0-9a-f]{12}\.css$", css) is not None
                cache_control = s_headers.get("Cache-Control", "")
                max_age = re.search(r"(?:^|[,\s])max-age=(\d+)(?:$|[,\s])", cache_control)
                one_year = max_age is not None and int(max_age.group(1)) == 31536000
                ok = s_status == 200 and hashed and one_year and "immutable" in cache_control
                static_ok = static_ok and ok
                static_note.append(f"{css}: {cache_control or 'no Cache-Control'}")
            table.add(
                "all CSS size",
                f"{css_bytes / 1024:.1f} KB ({len(css_urls)} files)",
                "< 30 KB",
                bool(css_urls) and css_bytes < 30 * 1024,
            )
            table.add(
                "static: hashed names, immutable",
                "; ".join(static_note) or "no stylesheet found",
                "max-age=31536000, immutable",
                static_ok,
            )

            log("measuring through nginx (README: Performance)")
            measure_nginx(table, web_env=web_env, port=port, urls=urls, duration=args.duration, tmp=tmp)

            # Matching.
            log(f"matching {LEADS} synthetic leads")
            lead_ids = make_leads(LEADS)
            find_ms, match_ms, candidates = time_matching(lead_ids)
            found = sum(1 for c in candidates.values() if len(c) == FANOUT)
            table.add(
                "matching: find_candidates p95",
                f"{p95(find_ms):.1f} ms (p50 {sorted(find_ms)[len(find_ms) // 2]:.1f} ms; "
                f"{found}/{LEADS} got {FANOUT})",
                "< 20 ms",
                p95(find_ms) < 20,
            )
            table.add(
                "matching: lead_match p95 (rolled back)",
                f"{p95(match_ms):.1f} ms (p50 {sorted(match_ms)[len(match_ms) // 2]:.1f} ms)",
                "< 20 ms",
                p95(match_ms) < 20,
            )

            # Delivery through Redis and the Celery worker.
            log("delivering matches through Celery (up to 90 s)")
            expected, elapsed, counts, delivered_rows = deliver(candidates, mailbox)
            once = sum(1 for count in counts.values() if count == 1)
            dupes = sum(count - 1 for count in counts.values() if count > 1)
            good = (
                expected == LEADS * FANOUT and once == expected and not dupes and elapsed is not None and elapsed < 60
            )
            table.add(
                f"delivery: {LEADS} leads x {FANOUT} via Celery",
                f"{once}/{expected} delivered once, {dupes} duplicates, "
                f"{f'{elapsed:.1f} s' if elapsed is not None else 'not done in 90 s'}; "
                f"{delivered_rows} rows delivered",
                f"{LEADS * FANOUT} exactly once in < 60 s",
                good,
            )

            # The operators' import of a city's firms (directory/importing.py).
            log(f"importing a {IMPORT_ROWS:,}-row file of firms (preview, then import; rolled back)")
            preview_s, import_s, (preview_totals, import_totals) = time_import()
            for label, seconds, totals in (
                ("preview (dry run)", preview_s, preview_totals),
                ("import (one transaction)", import_s, import_totals),
            ):
                table.add(
                    f"firm import: {IMPORT_ROWS:,}-row CSV, {label}",
                    f"{seconds:.1f} s ({totals['new']} new, {totals['invalid'] + totals['error']} refused)",
                    "< 60 s, every row new",
                    seconds < 60 and totals["new"] == IMPORT_ROWS,
                )

            # Memory after the run.
            web_rss = [rss_mb(pid) for pid in children(gunicorn.proc.pid)]
            worker_rss = [rss_mb(worker.proc.pid), *(rss_mb(pid) for pid in children(worker.proc.pid))]
            table.add(
                "memory: gunicorn workers RSS",
                ", ".join(f"{mb:.0f} MB" for mb in web_rss) or "no worker found",
                "< 150 MB each",
                bool(web_rss) and max(web_rss) < 150,
            )
            table.add(
                "memory: Celery processes RSS",
                ", ".join(f"{mb:.0f} MB" for mb in worker_rss),
                "< 150 MB each",
                max(worker_rss) < 150,
            )
        # The machine may be shared: say how busy it was, since every figure depends on it.
        table.add(
            "machine load (1-min average)",
            f"{load_at_start[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end ({os.cpu_count()} CPUs)",
            "information",
            None,
        )
    except Exception as exc:  # still print what was measured, and fail
        import traceback

        traceback.print_exc()
        table.add(
            "benchmark run",
            f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}",
            "completes",
            False,
        )
    finally:
        try:
            from django.apps import apps

            if apps.ready:
                delete_bench_leads()
        except Exception as exc:
            log(f"could not delete the bench leads: {exc}")
        for process in reversed(processes):
            process.stop()
        if mailbox is not None:
            mailbox.controller.stop()
        for db in (web_broker_db, worker_broker_db, cache_db):
            with contextlib.suppress(Exception):
                redis_flush(db)
        log(f"logs kept in {tmp}")

    print(table.render())
    misses = table.misses()
    if misses:
        print(f"\nMissed: {'; '.join(name.strip() for name in misses)}")
        return 1
    print("\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
