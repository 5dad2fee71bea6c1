"""A firm's public profile, /firms/<slug>/, and its articles."""

import datetime
import json

import html5lib
import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateformat import format as date_format

from tests.factories import (
    ArticleFactory,
    CityFactory,
    CountryFactory,
    FirmFactory,
    LawyerFactory,
    OfficeFactory,
    RegionFactory,
    ReviewFactory,
    ServiceFeeFactory,
    SocialLinkFactory,
    VerificationFactory,
    refresh,
)

pytestmark = pytest.mark.django_db

SITE_URL = "https://lawzana.example"
PROFILE = "/firms/songhua-river-law/"


@pytest.fixture
def firm(harbin, cyber_law):
    firm = FirmFactory(
        name="Songhua River Law",
        slug="songhua-river-law",
        tagline="Data protection and disputes, from Harbin",
        description_md="Founded in 2008, we advise **exporters** on data protection.",
        year_established=2008,
        size="small",
        website="https://songhua.example.com",
        email="hello@songhua.example.com",
        phone="+86 451 8888 0000",
        practice_areas=[cyber_law],
        languages=["en", "zh"],
    )
    OfficeFactory(firm=firm, city=harbin, address="18 Zhongyang Street", postal_code="150010", is_headquarters=True)
    LawyerFactory(
        firm=firm,
        name="Li Na",
        role="partner",
        bar_admission="Heilongjiang Lawyers Association, 2010",
        languages=["en", "zh"],
        practice_areas=[cyber_law],
    )
    LawyerFactory(firm=firm, name="Zhao Lei", role="associate", languages=["ru"])
    SocialLinkFactory(firm=firm, network="wechat", url="https://weixin.example.com/songhua")
    ReviewFactory(
        firm=firm, rating=5, author_name="Li W., Harbin", body="They answered within a day.", is_verified=True
    )
    ReviewFactory(firm=firm, rating=4, author_name="Chen J.", body="Good advice on our export filing.")
    return refresh(firm)


def json_ld(tree, kind):
    blocks = [json.loads(s.text) for s in tree.iter("script") if s.get("type") == "application/ld+json"]
    (block,) = [block for block in blocks if block["@type"] == kind]
    return block


def test_the_profile_shows_what_the_firm_is_and_does(client, firm):
    response = client.get(PROFILE)

    content = response.content.decode()
    assert response.status_code == 200
    for expected in [
        '<h1 class="firm__name">Songhua River Law</h1>',
        "Data protection and disputes, from Harbin",
        "we advise <strong>exporters</strong> on data protection",
        "Cyber Law, Data Privacy and Data Protection",
        "<dt>Established</dt><dd>2008</dd>",
        "2–10 lawyers",
        "<dd>Chinese, English</dd>",
    ]:
        assert expected in content


def test_the_profile_introduces_the_lawyers_with_roles_languages_and_areas(client, firm):
    content = client.get(PROFILE).content.decode()

    assert "Li Na" in content
    assert "Partner · Heilongjiang Lawyers Association, 2010" in content
    assert "Languages: Chinese, English" in content
    assert "Practice areas: Cyber Law, Data Privacy and Data Protection" in content
    assert "Zhao Lei" in content
    assert "Languages: Russian" in content


def test_the_profile_gives_offices_contact_details_and_social_links(client, firm):
    content = client.get(PROFILE).content.decode()

    assert "<strong>Harbin</strong> (headquarters)" in content
    assert "18 Zhongyang Street, 150010, Heilongjiang, China" in content
    assert '<a href="tel:+8645188880000">+86 451 8888 0000</a>' in content  # no spaces in a URL
    assert '<a href="mailto:hello@songhua.example.com">' in content
    assert "https://songhua.example.com" in content
    assert 'WeChat: <a href="https://weixin.example.com/songhua"' in content


def test_the_profile_lists_published_articles_only(client, firm):
    now = timezone.now()
    ArticleFactory(firm=firm, title="PIPL for exporters", slug="pipl", published_at=now - datetime.timedelta(days=2))
    ArticleFactory(firm=firm, title="Coming next week", published_at=now + datetime.timedelta(days=7))
    ArticleFactory(firm=firm, title="Unfinished draft", published_at=None)

    content = client.get(PROFILE).content.decode()

    assert '<a class="card__link" href="/firms/songhua-river-law/articles/pipl/">PIPL for exporters</a>' in content
    assert "Coming next week" not in content
    assert "Unfinished draft" not in content


