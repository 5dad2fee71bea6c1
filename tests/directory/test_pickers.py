"""The city and practice-area pickers (directory.forms): Django's <select> markup written
without a template per option, options read once per content generation, and what a visitor
submits checked against the database."""

import pytest
from django import forms
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from directory.filters import FirmFilter
from directory.forms import CityField, PracticeAreaField
from directory.models import City, Firm, PracticeArea
from tests.factories import CityFactory, CountryFactory, LanguageFactory, PracticeAreaFactory, RegionFactory

pytestmark = pytest.mark.django_db


class PickerForm(forms.Form):
    practice_area = PracticeAreaField(label="What?")
    city = CityField(label="Where?", help_text="The nearest city.")


class StockForm(forms.Form):
    """The same fields with Django's own Select and a queryset read on every render."""

    practice_area = PracticeAreaField(
        label="What?",
        widget=forms.Select,
        queryset=PracticeArea.objects.areas()
        .select_related("parent")
        .order_by("parent__position", "parent__name", "position", "name"),
    )
    city = CityField(
        label="Where?",
        help_text="The nearest city.",
        widget=forms.Select,
        queryset=City.objects.with_place().order_by("country__name", "name"),
    )


@pytest.fixture
def places(harbin, cyber_law):
    france = CountryFactory(name="Côte & <Ivoire>", slug="cote", code="CI")
    CityFactory(region=RegionFactory(country=france), name='Say "hi" <b>', slug="say-hi")
    CityFactory(region=harbin.region, name="Daqing", slug="daqing")
    PracticeAreaFactory(parent=cyber_law.parent, name="A & B", slug="a-and-b")
    return harbin, cyber_law


def _rendered(form):
    return str(form["city"]) + str(form["practice_area"])


@pytest.mark.parametrize(
    "data",
    [None, {"city": "HARBIN", "practice_area": "AREA"}, {"city": "<b>", "practice_area": ""}, {"city": "999999"}],
    ids=["unbound", "chosen", "garbage", "unknown id"],
)
def test_the_pickers_write_the_same_markup_as_djangos_select(places, data):
    harbin, cyber_law = places
    ids = {"HARBIN": str(harbin.pk), "AREA": str(cyber_law.pk)}
    if data:
        data = {key: ids.get(value, value) for key, value in data.items()}
    ours, stock = PickerForm(data), StockForm(data)
    if data:
        ours.is_valid(), stock.is_valid()  # errors add aria-invalid

    assert _rendered(ours) == _rendered(stock)
    assert "&lt;b&gt;" in _rendered(ours)
    assert 'label="Côte &amp; &lt;Ivoire&gt;"' in _rendered(ours)


def test_the_initial_choice_is_selected(places):
    harbin, cyber_law = places
    initial = {"city": harbin.pk, "practice_area": cyber_law.pk}

    rendered = _rendered(PickerForm(initial=initial))

    assert rendered == _rendered(StockForm(initial=initial))
    assert f'<option value="{harbin.pk}" selected>Harbin</option>' in rendered
    assert rendered.count(" selected>") == 2


def test_the_options_are_read_once_until_a_name_changes(places, django_assert_num_queries):
    str(PickerForm()["city"])

    with django_assert_num_queries(0):
        str(PickerForm()["city"])
        str(PickerForm(initial={"city": places[0].pk})["city"])


def test_a_new_city_is_listed_on_the_next_form(places):
    assert "Mudanjiang" not in str(PickerForm()["city"])

    CityFactory(region=places[0].region, name="Mudanjiang", slug="mudanjiang")

    assert "Mudanjiang" in str(PickerForm()["city"])


def test_a_new_city_is_a_valid_prefill_on_the_form_classs_own_field(places):
    shared = PickerForm.base_fields["city"]  # not copied per form, as the request form's prefill check uses it
    assert shared.has_choice(str(places[0].pk))

    mudanjiang = CityFactory(region=places[0].region, name="Mudanjiang", slug="mudanjiang")

    assert shared.has_choice(str(mudanjiang.pk))
    assert "Mudanjiang" in str(PickerForm()["city"])


