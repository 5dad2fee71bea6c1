"""Countries, regions, cities and the two-level practice-area taxonomy."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import City
from tests.factories import CityFactory, CountryFactory, PracticeAreaFactory, PracticeAreaGroupFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def germany():
    return CountryFactory(name="Germany", slug="germany", code="DE")


def test_a_practice_area_cannot_be_put_under_another_practice_area(cyber_law):
    third_level = PracticeAreaFactory.build(parent=cyber_law, name="Cookie banners", slug="cookie-banners")

    with pytest.raises(ValidationError) as error:
        third_level.full_clean()

    assert error.value.message_dict["parent"] == ["Choose a group: practice areas have only two levels."]


def test_a_practice_area_cannot_be_its_own_group():
    group = PracticeAreaGroupFactory()
    group.parent = group

    with pytest.raises(ValidationError) as error:
        group.full_clean()

    assert error.value.message_dict["parent"] == ["A practice area cannot be its own group."]


def test_a_group_with_practice_areas_cannot_join_another_group(cyber_law):
    group = cyber_law.parent
    group.parent = PracticeAreaGroupFactory()

    with pytest.raises(ValidationError) as error:
        group.full_clean()

    assert error.value.message_dict["parent"] == ["This is a group with practice areas; it cannot have a group."]


def test_a_practice_area_under_a_group_is_valid(cyber_law):
    cyber_law.full_clean()

    assert not cyber_law.is_group
    assert cyber_law.parent.is_group


def test_a_city_takes_its_country_from_its_region(germany):
    bavaria = RegionFactory(country=germany, name="Bavaria", slug="bavaria")

    munich = City.objects.create(region=bavaria, name="Munich", slug="munich")

    assert munich.country == germany
    assert munich.get_absolute_url() == "/lawyers/germany/munich/"
    assert munich.display_name == "Munich, Germany"


def test_moving_a_city_to_another_countrys_region_moves_its_country(harbin, germany):
    harbin.region = RegionFactory(country=germany)
    harbin.save()

    harbin.refresh_from_db()
    assert harbin.country == germany


def test_two_countries_may_have_a_city_with_the_same_slug(harbin, germany):
    other = CityFactory(region=RegionFactory(country=germany), name="Harbin", slug="harbin")

    assert {harbin.get_absolute_url(), other.get_absolute_url()} == {
        "/lawyers/china/harbin/",
        "/lawyers/germany/harbin/",
    }


def test_one_country_cannot_have_two_cities_with_the_same_slug(harbin):
    # Even in another region: public URLs are /lawyers/<country>/<city>/.
    other_region = RegionFactory(country=harbin.country)

    with pytest.raises(IntegrityError), transaction.atomic():
        CityFactory(region=other_region, name="Harbin", slug="harbin")


def test_synonyms_are_read_one_per_line(cyber_law):
    cyber_law.synonyms = "PIPL\n  privacy  \n\nGDPR\r\n"

    assert cyber_law.synonym_list == ["PIPL", "privacy", "GDPR"]


def test_an_area_without_synonyms_has_none():
    assert PracticeAreaFactory(synonyms="").synonym_list == []
