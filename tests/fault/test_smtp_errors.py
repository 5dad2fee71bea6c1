"""F5 and F6: the SMTP server refuses. Temporary refusals (4xx) are retried with growing,
jittered delays until one is accepted, exactly once; a permanent one (5xx) stops the retries,
marks the match failed, and the firm still finds the request in its portal inbox."""

import pytest
from django.urls import reverse

from intake.models import Match
from intake.services import sweeps
from tests.factories import MembershipFactory
from tests.fault.conftest import assert_each_match_delivered_once, submit, wait_for

pytestmark = pytest.mark.integration


def test_temporary_smtp_refusals_are_retried_with_growing_delays_and_delivered_once(
    start_worker, mailbox, firms, harbin, cyber_law
):
    refused_firm, _other_firm = firms
    mailbox.answers[refused_firm.email] = ["451 4.3.0 Try again later", "421 4.7.0 Busy", "451 4.3.0 Try again later"]
    start_worker()

    lead = submit(city=harbin, practice_area=cyber_law, email="client@clients.example")

    assert wait_for(lambda: Match.objects.filter(lead=lead).count() == 2)  # matching runs in the worker
    matches = list(Match.objects.filter(lead=lead))
    assert_each_match_delivered_once(matches, mailbox)
    refused = Match.objects.get(lead=lead, firm=refused_firm)
    assert refused.attempts == 4
    assert refused.failure_reason == ""
    tries = mailbox.attempts_for(refused_firm.email)
    assert [t["answer"][:3] for t in tries] == ["451", "421", "451", "250"]
    # Retries back off: 1, 2, then 4 s (MATCH_DELIVERY_RETRY_BASE_SECONDS=1), plus up to 1 s of jitter.
    gaps = [later["at"] - earlier["at"] for earlier, later in zip(tries, tries[1:], strict=False)]
    for number, gap in enumerate(gaps):
        assert 2**number - 0.2 <= gap <= 2**number + 2.5, gaps


@pytest.mark.parametrize("answer", ["550 5.1.1 No such mailbox", "553 5.1.3 Bad address"])
def test_a_permanent_smtp_refusal_marks_the_match_failed_and_the_firm_still_sees_it_in_its_inbox(
    client, start_worker, mailbox, firms, harbin, cyber_law, answer
):
    firm, _other_firm = firms
    member = MembershipFactory(firm=firm)  # the member's address now receives the firm's notices
    mailbox.answers[member.user.email] = [answer]
    start_worker()

    lead = submit(city=harbin, practice_area=cyber_law, email="client@clients.example")

    assert wait_for(
        lambda: Match.objects.filter(lead=lead, firm=firm, status=Match.Status.FAILED).exists(), timeout=20
    )
    sweeps.matches_sweep()  # a failed match is not published again
    assert not wait_for(lambda: len(mailbox.attempts_for(member.user.email)) > 1, timeout=4)
    match = Match.objects.get(lead=lead, firm=firm)
    assert match.attempts == 1
    assert answer[:3] in match.failure_reason
    assert match.delivered_at is None

    # Email is not the only channel: the request waits in the firm's portal.
    client.force_login(member.user)
    match_url = reverse("portal:match", kwargs={"firm_slug": firm.slug, "public_id": match.public_id})
    inbox = client.get(reverse("portal:inbox", kwargs={"firm_slug": firm.slug}))
    assert inbox.status_code == 200
    assert match_url in inbox.content.decode()
    page = client.get(match_url)
    assert page.status_code == 200
    assert "Our customer database leaked last week" in page.content.decode()
    match.refresh_from_db()
    assert match.status == Match.Status.VIEWED
    assert match.delivered_at is not None  # it reached the firm, through the portal
