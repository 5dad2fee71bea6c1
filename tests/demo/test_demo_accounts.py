"""The demo accounts seed_demo creates can sign in with both factors, as the README says."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from directory.models import Membership


@pytest.mark.django_db
def test_the_demo_firm_owner_signs_in_with_the_printed_code_and_manages_the_demo_firm(client):
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_totp", stdout=out)
    code = out.getvalue().split()[0]

    response = client.post(
        reverse("account_login"), {"login": "firm@lawzana.example", "password": "lawzana-demo-password"}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="firm@lawzana.example")
    assert membership.role == "owner"
    assert client.get(reverse("portal:home")).wsgi_request.user.email == "firm@lawzana.example"


@pytest.mark.django_db
def test_the_demo_firm_has_requests_in_its_inbox_without_client_details(client):
    call_command("seed_demo", stdout=io.StringIO())
    membership = Membership.objects.select_related("user", "firm").get(user__email="firm@lawzana.example")
    client.force_login(membership.user)

    response = client.get(reverse("portal:inbox", kwargs={"firm_slug": membership.firm.slug}))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("Corporate &amp; Company Law") >= 4
    assert "Demo Client" not in content and "138 0000 0000" not in content
