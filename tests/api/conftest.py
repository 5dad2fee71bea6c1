import pytest
from django.urls import reverse

from api import tokens
from tests.factories import FirmFactory, LeadFactory, MatchFactory, MembershipFactory

MESSAGE = "We can help with the data breach notification; we have done several under PIPL."


@pytest.fixture
def owner(db):
    return MembershipFactory(owner=True, firm=FirmFactory(name="Songhua Partners", is_listed=True))


@pytest.fixture
def firm(owner):
    return owner.firm


@pytest.fixture
def token(firm, owner):
    return tokens.token_create(firm=firm, name="Our CRM", user=owner.user)[1]


@pytest.fixture
def other_token(db):
    other = MembershipFactory(owner=True)
    return tokens.token_create(firm=other.firm, name="Theirs", user=other.user)[1]


@pytest.fixture
def match(firm, harbin, cyber_law):
    return MatchFactory(firm=firm, lead=LeadFactory(city=harbin, practice_area=cyber_law))


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def match_url(match_or_id):
    public_id = getattr(match_or_id, "public_id", match_or_id)
    return reverse("api:match", kwargs={"public_id": public_id})


MATCHES_URL = "/api/v1/matches"
ME_URL = "/api/v1/me"
SCHEMA_URL = "/api/v1/openapi.json"
