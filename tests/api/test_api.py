"""The firms' read-only API (issue 22): a firm's token reads that firm's requests and nothing
else, exactly as much of each as its portal shows (docs/reliability.md A3, A5)."""

import datetime
import uuid

import pytest
import time_machine
from django.test import override_settings

from api import tokens
from api.models import ApiToken
from intake.models import Lead, Match
from intake.services import answers, client_actions, sweeps
from tests.factories import LeadFactory, MatchFactory

from .conftest import MATCHES_URL, ME_URL, MESSAGE, SCHEMA_URL, bearer, match_url

pytestmark = pytest.mark.django_db

TYPED = "Our shop leaked customer emails. Call me on 138 1234 5678 or write to lina@shop.example."


def test_the_api_lives_outside_the_language_prefix(client, token):
    assert MATCHES_URL == "/api/v1/matches"
    assert client.get("/zh-hans/api/v1/matches", **bearer(token)).status_code == 404
    assert client.get(MATCHES_URL, **bearer(token)).status_code == 200


def test_me_names_the_tokens_firm(client, firm, token):
    response = client.get(ME_URL, **bearer(token))

    assert response.status_code == 200
    assert response.json() == {
        "slug": firm.slug,
        "name": "Songhua Partners",
        "token": {"name": "Our CRM", "prefix": token.split("_")[1]},
    }


def test_the_list_has_the_firms_matches_newest_first_and_pages(client, firm, token):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        older = MatchFactory(firm=firm)
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC), tick=False):
        newer = MatchFactory(firm=firm)
    MatchFactory()  # another firm's

    first = client.get(MATCHES_URL, {"per_page": 1}, **bearer(token)).json()
    second = client.get(MATCHES_URL, {"per_page": 1, "page": 2}, **bearer(token)).json()
    beyond = client.get(MATCHES_URL, {"per_page": 1, "page": 50}, **bearer(token))

    assert (first["count"], first["pages"], first["page"]) == (2, 2, 1)
    assert [m["public_id"] for m in first["items"]] == [str(newer.public_id)]
    assert [m["public_id"] for m in second["items"]] == [str(older.public_id)]
    assert beyond.status_code == 200 and beyond.json()["items"] == []


def test_the_list_filters_by_status_and_by_updated_since(client, firm, token):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        old = MatchFactory(firm=firm, status=Match.Status.VIEWED, viewed_at=datetime.datetime.now(datetime.UTC))
        pending = MatchFactory(firm=firm, status=Match.Status.PENDING, delivered_at=None)
    # Answered later: its updated_at moves with its answer.
    Match.objects.filter(pk=old.pk).update(
        status=Match.Status.ACCEPTED, responded_at=datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)
    )

    new = client.get(MATCHES_URL, {"status": "new"}, **bearer(token)).json()
    accepted = client.get(MATCHES_URL, {"status": "accepted"}, **bearer(token)).json()
    since = client.get(MATCHES_URL, {"updated_since": "2026-03-05T00:00:00+08:00"}, **bearer(token)).json()

    assert [m["public_id"] for m in new["items"]] == [str(pending.public_id)]
    assert [m["status"] for m in new["items"]] == ["new"]  # pending delivery is "new", as in the inbox
    assert [m["public_id"] for m in accepted["items"]] == [str(old.public_id)]
    assert [m["public_id"] for m in since["items"]] == [str(old.public_id)]
    assert since["items"][0]["updated_at"].startswith("2026-03-10T09:00:00")


DELIVERED_AT = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)


def _expire_unanswered():
    sweeps.matches_expire_and_reroute()


def _expire_old_requests():
    sweeps.leads_expire()


