"""The weekly email that tells editors which published guides are due for review."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.utils import timezone

from guides import tasks
from guides.services import guides_notify_stale
from tests.factories import CityFactory, EditorFactory, GuideFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen_time"),
]


@pytest.fixture
def frozen_time(settings):
    settings.GUIDE_STALE_AFTER_MONTHS = 12
    settings.SITE_URL = "https://lawzana.example"
    with time_machine.travel(datetime.datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.fixture
def guides(harbin):
    today = timezone.localdate()
    stale = GuideFactory(
        published=True,
        city=CityFactory(region=harbin.region, name="Jixi"),
        last_reviewed_on=today - relativedelta(months=13),
    )
    fresh = GuideFactory(
        published=True,
        city=CityFactory(region=harbin.region, name="Hegang"),
        last_reviewed_on=today - relativedelta(months=2),
    )
    stale_draft = GuideFactory(
        city=CityFactory(region=harbin.region, name="Yichun"),
        last_reviewed_on=today - relativedelta(months=20),
    )
    return {"stale": stale, "fresh": fresh, "stale draft": stale_draft}


@pytest.fixture
def editors():
    active = [EditorFactory(email="ed1@lawzana.example"), EditorFactory(email="ed2@lawzana.example")]
    EditorFactory(email="gone@lawzana.example", is_active=False)
    StaffFactory(email="staff@lawzana.example")
    return active


def assert_one_email_listing_only_the_stale_guide(guides, editors):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted(editor.email for editor in editors)
    assert message.subject == "1 guide is due for review"
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert str(guides["stale"]) in body
        assert str(guides["fresh"]) not in body
        assert str(guides["stale draft"]) not in body
    assert f"https://lawzana.example/{settings.ADMIN_URL}guides/guide/{guides['stale'].pk}/change/" in message.body


def test_it_emails_the_active_editors_the_stale_published_guides(guides, editors):
    assert guides_notify_stale() == 1

    assert_one_email_listing_only_the_stale_guide(guides, editors)


def test_it_sends_nothing_when_every_guide_is_fresh(harbin, editors):
    GuideFactory(published=True, city=harbin, last_reviewed_on=timezone.localdate() - relativedelta(months=11))

    assert guides_notify_stale() == 0

    assert mail.outbox == []


def test_the_weekly_task_sends_the_same_email(guides, editors):
    result = tasks.guides_notify_stale.apply()

    assert result.successful()
    assert result.get() == 1
    assert_one_email_listing_only_the_stale_guide(guides, editors)


def test_sent_twice_in_a_week_the_task_emails_once_and_again_the_next_week(guides, editors):
    # Two beats during a hand-over, or a retried message: the editors get one email a week.
    first, second = tasks.guides_notify_stale.apply(), tasks.guides_notify_stale.apply()

    assert (first.get(), second.get()) == (1, 0)
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7)):
        assert tasks.guides_notify_stale.apply().get() == 1
    assert len(mail.outbox) == 2


def test_a_weekly_run_that_failed_is_not_counted_and_the_next_sending_emails(guides, editors, monkeypatch):
    from lawzana import emails

    def smtp_down(**kwargs):
        raise emails.DeliveryError("connection refused", permanent=False)

    monkeypatch.setattr(emails, "send", smtp_down)
    with pytest.raises(emails.DeliveryError):
        tasks.guides_notify_stale.run()
    monkeypatch.undo()

    assert tasks.guides_notify_stale.apply().get() == 1
    assert len(mail.outbox) == 1
