"""The authorisation matrix (docs/reliability.md A1): every URL of the site × every role.

tests/authz/matrix.yaml says what each role gets from a GET; this walks Django's URL resolver,
so a new URL that nobody added to the matrix fails here before it ships.
"""

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.contrib import admin
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from api import tokens
from directory import conflicts
from directory.models import Invitation
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    FirmFactory,
    GuideFactory,
    LawyerFactory,
    LeadFactory,
    MatchFactory,
    MembershipFactory,
    OfficeFactory,
    ReviewFactory,
    ServiceFeeFactory,
    SuperuserFactory,
    WebhookEndpointFactory,
)

MATRIX = yaml.safe_load((Path(__file__).parent / "matrix.yaml").read_text())
ROLES = ["anonymous", "member", "owner", "editor", "superuser"]


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(pattern.url_patterns, ns)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name
        else:
            yield f"{namespace or ''}:<unnamed {pattern.pattern}>"


def site_url_names():
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_every_url_is_in_the_matrix():
    names = site_url_names()
    changelists = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist" for model in admin.site._registry
    }
    listed = {f"admin:{label.replace('.', '_')}_changelist" for label in MATRIX["admin"]["changelists"]}

    missing = [name for name in names if not name.startswith("admin:") and name not in MATRIX["urls"]]
    assert missing == [], f"Add these URLs to tests/authz/matrix.yaml: {missing}"
    assert sorted(changelists - listed) == [], "Add these admin models to matrix.yaml's changelists"
    stale = [name for name in MATRIX["urls"] if name not in names]
    assert stale == [], f"matrix.yaml lists URLs that no longer exist: {stale}"


@pytest.fixture
def world(db, harbin, cyber_law):
    """Firm A with an owner and a member and one of everything; firm B to claim."""
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], is_listed=True)
    owner = MembershipFactory(firm=firm, owner=True)
    member = MembershipFactory(firm=firm)
    lead = LeadFactory(city=harbin, practice_area=cyber_law)
    match = MatchFactory(lead=lead, firm=firm)
    article = ArticleFactory(firm=firm)
    GuideFactory(city=harbin, practice_area=cyber_law, published=True)
    values = {
        "firm": firm.slug,
        "other_firm": FirmFactory(is_listed=True).slug,
        "country": harbin.country.slug,
        "city": harbin.slug,
        "area": cyber_law.slug,
        "draft_guide": GuideFactory().pk,
        "article": article.slug,
        "article_pk": article.pk,
        "office": OfficeFactory(firm=firm, city=harbin).pk,
        "lawyer": LawyerFactory(firm=firm).pk,
        "fee": ServiceFeeFactory(firm=firm).pk,
        "review": ReviewFactory(firm=firm, status="published").pk,
        "invitation": Invitation.objects.create(
            firm=firm, email="colleague@firm.example", expires_at=timezone.now() + timedelta(days=7)
        ).pk,
        "member": member.pk,
        "match": match.public_id,
        "lead_token": lead.token,
        "lead_match": match.pk,
        "api_token": tokens.token_create(firm=firm, name="CRM", user=owner.user)[0].pk,
        "webhook": WebhookEndpointFactory(firm=firm).pk,
        "conflict": conflicts.entry_add(firm=firm, name="Harbin Ice Tech", label="Client 1")[0].pk,
    }
    users = {
        "anonymous": None,
        "member": member.user,
        "owner": owner.user,
        "editor": EditorFactory(),
        "superuser": SuperuserFactory(),
    }
    return values, users


def _cases():
    for name, row in MATRIX["urls"].items():
        for role in ROLES:
            yield pytest.param(name, role, row.get(role, row.get("default")), id=f"{name}-{role}")


@pytest.mark.parametrize(("name", "role", "expected"), list(_cases()))
def test_each_url_answers_each_role_as_the_matrix_says(client, world, name, role, expected):
    values, users = world
    kwargs = {key: str(value).format(**values) for key, value in MATRIX["urls"][name]["path"].items()}
    if users[role] is not None:
        client.force_login(users[role])

    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == expected, f"{name} as {role}: {response.status_code}, expected {expected}"
    if role == "anonymous" and expected == 302 and name.startswith("portal:"):
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("label", sorted(MATRIX["admin"]["changelists"]))
@pytest.mark.parametrize("role", ROLES)
def test_admin_changelists_answer_each_role_as_the_matrix_says(client, world, label, role):
    _values, users = world
    expected = {**MATRIX["admin"]["others"], **MATRIX["admin"]["changelists"][label]}[role]
    if users[role] is not None:
        client.force_login(users[role])

    response = client.get(reverse(f"admin:{label.replace('.', '_')}_changelist"))

    assert response.status_code == expected


def test_no_other_admin_page_opens_for_visitors_or_firm_users(client, world):
    _values, users = world
    plain = [name for name in site_url_names() if name.startswith("admin:")]
    for role in ["anonymous", "member"]:
        if users[role] is not None:
            client.force_login(users[role])
        for name in plain:
            try:
                url = reverse(name)
            except Exception:  # needs arguments: an object id that would not exist anyway
                continue
            expected = {**MATRIX["admin"]["others"], **MATRIX["admin"]["exceptions"].get(name, {})}[role]
            assert client.get(url).status_code == expected, (name, role)