@pytest.mark.parametrize("expire", [_expire_unanswered, _expire_old_requests], ids=["unanswered", "old request"])
def test_updated_since_learns_of_an_expiry(client, firm, token, settings, expire):
    settings.LEAD_RESPONSE_WINDOW_HOURS = 24
    settings.LEAD_EXPIRY_DAYS = 30
    with time_machine.travel(DELIVERED_AT, tick=False):
        match = MatchFactory(firm=firm, status=Match.Status.VIEWED, delivered_at=DELIVERED_AT, viewed_at=DELIVERED_AT)
    expired_at = DELIVERED_AT + datetime.timedelta(days=31)
    with time_machine.travel(expired_at, tick=False):
        expire()
    # What the firm's system asked last, a day before the expiry.
    since = (expired_at - datetime.timedelta(days=1)).isoformat()

    found = client.get(MATCHES_URL, {"updated_since": since}, **bearer(token)).json()["items"]

    assert [(m["public_id"], m["status"]) for m in found] == [(str(match.public_id), "expired")]
    assert found[0]["updated_at"] == found[0]["expired_at"] == expired_at.isoformat().replace("+00:00", "Z")


def test_before_accepting_the_firm_reads_the_summary_and_details_it_was_sent(client, firm, token, harbin, cyber_law):
    match = MatchFactory(
        firm=firm,
        lead=LeadFactory(city=harbin, practice_area=cyber_law, description=TYPED),
        sent_summary="Our shop leaked customer emails. Call me on [phone hidden]…",
        sent_fields={"practice_area": "Cyber Law", "city": "Harbin", "urgency": "Soon", "budget": "Not sure"},
    )

    data = client.get(match_url(match), **bearer(token)).json()

    assert data["status"] == "new" and data["available"] is True
    assert data["practice_area"] == cyber_law.name and data["city"] == "Harbin"
    assert data["summary"] == "Our shop leaked customer emails. Call me on [phone hidden]…"
    assert data["details"]["urgency"] == "Soon"
    assert data["description"] is None and data["answer"] is None and data["contact"] is None
    assert data["answer_by"] is not None
    body = str(data)
    for secret in ("5678", "lina@shop.example", match.lead.name, match.lead.email):
        assert secret not in body


def test_reading_a_match_through_the_api_does_not_mark_it_viewed(client, match, token):
    client.get(match_url(match), **bearer(token))

    match.refresh_from_db()
    assert match.status == Match.Status.DELIVERED and match.viewed_at is None


def test_contact_details_only_once_the_client_released_them_to_this_firm(
    client, firm, owner, token, harbin, cyber_law, django_capture_on_commit_callbacks
):
    lead = LeadFactory(
        city=harbin, practice_area=cyber_law, description=TYPED, name="Li Na", email="lina@shop.example"
    )
    match = MatchFactory(firm=firm, lead=lead)
    with django_capture_on_commit_callbacks(execute=True):
        answers.match_accept(
            match_id=match.pk,
            user=owner.user,
            message=MESSAGE,
            quote={"fee_model": "flat", "amount_min": 5000, "currency": "CNY", "covers": "The notification"},
        )

    accepted = client.get(match_url(match), **bearer(token)).json()
    client_actions.match_release_contact(lead=lead, match_id=match.pk)
    released = client.get(match_url(match), **bearer(token)).json()

    assert accepted["status"] == "accepted"
    assert accepted["answer"]["message"] == MESSAGE
    assert accepted["answer"]["quote"]["amount_min"] == "5000.00"
    assert accepted["contact"] is None
    assert "5678" not in accepted["description"] and "lina@shop.example" not in str(accepted)
    assert released["contact"] == {"name": "Li Na", "email": "lina@shop.example", "phone": lead.phone}
    assert released["description"] == TYPED
    assert released["contact_released_at"] is not None


@pytest.mark.parametrize(
    ("status", "lead_status"),
    [("declined", "matched"), ("returned", "matched"), ("cancelled", "withdrawn")],
)
def test_what_the_firm_no_longer_sees_is_a_404_and_a_bare_row(client, firm, token, status, lead_status):
    match = MatchFactory(firm=firm, status=status, lead=LeadFactory(status=lead_status), sent_summary="secret text")

    one = client.get(match_url(match), **bearer(token))
    row = client.get(MATCHES_URL, **bearer(token)).json()["items"][0]

    assert one.status_code == 404 and one.json() == {"detail": "Not Found"}
    assert row["available"] is False
    assert row["summary"] is None and row["details"] is None and row["contact"] is None
    assert "secret text" not in str(row)


