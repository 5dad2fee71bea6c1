"""The client's status page says where things stand: which city each firm is in, why matching
went beyond the client's city, and a summary that follows every answer (issue 16, items 13-14).
The firm's notice says the same about a widened match."""

import pytest
from django.core import mail
from django.urls import reverse

from intake.models import Lead, Match
from intake.services import client_actions, delivery
from intake.services.routing import lead_match
from tests.factories import (
    CityFactory,
    FirmFactory,
    FirmUserFactory,
    LeadFactory,
    MatchFactory,
    MembershipFactory,
    RegionFactory,
)
from tests.intake.test_client_pages import status_url, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def family_law(db):
    from tests.factories import PracticeAreaFactory

    return PracticeAreaFactory(name="Family Law", slug="family-law", parent__name="People", parent__slug="people")


@pytest.fixture
def daqing(harbin):
    return CityFactory(region=harbin.region, name="Daqing", slug="daqing")


def harbin_request(harbin, area, **fields):
    return LeadFactory(city=harbin, practice_area=area, status=Lead.Status.CONFIRMED, **fields)


# --- Item 13: each firm's city, and why matching widened ---------------------------------------


def test_a_request_sent_beyond_the_city_names_each_firms_city_and_says_why(client, harbin, daqing, family_law):
    mudanjiang = CityFactory(region=harbin.region, name="Mudanjiang", slug="mudanjiang")
    FirmFactory(name="Daqing Family Law", cities=[daqing], practice_areas=[family_law])
    FirmFactory(name="Mudanjiang Partners", cities=[mudanjiang, daqing], practice_areas=[family_law])
    beijing = CityFactory(region=RegionFactory(country=harbin.country, name="Beijing", slug="beijing"), name="Beijing")
    FirmFactory(name="Capital Counsel", cities=[beijing], practice_areas=[family_law])
    lead = harbin_request(harbin, family_law)

    lead_match(lead_id=lead.pk)

    scopes = {m.firm.name: (m.scope, m.office_city.name) for m in lead.matches.select_related("firm", "office_city")}
    assert scopes == {
        "Daqing Family Law": (Match.Scope.REGION, "Daqing"),
        # Of a firm's cities in the region, the first: nothing says one is nearer than the other.
        "Mudanjiang Partners": (Match.Scope.REGION, min([mudanjiang, daqing], key=lambda c: c.pk).name),
        "Capital Counsel": (Match.Scope.COUNTRY, "Beijing"),
    }
    page = text_of(client.get(status_url(lead)))
    assert (
        "No firm in Harbin that offers Family Law could take your request, so we sent it to firms elsewhere in "
        f"{harbin.country.name}." in page
    )
    assert "Daqing Family Law Office in Daqing, Heilongjiang: outside Harbin" in page
    assert "Capital Counsel Office in Beijing, Beijing: outside Harbin" in page


def test_with_a_firm_in_the_city_it_says_few_firms_and_the_region(client, harbin, daqing, family_law, settings):
    settings.LEAD_FANOUT = 2
    FirmFactory(name="Harbin Family Law", cities=[harbin], practice_areas=[family_law])
    FirmFactory(name="Daqing Family Law", cities=[daqing], practice_areas=[family_law])
    lead = harbin_request(harbin, family_law)

    lead_match(lead_id=lead.pk)

    page = text_of(client.get(status_url(lead)))
    assert (
        "Few firms in Harbin offer Family Law and take requests, so we also sent it to firms elsewhere in "
        "Heilongjiang." in page
    )
    assert "Harbin Family Law Office in Harbin Status" in page
    assert "Daqing Family Law Office in Daqing, Heilongjiang: outside Harbin" in page


def test_a_request_served_in_its_city_says_nothing_about_widening(client, harbin, family_law):
    FirmFactory(name="Harbin Family Law", cities=[harbin], practice_areas=[family_law])
    lead = harbin_request(harbin, family_law)

    lead_match(lead_id=lead.pk)

    page = text_of(client.get(status_url(lead)))
    assert "Harbin Family Law Office in Harbin" in page
    assert "elsewhere in" not in page
    assert "outside Harbin" not in page


def test_a_firm_the_client_chose_elsewhere_is_not_a_widening(client, harbin, daqing, family_law):
    chosen = FirmFactory(name="Daqing Family Law", cities=[daqing], practice_areas=[family_law], email="f@d.example")
    lead = harbin_request(harbin, family_law, requested_firm=chosen, requested_firm_only=True)

    (match,) = lead_match(lead_id=lead.pk)

    assert (match.scope, match.office_city_id) == (Match.Scope.CHOSEN, daqing.pk)
    page = text_of(client.get(status_url(lead)))
    assert "Daqing Family Law Office in Daqing You chose this firm." in page
    assert "outside Harbin" not in page and "elsewhere in" not in page
    delivery.match_deliver(match_id=match.pk)
    assert "outside your city" not in mail.outbox[0].subject
    assert "widened" not in mail.outbox[0].body


def test_matching_reads_the_office_city_without_another_query(
    harbin, daqing, family_law, settings, django_assert_max_num_queries
):
    settings.LEAD_FANOUT = 3
    FirmFactory.create_batch(3, cities=[daqing], practice_areas=[family_law])
    lead = harbin_request(harbin, family_law)

    # As before matching kept the city: a savepoint, the locked lead, the city's candidates,
    # the region's, the matches, the lead's status, the release.
    with django_assert_max_num_queries(7):
        created = lead_match(lead_id=lead.pk)

    assert {m.office_city_id for m in created} == {daqing.pk}


