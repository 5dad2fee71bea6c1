"""Staff who may not see clients' names and contact details cannot recover them from the admin
by asking yes-or-no questions: every filter, search, ordering or autocomplete on a client's
personal data answers 400, or the very same page whether the value matches or not."""

import html
import re
from urllib.parse import quote, quote_plus

import pytest
from django.contrib.auth.models import Permission
from django.db.models import CharField, TextField
from django.urls import reverse

from intake.models import Consent, Lead
from tests.factories import ConsentFactory, LeadFactory, MatchFactory, StaffFactory

pytestmark = pytest.mark.django_db

CLIENT = {
    "name": "Lina Audit",
    "email": "client1@example.com",
    "phone": "+8613812345678",
    "description": "My landlord keeps the deposit of 8000 yuan; what can I do?",
    "ip_hash": "ab" * 32,
    "token": "secret-token-of-lina-audit-which-is-long-enough-000",
    "dedupe_key": "cd" * 32,
    "other_party": "Harbin Ice Tech Co., Ltd.",
}
CONSENT = {"ip_hash": "ef" * 32, "user_agent": "Mozilla/5.0 (Lina's phone)"}
# Every lookup Django offers on a text column, and the bare field name.
SUFFIXES = ["", *sorted(CharField.get_lookups())]
LEAD_FIELDS = sorted(CLIENT)


def staff_with(*codenames):
    user = StaffFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["intake", "directory"], codename__in=codenames)
    )
    return user


@pytest.fixture
def operator(client):
    """Staff who watch the pipeline (every intake page) but may not see who the clients are."""
    client.force_login(staff_with("view_lead", "view_match", "change_match", "view_consent", "view_firm"))
    return client


@pytest.fixture
def lead(db):
    lead = LeadFactory(consents=[], **CLIENT)
    ConsentFactory(lead=lead, **CONSENT)
    MatchFactory(lead=lead)
    LeadFactory()  # another client, so that a filter has something to leave out
    return lead


def values_for(suffix: str, value: str) -> tuple[str, str]:
    """A value the lookup matches for this client, and one it does not."""
    if suffix in ("contains", "icontains", "startswith", "istartswith"):
        return value[:6], "zz-no-such-text"
    if suffix in ("endswith", "iendswith"):
        return value[-6:], "zz-no-such-text"
    if suffix in ("regex", "iregex"):
        return f"^{re.escape(value[:3])}", "^zz-no-such-text"
    if suffix in ("gt", "gte"):
        return value[:1], "~"
    if suffix in ("lt", "lte"):
        return "~", value[:1]
    if suffix == "range":
        return f"{value[:1]},~", "~,~~"
    if suffix == "isnull":
        return "False", "True"
    return value, "zz-no-such-text"  # exact, iexact, in, the bare field


