"""docs/architecture.md stays a true map: every page's URL name is in it, and every dotted
name it gives for a view, service or module exists."""

import importlib
import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
APPS = ("lawzana", "accounts", "directory", "intake", "guides", "webhooks", "api", "portal", "demo")
# Third-party pages the document names by where they live rather than one by one.
NOT_LISTED = ("admin", "account_", "mfa_")


def url_names(patterns=None, namespace=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from url_names(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_every_page_is_in_the_map():
    doc = DOC.read_text(encoding="utf-8")
    names = [name for name in url_names() if not name.startswith(NOT_LISTED)]

    assert len(names) > 60
    assert [name for name in names if f"`{name}`" not in doc] == []


def resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attribute in parts[cut:]:
                target = getattr(target, attribute)
        except AttributeError:
            return False
        return True
    return False


def test_every_dotted_name_in_the_map_exists():
    doc = DOC.read_text(encoding="utf-8")
    dotted = set(re.findall(rf"`((?:{'|'.join(APPS)})(?:\.\w+)+)", doc))

    assert len(dotted) > 40
    assert sorted(name for name in dotted if not resolves(name)) == []


def test_nothing_in_the_repository_points_outside_it():
    root = DOC.parents[1]
    skipped = {".git", ".venv", "var", "staticfiles", "node_modules", "__pycache__", ".ruff_cache", ".pytest_cache"}
    outside = re.compile(r"\.\./shared|\bRELIABILITY(?:\.md)?\b|DESIGN\.md|STYLE\.md")
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_dir() or any(part in skipped for part in relative.parts) or path == Path(__file__):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{relative}:{n}" for n, line in enumerate(text.splitlines(), 1) if outside.search(line)]

    assert found == []
