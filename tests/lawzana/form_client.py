"""One visitor walking the request form over HTTP, as a browser does, in a process of its own
(tests/lawzana/test_sqlite_concurrent_writes.py starts three). Standard library only: a
spawned process imports this module without Django."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

FORM = "/requests/new/"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand back the 302 itself: its status and Location are what the test checks."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def hidden(page, name):
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)" name="{re.escape(name)}"', page
    )
    if found is None:
        raise AssertionError(f"no {name} on the page:\n{page[:2000]}")
    return found.group(1)


def walk(base_url, steps, barrier, results):
    """GET the form (CSRF token, fill-time clock), post the first two steps, wait at the
    barrier with the others, post the last step, then open where it led. Puts one dict on
    results: the last POST's status and Location, and the success page's status."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def send(path, data=None):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        try:
            response = opener.open(base_url + path, data=body, timeout=60)
        except urllib.error.HTTPError as error:  # 3xx (NoRedirect), 4xx and 5xx
            response = error
        with response:
            return response.status, response.headers.get("Location"), response.read().decode()

    outcome = {}
    try:
        status, _, page = send(FORM)
        assert status == 200, f"GET {FORM}: {status}"
        clock = {"lead_new-started": hidden(page, "lead_new-started")}  # posted back with the first step
        for step, following in zip(steps, steps[1:], strict=False):
            # Each step answers with a redirect to the next step's address (post/redirect/get).
            status, location, page = send(
                FORM, {**clock, **step, "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken")}
            )
            expected = f"{FORM}{following['lead_new-current_step']}/"
            assert (status, location) == (302, expected), f"{status} {location}\n{page[:2000]}"
            status, _, page = send(location)
            assert status == 200, f"GET {location}: {status}"
            clock = {}
        barrier.wait(timeout=60)  # the last step leaves all three processes at once
        status, location, _ = send(FORM, {**steps[-1], "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken")})
        outcome.update(status=status, location=location)
        if status == 302 and location:
            outcome["landed"] = send(location)[0]
    except Exception as exc:  # reported to the test, which fails with it
        barrier.abort()
        outcome["error"] = repr(exc)
    results.put(outcome)
