"""The request form's first step as anonymous visitors get it: each visitor's own CSRF token
and fill-time clock, no session and, once the pickers are read, no query; and the clock that
page carries, which the minimum fill time is measured from."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory import page_tags
from directory.forms import CityField
from directory.models import City
from intake.models import Lead
from intake.views import CLOCK_FIELD, CLOCK_SALT, clock_started
from lawzana.page_cache import retire
from tests.factories import CityFactory
from tests.intake.test_form import (
    URL,
    clock_of,
    contact_data,
    details_data,
    input_value,
    post_step,
    selected_value,
    step_of,
    walk,
    what_data,
)

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2025, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _form_settings(settings):
    settings.LEAD_MIN_FILL_SECONDS = 0
    settings.LEAD_RATE_LIMIT = "1000/m"
    settings.LEAD_EMAIL_CONFIRMATION = True


def prefilled(city=None, area=None):
    query = []
    if area is not None:
        query.append(f"practice_area={area}")
    if city is not None:
        query.append(f"city={city}")
    return f"{URL}?{'&'.join(query)}"


def csrf_of(page):
    return input_value(page, "csrfmiddlewaretoken")


def finish(client, page, area, city):
    """Post the three steps from page on, as a browser does (CSRF token and clock from the pages)."""
    page = post_step(client, what_data(area, city, csrfmiddlewaretoken=csrf_of(page), **clock_of(page)))
    assert step_of(page) == "details"
    page = post_step(client, details_data(csrfmiddlewaretoken=csrf_of(page)))
    assert step_of(page) == "contact"
    return post_step(client, contact_data(csrfmiddlewaretoken=csrf_of(page)))


# --- No session for looking -----------------------------------------------------------------


@pytest.mark.parametrize("is_prefilled", [False, True])
def test_looking_at_the_form_creates_no_session_and_sets_only_the_csrf_cookie(client, harbin, cyber_law, is_prefilled):
    for _ in range(2):  # the pickers read, then from this process's copy
        client.cookies.clear()
        response = client.get(prefilled(harbin.pk, cyber_law.pk) if is_prefilled else URL)

        assert response.status_code == 200
        assert set(response.cookies) == {settings.CSRF_COOKIE_NAME}
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert not Session.objects.exists()


def test_a_head_request_creates_no_session_either(client, harbin, cyber_law):
    response = client.head(URL)

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


def test_the_first_step_runs_no_query_once_the_pickers_are_read(
    client, harbin, cyber_law, django_assert_max_num_queries
):
    client.get(prefilled(harbin.pk, cyber_law.pk))
    client.cookies.clear()

    with django_assert_max_num_queries(0):
        response = client.get(prefilled(harbin.pk, cyber_law.pk))

    assert selected_value(response, "what-city") == str(harbin.pk)


def test_the_first_post_starts_the_session(client, harbin, cyber_law):
    page = client.get(URL)

    response = post_step(client, what_data(cyber_law, harbin, **clock_of(page)))

    assert step_of(response) == "details"
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert Session.objects.count() == 1


def test_a_visitor_who_comes_back_to_the_first_page_finds_what_they_chose(client, harbin, cyber_law):
    page = client.get(URL)
    post_step(client, what_data(cyber_law, harbin, **clock_of(page)))

    again = client.get(URL)  # Back, a reload, or the link followed again

    assert step_of(again) == "what"
    assert selected_value(again, "what-city") == str(harbin.pk)
    assert selected_value(again, "what-practice_area") == str(cyber_law.pk)


def test_after_sending_the_form_starts_afresh(client, harbin, cyber_law):
    assert walk(client, cyber_law, harbin)["Location"] == reverse("intake:lead_submitted")

    again = client.get(URL)

    assert step_of(again) == "what"
    assert selected_value(again, "what-city") is None  # the earlier answer is forgotten
    assert clock_of(again)[CLOCK_FIELD]
    # Nothing of the earlier attempt is left: the last step alone sends the client back to the first.
    assert step_of(post_step(client, contact_data())) == "what"


# --- CSRF ---------------------------------------------------------------------------------


def test_a_whole_request_goes_through_with_csrf_checks_enforced(harbin, cyber_law):
    client = Client(enforce_csrf_checks=True)
    page = client.get(prefilled(harbin.pk, cyber_law.pk))

    response = finish(client, page, cyber_law, harbin)

    assert response.status_code == 302
    assert Lead.objects.count() == 1


def test_the_form_refuses_a_post_without_this_visitors_csrf_token(harbin, cyber_law):
    visitor, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = visitor.get(URL)
    others_page = other.get(URL)

    assert post_step(visitor, what_data(cyber_law, harbin, **clock_of(page))).status_code == 403
    forged = what_data(cyber_law, harbin, csrfmiddlewaretoken=csrf_of(others_page), **clock_of(page))
    assert post_step(visitor, forged).status_code == 403
    assert post_step(visitor, {**forged, "csrfmiddlewaretoken": csrf_of(page)}).status_code == 200


def test_two_visitors_get_their_own_csrf_token_and_clock(harbin, cyber_law):
    first, second = Client(), Client()
    with time_machine.travel(T0, tick=False):
        page_one = first.get(URL)
    with time_machine.travel(T0 + datetime.timedelta(seconds=30), tick=False):
        page_two = second.get(URL)

    assert csrf_of(page_one) != csrf_of(page_two)
    assert page_one.cookies[settings.CSRF_COOKIE_NAME].value != page_two.cookies[settings.CSRF_COOKIE_NAME].value
    with time_machine.travel(T0 + datetime.timedelta(minutes=1), tick=False):
        assert clock_started(clock_of(page_one)[CLOCK_FIELD]) == T0
        assert clock_started(clock_of(page_two)[CLOCK_FIELD]) == T0 + datetime.timedelta(seconds=30)


# --- The fill-time clock ------------------------------------------------------------------


def submit_after(seconds, *, clock_from=None, area, city):
    """Open the form at T0 and send each step `seconds` later; returns the last response."""
    client = Client()
    with time_machine.travel(T0, tick=False):
        page = client.get(URL)
    clock = clock_of(page) if clock_from is None else clock_from(page)
    with time_machine.travel(T0 + datetime.timedelta(seconds=seconds), tick=False):
        post_step(client, what_data(area, city, **clock))
        post_step(client, details_data())
        return post_step(client, contact_data())


def test_a_form_sent_sooner_than_the_minimum_fill_time_is_dropped(harbin, cyber_law, settings):
    settings.LEAD_MIN_FILL_SECONDS = 4

    response = submit_after(3.9, area=cyber_law, city=harbin)

    assert response.status_code == 302
    assert not Lead.objects.exists()


def test_a_form_sent_after_the_minimum_fill_time_is_stored(harbin, cyber_law, settings):
    settings.LEAD_MIN_FILL_SECONDS = 4

    response = submit_after(4.1, area=cyber_law, city=harbin)

    assert response.status_code == 302
    assert Lead.objects.count() == 1


def _old_clock_with_a_guessed_signature(page):
    shown_ms, signature = clock_of(page)[CLOCK_FIELD].split(":")
    return {CLOCK_FIELD: f"{int(shown_ms) - 3_600_000}:{signature}"}


@pytest.mark.parametrize(
    "clock_from",
    [
        lambda page: {},  # no clock at all
        lambda page: {CLOCK_FIELD: ""},
        lambda page: {CLOCK_FIELD: "not a clock"},
        lambda page: {CLOCK_FIELD: str(int(T0.timestamp() * 1000) - 3_600_000)},  # unsigned
        _old_clock_with_a_guessed_signature,
        # Signed, but not by this form: another salt, or another key.
        lambda page: {CLOCK_FIELD: signing.Signer(salt="other").sign(str(int(T0.timestamp() * 1000) - 3_600_000))},
        lambda page: {
            CLOCK_FIELD: signing.Signer(key="x" * 50, salt=CLOCK_SALT).sign(
                str(int(T0.timestamp() * 1000) - 3_600_000)
            )
        },
    ],
    ids=["missing", "empty", "garbage", "unsigned", "resigned-by-guess", "other-salt", "other-key"],
)
def test_a_missing_or_forged_clock_counts_as_automated(harbin, cyber_law, settings, clock_from):
    settings.LEAD_MIN_FILL_SECONDS = 4

    response = submit_after(60, clock_from=clock_from, area=cyber_law, city=harbin)

    assert response.status_code == 302  # the same success page a person sees
    assert not Lead.objects.exists()


def test_a_clock_older_than_a_session_lives_is_not_taken(harbin, cyber_law, settings):
    token = clock_of(Client().get(URL))[CLOCK_FIELD]

    with time_machine.travel(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        assert clock_started(token) is None


def test_a_page_carries_a_clock_until_a_post_brings_one(client, harbin, cyber_law, settings):
    settings.LEAD_MIN_FILL_SECONDS = 4
    with time_machine.travel(T0, tick=False):
        client.get(URL)
        details = post_step(client, what_data(cyber_law, harbin))  # without the page's clock
    assert clock_of(details)[CLOCK_FIELD]  # so the next page carries one

    with time_machine.travel(T0 + datetime.timedelta(seconds=5), tick=False):
        contact = post_step(client, details_data(**clock_of(details)))
        assert input_value(contact, CLOCK_FIELD) is None  # started: no more clocks
        assert post_step(client, contact_data()).status_code == 302

    assert Lead.objects.count() == 1


def test_the_clock_survives_going_back_and_a_refused_step(client, harbin, cyber_law, settings):
    settings.LEAD_MIN_FILL_SECONDS = 4
    with time_machine.travel(T0, tick=False):
        page = client.get(URL)
        # The first POST is a tampered one (400): it still brings the page's clock.
        refused = post_step(client, {"lead_new-current_step": "bogus", **clock_of(page)})
        assert refused.status_code == 400
    with time_machine.travel(T0 + datetime.timedelta(seconds=1), tick=False):
        back = post_step(client, what_data(cyber_law, harbin))
        back = post_step(client, details_data(wizard_goto_step="what"))
        assert step_of(back) == "what"
        assert input_value(back, CLOCK_FIELD) is None
        post_step(client, what_data(cyber_law, harbin))
        post_step(client, details_data())
        assert post_step(client, contact_data()).status_code == 302
        assert not Lead.objects.exists()  # one second after the page: too fast

    with time_machine.travel(T0 + datetime.timedelta(seconds=10), tick=False):
        fresh = client.get(URL)  # a fresh start, with a fresh clock
    with time_machine.travel(T0 + datetime.timedelta(seconds=20), tick=False):
        post_step(client, what_data(cyber_law, harbin, **clock_of(fresh)))
        post_step(client, details_data())
        assert post_step(client, contact_data()).status_code == 302
    assert Lead.objects.count() == 1


def test_a_rate_limited_submission_keeps_its_clock(client, harbin, cyber_law, settings):
    settings.LEAD_MIN_FILL_SECONDS = 0
    settings.LEAD_RATE_LIMIT = "1/10m"
    assert walk(client, cyber_law, harbin).status_code == 302

    other = {"details-description": "A different problem: my employer has not paid me for two months."}
    limited = walk(client, cyber_law, harbin, details=other, contact={"contact-name": "Li Lei"})
    assert limited.status_code == 429
    assert input_value(limited, CLOCK_FIELD) is None  # already started

    settings.LEAD_RATE_LIMIT = "1000/m"
    assert post_step(client, contact_data(**{"contact-name": "Li Lei"})).status_code == 302
    assert Lead.objects.filter(name="Li Lei").count() == 1


# --- Prefilled choices --------------------------------------------------------------------


def normalised(page):
    """The page without what differs per visitor: the CSRF token and the clock."""
    content = page.content.decode()
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', content)
    return re.sub(rf'name="{CLOCK_FIELD}" value="[^"]*"', f'name="{CLOCK_FIELD}" value=""', content)


def test_an_anonymous_visitor_gets_the_page_a_visitor_with_a_session_gets(client, harbin, shanghai, cyber_law):
    with_session = Client()
    walk(with_session, cyber_law, harbin)  # a session, and a request sent: nothing in progress
    assert settings.SESSION_COOKIE_NAME in with_session.cookies

    for query in ["", f"?city={shanghai.pk}&practice_area={cyber_law.pk}", f"?city={harbin.pk}", "?city=abc"]:
        client.cookies.clear()
        shared = client.get(URL + query)

        assert normalised(shared) == normalised(with_session.get(URL + query)), query


def test_valid_prefilled_ids_are_selected_for_anonymous_visitors_too(client, harbin, shanghai, cyber_law):
    for city in (harbin, shanghai, harbin):
        client.cookies.clear()
        response = client.get(prefilled(city.pk, cyber_law.pk))

        assert selected_value(response, "what-city") == str(city.pk)
        assert selected_value(response, "what-practice_area") == str(cyber_law.pk)
        assert response.content.decode().count(" selected>") == 2  # no "Choose..." option besides


@pytest.mark.parametrize(
    "query",
    [
        "?city=abc&practice_area=-1",
        "?city=999999&practice_area=999999",
        "?city=%C2%B9&practice_area=%D9%A1",  # digits, but not ASCII ones
        "?city=1%22%3E&practice_area=1 ",
        "?city=" + "9" * 5000,
        "?practice_area={group}",  # a group of practice areas is not an area
        "?practice_area={city_only}",  # a city's id among the practice areas
    ],
)
def test_unknown_prefilled_values_are_ignored(client, harbin, cyber_law, query):
    cities = [harbin, *(CityFactory(region=harbin.region) for _ in range(2))]  # one whose id no area has
    city_only = next(city.pk for city in cities if city.pk not in (cyber_law.pk, cyber_law.parent_id))
    query = query.format(group=cyber_law.parent_id, city_only=city_only)
    for _ in range(2):
        client.cookies.clear()
        response = client.get(URL + query)

        assert response.status_code == 200
        assert selected_value(response, "what-city") is None
        assert selected_value(response, "what-practice_area") is None


def test_a_repeated_prefill_value_selects_one_option_only(client, harbin, shanghai, cyber_law):
    for _ in range(2):
        client.cookies.clear()
        response = client.get(f"{URL}?city={harbin.pk}&city={shanghai.pk}")

        assert response.status_code == 200
        assert selected_value(response, "what-city") == str(shanghai.pk)  # the last one, as QueryDict.get
        assert response.content.decode().count(" selected>") == 2  # one per select


# --- Keeping the pickers current ---------------------------------------------------------


def test_the_form_shows_a_renamed_city(client, harbin, cyber_law):
    assert ">Harbin<" in client.get(URL).content.decode()

    harbin.name = "Ha'erbin"
    harbin.save()  # a save retires cached pages and pickers (directory/apps.py)
    client.cookies.clear()
    assert ">Ha&#x27;erbin<" in client.get(URL).content.decode()

    City.objects.filter(pk=harbin.pk).update(name="Bingcheng")  # no save, no signal
    retire(page_tags.PLACES)
    client.cookies.clear()
    assert ">Bingcheng<" in client.get(prefilled(harbin.pk)).content.decode()


# --- The cache down -----------------------------------------------------------------------


def test_with_the_cache_down_the_form_still_opens_prefilled_and_takes_requests(client, harbin, cyber_law, cache_down):
    for _ in range(2):
        client.cookies.clear()
        response = client.get(prefilled(harbin.pk, cyber_law.pk))

        assert response.status_code == 200
        assert selected_value(response, "what-city") == str(harbin.pk)
        assert not Session.objects.exists()

    assert finish(client, response, cyber_law, harbin).status_code == 302
    assert Lead.objects.count() == 1


def test_a_visitor_with_a_session_gets_the_prefill_checked_without_a_query(client, harbin, cyber_law):
    page = client.get(URL)
    post_step(client, what_data(cyber_law, harbin, **clock_of(page)))  # now with a session

    with CaptureQueriesContext(connection) as queries:
        response = client.get(prefilled(harbin.pk, cyber_law.pk))

    assert selected_value(response, "what-city") == str(harbin.pk)
    assert selected_value(response, "what-practice_area") == str(cyber_law.pk)
    assert not [q["sql"] for q in queries.captured_queries if "directory_" in q["sql"]]


def test_the_prefill_check_follows_the_pickers_queryset(harbin, shanghai, cyber_law):
    default, only_harbin = CityField(), CityField(queryset=City.objects.filter(pk=harbin.pk))

    assert default.has_choice(str(harbin.pk)) and default.has_choice(str(shanghai.pk))
    assert only_harbin.has_choice(str(harbin.pk)) and not only_harbin.has_choice(str(shanghai.pk))
    for field in (default, only_harbin):
        assert not any(field.has_choice(value) for value in ("", None, "abc", "999999", "1.5", "-1"))