def test_an_erased_request_is_gone_from_the_firms_view(client, firm, token):
    match = MatchFactory(firm=firm, status="accepted", contact_released_at=datetime.datetime.now(datetime.UTC))
    client_actions.lead_erase(lead=match.lead)

    assert client.get(match_url(match), **bearer(token)).status_code == 404
    assert client.get(MATCHES_URL, **bearer(token)).json()["items"][0]["contact"] is None


def test_another_firms_token_gets_404_for_firm_as_match(client, match, other_token):
    response = client.get(match_url(match), **bearer(other_token))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}  # the same as a reference that does not exist
    assert client.get(match_url(uuid.uuid4()), **bearer(other_token)).json() == response.json()
    assert client.get(MATCHES_URL, **bearer(other_token)).json()["count"] == 0


def test_a_token_of_a_firm_unlisted_and_without_owners_still_sees_only_that_firm(client, firm, owner, match, token):
    MatchFactory()  # another firm's
    firm.is_listed = False
    firm.save(update_fields=["is_listed"])
    owner.delete()

    response = client.get(MATCHES_URL, **bearer(token))

    assert [m["public_id"] for m in response.json()["items"]] == [str(match.public_id)]


# --- Authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer lzk_0000_nope",
        "Bearer lzk_deadbeef_" + "x" * 43,
        "Token abc",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "é" * 5000,
    ],
)
def test_without_a_valid_token_every_endpoint_is_401_json(client, match, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    for url in (ME_URL, MATCHES_URL, match_url(match)):
        response = client.get(url, **extra)
        assert response.status_code == 401, url
        assert response["Content-Type"].startswith("application/json")
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "detail" in response.json()


def test_a_revoked_token_is_refused_at_once(client, firm, token):
    assert client.get(ME_URL, **bearer(token)).status_code == 200

    ApiToken.objects.filter(firm=firm).update(revoked_at=datetime.datetime.now(datetime.UTC))

    assert client.get(ME_URL, **bearer(token)).status_code == 401


def test_a_signed_in_portal_session_alone_is_not_let_in(client, owner, match):
    client.force_login(owner.user)
    for url in (ME_URL, MATCHES_URL, match_url(match)):
        assert client.get(url).status_code == 401


def test_the_token_is_stored_only_as_its_hash(firm, token):
    stored = ApiToken.objects.get(firm=firm)

    assert token not in str(stored.__dict__)
    # The secret is URL-safe base64, which may itself contain "_": split only twice.
    secret = token.split("_", 2)[2]
    assert len(secret) >= 40
    assert secret not in str(stored.__dict__)
    assert len(stored.token_hash) == 64
    assert token.startswith(f"lzk_{stored.prefix}_")


def test_a_token_whose_secret_holds_underscores_and_dashes_works(client, firm, owner, monkeypatch):
    # URL-safe base64 uses "_" and "-": about half of all secrets contain one, so the token must be
    # read as three parts at the first two underscores, never split on every one.
    monkeypatch.setattr(tokens.secrets, "token_urlsafe", lambda n: "_a-b_" + "c" * 38)
    token = tokens.token_create(firm=firm, name="Spreadsheet", user=owner.user)[1]

    response = client.get(ME_URL, **bearer(token))

    assert response.status_code == 200
    assert response.json()["token"]["name"] == "Spreadsheet"


def test_last_used_is_written_at_most_once_a_minute(client, firm, token, django_assert_num_queries):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        client.get(ME_URL, **bearer(token))
        first = ApiToken.objects.get(firm=firm).last_used_at
        with django_assert_num_queries(1):  # the token's lookup; no write
            client.get(ME_URL, **bearer(token))
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 2, tzinfo=datetime.UTC), tick=False):
        client.get(ME_URL, **bearer(token))

    assert first == datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    assert ApiToken.objects.get(firm=firm).last_used_at == datetime.datetime(2026, 3, 1, 9, 2, tzinfo=datetime.UTC)


# --- Rate limits ----------------------------------------------------------------------------


@override_settings(API_RATE_LIMIT="3/m")
def test_a_token_over_its_rate_gets_429_with_retry_after(client, token, other_token):
    answers_ = [client.get(ME_URL, **bearer(token)).status_code for _ in range(4)]
    limited = client.get(ME_URL, **bearer(token))

    assert answers_ == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json() == {"detail": "Too many requests."}
    assert client.get(ME_URL, **bearer(other_token)).status_code == 200  # per token


