"""The search box takes a problem in plain words and suggests the practice areas that fit,
with the city's page and the request form when the words name a city (/search/?q=…)."""

import html5lib
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.suggestions import MAX_SUGGESTIONS
from tests.factories import (
    CityFactory,
    FirmFactory,
    LawyerFactory,
    PracticeAreaFactory,
    PracticeAreaGroupFactory,
    refresh,
)

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@pytest.fixture
def areas(db):
    """A small taxonomy whose synonyms include the plain words people use."""
    work = PracticeAreaGroupFactory(name="People & Work", slug="people-and-work", synonyms="jobs\nHR law")
    family = PracticeAreaGroupFactory(name="Family & Private Client", slug="family-and-private-client")
    tech = PracticeAreaGroupFactory(name="Technology & Data", slug="technology-and-data", synonyms="tech law")
    return {
        "employment": PracticeAreaFactory(
            parent=work,
            name="Employment & Labour",
            slug="employment-and-labour",
            synonyms="dismissal\nemployer\nsalary\nunpaid wages\nnot paid\nfired\nbuilding work",
        ),
        "immigration": PracticeAreaFactory(
            parent=work, name="Immigration & Visas", slug="immigration-and-visas", synonyms="work visa\nwork permit"
        ),
        "divorce": PracticeAreaFactory(
            parent=family,
            name="Divorce & Separation",
            slug="divorce-and-separation",
            synonyms="divorce\nchild custody\nalimony",
        ),
        "family": PracticeAreaFactory(
            parent=family, name="Family Law", slug="family-law", synonyms="children\nson\ndaughter\nwife"
        ),
        "cyber": PracticeAreaFactory(
            parent=tech,
            name="Cyber Law, Data Privacy and Data Protection",
            slug="cyber-law-data-privacy-and-data-protection",
            synonyms="PIPL\ndata leak\ncustomer data\nhacked",
        ),
        "copyright": PracticeAreaFactory(
            parent=tech, name="Copyright", slug="copyright", synonyms="copied my work\nsoftware copyright"
        ),
        "groups": {"work": work, "family": family, "tech": tech},
    }


def suggestions(response):
    """[(area name, {link text: href})] of the suggestions, in the order shown."""
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    found = []
    for item in tree.iter("li"):
        if "suggestion" not in (item.get("class") or "").split():
            continue
        name = next(h for h in item.iter("h3"))
        links = {" ".join("".join(a.itertext()).split()): a.get("href") for a in item.iter("a")}
        found.append(("".join(name.itertext()).strip(), links))
    return found


def suggested_names(response):
    return [name for name, _links in suggestions(response)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("my employer has not paid my salary", "Employment & Labour"),
        ("divorce and custody of my son", "Divorce & Separation"),
        ("someone leaked my customer data", "Cyber Law, Data Privacy and Data Protection"),
        ("I need a work visa for my wife", "Immigration & Visas"),
    ],
)
def test_a_problem_in_plain_words_suggests_the_practice_area_that_fits_first(client, areas, query, expected):
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert suggested_names(response)[0] == expected


def test_each_suggestion_links_to_its_practice_area_and_the_request_form(client, areas):
    (name, links), *_others = suggestions(client.get(SEARCH, {"q": "my employer has not paid my salary"}))

    employment = areas["employment"]
    assert name == "Employment & Labour"
    assert links == {
        "Employment & Labour": "/practice-areas/employment-and-labour/",
        "Tell law firms what you need, for free": f"/requests/new/?practice_area={employment.pk}",
    }
    assert client.get(links["Employment & Labour"]).status_code == 200


def test_areas_matching_more_of_the_words_come_first(client, areas):
    response = client.get(SEARCH, {"q": "divorce and custody of my son"})

    # Divorce: "divorce" and "custody"; Family Law: "son" only.
    assert suggested_names(response) == ["Divorce & Separation", "Family Law"]


def test_a_word_many_areas_share_does_not_bring_them_all(client, areas):
    # "work" is in three areas' words and a group's name; "visa" and "wife" each in one area's.
    assert suggested_names(client.get(SEARCH, {"q": "work visa for my wife"})) == ["Immigration & Visas", "Family Law"]
    # Alone, a shared word suggests every area that has it.
    assert suggested_names(client.get(SEARCH, {"q": "work"})) == [
        "Employment & Labour",
        "Immigration & Visas",
        "Copyright",
        "People & Work",  # the group's name: after the areas, which are narrower
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("salaries", "Employment & Labour"),
        ("DIVÖRCED", "Divorce & Separation"),
        ("our shop was hacked, data leaked", "Cyber Law, Data Privacy and Data Protection"),
        ("dismissals", "Employment & Labour"),
    ],
)
def test_other_forms_case_and_accents_of_a_word_match(client, areas, query, expected):
    assert suggested_names(client.get(SEARCH, {"q": query}))[:1] == [expected]


