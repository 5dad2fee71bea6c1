"""The whole journey in Chinese, in a real browser: a visitor reads the Chinese guide, sends a
request in Chinese and confirms it from a Chinese email; a lawyer who uses the site in Chinese
gets the request in Chinese, signs in on the Chinese pages and accepts; the client reads the
answer on the Chinese status page. Screenshots of each step (var/test-artifacts/<test>/).

The words checked are the catalogue's Chinese (zh() fails on a string left in English), so the
test follows the translators' wording while still failing on a page that shows English.
"""

import re
import time

import pytest
from django.utils import translation
from playwright.sync_api import expect

from intake.models import Lead, Match
from tests.browser.conftest import PASSWORD, emails_to, link_in, with_password
from tests.factories import FaqItemFactory, FirmFactory, FirmUserFactory, GuideFactory, MembershipFactory

pytestmark = pytest.mark.browser
CHINESE = re.compile(r"[\u4e00-\u9fff]")
CLIENT = {"name": "赵敏", "email": "zhao.min@example.com", "phone": "138 1234 5678"}
DESCRIPTION = "我们在哈尔滨经营的网店上周泄露了两千名客户的邮箱地址。应当在什么时候、以什么方式通知客户和监管部门？"


def zh(english, context=None, **values):
    """The Chinese the catalogue gives for `english`, which must be Chinese."""
    with translation.override("zh-hans"):
        text = translation.pgettext(context, english) if context else translation.gettext(english)
    assert CHINESE.search(text), f"no Chinese for {english!r}"
    return text % values if values else text


def in_chinese(path_of):
    with translation.override("zh-hans"):
        return path_of()


@pytest.fixture
def chinese_market(transactional_db, harbin, cyber_law):
    harbin.name_zh_hans = "哈尔滨"
    harbin.save()
    cyber_law.name_zh_hans = "网络法、数据隐私与数据保护"
    cyber_law.save()
    guide = GuideFactory(
        published=True,
        language="zh-hans",
        city=harbin,
        practice_area=cyber_law,
        summary="哈尔滨的企业收集个人信息，就要按照个人信息保护法保护好这些信息，出了泄露要承担责任。",
        about_md="**个人信息保护法**是处理个人信息的基本法律。",
    )
    FaqItemFactory(guide=guide, question="收集客户信息需要取得同意吗？", position=0)
    firm = FirmFactory(
        complete=True,
        name="松花江数据律师事务所",
        slug="songhua-data-law",
        email="office@songhua.example",
        cities=[harbin],
        practice_areas=[cyber_law],
        languages=["zh", "en"],
    )
    lawyer = with_password(FirmUserFactory(email="wang.lei@songhua.example", language="zh-hans"))
    MembershipFactory(user=lawyer, firm=firm, role="owner")
    return {"guide": guide, "firm": firm, "lawyer": lawyer, "city": harbin, "area": cyber_law}


def send_a_request_in_chinese(people, market):
    page = people.open("visitor")
    page.goto(in_chinese(market["guide"].get_absolute_url))
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^zh-hans$", re.IGNORECASE))
    expect(page.get_by_role("heading", level=1)).to_contain_text("哈尔滨")
    expect(page.get_by_role("heading", level=1)).to_contain_text("网络法、数据隐私与数据保护")
    expect(page.get_by_text(market["guide"].summary)).to_be_visible()
    expect(page.get_by_role("heading", name="松花江数据律师事务所")).to_be_visible()
    # The switch leads to the same page in English.
    expect(page.get_by_role("link", name="English")).to_have_attribute(
        "href", re.compile(re.escape(market["guide"].get_absolute_url()) + "$")
    )
    people.shot(page, "guide in Chinese")

    page.get_by_role("link", name=zh("Find a lawyer in %(city)s", city="哈尔滨")).first.click()
    expect(page.get_by_text(zh("Step %(step)s of %(count)s: %(title)s", step=1, count=3, title=zh("What and where"))))
    expect(page).to_have_url(re.compile("/zh-hans/requests/new/"))
    people.shot(page, "form step 1")
    page.get_by_role("button", name=zh("Next", "request form step")).click()

    page.get_by_label(zh("Describe your situation")).fill(DESCRIPTION)
    page.get_by_label(zh("Urgent: within days")).check()
    page.get_by_label(zh("Not sure yet")).check()
    page.get_by_label(zh("A business or organisation")).check()
    people.shot(page, "form step 2")
    page.get_by_role("button", name=zh("Next", "request form step")).click()

    page.get_by_label(zh("Your name")).fill(CLIENT["name"])
    page.get_by_label(zh("Email"), exact=True).fill(CLIENT["email"])
    for checkbox in page.locator(".lead-form__consents input[type=checkbox]").all():
        checkbox.check()
    people.shot(page, "form step 3")
    page.get_by_role("button", name=zh("Send my request")).click()
    check_email = zh("Check your email: we sent a link to confirm your request")
    expect(page.get_by_role("heading", level=1)).to_have_text(check_email)
    people.shot(page, "check your email")
    return page


