"""No page of the site scrolls sideways, on a phone (390x844) or a laptop (1366x900).

Every page type is visited as the person who meets it, with long, realistic data (a long firm
name, long email addresses, unbroken words and links in descriptions, many languages), and
fails when a visible element or line of text crosses the window's left or right edge, when the
document is wider than the window, or when html/body hide the overflow (clipping is no fix).
An element inside a box that deliberately scrolls sideways (overflow-x: auto or scroll, such as
.table-scroll) counts only through that box.

The page list is checked against the URLconf, as tests/authz/test_matrix.py checks access: a
new named route fails here until it is added to PAGES, or to NOT_PAGES with the reason.
"""

import datetime
import os

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from api import tokens
from directory import conflicts
from directory.models import Invitation
from lawzana.i18n import prefixed
from tests.authz.test_matrix import site_url_names
from tests.browser.conftest import PASSWORD, with_password
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    FaqItemFactory,
    FirmFactory,
    FirmUserFactory,
    GuideFactory,
    GuideSourceFactory,
    LawyerFactory,
    LeadFactory,
    MatchFactory,
    MembershipFactory,
    OfficeFactory,
    PracticeAreaFactory,
    ReviewFactory,
    ServiceFeeFactory,
    SocialLinkFactory,
)
from webhooks.models import WebhookDelivery, WebhookEndpoint

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}

# Named routes that are not pages a person reads, so not walked here.
NOT_PAGES = {
    "healthz": "JSON for monitoring",
    "csp_report": "browsers POST violation reports here",
    "robots_txt": "text for crawlers",
    "sitemap_index": "XML for crawlers",
    "django.contrib.sitemaps.views.sitemap": "XML for crawlers",
    "directory:firm_logo": "an image file",
    "directory:og_firm": "an image file",
    "guides:og_landing": "an image file",
    "guides:og_city": "an image file",
    "guides:og_practice_area": "an image file",
    "guides:feed": "an Atom feed for feed readers",
    "guides:city_feed": "an Atom feed for feed readers",
    "guides:practice_area_feed": "an Atom feed for feed readers",
    "portal:profile_logo_file": "an image file",
    "intake:lead_export": "a JSON file download",
    "intake:lead_resend": "POST-only action",
    "intake:lead_correct_email": "POST-only action",
    "intake:lead_release": "POST-only action",
    "intake:lead_widen": "POST-only action",
    "intake:lead_confirm": "redirects to the status page (walked as intake:lead_status)",
    "portal:team_invite": "POST-only action",
    "portal:invitation_revoke": "POST-only action",
    "portal:member_update": "POST-only action",
    "portal:member_remove": "POST-only action",
    "portal:review_reply": "POST-only action",
    "portal:review_flag": "POST-only action",
    "portal:match_accept": "POST-only action",
    "portal:match_decline": "POST-only action",
    "portal:match_return": "POST-only action",
    "portal:api_token_create": "POST-only action",
    "portal:api_token_revoke": "POST-only action",
    "portal:inbox_export": "a CSV file download",
    "api:api-root": "JSON for firms' systems",
    "api:openapi-json": "JSON for firms' systems",
    "api:me": "JSON for firms' systems",
    "api:matches": "JSON for firms' systems",
    "api:match": "JSON for firms' systems",
    "portal:webhook_roll": "POST-only action",
    "portal:webhook_toggle": "POST-only action",
    "portal:webhook_delete": "POST-only action",
    "portal:webhook_test": "POST-only action",
    "portal:conflict_add": "POST-only action",
    "portal:conflict_delete": "POST-only action",
    "account_confirm_login_code": "only within a sign-in by code; otherwise redirects to sign in",
    "account_confirm_reauthentication_code": "only within a reauthentication by code; otherwise a redirect",
    "account_reauthenticate": "redirects a session without a password step (walked through mfa_reauthenticate)",
    "account_request_reauthentication_code": "redirects to the reauthentication page walked as mfa_reauthenticate",
    "mfa_download_recovery_codes": "a text file download",
    "mfa_generate_recovery_codes": "redirects to reauthenticate first (walked as mfa_reauthenticate)",
    "mfa_deactivate_totp": "redirects to reauthenticate first (walked as mfa_reauthenticate)",
    "account_change_password": "redirects users without a password to set one (walked as account_set_password)",
}
# The admin's own pages: the editor's guide pages are walked (ADMIN_PAGES), the rest is skipped.
ADMIN_PREFIX = "admin:"