@pytest.mark.parametrize("query", ["I need a lawyer", "law", "help me please", "legal advice for my problem"])
def test_words_every_question_shares_suggest_nothing(client, areas, query):
    assert suggested_names(client.get(SEARCH, {"q": query})) == []


def test_a_group_is_suggested_when_only_its_own_words_match(client, areas):
    ((name, links),) = suggestions(client.get(SEARCH, {"q": "jobs"}))

    assert name == "People & Work"
    assert links["People & Work"] == "/practice-areas/people-and-work/"
    # The request form takes practice areas, not groups: the link leaves it to the visitor.
    assert links["Tell law firms what you need, for free"] == "/requests/new/"


def test_at_most_five_areas_are_suggested(client, areas):
    for number in range(8):
        PracticeAreaFactory(parent=areas["groups"]["tech"], name=f"Robotics {number}", synonyms="robot")

    assert len(suggested_names(client.get(SEARCH, {"q": "robot"}))) == MAX_SUGGESTIONS


def test_with_a_city_it_links_to_that_city_page_and_the_prefilled_request_form(client, areas, harbin):
    divorce = areas["divorce"]
    FirmFactory(name="Harbin Family Counsel", cities=[harbin], practice_areas=[divorce])
    FirmFactory(name="Songhua Family Law", cities=[harbin], practice_areas=[divorce, areas["family"]])

    response = client.get(SEARCH, {"q": "divorce lawyer harbin"})

    content = response.content.decode()
    assert "Practice areas that may fit, in Harbin" in content
    ((name, links),) = suggestions(response)
    assert name == "Divorce & Separation"
    assert links["See the 2 law firms in Harbin"] == "/lawyers/china/harbin/divorce-and-separation/"
    assert (
        links["Tell law firms in Harbin what you need, for free"]
        == f"/requests/new/?practice_area={divorce.pk}&city={harbin.pk}"
    )
    landing = client.get(links["See the 2 law firms in Harbin"])
    assert landing.status_code == 200
    assert "Harbin Family Counsel" in landing.content.decode()
    form = client.get(links["Tell law firms in Harbin what you need, for free"]).content.decode()
    assert f'<option value="{divorce.pk}" selected>' in form
    assert f'<option value="{harbin.pk}" selected>' in form


def test_a_city_without_a_firm_for_the_area_says_so_and_leads_to_firms_nearby_and_the_form(client, areas, harbin):
    response = client.get(SEARCH, {"q": "Harbin: my employer has not paid my salary"})

    ((name, links),) = suggestions(response)
    assert name == "Employment & Labour"
    nearby = links["No law firm in Harbin lists this yet: see firms nearby"]
    assert nearby == "/lawyers/china/harbin/employment-and-labour/"
    assert client.get(nearby).status_code == 200  # the city × area page, with firms nearby
    assert "Tell law firms in Harbin what you need, for free" in links


def test_a_group_counts_the_firms_of_its_areas(client, areas, harbin):
    FirmFactory(cities=[harbin], practice_areas=[areas["employment"]])
    FirmFactory(cities=[harbin], practice_areas=[areas["immigration"]])

    ((name, links),) = suggestions(client.get(SEARCH, {"q": "jobs in harbin"}))

    assert name == "People & Work"
    assert links["See the 2 law firms in Harbin"] == "/lawyers/china/harbin/people-and-work/"
    assert client.get("/lawyers/china/harbin/people-and-work/").status_code == 200


@pytest.mark.parametrize("query", ["divorce in new york", "divorce in NEW YORK", "divorce, new-york"])
def test_a_city_of_several_words_is_recognised(client, areas, query):
    CityFactory(
        name="New York",
        slug="new-york",
        region__country__name="United States",
        region__country__slug="united-states",
        region__country__code="US",
    )

    assert "Practice areas that may fit, in New York" in client.get(SEARCH, {"q": query}).content.decode()


