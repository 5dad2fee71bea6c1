"""Editing the firm's public profile in the portal: /portal/<firm>/profile/..."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import Article, Firm, Lawyer, Office, ServiceFee, SocialLink
from directory.ranking import COMPLETENESS_ITEMS
from tests.factories import (
    ArticleFactory,
    CityFactory,
    FirmFactory,
    FirmUserFactory,
    LanguageFactory,
    LawyerFactory,
    MembershipFactory,
    OfficeFactory,
    ServiceFeeFactory,
    SocialLinkFactory,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/?next="
LONG_DESCRIPTION = "We advise exporters on **data protection** and cross-border transfers. " * 3

PAGES = [
    "profile",
    "profile_details",
    "profile_logo",
    "social_links",
    "offices",
    "office_add",
    "lawyers",
    "lawyer_add",
    "articles",
    "article_add",
    "fees",
    "fee_add",
]
ITEM_PAGES = {
    "office_edit": Office,
    "office_delete": Office,
    "lawyer_edit": Lawyer,
    "lawyer_delete": Lawyer,
    "article_edit": Article,
    "article_delete": Article,
    "fee_edit": ServiceFee,
    "fee_delete": ServiceFee,
}
LIST_PAGES = ["profile", "offices", "lawyers", "articles", "fees"]


def url(name, firm, **kwargs):
    return reverse(f"portal:{name}", kwargs={"firm_slug": firm.slug, **kwargs})


def text_of(response):
    return " ".join(response.content.decode().split())


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def make_rows(firm, city):
    """One office, lawyer, article and fee of `firm`: {model: row}."""
    return {
        Office: OfficeFactory(firm=firm, city=city, address="1 Hongqi Street", is_headquarters=True),
        Lawyer: LawyerFactory(firm=firm, name="Wang Fang", slug="wang-fang"),
        Article: ArticleFactory(firm=firm, title="Data exports", slug="data-exports"),
        ServiceFee: ServiceFeeFactory(firm=firm, service="Privacy audit"),
    }


def snapshot(row):
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


@pytest.fixture
def member(client):
    membership = MembershipFactory(firm__name="Songhua River Law", firm__slug="songhua")
    client.force_login(membership.user)
    return membership


@pytest.fixture
def firm(member):
    return member.firm


@pytest.fixture
def rival(harbin):
    rival = FirmFactory(name="Rival Law", slug="rival")
    return rival, make_rows(rival, harbin)


# --- Who may do what ------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES + list(ITEM_PAGES))
def test_a_signed_out_visitor_is_sent_to_sign_in(client, name):
    firm = FirmFactory()
    target = url(name, firm, pk=1) if name in ITEM_PAGES else url(name, firm)

    response = client.get(target)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}{target}"


@pytest.mark.parametrize("name", PAGES + list(ITEM_PAGES))
def test_a_firm_user_without_two_factor_is_sent_to_set_it_up(client, name):
    membership = MembershipFactory(user=FirmUserFactory(mfa=False))
    client.force_login(membership.user)
    target = url(name, membership.firm, pk=1) if name in ITEM_PAGES else url(name, membership.firm)

    response = client.get(target)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:mfa_required"))


@pytest.mark.parametrize("name", PAGES)
def test_another_firms_pages_are_a_404(client, member, rival, name):
    rival_firm, _ = rival
    before = snapshot(rival_firm)

    assert client.get(url(name, rival_firm)).status_code == 404
    assert client.post(url(name, rival_firm), {"tagline": "Hacked", "service": "x"}).status_code == 404

    rival_firm.refresh_from_db()
    assert snapshot(rival_firm) == before


@pytest.mark.parametrize("name,model", ITEM_PAGES.items())
def test_another_firms_rows_are_a_404_and_stay_unchanged(client, member, rival, harbin, name, model, caplog):
    _, rows = rival
    row = rows[model]
    before = snapshot(row)
    data = {"city": harbin.pk, "address": "Hacked", "name": "Hacked", "title": "Hacked", "body_md": "x"}
    data |= {"service": "Hacked", "fee_model": "on_request", "currency": "CNY", "role": "partner"}

    # The viewer's own firm in the path, another firm's row id: still a 404, never a 403.
    assert client.get(url(name, member.firm, pk=row.pk)).status_code == 404
    assert client.post(url(name, member.firm, pk=row.pk), data).status_code == 404

    assert model.objects.filter(pk=row.pk).exists()
    row.refresh_from_db()
    assert snapshot(row) == before
    assert "authz_denied" in caplog.text


@pytest.mark.parametrize("name", PAGES + list(ITEM_PAGES))
def test_a_plain_member_can_open_every_page_and_it_is_valid_html(client, harbin, assert_valid_html, name):
    membership = MembershipFactory(role="member")
    client.force_login(membership.user)
    rows = make_rows(membership.firm, harbin)
    target = (
        url(name, membership.firm, pk=rows[ITEM_PAGES[name]].pk) if name in ITEM_PAGES else url(name, membership.firm)
    )

    response = client.get(target)

    assert response.status_code == 200
    assert_valid_html(response.content)


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_refuse_post(client, member, name):
    assert client.post(url(name, member.firm)).status_code == 405


@pytest.mark.parametrize(
    "name,factory",
    [
        ("offices", lambda firm, i: OfficeFactory(firm=firm, city=CityFactory())),
        ("lawyers", lambda firm, i: LawyerFactory(firm=firm, languages=["en", "zh"], practice_areas=[])),
        ("articles", lambda firm, i: ArticleFactory(firm=firm, published_at=None if i % 2 else timezone.now())),
        ("fees", lambda firm, i: ServiceFeeFactory(firm=firm)),
    ],
)
def test_list_pages_run_the_same_queries_for_few_and_many_rows(
    client, member, django_assert_max_num_queries, name, factory
):
    factory(member.firm, 0)
    with django_assert_max_num_queries(10):
        assert client.get(url(name, member.firm)).status_code == 200
    for i in range(1, 30):
        factory(member.firm, i)
    with django_assert_max_num_queries(10):
        response = client.get(url(name, member.firm))
    assert len(response.context["items"]) == 30


def test_the_overview_runs_a_fixed_number_of_queries(client, member, harbin, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(url("profile", member.firm))
    for _ in range(20):
        OfficeFactory(firm=member.firm, city=CityFactory())
        LawyerFactory(firm=member.firm)
        ArticleFactory(firm=member.firm)
        ServiceFeeFactory(firm=member.firm)
        SocialLinkFactory(firm=FirmFactory())
    with django_assert_max_num_queries(8):
        assert client.get(url("profile", member.firm)).status_code == 200


# --- Overview -------------------------------------------------------------------------------


def test_the_overview_shows_completeness_and_what_is_missing_in_words(client, firm):
    response = client.get(url("profile", firm))

    page = text_of(response)
    assert "Your profile is 0% complete." in page
    assert "a description of at least 150 characters" in page
    assert "at least one office" in page
    assert "a phone number or email address" in page
    assert len(response.context["missing"]) == len(COMPLETENESS_ITEMS)
    assert f'href="{url("offices", firm)}"' in response.content.decode()
    assert f'href="{firm.get_absolute_url()}"' in response.content.decode()


def test_the_overview_of_a_complete_profile_misses_nothing(client, harbin, cyber_law):
    firm = FirmFactory(complete=True, cities=[harbin], practice_areas=[cyber_law], languages=["en"])
    LawyerFactory(firm=firm)
    membership = MembershipFactory(firm=firm)
    client.force_login(membership.user)
    Firm.objects.filter(pk=firm.pk).update(completeness=0)  # stale on purpose: the page reads rows
    from tests.factories import refresh

    refresh(firm)

    response = client.get(url("profile", firm))

    assert response.context["missing"] == []
    assert "Your profile is 100% complete." in text_of(response)
    assert "Nothing is missing." in text_of(response)


def test_an_unlisted_firm_has_no_public_link_and_is_told_why(client):
    membership = MembershipFactory(firm__is_listed=False)
    client.force_login(membership.user)

    response = client.get(url("profile", membership.firm))

    assert membership.firm.get_absolute_url() not in response.content.decode()
    assert "not listed yet" in text_of(response)


# --- Details --------------------------------------------------------------------------------


@pytest.fixture
def details(cyber_law):
    english = LanguageFactory(code="en")
    return {
        "tagline": "Data protection from Harbin",
        "description_md": LONG_DESCRIPTION,
        "year_established": "2008",
        "size": "small",
        "website": "https://songhua.example.com",
        "email": "hello@songhua.example.com",
        "phone": "0451 8888 0000",
        "languages": [english.pk],
        "practice_areas": [cyber_law.pk],
    }


def test_saving_details_updates_the_public_profile_and_completeness(client, firm, details, cyber_law):
    response = client.post(url("profile_details", firm), details)

    assert response.status_code == 302
    assert response["Location"] == url("profile", firm)
    firm.refresh_from_db()
    assert firm.tagline == "Data protection from Harbin"
    assert firm.phone == "+8645188880000"  # stored in E.164
    assert "<strong>data protection</strong>" in firm.description_html
    assert list(firm.practice_areas.all()) == [cyber_law]
    assert [language.code for language in firm.languages.all()] == ["en"]
    # firms_refresh ran: 7 of the 9 completeness items (no offices, no lawyers).
    assert firm.completeness_percent == 78
    public = client.get(firm.get_absolute_url())
    assert "Data protection from Harbin" in text_of(public)


def test_a_firm_may_describe_itself_in_chinese_only_and_chinese_pages_show_it(client, firm, details):
    page = text_of(client.get(url("profile_details", firm)))
    assert "Tagline (中文)" in page and "Description (中文)" in page
    chinese = "我们为出口企业提供**数据保护**与争议解决服务，" * 8
    details |= {"tagline": "", "description_md": "", "tagline_zh_hans": "立足哈尔滨的数据保护"}

    response = client.post(url("profile_details", firm), details | {"description_md_zh_hans": chinese})

    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.tagline_zh_hans == "立足哈尔滨的数据保护"
    assert "<strong>数据保护</strong>" in firm.description_html_zh_hans
    assert firm.completeness_percent == 78  # the Chinese description counts
    with translation.override("zh-hans"):
        public = text_of(client.get(firm.get_absolute_url()))
    assert "立足哈尔滨的数据保护" in public and "<strong>数据保护</strong>" in public


def test_a_listed_firm_needs_a_description_in_one_language_or_the_other(client, firm, details):
    details |= {"description_md": "", "description_md_zh_hans": ""}

    response = client.post(url("profile_details", firm), details)

    assert "needs a description" in response.context["form"].errors["description_md"][0]


def test_the_details_form_groups_practice_areas_under_their_group(client, firm, cyber_law, employment_law):
    response = client.get(url("profile_details", firm))

    page = text_of(response)
    assert '<legend class="profile-choices__legend">Technology &amp; Data</legend>' in page
    assert '<legend class="profile-choices__legend">People &amp; Work</legend>' in page
    assert f'name="practice_areas" value="{cyber_law.pk}"' in page
    assert f'name="practice_areas" value="{cyber_law.parent.pk}"' not in page  # groups are not choices


def test_a_group_is_not_a_practice_area(client, firm, details, cyber_law):
    details["practice_areas"] = [cyber_law.parent.pk]

    response = client.post(url("profile_details", firm), details)

    assert response.status_code == 200
    assert response.context["form"].errors["practice_areas"]
    assert not firm.practice_areas.exists()


def test_details_refuse_bad_input_with_clear_messages(client, firm, details, assert_valid_html):
    details |= {
        "description_md": "x" * 5001,
        "phone": "12",
        "website": "javascript:alert(1)",
        "year_established": "1700",
        "tagline": "Null\x00byte",
    }

    response = client.post(url("profile_details", firm), details)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"description_md", "phone", "website", "year_established", "tagline"}
    assert "Enter a valid phone number" in errors["phone"][0]
    assert "https://" in errors["website"][0]
    assert_valid_html(response.content)
    firm.refresh_from_db()
    assert firm.tagline == ""


@pytest.mark.parametrize("website", ["ftp://files.example.com/", "data:text/html,<script>alert(1)</script>"])
def test_the_website_must_be_a_web_address(client, firm, details, website):
    details["website"] = website

    response = client.post(url("profile_details", firm), details)

    assert "website" in response.context["form"].errors


def test_details_ignore_fields_the_firm_may_not_set(client, firm, details):
    before = snapshot(Firm.objects.get(pk=firm.pk))
    details |= {
        "is_listed": "",
        "verified_on": "2020-01-01",
        "ranking_score": "99",
        "slug": "hijacked",
        "completeness": "1",
        "is_accepting_leads": "",
        "review_count": "500",
    }

    client.post(url("profile_details", firm), details)

    firm.refresh_from_db()
    after = snapshot(firm)
    for name in ["is_listed", "verified_on", "slug", "review_count", "is_accepting_leads"]:
        assert after[name] == before[name]
    assert firm.slug == "songhua"
    assert firm.is_listed is True
    assert firm.ranking_score != 99


def test_saving_details_keeps_what_others_changed_meanwhile(client, firm, details, monkeypatch):
    # An operator unlists the firm and the intake records its response time while the
    # member's save is under way: the save writes only the form's own columns.
    from portal.views import profile

    original = profile.FirmDetailsForm.is_valid

    def slow_is_valid(form):
        Firm.objects.filter(pk=firm.pk).update(is_listed=False, median_response_hours=5.0)
        return original(form)

    monkeypatch.setattr(profile.FirmDetailsForm, "is_valid", slow_is_valid)

    client.post(url("profile_details", firm), details)

    firm.refresh_from_db()
    assert firm.tagline == "Data protection from Harbin"
    assert (firm.is_listed, firm.median_response_hours) == (False, 5.0)


def test_a_listed_firm_cannot_rename_itself(client, firm, details):
    details["name"] = "Renamed Law"

    response = client.get(url("profile_details", firm))
    client.post(url("profile_details", firm), details)

    assert 'name="name"' not in response.content.decode()
    assert "contact" in text_of(response).lower() or "write to them" in text_of(response)
    firm.refresh_from_db()
    assert firm.name == "Songhua River Law"


def test_an_unlisted_firm_can_rename_itself(client, details):
    membership = MembershipFactory(firm__is_listed=False, firm__name="Old Name")
    client.force_login(membership.user)
    details["name"] = "New Name Law"

    client.post(url("profile_details", membership.firm), details)

    membership.firm.refresh_from_db()
    assert membership.firm.name == "New Name Law"


def test_preview_shows_the_unsaved_profile_and_writes_nothing(client, firm, details, assert_valid_html):
    details |= {
        "preview": "1",
        "description_md": LONG_DESCRIPTION + "\n\n<script>alert(1)</script>[x](javascript:alert(2))",
    }
    before = snapshot(Firm.objects.get(pk=firm.pk))

    response = client.post(url("profile_details", firm), details)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview" in page
    assert "<strong>data protection</strong>" in page  # the Markdown, rendered
    assert "<script>alert(1)" not in page
    assert "javascript:alert(2)" not in page.split('id="preview-heading"')[1].split("<form")[0]
    assert 'value="Data protection from Harbin"' in page  # the form keeps what was typed
    assert "Cyber Law, Data Privacy and Data Protection" in page
    assert_valid_html(page)
    firm.refresh_from_db()
    assert snapshot(firm) == before
    assert not firm.practice_areas.exists()
    # The page frame still shows the saved name, not the one being previewed.
    assert response.context["request"].firm.name == "Songhua River Law"


def test_details_escape_what_a_firm_types(client, firm, details):
    details["tagline"] = '<img src=x onerror="alert(1)">'

    client.post(url("profile_details", firm), details)
    response = client.get(firm.get_absolute_url())

    assert "<img src=x" not in response.content.decode()
    assert "&lt;img src=x" in response.content.decode()


# --- Details: what a save would empty --------------------------------------------------------


@pytest.fixture
def complete_firm(client, firm, details, harbin):
    """The member's listed firm with every completeness item filled in: 100%."""
    OfficeFactory(firm=firm, city=harbin, is_headquarters=True)
    LawyerFactory(firm=firm)
    assert client.post(url("profile_details", firm), details).status_code == 302
    firm.refresh_from_db()
    assert firm.completeness_percent == 100
    return firm


