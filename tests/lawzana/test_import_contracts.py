"""The import contracts in pyproject.toml catch what they are there for: an app importing one
above it, and a cycle hidden in an import inside a function. Each case runs lint-imports on
a copy of the apps with one import added."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The apps the contracts name, read from pyproject.toml so a new app is copied too.
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def copy(tmp_path):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def lint(where):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=where, env={"PYTHONPATH": str(where)}, capture_output=True, text=True
    )


def test_the_apps_as_they_are_keep_the_contracts(copy):
    result = lint(copy)

    assert result.returncode == 0, result.stdout
    assert "2 kept, 0 broken" in result.stdout


def test_an_app_importing_one_above_it_breaks_the_build(copy):
    (copy / "directory" / "probe.py").write_text("from portal import access\n")

    result = lint(copy)

    assert result.returncode == 1
    assert "directory is not allowed to import portal" in result.stdout


def test_a_cycle_through_an_import_inside_a_function_breaks_the_build(copy):
    services = copy / "intake" / "services" / "submission.py"
    services.write_text(services.read_text() + "\n\ndef _later():\n    from intake import tasks  # noqa\n")

    result = lint(copy)

    assert result.returncode == 1
    assert "No cycles are allowed in intake" in result.stdout
