"""The client knows where things stand (issue 16, items 13-16), walked in a browser: a Harbin
request that only firms elsewhere in Heilongjiang can take names each firm's city and says why;
the firm is told the client is not local; when it accepts, the client's summary says so; when
the client gives it their contact details, the firm's email arrives at once with them, and the
client's download lists what each firm was sent."""

import json

import pytest
from playwright.sync_api import expect

from intake.models import Match
from intake.redaction import redacted_summary
from intake.services import submission
from tests.browser.conftest import emails_to, link_in, sign_in, with_password
from tests.factories import CityFactory, FirmFactory, FirmUserFactory, MembershipFactory, PracticeAreaFactory

pytestmark = pytest.mark.browser

CLIENT = {"name": "Zhao Min", "email": "zhao.min@example.com", "phone": "+8613812345678"}
DESCRIPTION = (
    "My husband and I are divorcing and cannot agree on where our daughter will live. "
    "Call me on 138 1234 5678 after work."
)
PHONE_SIZE = {"width": 390, "height": 844}
DESKTOP_SIZE = {"width": 1366, "height": 900}


def test_a_request_sent_beyond_harbin_says_so_and_the_summary_follows_the_firms_answer(people, harbin):
    family_law = PracticeAreaFactory(
        name="Family Law", slug="family-law", parent__name="People", parent__slug="people"
    )
    daqing = CityFactory(region=harbin.region, name="Daqing", slug="daqing")
    mudanjiang = CityFactory(region=harbin.region, name="Mudanjiang", slug="mudanjiang")
    firm = FirmFactory(
        name="Daqing Family Law", email="office@daqing-family.example", cities=[daqing], practice_areas=[family_law]
    )
    FirmFactory(
        name="Mudanjiang Partners", email="office@mdj.example", cities=[mudanjiang], practice_areas=[family_law]
    )
    lawyer = with_password(FirmUserFactory(email="liu.yang@daqing-family.example"))
    MembershipFactory(user=lawyer, firm=firm, role="owner")
    lead, _created = submission.lead_submit(
        practice_area=family_law,
        city=harbin,
        description=DESCRIPTION,
        urgency="soon",
        budget="unsure",
        preferred_language=None,
        client_type="individual",
        consents=["process", "share"],
        **CLIENT,
    )

    # The client confirms: the page names each firm's city and says why they are not in Harbin.
    client = people.open("client")
    client.set_viewport_size(PHONE_SIZE)
    (confirmation,) = emails_to(CLIENT["email"])
    client.goto(link_in(confirmation, "/requests/confirm/"))
    status_url = client.url
    state = client.get_by_role("region", name="Where things stand")
    expect(state).to_contain_text("Your request was sent to 2 law firms. 2 firms have not answered yet.")
    firms = client.get_by_role("region", name="Law firms")
    expect(firms).to_contain_text(
        "No firm in Harbin that offers Family Law could take your request, so we sent it to firms elsewhere in "
        "Heilongjiang."
    )
    expect(firms.get_by_role("listitem").filter(has_text="Daqing Family Law")).to_contain_text(
        "Office in Daqing, Heilongjiang: outside Harbin"
    )
    expect(firms.get_by_role("listitem").filter(has_text="Mudanjiang Partners")).to_contain_text(
        "Office in Mudanjiang, Heilongjiang: outside Harbin"
    )
    people.shot(client, "status page on a phone: firms outside Harbin")

    # The firm's email and its portal page say the client is in Harbin, beyond its city.
    (request_email,) = emails_to(lawyer.email)
    assert request_email.subject == "New request: Family Law in Harbin, outside your city"
    firm_page = people.open("firm")
    firm_page.set_viewport_size(DESKTOP_SIZE)
    sign_in(firm_page, email=lawyer.email, next_url=link_in(request_email, f"/portal/{firm.slug}/requests/"))
    expect(firm_page.get_by_role("main")).to_contain_text(
        "The client is in Harbin, not in Daqing where your office is. Few firms in Harbin could take this "
        "request, so we widened the search to the rest of Heilongjiang."
    )
    people.shot(firm_page, "the request, from beyond the firm's city")
    firm_page.get_by_label("Your message to the client").fill(
        "We handle custody cases across Heilongjiang and can meet you in Harbin."
    )
    firm_page.get_by_role("button", name="Accept and send my message").click()
    expect(firm_page.get_by_role("status")).to_contain_text("You accepted the request.")

    # The client's summary now says the firm accepted and what to do.
    client.reload()
    expect(state).to_contain_text(
        "Daqing Family Law accepted your request. Give it your contact details so it can contact you."
    )
    expect(state).to_contain_text("1 firm has not answered yet.")
    people.shot(client, "summary after the acceptance")

    client.set_viewport_size(DESKTOP_SIZE)
    client.get_by_role("button", name="Give my contact details to this firm").click()
    expect(state).to_contain_text("You gave your contact details to Daqing Family Law: expect it to contact you.")
    people.shot(client, "summary after the release")

    # The firm's email with the contact details has arrived, once.
    (contact_email,) = [m for m in emails_to(lawyer.email) if "contact details" in m.subject]
    for value in CLIENT.values():
        assert value in contact_email.body
    assert link_in(contact_email, f"/portal/{firm.slug}/requests/") == link_in(
        request_email, f"/portal/{firm.slug}/requests/"
    )

    # The download lists what each firm was sent.
    export = json.loads(client.request.get(status_url + "data.json").body())
    sent = {f["firm"]: f for f in export["firms"]}
    assert sent["Daqing Family Law"]["request_as_sent"]["summary"] == redacted_summary(DESCRIPTION)
    assert "138 1234 5678" not in sent["Daqing Family Law"]["request_as_sent"]["summary"]
    assert sent["Daqing Family Law"]["contact_details_sent"] == CLIENT
    assert sent["Mudanjiang Partners"]["contact_details_sent"] is None
    assert Match.objects.get(lead=lead, firm=firm).contact_sent_at is not None
    people.assert_no_csp_violations()
