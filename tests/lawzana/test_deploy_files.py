"""The production stack as written in docker-compose.yml and the Dockerfile (issue 7): read
here because no Docker engine runs where the tests do."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_every_long_running_service_has_a_healthcheck_and_restarts():
    for name in ["web", "worker", "beat", "postgres", "redis", "redis-cache"]:
        assert "healthcheck" in SERVICES[name], name
        assert SERVICES[name]["restart"] == "unless-stopped", name


def test_the_app_runs_in_production_mode_after_migrations():
    for name in ["web", "worker", "beat"]:
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


def test_only_the_web_port_is_published_and_only_on_loopback():
    published = {name: service.get("ports") for name, service in SERVICES.items() if service.get("ports")}

    assert published == {"web": ["127.0.0.1:8000:8000"]}


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