def test_a_renamed_country_and_practice_area_show_on_the_next_form(places):
    harbin, cyber_law = places
    str(PickerForm()["city"])
    harbin.country.name = "People's Republic of China"
    harbin.country.save()
    cyber_law.name = "Data protection"
    cyber_law.save()

    rendered = _rendered(PickerForm())

    assert 'label="People&#x27;s Republic of China"' in rendered
    assert ">Data protection</option>" in rendered


def test_a_submitted_city_is_checked_against_the_database_not_the_list(places):
    harbin, cyber_law = places
    daqing = City.objects.get(slug="daqing")
    assert f'value="{daqing.pk}"' in str(PickerForm()["city"])
    with connection.cursor() as cursor:  # gone without a save: the cached list still shows it
        cursor.execute("DELETE FROM directory_city WHERE id = %s", [daqing.pk])

    form = PickerForm({"city": daqing.pk, "practice_area": cyber_law.pk})

    assert not form.is_valid()
    assert form.errors["city"] == ["We don't know that city: choose one from the list."]
    valid = PickerForm({"city": harbin.pk, "practice_area": cyber_law.pk})
    assert valid.is_valid()
    assert valid.cleaned_data == {"city": harbin, "practice_area": cyber_law}


def test_a_picker_given_its_own_queryset_lists_only_those_rows(places):
    harbin, _cyber_law = places

    class OnlyHarbin(forms.Form):
        city = CityField(queryset=City.objects.with_place().filter(pk=harbin.pk))

    assert ">Daqing<" in str(PickerForm()["city"])
    assert ">Daqing<" not in str(OnlyHarbin()["city"])
    form = PickerForm()
    form.fields["city"].queryset = City.objects.with_place().filter(slug="daqing")
    assert ">Harbin<" not in str(form["city"])
    assert ">Daqing<" in str(form["city"])
    assert ">Harbin<" in str(PickerForm()["city"])  # the class's own fields are untouched


@pytest.mark.parametrize("url", ["/requests/new/", "/"])
def test_the_pages_with_pickers_run_the_same_queries_for_few_or_many_places(
    client, places, url, django_assert_max_num_queries, assert_valid_html
):
    def queries():
        client.cookies.clear()
        client.get(url)  # the first render of a generation reads the options
        client.cookies.clear()
        with django_assert_max_num_queries(6) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert_valid_html(response.content)
        return len(captured)

    few = queries()
    region = places[0].region
    City.objects.bulk_create(
        City(region=region, country=region.country, name=f"Town {n}", slug=f"town-{n}") for n in range(60)
    )
    CityFactory(region=region, name="Last town", slug="last-town")  # a save: the lists are read again

    assert queries() == few
    assert "Town 59" in client.get(url).content.decode()


def test_the_request_form_keeps_the_prefilled_choices(client, places):
    harbin, cyber_law = places

    content = client.get(reverse("intake:lead_new"), {"city": harbin.pk, "practice_area": cyber_law.pk}).content

    assert f'<option value="{harbin.pk}" selected>Harbin</option>'.encode() in content
    assert f'<option value="{cyber_law.pk}" selected>'.encode() in content


@pytest.mark.parametrize("query", ["", "language=de&min_rating=4&sort=rating", "min_years=<b>&sort=nope"])
def test_the_listing_filters_write_the_same_markup_as_djangos_select(query):
    LanguageFactory(code="de", name="German")
    LanguageFactory(code="fr", name="Français & <Co>")
    form = FirmFilter(QueryDict(query), queryset=Firm.objects.all()).form
    form.is_valid()

    for name in ("language", "min_rating", "min_years", "sort"):
        field = form[name]
        assert str(field) == field.as_widget(forms.Select(choices=field.field.choices)), name