def test_the_profile_shows_published_reviews_only_with_their_summary(client, firm):
    ReviewFactory(firm=firm, rating=1, body="Pending rant.", status="pending")
    ReviewFactory(firm=firm, rating=2, body="Rejected rant.", status="rejected", rejection_reason="Not a client")
    refresh(firm)

    content = client.get(PROFILE).content.decode()

    assert "They answered within a day." in content
    assert "Good advice on our export filing." in content
    assert "Pending rant." not in content
    assert "Rejected rant." not in content
    assert '<span class="rating">4.5</span>' in content


def test_the_rating_summary_reads_as_a_sentence(client, firm, assert_valid_html):
    tree = assert_valid_html(client.get(PROFILE).content)

    (summary,) = [p for p in tree.iter("p") if p.get("class") == "firm__rating"]
    text = " ".join("".join(summary.itertext()).split())
    assert text == "4.5 out of 5, from 2 published reviews (1 verified client)"
    # The drawn stars, four and a half, are decoration beside that sentence.
    (stars,) = [span for span in summary.iter("span") if "stars" in span.get("class", "").split()]
    assert (stars.get("class"), stars.get("aria-hidden")) == ("stars stars--45", "true")


def test_each_review_rating_is_an_image_named_for_screen_readers(client, firm, assert_valid_html):
    # A plain span's aria-label is not read (and is a markup error): the figure is an image.
    tree = assert_valid_html(client.get(PROFILE).content)

    ratings = [p.find("span") for p in tree.iter("p") if p.get("class") == "review__rating"]
    assert sorted((s.get("role"), s.get("aria-label"), s.text) for s in ratings) == [
        ("img", "Rated 4 out of 5", "4/5"),
        ("img", "Rated 5 out of 5", "5/5"),
    ]


def test_a_firm_without_published_reviews_says_so(client, harbin):
    FirmFactory(slug="new-firm", cities=[harbin])

    content = client.get("/firms/new-firm/").content.decode()

    assert "No published reviews yet." in content
    assert "This firm has no published reviews yet." in content


def test_fees_are_shown_the_way_each_fee_model_works(client, firm, assert_valid_html):
    ServiceFeeFactory(firm=firm, service="First consultation", fee_model="on_request", position=1)
    ServiceFeeFactory(
        firm=firm, service="Data audit", fee_model="range", amount_min=5000, amount_max=20000, position=2
    )
    ServiceFeeFactory(firm=firm, service="Litigation", fee_model="hourly", amount_min=800, position=3)
    ServiceFeeFactory(
        firm=firm, service="Contract review", fee_model="flat", amount_min=3000, currency="USD", position=4
    )

    tree = assert_valid_html(client.get(PROFILE).content)

    fees = {
        "".join(row.find("th").itertext()).strip(): "".join(row.find("td").itertext()).strip()
        for table in tree.iter("table")
        for row in table.iter("tr")
        if row.find("td") is not None
    }
    assert fees == {
        "First consultation": "On request",
        "Data audit": "CNY 5,000–20,000",
        "Litigation": "CNY 800 per hour",
        "Contract review": "USD 3,000 flat",
    }


def test_a_current_verification_shows_the_badge_and_what_was_checked(client, firm):
    day = timezone.localdate() - datetime.timedelta(days=30)
    VerificationFactory(
        firm=firm,
        verified_by="Zhou Min",
        verified_on=day,
        checked_business_licence=True,
        checked_office_address=True,
    )
    refresh(firm)

    content = client.get(PROFILE).content.decode()

    assert '<span class="badge badge--verified">Verified</span>' in content
    assert (
        f"Verified by Zhou Min on {date_format(day, 'j F Y')}. Checked: business licence checked, "
        "office address confirmed." in content
    )