def test_a_listed_firm_cannot_save_its_details_empty(client, complete_firm, details):
    # Bug: an empty form saved, wiping the tagline, description, email, website and phone.
    before = snapshot(Firm.objects.get(pk=complete_firm.pk))
    empty = dict.fromkeys(details, "") | {"languages": [], "practice_areas": []}

    response = client.post(url("profile_details", complete_firm), empty)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"description_md", "email", "phone"}
    assert "needs a description" in errors["description_md"][0]
    assert "email address or a phone number" in errors["email"][0]
    assert "Nothing was saved" in text_of(response)
    assert snapshot(Firm.objects.get(pk=complete_firm.pk)) == before


def test_one_way_to_reach_the_firm_is_enough(client, complete_firm, details):
    details |= {"email": "", "confirm_clear": "1"}

    response = client.post(url("profile_details", complete_firm), details)

    assert response.status_code == 302
    complete_firm.refresh_from_db()
    assert (complete_firm.email, complete_firm.phone) == ("", "+8645188880000")


def test_emptying_filled_fields_asks_first_and_keeps_what_was_typed(client, complete_firm, details, assert_valid_html):
    before = snapshot(Firm.objects.get(pk=complete_firm.pk))
    details |= {"tagline": "", "website": "", "phone": "", "year_established": "2010"}

    response = client.post(url("profile_details", complete_firm), details)

    assert response.status_code == 200
    page = text_of(response)
    assert "Nothing is saved yet: these fields would be emptied" in page
    assert response.context["clearing"]["fields"] == [
        {"label": "Tagline (English)", "id": "id_tagline"},
        {"label": "Website", "id": "id_website"},
        {"label": "Phone", "id": "id_phone"},
    ]
    assert "completeness would drop from 100% to 89%" in page  # the website is one of nine items
    assert 'name="confirm_clear"' in page
    assert 'name="year_established" value="2010"' in page  # what was typed stays in the form
    assert "Nothing was saved: please correct" not in page  # nothing to correct, only to confirm
    assert_valid_html(response.content)
    assert snapshot(Firm.objects.get(pk=complete_firm.pk)) == before


