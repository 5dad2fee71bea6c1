"""One-command audit: `scripts/dev audit` (or `make audit`, or `.venv/bin/python audit/run.py`).

Builds a fresh SQLite database with the demo data (`seed_demo`, which runs only under the
development settings), then serves it with gunicorn and the production settings on loopback
(DEBUG off, a throwaway SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, the HTTPS redirect and HSTS off
for plain HTTP, as bench/run.py does), and checks each page people meet most:

- Lighthouse (the npm package pinned in audit/package-lock.json, which scripts/dev installs
  with `npm ci --ignore-scripts`, so it never downloads a browser; it drives Debian's Chromium
  at /usr/bin/chromium) on its mobile profile: performance, accessibility, best practices and
  SEO. SEO only on pages search engines may index: a page that says noindex (the status page,
  the portal, search) shows "noindex" instead, since Lighthouse fails it for that on purpose;
- the Nu HTML Checker (audit/checks.py) on the HTML the server sent;
- axe-core in the page (audit/checks.py): violations of impact serious or critical.

The later steps of the request form keep their answers in the session: Playwright fills the
form and Lighthouse gets the same session cookie. The portal pages get a signed-in session of
the demo firm's owner (who has a second factor, which the portal asks for: portal/access.py),
written to the session store directly.

It prints one table (page x scores), then what failed, and exits 1 when any score is below
its target (TARGETS), 0 otherwise. Everything it starts is stopped on the way out.

Options: --port, --only NAME (pages whose name contains it), --keep (keep the work folder).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from audit.checks import (  # noqa: E402
    INSTALL_HINT,
    VNU_JAR,
    axe_violations,
    blocking,
    describe_axe_violations,
    nu_checker_errors,
)
from bench.harness import (  # noqa: E402 (run as a script: the project root goes on the path first)
    PY,
    ROOT,
    VENV_BIN,
    Process,
    django_setup,
    free_port,
    logger,
    run,
    table,
    wait_http,
)

log = logger("audit")
AUDIT = ROOT / "audit"
LIGHTHOUSE = AUDIT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The targets, in one place: a Lighthouse score (0-100) at least this, at most this many
# Nu HTML Checker errors and axe violations of impact serious or critical.
TARGETS = {
    "performance": 95,
    "accessibility": 100,
    "best-practices": 100,
    "seo": 100,
    "nu": 0,
    "axe": 0,
}
GUNICORN_WORKERS = 2


def session_cookie_name(production_env) -> str:
    # lawzana/settings.py names the production cookies with the __Host- prefix.
    return "__Host-sessionid" if production_env.get("DJANGO_ENV") == "production" else "sessionid"


# --- the in-process Django side: which pages, and a signed-in portal session -------------------


def pick_pages():
    """(name, path, who) for every page audited; who is "visitor", "client" (the form's
    session) or "firm" (the portal session)."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils import translation

    from demo.management.commands.seed_demo import DEMO_FIRM_SLUG
    from directory.models import Firm
    from directory.selectors import firms_serving
    from guides.models import Guide
    from intake.models import Lead

    with_firms = without_firms = None
    for guide in Guide.objects.published().for_language("en").with_place().order_by("pk"):
        serving = firms_serving(practice_area=guide.practice_area, city=guide.city).count()
        if serving and with_firms is None:
            with_firms = guide
        if not serving and without_firms is None:
            without_firms = guide
    if with_firms is None or without_firms is None:
        raise RuntimeError("the demo data has no published guide with firms, or none without")
    firm = Firm.objects.listed().filter(review_count__gt=0).order_by("-review_count", "pk").first()
    lead = Lead.objects.filter(matches__firm__slug=DEMO_FIRM_SLUG).order_by("pk").first()
    if firm is None or lead is None:
        raise RuntimeError("the demo data has no firm with reviews, or no request for the demo firm")
    form = f"/requests/new/?city={with_firms.city_id}&practice_area={with_firms.practice_area_id}"
    # The Chinese pages are held to the same targets (issue: Chinese and English).
    chinese_guide = Guide.objects.published().for_language("zh-hans").with_place().order_by("pk").first()
    if chinese_guide is None:
        raise RuntimeError("the demo data has no published guide in Chinese")
    with translation.override("zh-hans"):
        chinese = {
            "home": reverse("guides:home"),
            "guide": chinese_guide.get_absolute_url(),
            "firm": firm.get_absolute_url(),
            "search": reverse("directory:search") + "?" + urlencode({"q": "哈尔滨 律师"}),
        }
    return [
        ("home", "/", "visitor"),
        ("landing page with firms", with_firms.get_absolute_url(), "visitor"),
        ("landing page without firms", without_firms.get_absolute_url(), "visitor"),
        ("firm profile with reviews", firm.get_absolute_url(), "visitor"),
        ("search", f"/search/?q={with_firms.city.slug}", "visitor"),
        ("form step 1: what", form, "client"),
        ("form step 2: details", None, "client"),
        ("form step 3: contact", None, "client"),
        ("request status", lead.get_absolute_url(), "visitor"),
        ("portal inbox", f"/portal/{DEMO_FIRM_SLUG}/requests/", "firm"),
        ("portal overview", f"/portal/{DEMO_FIRM_SLUG}/", "firm"),
        ("Chinese home", chinese["home"], "visitor"),
        ("Chinese landing page with its guide", chinese["guide"], "visitor"),
        ("Chinese firm profile", chinese["firm"], "visitor"),
        ("Chinese search", chinese["search"], "visitor"),
    ]


