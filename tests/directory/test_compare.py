"""Comparing firms side by side: /firms/compare/?firm=a&firm=b&firm=c."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import FirmFactory, LawyerFactory, OfficeFactory, PracticeAreaFactory, ReviewFactory, refresh

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


def test_picking_more_than_three_firms_is_refused_with_the_reason(client, firms):
    FirmFactory(slug="fourth")

    response = client.get(f"{COMPARE}?firm=songhua&firm=bund&firm=third&firm=fourth")

    assert response.status_code == 400
    assert "You picked 4 firms; compare at most 3 at a time." in response.content.decode()


def test_the_same_firm_picked_twice_counts_once(client, firms):
    response = client.get(f"{COMPARE}?firm=songhua&firm=bund&firm=third&firm=songhua")

    assert response.status_code == 200
    assert response.content.decode().count('<th scope="col"><a href=') == 3


@pytest.mark.parametrize("missing", ["no-such-firm", "hidden", "x" * 2000])
def test_an_unknown_or_unlisted_firm_is_reported_and_the_others_still_compared(client, firms, missing):
    FirmFactory(slug="hidden", name="Hidden Firm", is_listed=False)

    response = client.get(COMPARE, {"firm": ["songhua", missing]})

    content = response.content.decode()
    assert response.status_code == 400
    assert "We could not find some of the firms you picked" in content
    assert "Songhua River Law" in content
    assert "Hidden Firm" not in content


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
        return refresh(firm).slug

    def queries(slugs):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(COMPARE, {"firm": slugs}).status_code == 200
        return len(captured)

    one = queries([build("one")])
    three = queries([build("two"), build("three"), build("four")])

    assert one == three
