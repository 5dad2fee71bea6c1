"""The whole product as people use it, in a real browser: a visitor sends a request and
confirms it from the email, the matched firm signs in with two factors and accepts, the client
gives the firm their contact details, and an editor drafts, previews and publishes a guide.

Each step checks what the person sees and saves a screenshot (var/test-artifacts/<test>/,
kept when the test fails). No step may trigger a Content-Security-Policy violation.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intake.models import Lead, Match
from intake.services import submission
from tests.browser.conftest import emails_to, link_in, sign_in, with_password
from tests.factories import DisclaimerFactory, EditorFactory, FirmFactory, email_verify

pytestmark = pytest.mark.browser

CLIENT = {"name": "Zhao Min", "email": "zhao.min@example.com", "phone": "+86 138 1234 5678"}
DESCRIPTION = (
    "Our online shop in Harbin leaked the email addresses of 2,000 customers last week. "
    "What must we tell them and the regulator, and by when?"
)


def test_a_visitor_reads_the_guide_sends_a_request_and_confirms_it_from_the_email(people, market):
    page = people.open("visitor")

    # The landing page: the guide, its FAQ and the firms.
    page.goto(market.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Best Cyber Law, Data Privacy and Data Protection Lawyers in Harbin"
    )
    expect(page.get_by_text(market.guide.summary)).to_be_visible()
    expect(page.get_by_role("heading", name="Frequently asked questions")).to_be_visible()
    expect(page.get_by_text(market.faq[0].question)).to_be_visible()
    expect(page.get_by_role("heading", name="Songhua Data Law")).to_be_visible()
    people.shot(page, "landing page")

    # The call to action (the first of two: the guide repeats it at its end) opens the form
    # with the practice area and the city filled in.
    page.get_by_role("link", name="Find a lawyer in Harbin").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your needs with law firms")
    expect(page.get_by_text("Step 1 of 3: What and where")).to_be_visible()
    expect(page.get_by_label("What do you need help with?")).to_have_value(str(market.area.pk))
    expect(page.get_by_label("Where?")).to_have_value(str(market.city.pk))
    people.shot(page, "form step 1")
    page.get_by_role("button", name="Next").click()

    # A description that is too short is refused with a clear message; the rest is kept.
    expect(page.get_by_text("Step 2 of 3: Details")).to_be_visible()
    page.get_by_label("Describe your situation").fill("Data leak")
    page.get_by_label("Urgent: within days").check()
    page.get_by_label("Not sure yet").check()
    page.get_by_label("A business or organisation").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the field marked below.")
    expect(page.locator("#id_details-description_error")).to_have_text(
        "Please write at least 20 characters so that firms understand your situation (you wrote 9)."
    )
    expect(page.get_by_label("Urgent: within days")).to_be_checked()
    people.shot(page, "form step 2 with an error")

    page.get_by_label("Describe your situation").fill(DESCRIPTION)
    page.get_by_role("button", name="Next").click()

    # Contact details and both consents, then the request is sent.
    expect(page.get_by_text("Step 3 of 3: Contact")).to_be_visible()
    page.get_by_label("Your name").fill(CLIENT["name"])
    page.get_by_label("Email", exact=True).fill(CLIENT["email"])
    page.get_by_label("Phone (optional)").fill(CLIENT["phone"])
    for checkbox in page.locator(".lead-form__consents input[type=checkbox]").all():
        checkbox.check()
    people.shot(page, "form step 3")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your email: we sent a link to confirm your request"
    )
    people.shot(page, "check your email")

    lead = Lead.objects.get(email=CLIENT["email"])
    assert lead.status == Lead.Status.NEW
    assert (lead.description, lead.urgency, lead.client_type) == (DESCRIPTION, "urgent", "business")
    assert not Match.objects.exists()  # nothing reaches a firm before the address is confirmed

    # The link in the real confirmation email confirms the request; the firms get it.
    (confirmation,) = emails_to(CLIENT["email"])
    page.goto(link_in(confirmation, "/requests/confirm/"))
    expect(page.get_by_role("status")).to_contain_text("Thank you: your email address is confirmed.")
    expect(page.get_by_text("Your request was sent to 2 law firms.")).to_be_visible()
    expect(page.get_by_role("heading", name="Songhua Data Law")).to_be_visible()
    people.shot(page, "request confirmed")

    lead.refresh_from_db()
    assert lead.status == Lead.Status.MATCHED
    assert {match.firm for match in lead.matches.all()} == {market.firm, market.other_firm}
    assert len(emails_to(market.lawyer.email)) == 1
    assert len(emails_to(market.other_firm.email)) == 1
    people.assert_no_csp_violations()


def test_the_firm_accepts_with_two_factors_and_sees_the_contact_details_the_client_releases(people, market):
    lead, _created = submission.lead_submit(
        practice_area=market.area,
        city=market.city,
        description=DESCRIPTION,
        urgency="urgent",
        budget="unsure",
        preferred_language=None,
        client_type="business",
        consents=["process", "share"],
        **CLIENT,
    )
    client = people.open("client")
    (confirmation,) = emails_to(CLIENT["email"])
    client.goto(link_in(confirmation, "/requests/confirm/"))
    expect(client.get_by_role("status")).to_contain_text("your email address is confirmed")
    status_url = client.url

    # The lawyer follows the link in the request email and signs in with two factors.
    (request_email,) = emails_to(market.lawyer.email)
    assert CLIENT["name"] not in request_email.body and CLIENT["email"] not in request_email.body
    match_url = link_in(request_email, f"/portal/{market.firm.slug}/requests/")
    firm = people.open("firm")
    firm.goto(match_url)
    expect(firm).to_have_url(re.compile(r"/accounts/login/\?next="))
    people.shot(firm, "sign in")
    sign_in(firm, email=market.lawyer.email, shots=people)
    expect(firm).to_have_url(match_url)
    expect(firm.get_by_role("heading", level=1)).to_have_text(
        "Request: Cyber Law, Data Privacy and Data Protection in Harbin"
    )
    main = firm.get_by_role("main")
    expect(main).not_to_contain_text(CLIENT["name"])
    expect(main).not_to_contain_text(CLIENT["email"])
    people.shot(firm, "the request before accepting")

    # The lawyer accepts with a message; the client's details stay hidden until released.
    firm.get_by_label("Your message to the client").fill(
        "We handle data breach notifications every week. We can call you today."
    )
    firm.get_by_role("button", name="Accept and send my message").click()
    expect(firm.get_by_role("status")).to_contain_text("You accepted the request.")
    expect(firm.get_by_text("The client has not given you their contact details yet.")).to_be_visible()
    expect(main).not_to_contain_text(CLIENT["email"])
    expect(main).not_to_contain_text("138 1234 5678")
    people.shot(firm, "accepted")

    # The client reads the firm's answer on the status page and releases their details.
    (accepted_email,) = [m for m in emails_to(CLIENT["email"]) if "accepted" in m.subject]
    assert link_in(accepted_email, "/requests/") == status_url
    client.goto(status_url)
    expect(client.get_by_text("We handle data breach notifications every week.")).to_be_visible()
    people.shot(client, "status page with the firm's answer")
    client.get_by_role("button", name="Give my contact details to this firm").click()
    expect(client.get_by_role("status")).to_contain_text(
        "You gave your name, email and phone to Songhua Data Law. They will contact you directly."
    )
    people.shot(client, "contact details released")

    # The firm now sees who the client is and how to reach them.
    firm.reload()
    contact = firm.get_by_role("region", name="The client's contact details")
    expect(contact).to_contain_text(CLIENT["name"])
    expect(contact.get_by_role("link", name=CLIENT["email"])).to_be_visible()
    expect(contact).to_contain_text(CLIENT["phone"])
    people.shot(firm, "the client's contact details")

    match = Match.objects.get(lead=lead, firm=market.firm)
    assert match.status == Match.Status.ACCEPTED and match.contact_released_at is not None
    assert Match.objects.get(lead=lead, firm=market.other_firm).contact_released_at is None
    people.assert_no_csp_violations()


def test_an_editor_drafts_previews_and_publishes_a_guide_that_then_appears_publicly(people, harbin, cyber_law):
    FirmFactory(name="Songhua Data Law", cities=[harbin], practice_areas=[cyber_law])
    # A guide is published only where the country has a legal notice (directory/disclaimers.py).
    DisclaimerFactory(country=harbin.country, text_en="General information about China, not legal advice.")
    editor = with_password(email_verify(EditorFactory(email="li.na@lawzana.example")))
    public_url = f"/lawyers/china/{harbin.slug}/{cyber_law.slug}/"

    admin = people.open("editor")
    sign_in(admin, email=editor.email, next_url="/manage/guides/guide/add/", shots=people)
    expect(admin.get_by_role("heading", level=1)).to_have_text("Add guide")
    people.shot(admin, "add guide form")

    # Drafting: the place, the content, one FAQ item and one source.
    choose_in_autocomplete(admin, "city", "Harbin")
    choose_in_autocomplete(admin, "practice_area", "Cyber Law")
    admin.get_by_label("Search description").fill("What to know about data protection law in Harbin.")
    admin.get_by_label("Summary").fill("Harbin companies answer for the personal data they hold.")
    admin.locator("#id_about_md").fill("The **PIPL** applies to every company in Harbin.")
    admin.locator("#id_why_md").fill("- A data breach\n- A regulator's inspection")
    admin.locator("#id_local_laws_md").fill("Heilongjiang follows the national rules.")
    admin.locator("#id_next_steps_md").fill("1. Keep records of what you collect")
    admin.get_by_role("button", name="Add another FAQ item").click()
    admin.locator("#id_faq_items-0-question").fill("Must I appoint a data protection officer?")
    admin.locator("#id_faq_items-0-answer_md").fill("Only above the thresholds the regulator sets.")
    admin.locator("#id_sources-0-title").fill("Personal Information Protection Law")
    admin.locator("#id_sources-0-issuing_body").fill("National People's Congress")
    admin.locator("#id_sources-0-url").fill("https://www.npc.gov.cn/pipl")
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    people.shot(admin, "draft saved")

    # The draft is not public; its preview shows the guide to staff.
    visitor = people.open("visitor")
    visitor.goto(public_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Best Cyber Law, Data Privacy and Data Protection Lawyers in Harbin"
    )
    expect(visitor.get_by_text("Harbin companies answer for the personal data they hold.")).to_have_count(0)
    with admin.context.expect_page() as opened:
        admin.get_by_role("link", name="View on site").click(modifiers=["Shift"])
    preview = opened.value
    preview.who = "editor"
    preview.wait_for_load_state()
    expect(preview.get_by_text("Preview. This guide's status is “Draft”")).to_be_visible()
    expect(preview.get_by_text("Harbin companies answer for the personal data they hold.")).to_be_visible()
    expect(preview.get_by_text("Must I appoint a data protection officer?")).to_be_visible()
    people.shot(preview, "preview of the draft")
    preview.close()

    # Publishing needs the reviewer and the review date.
    admin.get_by_label("Reviewed by").fill("Li Na")
    admin.get_by_label("Last reviewed on").fill((timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    admin.get_by_label("Status").select_option(label="Published")
    people.shot(admin, "ready to publish")
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    people.shot(admin, "published")

    # The public page now shows the guide.
    visitor.goto(public_url)
    expect(visitor.get_by_text("Harbin companies answer for the personal data they hold.")).to_be_visible()
    expect(visitor.get_by_role("heading", name="Frequently asked questions")).to_be_visible()
    expect(visitor.get_by_text("Must I appoint a data protection officer?")).to_be_visible()
    expect(visitor.get_by_text("Reviewed by Li Na")).to_be_visible()
    people.shot(visitor, "the published guide")
    people.assert_no_csp_violations()


def choose_in_autocomplete(page, field, text):
    """Pick a value in one of the admin's autocomplete (select2) fields, as a person does."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
    expect(page.locator(f"#select2-id_{field}-container")).to_contain_text(text)


def test_the_site_policy_blocks_inline_code_and_these_tests_see_every_violation(people, market):
    """What makes "no violation" above mean something: the browser enforces the site's policy,
    and an inline style or script is both refused and recorded."""
    page = people.open("visitor")
    page.goto(market.url)
    page.evaluate(
        """() => {
            document.body.setAttribute("style", "color: red");
            const script = document.createElement("script");
            script.textContent = "window.inlineScriptRan = true";
            document.body.append(script);
        }"""
    )
    for _attempt in range(30):
        seen = {violation.get("directive") for violation in people.csp_violations}
        if {"style-src-attr", "script-src-elem"} <= seen:
            break
        page.wait_for_timeout(100)
    assert {"style-src-attr", "script-src-elem"} <= seen, people.csp_violations
    assert page.evaluate("window.inlineScriptRan") is None
    assert page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"