def firm_session() -> str:
    """A session key signed in as the demo firm's owner, as after a sign-in with both factors:
    the portal asks only that the user has a second factor enrolled (portal/access.py); the
    idle and absolute time limits (accounts/middleware.py) start from the first request."""
    from importlib import import_module

    from allauth.mfa.utils import is_mfa_enabled
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    from demo.management.commands.seed_demo import DEMO_FIRM_USER

    user = get_user_model().objects.get(email=DEMO_FIRM_USER[0])
    assert is_mfa_enabled(user), "the demo firm user has no second factor"
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


# --- the browser side: each page's HTML and axe, and the form's session -------------------------


def visit_pages(base, pages, cookie_name, firm_key, html_dir):
    """Open every page in Chromium as its visitor does, saving its HTML in html_dir; returns
    {name: (url, axe violations, noindex)}, {HTML file name: page name} and the form's
    session key."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    axe = Axe()
    found, files = {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        contexts = {}

        def page_for(who):
            if who not in contexts:
                context = browser.new_context(base_url=base, locale="en-GB", viewport={"width": 412, "height": 823})
                context.set_default_timeout(30_000)
                if who == "firm":
                    context.set_extra_http_headers({"Cookie": f"{cookie_name}={firm_key}"})
                page = context.new_page()
                page.documents = []
                page.on(
                    "response",
                    lambda r, page=page: (
                        page.documents.append(r)
                        if r.request.resource_type == "document" and r.frame == page.main_frame
                        else None
                    ),
                )
                contexts[who] = page
            return contexts[who]

        def record(name, page, url=None):
            page.wait_for_load_state()
            document = page.documents[-1]
            if not document.ok:
                raise RuntimeError(f"{name}: {document.url} answered {document.status}")
            if url is not None and not page.url.endswith(url):
                raise RuntimeError(f"{name}: {url} led to {page.url}")
            html = document.text()
            file = f"{len(found) + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', name)}.html"
            (html_dir / file).write_text(html)
            files[file] = name
            robots = " ".join(re.findall(r'<meta name="robots" content="([^"]*)"', html))
            noindex = "noindex" in robots or "noindex" in document.headers.get("x-robots-tag", "")
            found[name] = (page.url, axe_violations(page, axe), noindex)
            log(f"{name}: {page.url}")

        for name, path, who in pages:
            page = page_for(who)
            if path is not None:
                page.goto(path)
                record(name, page, path)
            elif name.startswith("form step 2"):
                page.get_by_role("button", name="Next").click()
                expect(page.get_by_text("Step 2 of 3")).to_be_visible()
                record(name, page)
            elif name.startswith("form step 3"):
                page.get_by_label("Describe your situation").fill(
                    "Our trading company wants to add a second shareholder and change the legal representative."
                )
                page.get_by_label("Within a few weeks").check()
                page.get_by_label("Not sure yet").check()
                page.get_by_label("A business or organisation").check()
                page.get_by_role("button", name="Next").click()
                expect(page.get_by_text("Step 3 of 3")).to_be_visible()
                record(name, page)
        # Only the form's later steps need the client's session (--only may leave them out).
        walked_the_form = "client" in contexts
        cookies = contexts["client"].context.cookies() if walked_the_form else []
        client_key = next((c["value"] for c in cookies if c["name"] == cookie_name), None)
        browser.close()
    if walked_the_form and client_key is None:
        raise RuntimeError(f"the request form set no {cookie_name} cookie")
    return found, files, client_key


# --- Lighthouse -----------------------------------------------------------------------------------


def ensure_tools():
    """Lighthouse and the Nu HTML Checker are installed (scripts/dev audit installs them)."""
    for path in (LIGHTHOUSE, VNU_JAR):
        if not path.exists():
            raise RuntimeError(f"no {path}: {INSTALL_HINT}")
    if shutil.which("java") is None:
        raise RuntimeError("needs Java for the Nu HTML Checker (apt-get install default-jre-headless)")
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")


class LighthouseHiccup(RuntimeError):
    """Lighthouse could not record the page load ("Something went wrong with recording the
    trace", NO_NAVSTART, NO_FCP...): its own failure, not the page's, which a new run clears."""


# Runs of one page before a Lighthouse hiccup fails the audit: with Chromium 156, Lighthouse 12
# missed about one page load in eight (NO_NAVSTART), so five runs make a failed audit rare.
LIGHTHOUSE_ATTEMPTS = 5


def lighthouse(url, categories, out, cookie=None, speeds=None):
    """{category: score 0-100} and the audits that cost points, for one page; appends the
    machine's speed as Lighthouse measured it (its benchmark index) to `speeds`."""
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        try:
            return _lighthouse_once(url, categories, out, cookie, speeds)
        except LighthouseHiccup as hiccup:
            if attempt == LIGHTHOUSE_ATTEMPTS:
                raise
            log(f"{hiccup}; running it again ({attempt + 1} of {LIGHTHOUSE_ATTEMPTS})")
            out.unlink(missing_ok=True)


def _lighthouse_once(url, categories, out, cookie, speeds):
    cmd = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(categories)}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
    ]
    if cookie:
        headers = out.with_suffix(".headers.json")
        headers.write_text(json.dumps({"Cookie": cookie}))
        cmd.append(f"--extra-headers={headers}")
    result = subprocess.run(
        cmd, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300
    )
    if "Runtime error encountered" in result.stderr:
        raise LighthouseHiccup(f"lighthouse {url}: {result.stderr.strip().splitlines()[-1]}")
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse {url} failed:\n{result.stderr[-2000:]}")
    report = json.loads(out.read_text())
    if report.get("runtimeError"):
        raise LighthouseHiccup(f"lighthouse {url}: {report['runtimeError']}")
    if report["finalDisplayedUrl"] != url:  # a session not taken would lead to the sign-in page
        raise RuntimeError(f"lighthouse {url} was led to {report['finalDisplayedUrl']}")
    if speeds is not None:
        speeds.append(report["environment"]["benchmarkIndex"])
    scores, lost = {}, []
    for key, category in report["categories"].items():
        scores[key] = None if category["score"] is None else round(category["score"] * 100)
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                shown = audit.get("displayValue") or ""
                lost.append(f"{key}: {audit['id']} ({audit['score']:.2f}) {audit['title']} {shown}".rstrip())
    return scores, lost


