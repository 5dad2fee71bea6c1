"""The demo app exists only outside production: production settings do not install it, its
commands are unknown there, and no code outside demo/ and tests/ imports it (the image
leaves both out, .dockerignore)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-secret-for-tests-" + "z" * 20
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": GOOD_KEY,
    "CONFLICT_CHECK_KEY": "c" * 40,
    "ALLOWED_HOSTS": "x",
    "DEBUG": "false",
    "DATABASE_URL": "postgres://lawzana@db.invalid:5432/lawzana",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "EMAIL_URL": "smtp://mail.invalid:587",
}
DEMO_COMMANDS = ["seed_demo", "demo_totp", "seed_scale"]
# Neither in the repository nor in the image: local environments and generated files.
NOT_SOURCE = {"var", "staticfiles", "node_modules"}


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "lawzana.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_development_has_the_demo_commands_under_their_names():
    assert {name: get_commands().get(name) for name in DEMO_COMMANDS} == dict.fromkeys(DEMO_COMMANDS, "demo")


@pytest.mark.parametrize("command", DEMO_COMMANDS)
def test_production_does_not_know_the_demo_commands(command):
    result = _manage(command, **PRODUCTION)

    assert result.returncode == 1
    assert f"Unknown command: '{command}'" in result.stderr


def test_production_neither_installs_nor_imports_demo_even_with_every_url_loaded():
    code = (
        "import sys; from django.apps import apps; from django.urls import get_resolver; "
        "get_resolver().url_patterns; "
        "print(apps.is_installed('demo'), any(m == 'demo' or m.startswith('demo.') for m in sys.modules))"
    )
    result = _manage("shell", "--no-imports", "-c", code, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def imports_of_demo(path: Path) -> list[str]:
    """The `demo` modules that `path` imports (absolute imports; only demo/ itself could reach
    demo relatively)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name == "demo" or name.startswith("demo.")]
    return found


def source_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not any(part.startswith(".") or part in NOT_SOURCE for part in path.relative_to(ROOT).parts)
    ]


def left_out_of_the_image() -> set[str]:
    """The top-level folders .dockerignore keeps out of the production image."""
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return {
        line.strip().strip("/")
        for line in lines
        if line.strip() and not line.startswith("#") and "/" not in line.strip().strip("/")
    }


def test_no_module_the_image_holds_imports_demo():
    # demo/, tests/ and audit/ (which seeds the demo data to audit it) never reach the image.
    assert {"demo", "tests", "audit"} <= left_out_of_the_image()
    outside = {
        path.relative_to(ROOT).as_posix(): path
        for path in source_files()
        if path.relative_to(ROOT).parts[0] not in left_out_of_the_image()
    }

    # The scan sees what production runs and what runs beside it, and it would notice an import.
    assert {"manage.py", "lawzana/settings.py", "guides/views.py", "bench/run.py", "loadtests/run.py"} <= set(outside)
    assert imports_of_demo(ROOT / "demo" / "management" / "commands" / "seed_demo.py")
    assert {name: imports_of_demo(path) for name, path in outside.items() if imports_of_demo(path)} == {}
