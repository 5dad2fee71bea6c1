"""Comparing firms side by side: /firms/compare/?firm=a&firm=b&firm=c."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    FirmFactory,
    LawyerFactory,
    OfficeFactory,
    PracticeAreaFactory,
    ReviewFactory,
    ServiceFeeFactory,
    refresh,
)

pytestmark = pytest.mark.django_db

COMPARE = "/firms/compare/"


@pytest.fixture
def firms(harbin, shanghai, cyber_law, employment_law):
    this_year = timezone.localdate().year
    first = FirmFactory(
        name="Songhua River Law",
        slug="songhua",
        year_established=this_year - 17,
        size="small",
        cities=[harbin, shanghai],
        practice_areas=[cyber_law],
        languages=["en", "zh"],
        ratings=[5, 4],
    )
    ReviewFactory(firm=first, rating=5, is_verified=True)
    second = FirmFactory(
        name="Bund Partners",
        slug="bund",
        size="medium",
        cities=[shanghai],
        practice_areas=[employment_law],
        languages=["de"],
    )
    third = FirmFactory(name="Third Firm", slug="third", cities=[harbin], practice_areas=[cyber_law])
    return refresh(first), second, third


def rows(tree):
    """{row heading: [cell text per firm]} from the comparison table."""
    table = next(t for t in tree.iter("table") if "compare" in (t.get("class") or ""))
    result = {}
    for row in table.iter("tr"):
        heading = row.find("th")
        cells = row.findall("td")
        if cells:
            result["".join(heading.itertext()).strip()] = [" ".join("".join(c.itertext()).split()) for c in cells]
    return result


def test_it_compares_firms_side_by_side(client, firms, assert_valid_html):
    years = timezone.localdate().year - firms[0].year_established

    response = client.get(f"{COMPARE}?firm=songhua&firm=bund")

    assert response.status_code == 200
    table = rows(assert_valid_html(response.content))
    assert table["Rating"] == ["★ 4.7 (3 reviews)", "No reviews yet"]
    assert table["Verified reviews"] == ["1", "0"]
    assert f"Since {firms[0].year_established} ({years} years)" in table["Experience"][0]
    assert "2–10 lawyers" in table["Experience"][0]
    assert "11–50 lawyers" in table["Experience"][1]
    assert "Since" not in table["Experience"][1]
    assert table["Practice areas"] == ["Cyber Law, Data Privacy and Data Protection", "Employment and Labour"]
    assert table["Languages"] == ["Chinese, English", "German"]
    assert table["Offices"] == ["Harbin, Shanghai", "Shanghai"]


def test_the_firms_keep_the_order_they_were_picked_in(client, firms):
    content = client.get(f"{COMPARE}?firm=third&firm=songhua&firm=bund").content.decode()

    assert content.index("Third Firm") < content.index("Songhua River Law") < content.index("Bund Partners")


def compared_names(tree):
    table = next(t for t in tree.iter("table") if "compare" in (t.get("class") or ""))
    return [" ".join("".join(th.itertext()).split()) for th in table.iter("th") if th.get("scope") == "col"][1:]


def choices(tree):
    """{firm name: ticked} in the form that picks another set to compare."""
    (form,) = [f for f in tree.iter("form") if "compare-choose" in (f.get("class") or "")]
    labels = {label.get("for"): "".join(label.itertext()).strip() for label in form.iter("label")}
    return {labels[box.get("id")]: box.get("checked") is not None for box in form.iter("input")}


def test_a_fourth_firm_is_left_out_with_the_reason_and_a_way_to_choose_three(client, firms, assert_valid_html):
    FirmFactory(slug="fourth", name="Fourth Firm")

    response = client.get(f"{COMPARE}?firm=songhua&firm=bund&firm=third&firm=fourth")

    assert response.status_code == 200
    tree = assert_valid_html(response.content)
    content = " ".join(response.content.decode().split())
    assert compared_names(tree) == ["Songhua River Law", "Bund Partners", "Third Firm"]
    assert "You ticked 4 firms, but at most 3 can be compared at a time." in content
    assert "We compare the first 3 below and left out Fourth Firm." in content
    assert choices(tree) == {
        "Songhua River Law": True,
        "Bund Partners": True,
        "Third Firm": True,
        "Fourth Firm": False,
    }
    assert "Compare these" in content


def test_the_choice_form_compares_the_three_ticked_there(client, firms, assert_valid_html):
    FirmFactory(slug="fourth", name="Fourth Firm")

    # What the form sends with the first firm unticked and the fourth ticked.
    response = client.get(COMPARE, {"firm": ["bund", "third", "fourth"]})

    tree = assert_valid_html(response.content)
    assert compared_names(tree) == ["Bund Partners", "Third Firm", "Fourth Firm"]
    assert "compare-choose" not in response.content.decode()
    assert "at most 3" not in response.content.decode()


def test_more_firms_still_name_every_one_left_out(client, firms):
    FirmFactory(slug="fourth", name="Fourth Firm")
    FirmFactory(slug="fifth", name="Fifth & Sons")

    content = client.get(COMPARE, {"firm": ["fifth", "songhua", "fourth", "bund", "third"]}).content.decode()

    assert "You ticked 5 firms" in content
    assert "left out Bund Partners, Third Firm." in " ".join(content.split())
    assert "Fifth &amp; Sons" in content


def test_the_same_firm_picked_twice_counts_once(client, firms):
    response = client.get(f"{COMPARE}?firm=songhua&firm=bund&firm=third&firm=songhua")

    assert response.status_code == 200
    assert response.content.decode().count('<th scope="col"><a href=') == 3


@pytest.mark.parametrize("missing", ["no-such-firm", "hidden", "x" * 2000, "a\x00b", "sönghua", "../songhua"])
def test_an_unknown_or_unlisted_firm_is_reported_and_the_others_still_compared(
    client, firms, missing, assert_valid_html
):
    FirmFactory(slug="hidden", name="Hidden Firm", is_listed=False)

    response = client.get(COMPARE, {"firm": ["songhua", missing]})

    content = response.content.decode()
    assert response.status_code == 200
    assert compared_names(assert_valid_html(content)) == ["Songhua River Law"]
    assert "We could not find 1 of the firms you picked: it may no longer be listed." in content
    assert "The others are compared below." in content
    assert "Hidden Firm" not in content


def test_unknown_firms_and_too_many_are_both_reported(client, firms):
    FirmFactory(slug="fourth", name="Fourth Firm")

    response = client.get(COMPARE, {"firm": ["gone", "songhua", "bund", "also-gone", "third", "fourth"]})

    content = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "We could not find 2 of the firms you picked: they may no longer be listed." in content
    assert "left out Fourth Firm." in content


def test_when_no_firm_is_found_it_says_so_and_explains_how_to_compare(client, firms):
    content = client.get(COMPARE, {"firm": ["gone", "also-gone"]}).content.decode()

    assert "We could not find 2 of the firms you picked" in content
    assert "The others are compared below." not in content
    assert "Tick up to 3 firms on a city page" in content


@pytest.mark.parametrize(
    "query_string",
    [
        "&".join(["firm="] * 50),
        "&".join(["firm=songhua"] * 50),
        "&".join(f"firm=made-up-{number}" for number in range(50)),
        "firm=%ED%A0%80&firm=%00&firm=songhua",
        "firm=" + "a" * 5000,
    ],
    ids=["50 blanks", "50 repeats", "50 unknown", "odd bytes", "very long"],
)
def test_odd_input_never_breaks_the_page(client, firms, assert_valid_html, query_string):
    response = client.get(f"{COMPARE}?{query_string}")

    assert response.status_code == 200
    assert_valid_html(response.content)


def test_it_compares_fees_and_response_times(client, harbin, assert_valid_html):
    quick = FirmFactory(name="Quick Law", slug="quick", cities=[harbin], response=(0.9, 5.4))
    ServiceFeeFactory(firm=quick, service="First consultation", fee_model="flat", amount_min=500, position=1)
    ServiceFeeFactory(
        firm=quick, service="Contract review", fee_model="range", amount_min=2000, amount_max=8000, position=2
    )
    ServiceFeeFactory(firm=quick, service="Court case", fee_model="on_request", position=3)
    ServiceFeeFactory(firm=quick, service="Advice", fee_model="hourly", amount_min=1200, currency="USD", position=4)
    FirmFactory(name="New Law", slug="fresh")

    table = rows(assert_valid_html(client.get(COMPARE, {"firm": ["quick", "fresh"]}).content))

    assert table["Fees"] == [
        "First consultation: CNY 500 flat Contract review: CNY 2,000–8,000 Court case: On request "
        "Advice: USD 1,200 per hour",
        "—",
    ]
    assert table["Typical response time"] == ["about 5 h", "Not enough requests yet"]


def test_without_firms_it_explains_how_to_compare(client, db):
    response = client.get(COMPARE)

    assert response.status_code == 200
    assert "Tick up to 3 firms on a city page and press “Compare”" in response.content.decode()


def test_the_verified_badge_shows_only_for_a_current_verification(client, firms):
    FirmFactory(slug="checked", name="Checked Firm", verified=timezone.localdate())

    content = client.get(COMPARE, {"firm": ["checked", "bund"]}).content.decode()

    assert content.count("badge--verified") == 1


def test_it_runs_a_fixed_number_of_queries_however_many_firms_and_details(client, harbin):
    def build(slug):
        firm = FirmFactory(
            slug=slug,
            cities=[harbin],
            practice_areas=PracticeAreaFactory.create_batch(3),
            languages=["en", "zh", "de"],
            ratings=[5, 4],
        )
        OfficeFactory.create_batch(3, firm=firm)
        LawyerFactory.create_batch(3, firm=firm)
        ServiceFeeFactory.create_batch(3, firm=firm)
        return refresh(firm).slug

    def queries(slugs):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(COMPARE, {"firm": slugs}).status_code == 200
        return len(captured)

    one = queries([build("one")])
    three = queries([build("two"), build("three"), build("four")])
    too_many = queries(["one", "two", "three", "four", "gone", *(build(f"more-{n}") for n in range(8))])
    fifty = queries(["one"] + [f"made-up-{number}" for number in range(50)])

    # Who was picked; then the firms with languages, fees, practice areas and offices.
    assert one == three == too_many == fifty == 6


def test_each_compared_firm_can_be_sent_a_request_from_the_table(client, harbin, assert_valid_html):
    FirmFactory(name="Open Law", slug="open-law", cities=[harbin])
    FirmFactory(name="Full Law", slug="full-law", cities=[harbin], is_accepting_leads=False)

    tree = assert_valid_html(client.get(COMPARE, {"firm": ["open-law", "full-law"]}).content)

    assert rows(tree)["Contact"] == ["Send your request to Open Law", "Not taking new requests"]
    hrefs = [a.get("href") for a in tree.iter("a") if "".join(a.itertext()).startswith("Send your request")]
    assert hrefs == ["/requests/new/?firm=open-law"]