def test_emptying_fields_once_confirmed_saves_them_empty(client, complete_firm, details):
    details |= {"tagline": "", "website": "", "phone": "", "languages": [], "confirm_clear": "1"}

    response = client.post(url("profile_details", complete_firm), details)

    assert response.status_code == 302
    assert "The firm's details are saved." in messages_of(client.get(response["Location"]))
    complete_firm.refresh_from_db()
    assert (complete_firm.tagline, complete_firm.website, complete_firm.phone) == ("", "", "")
    assert not complete_firm.languages.exists()
    assert complete_firm.completeness_percent == 78


def test_emptying_a_field_completeness_does_not_count_says_completeness_stays(client, complete_firm, details):
    details["tagline"] = ""

    response = client.post(url("profile_details", complete_firm), details)

    assert [field["label"] for field in response.context["clearing"]["fields"]] == ["Tagline (English)"]
    assert "Your profile's completeness stays at 100%." in text_of(response)


def test_a_checkbox_group_emptied_points_at_its_first_box(client, complete_firm, details):
    details["practice_areas"] = []

    response = client.post(url("profile_details", complete_firm), details)

    assert response.context["clearing"]["fields"] == [{"label": "Practice areas", "id": "id_practice_areas_0"}]
    assert 'id="id_practice_areas_0"' in response.content.decode()
    assert complete_firm.practice_areas.exists()


