"""Retention: a delivery (its payload may hold a client's summary or contact details) and its
attempts are deleted 30 days after it finished, by a daily job on the housekeeping queue."""

import datetime

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MembershipFactory, WebhookDeliveryFactory, WebhookEndpointFactory
from webhooks import services, tasks
from webhooks.models import WebhookAttempt, WebhookDelivery

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)


def ago(**kwargs) -> datetime.datetime:
    return NOW - datetime.timedelta(**kwargs)


def finished(status, *, created, last_attempt=None, delivered=None, attempts=0):
    delivery = WebhookDeliveryFactory(
        status=status,
        created_at=created,
        last_attempt_at=last_attempt,
        delivered_at=delivered,
        next_attempt_at=None,
        attempts=attempts,
    )
    for _ in range(attempts):
        WebhookAttempt.objects.create(delivery=delivery, attempted_at=last_attempt, succeeded=status == "succeeded")
    return delivery


def test_deliveries_and_their_attempts_are_deleted_30_days_after_they_finished():
    with time_machine.travel(NOW, tick=False):
        delivered = finished("succeeded", created=ago(days=31), last_attempt=ago(days=31), delivered=ago(days=31))
        failed = finished("failed", created=ago(days=32), last_attempt=ago(days=31), attempts=6)
        cancelled = finished("cancelled", created=ago(days=31))
        recent = finished("succeeded", created=ago(days=29), last_attempt=ago(days=29), delivered=ago(days=29))
        # Created over 30 days ago, but its retries ran 15 hours more: it finished 29 days ago.
        retried = finished("failed", created=ago(days=30, hours=10), last_attempt=ago(days=29, hours=19), attempts=6)
        # Never deleted while it may still be sent (a sweeper that was down for weeks).
        pending = WebhookDeliveryFactory(created_at=ago(days=40), next_attempt_at=ago(days=40))

        assert tasks.webhook_deliveries_delete_expired.apply().get() == 3

    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {recent.pk, retried.pk, pending.pk}
    assert not WebhookAttempt.objects.filter(delivery_id__in=[delivered.pk, failed.pk, cancelled.pk]).exists()
    assert WebhookAttempt.objects.filter(delivery=retried).count() == 6


def test_a_long_history_is_deleted_in_batches_each_its_own_short_transaction(monkeypatch):
    monkeypatch.setattr(services, "RETENTION_BATCH", 2)
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            finished("succeeded", created=ago(days=40), last_attempt=ago(days=40), delivered=ago(days=40), attempts=1)
        kept = finished("succeeded", created=ago(days=1), last_attempt=ago(days=1), delivered=ago(days=1))

        with CaptureQueriesContext(connection) as queries:
            assert services.deliveries_delete_expired() == 5

    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if s.startswith('DELETE FROM "webhooks_webhookdelivery"')]) == 3
    assert not any('"payload"' in s for s in sql)  # only ids are read
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [kept.pk]
    assert WebhookAttempt.objects.count() == 0


def test_the_deletion_runs_daily_on_the_housekeeping_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["webhook-deliveries-delete-expired"]

    assert entry["task"] == "webhooks.tasks.webhook_deliveries_delete_expired"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab) and len(schedule.hour) == 1 and len(schedule.minute) == 1
    assert len(schedule.day_of_week) == 7 and len(schedule.day_of_month) == 31
    assert settings.CELERY_TASK_ROUTES[entry["task"]] == {"queue": "housekeeping"}


def test_the_privacy_notice_and_the_portal_say_how_long_deliveries_are_kept(client, settings):
    settings.WEBHOOKS_RETENTION_DAYS = 21

    notice = client.get(reverse("privacy")).content.decode()
    retention = notice[notice.index('id="retention"') : notice.index('id="recipients"')]
    assert "(webhooks)" in retention and "21 days after it was delivered or could not be" in retention

    owner = MembershipFactory(owner=True)
    WebhookEndpointFactory(firm=owner.firm)
    client.force_login(owner.user)
    page = client.get(reverse("portal:webhooks", kwargs={"firm_slug": owner.firm.slug})).content.decode()
    assert "deleted from this log 21 days after it was delivered, failed or cancelled" in page
