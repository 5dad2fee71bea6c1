"""The firm card drawn in Python ({% firm_card %}, directory/templatetags/firm_cards.py) must be
the card templates/includes/firm_card.html draws, for every kind of firm, in both languages:
listings and search use the first for speed, and the template stays the reference."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from directory.models import Firm
from directory.selectors import with_card_data
from tests.factories import FirmFactory, PracticeAreaGroupFactory, ServiceFeeFactory

pytestmark = pytest.mark.django_db

TAG = Template("{% load firm_cards %}{% firm_card firm city=city practice_area=practice_area compare=compare %}")


@pytest.fixture
def firms(harbin, shanghai, cyber_law):
    plain = FirmFactory(name="Plain & <Partners>", cities=[harbin])
    full = FirmFactory(
        name="Songhua River Law",
        complete=True,
        tagline="Cross-border data work",
        tagline_zh_hans="跨境数据业务",
        cities=[harbin, shanghai],
        practice_areas=[cyber_law],
        languages=["en", "zh"],
        ratings=[5, 4, 4, 3] * 300,
        verified=date.today(),
        response=(0.9, 5.2),
    )
    ServiceFeeFactory(firm=full, fee_model="hourly", amount_min=Decimal("1500"), currency="CNY")
    chinese = FirmFactory(
        name="哈尔滨律师事务所", tagline_zh_hans="只写中文", ratings=[2], response=(0.5, 0.2), is_accepting_leads=False
    )
    ServiceFeeFactory(firm=chinese, fee_model="flat", amount_min=Decimal("800.50"), currency="USD")
    Firm.objects.filter(pk=chinese.pk).update(logo="logos/chinese.png")
    from directory.services.firms import firms_refresh

    firms_refresh(firm_ids=[plain.pk, full.pk, chinese.pk])
    return [plain, full, chinese]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("listing", [False, True], ids=["search", "listing"])
def test_the_python_card_is_the_templates_card(firms, harbin, cyber_law, language, listing):
    group = PracticeAreaGroupFactory()
    places = [(harbin, cyber_law), (harbin, group), (None, None)] if listing else [(None, None)]
    with translation.override(language):
        for firm in with_card_data(Firm.objects.filter(pk__in=[f.pk for f in firms]), city=harbin):
            for city, area in places:
                context = {"firm": firm, "city": city, "practice_area": area, "compare": listing}
                expected = render_to_string("includes/firm_card.html", context)

                assert TAG.render(Context(context)) == expected
