"""nginx's page cache (deploy/nginx.conf) in front of an app that answers as the site's public
pages do: what it keeps, for whom, for how long, and what it does when the app fails.

The app here is a small stand-in (a thread in this process) whose answers carry the headers
the site gives anonymous shareable pages (public, s-maxage, stale-while-revalidate,
stale-if-error, an ETag answered with 304, Surrogate-Key) and private ones, and which counts
what reaches it: tests/deploy/test_nginx_site.py runs the same file in front of the site.
"""

import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from tests.deploy.proxy import ROOT, request, start_nginx

# nginx counts whole seconds: a page kept for s-maxage=1 is sure to be expired 2 s later.
EXPIRED = 2.2
PUBLIC = "public, max-age=0, s-maxage={seconds}, stale-while-revalidate=30, stale-if-error=86400"


class App:
    """What reached the app: renders per path, conditional requests, request headers."""

    def __init__(self):
        self.renders = Counter()
        self.conditional = []
        self.failing = set()
        self.seen_headers = {}
        self.lock = threading.Lock()


def handler_for(app):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with app.lock:
                app.renders[f"POST {self.path}"] += 1
            self.answer(200, b"posted", [("Content-Type", "text/plain"), ("Cache-Control", PUBLIC.format(seconds=60))])

        def do_GET(self):
            path = self.path
            with app.lock:
                app.seen_headers[path] = dict(self.headers)
                failing = path in app.failing
            if failing:
                return self.answer(500, b"server error", [("Content-Type", "text/plain")])
            if path == "/healthz":
                return self.answer(200, b'{"status": "ok"}', [("Content-Type", "application/json")])
            if path == "/echo":
                lines = [f"{name}: {self.headers.get(name)}" for name in ("X-Real-IP", "X-Forwarded-For")]
                return self.answer(200, "\n".join(lines).encode(), [("Cache-Control", "no-store")])
            session = next(
                (
                    part.split("=", 1)[1]
                    for part in (self.headers.get("Cookie") or "").split("; ")
                    if part.split("=", 1)[0] in ("sessionid", "__Host-sessionid")
                ),
                None,
            )
            if session:
                # A signed-in visitor's page, as the site sends it: private, per cookie.
                with app.lock:
                    app.renders[f"{path} for {session}"] += 1
                body = f"<!doctype html><title>Yours</title><p>The page of session {session}</p>".encode()
                return self.answer(
                    200,
                    body,
                    [
                        ("Content-Type", "text/html; charset=utf-8"),
                        ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private"),
                        ("Vary", "Cookie"),
                    ],
                )
            seconds = 1 if path.startswith("/short/") else 60
            etag = f'"{path}-v1"'
            headers = [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Cache-Control", PUBLIC.format(seconds=seconds)),
                ("Vary", "Accept-Encoding"),
                ("ETag", etag),
                ("Surrogate-Key", "landing firm-7"),
            ]
            if path.startswith("/sets-cookie/"):
                headers.append(("Set-Cookie", "csrftoken=abc; Path=/; SameSite=Lax"))
            if path.startswith("/private/"):
                headers[1] = ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private")
            if self.headers.get("If-None-Match", "").removeprefix("W/") == etag:
                with app.lock:
                    app.conditional.append((path, etag))
                return self.answer(304, b"", [h for h in headers if h[0] != "Content-Type"])
            with app.lock:
                app.renders[path] += 1
                count = app.renders[path]
            # Over gzip_min_length, as a real page is.
            body = f"<!doctype html><title>Page</title><p>{path} render {count}</p>{'<p>text</p>' * 300}".encode()
            return self.answer(200, body, headers)

        do_HEAD = do_GET

    return Handler


@pytest.fixture(scope="module")
def app():
    return App()


@pytest.fixture(scope="module")
def proxy(app, tmp_path_factory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(app))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    proxy = None
    try:
        proxy = start_nginx(f"127.0.0.1:{server.server_port}", tmp_path_factory.mktemp("nginx"))
        yield proxy
    finally:
        if proxy is not None:
            proxy.stop()
        server.shutdown()
        server.server_close()


