"""Site search, /search/?q=… (the SQLite fallback; PostgreSQL: tests/integration/test_search_postgres.py)."""

import pytest

from tests.factories import FirmFactory, LawyerFactory, PracticeAreaFactory, refresh

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@pytest.fixture
def firms(harbin, shanghai, cyber_law, employment_law):
    """Three listed firms and one unlisted, with no digits anywhere in what search reads."""
    songhua = FirmFactory(
        name="Songhua River Law",
        description_md="Advice on cross-border data transfers and contract disputes.",
        cities=[harbin],
        practice_areas=[cyber_law],
        languages=["en"],
    )
    LawyerFactory(firm=songhua, name="Zhang Wei", slug="zhang-wei")
    mueller = FirmFactory(
        name="Müller & Søn",
        description_md="A German employment lawyer in Shanghai.",
        cities=[shanghai],
        practice_areas=[employment_law],
        languages=["de"],
    )
    bund = FirmFactory(name="Bund Partners", description_md="Shipping and trade.", cities=[shanghai])
    FirmFactory(name="Hidden Data Law", description_md="Data disputes.", cities=[harbin], is_listed=False)
    return {"songhua": refresh(songhua), "mueller": mueller, "bund": bund}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Songhua", ["Songhua River Law"]),
        ("cross-border transfers", ["Songhua River Law"]),
        ("Cyber Law", ["Songhua River Law"]),
        ("PIPL", ["Songhua River Law"]),  # a synonym of the practice area
        ("Harbin", ["Songhua River Law"]),
        ("Zhang Wei", ["Songhua River Law"]),  # a lawyer's name
        ("wages", ["Müller & Søn"]),
        ("shanghai", ["Bund Partners", "Müller & Søn"]),
        ("german", ["Müller & Søn"]),  # a spoken language
    ],
    ids=["name", "description", "area", "synonym", "city", "lawyer", "area synonym", "city two", "language"],
)
def test_it_finds_firms_by_what_a_visitor_would_type(client, firms, firm_card_names, query, expected):
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert sorted(firm_card_names(response)) == expected


@pytest.mark.parametrize("query", ["muller", "MULLER", "Müller", "MÜLLER & søn"])
def test_it_ignores_case_and_accents(client, firms, firm_card_names, query):
    assert firm_card_names(client.get(SEARCH, {"q": query})) == ["Müller & Søn"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("lawyers", ["Müller & Søn"]), ("disputes", ["Songhua River Law"]), ("contracts", ["Songhua River Law"])],
)
def test_it_finds_other_forms_of_a_word(client, firms, firm_card_names, query, expected):
    assert firm_card_names(client.get(SEARCH, {"q": query})) == expected


def test_it_lists_matching_lawyers_with_their_firm(client, firms):
    content = client.get(SEARCH, {"q": "zhang"}).content.decode()

    assert "<strong>Zhang Wei</strong>, Associate" in content
    assert f'<a href="/firms/{firms["songhua"].slug}/">Songhua River Law</a>' in content


def test_every_word_must_match(client, firms, firm_card_names):
    assert firm_card_names(client.get(SEARCH, {"q": "shanghai shipping"})) == ["Bund Partners"]
    assert firm_card_names(client.get(SEARCH, {"q": "harbin shipping"})) == []


@pytest.mark.parametrize(
    "query",
    ["x" * 2000, "' OR 1=1 --", ".*[(", "%", "_", "%%%", "\\", "'; DROP TABLE directory_firm; --"],
    ids=["very long", "sql", "regex", "percent", "underscore", "percents", "backslash", "drop table"],
)
def test_hostile_queries_find_nothing_and_break_nothing(client, firms, firm_card_names, query):
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert firm_card_names(response) == []
    assert "No law firm matches your search." in response.content.decode()
    assert client.get(SEARCH, {"q": "songhua"}).status_code == 200  # the table is still there


@pytest.mark.parametrize("query", ["order", "or", '" OR ""="'])
def test_a_word_is_not_found_in_the_middle_of_another_word(client, firms, firm_card_names, query):
    # "cross-border" is in Songhua's description: "order" or "or" must not find it, or a
    # short word (and an injection attempt that boils down to one) finds almost every firm.
    assert firm_card_names(client.get(SEARCH, {"q": query})) == []