def test_a_lapsed_verification_loses_the_badge_but_keeps_its_date(client, firm, settings):
    settings.FIRM_VERIFICATION_VALID_MONTHS = 12
    day = timezone.localdate() - relativedelta(months=13)
    VerificationFactory(firm=firm, verified_on=day)
    refresh(firm)

    content = client.get(PROFILE).content.decode()

    assert "badge--verified" not in content
    assert f"Last verified on {date_format(day, 'j F Y')}; the check has lapsed" in content


def test_a_firm_never_verified_says_so(client, firm):
    content = client.get(PROFILE).content.decode()

    assert "badge--verified" not in content
    assert "Lawzana has not verified this firm yet." in content


def test_the_typical_response_time_appears_once_known(client, harbin):
    FirmFactory(slug="quick", cities=[harbin], response=(0.95, 2.2))

    assert "<dt>Typical response time</dt><dd>about 2 h</dd>" in client.get("/firms/quick/").content.decode()


@pytest.mark.parametrize("slug", ["hidden-firm", "no-such-firm"])
def test_an_unlisted_or_unknown_firm_has_no_profile(client, slug):
    FirmFactory(slug="hidden-firm", is_listed=False)

    response = client.get(f"/firms/{slug}/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_the_profile_describes_the_firm_as_a_legal_service_for_search_engines(
    client, firm, settings, assert_valid_html
):
    settings.SITE_URL = SITE_URL

    data = json_ld(assert_valid_html(client.get(PROFILE).content), "LegalService")

    assert data["name"] == "Songhua River Law"
    assert data["url"] == f"{SITE_URL}{PROFILE}"
    assert sorted(data["knowsLanguage"]) == ["en", "zh"]
    assert data["address"] == [
        {
            "@type": "PostalAddress",
            "streetAddress": "18 Zhongyang Street",
            "postalCode": "150010",
            "addressLocality": "Harbin",
            "addressRegion": "Heilongjiang",
            "addressCountry": "CN",
        }
    ]
    assert data["foundingDate"] == "2008"
    assert float(data["aggregateRating"]["ratingValue"]) == 4.5
    assert data["aggregateRating"]["reviewCount"] == 2


def test_a_pending_review_does_not_change_the_rating_given_to_search_engines(client, firm, assert_valid_html):
    ReviewFactory(firm=firm, rating=1, status="pending")
    refresh(firm)

    rating = json_ld(assert_valid_html(client.get(PROFILE).content), "LegalService")["aggregateRating"]

    assert (float(rating["ratingValue"]), rating["reviewCount"]) == (4.5, 2)


def test_a_firm_without_published_reviews_gives_search_engines_no_rating(client, harbin, assert_valid_html):
    firm = FirmFactory(slug="unrated", cities=[harbin])
    ReviewFactory(firm=firm, rating=5, status="pending")
    refresh(firm)

    data = json_ld(assert_valid_html(client.get("/firms/unrated/").content), "LegalService")

    assert "aggregateRating" not in data


def test_a_firm_name_cannot_break_out_of_the_json_ld(client, harbin, assert_valid_html):
    name = "Evil</script><script>alert(1)</script> Law"
    FirmFactory(name=name, slug="evil", cities=[harbin])

    content = client.get("/firms/evil/").content.decode()

    assert "<script>alert(1)" not in content
    assert json_ld(assert_valid_html(content), "LegalService")["name"] == name


def test_the_profile_has_a_canonical_address_and_is_valid_html(client, firm, settings, assert_valid_html):
    settings.SITE_URL = SITE_URL

    tree = assert_valid_html(client.get(PROFILE, HTTP_HOST="localhost").content)

    canonical = [link.get("href") for link in tree.iter("link") if link.get("rel") == "canonical"]
    assert canonical == [f"{SITE_URL}{PROFILE}"]


def _profile_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_profile_runs_a_fixed_number_of_queries_however_big_the_firm(client, harbin, cyber_law):
    def build(slug, lawyers, reviews):
        firm = FirmFactory(slug=slug, cities=[harbin], practice_areas=[cyber_law], languages=["en", "zh"])
        for _number in range(lawyers):
            LawyerFactory(firm=firm, languages=["en", "de"], practice_areas=[cyber_law])
        ReviewFactory.create_batch(reviews, firm=firm, rating=4)
        ArticleFactory.create_batch(2, firm=firm)
        ServiceFeeFactory.create_batch(2, firm=firm)
        VerificationFactory.create_batch(2, firm=firm)
        OfficeFactory(firm=firm)
        refresh(firm)

    build("small", lawyers=2, reviews=2)
    build("large", lawyers=20, reviews=30)

    assert _profile_queries(client, "/firms/small/") == _profile_queries(client, "/firms/large/")


