"""Every public page's URL parameters and every public form receive hostile or broken input:
very long strings, NUL, invalid UTF-8 escapes, huge and negative numbers, repeated keys, JSON
and XML bodies, wrong content types. No answer is a 5xx, and nothing is half-written."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import Firm, Review
from intake.models import Consent, Lead, Match
from tests.factories import (
    FirmFactory,
    GuideFactory,
    LeadFactory,
    MatchFactory,
    MembershipFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

# Raw query-string values: sent as typed, so that broken escapes reach the server broken.
BAD_VALUES = [
    "x" * 10_000,
    "%00",
    "a%00b",
    "%ff%fe",
    "%c3%28",
    "9" * 50,
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "'%20OR%201=1%20--",
    "..%2F..%2Fetc%2Fpasswd",
    "%F0%9F%98%80",
    "%E2%80%AE",
    "",
]


@pytest.fixture
def site(harbin, cyber_law):
    firm = FirmFactory(name="Songhua River Law", slug="songhua", cities=[harbin], practice_areas=[cyber_law])
    ReviewFactory(firm=firm)
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    lead = LeadFactory(city=harbin, practice_area=cyber_law)
    match = MatchFactory(lead=lead, firm=firm, status="viewed")
    member = MembershipFactory(firm=firm)
    return {"firm": firm, "guide": guide, "lead": lead, "match": match, "member": member}


def public_pages(site):
    firm, guide, lead = site["firm"], site["guide"], site["lead"]
    return {
        reverse("guides:home"): ["city", "practice_area"],
        guide.get_absolute_url(): ["page", "sort", "min_rating", "language", "verified", "size", "min_years"],
        reverse("guides:city_index"): ["x"],
        guide.city.get_absolute_url(): ["page"],
        reverse("guides:practice_area_index"): ["x"],
        guide.practice_area.get_absolute_url(): ["page"],
        reverse("directory:search"): ["q", "page"],
        reverse("directory:compare"): ["firm"],
        firm.get_absolute_url(): ["page"],
        reverse("directory:how_we_rank"): ["x"],
        reverse("intake:lead_new"): ["city", "practice_area"],
        lead.get_absolute_url(): ["x"],
        reverse("privacy"): ["x"],
        "/sitemap.xml": ["p", "section"],
        "/sitemap-guides-en.xml": ["p"],
        "/sitemap-firms-zh-hans.xml": ["p"],
    }


def portal_pages(site):
    slug = site["firm"].slug
    return {
        reverse("portal:inbox", kwargs={"firm_slug": slug}): [
            "status",
            "practice_area",
            "city",
            "received_from",
            "received_until",
            "page",
            "group",
        ],
        reverse("portal:reviews", kwargs={"firm_slug": slug}): ["page"],
        reverse("portal:firm_claim_search"): ["q"],
        reverse("portal:mfa_required"): ["next"],
    }


def assert_no_5xx(client, path, parameters):
    for parameter in parameters:
        for value in BAD_VALUES:
            for query in (f"{parameter}={value}", f"{parameter}={value}&{parameter}=2&{parameter}={value}"):
                response = client.get(f"{path}?{query}")
                assert response.status_code < 500, f"{path}?{query[:80]} answered {response.status_code}"


def test_no_public_url_parameter_makes_a_5xx(site):
    client = Client(raise_request_exception=False)
    for path, parameters in public_pages(site).items():
        assert_no_5xx(client, path, parameters)


def test_no_portal_url_parameter_makes_a_5xx(site):
    client = Client(raise_request_exception=False)
    client.force_login(site["member"].user)
    for path, parameters in portal_pages(site).items():
        assert_no_5xx(client, path, parameters)


@pytest.mark.parametrize(
    "segment",
    ["x" * 300, "%00", "%ff", "..%2F..", "-1", "9" * 40, "%E2%80%AE", "a" * 43],
)
def test_no_odd_address_makes_a_5xx(site, segment):
    client = Client(raise_request_exception=False)
    for template in [
        "/firms/{}/",
        "/firms/{}/logo.png",
        "/firms/songhua/articles/{}/",
        "/lawyers/china/{}/",
        "/lawyers/china/harbin/{}/",
        "/practice-areas/{}/",
        "/requests/{}/",
        "/requests/{}/data.json",
        "/requests/{}/withdraw/",
        "/requests/confirm/{}/",
        "/reviews/write/{}/",
        "/portal/claim/{}/",
        "/portal/invitations/{}/",
    ]:
        response = client.get(template.format(segment))
        assert response.status_code < 500, f"{template.format(segment)[:80]} answered {response.status_code}"


# --- Bodies --------------------------------------------------------------------------------

BAD_FIELD_VALUES = [
    "x" * 100_000,
    "\x00",
    "9" * 50,
    "-1",
    "1e309",
    "<script>",
    "\ud800".encode("utf-8", "surrogatepass"),
]


def bodies(defaults: dict):
    """Form bodies with each field given each bad value (the others as a person would fill
    them), then the same as JSON, XML, text and broken multipart."""
    for field in defaults:
        for value in BAD_FIELD_VALUES:
            yield "application/x-www-form-urlencoded", {**defaults, field: value}
        yield "application/x-www-form-urlencoded", {**defaults, field: f"1&{field}=2&{field}=%ff"}
    yield "application/json", json.dumps(defaults)
    yield "application/json", b"{not json"
    yield "application/xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"
    yield "text/plain", b"\x00\xff\xfe garbage"
    yield "multipart/form-data; boundary=zz", b'--zz\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--zz--'
    yield "multipart/form-data; boundary=zz", b"--zz\r\nbroken"


def post_all(client, path, defaults: dict):
    for content_type, body in bodies(defaults):
        if isinstance(body, dict):  # the values are already URL-encoded, some of them broken
            data = "&".join(f"{k}={v}" for k, v in body.items()).encode()
        else:
            data = body.encode() if isinstance(body, str) else body
        response = client.generic("POST", path, data=data, content_type=content_type)
        assert response.status_code < 500, f"POST {path} ({content_type}) answered {response.status_code}"


def counts():
    return {model.__name__: model.objects.count() for model in (Lead, Consent, Match, Review, Firm)}


def test_no_public_form_makes_a_5xx_or_writes_half_a_row(site):
    client = Client(raise_request_exception=False)
    lead, match = site["lead"], site["match"]
    before = counts()
    area, city = lead.practice_area_id, lead.city_id
    forms = [
        (reverse("intake:lead_new"), {"lead_new-current_step": "what", "what-practice_area": area, "what-city": city}),
        (
            reverse("intake:lead_new"),
            {
                "lead_new-current_step": "details",
                "details-description": "My employer has not paid my wages for two months now.",
                "details-urgency": "soon",
                "details-budget": "unsure",
                "details-client_type": "individual",
                "details-preferred_language": "",
            },
        ),
        (
            reverse("intake:lead_new"),
            {
                "lead_new-current_step": "contact",
                "contact-name": "Li Lei",
                "contact-email": "li.lei@example.com",
                "contact-phone": "13812345678",
                "contact-consent_process": "on",
                "contact-consent_share": "on",
                "contact-is_adult": "on",
            },
        ),
        (reverse("intake:lead_release", kwargs={"token": lead.token, "match_id": match.pk}), {"x": "1"}),
        (
            reverse("intake:review_new", kwargs={"signed": "not-a-signature"}),
            {"rating": "5", "title": "t", "body": "b"},
        ),
        (reverse("account_login"), {"login": "someone@example.com", "password": "a-long-password-1"}),
        (reverse("account_signup"), {"email": "new@example.com", "password1": "x", "password2": "y"}),
        (reverse("account_reset_password"), {"email": "someone@example.com"}),
        (reverse("account_request_login_code"), {"email": "someone@example.com"}),
        ("/csp-report/", {"csp-report": "{}"}),
    ]
    for path, defaults in forms:
        post_all(client, path, defaults)
    after = counts()
    assert {k: v for k, v in after.items() if k != "Match"} == {k: v for k, v in before.items() if k != "Match"}
    assert all(lead.consents.count() == 2 for lead in Lead.objects.all())


def test_no_portal_form_makes_a_5xx(site):
    client = Client(raise_request_exception=False)
    client.force_login(site["member"].user)
    slug, match = site["firm"].slug, site["match"]
    forms = [
        (
            reverse("portal:match_decline", kwargs={"firm_slug": slug, "public_id": match.public_id}),
            {"decline-reason": "capacity", "decline-note": ""},
        ),
        (
            reverse("portal:profile_details", kwargs={"firm_slug": slug}),
            {"tagline": "Data law", "year_established": "2008", "website": "https://example.com"},
        ),
        (
            reverse("portal:office_add", kwargs={"firm_slug": slug}),
            {"city": site["guide"].city_id, "address": "1 Road", "phone": ""},
        ),
        (reverse("portal:settings", kwargs={"firm_slug": slug}), {"lead_capacity_per_week": "10"}),
        (
            reverse("portal:firm_create"),
            {
                "name": "New Law",
                "city": site["guide"].city_id,
                "address": "1 Road",
                "practice_areas": site["guide"].practice_area_id,
                "email": "office@new.example",
                "phone": "",
                "website": "",
            },
        ),
    ]
    for path, defaults in forms:
        post_all(client, path, defaults)
