"""Site search on PostgreSQL full-text search (English stemming, GIN index)."""

import pytest
from django.db import connection

from tests.factories import FirmFactory, LawyerFactory, refresh

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SEARCH = "/search/"


@pytest.fixture
def firms(services, harbin, shanghai, cyber_law, employment_law):
    songhua = FirmFactory(
        name="Songhua River Law",
        description_md="Advice on cross-border data transfers and one contract dispute after another.",
        cities=[harbin],
        practice_areas=[cyber_law],
    )
    LawyerFactory(firm=songhua, name="Zhang Wei", slug="zhang-wei")
    mueller = FirmFactory(
        name="Müller & Søn",
        description_md="A German employment lawyer for foreign companies.",
        cities=[shanghai],
        practice_areas=[employment_law],
    )
    FirmFactory(name="Hidden Dispute Law", description_md="Disputes.", cities=[harbin], is_listed=False)
    return {"songhua": refresh(songhua), "mueller": mueller}


def test_the_search_vector_has_its_gin_index(services):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'directory_firm' AND indexname = %s",
            ["firm_search_vector_gin"],
        )
        rows = cursor.fetchall()

    assert len(rows) == 1
    assert "USING gin (search_vector)" in rows[0][0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("disputes", ["Songhua River Law"]),  # "dispute" in the text
        ("lawyers", ["Müller & Søn"]),  # "lawyer" in the text
        ("transfer", ["Songhua River Law"]),  # "transfers" in the text
        ("companies", ["Müller & Søn"]),
    ],
)
def test_it_finds_other_forms_of_a_word(client, firms, firm_card_names, query, expected):
    assert firm_card_names(client.get(SEARCH, {"q": query})) == expected


@pytest.mark.parametrize("query", ["muller", "MÜLLER", "Müller & Søn"])
def test_it_ignores_case_and_accents(client, firms, firm_card_names, query):
    assert firm_card_names(client.get(SEARCH, {"q": query})) == ["Müller & Søn"]


@pytest.mark.parametrize(
    "query",
    ["Songhua", "PIPL", "Harbin", "Zhang Wei", "cyber law"],
    ids=["name", "area synonym", "city", "lawyer", "area"],
)
def test_it_finds_firms_by_name_area_synonym_city_and_lawyer(client, firms, firm_card_names, query):
    assert firm_card_names(client.get(SEARCH, {"q": query})) == ["Songhua River Law"]


def test_a_firm_named_for_the_search_ranks_above_one_that_only_mentions_it(client, services, harbin, firm_card_names):
    FirmFactory(
        name="Northern Counsel",
        description_md="Shipping contracts, some maritime claims, trade.",
        cities=[harbin],
        ratings=[5] * 20,
        complete=True,
    )
    FirmFactory(name="Maritime Partners", description_md="Ships and ports.", cities=[harbin])

    assert firm_card_names(client.get(SEARCH, {"q": "maritime"})) == ["Maritime Partners", "Northern Counsel"]


@pytest.mark.parametrize(
    "query",
    ["x" * 2000, "' OR 1=1 --", ".*[(", "%", "_", "!", "a & | b", "'; DROP TABLE directory_firm; --"],
    ids=["very long", "sql", "regex", "percent", "underscore", "bang", "tsquery operators", "drop table"],
)
def test_hostile_queries_find_nothing_and_break_nothing(client, firms, firm_card_names, query):
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert firm_card_names(response) == []
    assert firm_card_names(client.get(SEARCH, {"q": "songhua"})) == ["Songhua River Law"]


def test_unlisted_firms_never_appear(client, firms, firm_card_names):
    assert firm_card_names(client.get(SEARCH, {"q": "dispute"})) == ["Songhua River Law"]


@pytest.mark.parametrize("query", ["\x00", "data\x00law"])
def test_a_nul_character_in_a_search_is_harmless(client, firms, firm_card_names, query):
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200


@pytest.mark.parametrize("slug", ["\x00", "songhua\x00"])
def test_a_nul_character_in_a_compared_firm_is_reported_not_a_server_error(client, firms, slug):
    # PostgreSQL refuses NUL in text ("DataError: PostgreSQL text fields cannot contain NUL").
    client.raise_request_exception = False

    response = client.get("/firms/compare/", {"firm": [firms["songhua"].slug, slug]})

    assert response.status_code == 200
    assert "We could not find 1 of the firms you picked" in response.content.decode()
    assert "Songhua" in response.content.decode()  # the firm that exists is still compared


@pytest.mark.parametrize("named", [0, 2, 5, 13])
def test_past_the_count_limit_pages_still_put_named_firms_first_then_by_rank(
    client, services, harbin, firm_card_names, monkeypatch, named
):
    # Past the limit each page is read tier by tier (directory.selectors.FirmSearchResults):
    # the same order as ranking every match, whichever tier the page's rows come from.
    monkeypatch.setattr("directory.views.SEARCH_COUNT_LIMIT", 4)
    for number in range(13):
        FirmFactory(
            name=f"Maritime {number:02d}" if number < named else f"Northern {number:02d}",
            description_md="Ships, ports and maritime claims.",
            cities=[harbin],
            ratings=[5] * (number % 7 + 1),
        )
    expected = sorted(
        (f"Maritime {n:02d}" if n < named else f"Northern {n:02d}" for n in range(13)),
        key=lambda name: (not name.startswith("Maritime"), -(int(name[-2:]) % 7), name),
    )
    monkeypatch.setattr("django.conf.settings.FIRMS_PER_PAGE", 3)

    first = client.get(SEARCH, {"q": "maritime"})
    second = client.get(SEARCH, {"q": "maritime", "page": 2})

    assert "More than 4 firms found" in first.content.decode()
    assert firm_card_names(first) + firm_card_names(second) == expected[:4]