LONG_FIRM = "Heilongjiang Songhua River International Cross-Border Data Protection & Intellectual Property Partners"
LONG_EMAIL = "international.cross-border.enquiries@songhua-river-international-data-protection-partners.example"
LONG_WORD = "Datenschutzgrundverordnungsdurchführungsbestimmungsverletzungsbenachrichtigungspflicht"
LONG_URL = "https://www.example-very-long-domain-name-for-testing.example/path/to/a/very/long/resource?with=query"
DESCRIPTION = (
    f"Our online shop in Harbin leaked the customer database last week. The German parent company says it is a "
    f"{LONG_WORD} and wants a report under PIPL and the GDPR. 我们的网上商店泄露了客户数据库，德国母公司要求报告。"
    f"Reference: ORDER-2026-0000000000000000000000000000000000000000000000000000001. See {LONG_URL} "
    f"or write to {LONG_EMAIL}."
)


class World:
    """A firm with a long name, everything its portal lists, requests in several states, and
    the people who see them."""

    def __init__(self, harbin, cyber_law):
        now = timezone.now()
        self.city, self.area = harbin, cyber_law
        self.firm = FirmFactory(
            complete=True,
            name=LONG_FIRM,
            slug="heilongjiang-songhua-river-international-cross-border-data-protection",
            email=LONG_EMAIL,
            website=LONG_URL,
            licence_number="RAK-HLJ/2026.000000000000000000000000001",  # one word of the 40 allowed
            tagline=f"Cross-border data protection, {LONG_WORD}, PIPL and GDPR for companies in Heilongjiang",
            description_md=f"{DESCRIPTION}\n\n" * 3,
            cities=[harbin],
            practice_areas=[cyber_law],
            languages=["zh", "en", "de", "fr", "ru", "ja", "ko", "es"],
            ratings=[5, 4, 5],
        )
        self.other_firm = FirmFactory(
            complete=True, name=f"{LONG_FIRM} Beijing", cities=[harbin], practice_areas=[cyber_law]
        )
        self.guide = GuideFactory(
            published=True,
            city=harbin,
            practice_area=cyber_law,
            summary=f"Companies must protect personal data: {LONG_WORD}.",
            about_md=f"The **PIPL** governs personal data. See {LONG_URL}.\n\n    {LONG_WORD} {LONG_URL}\n",
        )
        FaqItemFactory(guide=self.guide, question=f"What is a {LONG_WORD}?", position=0)
        GuideSourceFactory(guide=self.guide, url=LONG_URL)
        self.draft_guide = GuideFactory(
            city=harbin,
            practice_area=PracticeAreaFactory(
                name="Data Breach Notification Obligations for Cross-Border Companies", parent=cyber_law.parent
            ),
        )
        self.owner = with_password(FirmUserFactory(email=LONG_EMAIL.replace("enquiries", "owner")))
        MembershipFactory(user=self.owner, firm=self.firm, role="owner")
        self.member = MembershipFactory(
            firm=self.firm, user=FirmUserFactory(email=LONG_EMAIL.replace("enquiries", "associate"))
        )
        self.newcomer = FirmUserFactory(email=LONG_EMAIL.replace("enquiries", "newcomer"))
        self.no_mfa = FirmUserFactory(email=LONG_EMAIL.replace("enquiries", "no-two-factor"), mfa=False)
        self.editor = EditorFactory(email=LONG_EMAIL.replace("enquiries", "editor"))
        self.invitation = Invitation.objects.create(
            firm=self.firm,
            email=self.newcomer.email,
            expires_at=now + datetime.timedelta(days=7),
        )
        self.office = OfficeFactory(
            firm=self.firm, city=harbin, address=f"Room 2101, {LONG_WORD} Tower, 88 Zhongyang Street"
        )
        self.lawyer = LawyerFactory(firm=self.firm, name="Wang Lei-Schmidt-Oyelaran", languages=["zh", "de", "en"])
        self.article = ArticleFactory(firm=self.firm, title=f"What a {LONG_WORD} means for you", body_md=DESCRIPTION)
        self.fee = ServiceFeeFactory(firm=self.firm, service=f"{LONG_WORD} assessment")
        # author_name holds 80 characters (PostgreSQL enforces it): a long unbroken word within that.
        self.review = ReviewFactory(firm=self.firm, body=DESCRIPTION, author_name=f"Zhao Min, {LONG_WORD[:60]}")
        SocialLinkFactory(firm=self.firm, url=LONG_URL)

        def lead(**kwargs):
            return LeadFactory(
                city=harbin, practice_area=cyber_law, description=DESCRIPTION, email=LONG_EMAIL, **kwargs
            )

        self.delivered = MatchFactory(firm=self.firm, lead=lead(urgency="urgent"))
        self.accepted = MatchFactory(
            firm=self.firm,
            lead=lead(),
            status="accepted",
            responded_at=now,
            firm_message=f"We can help. {LONG_WORD}. {LONG_URL}",
            contact_released_at=now,
        )
        MatchFactory(firm=self.other_firm, lead=self.accepted.lead, status="delivered")
        for status in ["viewed", "expired", "declined", "pending"]:
            MatchFactory(firm=self.firm, lead=lead(), status=status)
        self.withdrawn = lead(status="withdrawn", withdrawn_at=now)
        MatchFactory(firm=self.firm, lead=self.withdrawn, status="cancelled")
        self.unmatched = lead(status="unmatched")
        # The integrations pages with something in them: a long endpoint URL, a delivery log
        # with a long error, a token and a conflict-list entry.
        endpoint = WebhookEndpoint.objects.create(firm=self.firm, url=LONG_URL, created_by=self.owner)
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="request.received",
            payload={},
            status=WebhookDelivery.Status.FAILED,
            attempts=6,
            last_status_code=502,
            last_error=f"The receiver answered 502 Bad Gateway: {LONG_WORD}",
            next_attempt_at=None,
        )
        tokens.token_create(firm=self.firm, name="Our case management system (Clio Grow)", user=self.owner)
        conflicts.entry_add(firm=self.firm, name="Harbin Ice Tech Co., Ltd.", label=f"Client {LONG_WORD}"[:80])

    def status(self, lead):
        return reverse("intake:lead_status", kwargs={"token": lead.token})

    def portal(self, name, **kwargs):
        return reverse(f"portal:{name}", kwargs={"firm_slug": self.firm.slug, **kwargs})


