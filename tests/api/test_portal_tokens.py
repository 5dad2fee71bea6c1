"""Owners create, name and revoke the firm's API tokens in the portal; members see the list.
Walked as a firm would: create a token, see it once, read the requests with it, revoke it."""

import re

import pytest
from django.urls import reverse

from api import tokens
from api.models import ApiToken
from intake.services import answers, client_actions
from tests.factories import LeadFactory, MatchFactory, MembershipFactory

from .conftest import MATCHES_URL, MESSAGE, bearer, match_url

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"lzk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


def url(name, firm, **kwargs):
    return reverse(f"portal:{name}", kwargs={"firm_slug": firm.slug, **kwargs})


def test_an_owner_creates_a_token_sees_it_once_and_reads_the_firms_requests_with_it(
    client, firm, owner, harbin, cyber_law, assert_valid_html, django_capture_on_commit_callbacks
):
    lead = LeadFactory(city=harbin, practice_area=cyber_law, name="Li Na", email="lina@shop.example")
    match = MatchFactory(firm=firm, lead=lead)
    client.force_login(owner.user)

    created = client.post(url("api_token_create", firm), {"name": "Our CRM"})
    token = TOKEN.search(created.content.decode()).group()
    listed = client.get(url("api_tokens", firm)).content.decode()

    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    assert_valid_html(created.content)
    assert token not in listed  # only this once
    assert f"lzk_{token.split('_')[1]}_…" in listed and "Our CRM" in listed

    client.logout()  # the program has the token, not the session
    items = client.get(MATCHES_URL, **bearer(token)).json()["items"]
    assert [m["public_id"] for m in items] == [str(match.public_id)]
    assert client.get(match_url(match), **bearer(token)).json()["contact"] is None

    with django_capture_on_commit_callbacks(execute=True):
        answers.match_accept(match_id=match.pk, user=owner.user, message=MESSAGE)
    assert client.get(match_url(match), **bearer(token)).json()["contact"] is None
    client_actions.match_release_contact(lead=lead, match_id=match.pk)
    contact = client.get(match_url(match), **bearer(token)).json()["contact"]
    assert contact["name"] == "Li Na" and contact["email"] == "lina@shop.example"

    client.force_login(owner.user)
    api_token = ApiToken.objects.get(firm=firm)
    revoked = client.post(url("api_token_revoke", firm, pk=api_token.pk), follow=True)
    assert "is revoked" in revoked.content.decode()
    client.logout()
    assert client.get(MATCHES_URL, **bearer(token)).status_code == 401


def test_members_see_the_tokens_but_cannot_create_or_revoke_them(client, firm, owner, assert_valid_html):
    api_token, _token = tokens.token_create(firm=firm, name="Our CRM", user=owner.user)
    member = MembershipFactory(firm=firm)
    client.force_login(member.user)

    page = client.get(url("api_tokens", firm))
    create = client.post(url("api_token_create", firm), {"name": "Mine"})
    revoke = client.post(url("api_token_revoke", firm, pk=api_token.pk))

    assert page.status_code == 200
    assert_valid_html(page.content)
    content = page.content.decode()
    assert "Our CRM" in content and "Only the firm's owners can create and revoke tokens." in content
    assert (
        url("api_token_create", firm) not in content and url("api_token_revoke", firm, pk=api_token.pk) not in content
    )
    assert (create.status_code, revoke.status_code) == (403, 403)
    assert ApiToken.objects.active().filter(firm=firm).count() == 1


def test_another_firms_owner_cannot_revoke_firm_as_token(client, firm, owner):
    api_token, _token = tokens.token_create(firm=firm, name="Our CRM", user=owner.user)
    other = MembershipFactory(owner=True)
    client.force_login(other.user)

    assert client.post(url("api_token_revoke", other.firm, pk=api_token.pk)).status_code == 404
    assert client.post(url("api_token_revoke", firm, pk=api_token.pk)).status_code == 404
    assert ApiToken.objects.get(pk=api_token.pk).is_active


def test_a_firm_has_at_most_ten_active_tokens(client, firm, owner):
    for n in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.token_create(firm=firm, name=f"T{n}", user=owner.user)
    client.force_login(owner.user)

    refused = client.post(url("api_token_create", firm), {"name": "One more"})
    tokens.token_revoke(api_token=ApiToken.objects.filter(firm=firm).first())
    allowed = client.post(url("api_token_create", firm), {"name": "One more"})

    assert refused.status_code == 409
    assert "already has 10 active tokens" in refused.content.decode()
    assert not TOKEN.search(refused.content.decode())
    assert allowed.status_code == 200 and TOKEN.search(allowed.content.decode())


def test_a_token_needs_a_name(client, firm, owner):
    client.force_login(owner.user)

    response = client.post(url("api_token_create", firm), {"name": "  "})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_integrations_page_summarises_the_api(client, firm, owner, assert_valid_html):
    tokens.token_create(firm=firm, name="Our CRM", user=owner.user)
    client.force_login(owner.user)

    response = client.get(url("integrations", firm))

    assert_valid_html(response.content)
    content = response.content.decode()
    assert "Your firm has 1 active token." in content
    assert "http://testserver/api/v1/openapi.json" in content
    assert url("api_tokens", firm) in content