def test_the_profile_shows_the_newest_reviews_but_rates_them_all(client, firm, settings):
    settings.FIRM_PROFILE_REVIEWS = 2
    now = timezone.now()
    ReviewFactory(firm=firm, rating=3, body="The newest review.", created_at=now)
    refresh(firm)

    content = client.get(PROFILE).content.decode()

    assert "The newest review." in content
    assert content.count('class="review"') == 2
    assert "from 3 published reviews" in content


def test_a_published_article_has_its_own_page(client, firm):
    ArticleFactory(firm=firm, title="PIPL for exporters", slug="pipl", body_md="Export **carefully**.")

    response = client.get("/firms/songhua-river-law/articles/pipl/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>PIPL for exporters</h1>" in content
    assert "Export <strong>carefully</strong>." in content
    assert '<a href="/firms/songhua-river-law/">Songhua River Law</a>' in content


@pytest.mark.parametrize("case", ["scheduled", "draft", "unlisted firm", "other firm"])
def test_an_article_not_yet_published_or_of_a_hidden_firm_has_no_page(client, firm, case):
    published_at = {"scheduled": timezone.now() + datetime.timedelta(days=1), "draft": None}
    article_firm = FirmFactory(is_listed=False) if case == "unlisted firm" else firm
    article = ArticleFactory(
        firm=article_firm, slug="pipl", published_at=published_at.get(case, timezone.now() - datetime.timedelta(1))
    )
    firm_slug = FirmFactory(slug="another").slug if case == "other firm" else article.firm.slug

    assert client.get(f"/firms/{firm_slug}/articles/pipl/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_profile_refuses_writes(client, firm, method):
    assert getattr(client, method)(PROFILE).status_code == 405


def test_the_sitemap_lists_the_profiles_of_listed_firms_only(client, firm, settings):
    settings.SITE_URL = SITE_URL
    FirmFactory(slug="hidden-firm", is_listed=False)

    content = client.get("/sitemap-firms-en.xml").content.decode()

    assert f"<loc>{SITE_URL}{PROFILE}</loc>" in content
    assert "/firms/hidden-firm/" not in content


# --- Contacting the firm from its profile ------------------------------------------------


def test_the_profile_offers_to_send_a_request_to_this_firm(client, firm):
    tree = html5lib.parse(client.get(PROFILE).content.decode(), namespaceHTMLElements=False)

    (cta,) = [a for a in tree.iter("a") if "".join(a.itertext()).strip() == "Send your request to this firm"]
    assert cta.get("href") == "/requests/new/?firm=songhua-river-law"
    form = client.get(cta.get("href")).content.decode()
    assert "Your request goes to Songhua River Law" in form


def test_a_firm_not_taking_requests_sends_visitors_to_similar_firms(client, firm, harbin):
    firm.is_accepting_leads = False
    firm.save()

    page = client.get(PROFILE).content.decode()

    assert "Send your request to this firm" not in page
    assert "This firm is not taking new requests through Lawzana at the moment." in page
    assert f'href="/requests/new/?city={harbin.pk}">Send your request to similar firms</a>' in page


def test_the_contact_card_gives_the_contact_facts_the_firm_publishes(client, firm):
    tree = html5lib.parse(client.get(PROFILE).content.decode(), namespaceHTMLElements=False)

    (card,) = [el for el in tree.iter("section") if el.get("class") == "contact-card"]
    text = " ".join(" ".join(card.itertext()).split())
    assert "18 Zhongyang Street, 150010, Harbin" in text
    assert "+86 451 8888 0000" in text
    assert "hello@songhua.example.com" in text
    assert "songhua.example.com" in text
    hrefs = {a.get("href") for a in card.iter("a")}
    assert {"tel:+8645188880000", "mailto:hello@songhua.example.com", "https://songhua.example.com"} <= hrefs


def test_a_firm_that_publishes_no_contact_facts_still_has_the_request_button(client, harbin):
    bare = FirmFactory(name="Quiet Law", slug="quiet-law")

    page = client.get(bare.get_absolute_url()).content.decode()

    assert "Send your request to this firm" in page
    assert "Published by the firm" not in page


def test_a_firm_without_a_logo_shows_its_initials_and_one_with_a_logo_its_logo(client, firm):
    page = client.get(PROFILE).content.decode()

    assert '<span class="firm-mark firm-mark--large firm-mark--initials firm-mark--tone' in page
    assert '" aria-hidden="true">SR</span>' in page
    assert "logo.png" not in page


def test_the_profile_has_a_breadcrumb_for_people_and_search_engines(client, firm, harbin, settings, assert_valid_html):
    settings.SITE_URL = SITE_URL
    tree = assert_valid_html(client.get(PROFILE).content)

    (nav,) = [el for el in tree.iter("nav") if el.get("class") == "breadcrumbs"]
    assert [" ".join("".join(li.itertext()).split()) for li in nav.iter("li")] == [
        "Home",
        "Cities",
        "Harbin",
        "Songhua River Law",
    ]
    trail = json_ld(tree, "BreadcrumbList")["itemListElement"]
    assert [(item["position"], item["name"], item["item"]) for item in trail] == [
        (1, "Home", f"{SITE_URL}/"),
        (2, "Cities", f"{SITE_URL}/lawyers/"),
        (3, "Harbin", f"{SITE_URL}{harbin.get_absolute_url()}"),
        (4, "Songhua River Law", f"{SITE_URL}{PROFILE}"),
    ]


# --- The licence number -----------------------------------------------------------------------


def test_a_chinese_firm_shows_its_unified_social_credit_code(client, firm, assert_valid_html):
    firm.licence_number = "91230100MA1B2C3D49"
    firm.save()

    response = client.get(PROFILE)

    assert_valid_html(response.content)
    content = response.content.decode()
    assert "<dt>Unified social credit code</dt><dd>91230100MA1B2C3D49</dd>" in content
    assert "Licence number" not in content


def test_a_firm_elsewhere_shows_its_licence_number(client, harbin):
    berlin = CityFactory(
        name="Berlin",
        slug="berlin",
        region=RegionFactory(country=CountryFactory(name="Germany", slug="germany", code="DE")),
    )
    firm = FirmFactory(name="Spree Recht", slug="spree-recht", licence_number="RAK-B/12345")
    OfficeFactory(firm=firm, city=harbin, is_headquarters=False)
    OfficeFactory(firm=firm, city=berlin, is_headquarters=True)

    content = client.get("/firms/spree-recht/").content.decode()

    # The headquarters decide, as for the validation of the number (Firm.main_country_code).
    assert "<dt>Licence number</dt><dd>RAK-B/12345</dd>" in content
    assert "Unified social credit code" not in content


def test_without_headquarters_the_profile_and_the_licence_check_take_the_same_first_office(client, harbin):
    berlin = CityFactory(
        name="Berlin",
        slug="berlin",
        region=RegionFactory(country=CountryFactory(name="Germany", slug="germany", code="DE")),
    )
    firm = FirmFactory(name="Two Countries Law", slug="two-countries-law", licence_number="91230100MA1B2C3D49")
    # Added first, though its city comes second by name.
    OfficeFactory(firm=firm, city=harbin, address="18 Zhongyang Street", is_headquarters=False)
    OfficeFactory(firm=firm, city=berlin, address="1 Unter den Linden", is_headquarters=False)

    response = client.get("/firms/two-countries-law/")
    tree = html5lib.parse(response.content, namespaceHTMLElements=False)
    content = response.content.decode()

    assert firm.main_country_code() == "CN"
    assert response.context["main_office"].city == harbin
    assert "<dt>Address</dt><dd>18 Zhongyang Street, " in content
    assert [item["name"] for item in json_ld(tree, "BreadcrumbList")["itemListElement"]][2] == "Harbin"
    assert "<dt>Unified social credit code</dt><dd>91230100MA1B2C3D49</dd>" in content


def test_a_firm_without_a_licence_number_shows_none(client, firm):
    content = client.get(PROFILE).content.decode()

    assert "Unified social credit code" not in content
    assert "Licence number" not in content
