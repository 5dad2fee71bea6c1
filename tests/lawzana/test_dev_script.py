"""scripts/dev on a machine that has only Python: the first run says what it is doing."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _wheel(directory: Path, name: str, version: str) -> Path:
    """A minimal pure-Python wheel, so the test installs offline and in seconds."""
    path = directory / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{file},,\n" for file in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(path, "w") as archive:
        for file, text in files.items():
            archive.writestr(file, text)
    return path


def _project(tmp_path: Path, *requirements: str) -> Path:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "dev", project / "scripts" / "dev")
    # A package index of one wheel, in the layout of PyPI's simple API.
    index = tmp_path / "simple"
    (index / "lawzana-probe").mkdir(parents=True)
    wheel = _wheel(index / "lawzana-probe", "lawzana_probe", "1.0")
    (index / "lawzana-probe" / "index.html").write_text(f'<a href="{wheel.name}">{wheel.name}</a>\n')
    lock = [f"--index-url {index.as_uri()}", *requirements]
    (project / "requirements.lock").write_text("\n".join(lock) + "\n")
    return project


def _setup(project: Path):
    return subprocess.run(
        [str(project / "scripts" / "dev"), "setup"],
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHON": sys.executable, "HOME": str(project)},
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="scripts/dev insists on Python 3.11")
def test_the_first_setup_says_each_step_and_each_package(tmp_path):
    project = _project(tmp_path, "lawzana_probe==1.0")

    first = _setup(project)

    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == "==> Creating the virtual environment in .venv"
    assert lines[1].startswith("==> Installing 1 locked packages from requirements.lock")
    assert "    lawzana_probe-1.0-py3-none-any.whl" in lines  # one line per package, named
    assert "Processing" not in first.stdout  # pip's own wording is in the log, not on screen
    assert "lawzana_probe" in (project / "var" / "pip-install.log").read_text()

    again = _setup(project)

    assert again.returncode == 0
    assert again.stdout == ""  # nothing to install: a second run is quiet and quick


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="scripts/dev insists on Python 3.11")
def test_a_failed_install_stops_and_points_to_pips_whole_output(tmp_path):
    project = _project(tmp_path, "lawzana_probe==1.0", "lawzana-not-a-package==9.9")

    result = _setup(project)

    assert result.returncode == 1
    assert "pip could not install requirements.lock: its whole output is in var/pip-install.log" in result.stderr
    assert "lawzana-not-a-package" in result.stderr  # the tail of pip's output says which one
    assert not (project / ".venv" / ".installed.lock").exists()  # the next run tries again
