"""The site-wide views (lawzana/views.py): robots.txt, the health check and the benchmark's
control page, which exists only when the benchmark asks for it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SITE_URL = "https://lawzana.example"


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin_and_previews(client, settings):
    settings.SITE_URL = SITE_URL

    response = client.get("/robots.txt", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    assert f"Disallow: /{settings.ADMIN_URL}" in lines
    assert f"Disallow: /zh-hans/{settings.ADMIN_URL}" in lines
    assert "Disallow: /guides/preview/" in lines
    assert "Disallow: /zh-hans/guides/preview/" in lines
    assert reverse("guides:preview", kwargs={"pk": 1}).startswith("/guides/preview/")


def test_healthz_reports_the_database_ok(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_answers_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "redis": "unreachable"}}


def test_there_is_no_benchmark_page_unless_the_benchmark_asks(client):
    assert client.get("/bench/hello").status_code == 404


@pytest.mark.parametrize(("value", "status"), [("true", "200 hello world"), ("false", "404")])
def test_the_benchmark_page_answers_only_with_its_setting(value, status):
    code = (
        "from django.test import Client; r = Client().get('/bench/hello'); "
        "print(r.status_code, r.content.decode() if r.status_code == 200 else '')"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "lawzana.settings", "BENCH_CONTROL_PAGE": value},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == status


def test_the_served_application_loads_its_pages_and_freezes_startup_objects_before_any_request():
    code = (
        "import gc, sys; import lawzana.wsgi; "
        "print('portal.urls' in sys.modules, 'guides.views' in sys.modules, gc.get_freeze_count() > 50000)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]
