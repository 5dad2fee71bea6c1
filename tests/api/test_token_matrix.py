"""The API's authorisation matrix with tokens (tests/authz/matrix.yaml covers sessions, which
all get 401): every API route × own firm's token, another firm's, a revoked one, none."""

import pytest
from django.urls import reverse

from api import tokens
from api.models import ApiToken
from tests.authz.test_matrix import site_url_names
from tests.factories import MatchFactory, MembershipFactory

from .conftest import bearer

pytestmark = pytest.mark.django_db

# Expected status per route and token. "own": firm A's token; "other": firm B's; "revoked":
# firm A's, revoked; "none": no Authorization header.
MATRIX = {
    "api:me": {"own": 200, "other": 200, "revoked": 401, "none": 401},
    "api:matches": {"own": 200, "other": 200, "revoked": 401, "none": 401},
    "api:match": {"own": 200, "other": 404, "revoked": 401, "none": 401},
    "api:openapi-json": {"own": 200, "other": 200, "revoked": 200, "none": 200},
    "api:api-root": {"own": 404, "other": 404, "revoked": 404, "none": 404},
}


def test_every_api_route_is_in_the_token_matrix():
    assert sorted(name for name in site_url_names() if name.startswith("api:")) == sorted(MATRIX)


@pytest.fixture
def world(db):
    owner_a = MembershipFactory(owner=True)
    owner_b = MembershipFactory(owner=True)
    match = MatchFactory(firm=owner_a.firm)
    revoked_obj, revoked = tokens.token_create(firm=owner_a.firm, name="Old", user=owner_a.user)
    tokens.token_revoke(api_token=revoked_obj)
    return {
        "match": match,
        "tokens": {
            "own": tokens.token_create(firm=owner_a.firm, name="A", user=owner_a.user)[1],
            "other": tokens.token_create(firm=owner_b.firm, name="B", user=owner_b.user)[1],
            "revoked": revoked,
            "none": None,
        },
    }


@pytest.mark.parametrize(
    ("name", "who", "expected"),
    [(name, who, expected) for name, row in MATRIX.items() for who, expected in row.items()],
)
def test_each_api_route_answers_each_token_as_the_matrix_says(client, world, name, who, expected):
    kwargs = {"public_id": world["match"].public_id} if name == "api:match" else {}
    token = world["tokens"][who]

    response = client.get(reverse(name, kwargs=kwargs), **(bearer(token) if token else {}))

    assert response.status_code == expected, f"{name} with {who}: {response.status_code}"
    assert response["Content-Type"].startswith("application/json")


def test_the_other_firms_list_holds_nothing_of_firm_a(client, world):
    body = client.get(reverse("api:matches"), **bearer(world["tokens"]["other"])).json()

    assert body["count"] == 0
    assert ApiToken.objects.active().count() == 2
