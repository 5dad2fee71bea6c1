"""The firm's conflict list in the portal (issue 23): names go in and only their fingerprints
are kept; members add, owners remove; the caps hold; another firm's entries are a 404; and
nothing the firm sees says whether a request named a party, except the weekly count."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from directory import conflicts
from directory.models import ConflictEntry, Office
from intake.services.routing import lead_match
from tests.factories import FirmFactory, MembershipFactory
from tests.intake.test_matching import make_lead

pytestmark = pytest.mark.django_db

NAME = "Harbin Ice Tech Co., Ltd."


@pytest.fixture
def firm(db):
    return FirmFactory(name="Songhua River Law", slug="songhua")


@pytest.fixture
def owner(firm):
    return MembershipFactory(firm=firm, owner=True)


@pytest.fixture
def member(firm):
    return MembershipFactory(firm=firm)


def url(firm, name="conflicts", **kwargs):
    return reverse(f"portal:{name}", kwargs={"firm_slug": firm.slug, **kwargs})


def text_of(response):
    return " ".join(response.content.decode().split())


def add(client, firm, name=NAME, label="Client 2024-031"):
    return client.post(url(firm, "conflict_add"), {"name": name, "label": label})


def test_a_member_adds_a_name_and_only_its_fingerprint_is_kept(client, firm, member):
    client.force_login(member.user)

    response = add(client, firm)

    assert response.status_code == 302 and response["Location"] == url(firm)
    (entry,) = ConflictEntry.objects.filter(firm=firm)
    assert entry.digest == conflicts.digest("HARBIN ICE TECH") and len(entry.digest) == 64
    assert entry.created_by == member.user
    stored = json.dumps(list(ConflictEntry.objects.values()), default=str).lower()
    assert "harbin" not in stored and "ice tech" not in stored
    page = text_of(client.get(url(firm)))
    assert "Client 2024-031" in page and "Harbin" not in page
    assert "Lawzana keeps only a fingerprint of the name; write down which client this is in the label." in page


def test_the_same_name_in_another_spelling_is_one_entry(client, firm, member):
    client.force_login(member.user)
    add(client, firm)

    again = client.get(add(client, firm, name="Ｈａｒｂｉｎ Ｉｃｅ Ｔｅｃｈ", label="Client 9")["Location"])

    assert ConflictEntry.objects.filter(firm=firm).count() == 1
    assert "already on your list, as “Client 2024-031”" in text_of(again)


@pytest.mark.parametrize(
    ("name", "label", "error"),
    [
        (NAME, "harbin ice tech", "The label must not be the name"),
        ("Co., Ltd.", "Client 1", "not only a company form"),
        ("", "Client 1", "This field is required"),
        (NAME, "", "This field is required"),
    ],
)
def test_a_label_that_is_the_name_or_an_empty_name_is_refused(client, firm, member, name, label, error):
    client.force_login(member.user)

    response = add(client, firm, name=name, label=label)

    assert response.status_code == 400 and error in text_of(response)
    assert not ConflictEntry.objects.exists()


def test_owners_remove_and_members_may_not(client, firm, owner, member):
    entry, _created = conflicts.entry_add(firm=firm, name=NAME, label="Client 1")
    client.force_login(member.user)
    assert client.post(url(firm, "conflict_delete", pk=entry.pk)).status_code == 403
    assert "Only the firm's owners can remove names." in text_of(client.get(url(firm)))

    client.force_login(owner.user)
    response = client.post(url(firm, "conflict_delete", pk=entry.pk))

    assert response.status_code == 302
    assert not ConflictEntry.objects.exists()


def test_another_firms_entries_are_a_404(client, firm, owner):
    other = FirmFactory(slug="other")
    theirs, _created = conflicts.entry_add(firm=other, name=NAME, label="Their client")
    client.force_login(owner.user)

    assert client.get(url(firm, "conflict_delete", pk=theirs.pk)).status_code == 404
    assert client.post(url(firm, "conflict_delete", pk=theirs.pk)).status_code == 404
    assert client.get(url(other)).status_code == 404
    assert client.post(url(other, "conflict_delete", pk=theirs.pk)).status_code == 404
    assert add(client, other, name="Someone Else").status_code == 404
    assert ConflictEntry.objects.filter(firm=other).count() == 1
    assert "Their client" not in text_of(client.get(url(firm)))


def test_the_list_holds_at_most_the_cap(client, firm, member, settings):
    settings.CONFLICT_LIST_MAX_ENTRIES = 3
    client.force_login(member.user)
    for i in range(3):
        assert add(client, firm, name=f"Party {i}", label=f"Client {i}").status_code == 302

    response = add(client, firm, name="Party 3", label="Client 3")

    assert response.status_code == 409 and "the most it can hold" in text_of(response)
    assert ConflictEntry.objects.filter(firm=firm).count() == 3


def test_additions_per_day_are_capped_and_removing_does_not_give_them_back(client, firm, owner, settings):
    settings.CONFLICT_LIST_MAX_ADDITIONS_PER_DAY = 2
    client.force_login(owner.user)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        add(client, firm, name="Party 1", label="Client 1")
        add(client, firm, name="Party 2", label="Client 2")
        client.post(url(firm, "conflict_delete", pk=ConflictEntry.objects.get(label="Client 2").pk))

        refused = add(client, firm, name="Party 3", label="Client 3")

    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC), tick=False):
        client.force_login(owner.user)  # the idle timeout signed the owner out overnight
        next_day = add(client, firm, name="Party 3", label="Client 3")

    assert refused.status_code == 409 and "the most it can add in a day" in text_of(refused)
    assert next_day.status_code == 302
    assert sorted(ConflictEntry.objects.values_list("label", flat=True)) == ["Client 1", "Client 3"]


def test_adding_a_name_says_nothing_about_requests_that_named_it(client, firm, member, harbin, cyber_law):
    holder = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    conflicts.entry_add(firm=holder, name=NAME, label="Client A")
    lead_match(lead_id=make_lead(city=harbin, practice_area=cyber_law, other_party=NAME).pk)
    client.force_login(member.user)

    named = add(client, firm, name=NAME, label="Client 1")
    unnamed = add(client, firm, name="Nobody Ever Named Ltd", label="Client 2")

    assert named.status_code == unnamed.status_code == 302
    assert named["Location"] == unnamed["Location"]
    assert "0 requests were not sent to you because of a possible conflict this week." in text_of(
        client.get(url(firm))
    )


def test_the_weekly_count_shows_on_the_dashboard_and_the_list_and_nothing_else(
    client, firm, member, harbin, cyber_law
):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    Office.objects.create(firm=firm, city=harbin)
    firm.practice_areas.add(cyber_law)
    conflicts.entry_add(firm=firm, name=NAME, label="Client 2024-031")
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party="HARBIN ICE TECH", description="x" * 30)
    lead_match(lead_id=lead.pk)
    client.force_login(member.user)

    dashboard = text_of(client.get(url(firm, "dashboard")))
    listing = text_of(client.get(url(firm)))

    sentence = "1 request was not sent to you because of a possible conflict this week."
    assert sentence in dashboard and sentence in listing
    # Not which request, nor which entry it matched: the list still shows only the label.
    for page in (dashboard, listing):
        assert "x" * 30 not in page and "HARBIN ICE" not in page.upper() and lead.token not in page
    assert "We do not say which requests, nor which name on your list they matched." in listing
    assert not firm.matches.exists()