def test_old_matches_without_a_scope_show_no_city_and_no_sentence(client, harbin, family_law):
    lead = LeadFactory(city=harbin, practice_area=family_law, status=Lead.Status.MATCHED)
    MatchFactory(lead=lead, firm=FirmFactory(name="Older Match"))

    page = text_of(client.get(status_url(lead)))

    assert "Older Match Status: received" in page
    assert "Office in" not in page and "elsewhere in" not in page


def test_the_firm_is_told_the_client_is_not_local_in_its_email_and_portal(client, harbin, daqing, family_law):
    firm = FirmFactory(
        name="Daqing Family Law", cities=[daqing], practice_areas=[family_law], email="f@daqing.example"
    )
    lead = harbin_request(harbin, family_law)
    (match,) = lead_match(lead_id=lead.pk)

    delivery.match_deliver(match_id=match.pk)

    (email,) = mail.outbox
    assert email.subject == "New request: Family Law in Harbin, outside your city"
    sentence = (
        "The client is in Harbin, not in Daqing where your office is. Few firms in Harbin could take this "
        "request, so we widened the search to the rest of Heilongjiang."
    )
    assert sentence in " ".join(email.body.split())
    assert sentence in " ".join(email.alternatives[0][0].split())
    client.force_login(MembershipFactory(firm=firm).user)
    url = reverse("portal:match", kwargs={"firm_slug": firm.slug, "public_id": match.public_id})
    assert sentence in text_of(client.get(url))


# --- Item 14: the summary follows every state ------------------------------------------------


def summary_of(client, lead):
    page = text_of(client.get(status_url(lead)))
    return page.split("Where things stand", 1)[1].split("Law firms", 1)[0]


@pytest.mark.parametrize(
    ("statuses", "released", "says", "never"),
    [
        (["pending", "pending"], [], ["Your request is on its way to 2 law firms."], ["accepted"]),
        (
            ["delivered", "viewed", "pending"],
            [],
            ["Your request was sent to 3 law firms.", "3 firms have not answered yet.", "Firms see your request"],
            ["accepted"],
        ),
        (
            ["accepted", "delivered", "declined"],
            [],
            [
                "Firm A accepted your request. Give it your contact details so it can contact you.",
                "1 firm has not answered yet.",
                "1 firm could not take it.",
            ],
            ["Firms see your request", "You gave"],
        ),
        (
            ["accepted", "accepted", "expired"],
            [],
            [
                "2 firms accepted your request: Firm A, Firm B. Compare their answers and give your contact "
                "details to the firm you choose.",
                "1 firm did not answer in time.",
            ],
            ["has not answered"],
        ),
        (
            ["accepted", "accepted", "delivered"],
            [0],
            [
                "You gave your contact details to Firm A: expect it to contact you.",
                "Firm B also accepted your request; it does not have your contact details.",
            ],
            ["Give it your contact details"],
        ),
        (
            ["accepted", "accepted"],
            [0, 1],
            ["You gave your contact details to Firm A, Firm B: expect them to contact you."],
            ["also accepted"],
        ),
        (
            ["declined", "returned", "expired"],
            [],
            [
                "2 firms could not take it.",
                "1 firm did not answer in time.",
                "No firm will answer this request any more, and we do not send it to other firms.",
                "Send a new request",
            ],
            ["accepted", "has not answered"],
        ),
        (
            ["failed"],
            [],
            ["Our email to 1 firm did not arrive; it can still answer from its Lawzana account."],
            ["We are choosing", "sent to 0"],
        ),
    ],
)
def test_the_summary_follows_the_firms_answers(client, statuses, released, says, never):
    lead = LeadFactory(status=Lead.Status.MATCHED)
    for index, status in enumerate(statuses):
        MatchFactory(
            lead=lead,
            firm=FirmFactory(name=f"Firm {'ABC'[index]}"),
            status=status,
            contact_released_at=lead.created_at if index in released else None,
        )

    summary = summary_of(client, lead)

    for words in says:
        assert words in summary
    for words in never:
        assert words not in summary


def test_a_firm_the_client_chose_only_that_declined_offers_the_others(client):
    chosen = FirmFactory(name="Chosen Firm")
    lead = LeadFactory(status=Lead.Status.MATCHED, requested_firm=chosen, requested_firm_only=True)
    MatchFactory(lead=lead, firm=chosen, status=Match.Status.DECLINED)

    summary = summary_of(client, lead)

    assert "The firm you chose cannot take your request." in summary
    assert "Send a new request" not in summary


def test_an_expired_request_still_says_who_has_the_contact_details(client):
    lead = LeadFactory(status=Lead.Status.EXPIRED)
    MatchFactory(lead=lead, firm=FirmFactory(name="Firm A"), status="accepted", contact_released_at=lead.created_at)

    summary = summary_of(client, lead)

    assert "This request has expired" in summary
    assert "You gave your contact details to Firm A: expect it to contact you." in summary


def test_the_summary_changes_when_a_firm_accepts_and_when_the_client_releases(
    client, django_capture_on_commit_callbacks
):
    lead = LeadFactory(status=Lead.Status.MATCHED)
    match = MatchFactory(lead=lead, firm=FirmFactory(name="Songhua Law"), status=Match.Status.VIEWED)
    assert "1 firm has not answered yet." in summary_of(client, lead)

    from intake.services import answers

    with django_capture_on_commit_callbacks(execute=True):
        answers.match_accept(match_id=match.pk, user=FirmUserFactory(), message="We can help with this next week.")
    assert "Songhua Law accepted your request. Give it your contact details" in summary_of(client, lead)

    with django_capture_on_commit_callbacks(execute=True):
        client_actions.match_release_contact(lead=lead, match_id=match.pk)
    assert "You gave your contact details to Songhua Law: expect it to contact you." in summary_of(client, lead)
