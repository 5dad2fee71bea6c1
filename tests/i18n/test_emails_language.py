"""Every email is in its reader's language, the worker's included: the client's is kept with the
request (Lead.language), a member's and an editor's with their account (User.language)."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import translation

from accounts.models import User
from guides.services import guides_notify_stale
from intake.models import Lead, Match
from intake.services import delivery, submission
from tests.factories import EditorFactory, FirmFactory, FirmUserFactory, GuideFactory, MembershipFactory
from tests.intake.test_form import clock_of, contact_data, details_data, what_data
from tests.intake.test_matching import make_lead

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def reads_chinese(message):
    html = message.alternatives[0][0]
    return (
        bool(CHINESE.search(message.subject))
        and bool(CHINESE.search(message.body))
        and 'lang="zh-hans"' in html.lower()
    )  # BCP 47 tags ignore case


def reads_english(message):
    # Names in the data may be Chinese; the words around them are not.
    return not CHINESE.search(message.subject) and "/zh-hans/" not in message.body


@pytest.fixture(autouse=True)
def _form_settings(settings):
    settings.LEAD_MIN_FILL_SECONDS = 0
    settings.LEAD_RATE_LIMIT = "1000/m"
    settings.LEAD_EMAIL_CONFIRMATION = True


def send_request(client, area, city, prefix, capture):
    url = f"{prefix}/requests/new/"
    page = client.get(url)
    assert page.status_code == 200
    with capture(execute=True):
        for data in (what_data(area, city, **clock_of(page)), details_data(), contact_data()):
            response = client.post(url, data)
            if response.status_code == 302 and response["Location"].startswith(url):
                client.get(response["Location"])
    return Lead.objects.get(email="wang.fang@example.com")


def test_a_request_sent_in_chinese_gets_its_confirmation_in_chinese_from_the_worker(
    client, harbin, cyber_law, django_capture_on_commit_callbacks
):
    lead = send_request(client, cyber_law, harbin, "/zh-hans", django_capture_on_commit_callbacks)

    assert lead.language == "zh-hans"
    [message] = mail.outbox
    assert reads_chinese(message)
    assert "/zh-hans/requests/" in message.body  # the status and confirmation links

    # A re-send from the worker, where no page set the language, is in Chinese too.
    mail.outbox.clear()
    Lead.objects.filter(pk=lead.pk).update(confirmation_sent_at=None)
    with translation.override("en"):
        assert submission.lead_send_confirmation(lead_id=lead.pk) is True
    assert reads_chinese(mail.outbox[0])


def test_a_request_sent_in_english_stays_in_english(client, harbin, cyber_law, django_capture_on_commit_callbacks):
    lead = send_request(client, cyber_law, harbin, "", django_capture_on_commit_callbacks)

    assert lead.language == "en"
    assert reads_english(mail.outbox[0])
    assert "/requests/" in mail.outbox[0].body


def test_each_firm_member_reads_the_new_request_in_their_own_language(harbin, cyber_law):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="cases@songhua.example")
    MembershipFactory(firm=firm, user=FirmUserFactory(email="li@songhua.example", language="zh-hans"))
    MembershipFactory(firm=firm, user=FirmUserFactory(email="anna@songhua.example", language="en"))
    lead = make_lead(city=harbin, practice_area=cyber_law)
    match = Match.objects.create(lead=lead, firm=firm, slot=1, reason="office in Harbin")

    with translation.override("en"):
        assert delivery.match_deliver(match_id=match.pk) is True

    by_reader = {tuple(m.to): m for m in mail.outbox}
    assert set(by_reader) == {("li@songhua.example",), ("anna@songhua.example",)}
    assert reads_chinese(by_reader[("li@songhua.example",)])
    assert "/zh-hans/portal/" in by_reader[("li@songhua.example",)].body
    assert reads_english(by_reader[("anna@songhua.example",)])
    match.refresh_from_db()
    assert match.status == Match.Status.DELIVERED


def test_a_firm_with_no_members_reads_the_request_in_the_language_it_was_written_in(harbin, cyber_law):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="cases@songhua.example")
    lead = make_lead(city=harbin, practice_area=cyber_law)
    Lead.objects.filter(pk=lead.pk).update(language="zh-hans")
    match = Match.objects.create(lead=lead, firm=firm, slot=1, reason="office in Harbin")

    delivery.match_deliver(match_id=match.pk)

    [message] = mail.outbox
    assert message.to == ["cases@songhua.example"]
    assert reads_chinese(message)


def test_editors_hear_of_stale_guides_in_their_own_language(settings):
    settings.GUIDE_STALE_AFTER_MONTHS = 12
    GuideFactory(published=True, last_reviewed_on=datetime.date(2020, 1, 1))
    EditorFactory(email="wei@lawzana.example", language="zh-hans")
    EditorFactory(email="sam@lawzana.example")

    guides_notify_stale()

    by_reader = {tuple(m.to): m for m in mail.outbox}
    assert reads_chinese(by_reader[("wei@lawzana.example",)])
    assert reads_english(by_reader[("sam@lawzana.example",)])


def test_a_member_who_uses_the_site_in_chinese_gets_chinese_emails_from_then_on(client, harbin):
    user = FirmUserFactory(email="li@songhua.example")
    client.force_login(user)

    client.get("/zh-hans/privacy/")
    assert User.objects.get(pk=user.pk).language == "zh-hans"

    client.get("/healthz")  # no language of its own: changes nothing
    assert User.objects.get(pk=user.pk).language == "zh-hans"

    client.get("/privacy/")
    assert User.objects.get(pk=user.pk).language == "en"