@override_settings(API_AUTH_FAILURE_LIMIT="3/m")
def test_failed_sign_ins_are_limited_per_client_address(client, token):
    wrong = [client.get(ME_URL, **bearer("lzk_deadbeef_" + "x" * 43)).status_code for _ in range(4)]
    from_elsewhere = client.get(ME_URL, REMOTE_ADDR="192.0.2.7", **bearer(token))

    assert wrong == [401, 401, 401, 429]
    assert client.get(ME_URL, **bearer(token)).status_code == 429  # this address waits, token or not
    assert from_elsewhere.status_code == 200


# --- Bad input, headers, schema ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/matches/not-a-uuid", {}),
        ("/api/v1/matches/" + "1" * 500, {}),
        (MATCHES_URL, {"status": "bogus"}),
        (MATCHES_URL, {"status": "pending"}),  # the portal's words only
        (MATCHES_URL, {"updated_since": "yesterday"}),
        (MATCHES_URL, {"updated_since": "2026-13-45T00:00:00Z"}),
        (MATCHES_URL, {"updated_since": "2026-03-01T09:00:00"}),  # no time zone
        (MATCHES_URL, {"page": "0"}),
        (MATCHES_URL, {"page": "-1"}),
        (MATCHES_URL, {"page": "99999999999999999999999999999"}),
        (MATCHES_URL, {"page": "1e9"}),
        (MATCHES_URL, {"per_page": "1000"}),
    ],
)
def test_bad_input_is_a_422_json_never_a_500(client, token, url, query):
    response = client.get(url, query, **bearer(token))

    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], list)


def test_the_last_page_a_firm_could_ask_for_answers_empty(client, token):
    response = client.get(MATCHES_URL, {"page": "100000", "per_page": "100"}, **bearer(token))

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_unknown_api_addresses_and_methods(client, token):
    assert client.get("/api/v1/", **bearer(token)).status_code == 404
    assert client.get("/api/v1/", **bearer(token))["Content-Type"].startswith("application/json")
    response = client.post(MATCHES_URL, **bearer(token))
    assert response.status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope",
        "/api/v1/matches/not-a-uuid/extra",
        "/api/v1/matches/",
        "/api/v2/matches",
    ],
)
def test_an_unknown_api_address_is_a_json_404_with_the_apis_headers(client, token, path):
    for response in (client.get(path, **bearer(token)), client.get(path)):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not Found"}
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert not response.cookies


def test_the_sites_own_404_page_is_kept_outside_the_api(client, token):
    for path in ("/no-such-page/", "/zh-hans/api/v1/nope", "/zh-hans/no-such-page/"):
        response = client.get(path, **bearer(token))

        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
    assert "We couldn't find that page" in client.get("/no-such-page/").content.decode()
    assert '<html lang="zh-Hans"' in client.get("/zh-hans/api/v1/nope").content.decode()


def test_api_answers_carry_the_security_headers_and_are_never_stored(client, token):
    response = client.get(MATCHES_URL, **bearer(token))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_the_openapi_schema_is_served_with_the_endpoints_and_bearer_auth(client):
    response = client.get(SCHEMA_URL)

    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {"/api/v1/me", "/api/v1/matches", "/api/v1/matches/{public_id}"}
    assert all(set(operations) == {"get"} for operations in schema["paths"].values())
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert {"Match", "MatchPage", "FirmInfo", "Error"} <= set(schema["components"]["schemas"])
    status = schema["components"]["schemas"]["Match"]["properties"]["status"]
    assert set(status["enum"]) == {"new", "viewed", "accepted", "declined", "expired", "returned", "withdrawn"}


def test_no_swagger_page_that_would_load_a_cdn(client):
    assert client.get("/api/v1/docs").status_code == 404


def test_a_request_the_client_withdraws_disappears_at_once(client, token, match):
    assert client.get(match_url(match), **bearer(token)).status_code == 200

    Lead.objects.filter(pk=match.lead_id).update(status=Lead.Status.WITHDRAWN)

    assert client.get(match_url(match), **bearer(token)).status_code == 404