def test_saving_unchanged_or_filling_in_asks_nothing(client, complete_firm, details):
    details["tagline"] = "Data protection and disputes, from Harbin"

    response = client.post(url("profile_details", complete_firm), details)

    assert response.status_code == 302


def test_an_unlisted_firm_may_empty_its_description_once_confirmed(client, details):
    membership = MembershipFactory(firm__is_listed=False, firm__name="Old Name")
    client.force_login(membership.user)
    firm = membership.firm
    details["name"] = "Old Name"
    client.post(url("profile_details", firm), details)
    details |= {"description_md": "", "email": "", "phone": ""}

    asked = client.post(url("profile_details", firm), details)
    confirmed = client.post(url("profile_details", firm), details | {"confirm_clear": "1"})

    labels = [field["label"] for field in asked.context["clearing"]["fields"]]
    assert labels == ["Description (English)", "Email", "Phone"]
    assert confirmed.status_code == 302
    firm.refresh_from_db()
    assert (firm.description_md, firm.email, firm.phone) == ("", "", "")


# --- Offices --------------------------------------------------------------------------------


def office_data(city, **extra):
    return {"city": city.pk, "address": "18 Zhongyang Street", "postal_code": "150010", "phone": ""} | extra


def test_the_offices_page_says_offices_define_the_cities_served(client, firm, harbin):
    OfficeFactory(firm=firm, city=harbin, address="18 Zhongyang Street", is_headquarters=True)

    page = text_of(client.get(url("offices", firm)))

    assert "Your offices define the cities your firm serves" in page
    assert "18 Zhongyang Street" in page
    assert "Headquarters" in page


