"""deploy/nginx.conf in front of the site itself (pytest-django's live server): TLS, the redirect
to HTTPS, compression, signed-in visitors, and the rate limits keyed on the client's address
behind it (CLIENT_IP_META_KEY=HTTP_X_REAL_IP, as docker-compose.yml sets)."""

import datetime
import json

import pytest
import time_machine
from django.test import Client

from tests.deploy.proxy import request, start_nginx
from tests.factories import FirmFactory, GuideFactory, UserFactory, email_verify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proxy(live_server, settings, tmp_path):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    port = live_server.url.rsplit(":", 1)[1]
    proxy = start_nginx(f"127.0.0.1:{port}", tmp_path)
    yield proxy
    proxy.stop()


def test_the_site_answers_over_tls_compressed_and_plain_http_is_sent_to_https(proxy):
    page = request(proxy, "/privacy/", headers={"Accept-Encoding": "gzip"})
    plain = request(proxy, "/privacy/", tls=False)
    health = request(proxy, "/healthz", tls=False)

    assert page.status == 200 and page.tls_version in ("TLSv1.2", "TLSv1.3")
    assert page.headers["Content-Encoding"] == "gzip" and "</html>" in page.text
    assert plain.status == 301 and plain.headers["Location"] == "https://localhost/privacy/"
    assert health.status == 200 and json.loads(health.text)["status"] == "ok"


def test_a_landing_page_is_kept_by_nginx_and_its_tags_are_not_shown(proxy, harbin, cyber_law):
    FirmFactory(name="Amber Bridge Law", cities=[harbin], practice_areas=[cyber_law])
    url = GuideFactory(published=True, city=harbin, practice_area=cyber_law).get_absolute_url()

    first = request(proxy, url, headers={"Accept-Encoding": "gzip"})
    second = request(proxy, url, headers={"Accept-Encoding": "gzip, deflate, br"})

    assert (first.status, first.cache, second.cache) == (200, "MISS", "HIT")
    assert second.headers["Content-Encoding"] == "gzip" and "Amber Bridge Law" in second.text
    assert second.body == first.body
    assert "s-maxage=" in second.headers["Cache-Control"]
    assert second.headers.get("Surrogate-Key") is None


def test_a_signed_in_visitor_passes_the_cache_and_gets_their_own_page(proxy):
    user = email_verify(UserFactory(email="lina@firm.example"))
    browser = Client()
    browser.force_login(user)
    session = browser.cookies["sessionid"].value

    anonymous = request(proxy, "/accounts/email/")
    signed_in = request(proxy, "/accounts/email/", headers={"Cookie": f"sessionid={session}"})

    assert anonymous.status == 302
    assert signed_in.status == 200 and signed_in.cache == "BYPASS"
    assert "lina@firm.example" in signed_in.text
    assert "private" in signed_in.headers["Cache-Control"]


def csp_report(proxy, source, headers=None):
    body = json.dumps({"csp-report": {"violated-directive": "img-src", "blocked-uri": "https://x.example/a"}})
    return request(
        proxy,
        "/csp-report/",
        method="POST",
        body=body.encode(),
        headers={"Content-Type": "application/csp-report", **(headers or {})},
        source=source,
    ).status


def test_rate_limits_count_each_client_behind_nginx_and_a_forged_address_does_not_help(proxy):
    # One fixed minute: the limit (30 reports a minute per address) is counted per window.
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, 5, tzinfo=datetime.UTC), tick=False):
        # Every report claims another address, in each header a client could forge.
        statuses = [
            csp_report(proxy, "127.0.0.2", {"X-Real-IP": f"198.51.100.{n}", "X-Forwarded-For": f"198.51.100.{n}"})
            for n in range(31)
        ]
        other_client = csp_report(proxy, "127.0.0.3")

    assert statuses[:30] == [204] * 30
    assert statuses[30] == 429
    # Everyone reaches the app from nginx's address: the limit is the client's, not nginx's.
    assert other_client == 204
