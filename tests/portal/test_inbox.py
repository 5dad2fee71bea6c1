"""The firm's request inbox and one request's page: scoped to the firm (A3, A4), showing only
what A5 allows, with filters that never fail on junk and a fixed number of queries."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import Lead, Match
from tests.factories import FirmUserFactory, LeadFactory, MatchFactory, MembershipFactory
from tests.queries import queries_for

pytestmark = pytest.mark.django_db


def inbox_url(firm, query=""):
    return reverse("portal:inbox", kwargs={"firm_slug": firm.slug}) + query


def match_url(match, firm=None):
    return reverse("portal:match", kwargs={"firm_slug": (firm or match.firm).slug, "public_id": match.public_id})


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


@pytest.fixture
def firm(member):
    return member.firm


def make_matches(firm, count, **lead_kwargs):
    return [MatchFactory(firm=firm, lead=LeadFactory(**lead_kwargs)) for _ in range(count)]


# --- The list -----------------------------------------------------------------------------


def test_the_inbox_lists_the_firms_requests_newest_first(client, firm, harbin, cyber_law, assert_valid_html):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        older = MatchFactory(firm=firm, lead=LeadFactory(city=harbin, practice_area=cyber_law, urgency="urgent"))
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC), tick=False):
        newer = MatchFactory(firm=firm, lead=LeadFactory(city=harbin, practice_area=cyber_law))

    response = client.get(inbox_url(firm))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    content = response.content.decode()
    assert_valid_html(content)
    assert content.index(match_url(newer)) < content.index(match_url(older))
    assert "5 Mar 2026" in content and "1 Mar 2026" in content
    assert "Cyber Law, Data Privacy and Data Protection" in content
    assert "Harbin" in content
    assert "Urgent: within days" in content
    assert 'aria-current="page">Requests</a>' in content


def test_the_inbox_never_shows_the_clients_personal_data(client, firm):
    lead = LeadFactory(
        name="Zhao Min",
        email="zhao.min@example.com",
        phone="+8613912345678",
        description="Please call me on 139 1234 5678 or write to zhao.min@example.com about the leaked emails.",
    )
    MatchFactory(firm=firm, lead=lead)

    content = client.get(inbox_url(firm)).content.decode()

    for secret in ("Zhao Min", "zhao.min@example.com", "13912345678", "1234 5678"):
        assert secret not in content
    assert "Please call me on [number hidden] or write to [email hidden] about the leaked emails." in content


def test_each_row_shows_the_start_of_the_request_and_when_to_answer_by(client, firm, settings):
    settings.LEAD_RESPONSE_WINDOW_HOURS = 24
    settings.TIME_ZONE = "UTC"
    delivered = datetime.datetime(2026, 3, 5, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(delivered, tick=False):
        waiting = MatchFactory(
            firm=firm,
            lead=LeadFactory(description="My landlord kept the deposit. " + "He says the walls were damaged. " * 20),
        )
        MatchFactory(firm=firm, status="accepted", lead=LeadFactory(description="A contract dispute with a supplier."))
        MatchFactory(firm=firm, status="declined", lead=LeadFactory(description="Declined and gone from view."))

    content = client.get(inbox_url(firm)).content.decode()

    row = content[content.index(match_url(waiting)) - 2000 : content.index(match_url(waiting))]
    assert "My landlord kept the deposit. He says the walls were damaged." in row
    assert "…" in row and "damaged. " * 20 not in row
    assert '<time datetime="2026-03-06T09:30:00+0000">6 Mar 2026, 09:30</time>' in row
    assert "A contract dispute with a supplier." in content
    assert content.count('<time datetime="2026-03-06T09:30:00+0000">') == 1  # answered: nothing due
    assert "Declined and gone from view." not in content


@pytest.mark.parametrize(
    ("hours_later", "said", "soon"),
    # Django's timeuntil keeps a number and its unit together with a no-break space.
    [(1, "in 1\xa0day", False), (45, "in 3\xa0hours", True), (49, "time is up", True)],
)
def test_a_row_says_how_long_is_left_to_answer_and_marks_the_last_day(
    client, member, firm, settings, hours_later, said, soon
):
    settings.LEAD_RESPONSE_WINDOW_HOURS = 48
    delivered = datetime.datetime(2026, 3, 5, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(delivered, tick=False):
        waiting = MatchFactory(firm=firm, status="viewed")

    with time_machine.travel(delivered + datetime.timedelta(hours=hours_later), tick=False):
        client.force_login(member.user)  # a session idle that long has ended
        content = client.get(inbox_url(firm)).content.decode()
        page = client.get(match_url(waiting)).content.decode()

    css_class = "deadline deadline--soon" if soon else "deadline"
    assert f'<span class="{css_class}">{said}</span>' in content
    assert f'<span class="{css_class}">{said}</span>' in page


def test_each_row_names_its_status_in_words_with_its_groups_colour(client, firm):
    for status in ["delivered", "viewed", "accepted", "expired"]:
        MatchFactory(firm=firm, status=status)

    content = client.get(inbox_url(firm)).content.decode()

    for group, words in [("new", "New"), ("viewed", "Viewed"), ("accepted", "Accepted"), ("expired", "Expired")]:
        assert f'<span class="status status--{group}">{words}</span>' in content


def test_a_row_previews_what_the_firm_was_sent_not_the_description_as_it_is_now(client, firm):
    # The summary a firm received is kept on its match (intake/services/delivery.py); the
    # inbox must agree with the email, even if the redaction rules changed since.
    MatchFactory(
        firm=firm,
        lead=LeadFactory(description="My landlord kept the deposit; call me on 138 0013 8000."),
        sent_summary="My landlord kept the deposit; call me on [phone number removed].",
        sent_contact={"name": "Zhao Min", "email": "zhao@example.com", "phone": "138 0013 8000"},
    )

    content = client.get(inbox_url(firm)).content.decode()

    assert "My landlord kept the deposit; call me on [phone number removed]." in content
    assert "138 0013 8000" not in content and "Zhao Min" not in content


@pytest.mark.parametrize(
    ("description", "hidden"),
    [
        # A contact detail cut where the description is read must not show in part.
        ("x " * 190 + "and write to zhao.min.lawsuit@example-mail.com today", "zhao.min"),
        ("我的房东不退押金" * 48 + "微信号lina_88888888", "lina_"),
    ],
)
def test_a_preview_never_shows_part_of_a_contact_detail_cut_off_by_its_length(description, hidden):
    from portal.views.requests import PREVIEW_LENGTH, PREVIEW_READ, inbox_preview

    start = description[:PREVIEW_READ]
    preview = inbox_preview(start)

    assert hidden not in preview
    assert len(preview) <= PREVIEW_LENGTH


def test_each_status_is_counted_at_the_top_and_withdrawn_is_said_in_words(client, firm):
    for status in ["pending", "delivered", "failed", "viewed", "accepted", "declined", "expired", "returned"]:
        MatchFactory(firm=firm, status=status)
    MatchFactory(firm=firm, status="returned")
    MatchFactory(firm=firm, status="cancelled")

    content = client.get(inbox_url(firm)).content.decode()

    assert ">All: 10</a>" in content
    for label, count in [
        ("New", 3),
        ("Viewed", 1),
        ("Accepted", 1),
        ("Declined", 1),
        ("Expired", 1),
        ("Returned", 2),
        ("Withdrawn by the client", 1),
    ]:
        assert f'{label}: <span class="inbox-counts__n">{count}</span>' in content
    assert '<span class="status status--withdrawn">Withdrawn by the client</span>' in content


def test_declined_returned_and_withdrawn_rows_have_no_link(client, firm):
    openable = MatchFactory(firm=firm, status="viewed")
    closed = [MatchFactory(firm=firm, status=status) for status in ["declined", "returned", "cancelled"]]
    erased = MatchFactory(firm=firm, lead=LeadFactory(erased_at=timezone.now()))

    content = client.get(inbox_url(firm)).content.decode()

    assert match_url(openable) in content
    for match in [*closed, erased]:
        assert str(match.public_id) not in content


@pytest.mark.parametrize(
    ("group", "shown", "hidden"),
    [
        ("new", ["pending", "delivered", "failed"], ["viewed", "accepted"]),
        ("viewed", ["viewed"], ["delivered", "accepted"]),
        ("accepted", ["accepted"], ["viewed", "expired"]),
        ("expired", ["expired"], ["viewed"]),
    ],
)
def test_the_status_filter_shows_that_group_only(client, firm, group, shown, hidden):
    shown_matches = [MatchFactory(firm=firm, status=status) for status in shown]
    hidden_matches = [MatchFactory(firm=firm, status=status) for status in hidden]

    content = client.get(inbox_url(firm, f"?status={group}")).content.decode()

    for match in shown_matches:
        assert match_url(match) in content
    for match in hidden_matches:
        assert match_url(match) not in content


def test_practice_area_city_and_date_filters_narrow_the_list(client, firm, harbin, cyber_law, shanghai):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        march_harbin = MatchFactory(firm=firm, lead=LeadFactory(city=harbin, practice_area=cyber_law))
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC), tick=False):
        april_harbin = MatchFactory(firm=firm, lead=LeadFactory(city=harbin, practice_area=cyber_law))
        april_shanghai = MatchFactory(firm=firm, lead=LeadFactory(city=shanghai, practice_area=cyber_law))

    by_city = client.get(inbox_url(firm, f"?city={shanghai.pk}")).content.decode()
    by_area = client.get(inbox_url(firm, f"?practice_area={cyber_law.pk}")).content.decode()
    by_date = client.get(inbox_url(firm, "?received_from=2026-03-15&received_to=2026-04-30")).content.decode()

    assert match_url(april_shanghai) in by_city and match_url(april_harbin) not in by_city
    assert all(match_url(m) in by_area for m in (march_harbin, april_harbin, april_shanghai))
    assert match_url(march_harbin) not in by_date
    assert match_url(april_harbin) in by_date and match_url(april_shanghai) in by_date


def test_filter_choices_come_from_this_firms_requests_only(client, firm, harbin, cyber_law, shanghai, employment_law):
    # docs/reliability.md A4: the choices of a ModelChoiceFilter are scoped to the viewer's firm.
    MatchFactory(firm=firm, lead=LeadFactory(city=harbin, practice_area=cyber_law))
    other_firm = MembershipFactory().firm
    MatchFactory(firm=other_firm, lead=LeadFactory(city=shanghai, practice_area=employment_law))

    response = client.get(inbox_url(firm))

    choices = {name: list(response.context["filter"].form.fields[name].queryset) for name in ("practice_area", "city")}
    assert choices == {"practice_area": [cyber_law], "city": [harbin]}
    content = response.content.decode()
    assert "Shanghai" not in content and "Employment and Labour" not in content


def test_another_firms_city_in_the_filter_is_an_error_and_shows_nothing(client, firm, harbin, shanghai):
    mine = MatchFactory(firm=firm, lead=LeadFactory(city=harbin))
    other_firm = MembershipFactory().firm
    theirs = MatchFactory(firm=other_firm, lead=LeadFactory(city=shanghai))

    response = client.get(inbox_url(firm, f"?city={shanghai.pk}"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Select a valid choice" in content
    assert str(theirs.public_id) not in content and match_url(mine) not in content


@pytest.mark.parametrize(
    "query",
    [
        "?firm=2",
        "?firm__id=2",
        "?lead__email__icontains=example",
        "?status=zzz",
        "?status=new&status=zzz",
        "?practice_area=abc",
        "?city=999999",
        "?received_from=yesterday",
        "?received_to=2026-02-31",
        "?page=-1",
        "?page=0",
        "?page=abc",
        "?page=10000000000",
        "?page=10**10",
        "?ordering=lead__email",
        "?status=%00",
    ],
)
def test_junk_parameters_give_a_validated_list_never_an_error_or_another_firms_rows(client, firm, query):
    mine = MatchFactory(firm=firm)
    other = MatchFactory(firm=MembershipFactory().firm)

    response = client.get(inbox_url(firm, query))

    assert response.status_code == 200
    content = response.content.decode()
    assert str(other.public_id) not in content
    assert other.lead.city.name not in content
    if query in ("?firm=2", "?firm__id=2", "?lead__email__icontains=example", "?ordering=lead__email"):
        assert match_url(mine) in content  # undeclared parameters are simply ignored


def test_the_list_is_paginated_by_25_and_keeps_the_filters(client, firm, harbin, cyber_law):
    make_matches(firm, 27, city=harbin, practice_area=cyber_law)

    first = client.get(inbox_url(firm, "?status=new"))
    second = client.get(inbox_url(firm, "?status=new&page=2"))
    beyond = client.get(inbox_url(firm, "?status=new&page=99"))

    assert len(first.context["page_obj"].object_list) == 25
    assert len(second.context["page_obj"].object_list) == 2
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?status=new&amp;page=2"' in first.content.decode()
    assert beyond.context["page_obj"].number == 2


def test_an_empty_inbox_says_so(client, firm, assert_valid_html):
    response = client.get(inbox_url(firm))

    assert "No requests yet." in response.content.decode()
    assert_valid_html(response.content)


@pytest.mark.parametrize("rows", [2, 30])
def test_the_inbox_runs_a_fixed_number_of_queries(
    client, firm, harbin, cyber_law, rows, django_assert_max_num_queries
):
    make_matches(firm, rows, city=harbin, practice_area=cyber_law)
    url = inbox_url(firm, f"?status=new&city={harbin.pk}&practice_area={cyber_law.pk}&received_from=2020-01-01")
    client.get(url)  # the first request after signing in writes the session (once a minute)

    with django_assert_max_num_queries(12):
        response = client.get(url)

    assert len(response.context["page_obj"].object_list) == min(rows, 25)


def test_the_query_count_does_not_grow_with_the_rows(client, firm):
    counts = []
    client.get(inbox_url(firm))  # the first request after signing in writes the session
    for added in (2, 28):  # 2, then 30 rows, each in its own city and practice area
        make_matches(firm, added)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(inbox_url(firm)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_previews_and_deadlines_cost_no_query_and_whole_descriptions_are_not_read(client, firm):
    make_matches(firm, 3, description="A long story. " * 200)
    client.get(inbox_url(firm))  # the first request after signing in writes the session
    few = queries_for(client, inbox_url(firm))
    make_matches(firm, 20, description="Another long story. " * 200)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(inbox_url(firm)).status_code == 200

    assert len(queries) == few
    rows = next(query["sql"] for query in queries if "intake_match" in query["sql"] and "LIMIT" in query["sql"])
    # Read only through Left(): SUBSTR(...) on SQLite, LEFT(...) on PostgreSQL.
    whole_columns = re.sub(r'(SUBSTR|LEFT)\("intake_(lead|match)"\."\w+"', "", rows)
    assert '"intake_lead"."description"' not in whole_columns
    assert '"intake_match"."sent_summary"' not in whole_columns
    assert '"intake_match"."sent_contact"' not in rows


def test_the_inbox_of_another_firm_is_a_404(client, member):
    other_firm = MembershipFactory().firm
    MatchFactory(firm=other_firm)

    assert client.get(inbox_url(other_firm)).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    firm = MembershipFactory().firm
    url = inbox_url(firm)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_a_firm_user_without_two_factor_is_sent_to_set_it_up(client):
    membership = MembershipFactory(user=FirmUserFactory(mfa=False))
    client.force_login(membership.user)

    response = client.get(inbox_url(membership.firm))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:mfa_required"))


def test_the_inbox_refuses_a_post(client, firm):
    assert client.post(inbox_url(firm)).status_code == 405


# --- One request's page -----------------------------------------------------------------------


def test_opening_a_delivered_request_marks_it_viewed_once(client, firm):
    match = MatchFactory(firm=firm, status="delivered")

    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC), tick=False):
        first = client.get(match_url(match))
    with time_machine.travel(datetime.datetime(2026, 5, 2, 10, tzinfo=datetime.UTC), tick=False):
        client.get(match_url(match))

    assert first.status_code == 200
    assert "Viewed" in first.content.decode()
    match.refresh_from_db()
    assert match.status == Match.Status.VIEWED
    assert match.viewed_at == datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC)


@pytest.mark.parametrize("status", ["pending", "failed"])
def test_opening_an_undelivered_request_counts_as_delivered_now(client, firm, status):
    match = MatchFactory(firm=firm, status=status, delivered_at=None, failure_reason="SMTP 550")

    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC), tick=False):
        client.get(match_url(match))

    match.refresh_from_db()
    assert match.status == Match.Status.VIEWED
    assert match.delivered_at == match.viewed_at == datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC)
    assert match.failure_reason == ""


def test_a_head_request_does_not_mark_it_viewed(client, firm):
    match = MatchFactory(firm=firm, status="delivered")

    assert client.head(match_url(match)).status_code == 200

    match.refresh_from_db()
    assert match.status == Match.Status.DELIVERED and match.viewed_at is None


def test_before_accepting_the_firm_sees_the_facts_and_a_redacted_summary_only(
    client, firm, harbin, cyber_law, assert_valid_html
):
    lead = LeadFactory(
        city=harbin,
        practice_area=cyber_law,
        name="Zhao Min",
        email="zhao.min@example.com",
        phone="+8613912345678",
        budget="5k_20k",
        client_type="business",
        urgency="urgent",
        description="Call me on +86 139 1234 5678 or zhao.min@example.com about the breach. " + "More. " * 80,
    )
    match = MatchFactory(firm=firm, lead=lead)

    response = client.get(match_url(match))

    content = response.content.decode()
    assert_valid_html(content)
    for shown in ["Harbin, China", "Cyber Law", "Urgent: within days", "¥5,000 – ¥20,000", "A business"]:
        assert shown in content
    assert "[number hidden]" in content and "[email hidden]" in content
    for secret in ("Zhao Min", "zhao.min@example.com", "13912345678", "139 1234 5678"):
        assert secret not in content
    assert "More. " * 80 not in content  # shortened
    assert (
        'action="' + reverse("portal:match_accept", kwargs={"firm_slug": firm.slug, "public_id": match.public_id})
        in content
    )


def test_an_expired_request_says_so_with_the_summary_and_no_answer_forms(client, firm, assert_valid_html):
    match = MatchFactory(firm=firm, status="expired", lead=LeadFactory(name="Zhao Min"))

    response = client.get(match_url(match))

    content = response.content.decode()
    assert response.status_code == 200
    assert_valid_html(content)
    assert "This request expired" in content
    assert "<form" not in content.split('class="portal"')[1]
    assert "Zhao Min" not in content
    match.refresh_from_db()
    assert match.status == Match.Status.EXPIRED


@pytest.mark.parametrize("status", ["declined", "returned", "cancelled"])
def test_a_declined_returned_or_withdrawn_request_is_a_404_for_the_firm(client, firm, status):
    match = MatchFactory(firm=firm, status=status)

    assert client.get(match_url(match)).status_code == 404


def test_an_erased_request_is_a_404_for_the_firm(client, firm):
    match = MatchFactory(firm=firm, status="accepted", lead=LeadFactory(erased_at=timezone.now()))

    assert client.get(match_url(match)).status_code == 404


def test_a_withdrawn_request_is_a_404_even_if_its_match_was_not_cancelled(client, firm):
    match = MatchFactory(firm=firm, status="viewed", lead=LeadFactory(status=Lead.Status.WITHDRAWN))

    assert client.get(match_url(match)).status_code == 404


def test_another_firms_request_is_a_404_and_stays_unviewed(client, firm, caplog):
    other = MatchFactory(firm=MembershipFactory().firm, status="delivered")

    with caplog.at_level("WARNING", logger="lawzana.authz"):
        mine_slug = client.get(match_url(other, firm=firm))
        their_slug = client.get(match_url(other))

    assert mine_slug.status_code == 404 and their_slug.status_code == 404
    assert "authz_denied" in caplog.text
    other.refresh_from_db()
    assert other.status == Match.Status.DELIVERED and other.viewed_at is None


def test_an_unknown_or_malformed_id_is_a_404(client, firm):
    assert client.get(reverse("portal:inbox", kwargs={"firm_slug": firm.slug}) + "not-a-uuid/").status_code == 404
    assert (
        client.get(
            reverse(
                "portal:match", kwargs={"firm_slug": firm.slug, "public_id": "00000000-0000-0000-0000-000000000000"}
            )
        ).status_code
        == 404
    )


def test_the_request_page_sends_signed_out_visitors_to_sign_in(client):
    match = MatchFactory(firm=MembershipFactory().firm)
    url = match_url(match)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    match.refresh_from_db()
    assert match.viewed_at is None


def test_the_request_page_needs_two_factor(client):
    membership = MembershipFactory(user=FirmUserFactory(mfa=False))
    match = MatchFactory(firm=membership.firm)
    client.force_login(membership.user)

    response = client.get(match_url(match))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:mfa_required"))
    match.refresh_from_db()
    assert match.viewed_at is None


def test_an_open_request_says_when_to_answer_by_and_an_answered_one_does_not(client, firm, settings):
    settings.LEAD_RESPONSE_WINDOW_HOURS = 48
    settings.TIME_ZONE = "UTC"
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, 30, tzinfo=datetime.UTC), tick=False):
        waiting = MatchFactory(firm=firm)
        answered = MatchFactory(firm=firm, status="accepted", responded_at=timezone.now())

    waiting_page = client.get(match_url(waiting)).content.decode()
    answered_page = client.get(match_url(answered)).content.decode()

    assert '<dt>Answer by</dt><dd><time datetime="2026-03-07T09:30:00+0000">7 March 2026, 09:30</time>' in waiting_page
    assert "Answer by" not in answered_page