def test_the_first_office_is_the_headquarters(client, firm, harbin):
    response = client.post(url("office_add", firm), office_data(harbin))

    assert response.status_code == 302
    office = Office.objects.get(firm=firm)
    assert office.city == harbin
    assert office.is_headquarters
    assert "The office is saved." in messages_of(client.get(response["Location"]))
    firm.refresh_from_db()
    assert firm.completeness > 0  # firms_refresh ran


def test_marking_another_office_headquarters_moves_it(client, firm, harbin, shanghai):
    first = OfficeFactory(firm=firm, city=harbin, is_headquarters=True)

    client.post(url("office_add", firm), office_data(shanghai, is_headquarters="on"))

    first.refresh_from_db()
    assert not first.is_headquarters
    assert Office.objects.get(firm=firm, city=shanghai).is_headquarters


def test_the_only_headquarters_cannot_be_unmarked(client, firm, harbin):
    office = OfficeFactory(firm=firm, city=harbin, is_headquarters=True)

    response = client.post(url("office_edit", firm, pk=office.pk), office_data(harbin))

    assert response.status_code == 200
    assert "mark another office as the headquarters" in response.context["form"].errors["is_headquarters"][0]
    office.refresh_from_db()
    assert office.is_headquarters


def test_a_duplicate_address_is_a_form_error(client, firm, harbin, assert_valid_html):
    OfficeFactory(firm=firm, city=harbin, address="18 Zhongyang Street")

    response = client.post(url("office_add", firm), office_data(harbin))

    assert response.status_code == 200
    assert "already has an office at this address" in response.context["form"].errors["address"][0]
    assert Office.objects.filter(firm=firm).count() == 1
    assert_valid_html(response.content)