def test_a_very_long_query_is_cut_and_the_visitor_told(client, firms, firm_card_names):
    response = client.get(SEARCH, {"q": "songhua " + "x" * 2000})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Searches are limited to 200 characters" in content
    assert firm_card_names(response) == []  # "songhua" and a word of 192 x's: nothing has both


def test_an_empty_query_shows_just_the_form(client, firms):
    for params in [{}, {"q": ""}, {"q": "   "}]:
        content = client.get(SEARCH, params).content.decode()

        assert 'name="q"' in content
        assert "Law firms" not in content
        assert "No law firm matches" not in content
        assert "firm-card" not in content


def test_unlisted_firms_and_their_lawyers_never_appear(client, harbin, firms, firm_card_names):
    hidden = FirmFactory(name="Quiet Counsel", is_listed=False, cities=[harbin])
    LawyerFactory(firm=hidden, name="Harbin Ghost")
    refresh(hidden)

    response = client.get(SEARCH, {"q": "harbin"})

    assert firm_card_names(response) == ["Songhua River Law"]
    assert "Harbin Ghost" not in response.content.decode()
    assert "Hidden Data Law" not in response.content.decode()


def test_results_come_ten_a_page(client, harbin, firm_card_names):
    area = PracticeAreaFactory(name="Maritime", slug="maritime")
    for number in "ABCDEFGHIJK":
        FirmFactory(
            name=f"Harbour {number}", cities=[harbin], practice_areas=[area], ratings=[5] * (ord("L") - ord(number))
        )

    first = client.get(SEARCH, {"q": "maritime"})
    second = client.get(SEARCH, {"q": "maritime", "page": 2})

    assert len(firm_card_names(first)) == 10
    assert firm_card_names(second) == ["Harbour K"]
    assert "11 firms found" in second.content.decode()
    assert "q=maritime" in second.content.decode().split('rel="prev" href="')[1].split('"')[0]
    for page in ["0", "3", "abc"]:
        assert client.get(SEARCH, {"q": "maritime", "page": page}).status_code == 404


def test_many_results_are_counted_only_up_to_a_limit(client, harbin, firm_card_names, monkeypatch):
    monkeypatch.setattr("directory.views.SEARCH_COUNT_LIMIT", 12)
    area = PracticeAreaFactory(name="Maritime", slug="maritime")
    for number in range(14):
        FirmFactory(name=f"Harbour {number:02d}", cities=[harbin], practice_areas=[area], ratings=[5] * (20 - number))

    first = client.get(SEARCH, {"q": "maritime"})
    second = client.get(SEARCH, {"q": "maritime", "page": 2})

    assert "More than 12 firms found" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    # The second page shows what the count reached, and no page past it is offered.
    assert firm_card_names(second) == ["Harbour 10", "Harbour 11"]
    assert 'rel="next"' not in second.content.decode()
    assert client.get(SEARCH, {"q": "maritime", "page": 3}).status_code == 404


def test_results_are_ordered_by_rank(client, harbin, cyber_law, firm_card_names):
    FirmFactory(name="Low Data", cities=[harbin], practice_areas=[cyber_law], ratings=[2])
    FirmFactory(name="High Data", cities=[harbin], practice_areas=[cyber_law], ratings=[5, 5, 5])

    assert firm_card_names(client.get(SEARCH, {"q": "data"})) == ["High Data", "Low Data"]


def test_the_results_page_is_valid_html_and_not_indexed(client, firms, assert_valid_html):
    tree = assert_valid_html(client.get(SEARCH, {"q": "law"}).content)

    assert [m.get("content") for m in tree.iter("meta") if m.get("name") == "robots"] == ["noindex"]


def test_the_query_is_shown_back_escaped(client, firms):
    content = client.get(SEARCH, {"q": '<script>alert("x")</script>'}).content.decode()

    assert "<script>alert(" not in content
    assert "&lt;script&gt;" in content
