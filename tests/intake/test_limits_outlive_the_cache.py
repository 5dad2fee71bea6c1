"""Rate-limit counters live apart from the cache (settings.CACHES["ratelimit"]: the broker's
Redis, which never evicts): a full cache that drops its oldest keys, or an operator who empties
it, must not hand a client or a password guesser a fresh allowance."""

import pytest
from django.core.cache import cache

from intake.models import Lead
from tests.accounts.test_auth import sign_in, verified_user
from tests.intake.test_form import walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _form(settings):
    settings.LEAD_MIN_FILL_SECONDS = 0
    settings.LEAD_EMAIL_CONFIRMATION = False


def test_the_request_limit_holds_after_the_cache_is_emptied(client, harbin, cyber_law, settings):
    settings.LEAD_RATE_LIMIT = "1/10m"
    assert walk(client, cyber_law, harbin).status_code == 302

    cache.clear()  # what an evicting cache does to old keys under pressure
    response = walk(client, cyber_law, harbin, contact={"contact-name": "Li Lei"})

    assert response.status_code == 429
    assert Lead.objects.count() == 1


def test_a_locked_sign_in_stays_locked_after_the_cache_is_emptied(client):
    verified_user(email="target@firm.example")
    for _ in range(5):
        assert sign_in(client, "target@firm.example", "wrong-password-guess").status_code == 200

    cache.clear()

    assert sign_in(client, "target@firm.example", "another-guess-entirely").status_code == 429