def test_a_clash_only_the_database_sees_is_a_form_error(client, firm, harbin, monkeypatch):
    # Two people adding the same office at once: both pass the form, the constraint keeps one.
    from django.db import IntegrityError

    def clash(self, *args, **kwargs):
        raise IntegrityError("office_unique_address")

    monkeypatch.setattr(Office, "save", clash)

    response = client.post(url("office_add", firm), office_data(harbin))

    assert response.status_code == 200
    assert "Someone saved a clashing entry" in response.context["form"].non_field_errors()[0]
    assert not Office.objects.filter(firm=firm).exists()


def test_another_firm_may_use_the_same_address(client, firm, harbin, rival):
    _, rows = rival

    client.post(url("office_add", firm), office_data(harbin, address=rows[Office].address))

    assert Office.objects.filter(firm=firm).count() == 1


def test_an_unknown_city_is_a_form_error(client, firm):
    response = client.post(url("office_add", firm), {"city": "999999", "address": "1 Road"})

    assert "We don't know that city" in response.context["form"].errors["city"][0]


def test_deleting_asks_first_and_get_changes_nothing(client, firm, harbin):
    office = OfficeFactory(firm=firm, city=harbin, is_headquarters=True)

    response = client.get(url("office_delete", firm, pk=office.pk))

    assert response.status_code == 200
    assert "Delete" in text_of(response)
    assert Office.objects.filter(pk=office.pk).exists()


def test_deleting_the_headquarters_promotes_another_office(client, firm, harbin, shanghai):
    headquarters = OfficeFactory(firm=firm, city=harbin, is_headquarters=True)
    branch = OfficeFactory(firm=firm, city=shanghai)

    response = client.post(url("office_delete", firm, pk=headquarters.pk))

    assert response["Location"] == url("offices", firm)
    assert not Office.objects.filter(pk=headquarters.pk).exists()
    branch.refresh_from_db()
    assert branch.is_headquarters


# --- Lawyers --------------------------------------------------------------------------------


def lawyer_data(name, **extra):
    return {"name": name, "role": "partner", "bio": "", "bar_admission": "", "position": "0"} | extra


def test_adding_lawyers_gives_each_a_slug_unique_within_the_firm(client, firm, rival, cyber_law):
    english = LanguageFactory(code="en")
    LawyerFactory(firm=rival[0], name="Li Na", slug="li-na")

    client.post(url("lawyer_add", firm), lawyer_data("Li Na", languages=[english.pk], practice_areas=[cyber_law.pk]))
    client.post(url("lawyer_add", firm), lawyer_data("Li Na"))
    client.post(url("lawyer_add", firm), lawyer_data("张伟"))

    assert sorted(Lawyer.objects.filter(firm=firm).values_list("slug", flat=True)) == ["lawyer", "li-na", "li-na-2"]
    first = Lawyer.objects.get(firm=firm, slug="li-na")
    assert list(first.practice_areas.all()) == [cyber_law]
    assert list(first.languages.all()) == [english]
    assert "Li Na" in text_of(client.get(firm.get_absolute_url()))


