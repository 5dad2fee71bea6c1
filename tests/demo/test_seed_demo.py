import hashlib
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import City, PracticeArea
from guides.models import FaqItem, Guide, GuideSource

pytestmark = pytest.mark.django_db

# Digests of every run of SHINGLE_WORDS words of the public page the guide is modelled on.
SEED_PAGE_SHINGLES = Path(__file__).with_name("seed_page_shingles.txt")
SHINGLE_WORDS = 12


def run_seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def harbin_cyber_law_guide() -> Guide:
    return Guide.objects.get(
        city__slug="harbin",
        city__country__code="CN",
        practice_area__slug="cyber-law-data-privacy-and-data-protection",
        language="en",
    )


def guide_text(guide: Guide) -> str:
    parts = [guide.meta_description, guide.summary]
    parts += [getattr(guide, f"{prefix}_md") for prefix, _heading in [*Guide.SECTIONS, ("disclaimer", None)]]
    for item in guide.faq_items.all():
        parts += [item.question, item.answer_md]
    return "\n".join(parts)


def snapshot() -> dict:
    """Every field of every row the command touches, keyed by model and primary key."""
    User = get_user_model()
    rows = {}
    for model in (City, PracticeArea, Guide, FaqItem, GuideSource, User):
        for obj in model.objects.order_by("pk"):
            # Concrete fields include the non-editable ones (updated_at, *_html, City.country).
            values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            if model is User:
                values["groups"] = sorted(obj.groups.values_list("pk", flat=True))
            rows[model.__name__, obj.pk] = values
    return rows


def test_seed_demo_creates_the_harbin_cyber_law_guide_and_the_demo_catalogue():
    output = run_seed_demo()

    assert "seed_demo finished." in output
    guide = harbin_cyber_law_guide()
    assert guide.is_live
    assert guide.city.region.name == "Heilongjiang"
    assert guide.city.is_capital
    assert guide.practice_area.name == "Cyber Law, Data Privacy and Data Protection"
    assert guide.practice_area.parent.slug == "technology-and-data"
    assert guide.faq_items.count() >= 10
    assert guide.sources.count() >= 3
    assert guide.reviewer_name and guide.last_reviewed_on
    assert guide.publish_problems() == []
    assert len(guide.meta_description) <= 300
    text = guide_text(guide)
    for law in ("PIPL", "Data Security Law", "Cybersecurity Law"):
        assert law in text
    assert "<h1" not in guide.local_laws_html and "<h3>" in guide.local_laws_html

    chinese_cities = City.objects.filter(country__code="CN")
    assert chinese_cities.count() >= 12
    assert chinese_cities.order_by().values("region").distinct().count() >= 5
    assert City.objects.exclude(country__code="CN").exists()

    areas = PracticeArea.objects.areas()
    assert areas.count() >= 25
    assert PracticeArea.objects.groups().count() >= 6
    assert areas.order_by().values("parent").distinct().count() >= 6

    published = Guide.objects.published()
    assert published.count() >= 4
    assert Guide.objects.filter(status=Guide.Status.DRAFT, published_at__isnull=True).count() >= 1
    assert Guide.objects.stale().filter(pk__in=published).exists()
    for other in published.exclude(pk=guide.pk):
        assert other.faq_items.count() >= 5
        assert other.sources.count() >= 2
        assert other.reviewer_name and other.last_reviewed_on
        assert all(html for _prefix, _heading, html in other.sections) and len(other.sections) == 5


def test_seed_demo_creates_the_demo_staff_accounts_outside_production(settings):
    settings.PRODUCTION = False

    run_seed_demo()

    User = get_user_model()
    admin = User.objects.get(email="admin@lawzana.example")
    editor = User.objects.get(email="editor@lawzana.example")
    assert admin.is_staff and admin.is_superuser
    assert editor.is_staff and not editor.is_superuser
    assert admin.check_password("lawzana-demo-password")
    assert editor.check_password("lawzana-demo-password")
    if editor.groups.model.objects.filter(name="Editors").exists():
        assert editor.groups.filter(name="Editors").exists()


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="refuses to run in production"):
        run_seed_demo()

    assert not get_user_model().objects.filter(email__endswith="@lawzana.example").exists()
    assert not Guide.objects.exists()


def test_running_seed_demo_twice_changes_nothing(settings):
    settings.PRODUCTION = False
    run_seed_demo()
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        output = run_seed_demo()

    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q["sql"], re.IGNORECASE)]
    assert writes == []
    assert snapshot() == before
    assert " created" in output and not re.search(r"[1-9]\d* (created|updated|deleted)", output)


def test_seed_demo_repairs_edited_rows_and_removes_extra_ones():
    run_seed_demo()
    guide = harbin_cyber_law_guide()
    guide.summary = "Edited by hand."
    guide.save()
    FaqItem.objects.create(guide=guide, question="Extra?", answer_md="Extra.", position=99)
    guide.sources.filter(position=1).update(title="Wrong title")

    run_seed_demo()

    guide.refresh_from_db()
    assert guide.summary != "Edited by hand."
    assert not guide.faq_items.filter(question="Extra?").exists()
    assert not guide.sources.filter(title="Wrong title").exists()


def words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text)


def shingles(text: str) -> dict[str, str]:
    """{digest: words} for every run of SHINGLE_WORDS words of text."""
    tokens = words(text)
    runs = {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}
    return {hashlib.sha256(run.encode()).hexdigest()[:16]: run for run in runs}


def seed_page_digests() -> set[str]:
    lines = SEED_PAGE_SHINGLES.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def test_the_harbin_guide_is_written_in_its_own_words():
    run_seed_demo()
    seed_page = seed_page_digests()
    assert len(seed_page) > 1000  # the whole page, not an empty file

    ours = shingles(guide_text(harbin_cyber_law_guide()))

    assert not [run for digest, run in sorted(ours.items()) if digest in seed_page]
