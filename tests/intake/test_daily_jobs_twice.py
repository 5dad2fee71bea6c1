"""The beat's daily job, sent twice (two beats during a hand-over, a redelivered message, an
operator running it by hand), does its work once."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from intake import tasks
from intake.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_the_daily_erasure_sent_twice_erases_each_old_request_once():
    old = LeadFactory(email="old@clients.example")
    recent = LeadFactory(email="recent@clients.example")
    Lead.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=settings.LEAD_RETENTION_DAYS + 1)
    )

    first = tasks.leads_erase_expired.apply().get()
    erased_at = Lead.objects.get(pk=old.pk).erased_at
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        second = tasks.leads_erase_expired.apply().get()

    assert (first, second) == (1, 0)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.email == "erased@invalid" and old.erased_at == erased_at
    assert recent.email == "recent@clients.example" and recent.erased_at is None