def page_of(response, asked: str = "") -> tuple[int, bytes]:
    """The status and the page, without what differs for reasons other than the answer: the
    CSRF token, masked anew for every page, and the asked value the page echoes back (in its
    search box and the links that keep the current filters)."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)
    if asked:
        for form in {asked, html.escape(asked), quote_plus(asked), quote(asked), quote(asked, safe="")}:
            content = content.replace(form.encode(), b"<asked>")
    return response.status_code, content


def assert_says_nothing(operator, url, parameter, matching, missing):
    yes = page_of(operator.get(url, {parameter: matching}), matching)
    no = page_of(operator.get(url, {parameter: missing}), missing)
    assert yes[0] == 400 or yes == no, f"{url}?{parameter}= tells a match from a miss ({yes[0]}, {no[0]})"


@pytest.mark.parametrize("field", LEAD_FIELDS)
@pytest.mark.parametrize(
    ("changelist", "path"),
    [
        ("admin:intake_lead_changelist", "{field}"),
        ("admin:intake_match_changelist", "lead__{field}"),
        ("admin:intake_consent_changelist", "lead__{field}"),
    ],
)
def test_no_lookup_on_a_clients_data_tells_a_match_from_a_miss(operator, lead, field, changelist, path):
    url = reverse(changelist)
    for suffix in SUFFIXES:
        parameter = path.format(field=field) + (f"__{suffix}" if suffix else "")
        matching, missing = values_for(suffix, CLIENT[field])
        assert_says_nothing(operator, url, parameter, matching, missing)


@pytest.mark.parametrize("field", sorted(CONSENT))
def test_no_lookup_on_a_consents_client_data_tells_a_match_from_a_miss(operator, lead, field):
    url = reverse("admin:intake_consent_changelist")
    for suffix in SUFFIXES:
        parameter = field + (f"__{suffix}" if suffix else "")
        matching, missing = values_for(suffix, CONSENT[field])
        assert_says_nothing(operator, url, parameter, matching, missing)


@pytest.mark.parametrize(
    "changelist", ["admin:intake_lead_changelist", "admin:intake_match_changelist", "admin:intake_consent_changelist"]
)
@pytest.mark.parametrize("field", LEAD_FIELDS)
def test_searching_for_a_clients_data_finds_nothing_more(operator, lead, changelist, field):
    matching, missing = values_for("contains", CLIENT[field])

    assert_says_nothing(operator, reverse(changelist), "q", matching, missing)


@pytest.mark.parametrize("changelist", ["admin:intake_lead_changelist", "admin:intake_match_changelist"])
def test_no_ordering_sorts_by_a_clients_data(operator, lead, changelist):
    LeadFactory(name="Aaron First", email="aaron@example.com")
    url = reverse(changelist)
    pages = {page_of(operator.get(url, {"o": f"{sign}{index}"})) for index in range(12) for sign in ("", "-")}
    # Every column the operator may sort by says nothing of names: the masked ones are not sortable.
    for status, content in pages:
        assert status in (200, 400)
        assert b"Aaron First" not in content and b"Lina Audit" not in content


def test_autocomplete_on_a_request_reveals_no_client(operator, lead):
    url = reverse("admin:autocomplete")
    for field in LEAD_FIELDS:
        matching, missing = values_for("contains", CLIENT[field])
        yes = operator.get(url, {"app_label": "intake", "model_name": "match", "field_name": "lead", "term": matching})
        no = operator.get(url, {"app_label": "intake", "model_name": "match", "field_name": "lead", "term": missing})
        assert yes.status_code in (400, 403, 404) or yes.content == no.content


def test_lookups_the_list_offers_still_filter(operator, lead):
    """What the filter sidebar and the date drill-down link to keeps working."""
    url = reverse("admin:intake_lead_changelist")
    for parameter, value in [
        ("status__exact", "confirmed"),
        ("from_empty_state__exact", "0"),
        ("created_at__year", str(lead.created_at.year)),
        ("practice_area__parent__id__exact", str(lead.practice_area.parent_id)),
        ("city__country__id__exact", str(lead.city.country_id)),
    ]:
        response = operator.get(url, {parameter: value})
        assert response.status_code == 200, parameter
        assert f">{lead.pk}<" in response.content.decode()


def test_staff_with_the_permission_filter_as_django_allows(client, lead):
    client.force_login(staff_with("view_lead", "view_lead_pii"))

    response = client.get(reverse("admin:intake_lead_changelist"), {"email__startswith": "client1"})

    assert response.status_code == 200
    assert "Lina Audit" in response.content.decode()
    assert f">{lead.pk}<" in response.content.decode()


def test_every_text_field_of_a_request_is_covered():
    text_fields = {
        f.name for model in (Lead,) for f in model._meta.get_fields() if isinstance(f, (CharField, TextField))
    }
    choice_fields = {f.name for f in Lead._meta.get_fields() if getattr(f, "choices", None)}
    assert text_fields - choice_fields <= set(CLIENT)
    consent_text = {f.name for f in Consent._meta.get_fields() if isinstance(f, (CharField, TextField))}
    assert consent_text - {f.name for f in Consent._meta.get_fields() if getattr(f, "choices", None)} <= {
        *CONSENT,
        "policy_version",
        "text_digest",
        "locale",
    }