def test_control_characters_are_refused_and_the_page_stays_valid(client, firm, assert_valid_html):
    response = client.post(url("lawyer_add", firm), lawyer_data("Li\x1b[31mNa", bio="Line one\nLine two\x07"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "control characters" in errors["name"][0]
    assert "control characters" in errors["bio"][0]
    assert_valid_html(response.content)
    assert not Lawyer.objects.filter(firm=firm).exists()


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r"])
def test_one_line_fields_refuse_line_breaks_and_save_nothing(client, firm, harbin, details, line_break):
    firm_before = Firm.objects.values().get(pk=firm.pk)
    posts = [
        ("lawyer_add", lawyer_data(f"Li{line_break}Na"), "name"),
        ("lawyer_add", lawyer_data("Li Na", bar_admission=f"Heilongjiang{line_break}Bar"), "bar_admission"),
        ("article_add", {"title": f"Data{line_break}breaches", "summary": "", "body_md": "Text " * 20}, "title"),
        ("office_add", office_data(harbin, address=f"18 Zhongyang{line_break}Street"), "address"),
        ("profile_details", {**details, "tagline": f"Data protection{line_break}from Harbin"}, "tagline"),
    ]
    for name, data, field in posts:
        response = client.post(url(name, firm), data)

        assert response.status_code == 200, name
        assert response.context["form"].errors[field] == ["Use one line of plain text."], name
    assert not Lawyer.objects.filter(firm=firm).exists()
    assert not Article.objects.filter(firm=firm).exists()
    assert not Office.objects.filter(firm=firm).exists()
    assert Firm.objects.values().get(pk=firm.pk) == firm_before


def test_renaming_a_lawyer_keeps_the_slug(client, firm):
    lawyer = LawyerFactory(firm=firm, name="Li Na", slug="li-na")

    client.post(url("lawyer_edit", firm, pk=lawyer.pk), lawyer_data("Li Na Wang", role="counsel"))

    lawyer.refresh_from_db()
    assert (lawyer.name, lawyer.role, lawyer.slug) == ("Li Na Wang", "counsel", "li-na")


def test_a_lawyer_without_a_name_is_refused(client, firm):
    response = client.post(url("lawyer_add", firm), lawyer_data(""))

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Lawyer.objects.filter(firm=firm).exists()


def test_removing_a_lawyer(client, firm):
    lawyer = LawyerFactory(firm=firm)

    client.post(url("lawyer_delete", firm, pk=lawyer.pk))

    assert not Lawyer.objects.filter(pk=lawyer.pk).exists()


# --- Articles -------------------------------------------------------------------------------


def article_data(title, **extra):
    return {"title": title, "summary": "", "body_md": "What **exporters** must do."} | extra


def test_a_published_article_appears_on_the_public_page(client, firm):
    client.post(url("article_add", firm), article_data("PIPL for exporters", is_published="on"))

    article = Article.objects.get(firm=firm)
    assert article.slug == "pipl-for-exporters"
    assert article.published_at is not None
    assert "<strong>exporters</strong>" in article.body_html
    assert "PIPL for exporters" in text_of(client.get(firm.get_absolute_url()))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_draft_stays_private_and_titles_get_unique_slugs(client, firm):
    client.post(url("article_add", firm), article_data("Data exports"))
    client.post(url("article_add", firm), article_data("Data exports"))

    drafts = Article.objects.filter(firm=firm).order_by("pk")
    assert [a.slug for a in drafts] == ["data-exports", "data-exports-2"]
    assert all(a.published_at is None for a in drafts)
    assert "Data exports" not in text_of(client.get(firm.get_absolute_url()))


def test_unpublishing_and_republishing_an_article(client, firm):
    published_at = timezone.now() - datetime.timedelta(days=30)
    article = ArticleFactory(firm=firm, title="Old news", slug="old-news", published_at=published_at)

    client.post(url("article_edit", firm, pk=article.pk), article_data("Old news, revised"))
    article.refresh_from_db()
    assert article.published_at is None
    assert article.slug == "old-news"

    client.post(url("article_edit", firm, pk=article.pk), article_data("Old news, revised", is_published="on"))
    article.refresh_from_db()
    assert article.published_at is not None


def test_an_article_body_is_sanitised(client, firm):
    body = "<script>alert(1)</script><a href='javascript:alert(2)'>x</a>"
    client.post(url("article_add", firm), article_data("Safe", body_md=body, is_published="on"))

    article = Article.objects.get(firm=firm)
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html


def test_deleting_an_article(client, firm):
    article = ArticleFactory(firm=firm)

    client.post(url("article_delete", firm, pk=article.pk))

    assert not Article.objects.filter(pk=article.pk).exists()


# --- Fees -----------------------------------------------------------------------------------


def fee_data(**extra):
    return {"service": "Privacy audit", "fee_model": "range", "currency": "CNY", "notes": ""} | extra


def test_adding_a_fee_range(client, firm):
    response = client.post(url("fee_add", firm), fee_data(amount_min="5000", amount_max="12000"))

    assert response.status_code == 302
    fee = ServiceFee.objects.get(firm=firm)
    assert (fee.amount_min, fee.amount_max) == (5000, 12000)
    assert "CNY 5,000–12,000" in text_of(client.get(url("fees", firm)))


@pytest.mark.parametrize(
    "data,field,message",
    [
        (fee_data(amount_min="9000", amount_max="1000"), "amount_max", "cannot be below the lowest"),
        (fee_data(amount_min="", amount_max="1000"), "amount_min", "lowest amount"),
        (fee_data(fee_model="on_request", amount_min="100"), "amount_min", "Leave the amounts empty"),
        (fee_data(fee_model="flat", amount_min="100", amount_max="200"), "amount_max", "Leave “to” empty"),
        (fee_data(fee_model="hourly", amount_min="0"), "amount_min", "above zero"),
        (fee_data(fee_model="hourly", amount_min="-5"), "amount_min", "above zero"),
    ],
)
def test_fee_amounts_must_match_the_fee_model(client, firm, data, field, message, assert_valid_html):
    response = client.post(url("fee_add", firm), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not ServiceFee.objects.filter(firm=firm).exists()
    assert_valid_html(response.content)


def test_editing_and_deleting_a_fee(client, firm):
    fee = ServiceFeeFactory(firm=firm, service="Audit")

    client.post(url("fee_edit", firm, pk=fee.pk), fee_data(service="Audit", fee_model="flat", amount_min="800"))
    fee.refresh_from_db()
    assert (fee.fee_model, fee.amount_min, fee.amount_max) == ("flat", 800, None)

    client.post(url("fee_delete", firm, pk=fee.pk))
    assert not ServiceFee.objects.filter(pk=fee.pk).exists()


def test_a_fee_cannot_be_moved_to_another_firm(client, firm, rival):
    client.post(url("fee_add", firm), fee_data(fee_model="on_request", firm=rival[0].pk))

    assert ServiceFee.objects.filter(firm=firm).count() == 1
    assert ServiceFee.objects.filter(firm=rival[0]).count() == 1


# --- Social links ---------------------------------------------------------------------------


def test_social_links_are_saved_replaced_and_removed(client, firm):
    SocialLinkFactory(firm=firm, network="weibo", url="https://weibo.example.com/old")
    SocialLinkFactory(firm=firm, network="x", url="https://x.example.com/songhua")

    response = client.post(
        url("social_links", firm),
        {"linkedin": "linkedin.com/company/songhua", "weibo": "https://weibo.example.com/new", "x": ""},
    )

    assert response.status_code == 302
    links = dict(SocialLink.objects.filter(firm=firm).values_list("network", "url"))
    assert links == {"linkedin": "https://linkedin.com/company/songhua", "weibo": "https://weibo.example.com/new"}
    assert "https://weibo.example.com/new" in text_of(client.get(firm.get_absolute_url()))


def test_the_social_links_form_shows_the_current_links(client, firm):
    SocialLinkFactory(firm=firm, network="wechat", url="https://weixin.example.com/songhua")

    response = client.get(url("social_links", firm))

    assert 'value="https://weixin.example.com/songhua"' in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.com/songhua",
        "https://linkedin.com/" + "a" * 300,
    ],
)
def test_social_links_must_be_short_web_addresses(client, firm, address, assert_valid_html):
    response = client.post(url("social_links", firm), {"linkedin": address})

    assert response.status_code == 200
    assert response.context["form"].errors["linkedin"]
    assert not SocialLink.objects.filter(firm=firm).exists()
    assert_valid_html(response.content)
