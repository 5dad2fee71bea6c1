"""A backlog of housekeeping never delays a request on its way to a firm: a worker of the
deliveries queue alone (as docker-compose.yml's worker-deliveries) delivers a request at once
while hundreds of housekeeping jobs wait in their own queue."""

import json

import pytest
import redis
from django.conf import settings

from intake.models import Match
from intake.tasks import leads_erase_expired
from tests.factories import FirmFactory
from tests.integration.conftest import wait_for
from tests.integration.test_lead_pipeline import firm_messages, submit

pytestmark = pytest.mark.integration
BACKLOG = 300


@pytest.fixture
def worker_queues():
    return "deliveries"


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("housekeeping")
    yield client
    client.delete("housekeeping")
    client.close()


def test_a_request_is_delivered_while_housekeeping_waits_in_its_own_queue(
    broker,
    celery_worker,
    smtp_server,
    harbin_cyber,
    django_capture_on_commit_callbacks,
):
    harbin, cyber = harbin_cyber
    firms = [FirmFactory(cities=[harbin], practice_areas=[cyber], email=f"firm{i}@firms.example") for i in range(3)]
    for _ in range(BACKLOG):
        leads_erase_expired.delay()

    with django_capture_on_commit_callbacks(execute=True):
        lead = submit(city=harbin, practice_area=cyber)

    assert wait_for(lambda: Match.objects.filter(lead=lead, status=Match.Status.DELIVERED).count() == 3, timeout=20)
    assert sorted(r for m in firm_messages(smtp_server) for r in m.rcpt_tos) == sorted(f.email for f in firms)
    # The backlog is untouched: it waits for the housekeeping workers, and nothing waited for it.
    assert broker.llen("housekeeping") == BACKLOG
    assert {json.loads(m)["headers"]["task"] for m in broker.lrange("housekeeping", 0, -1)} == {
        "intake.tasks.leads_erase_expired"
    }
