"""Firms' API tokens in the admin: operators find a firm's token by its name or the token's
prefix and revoke it for a firm that leaked it; nobody sees a hash, adds or edits a token."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from api import tokens
from api.models import ApiToken
from tests.factories import EditorFactory, FirmFactory, MembershipFactory, StaffFactory, SuperuserFactory

from .conftest import ME_URL, bearer

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:api_apitoken_changelist")


@pytest.fixture
def operator(client):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name="Operators"))
    client.force_login(user)
    return user


@pytest.fixture
def leaked(firm, owner):
    """The token a firm leaked, and the token itself."""
    return tokens.token_create(firm=firm, name="Old CRM", user=owner.user)


@pytest.fixture
def others(db):
    other = MembershipFactory(owner=True, firm=FirmFactory(name="Harbin Ice Law"))
    return tokens.token_create(firm=other.firm, name="Intake sheet", user=other.user)


def listed(response):
    assert response.status_code == 200
    return [api_token.name for api_token in response.context["cl"].result_list]


def revoke(client, *api_tokens):
    return client.post(
        CHANGELIST, {"action": "revoke_tokens", "_selected_action": [api_token.pk for api_token in api_tokens]}
    )


def test_operators_see_which_token_whose_and_when_used_never_its_hash(client, operator, leaked, owner):
    api_token, token = leaked
    client.get(ME_URL, **bearer(token))  # used once: last used is set
    api_token.refresh_from_db()

    pages = [client.get(CHANGELIST), client.get(reverse("admin:api_apitoken_change", args=[api_token.pk]))]

    for page in pages:
        assert page.status_code == 200
        content = page.content.decode()
        for shown in ("Old CRM", "Songhua Partners", api_token.prefix, owner.user.email):
            assert shown in content
        assert api_token.token_hash not in content
        assert token.split("_", 2)[2] not in content
    assert pages[0].context["cl"].result_list[0].last_used_at is not None


def test_operators_find_a_token_by_firm_name_or_prefix(client, operator, leaked, others):
    api_token, _token = leaked

    assert listed(client.get(CHANGELIST, {"q": "songhua"})) == ["Old CRM"]
    assert listed(client.get(CHANGELIST, {"q": api_token.prefix})) == ["Old CRM"]
    assert listed(client.get(CHANGELIST, {"q": "Harbin Ice"})) == ["Intake sheet"]


def test_the_list_filters_active_and_revoked_tokens(client, operator, leaked, others):
    tokens.token_revoke(api_token=leaked[0])

    assert listed(client.get(CHANGELIST, {"state": "active"})) == ["Intake sheet"]
    assert listed(client.get(CHANGELIST, {"state": "revoked"})) == ["Old CRM"]
    assert sorted(listed(client.get(CHANGELIST))) == ["Intake sheet", "Old CRM"]


def test_revoking_a_leaked_token_refuses_its_next_call_and_keeps_the_others(client, operator, leaked, others):
    api_token, token = leaked
    assert client.get(ME_URL, **bearer(token)).status_code == 200

    response = revoke(client, api_token)

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["1 token revoked: the next call with it is refused."]
    assert client.get(ME_URL, **bearer(token)).status_code == 401
    assert client.get(ME_URL, **bearer(others[1])).status_code == 200
    entry = LogEntry.objects.get(object_id=str(api_token.pk))
    assert (entry.user, entry.is_change()) == (operator, True)


def test_revoking_again_changes_nothing_and_says_so(client, operator, leaked):
    api_token, _token = leaked
    tokens.token_revoke(api_token=api_token)
    api_token.refresh_from_db()
    first_revoked_at = api_token.revoked_at

    response = revoke(client, api_token)

    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The selected tokens were already revoked."]
    api_token.refresh_from_db()
    assert api_token.revoked_at == first_revoked_at
    assert not LogEntry.objects.exists()


def test_staff_who_may_only_view_tokens_cannot_revoke_them(client, leaked):
    user = StaffFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="api", codename="view_apitoken"))
    client.force_login(user)
    api_token, token = leaked

    revoke(client, api_token)

    assert client.get(ME_URL, **bearer(token)).status_code == 200


def test_nobody_adds_edits_or_deletes_a_token_here(client, leaked):
    client.force_login(SuperuserFactory())
    api_token, token = leaked
    change = reverse("admin:api_apitoken_change", args=[api_token.pk])

    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    assert client.post(change, {"name": "Renamed", "revoked_at": ""}).status_code == 403
    assert client.get(reverse("admin:api_apitoken_delete", args=[api_token.pk])).status_code == 403
    api_token.refresh_from_db()
    assert (api_token.name, api_token.revoked_at) == ("Old CRM", None)


def test_no_staff_member_may_filter_by_the_hash(client, leaked):
    client.force_login(SuperuserFactory())
    api_token, _token = leaked

    assert client.get(CHANGELIST, {"token_hash__startswith": api_token.token_hash[:2]}).status_code == 400


def test_editors_do_not_see_firms_tokens(client, leaked):
    client.force_login(EditorFactory())

    assert client.get(CHANGELIST).status_code == 403
    assert ApiToken.objects.get().revoked_at is None
