"""Every email the site sends, its own (templates/emails) and allauth's (account and two-factor
emails), goes out with a text part and an HTML part in the site's layout: the wordmark, a
heading, the CSS inlined into style attributes, absolute links, a footer saying why it came."""

import re
from pathlib import Path

import allauth
import html5lib
import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from directory.models import FirmClaim, Invitation
from lawzana.emails import render_email
from tests.factories import FirmFactory, GuideFactory, LeadFactory, MatchFactory, UserFactory

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
URL = "https://lawzana.example/some/link/"


def _lead_context():
    lead = LeadFactory()
    return {"lead": lead, "confirm_url": URL, "status_url": URL, "fanout": 3}


def _match_context():
    match = MatchFactory(status="accepted", firm_message="We can help.\nCall us.")
    return {"match": match, "lead": match.lead, "firm": match.firm}


def _claim_context(status):
    firm = FirmFactory()
    claim = FirmClaim(firm=firm, user=UserFactory(), method="email", status=status, decision_note="Not listed.")
    return {"claim": claim, "firm": firm, "url": URL}


# One context per template in templates/emails, as its service builds it.
SITE_EMAILS = {
    "firm_claim_decided": lambda: _claim_context("rejected"),
    "firm_claim_link": lambda: {"firm": FirmFactory(), "claimant_email": "a@firm.example", "url": URL, "days": 7},
    "guides_stale": lambda: {"guides": [GuideFactory()], "admin_url": "manage/", "months": 12},
    "invitation": lambda: {
        "invitation": Invitation(firm=(firm := FirmFactory()), email="b@firm.example", expires_at=timezone.now()),
        "firm": firm,
        "inviter_email": "a@firm.example",
        "url": URL,
        "days": 7,
    },
    "lead_confirm": _lead_context,
    "match_accepted": lambda: {**_match_context(), "status_url": URL},
    "match_contact": lambda: {
        **_match_context(),
        "contact": {"name": "Li Wei", "email": "li@example.com", "phone": "+8613812345678"},
        "match_url": URL,
    },
    "match_new": lambda: {**_match_context(), "summary": "A data leak.", "other_firms": 2, "match_url": URL},
    "match_withdrawn": lambda: _match_context(),
    "operators_claim_to_check": lambda: {"firm": FirmFactory(), "user_email": "a@firm.example", "url": URL},
    "operators_firm_to_verify": lambda: {
        "firm": (firm := FirmFactory()),
        "city": firm.offices.first().city if firm.offices.exists() else None,
        "user_email": "a@firm.example",
        "url": URL,
    },
    "review_invitation": lambda: {**_match_context(), "review_url": URL, "valid_days": 30},
}


def _allauth_prefixes():
    found = []
    for app in ("account", "mfa"):
        for path in sorted((ALLAUTH_TEMPLATES / app / "email").glob("*_message.txt")):
            name = path.name.removesuffix("_message.txt")
            if name not in ("base", "base_notification"):
                found.append(f"{app}/email/{name}")
    return found


def check_email(message):
    """The checks every email passes: returns the HTML part's parsed tree."""
    assert message.subject and "\n" not in message.subject
    assert message.body.strip(), "the text part is kept"
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    for part in (message.subject, message.body, html):
        assert "{%" not in part and "{{" not in part and "%}" not in part, "an unrendered template tag"
    # Valid enough: html5lib's strict parser raises on any parse error.
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    # The layout: the wordmark as text (images are often blocked), a heading, a footer.
    brand = tree.find(".//td[@class='brand']")
    assert brand is not None and "Lawzana" in "".join(brand.itertext())
    heading = tree.find(".//h1")
    assert heading is not None and "".join(heading.itertext()).strip()
    footer = "".join(tree.find(".//td[@class='footer']").itertext())
    assert "You received this email because" in footer
    # The CSS is inlined: only the @media rule may stay in a <style>.
    assert "color: #1d3f6e" in brand.find(".//a").get("style", "")
    assert "font-size: 22px" in heading.get("style", "")
    for style in tree.iter("style"):
        assert (style.text or "").strip().startswith("@media"), style.text
    # Every link absolute, and the layout's own links lead to the site.
    links = [a.get("href") for a in tree.iter("a")]
    assert links
    for href in links:
        assert re.match(r"^(https?://[^/\s]+/|mailto:)", href), href
    assert f"{settings.SITE_URL}/" in links
    return tree


@pytest.mark.django_db
@pytest.mark.parametrize("template", sorted(SITE_EMAILS))
def test_every_site_email_is_sent_in_the_layout_with_both_parts(template):
    message = render_email(to=["someone@example.com"], template=template, context=SITE_EMAILS[template]())

    tree = check_email(message)

    buttons = [a for a in tree.iter("a") if a.get("class") == "button"]
    if template in ("guides_stale", "match_withdrawn"):  # a list of links; nothing to do
        assert not buttons
    else:
        # The main link is a bulletproof button: a painted cell around a padded link.
        [button] = buttons
        assert button.get("href") == URL
        assert "padding: 12px 24px" in button.get("style")
        assert "background-color: #1d3f6e" in tree.find(".//td[@class='button-cell']").get("style")


def test_every_email_template_is_checked():
    bodies = {path.name.removesuffix("_body.html") for path in EMAIL_TEMPLATES.glob("*_body.html")}
    assert bodies == set(SITE_EMAILS)
    for name in bodies:
        assert (EMAIL_TEMPLATES / f"{name}_body.txt").exists()
        assert (EMAIL_TEMPLATES / f"{name}_subject.txt").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", _allauth_prefixes())
def test_every_allauth_email_is_sent_in_the_layout_with_both_parts(prefix):
    user = UserFactory(email="lawyer@firm.example")
    request = RequestFactory().get("/accounts/login/", secure=True, HTTP_HOST="lawzana.example")
    request.user = user
    context = {
        "request": request,
        "user": user,
        "email": user.email,
        "current_site": type("Site", (), {"name": "Lawzana", "domain": "lawzana.example"})(),
        "activate_url": URL,
        "password_reset_url": URL,
        "signup_url": URL,
        "code": "" if "confirmation" in prefix else "ABCD-1234",
        "from_email": "old@firm.example",
        "to_email": user.email,
        "deleted_email": "old@firm.example",
        "ip": "203.0.113.9",
        "user_agent": "Firefox",
        "timestamp": timezone.now(),
    }
    with allauth_context.request_context(request):
        message = get_adapter(request).render_mail(prefix, user.email, context)

    tree = check_email(message)

    assert message.subject.startswith("[Lawzana] ")
    assert "Lawzana" in tree.find(".//title").text


@pytest.mark.django_db
def test_signing_up_sends_the_confirmation_link_as_a_button(client):
    client.post(
        reverse("account_signup"),
        {"email": "new@firm.example", "password1": "Harbin-cyber-2026!", "password2": "Harbin-cyber-2026!"},
    )

    [message] = mail.outbox
    tree = check_email(message)
    [button] = [a for a in tree.iter("a") if a.get("class") == "button"]
    assert re.match(r"^https?://[^/]+/accounts/confirm-email/\S+/$", button.get("href"))
    assert button.get("href") in message.body