def test_a_city_alone_leads_to_its_page(client, areas, harbin):
    content = client.get(SEARCH, {"q": "harbin"}).content.decode()

    assert '<a href="/lawyers/china/harbin/">Guides and law firms in Harbin</a>' in content


def test_a_firm_name_still_finds_the_firm_and_a_lawyer_name_the_lawyer(client, areas, harbin, firm_card_names):
    firm = FirmFactory(name="Songhua River Law", cities=[harbin], practice_areas=[areas["cyber"]])
    LawyerFactory(firm=firm, name="Zhang Wei")
    refresh(firm)

    by_firm = client.get(SEARCH, {"q": "Songhua River"})
    by_lawyer = client.get(SEARCH, {"q": "Zhang Wei"})

    assert firm_card_names(by_firm) == ["Songhua River Law"]
    assert suggested_names(by_firm) == []
    assert "<strong>Zhang Wei</strong>" in by_lawyer.content.decode()


def test_a_search_that_finds_nothing_offers_browsing_and_the_request_form(client, areas, assert_valid_html):
    response = client.get(SEARCH, {"q": "xyzzy blorp"})

    assert response.status_code == 200
    tree = assert_valid_html(response.content)
    main = next(element for element in tree.iter("main"))
    links = {" ".join("".join(a.itertext()).split()): a.get("href") for a in main.iter("a")}
    assert "No law firm matches your search." in response.content.decode()
    assert "describe your problem in plain words" in response.content.decode()
    assert links["Browse law firms by practice area"] == "/practice-areas/"
    assert links["Browse law firms by city"] == "/lawyers/"
    assert links["Tell us what you need: suitable law firms get in touch, for free"] == "/requests/new/"


def test_when_only_suggestions_match_the_empty_firm_list_points_to_them(client, areas):
    content = client.get(SEARCH, {"q": "my employer has not paid my salary"}).content.decode()

    assert "No law firm matches your search." in content
    assert "The practice areas above lead to the firms that handle problems like yours." in content
    assert "Check the spelling" not in content


def test_a_new_or_changed_practice_area_shows_in_the_next_search(client, areas):
    assert suggested_names(client.get(SEARCH, {"q": "tenant"})) == []

    PracticeAreaFactory(parent=areas["groups"]["family"], name="Landlord & Tenant", synonyms="eviction")
    areas["cyber"].synonyms += "\ntenant portal"
    areas["cyber"].save()

    assert suggested_names(client.get(SEARCH, {"q": "tenant"})) == [
        "Landlord & Tenant",
        "Cyber Law, Data Privacy and Data Protection",
    ]


def test_practice_areas_and_cities_are_read_once_then_each_search_costs_the_same(client, areas, harbin):
    FirmFactory(cities=[harbin], practice_areas=[areas["divorce"]])
    client.get(SEARCH, {"q": "anything"})  # reads the practice areas and cities for this process

    def queries(query):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEARCH, {"q": query}).status_code == 200
        return [q["sql"] for q in captured]

    few = queries("divorce and custody in harbin")
    for number in range(10):
        CityFactory(region=harbin.region, name=f"Town {number}")
    for _number in range(10):
        FirmFactory(cities=[harbin], practice_areas=[areas["divorce"], areas["family"]])
    many = queries("custody and divorce in harbin")  # the new rows bumped the generation: read again
    again = queries("divorce, custody: harbin")

    # The firm search (count, rows, languages, offices), the lawyers and the firms per area.
    assert len(few) == len(again) == 6
    assert not any('FROM "directory_practicearea"' in sql or 'FROM "directory_city"' in sql for sql in few + again)
    assert len(many) == len(again) + 2  # only after a change: practice areas and cities, once


def test_a_repeated_search_is_served_whole_from_the_page_cache(client, areas):
    client.get(SEARCH, {"q": "my employer has not paid my salary"})

    with CaptureQueriesContext(connection) as captured:
        response = client.get(SEARCH, {"q": "my employer has not paid my salary"})

    assert response.status_code == 200
    assert suggested_names(response) == ["Employment & Labour"]
    assert len(captured) == 0