def _review_link(world):
    from intake.models import ReviewInvitation
    from intake.services.reviews import invitation_token

    invitation = ReviewInvitation.objects.create(match=world.accepted, sent_at=timezone.now())
    return reverse("intake:review_new", kwargs={"signed": invitation_token(invitation)})


def _claim_link(world):
    from directory.models import FirmClaim
    from directory.services.memberships import CLAIM_SALT

    claim = FirmClaim.objects.create(user=world.newcomer, firm=world.other_firm, method="email", status="pending")
    return reverse("portal:claim_confirm", kwargs={"signed": signing.dumps(claim.pk, salt=CLAIM_SALT)})


def _invitation_link(world):
    from directory.services.memberships import INVITATION_SALT

    return reverse(
        "portal:invitation_accept", kwargs={"signed": signing.dumps(world.invitation.pk, salt=INVITATION_SALT)}
    )


def _form_step(step):
    """Walks the request form in the browser up to `step` (the steps keep their answers in the
    session), leaving the page there."""

    def visit(page, world):
        page.goto(f"/requests/new/?city={world.city.pk}&practice_area={world.area.pk}")
        if step == "what":
            return
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_text("Step 2 of 3: Details")).to_be_visible()
        if step == "details":
            return
        page.get_by_label("Describe your situation").fill(DESCRIPTION)
        page.get_by_label("Urgent: within days").check()
        page.get_by_label("Not sure yet").check()
        page.get_by_label("A business or organisation").check()
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_text("Step 3 of 3: Contact")).to_be_visible()
        if step == "contact":
            page.get_by_role("button", name="Send my request").click()  # with its error messages
            expect(page.get_by_role("alert")).to_be_visible()
            return
        page.get_by_label("Your name").fill("Zhao Min-Oyelaran Schmidt")
        page.get_by_label("Email", exact=True).fill(LONG_EMAIL)
        for checkbox in page.locator(".lead-form__consents input[type=checkbox]").all():
            checkbox.check()
        page.get_by_role("button", name="Send my request").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Check your email")

    return visit