def test_a_visitor_reads_the_chinese_guide_and_sends_a_request_in_chinese(people, chinese_market):
    page = send_a_request_in_chinese(people, chinese_market)

    lead = Lead.objects.get(email=CLIENT["email"])
    assert lead.language == "zh-hans"
    assert lead.description == DESCRIPTION

    # The confirmation email is Chinese and leads to the Chinese pages.
    (confirmation,) = emails_to(CLIENT["email"])
    assert CHINESE.search(confirmation.subject)
    assert "哈尔滨" in confirmation.body
    page.goto(link_in(confirmation, "/zh-hans/requests/confirm/"))
    expect(page.get_by_role("status")).to_contain_text(zh("Thank you: your email address is confirmed."))
    expect(page.get_by_role("heading", name="松花江数据律师事务所")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^zh-hans$", re.IGNORECASE))
    people.shot(page, "status page in Chinese")

    # The firm's lawyer reads the request in Chinese, with a link to the Chinese portal.
    (request_email,) = emails_to(chinese_market["lawyer"].email)
    assert CHINESE.search(request_email.subject)
    assert CLIENT["name"] not in request_email.body and CLIENT["email"] not in request_email.body
    assert "/zh-hans/portal/" in request_email.body
    people.assert_no_csp_violations()


def test_a_lawyer_answers_in_chinese_and_the_client_reads_it_on_the_chinese_status_page(people, chinese_market):
    from allauth.mfa import app_settings

    from tests.factories import totp_code

    client = send_a_request_in_chinese(people, chinese_market)
    (confirmation,) = emails_to(CLIENT["email"])
    client.goto(link_in(confirmation, "/zh-hans/requests/confirm/"))
    status_url = client.url

    (request_email,) = emails_to(chinese_market["lawyer"].email)
    match_url = link_in(request_email, "/zh-hans/portal/")
    firm = people.open("firm")
    firm.goto(match_url)
    expect(firm).to_have_url(re.compile(r"/zh-hans/accounts/login/\?next="))
    expect(firm.locator("html")).to_have_attribute("lang", re.compile("^zh-hans$", re.IGNORECASE))
    firm.get_by_label(zh("Email"), exact=True).fill(chinese_market["lawyer"].email)
    firm.get_by_label(zh("Password"), exact=True).fill(PASSWORD)
    people.shot(firm, "sign in in Chinese")
    firm.get_by_role("button", name=zh("Sign In")).click()
    remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if remaining < 5:
        time.sleep(remaining + 0.2)
    firm.locator("input[name=code]").fill(totp_code())
    people.shot(firm, "authenticator code in Chinese")
    firm.get_by_role("button", name=zh("Sign In")).click()
    expect(firm).to_have_url(match_url)
    expect(firm.get_by_role("heading", level=1)).to_have_text(
        zh("Request: %(area)s in %(city)s", area="网络法、数据隐私与数据保护", city="哈尔滨")
    )
    expect(firm.get_by_text(DESCRIPTION)).to_be_visible()
    people.shot(firm, "the request in Chinese")

    firm.get_by_label(zh("Your message to the client")).fill("我们每周都处理数据泄露通知事务，今天就可以给您打电话。")
    firm.get_by_role("button", name=zh("Accept and send my message")).click()
    expect(firm.get_by_role("status")).to_contain_text("您已接受该需求")
    people.shot(firm, "accepted in Chinese")

    # The client hears in Chinese and reads the answer on the Chinese status page.
    (accepted_email,) = [m for m in emails_to(CLIENT["email"]) if m is not confirmation]
    assert CHINESE.search(accepted_email.subject)
    assert link_in(accepted_email, "/zh-hans/requests/") == status_url
    client.goto(status_url)
    expect(client.get_by_text("我们每周都处理数据泄露通知事务")).to_be_visible()
    client.get_by_role("button", name=zh("Give my contact details to this firm")).click()
    expect(client.get_by_role("status")).to_contain_text("松花江数据律师事务所")
    people.shot(client, "contact details released in Chinese")

    match = Match.objects.get(lead__email=CLIENT["email"], firm=chinese_market["firm"])
    assert match.status == Match.Status.ACCEPTED and match.contact_released_at is not None
    people.assert_no_csp_violations()
