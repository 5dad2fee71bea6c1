"""The production stack as written in docker-compose.yml and the Dockerfile (issue 7): read
here because no Docker engine runs where the tests do."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_every_long_running_service_has_a_healthcheck_and_restarts():
    for name in [
        "web",
        "worker-deliveries",
        "worker-housekeeping",
        "beat",
        "postgres",
        "redis",
        "redis-cache",
        "nginx",
    ]:
        assert "healthcheck" in SERVICES[name], name
        assert SERVICES[name]["restart"] == "unless-stopped", name


def test_the_app_runs_in_production_mode_after_migrations():
    for name in ["web", "worker-deliveries", "worker-housekeeping", "beat"]:
        service = SERVICES[name]
        assert service["environment"]["DJANGO_ENV"] == "production"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" in SERVICES["migrate"]["command"]


def test_the_broker_keeps_tasks_and_the_cache_evicts_in_its_own_instance():
    broker, cache = SERVICES["redis"]["command"], SERVICES["redis-cache"]["command"]

    assert "--maxmemory-policy noeviction" in broker and "--appendonly yes" in broker
    assert "--maxmemory-policy allkeys-lru" in cache
    assert "--requirepass" in broker and "--requirepass" in cache
    env = SERVICES["web"]["environment"]
    assert "@redis:" in env["REDIS_URL"] and "@redis-cache:" in env["REDIS_CACHE_URL"]


def test_only_nginx_is_published_and_the_app_is_reached_through_it():
    published = {name: service.get("ports") for name, service in SERVICES.items() if service.get("ports")}
    nginx = SERVICES["nginx"]
    conf = (ROOT / "deploy" / "nginx.conf").read_text()

    assert published == {"nginx": ["80:80", "443:443"]}
    assert "--bind 0.0.0.0:8000" in SERVICES["web"]["command"] and "set $lawzana_upstream web:8000;" in conf
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"]
    assert "${NGINX_CERTS_DIR:-./certs}:/etc/nginx/certs:ro" in nginx["volumes"]
    # The address the rate limits count is the one nginx writes (tests/deploy/test_nginx_site.py).
    assert SERVICES["web"]["environment"]["CLIENT_IP_META_KEY"] == "HTTP_X_REAL_IP"
    assert "proxy_set_header X-Real-IP $remote_addr;" in conf


def test_the_image_is_slim_runs_as_a_user_and_collects_static_files_at_build():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "\nUSER lawzana\n" in dockerfile
    assert "requirements-prod.lock" in dockerfile
    prod = (ROOT / "requirements-prod.lock").read_text().lower()
    assert "django==" in prod and "gunicorn==" in prod
    assert "pytest" not in prod and "playwright" not in prod and "locust" not in prod


def test_the_image_leaves_out_the_development_only_demo_app_the_tests_and_the_audit():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()

    assert "demo" in ignored and "tests" in ignored and "audit" in ignored


def test_the_tls_key_stays_out_of_the_image_and_the_repository():
    assert "certs" in (ROOT / ".dockerignore").read_text().splitlines()
    assert "certs/" in (ROOT / ".gitignore").read_text().splitlines()


def queues_of(command: str) -> set[str]:
    return set(re.search(r"-Q (\S+)", command).group(1).split(","))


def test_a_worker_for_each_queue_so_housekeeping_never_delays_a_delivery():
    deliveries = SERVICES["worker-deliveries"]["command"]
    housekeeping = SERVICES["worker-housekeeping"]["command"]
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    workers = [name for name, service in SERVICES.items() if "celery -A lawzana worker" in str(service.get("command"))]

    assert sorted(workers) == ["worker-deliveries", "worker-housekeeping"]
    assert routed == {"deliveries", "housekeeping"}
    # The previous release's web processes publish to Celery's default queue during an upgrade.
    assert queues_of(deliveries) == {"deliveries", "celery"} and queues_of(housekeeping) == {"housekeeping"}
    assert settings.CELERY_TASK_DEFAULT_QUEUE in queues_of(deliveries)


def test_the_beat_keeps_its_schedule_and_lock_in_redis_not_in_a_file():
    beat = SERVICES["beat"]

    assert beat["command"] == "celery -A lawzana beat --loglevel=INFO"
    assert "beat_status" in beat["healthcheck"]["test"]
    assert not beat.get("volumes")  # nothing of its own to keep on a host


def test_web_scales_behind_nginx_with_no_fixed_name_or_port():
    # docker compose up --scale web=3: the replicas need no port on the host nor a name of their
    # own, and nginx finds every one of them through Docker's DNS, asked again every 10 s.
    conf = (ROOT / "deploy" / "nginx.conf").read_text()

    for name, service in SERVICES.items():
        assert "container_name" not in service, name
    assert "ports" not in SERVICES["web"] and SERVICES["web"]["expose"] == ["8000"]
    assert "resolver 127.0.0.11 valid=10s" in conf
    assert conf.count("proxy_pass http://$lawzana_upstream;") >= 2


def test_docker_compose_reads_the_file(tmp_path):
    if not shutil.which("docker-compose"):
        message = "needs Debian's docker-compose (apt-get install docker-compose) to read the file"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text("POSTGRES_PASSWORD=p\nREDIS_PASSWORD=r\nSECRET_KEY=s\n")

    result = subprocess.run(
        ["docker-compose", "config", "--services"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == set(SERVICES)
