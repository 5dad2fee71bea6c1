"""Headers on every kind of response, the CSP report endpoint, password hashing and logs
without personal data (docs/reliability.md H2-H4, H6, A9, P9)."""

import json
import logging

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from lawzana.logging import JsonFormatter, RedactFilter, redact
from tests.factories import FirmFactory, GuideFactory, MembershipFactory, UserFactory
from tests.lawzana.test_settings import GOOD_KEY, _manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(harbin, cyber_law):
    GuideFactory(city=harbin, practice_area=cyber_law, published=True)
    membership = MembershipFactory(firm=FirmFactory(cities=[harbin], practice_areas=[cyber_law]))
    return {
        "home": reverse("guides:home"),
        "landing": reverse(
            "guides:landing",
            kwargs={"country": harbin.country.slug, "city": harbin.slug, "practice_area": cyber_law.slug},
        ),
        "lead form": reverse("intake:lead_new"),
        "sign-in": reverse("account_login"),
        "admin login": f"/{settings.ADMIN_URL}login/",
        "not found": "/no-such-page/",
        "portal inbox": reverse("portal:inbox", kwargs={"firm_slug": membership.firm.slug}),
        "_user": membership.user,
    }


def test_every_kind_of_page_carries_a_strict_policy_and_the_other_headers(client, pages):
    user = pages.pop("_user")
    # The landing page twice: rendered, then served from the page cache.
    for name, path in [*pages.items(), ("landing (cached)", pages["landing"])]:
        if name == "portal inbox":
            client.force_login(user)
        response = client.get(path)
        client.logout()
        policy = response.headers.get("Content-Security-Policy", "")
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())

        assert directives.get("default-src") == "'none'", name
        assert directives.get("script-src") == "'self'", name
        assert directives.get("object-src") == "'none'" and directives.get("base-uri") == "'none'", name
        assert directives.get("frame-ancestors") == "'none'" and directives.get("form-action") == "'self'", name
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name
        assert "camera=()" in response["Permissions-Policy"], name


def test_pages_with_personal_data_are_never_stored_by_caches(client, pages):
    client.force_login(pages["_user"])

    for name in ["portal inbox", "sign-in"]:
        assert "no-store" in client.get(pages[name]).headers.get("Cache-Control", ""), name
    client.logout()
    assert "no-store" not in client.get(pages["landing"]).headers.get("Cache-Control", "")


@pytest.mark.parametrize("method", ["TRACE", "CONNECT"])
def test_trace_and_connect_are_refused(client, method):
    assert client.generic(method, "/").status_code == 405


def test_a_csp_report_is_logged_without_its_query_string(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://lawzana.example/requests/secret-token/?q=1",
            "violated-directive": "script-src",
            "blocked-uri": "https://evil.example/x.js?token=abc",
        }
    }
    with caplog.at_level(logging.WARNING, logger="lawzana.csp"):
        response = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")

    assert response.status_code == 204
    assert "script-src" in caplog.text and "evil.example/x.js" in caplog.text
    assert "token=abc" not in caplog.text and "q=1" not in caplog.text


def test_csp_reports_are_size_capped_and_rate_limited(client):
    big = json.dumps({"csp-report": {"blocked-uri": "x" * 10_000}})
    assert client.post("/csp-report/", big, content_type="application/csp-report").status_code == 413
    assert client.post("/csp-report/", "not json", content_type="application/csp-report").status_code == 400
    statuses = {
        client.post("/csp-report/", "{}", content_type="application/csp-report").status_code for _ in range(40)
    }
    assert 429 in statuses


def test_passwords_are_hashed_with_argon2():
    user = UserFactory(password="a-long-test-password-1")

    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        ("Sent to li.lei@example.com", "Sent to [email]", "li.lei@example.com"),
        ("Call +86 138 1234 5678 now", "Call [number] now", "1234"),
        ("mobile 13812345678.", "mobile [number].", "13812345678"),
        ("GET /requests/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg/ 200", "/requests/[secret]/", "AbCdEf"),
        ("GET /requests/new/ 200", "/requests/new/", "[secret]"),
        ("GET /portal/invitations/eyJ1IjoxfQ:1abc:sig/ 400", "/portal/invitations/[secret]/", "eyJ1"),
        ("GET /accounts/confirm-email/MQ:1vx:abc/ 200", "/accounts/confirm-email/[secret]/", "MQ:1vx"),
        ("Guide reviewed 2026-11-29 for #1234", "2026-11-29 for #1234", "[number]"),
    ],
)
def test_logs_never_hold_personal_data_or_secret_links(text, kept, gone):
    assert kept in redact(text)
    assert gone not in redact(text)


def test_the_log_format_is_one_json_object_per_line_with_redaction():
    record = logging.LogRecord("lawzana.test", logging.INFO, __file__, 1, "lead for %s", ("a@b.example",), None)
    RedactFilter().filter(record)

    entry = json.loads(JsonFormatter().format(record))

    assert entry["message"] == "lead for [email]"
    assert entry["level"] == "INFO" and entry["logger"] == "lawzana.test"


def test_production_cookies_are_host_only_secure_and_http_only():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, s.LOG_FORMAT)"
    )
    result = _manage(
        "shell", "--no-imports", "-c", code,
        DJANGO_ENV="production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="example.com", PRODUCTION_WITHOUT_SERVICES="true",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid", "__Host-csrftoken", "True", "True", "True", "Lax", "31536000", "json",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        '{"csp-report": []}',
        '{"csp-report": "text"}',
        '{"csp-report": 3}',
        '{"csp-report": null}',
        "[]",
        '"just a string"',
        "3",
        '{"csp-report": {"blocked-uri": ["a list"], "document-uri": {"an": "object"}}}',
    ],
)
def test_a_csp_report_that_is_not_a_report_object_is_a_400_or_logged_harmlessly(client, body):
    response = client.post("/csp-report/", body, content_type="application/csp-report")

    assert response.status_code in (204, 400)