def wait_for(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_public_page_is_rendered_once_then_served_from_the_cache(proxy, app):
    first = request(proxy, "/landing/")
    second = request(proxy, "/landing/")

    assert (first.status, first.cache) == (200, "MISS")
    assert (second.status, second.cache) == (200, "HIT")
    assert "/landing/ render 1" in second.text
    assert app.renders["/landing/"] == 1
    # The cache tags are for purging, never shown to visitors.
    assert second.headers.get("Surrogate-Key") is None
    assert second.headers["ETag"] == '"/landing/-v1"'


def test_a_visitor_with_a_session_or_messages_gets_their_own_page_never_the_kept_one(proxy, app):
    request(proxy, "/firm/")
    assert request(proxy, "/firm/").cache == "HIT"

    production = request(proxy, "/firm/", headers={"Cookie": "csrftoken=x; __Host-sessionid=lina"})
    development = request(proxy, "/firm/", headers={"Cookie": "sessionid=wei"})
    messages = request(proxy, "/firm/", headers={"Cookie": "messages=abc"})
    anonymous = request(proxy, "/firm/", headers={"Cookie": "csrftoken=x; language=en"})

    assert (production.cache, development.cache, messages.cache) == ("BYPASS", "BYPASS", "BYPASS")
    assert "The page of session lina" in production.text
    assert "The page of session wei" in development.text
    assert app.renders["/firm/ for lina"] == 1 and app.renders["/firm/ for wei"] == 1
    # The messages cookie alone: the app renders the public page again, and it is not kept.
    assert app.renders["/firm/"] == 2 and "/firm/ render 2" in messages.text
    # Other cookies do not matter: the kept copy, from the first render.
    assert anonymous.cache == "HIT" and "/firm/ render 1" in anonymous.text


def test_a_response_that_sets_a_cookie_is_never_kept(proxy, app):
    answers = [request(proxy, "/sets-cookie/") for _ in range(3)]

    assert app.renders["/sets-cookie/"] == 3
    assert all("csrftoken=abc" in answer.headers["Set-Cookie"] for answer in answers)
    assert [answer.cache for answer in answers] == ["MISS", "MISS", "MISS"]


def test_a_private_page_is_never_kept(proxy, app):
    answers = [request(proxy, "/private/") for _ in range(2)]

    assert app.renders["/private/"] == 2
    assert [answer.cache for answer in answers] == ["MISS", "MISS"]


def test_a_post_always_reaches_the_app(proxy, app):
    for _ in range(2):
        assert request(proxy, "/landing/", method="POST", body=b"a=1").text == "posted"

    assert app.renders["POST /landing/"] == 2


def test_an_expired_page_is_asked_for_again_with_its_etag_while_visitors_get_the_kept_copy(proxy, app):
    request(proxy, "/short/a/")
    time.sleep(EXPIRED)

    stale = request(proxy, "/short/a/")

    assert stale.status == 200 and stale.cache == "STALE" and "render 1" in stale.text
    assert wait_for(lambda: ("/short/a/", '"/short/a/-v1"') in app.conditional)
    assert wait_for(lambda: request(proxy, "/short/a/").cache == "HIT")
    # The app answered 304: it never rendered the page a second time.
    assert app.renders["/short/a/"] == 1


def test_the_kept_page_stands_in_while_the_app_fails(proxy, app):
    request(proxy, "/short/fragile/")
    app.failing.add("/short/fragile/")
    try:
        time.sleep(EXPIRED)
        answers = [request(proxy, "/short/fragile/") for _ in range(3)]
        time.sleep(0.3)  # the background refresh failed meanwhile
        later = request(proxy, "/short/fragile/")
    finally:
        app.failing.discard("/short/fragile/")

    assert [answer.status for answer in [*answers, later]] == [200, 200, 200, 200]
    assert "/short/fragile/ render 1" in later.text
    assert later.cache in ("STALE", "UPDATING")


def test_html_is_compressed_for_browsers_that_ask(proxy, app):
    request(proxy, "/gzip/", headers={"Accept-Encoding": "gzip, br"})
    compressed = request(proxy, "/gzip/", headers={"Accept-Encoding": "gzip, br"})
    plain = request(proxy, "/gzip/")

    # Compressed as it leaves: the kept copy is the page as the app sent it.
    assert compressed.cache == "HIT" and compressed.headers["Content-Encoding"] == "gzip"
    assert len(compressed.raw) < len(plain.raw) / 5
    assert plain.headers.get("Content-Encoding") is None
    assert "Accept-Encoding" in compressed.headers["Vary"]
    # One copy compressed, one plain, whatever exact header each browser sends.
    assert plain.cache == "MISS" and compressed.body.replace(b"render 1", b"render 2") == plain.body
    other_browser = request(proxy, "/gzip/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert other_browser.cache == "HIT" and other_browser.headers["Content-Encoding"] == "gzip"
    assert app.renders["/gzip/"] == 2


def test_the_app_is_told_the_clients_address_and_scheme_whatever_the_client_claims(proxy, app):
    forged = {"X-Real-IP": "203.0.113.9", "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}

    answer = request(proxy, "/echo", headers=forged, source="127.0.0.2")

    assert "X-Real-IP: 127.0.0.2" in answer.text
    # The client's own claim is kept first in the list, the address nginx saw last.
    assert "X-Forwarded-For: 203.0.113.9, 127.0.0.2" in answer.text
    assert app.seen_headers["/echo"]["X-Forwarded-Proto"] == "https"
    assert app.seen_headers["/echo"]["Host"] == "localhost"


def test_plain_http_redirects_to_https_except_the_health_check(proxy, app):
    redirect = request(proxy, "/landing/?q=1", tls=False)
    health = request(proxy, "/healthz", tls=False)

    assert redirect.status == 301
    assert redirect.headers["Location"] == "https://localhost/landing/?q=1"
    assert health.status == 200 and health.text == '{"status": "ok"}'
    assert app.seen_headers["/healthz"]["X-Forwarded-Proto"] == "http"


def test_the_compose_files_health_probe_passes_against_nginx(proxy):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    probe = compose["services"]["nginx"]["healthcheck"]["test"]
    assert probe[:3] == ["CMD", "bash", "-c"] and "/dev/tcp/127.0.0.1/80 " in probe[3]

    here = probe[3].replace("/dev/tcp/127.0.0.1/80 ", f"/dev/tcp/127.0.0.1/{proxy.http_port} ")
    passing = subprocess.run(["bash", "-c", here], timeout=10)
    wrong_path = subprocess.run(["bash", "-c", here.replace("/nginx-healthz", "/healthz-missing")], timeout=10)

    assert passing.returncode == 0
    assert wrong_path.returncode != 0