def _two_factor_step(page, world):
    """The second step of signing in: the page asking for the authenticator's code."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(world.owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")


# Route name → the views of it to walk: (what, who, the URL or a function that opens the page).
# who: "anonymous", "owner" / "member" (of the firm, two factors), "newcomer" (two factors,
# no firm yet), "no_mfa" (no second factor yet), "editor" (two factors).
PAGES = {
    "guides:home": [("home", "anonymous", "/")],
    "guides:city_index": [("cities", "anonymous", lambda w: reverse("guides:city_index"))],
    "guides:city_detail": [("city", "anonymous", lambda w: w.city.get_absolute_url())],
    "guides:landing": [("landing page", "anonymous", lambda w: w.guide.get_absolute_url())],
    "guides:practice_area_index": [("practice areas", "anonymous", lambda w: reverse("guides:practice_area_index"))],
    "guides:practice_area_detail": [
        (
            "practice area",
            "anonymous",
            lambda w: reverse("guides:practice_area_detail", kwargs={"practice_area": w.area.slug}),
        )
    ],
    "guides:preview": [
        ("guide preview", "editor", lambda w: reverse("guides:preview", kwargs={"pk": w.draft_guide.pk}))
    ],
    "directory:compare": [
        (
            "compare",
            "anonymous",
            lambda w: f"{reverse('directory:compare')}?firm={w.firm.slug}&firm={w.other_firm.slug}",
        )
    ],
    "directory:firm_detail": [("firm profile", "anonymous", lambda w: w.firm.get_absolute_url())],
    "directory:article_detail": [
        (
            "article",
            "anonymous",
            lambda w: reverse("directory:article_detail", kwargs={"slug": w.firm.slug, "article": w.article.slug}),
        )
    ],
    "directory:search": [
        ("search", "anonymous", lambda w: f"{reverse('directory:search')}?q={LONG_WORD}+harbin"),
        ("firm search", "anonymous", lambda w: f"{reverse('directory:search')}?q=Heilongjiang+Songhua"),
    ],
    "directory:how_we_rank": [("how we rank", "anonymous", lambda w: reverse("directory:how_we_rank"))],
    "privacy": [("privacy notice", "anonymous", lambda w: reverse("privacy"))],
    "intake:lead_new": [("form step what", "anonymous", _form_step("what"))],
    "intake:lead_new_step": [
        ("form step details", "anonymous", _form_step("details")),
        ("form step contact with errors", "anonymous", _form_step("contact")),
    ],
    "intake:lead_submitted": [("request sent", "anonymous", _form_step("sent"))],
    "intake:lead_status": [
        ("status delivered", "anonymous", lambda w: w.status(w.delivered.lead)),
        ("status accepted and released", "anonymous", lambda w: w.status(w.accepted.lead)),
        ("status withdrawn", "anonymous", lambda w: w.status(w.withdrawn)),
        ("status unmatched", "anonymous", lambda w: w.status(w.unmatched)),
    ],
    "intake:lead_withdraw": [
        ("withdraw", "anonymous", lambda w: reverse("intake:lead_withdraw", kwargs={"token": w.delivered.lead.token}))
    ],
    "intake:review_new": [("review form", "anonymous", _review_link)],
    "intake:review_thanks": [("review thanks", "anonymous", lambda w: reverse("intake:review_thanks"))],
    "portal:home": [("portal firms", "owner", lambda w: reverse("portal:home"))],
    "portal:mfa_required": [("portal two factors needed", "no_mfa", lambda w: reverse("portal:mfa_required"))],
    "portal:firm_create": [("portal new firm", "newcomer", lambda w: reverse("portal:firm_create"))],
    "portal:firm_claim_search": [
        ("portal claim search", "newcomer", lambda w: f"{reverse('portal:firm_claim_search')}?q=Heilongjiang")
    ],
    "portal:firm_claim": [
        ("portal claim", "newcomer", lambda w: reverse("portal:firm_claim", kwargs={"slug": w.other_firm.slug}))
    ],
    "portal:claim_confirm": [("portal claim confirm", "newcomer", _claim_link)],
    "portal:invitation_accept": [("portal invitation", "newcomer", _invitation_link)],
    "portal:dashboard": [("portal overview", "owner", lambda w: w.portal("dashboard"))],
    "portal:inbox": [("portal inbox", "owner", lambda w: w.portal("inbox"))],
    "portal:match": [
        ("portal request new", "member", lambda w: w.portal("match", public_id=w.delivered.public_id)),
        ("portal request accepted", "owner", lambda w: w.portal("match", public_id=w.accepted.public_id)),
    ],
    "portal:team": [
        ("portal team", "owner", lambda w: w.portal("team")),
        ("portal team as member", "member", lambda w: w.portal("team")),
    ],
    "portal:settings": [("portal request settings", "owner", lambda w: w.portal("settings"))],
    "portal:integrations": [("portal integrations", "owner", lambda w: w.portal("integrations"))],
    "portal:conflicts": [("portal conflict list", "member", lambda w: w.portal("conflicts"))],
    "portal:api_tokens": [("portal api tokens", "owner", lambda w: w.portal("api_tokens"))],
    "portal:webhooks": [
        ("portal webhooks", "owner", lambda w: w.portal("webhooks")),
        ("portal webhooks as member", "member", lambda w: w.portal("webhooks")),
    ],
    "portal:webhook_add": [("portal webhook add", "owner", lambda w: w.portal("webhook_add"))],
    "portal:profile": [("portal profile", "owner", lambda w: w.portal("profile"))],
    "portal:profile_details": [("portal profile details", "owner", lambda w: w.portal("profile_details"))],
    "portal:profile_logo": [("portal logo", "owner", lambda w: w.portal("profile_logo"))],
    "portal:social_links": [("portal social links", "owner", lambda w: w.portal("social_links"))],
    "portal:offices": [("portal offices", "owner", lambda w: w.portal("offices"))],
    "portal:office_add": [("portal office add", "owner", lambda w: w.portal("office_add"))],
    "portal:office_edit": [("portal office edit", "owner", lambda w: w.portal("office_edit", pk=w.office.pk))],
    "portal:office_delete": [("portal office delete", "owner", lambda w: w.portal("office_delete", pk=w.office.pk))],
    "portal:lawyers": [("portal lawyers", "owner", lambda w: w.portal("lawyers"))],
    "portal:lawyer_add": [("portal lawyer add", "owner", lambda w: w.portal("lawyer_add"))],
    "portal:lawyer_edit": [("portal lawyer edit", "owner", lambda w: w.portal("lawyer_edit", pk=w.lawyer.pk))],
    "portal:lawyer_delete": [("portal lawyer delete", "owner", lambda w: w.portal("lawyer_delete", pk=w.lawyer.pk))],
    "portal:articles": [("portal articles", "owner", lambda w: w.portal("articles"))],
    "portal:article_add": [("portal article add", "owner", lambda w: w.portal("article_add"))],
    "portal:article_edit": [("portal article edit", "owner", lambda w: w.portal("article_edit", pk=w.article.pk))],
    "portal:article_delete": [
        ("portal article delete", "owner", lambda w: w.portal("article_delete", pk=w.article.pk))
    ],
    "portal:fees": [("portal fees", "owner", lambda w: w.portal("fees"))],
    "portal:fee_add": [("portal fee add", "owner", lambda w: w.portal("fee_add"))],
    "portal:fee_edit": [("portal fee edit", "owner", lambda w: w.portal("fee_edit", pk=w.fee.pk))],
    "portal:fee_delete": [("portal fee delete", "owner", lambda w: w.portal("fee_delete", pk=w.fee.pk))],
    "portal:reviews": [("portal reviews", "owner", lambda w: w.portal("reviews"))],
    "account_login": [("sign in", "anonymous", lambda w: reverse("account_login"))],
    "mfa_authenticate": [("sign in two-factor step", "anonymous", _two_factor_step)],
    "account_signup": [("sign up", "anonymous", lambda w: reverse("account_signup"))],
    "account_logout": [("sign out", "owner", lambda w: reverse("account_logout"))],
    "account_inactive": [("account inactive", "anonymous", lambda w: reverse("account_inactive"))],
    "account_email": [("account email", "owner", lambda w: reverse("account_email"))],
    "account_email_verification_sent": [
        ("verification sent", "anonymous", lambda w: reverse("account_email_verification_sent"))
    ],
    "account_set_password": [("set password", "member", lambda w: reverse("account_set_password"))],
    "account_reset_password": [("reset password", "anonymous", lambda w: reverse("account_reset_password"))],
    "account_reset_password_done": [
        ("reset password sent", "anonymous", lambda w: reverse("account_reset_password_done"))
    ],
    "account_reset_password_from_key": [
        (
            "reset password bad link",
            "anonymous",
            lambda w: reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "not-a-key"}),
        )
    ],
    "account_reset_password_from_key_done": [
        ("reset password done", "anonymous", lambda w: reverse("account_reset_password_from_key_done"))
    ],
    "account_confirm_email": [
        (
            "confirm email bad link",
            "anonymous",
            lambda w: reverse("account_confirm_email", kwargs={"key": "not-a-key"}),
        )
    ],
    "account_request_login_code": [("sign in by code", "anonymous", lambda w: reverse("account_request_login_code"))],
    "mfa_index": [("two-factor settings", "owner", lambda w: reverse("mfa_index"))],
    "mfa_reauthenticate": [("two-factor reauthenticate", "owner", lambda w: reverse("mfa_reauthenticate"))],
    "mfa_activate_totp": [("two-factor set up", "no_mfa", lambda w: reverse("mfa_activate_totp"))],
    "mfa_view_recovery_codes": [("recovery codes", "owner", "recovery codes")],
}
# The editor's admin pages for guides, at both sizes (Django's own responsive admin CSS).
ADMIN_PAGES = [
    ("admin index", "editor", lambda w: reverse("admin:index")),
    ("admin guides", "editor", lambda w: reverse("admin:guides_guide_changelist")),
    ("admin guide", "editor", lambda w: reverse("admin:guides_guide_change", args=[w.guide.pk])),
]


def test_every_named_route_is_walked_or_said_not_to_be_a_page():
    names = [name for name in site_url_names() if not name.startswith(ADMIN_PREFIX)]
    missing = [name for name in names if name not in PAGES and name not in NOT_PAGES]
    assert missing == [], f"Add these routes to PAGES (or NOT_PAGES, with why) in {__name__}: {missing}"
    stale = [name for name in [*PAGES, *NOT_PAGES] if name not in names]
    assert stale == [], f"PAGES or NOT_PAGES name routes that no longer exist: {stale}"
    both = sorted(set(PAGES) & set(NOT_PAGES))
    assert both == []


# Finds what crosses the window's edges. Elements and lines of text count when rendered (a box
# of non-zero size, not display:none or visibility:hidden); inside a box that scrolls sideways
# on purpose only that box counts. Reports the outermost crossing element of each branch.
OVERFLOW_SCRIPT = """
() => {
  const width = window.innerWidth, root = document.documentElement, body = document.body;
  const problems = [];
  for (const element of [root, body]) {
    const overflow = getComputedStyle(element).overflowX;
    if (overflow === "hidden" || overflow === "clip") {
      problems.push(`<${element.tagName.toLowerCase()}> has overflow-x: ${overflow}: it hides what is too wide`);
    }
  }
  if (root.scrollWidth > width) problems.push(`the document is ${root.scrollWidth}px wide in a ${width}px window`);
  const describe = (element) => {
    const names = typeof element.className === "string" ? element.className.trim().split(/\\s+/) : [];
    const classes = names.filter(Boolean).map((name) => "." + name).join("");
    const text = (element.innerText || element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    return `<${element.tagName.toLowerCase()}${classes}> "${text}"`;
  };
  const crossing = (rect) => {
    if (rect.width <= 0 || rect.height <= 0) return null;
    if (rect.right > width + 0.5) return `${Math.round(rect.right - width)}px past the right edge`;
    if (rect.left < -0.5) return `${Math.round(-rect.left)}px past the left edge`;
    return null;
  };
  const walk = (element) => {
    for (const child of element.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        if (!child.textContent.trim()) continue;
        if (getComputedStyle(element).visibility === "hidden") continue;
        const range = document.createRange();
        range.selectNodeContents(child);
        const how = crossing(range.getBoundingClientRect());
        if (how) problems.push(`text in ${describe(element)}: ${how}`);
        // Squeezed instead: a box too narrow for its words stacks them a letter or two a line
        // (a table caption left as table-caption in a table turned into blocks did that).
        const letters = child.textContent.replace(/\\s+/g, "").length;
        const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top));
        const lines = new Set(tops).size;
        if (lines >= 4 && letters / lines < 2.5) {
          problems.push(`text in ${describe(element)}: ${letters} letters on ${lines} lines`);
        }
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const style = getComputedStyle(child);
      // Not shown: display:none, or clipped to nothing for screen readers only (.visually-hidden).
      if (style.display === "none" || style.clip !== "auto") continue;
      const how = style.visibility === "hidden" ? null : crossing(child.getBoundingClientRect());
      if (how) {
        problems.push(`${describe(child)}: ${how}`);
        continue;
      }
      if (style.overflowX === "auto" || style.overflowX === "scroll") continue;
      if (child.tagName.toLowerCase() === "svg") continue;
      walk(child);
    }
  };
  walk(body);
  return problems;
}
"""


@pytest.fixture
def world(transactional_db, harbin, cyber_law):
    return World(harbin, cyber_law)


def _session_cookie(user, base_url):
    """A signed-in session for `user`, as after signing in (the portal and the admin ask that
    the user has a second factor enrolled, accounts/middleware.py and portal/access.py)."""
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def _recovery_codes(world):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(world.owner)
    return reverse("mfa_view_recovery_codes")


def walk_every_page(people, world, *, viewport=None, admin=True, language="en"):
    """Open every page of PAGES (and ADMIN_PAGES) as the person who meets it; yields (route
    name, what, page) with each page loaded. Each person has one page, opened on first use.
    In another language than English, each page is opened under its prefix (/zh-hans/...);
    the walks that click through English labels (the form's steps, the second factor) are
    left to tests/browser/test_chinese_journey.py."""
    users = {
        "owner": world.owner,
        "member": world.member.user,
        "newcomer": world.newcomer,
        "no_mfa": world.no_mfa,
        "editor": world.editor,
    }
    pages = {}

    def page_for(who):
        if who not in pages:
            pages[who] = people.open(who)
            if viewport is not None:
                pages[who].set_viewport_size(viewport)
            if who in users:
                pages[who].context.add_cookies([_session_cookie(users[who], people.base_url)])
        return pages[who]

    visits = [(name, *view) for name, views in PAGES.items() for view in views]
    if admin:
        visits += [("admin", *view) for view in ADMIN_PAGES]
    for name, what, who, target in visits:
        page = page_for(who)
        if target == "recovery codes":
            target = _recovery_codes
        if callable(target) and target.__code__.co_argcount == 2:
            if language != settings.LANGUAGE_CODE:
                continue
            target(page, world)
        else:
            url = target(world) if callable(target) else target
            if language != settings.LANGUAGE_CODE:
                url = prefixed(url, language)
            response = page.goto(url)
            assert response is not None and response.status < 400, (
                f"{what} ({name}) as {who}: {url} answered {response and response.status}"
            )
        page.wait_for_load_state()
        yield name, what, page


def visit_count(*, admin=True, language="en"):
    visits = [view for views in PAGES.values() for view in views] + (list(ADMIN_PAGES) if admin else [])
    if language != settings.LANGUAGE_CODE:
        visits = [view for view in visits if not (callable(view[2]) and view[2].__code__.co_argcount == 2)]
    return len(visits)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_no_page_crosses_the_window_edge(people, world, viewport):
    problems, walked = [], []
    for name, what, page in walk_every_page(people, world, viewport=viewport):
        found = page.evaluate(OVERFLOW_SCRIPT)
        problems += [f"{what} ({name}, {page.url}): {problem}" for problem in found[:8]]
        walked.append(what)
        # Every page type at both sizes when asked (KEEP_TEST_ARTIFACTS=1), to be looked at.
        if found or os.environ.get("KEEP_TEST_ARTIFACTS"):
            people.shot(page, f"{viewport['width']} {what}")

    assert not problems, f"at {viewport['width']}x{viewport['height']}:\n" + "\n".join(problems)
    assert len(walked) == visit_count()
    people.assert_no_csp_violations()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_no_chinese_page_crosses_the_window_edge(people, world, viewport):
    """The same pages in Chinese: other words, other widths (a CJK line breaks anywhere, a
    label may be longer or shorter), and each one says it is Chinese."""
    problems, walked = [], []
    for name, what, page in walk_every_page(people, world, viewport=viewport, language="zh-hans"):
        found = page.evaluate(OVERFLOW_SCRIPT)
        problems += [f"{what} ({name}, {page.url}): {problem}" for problem in found[:8]]
        if (page.get_attribute("html", "lang") or "").lower() != "zh-hans":
            problems.append(f"{what} ({name}, {page.url}): not marked as Chinese")
        walked.append(what)
        if found or os.environ.get("KEEP_TEST_ARTIFACTS"):
            people.shot(page, f"{viewport['width']} zh {what}")

    assert not problems, f"at {viewport['width']}x{viewport['height']}:\n" + "\n".join(problems)
    assert len(walked) == visit_count(language="zh-hans")
    people.assert_no_csp_violations()