# --- the table ------------------------------------------------------------------------------------


def score_cell(value, target):
    if value is None:
        return "error"
    return f"{value}" if value >= target else f"{value} (< {target})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (default: a free one)")
    parser.add_argument("--only", default="", help="audit only the pages whose name contains this")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (reports, HTML, logs)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lawzana-audit-"))
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    secret_key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    common = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'audit.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        # The same key for the seeding side and the server: the portal session written here
        # is signed with it.
        "SECRET_KEY": secret_key,
        "SITE_URL": base,
        "LOG_LEVEL": "WARNING",
    }
    # No REDIS_URL: the local cache and in-process tasks, as the embedded defaults run.
    common.pop("REDIS_URL", None)
    common.pop("REDIS_CACHE_URL", None)
    development = {**common, "DJANGO_ENV": "development", "EMAIL_URL": "consolemail://"}
    production = {
        **common,
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP over loopback
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_URL": "consolemail://",
        # The embedded defaults' SQLite and in-process tasks, with production's pages and headers.
        "PRODUCTION_WITHOUT_SERVICES": "true",
    }
    cookie_name = session_cookie_name(production)
    processes = []
    rows, details, misses, speeds = [], [], [], []
    head = ("page", "LH perf", "LH a11y", "LH best practices", "LH SEO", "Nu errors", "axe serious/critical")
    started = time.monotonic()
    try:
        ensure_tools()
        log("migrate and seed_demo (development settings: the demo app exists only there)")
        run([PY, "manage.py", "migrate", "--noinput"], env=development)
        run([PY, "manage.py", "seed_demo"], env=development)
        log("collectstatic")
        run([PY, "manage.py", "collectstatic", "--noinput"], env=production)
        processes.append(
            Process(
                "gunicorn",
                [str(VENV_BIN / "gunicorn"), "--config", "python:lawzana.gunicorn_conf", "lawzana.wsgi:application",
                 "--workers", str(GUNICORN_WORKERS), "--bind", f"127.0.0.1:{port}"],
                production, tmp / "gunicorn.log",
            )
        )  # fmt: skip
        wait_http(f"{base}/healthz", 60)

        django_setup(development)
        pages = pick_pages()
        if args.only:
            chosen = {name for name, _path, _who in pages if args.only.lower() in name.lower()}
            # The form's later steps are reached only through the first.
            form = any(name.startswith("form step") for name in chosen)
            pages = [p for p in pages if p[0] in chosen or (form and p[0].startswith("form step"))]
        firm_key = firm_session()
        html_dir = tmp / "html"
        html_dir.mkdir()
        found, files, client_key = visit_pages(base, pages, cookie_name, firm_key, html_dir)

        log("the Nu HTML Checker")
        nu = {}
        for error in nu_checker_errors(html_dir, files):
            page_name = error.split(" line ", 1)[0]
            nu.setdefault(page_name, []).append(error)

        cookies = {"client": f"{cookie_name}={client_key}", "firm": f"{cookie_name}={firm_key}"}
        for index, (name, _path, who) in enumerate(pages, start=1):
            url, violations, noindex = found[name]
            categories = [c for c in CATEGORIES if not (c == "seo" and noindex)]
            log(f"lighthouse {index}/{len(pages)}: {name}")
            out = tmp / f"lighthouse-{index:02d}.json"
            scores, lost = lighthouse(url, categories, out, cookies.get(who), speeds)
            if scores.get("performance") is not None and scores["performance"] < TARGETS["performance"]:
                # One run's performance varies with what else the machine does (its main-thread
                # time is multiplied by the mobile profile's CPU slowdown): below target, the
                # median of three runs counts, as Lighthouse's own docs advise.
                runs = [scores["performance"]]
                for again in (2, 3):
                    log(f"lighthouse {index}/{len(pages)}: {name}, performance run {again} of 3")
                    out = tmp / f"lighthouse-{index:02d}-performance-{again}.json"
                    runs.append(lighthouse(url, ["performance"], out, cookies.get(who), speeds)[0]["performance"])
                scores["performance"] = sorted(runs)[1]
                lost.append(f"performance: the median of three runs counts: {sorted(runs)}")
            serious = blocking(violations)
            nu_errors = nu.get(name, [])
            row = [name]
            for category in CATEGORIES:
                if category not in categories:
                    row.append("noindex")
                    continue
                value = scores.get(category)
                row.append(score_cell(value, TARGETS[category]))
                if value is None or value < TARGETS[category]:
                    misses.append(f"{name}: {category} {value}")
            row += [len(nu_errors), len(serious)]
            if len(nu_errors) > TARGETS["nu"]:
                misses.append(f"{name}: {len(nu_errors)} Nu errors")
            if len(serious) > TARGETS["axe"]:
                misses.append(f"{name}: {len(serious)} serious/critical axe violations")
            rows.append(row)
            details += [f"{name}: {line}" for line in lost]
            details += nu_errors
            details += describe_axe_violations(name, serious)
    except Exception as exc:  # still print what was measured, and fail
        import traceback

        traceback.print_exc()
        misses.append(f"audit run: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}")
    finally:
        for process in reversed(processes):
            process.stop()
        if args.keep:
            log(f"work folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print(table(head, rows))
    print(
        f"\nTargets: Lighthouse (mobile) performance >= {TARGETS['performance']}, accessibility, best practices "
        f"and SEO {TARGETS['accessibility']}; SEO only where search engines may index the page; "
        f"{TARGETS['nu']} Nu HTML Checker errors; {TARGETS['axe']} axe violations of impact serious or critical. "
        f"({time.monotonic() - started:.0f} s)"
    )
    if speeds:
        # Lighthouse's simulated phone multiplies the main thread's time as observed here: on a
        # busy machine (a low index) performance drops with no change to the pages.
        print(
            f"Machine speed (Lighthouse's benchmark index, higher is faster): {min(speeds):.0f} to "
            f"{max(speeds):.0f} over {len(speeds)} runs; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
        )
    if details:
        print("\nWhat cost points:\n" + "\n".join(f"- {line}" for line in details))
    if misses:
        print(f"\nBelow target: {'; '.join(misses)}")
        return 1
    print("\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
