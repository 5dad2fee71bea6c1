"""The lead pipeline in the admin: masked PII, untouchable consents, unmet demand, retries."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from intake.models import Consent, Lead, Match
from tests.factories import (
    CityFactory,
    FirmFactory,
    LeadFactory,
    MatchFactory,
    PracticeAreaFactory,
    StaffFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

CLIENT = {"name": "Zhao Min", "email": "zhao.min@example.com", "phone": "+8613812345678"}
DESCRIPTION = "My employer fired me after I asked about overtime pay."


def staff_with(*codenames):
    user = StaffFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="intake", codename__in=codenames))
    return user


@pytest.fixture
def lead():
    return LeadFactory(description=DESCRIPTION, **CLIENT)


@pytest.fixture
def operator(client):
    """Staff who may watch the pipeline but not see who the clients are."""
    client.force_login(staff_with("view_lead", "view_match", "change_match", "view_consent"))
    return client


@pytest.fixture
def privacy_officer(client):
    client.force_login(staff_with("view_lead", "view_lead_pii"))
    return client


def assert_no_pii(response):
    content = response.content.decode()
    for value in (*CLIENT.values(), "13812345678", DESCRIPTION):
        assert value not in content
    assert "•••• (hidden)" in content


# --- Masking ------------------------------------------------------------------------------


def test_staff_without_the_permission_see_masked_pii_in_the_list(operator, lead):
    response = operator.get(reverse("admin:intake_lead_changelist"))

    assert response.status_code == 200
    assert f">{lead.pk}<" in response.content.decode()
    assert_no_pii(response)


def test_staff_without_the_permission_see_masked_pii_on_the_detail_page(operator, lead):
    MatchFactory(lead=lead, reason="office in Harbin · rank 0.80")

    response = operator.get(reverse("admin:intake_lead_change", args=[lead.pk]))

    assert response.status_code == 200
    assert_no_pii(response)
    content = response.content.decode()
    assert "office in Harbin · rank 0.80" in content  # the match inline says why
    assert "process" in content.lower()  # the consent inline


def test_the_detail_page_names_the_firm_the_client_chose(operator):
    lead = LeadFactory(requested_firm=FirmFactory(name="Chosen Law"), requested_firm_only=True)

    content = operator.get(reverse("admin:intake_lead_change", args=[lead.pk])).content.decode()

    assert "Firm the client chose" in content and "Chosen Law" in content
    assert "Only the firm the client chose" in content


def test_staff_without_the_permission_can_search_by_number_only(operator, lead):
    url = reverse("admin:intake_lead_changelist")

    by_email = operator.get(url, {"q": CLIENT["email"]})
    by_name = operator.get(url, {"q": "Zhao"})
    by_number = operator.get(url, {"q": str(lead.pk)})
    nonsense = operator.get(url, {"q": "'; DROP TABLE--"})

    assert by_email.context["cl"].result_count == 0
    assert by_name.context["cl"].result_count == 0
    assert by_number.context["cl"].result_count == 1
    assert nonsense.status_code == 200 and nonsense.context["cl"].result_count == 0
    assert_no_pii(by_number)


def test_staff_with_the_permission_see_and_search_the_pii(privacy_officer, lead):
    listing = privacy_officer.get(reverse("admin:intake_lead_changelist"), {"q": CLIENT["email"]})
    detail = privacy_officer.get(reverse("admin:intake_lead_change", args=[lead.pk]))

    assert listing.context["cl"].result_count == 1
    assert CLIENT["name"] in listing.content.decode()
    for value in (*CLIENT.values(), DESCRIPTION):
        assert value in detail.content.decode()
    assert "•••• (hidden)" not in detail.content.decode()


def test_pii_in_the_admin_is_escaped(privacy_officer):
    lead = LeadFactory(name="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")

    for url in (reverse("admin:intake_lead_changelist"), reverse("admin:intake_lead_change", args=[lead.pk])):
        content = privacy_officer.get(url).content.decode()
        assert "<script>alert(1)" not in content
        assert "<img src=x" not in content


def test_the_list_filters_by_status_empty_state_group_and_country(operator):
    LeadFactory(status=Lead.Status.UNMATCHED, from_empty_state=True)
    LeadFactory(status=Lead.Status.MATCHED)
    url = reverse("admin:intake_lead_changelist")

    assert operator.get(url, {"status__exact": "unmatched"}).context["cl"].result_count == 1
    assert operator.get(url, {"from_empty_state__exact": "1"}).context["cl"].result_count == 1
    lead = Lead.objects.first()
    group = {"practice_area__parent__id__exact": lead.practice_area.parent_id}
    assert operator.get(url, group).context["cl"].result_count == 1
    country = {"city__country__id__exact": lead.city.country_id}
    assert operator.get(url, country).context["cl"].result_count == 2


# --- Nobody edits leads or consents here ------------------------------------------------


def test_nobody_adds_changes_or_deletes_consents(client, lead):
    admin_user = SuperuserFactory()
    request = RequestFactory().get("/")
    request.user = admin_user
    consent_admin = site._registry[Consent]
    consent = lead.consents.first()

    assert consent_admin.has_add_permission(request) is False
    assert consent_admin.has_change_permission(request, consent) is False
    assert consent_admin.has_delete_permission(request, consent) is False
    assert consent_admin.has_view_permission(request, consent) is True

    client.force_login(admin_user)
    assert client.get(reverse("admin:intake_consent_add")).status_code == 403
    assert client.post(reverse("admin:intake_consent_delete", args=[consent.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:intake_consent_change", args=[consent.pk]), {"policy_version": "forged"})
    assert response.status_code == 403
    consent.refresh_from_db()
    assert consent.policy_version != "forged"
    assert Consent.objects.count() == 2


def test_nobody_adds_or_deletes_leads_here(client, lead):
    client.force_login(SuperuserFactory())

    assert client.get(reverse("admin:intake_lead_add")).status_code == 403
    assert client.post(reverse("admin:intake_lead_delete", args=[lead.pk]), {"post": "yes"}).status_code == 403
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_staff_without_intake_permissions_cannot_see_leads(client, lead):
    client.force_login(StaffFactory())

    assert client.get(reverse("admin:intake_lead_changelist")).status_code == 403
    assert client.get(reverse("admin:intake_lead_unmet_demand")).status_code == 403


# --- Unmet demand -------------------------------------------------------------------------


def test_the_unmet_demand_page_counts_requests_from_empty_pages_highest_first(operator):
    harbin, daqing = CityFactory(name="Harbin"), CityFactory(name="Daqing")
    cyber, labour = PracticeAreaFactory(name="Cyber Law"), PracticeAreaFactory(name="Labour Law")
    LeadFactory.create_batch(3, city=harbin, practice_area=cyber, from_empty_state=True)
    LeadFactory(city=daqing, practice_area=labour, from_empty_state=True)
    LeadFactory(city=daqing, practice_area=cyber, from_empty_state=True)
    LeadFactory.create_batch(5, city=daqing, practice_area=labour, from_empty_state=False)  # firms exist

    changelist = operator.get(reverse("admin:intake_lead_changelist"))
    response = operator.get(reverse("admin:intake_lead_unmet_demand"))

    assert reverse("admin:intake_lead_unmet_demand") in changelist.content.decode()
    assert response.status_code == 200
    rows = [(row["city__name"], row["practice_area__name"], row["requests"]) for row in response.context["rows"]]
    assert rows[0] == ("Harbin", "Cyber Law", 3)
    assert sorted(rows[1:]) == [("Daqing", "Cyber Law", 1), ("Daqing", "Labour Law", 1)]
    assert all(row["last_requested_at"] for row in response.context["rows"])
    assert "Harbin" in response.content.decode()


# --- Failed deliveries --------------------------------------------------------------------


def test_failed_matches_are_listed_by_status(operator):
    failed = MatchFactory(status=Match.Status.FAILED, failure_reason="SMTP 550", delivered_at=None)
    MatchFactory(status=Match.Status.DELIVERED)

    response = operator.get(reverse("admin:intake_match_changelist"), {"status__exact": "failed"})

    assert response.context["cl"].result_count == 1
    assert "SMTP 550" in response.content.decode()
    assert failed.pk in [m.pk for m in response.context["cl"].result_list]


def test_retry_delivery_requeues_a_failed_match(operator, django_capture_on_commit_callbacks):
    firm = FirmFactory(email="cases@songhua.example")
    failed = MatchFactory(
        lead=LeadFactory(status=Lead.Status.MATCHED),
        firm=firm,
        status=Match.Status.FAILED,
        attempts=8,
        failure_reason="SMTP 451",
        delivered_at=None,
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = operator.post(
            reverse("admin:intake_match_changelist"),
            {"action": "retry_delivery", "_selected_action": [failed.pk]},
        )

    assert response.status_code == 302
    assert len(callbacks) == 1
    failed.refresh_from_db()
    # The task ran (eagerly here) and delivered it: a fresh start with one new attempt.
    assert failed.status == Match.Status.DELIVERED
    assert failed.attempts == 1
    assert failed.failure_reason == ""
    assert [m.to for m in mail.outbox] == [["cases@songhua.example"]]


def test_retry_resets_the_match_to_pending_before_the_task_runs(operator, django_capture_on_commit_callbacks):
    failed = MatchFactory(
        lead=LeadFactory(status=Lead.Status.MATCHED),
        status="failed",
        attempts=8,
        failure_reason="x",
        delivered_at=None,
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        operator.post(
            reverse("admin:intake_match_changelist"), {"action": "retry_delivery", "_selected_action": [failed.pk]}
        )

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.failure_reason) == (Match.Status.PENDING, 0, "")
    assert len(callbacks) == 1


def test_retry_never_resends_a_withdrawn_request_or_a_delivered_match(operator, django_capture_on_commit_callbacks):
    withdrawn = MatchFactory(lead=LeadFactory(status=Lead.Status.WITHDRAWN), status="failed", delivered_at=None)
    delivered = MatchFactory(lead=LeadFactory(status=Lead.Status.MATCHED), status="delivered")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        operator.post(
            reverse("admin:intake_match_changelist"),
            {"action": "retry_delivery", "_selected_action": [withdrawn.pk, delivered.pk]},
        )

    assert callbacks == []
    withdrawn.refresh_from_db()
    delivered.refresh_from_db()
    assert withdrawn.status == Match.Status.FAILED
    assert delivered.status == Match.Status.DELIVERED
    assert mail.outbox == []


def test_staff_without_the_change_permission_cannot_retry(client, django_capture_on_commit_callbacks):
    client.force_login(staff_with("view_match"))
    failed = MatchFactory(lead=LeadFactory(status=Lead.Status.MATCHED), status="failed", delivered_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:intake_match_changelist"), {"action": "retry_delivery", "_selected_action": [failed.pk]}
        )

    failed.refresh_from_db()
    assert failed.status == Match.Status.FAILED