@pytest.mark.parametrize(
    "query_string",
    [
        "q=divorce%00harbin",
        "q=%00%01%7F%C2%85",
        "q=divorce" + "+custody" * 500,
        "q=%F0%9F%92%94+divorce+%E2%80%AE+custody",  # an emoji, a right-to-left override
        "q=%C7%85ivorce+%EF%AC%81red",  # a titlecase digraph, a ligature
        "q=%ED%A0%80divorce",  # a lone surrogate: not UTF-8
        "q=%FF%FE",
        "q=harbin+" * 300,
        "q=divorce&q=harbin&page=1",
    ],
    ids=[
        "nul",
        "controls",
        "very long",
        "emoji and bidi",
        "ligatures",
        "surrogate",
        "not utf-8",
        "city repeated",
        "two queries",
    ],
)
def test_odd_input_never_breaks_the_page(client, areas, harbin, assert_valid_html, query_string):
    response = client.get(f"{SEARCH}?{query_string}")

    assert response.status_code == 200
    assert_valid_html(response.content)


def test_the_query_stays_escaped_next_to_the_suggestions(client, areas, harbin):
    content = client.get(SEARCH, {"q": '<script>alert("divorce")</script> harbin'}).content.decode()

    assert "<script>alert(" not in content
    assert "&lt;script&gt;alert(" in content
    assert "Divorce &amp; Separation" in content


def search_forms(response):
    """{form's accessible name: the text of the label of its box} for each search form."""
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    labels = {label.get("for"): " ".join("".join(label.itertext()).split()) for label in tree.iter("label")}
    forms = {}
    for form in tree.iter("form"):
        if form.get("role") != "search":
            continue
        assert (form.get("method"), form.get("action")) == ("get", SEARCH)
        (box,) = [element for element in form.iter("input") if element.get("name") == "q"]
        forms[form.get("aria-label")] = labels[box.get("id")]
    return forms


@pytest.mark.parametrize("path", ["/", "/practice-areas/", "/lawyers/", "/firms/compare/", "/no-such-page/"])
def test_every_page_has_a_search_box_in_its_header(client, areas, path):
    forms = search_forms(client.get(path))

    assert forms["Search the site"] == "Your problem in a few words, or a law firm's or lawyer's name"


def test_the_home_page_has_a_search_box_of_its_own(client, areas, assert_valid_html):
    response = client.get("/")

    assert_valid_html(response.content)
    assert len(search_forms(response)) == 2
    assert "Or tell us your problem in your own words" in response.content.decode()
    assert 'id="home-search-q"' in response.content.decode()


@pytest.fixture
def chinese_areas(areas):
    """The same taxonomy with the Chinese names and the words Chinese speakers type."""
    chinese = {
        "employment": ("劳动与雇佣", "拖欠工资\n辞退\n劳动仲裁\n加班费"),
        "divorce": ("离婚纠纷", "离婚\n抚养权\n财产分割"),
        "cyber": ("网络法、数据隐私与数据保护", "个人信息泄露\n数据合规\n网络安全"),
        "copyright": ("著作权", "抄袭\n盗版\n软件著作权"),
    }
    for key, (name, synonyms) in chinese.items():
        area = areas[key]
        area.name_zh_hans, area.synonyms_zh_hans = name, synonyms
        area.save()
    CityFactory(name="Harbin", name_zh_hans="哈尔滨", slug="harbin")
    return areas


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Written without spaces: the words are cut out by the search dictionary.
        ("公司拖欠我工资", "劳动与雇佣"),
        ("请问被公司辞退了怎么办", "劳动与雇佣"),
        ("我想离婚，孩子的抚养权怎么判", "离婚纠纷"),
        ("我们网站的个人信息泄露了", "网络法、数据隐私与数据保护"),
        ("别人抄袭了我的软件", "著作权"),
    ],
)
def test_a_problem_told_in_chinese_suggests_the_practice_area_that_fits(client, chinese_areas, query, expected):
    response = client.get(f"/zh-hans{SEARCH}", {"q": query})

    assert response.status_code == 200
    assert suggested_names(response)[0] == expected


def test_a_chinese_question_naming_a_city_leads_to_that_citys_page(client, chinese_areas):
    response = client.get(f"/zh-hans{SEARCH}", {"q": "哈尔滨离婚律师"})

    (name, links), *_others = suggestions(response)
    assert name == "离婚纠纷"
    assert any("/zh-hans/lawyers/" in href and "/harbin/" in href for href in links.values())


def test_words_every_chinese_question_has_suggest_nothing(client, chinese_areas):
    response = client.get(f"/zh-hans{SEARCH}", {"q": "请问我需要找律师咨询一个法律问题"})

    assert suggested_names(response) == []
