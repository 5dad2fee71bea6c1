"""What a firm card on a listing shows (templates/includes/firm_card.html): drawn stars with
their number and one sentence for screen readers, the facts a person compares, and the
"Filters (n)" disclosure above the list."""

import re
from decimal import Decimal

import html5lib
import pytest

from directory.models import Firm
from guides.models import landing_url
from tests.factories import FirmFactory, ServiceFeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(harbin, cyber_law):
    return landing_url(city=harbin, practice_area=cyber_law)


def card(content, name):
    tree = html5lib.parse(content, namespaceHTMLElements=False)
    for article in tree.iter("article"):
        if name in "".join(article.find(".//h3").itertext()):
            return article
    raise AssertionError(f"no card for {name}")


def text(element):
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


@pytest.mark.parametrize(
    ("average", "stars"), [("1.00", 10), ("3.74", 35), ("3.75", 40), ("4.24", 40), ("4.25", 45), ("5.00", 50)]
)
def test_the_drawn_stars_are_the_rating_rounded_to_the_half(average, stars):
    assert Firm(rating_average=Decimal(average)).rating_stars == stars


def test_a_card_draws_the_stars_and_says_the_rating_in_one_sentence_to_screen_readers(client, url, harbin, cyber_law):
    FirmFactory(name="Rated Firm", cities=[harbin], practice_areas=[cyber_law], ratings=[5, 4, 4])

    rating = card(client.get(url).content.decode(), "Rated Firm").find(".//p[@class='rating-line']")

    stars, number, count, spoken = rating.findall("span")
    assert stars.get("class") == "stars stars--45" and stars.get("aria-hidden") == "true"
    assert (number.text, number.get("aria-hidden")) == ("4.3", "true")
    assert (count.text, count.get("aria-hidden")) == ("(3 reviews)", "true")
    assert (spoken.get("class"), spoken.text) == ("visually-hidden", "Rated 4.3 out of 5, 3 reviews")


def test_a_card_without_reviews_says_so_and_draws_no_stars(client, url, harbin, cyber_law):
    FirmFactory(name="New Firm", cities=[harbin], practice_areas=[cyber_law])

    new = card(client.get(url).content.decode(), "New Firm")

    assert "No reviews yet" in text(new)
    assert "stars" not in html5lib.serializer.serialize(new, tree="etree")


def test_a_card_shows_the_lowest_fee_the_usual_answer_time_languages_and_why_folded(client, url, harbin, cyber_law):
    firm = FirmFactory(
        name="Priced Firm",
        cities=[harbin],
        practice_areas=[cyber_law],
        languages=["en", "zh"],
        response=(0.9, 5.2),
    )
    ServiceFeeFactory(firm=firm, fee_model="flat", amount_min=Decimal("5000"))
    ServiceFeeFactory(firm=firm, fee_model="hourly", amount_min=Decimal("800"))
    ServiceFeeFactory(firm=firm, fee_model="range", amount_min=Decimal("3000"), amount_max=Decimal("6000"))
    ServiceFeeFactory(firm=firm, fee_model="on_request")

    priced = card(client.get(url).content.decode(), "Priced Firm")

    facts = {text(row.find("dt")): text(row.find("dd")) for row in priced.find(".//dl")}
    assert facts["Fees from"] == "CNY 800 per hour"
    assert facts["Answers"] == "Usually within 6 hours"
    assert sorted(text(chip) for chip in priced.iterfind(".//dd/ul/li[@class='chip']")) == ["Chinese", "English"]
    why = priced.find(".//details")
    assert text(why.find("summary")) == "Why this position?"
    assert why.get("open") is None


def test_a_card_leaves_out_what_is_not_known(client, url, harbin, cyber_law):
    firm = FirmFactory(name="Quiet Firm", cities=[harbin], practice_areas=[cyber_law])
    ServiceFeeFactory(firm=firm, fee_model="on_request")

    quiet = text(card(client.get(url).content.decode(), "Quiet Firm"))

    assert "Fees from" not in quiet
    assert "Usually within" not in quiet


def summary(content):
    tree = html5lib.parse(content, namespaceHTMLElements=False)
    details = tree.find(".//details[@class='filters']")
    return text(details.find("summary")), details.get("open")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, "Filters (0)"),
        ({"sort": "rating"}, "Filters (0)"),
        ({"verified": "on"}, "Filters (1)"),
        ({"verified": "on", "min_rating": "4", "sort": "rating"}, "Filters (2)"),
    ],
)
def test_the_filters_summary_counts_the_filters_set(client, url, harbin, cyber_law, query, expected):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], ratings=[5])

    label, is_open = summary(client.get(url, query).content.decode())

    assert label == expected
    assert is_open is None  # the results come first on a phone


def test_filters_that_were_not_understood_open_the_disclosure(client, url, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])

    _, is_open = summary(client.get(url, {"min_rating": "7"}).content.decode())

    assert is_open == ""
