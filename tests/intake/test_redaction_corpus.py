"""What a firm reads of a description before the client chooses it: every way clients write
their contact details is hidden, and ordinary text (articles of law, sums, dates) stays as
typed. Each case is (text, what must not remain)."""

import pytest

from intake.redaction import redact_contacts

HIDDEN = [
    ("Add me on WeChat lina_audit please", "lina_audit"),
    ("微信: lina_audit", "lina_audit"),
    ("微信号：lina-audit88", "lina-audit88"),
    ("wx: lina_audit", "lina_audit"),
    ("vx lina2024 any time", "lina2024"),
    ("V信：lina_2024", "lina_2024"),
    ("加我威信 lina_audit 谢谢", "lina_audit"),
    ("加V：lina_audit", "lina_audit"),
    ("QQ 12345678", "12345678"),
    ("QQ号：987654321", "987654321"),
    ("qq:10086123", "10086123"),
    ("my QQ is 55667", "55667"),
    ("Telegram @lina_audit", "lina_audit"),
    ("tg: @linaaudit", "linaaudit"),
    ("t.me/lina_audit", "lina_audit"),
    ("write on https://t.me/lina_audit", "lina_audit"),
    ("WhatsApp +86 138 1234 5678", "5678"),
    ("whatsapp: 13812345678", "13812345678"),
    ("wa.me/8613812345678", "8613812345678"),
    ("Line ID: lina.audit", "lina.audit"),
    ("line: linaaudit", "linaaudit"),
    ("Skype: lina.audit", "lina.audit"),
    ("Signal +49 30 12345678", "12345678"),
    ("钉钉 lina_audit", "lina_audit"),
    ("WeChat ID is lina_audit, thanks", "lina_audit"),
    ("微信 lina_audit 或者 QQ 12345678", "12345678"),
    ("@lina_audit on Instagram", "lina_audit"),
    ("my email is lina at example dot com", "example"),
    ("lina(at)example(dot)com", "example"),
    ("lina [at] example [dot] com", "example"),
    ("lina＠example．com", "example"),
    ("lina@example.com", "lina@example.com"),
    ("LINA.AUDIT@EXAMPLE.CN", "EXAMPLE"),
    ("Email me: lina.audit+law@gmail.com", "gmail"),
    ("call 138 1234 5678", "5678"),
    ("手机13812345678", "13812345678"),
    ("电话：138-1234-5678", "5678"),
    ("联系方式：13812345678", "13812345678"),
    ("微信同号13812345678", "13812345678"),
    ("１３８１２３４５６７８", "５６７８"),
    ("１３８ １２３４ ５６７８", "５６７８"),
    ("一三八一二三四五六七八", "五六七八"),
    ("幺三八 一二三四 五六七八", "五六七八"),
    ("138转1234转5678", "5678"),
    ("138 一二三四 5678", "5678"),
    ("0451-8888-0000", "8888"),
    ("(0451) 88880000", "88880000"),
    ("+86 (451) 8888 0000", "8888"),
    ("00 86 138 1234 5678", "5678"),
    ("1 3 8 1 2 3 4 5 6 7 8", "5 6 7 8"),
    ("138.1234.5678", "5678"),
    ("my number is 138-1234-5678, call after 6pm", "5678"),
    ("www.lina-audit.cn", "lina-audit"),
    ("see lina-audit.com/contact", "lina-audit"),
    ("http://example.com/lina", "example"),
    ("u.wechat.com/abcdEFG123", "abcdEFG123"),
    ("身份证号 230102199001011234", "199001011234"),
]

INTACT = [
    "根据《个人信息保护法》第41条，我可以要求删除。",
    "Article 23 of the PIPL applies to sharing.",
    "The deposit is 8000 yuan and he keeps it.",
    "He owes me ¥12,000 since March.",
    "RMB 1,500,000 was transferred.",
    "The contract was signed on 2026-11-29.",
    "合同于2026年11月29日签订。",
    "It started 3 months ago.",
    "Case No. (2024) Jing 0105 Min Chu 12345 is pending.",
    "案号（2024）沪0104民初12345号。",
    "We have 250 employees in Harbin.",
    "A fine of 50000 RMB was imposed.",
    "They claim 1200000 yuan in damages.",
    "涉及120 万元的货款。",
    "Open between 9:00 and 17:30.",
    "Room 1203, Building 5, Nangang District.",
    "Section 3.2.1 of the agreement says so.",
    "Article 1165 of the Civil Code.",
    "《民法典》第一千一百六十五条规定了过错责任。",
    "第三条第二款。",
    "I paid 3,000 USD as a retainer.",
    "The flat is 85 m2.",
    "It happened in 2019 and again in 2021.",
    "From 2024-01-05 to 2024-03-31 I was not paid.",
    "The notice is dated 2024/01/05.",
    "Signed on 05.01.2024 in Harbin.",
    "about 15% of the shares",
    "GDPR Art. 15 and Art. 20 give me a copy.",
    "Labour Contract Law, Article 47 and 87.",
    "工资每月6500元。",
    "欠款人民币128000元。",
    "赔偿金额为1,280,000元。",
    "Our turnover is 12 000 000 yuan a year.",
    "We sell 10 000 units a year.",
    "ISO 27001 certification is required.",
    "Order no. 12 was cancelled.",
    "It began in the 1990s.",
    "PIPL Art. 13(1)(ii) is the basis.",
    "From 1 July 2025 the rule applies.",
    "2025年7月1日起施行。",
    "涉及金额约3000万。",
    "第5章第12节。",
    "Twenty-three employees, three managers.",
    "My WeChat account was hacked last week.",
    "The WeChat group had 200 members.",
    "We use Line for internal chat.",
    "Telegram channels spread the rumour.",
    "I was fired at 8 a.m. without notice.",
    "Meet at Harbin station at 10.",
    "Look at Article 5 first.",
    "The penalty is 5 times the deposit.",
    "3.5% interest per month is charged.",
    "Between 2018-2024 we signed 6 contracts.",
    "Version 2.0.1 of the app leaked data.",
    "My QQ account was stolen.",
]


def test_the_corpus_is_large_enough():
    assert len(HIDDEN) >= 50 and len(INTACT) >= 50


@pytest.mark.parametrize(("text", "secret"), HIDDEN)
def test_contact_details_are_hidden(text, secret):
    redacted = redact_contacts(text)

    assert secret not in redacted
    assert "hidden]" in redacted


@pytest.mark.parametrize("text", INTACT)
def test_ordinary_text_stays_as_typed(text):
    assert redact_contacts(text) == text
