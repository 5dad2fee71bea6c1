"""The inbox's CSV of the firm's accepted requests: the firm's own only, accepted only, the
client's contact details only where released to this firm, every cell safe in a spreadsheet."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from intake.models import Match
from portal.views import requests
from tests.factories import LeadFactory, MatchFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MESSAGE = "We can help with the data breach notification; we have done several under PIPL."


def export_url(firm):
    return reverse("portal:inbox_export", kwargs={"firm_slug": firm.slug})


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


@pytest.fixture
def firm(member):
    return member.firm


def accepted(firm, *, released=False, **lead_kwargs):
    now = timezone.now()
    lead = LeadFactory(**lead_kwargs)
    return MatchFactory(
        firm=firm,
        lead=lead,
        status=Match.Status.ACCEPTED,
        responded_at=now,
        firm_message=MESSAGE,
        quote_fee_model="flat",
        quote_amount_min=5000,
        quote_currency="CNY",
        sent_summary="A summary",
        sent_fields={},
        contact_released_at=now if released else None,
        sent_contact={"name": lead.name, "email": lead.email, "phone": lead.phone} if released else None,
    )


def text(response):
    """The whole file, read as a browser downloads it: streamed, never held by the response."""
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def rows(response_or_text):
    content = response_or_text if isinstance(response_or_text, str) else text(response_or_text)
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


def test_the_export_is_a_utf8_csv_with_bom_named_for_the_firm_and_day(client, firm):
    response = client.get(export_url(firm))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="lawzana-{firm.slug}-accepted-{today}.csv"'
    assert "no-store" in response["Cache-Control"]
    assert rows(response) == []


def test_only_accepted_requests_and_contact_only_where_released(client, firm):
    hidden = accepted(firm, name="Wang Wei", email="wang@hidden.example")
    shown = accepted(firm, released=True, name="李娜", email="lina@shop.example")
    for status in ("delivered", "viewed", "declined", "expired", "returned", "cancelled"):
        MatchFactory(firm=firm, status=status, firm_message="not accepted")

    found = {row["Reference"]: row for row in rows(client.get(export_url(firm)))}

    assert set(found) == {str(hidden.public_id), str(shown.public_id)}
    assert found[str(shown.public_id)]["Client's name"] == "李娜"
    assert found[str(shown.public_id)]["Client's email"] == "lina@shop.example"
    assert found[str(shown.public_id)]["Client's phone"] == "'+8613812345678"  # a "+" starts a formula
    assert found[str(hidden.public_id)]["Client's name"] == ""
    assert found[str(hidden.public_id)]["Client's email"] == ""
    row = found[str(hidden.public_id)]
    assert (row["Summary"], row["Your message"], row["Fee model"], row["Amount from"], row["Currency"]) == (
        "A summary",
        MESSAGE,
        "Flat fee",
        "5000.00",
        "CNY",
    )
    assert "wang@hidden.example" not in text(client.get(export_url(firm)))


def test_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(client, firm):
    match = accepted(firm, released=True, name='=HYPERLINK("http://evil.example")', email="x@example.com")
    Match.objects.filter(pk=match.pk).update(
        sent_summary="+SUM(A1:A9)",
        quote_covers="@cmd",
        firm_message="-2+3",
        sent_contact={"name": "\tTab", "email": "\rcr@example.com", "phone": ""},
    )

    row = rows(client.get(export_url(firm)))[0]

    assert row["Summary"] == "'+SUM(A1:A9)"
    assert row["What it covers"] == "'@cmd"
    assert row["Your message"] == "'-2+3"
    assert row["Client's name"] == "'\tTab"
    assert row["Client's email"] == "'\rcr@example.com"


def test_another_firms_member_gets_nothing_of_firm_a(client, firm):
    accepted(firm, released=True, name="Li Na", email="lina@shop.example")
    other = MembershipFactory()
    client.force_login(other.user)

    assert client.get(export_url(firm)).status_code == 404
    own = text(client.get(export_url(other.firm)))
    assert rows(own) == []
    assert "lina@shop.example" not in own


def test_an_erased_request_is_left_out(client, firm):
    from intake.services import client_actions

    match = accepted(firm, released=True)
    client_actions.lead_erase(lead=match.lead)

    assert rows(client.get(export_url(firm))) == []


def test_the_inbox_links_to_the_export(client, firm):
    content = client.get(reverse("portal:inbox", kwargs={"firm_slug": firm.slug})).content.decode()

    assert export_url(firm) in content
    assert "Download accepted requests (CSV)" in content


def test_times_are_the_sites_local_time(client, firm):
    match = accepted(firm)
    moment = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)
    Match.objects.filter(pk=match.pk).update(created_at=moment, responded_at=moment)

    row = rows(client.get(export_url(firm)))[0]

    assert row["Received"] == timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


COLUMNS = (
    "Reference,Received,Accepted,Practice area,City,Summary,Your message,Fee model,Amount from,Amount to,"
    "Currency,What it covers,Contact details given,Client's name,Client's email,Client's phone"
)


def test_the_file_starts_with_the_bom_and_the_columns_before_any_request_is_read(
    client, firm, django_assert_num_queries
):
    accepted(firm)
    stream = iter(client.get(export_url(firm)).streaming_content)

    with django_assert_num_queries(0):
        first = next(stream)

    assert first == ("\ufeff" + COLUMNS + "\r\n").encode()
    assert len(list(stream)) == 1


def test_the_export_reads_the_same_few_queries_however_many_requests(client, firm, django_assert_num_queries):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        text(client.get(export_url(firm)))  # the session's "last seen" written once, not in the counts below
        accepted(firm, released=True)
        # The session, its user, the second factor, the membership; then every row in one query.
        with django_assert_num_queries(5):
            assert len(rows(client.get(export_url(firm)))) == 1
        for _ in range(7):
            accepted(firm, released=True)

        with django_assert_num_queries(5):
            assert len(rows(client.get(export_url(firm)))) == 8


def test_rows_are_read_in_chunks_and_none_is_lost(client, firm, monkeypatch):
    monkeypatch.setattr(requests, "EXPORT_CHUNK_SIZE", 2)
    made = {str(accepted(firm).public_id) for _ in range(5)}

    assert {row["Reference"] for row in rows(client.get(export_url(firm)))} == made


def test_a_chinese_export_stays_chinese_whatever_language_is_active_while_it_streams(client, firm):
    accepted(firm)
    response = client.get("/zh-hans" + export_url(firm))

    with translation.override("en"):  # as the next request on this thread may, before the file is sent
        content = text(response)

    assert content.startswith("\ufeff需求编号,")
    assert rows(content)[0]["收费方式"] == "固定收费"
