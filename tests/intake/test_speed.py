"""Submitting the form runs a bounded number of queries, however many firms could match."""

import pytest

from intake.models import Lead
from tests.factories import FirmFactory
from tests.intake.test_form import URL, clock_of, contact_data, details_data, post_step, what_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _form_settings(settings):
    settings.LEAD_MIN_FILL_SECONDS = 0
    settings.LEAD_RATE_LIMIT = "1000/m"
    settings.LEAD_EMAIL_CONFIRMATION = True


@pytest.mark.parametrize("firms", [1, 15])
def test_the_last_step_runs_a_bounded_number_of_queries(
    client, harbin, cyber_law, firms, django_assert_max_num_queries
):
    FirmFactory.create_batch(firms, cities=[harbin], practice_areas=[cyber_law], languages=["zh"])
    page = client.get(URL)
    post_step(client, what_data(cyber_law, harbin, **clock_of(page)))
    post_step(client, details_data())

    with django_assert_max_num_queries(30):
        response = post_step(client, contact_data())

    assert response.status_code == 302
    assert Lead.objects.count() == 1
