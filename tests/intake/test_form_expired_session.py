"""A request form left open longer than the session lives (SESSION_COOKIE_AGE): the next step
says what happened and keeps what the open page held, instead of refusing fields never sent."""

import re

import pytest

from intake.models import Lead
from tests.factories import FirmFactory
from tests.intake.test_form import URL, clock_of, contact_data, details_data, post_step, step_of, what_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(client, harbin, cyber_law):
    """A form at its last step, as a person leaves it open overnight."""
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    page = client.get(URL)
    post_step(client, what_data(cyber_law, harbin, **clock_of(page)))
    post_step(client, details_data())
    client.cookies.clear()  # the session expired meanwhile


def test_sending_the_last_step_of_an_expired_form_says_why_and_keeps_that_page(client, started):
    page = post_step(client, contact_data())

    html = page.content.decode()
    assert step_of(page) == "what"
    assert "Your earlier answers are no longer here: we keep what you type for at most 12 hours" in html
    assert "Please correct" not in html  # no error for fields the person never sent
    assert Lead.objects.count() == 0
    # Said once: a reload shows the step plainly.
    assert "no longer here" not in client.get(f"{URL}what/").content.decode()


def test_after_answering_again_the_kept_page_comes_back_as_typed(client, started, harbin, cyber_law):
    post_step(client, contact_data())

    post_step(client, what_data(cyber_law, harbin))
    post_step(client, details_data())
    last = client.get(f"{URL}contact/").content.decode()

    assert 'value="Wang Fang"' in last and 'value="wang.fang@example.com"' in last
    consent = re.search(r'<input[^>]*name="contact-consent_process"[^>]*>', last).group()
    assert "checked" not in consent  # consents are given on the final submission, never remembered


def test_the_middle_step_of_an_expired_form_is_kept_too(client, started, harbin, cyber_law):
    page = post_step(client, details_data(**{"details-description": "Kept although the session expired."}))

    assert step_of(page) == "what"
    assert "no longer here" in page.content.decode()
    post_step(client, what_data(cyber_law, harbin))
    assert "Kept although the session expired." in client.get(f"{URL}details/").content.decode()
