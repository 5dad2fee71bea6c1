import datetime
import json

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from guides.tasks import guides_notify_stale
from tests.factories import GuideFactory, UserFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def test_healthz_reports_database_and_redis_reachable(services, client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content)["checks"] == {"database": "ok", "redis": "ok"}


def test_the_cache_is_the_real_redis(services):
    cache.set("integration-probe", "here", 30)

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert cache.get("integration-probe") == "here"


def test_a_real_worker_emails_editors_about_stale_guides(celery_worker, smtp_server):
    editor = UserFactory(email="editor@example.com", is_staff=True)
    # transactional tests of other modules may have flushed the migration-made group
    editor.groups.add(Group.objects.get_or_create(name="Editors")[0])
    stale = GuideFactory(
        published=True,
        last_reviewed_on=timezone.localdate() - datetime.timedelta(days=800),
    )
    GuideFactory(published=True)  # reviewed last month: not listed

    guides_notify_stale.delay()

    assert wait_for(lambda: len(smtp_server.messages) >= 1), "no email reached the SMTP server"
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message.rcpt_tos == ["editor@example.com"]
    body = message.content.decode()
    assert stale.city.name in body
    assert "1 guide is due for review" in body
