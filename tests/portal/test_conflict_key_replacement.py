"""Replacing CONFLICT_CHECK_KEY (docs/conflict-check.md, "Replacing the key"): with the old key
as a fallback the lists keep working and move to the new key as names come up; without it the
firm is asked to enter the names again, and an operator can see how many remain."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from directory import conflicts
from directory.models import ConflictEntry, Office
from intake.services.routing import lead_match
from tests.factories import FirmFactory, MembershipFactory
from tests.intake.test_matching import make_lead

pytestmark = pytest.mark.django_db

OLD_KEY = "o" * 40
NEW_KEY = "n" * 40
NAME = "Harbin Ice Tech Co., Ltd."


@pytest.fixture
def firm(harbin, cyber_law):
    firm = FirmFactory(name="Songhua River Law", slug="songhua", practice_areas=[cyber_law])
    Office.objects.create(firm=firm, city=harbin)
    return firm


@pytest.fixture
def entry(firm, settings):
    settings.CONFLICT_CHECK_KEY = OLD_KEY
    return conflicts.entry_add(firm=firm, name=NAME, label="Client 2024-031")[0]


def replace_key(settings, *, keep_old):
    settings.CONFLICT_CHECK_KEY = NEW_KEY
    settings.CONFLICT_CHECK_KEY_FALLBACKS = [OLD_KEY] if keep_old else []


def request_naming(name, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])  # someone else to send it to
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party=name)
    lead_match(lead_id=lead.pk)
    return lead


def keys_report():
    out = io.StringIO()
    call_command("conflict_keys", stdout=out)
    return out.getvalue()


def test_with_the_old_key_as_fallback_the_firm_is_still_skipped_and_the_entry_moves_to_the_new_key(
    firm, entry, settings, harbin, cyber_law
):
    replace_key(settings, keep_old=True)
    assert "fallback 1: 1" in keys_report()

    lead = request_naming("HARBIN ICE TECH", harbin, cyber_law)

    assert not lead.matches.filter(firm=firm).exists()
    entry.refresh_from_db()
    assert entry.key_id == conflicts.key_id(NEW_KEY) and entry.digest == conflicts.digest(NAME)
    assert "current: 1" in keys_report() and "fallback 1: 0" in keys_report()
    # The old key can now go: the entry still holds.
    settings.CONFLICT_CHECK_KEY_FALLBACKS = []
    second = request_naming(NAME, harbin, cyber_law)
    assert not second.matches.filter(firm=firm).exists()


def test_entering_a_name_again_under_a_fallback_key_moves_it_without_a_second_entry(firm, entry, settings):
    replace_key(settings, keep_old=True)

    again, created = conflicts.entry_add(firm=firm, name="harbin ice tech", label="Another label")

    assert (again.pk, created) == (entry.pk, False)
    assert again.key_id == conflicts.key_id(NEW_KEY) and ConflictEntry.objects.count() == 1


def test_without_the_old_key_the_firm_is_asked_to_enter_the_name_again(
    client, firm, entry, settings, harbin, cyber_law
):
    replace_key(settings, keep_old=False)
    owner = MembershipFactory(firm=firm, owner=True)
    client.force_login(owner.user)
    page_url = reverse("portal:conflicts", kwargs={"firm_slug": firm.slug})

    # The retired entry matches nothing, and the page says so instead of looking protected.
    assert request_naming(NAME, harbin, cyber_law).matches.filter(firm=firm).exists()
    assert "retired: 1" in keys_report()
    page = " ".join(client.get(page_url).content.decode().split())
    assert "Enter the name marked “Enter again” once more, with the same label" in page
    assert 'Client 2024-031 <strong class="badge">Enter again</strong>' in page

    # Entered again with the same label: renewed in place, not a second entry, outside the daily cap.
    settings.CONFLICT_LIST_MAX_ADDITIONS_PER_DAY = 0
    response = client.post(
        reverse("portal:conflict_add", kwargs={"firm_slug": firm.slug}), {"name": NAME, "label": "Client 2024-031"}
    )

    assert response.status_code == 302
    (renewed,) = ConflictEntry.objects.filter(firm=firm)
    assert renewed.pk == entry.pk and renewed.key_id == conflicts.key_id(NEW_KEY)
    assert "Enter again" not in client.get(page_url).content.decode()
    assert not request_naming(NAME, harbin, cyber_law).matches.filter(firm=firm).exists()
    assert "retired: 0" in keys_report()


def test_a_request_naming_nobody_or_a_new_key_entry_writes_nothing(firm, settings, harbin, cyber_law):
    settings.CONFLICT_CHECK_KEY = NEW_KEY
    conflicts.entry_add(firm=firm, name=NAME, label="Client 1")
    before = list(ConflictEntry.objects.values())

    request_naming(NAME, harbin, cyber_law)
    request_naming("", harbin, cyber_law)

    assert list(ConflictEntry.objects.values()) == before


def test_the_key_id_names_the_key_without_revealing_it():
    assert conflicts.key_id(OLD_KEY) != conflicts.key_id(NEW_KEY)
    assert len(conflicts.key_id(OLD_KEY)) == 12 and OLD_KEY[:12] != conflicts.key_id(OLD_KEY)
