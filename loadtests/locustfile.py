"""Locust load for Lawzana: readers of landing pages and clients sending requests through the
real three-step form. Run by loadtests/run.py (`scripts/dev load`), which serves the site,
writes the plan and checks the outcome; on its own:

    LOAD_PLAN=plan.json LOAD_RESULTS=results.json locust -f loadtests/locustfile.py --host http://127.0.0.1:8000

LOAD_PLAN is a JSON file: {"landings": [path, ...], "profiles": [path, ...], "targets":
[[city_id, practice_area_id], ...], "email_domain": "load.lawzana.invalid"}. At the end,
LOAD_RESULTS receives {"submitted": [email, ...], "status_counts": {"200": n, ...}, "timings":
{name: [ms, ...]}, "failures": {name: n}, "problems": [text, ...], "page_cache": {name: {"hit":
n, "miss": n, "stale": n}}}: every email whose request reached the success page, how many
responses had each status, each request's time by endpoint, and how the page cache answered
the pages it keeps (the X-Page-Cache header, lawzana/page_cache.py).

The site runs with production settings over plain HTTP: its cookies are Secure (and
__Host- prefixed), which an HTTP client keeps but never sends back over http://, so each
client carries its cookies itself, as a browser behind TLS would.
"""

import json
import os
import random
import re
import uuid
from collections import Counter, defaultdict

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read()) if os.environ.get("LOAD_PLAN") else {}  # noqa: SIM115
FORM = "/requests/new/"
SENT = "/requests/sent/"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CURRENT_STEP = re.compile(r'name="lead_new-current_step" value="([^"]+)"')
# The form's signed fill-time clock: a page carries it until a POST has brought it back.
CLOCK_FIELD = re.compile(r'name="lead_new-started" value="([^"]+)"')

submitted: list[str] = []
status_counts: Counter = Counter()
timings: defaultdict[str, list[float]] = defaultdict(list)
failures: Counter = Counter()
problems: list[str] = []
page_cache: defaultdict[str, Counter] = defaultdict(Counter)


@events.request.add_listener
def record(name, response_time, response=None, exception=None, **kwargs):
    # With catch_response, `exception` is the failure the user code reported, if any.
    status_counts[str(response.status_code) if response is not None and response.status_code else "error"] += 1
    timings[name].append(round(response_time, 1))
    if response is not None and response.headers.get("X-Page-Cache"):
        page_cache[name][response.headers["X-Page-Cache"]] += 1
    if exception is not None:
        failures[name] += 1


@events.quitting.add_listener
def write_results(**kwargs):
    path = os.environ.get("LOAD_RESULTS")
    if path:
        with open(path, "w") as out:
            json.dump(
                {
                    "submitted": submitted,
                    "status_counts": status_counts,
                    "timings": timings,
                    "failures": failures,
                    "problems": problems[:50],
                    "page_cache": page_cache,
                },
                out,
            )


def _failed(response, problem):
    """Record a step that went wrong (saying so when the form showed errors) and fail it."""
    if "errorlist" in response.text:
        problem += " (the form showed errors)"
    problems.append(problem)
    response.failure(problem)
    return None


class LandingReader(HttpUser):
    """Someone arriving from a search engine on a city x practice-area page."""

    weight = 3
    wait_time = between(0.2, 1.0)

    @task(3)
    def read_a_landing_page(self):
        with self.client.get(random.choice(PLAN["landings"]), name="landing page", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(1)
    def read_a_firm_profile(self):
        with self.client.get(random.choice(PLAN["profiles"]), name="firm profile", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class RequestSender(HttpUser):
    """A client who opens the form from a landing page and sends a complete request."""

    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.cookies = {}

    def _send(self, method, path, name, *, data=None, expect_step=None, expect_redirect=None):
        """One request with this client's cookies; returns the response, or None after
        recording why the step failed."""
        self.client.cookies.clear()  # ours are in self.cookies (see the module docstring)
        # Redirects are followed here, not by requests: it would carry only the cookies its
        # jar sends over http://, which leaves out the session the POST just started.
        with self.client.request(
            method, path, name=name, data=data, cookies=self.cookies, allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            self.cookies.update(response.cookies.get_dict())
            if response.status_code >= 400:
                response.failure(f"status {response.status_code}")
                return None
            if expect_redirect is None and response.status_code in (301, 302, 303):
                response.success()
                return self._send("GET", response.headers["Location"], f"{name}: next page", expect_step=expect_step)
            if expect_redirect is not None and (
                response.status_code != 302 or response.headers.get("Location") != expect_redirect
            ):
                location = response.headers.get("Location", "")
                return _failed(response, f"{name}: answered {response.status_code} {location}")
            if expect_step is not None:
                found = CURRENT_STEP.search(response.text)
                if found is None or found.group(1) != expect_step:
                    got = found and found.group(1)
                    return _failed(response, f"{name}: expected step {expect_step!r}, got {got!r}")
            response.success()
            return response

    def _post(self, response, name, fields, **kwargs):
        token = CSRF_FIELD.search(response.text)
        if token is None:
            problems.append(f"{name}: no CSRF token on the page before it")
            return None
        data = {"csrfmiddlewaretoken": token.group(1), **fields}
        clock = CLOCK_FIELD.search(response.text)
        if clock is not None:
            data["lead_new-started"] = clock.group(1)
        return self._send("POST", FORM, name, data=data, **kwargs)

    @task
    def send_a_request(self):
        self.cookies = {}
        city, area = random.choice(PLAN["targets"])
        email = f"load-{uuid.uuid4().hex[:16]}@{PLAN['email_domain']}"
        page = self._send("GET", f"{FORM}?city={city}&practice_area={area}", "form: open", expect_step="what")
        if page is None:
            return
        page = self._post(
            page,
            "form: step 1 (what, where)",
            {"lead_new-current_step": "what", "what-practice_area": area, "what-city": city},
            expect_step="details",
        )
        if page is None:
            return
        page = self._post(
            page,
            "form: step 2 (details)",
            {
                "lead_new-current_step": "details",
                "details-description": (
                    "A former employee copied our customer list before leaving and now contacts our clients. "
                    "What can we do, and how quickly?"
                ),
                "details-urgency": random.choice(["urgent", "soon", "planning"]),
                "details-budget": "unsure",
                "details-preferred_language": "",
                "details-client_type": random.choice(["business", "individual"]),
            },
            expect_step="contact",
        )
        if page is None:
            return
        answer = self._post(
            page,
            "form: step 3 (contact, send)",
            {
                "lead_new-current_step": "contact",
                "contact-name": "Load Test Client",
                "contact-email": email,
                "contact-phone": "138 1234 5678",
                "contact-consent_process": "on",
                "contact-consent_share": "on",
                "contact-is_adult": "on",
                "contact-website": "",
            },
            expect_redirect=SENT,
        )
        if answer is None:
            return
        if self._send("GET", SENT, "form: success page") is not None:
            submitted.append(email)
