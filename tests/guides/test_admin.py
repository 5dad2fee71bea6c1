"""Editors write, review, publish, schedule and restore guides in the admin."""

import datetime
import importlib
import warnings
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import html5lib
import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from directory.models import Disclaimer
from guides.admin import GuideAdmin
from guides.models import Guide
from tests.factories import (
    CityFactory,
    CountryFactory,
    DisclaimerFactory,
    EditorFactory,
    GuideFactory,
    GuideSourceFactory,
    StaffFactory,
    SuperuserFactory,
)
from tests.sitemaps import sitemap_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADD_URL = "admin:guides_guide_add"
CHANGELIST_URL = "admin:guides_guide_changelist"

EDITOR_PERMISSIONS = {
    "guides.add_guide",
    "guides.change_guide",
    "guides.view_guide",
    "guides.publish_guide",
    "guides.add_faqitem",
    "guides.change_faqitem",
    "guides.delete_faqitem",
    "guides.view_faqitem",
    "guides.add_guidesource",
    "guides.change_guidesource",
    "guides.delete_guidesource",
    "guides.view_guidesource",
    "directory.view_city",
    "directory.view_region",
    "directory.view_country",
    "directory.view_practicearea",
}

# Editors may also write the countries' legal notices (directory/migrations/0016_disclaimer.py).
DISCLAIMER_PERMISSIONS = {"directory.add_disclaimer", "directory.change_disclaimer", "directory.view_disclaimer"}


@pytest.fixture(autouse=True)
def china_has_a_legal_notice(db):
    """Publishing needs the country's notice (directory/disclaimers.py): the guides here are in China."""
    return DisclaimerFactory(country=CountryFactory())


SOURCE = {
    "title": "Personal Information Protection Law",
    "issuing_body": "Standing Committee of the National People's Congress",
    "url": "https://www.npc.gov.cn/pipl",
    "issued_on": "2021-08-20",
}


@pytest.fixture
def editor():
    return EditorFactory(email="editor@lawzana.example")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def add_guide(client, admin_form_data, *, city, practice_area, faq=(), sources=(), **fields):
    """Fill in and submit the admin's add-guide form the way an editor would."""
    data = admin_form_data(client.get(reverse(ADD_URL)))
    data.update(
        city=city.pk,
        practice_area=practice_area.pk,
        meta_description="What to know about data protection law in Harbin.",
        summary="Companies in Harbin must protect the personal data they collect.",
        about_md="Original about text.",
        why_md="- A data breach",
        local_laws_md="The PIPL applies.",
        next_steps_md="1. Keep records",
    )
    for index, item in enumerate(faq):
        data.update({f"faq_items-{index}-{key}": value for key, value in item.items()})
        data.setdefault(f"faq_items-{index}-position", index)
    data["faq_items-TOTAL_FORMS"] = len(faq)
    for index, source in enumerate(sources):
        data.update({f"sources-{index}-{key}": value for key, value in source.items()})
        data.update({f"sources-{index}-position": index, f"sources-{index}-id": "", f"sources-{index}-guide": ""})
    data["sources-TOTAL_FORMS"] = max(len(sources), 1)
    data.update(fields)
    return client.post(reverse(ADD_URL), data)


def ready_to_publish():
    return {
        "status": Guide.Status.PUBLISHED,
        "reviewer_name": "Li Na",
        "last_reviewed_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "sources": [SOURCE],
    }


def run_action(client, action, guides):
    return client.post(
        reverse(CHANGELIST_URL),
        {"action": action, "_selected_action": [guide.pk for guide in guides], "index": 0},
        follow=True,
    )


# Who may do what


def test_the_editors_group_has_exactly_the_permissions_the_migration_grants():
    migration = importlib.import_module("guides.migrations.0002_editors_group")
    group = Group.objects.get(name="Editors")

    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    assert granted == EDITOR_PERMISSIONS | DISCLAIMER_PERMISSIONS
    assert {f"{app}.{codename}" for app, codename in migration.EDITOR_PERMISSIONS} == EDITOR_PERMISSIONS


def test_an_editor_can_open_the_guide_list_and_the_add_form(editor_client, harbin, cyber_law):
    GuideFactory(city=harbin, practice_area=cyber_law)

    changelist = editor_client.get(reverse(CHANGELIST_URL))
    add_form = editor_client.get(reverse(ADD_URL))

    assert changelist.status_code == 200
    assert "Best Cyber Law, Data Privacy and Data Protection Lawyers in Harbin" in changelist.content.decode()
    assert add_form.status_code == 200


def test_the_add_form_names_its_faq_and_source_inlines_faq_items_and_sources(editor_client):
    response = editor_client.get(reverse(ADD_URL))

    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    totals = {field.get("name") for field in tree.iter("input") if (field.get("name") or "").endswith("-TOTAL_FORMS")}
    assert totals == {"faq_items-TOTAL_FORMS", "sources-TOTAL_FORMS"}


def test_staff_outside_the_editors_group_may_not_add_or_change_guides(client):
    guide = GuideFactory()
    client.force_login(StaffFactory())

    assert client.get(reverse(ADD_URL)).status_code == 403
    assert client.get(reverse("admin:guides_guide_change", args=[guide.pk])).status_code == 403


def test_a_superuser_can_open_the_guide_add_form(client):
    client.force_login(SuperuserFactory())

    assert client.get(reverse(ADD_URL)).status_code == 200


# Writing and publishing


def test_an_editor_saves_a_draft_with_its_faq(editor_client, editor, admin_form_data, harbin, cyber_law):
    response = add_guide(
        editor_client,
        admin_form_data,
        city=harbin,
        practice_area=cyber_law,
        faq=[{"question": "Do I need consent?", "answer_md": "Usually **yes**."}],
    )

    assert response.status_code == 302
    guide = Guide.objects.get(city=harbin, practice_area=cyber_law)
    assert guide.status == Guide.Status.DRAFT
    assert guide.created_by == editor
    assert [(item.question, item.answer_html) for item in guide.faq_items.all()] == [
        ("Do I need consent?", "<p>Usually <strong>yes</strong>.</p>")
    ]
    public = editor_client.get(guide.get_absolute_url()).content.decode()
    assert "Do I need consent?" not in public  # drafts are not public


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"reviewer_name": ""}, "A published guide names its reviewer."),
        ({"last_reviewed_on": ""}, "A published guide gives its review date."),
        ({"sources": []}, "A published guide lists at least one source"),
    ],
    ids=["reviewer", "review date", "source"],
)
def test_publishing_without_provenance_is_refused(editor_client, admin_form_data, harbin, cyber_law, missing, message):
    response = add_guide(
        editor_client, admin_form_data, city=harbin, practice_area=cyber_law, **{**ready_to_publish(), **missing}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Guide.objects.exists()


def test_a_complete_guide_goes_live_on_its_page_the_city_page_and_the_sitemap(
    editor_client, admin_form_data, harbin, cyber_law
):
    response = add_guide(editor_client, admin_form_data, city=harbin, practice_area=cyber_law, **ready_to_publish())

    assert response.status_code == 302
    guide = Guide.objects.get()
    assert guide.is_live
    assert [source.title for source in guide.sources.all()] == [SOURCE["title"]]
    editor_client.logout()
    landing = editor_client.get(guide.get_absolute_url())
    assert landing.status_code == 200
    assert "Original about text." in landing.content.decode()
    assert guide.get_absolute_url() in editor_client.get(harbin.get_absolute_url()).content.decode()
    assert guide.get_absolute_url() in sitemap_text(editor_client)


def test_a_publish_time_in_the_future_schedules_the_guide(editor_client, admin_form_data, harbin, cyber_law):
    go_live = timezone.localtime() + datetime.timedelta(days=2)

    add_guide(
        editor_client,
        admin_form_data,
        city=harbin,
        practice_area=cyber_law,
        **ready_to_publish(),
        published_at_0=go_live.strftime("%Y-%m-%d"),
        published_at_1=go_live.strftime("%H:%M:%S"),
    )

    guide = Guide.objects.get()
    assert guide.is_scheduled
    changelist = editor_client.get(reverse(CHANGELIST_URL)).content.decode()
    assert f"Scheduled for {go_live:%Y-%m-%d %H:%M}" in changelist
    editor_client.logout()
    assert "Original about text." not in editor_client.get(guide.get_absolute_url()).content.decode()
    assert guide.get_absolute_url() not in sitemap_text(editor_client)
    with time_machine.travel(go_live + datetime.timedelta(minutes=5)):
        assert "Original about text." in editor_client.get(guide.get_absolute_url()).content.decode()
        assert guide.get_absolute_url() in sitemap_text(editor_client)


def test_a_second_guide_for_the_same_city_area_and_language_is_refused(
    editor_client, admin_form_data, harbin, cyber_law
):
    GuideFactory(city=harbin, practice_area=cyber_law, language="en")

    response = add_guide(editor_client, admin_form_data, city=harbin, practice_area=cyber_law, language="en")

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Guide.objects.count() == 1


def test_the_publish_now_action_refuses_a_guide_without_sources_and_publishes_a_complete_one(editor_client, harbin):
    incomplete = GuideFactory(city=harbin)
    complete = GuideFactory(city=CityFactory(region=harbin.region))
    GuideSourceFactory(guide=complete)

    response = run_action(editor_client, "publish_now", [incomplete, complete])

    content = response.content.decode()
    assert f"“{incomplete}” was not published" in content
    assert "List at least one source" in content
    assert "1 guide published." in content
    incomplete.refresh_from_db()
    complete.refresh_from_db()
    assert incomplete.status == Guide.Status.DRAFT
    assert complete.is_live
    assert editor_client.get(complete.get_absolute_url()).status_code == 200


def test_the_send_to_review_action_moves_guides_to_review(editor_client):
    guide = GuideFactory()

    response = run_action(editor_client, "send_to_review", [guide])

    assert "Sent to review." in response.content.decode()
    guide.refresh_from_db()
    assert guide.status == Guide.Status.REVIEW


# History


def test_every_admin_save_is_a_revision_that_can_be_restored(
    editor_client, editor, admin_form_data, harbin, cyber_law
):
    add_guide(editor_client, admin_form_data, city=harbin, practice_area=cyber_law, **ready_to_publish())
    guide = Guide.objects.get()
    change_url = reverse("admin:guides_guide_change", args=[guide.pk])
    data = admin_form_data(editor_client.get(change_url))
    data["about_md"] = "Edited about text."
    assert editor_client.post(change_url, data).status_code == 302
    assert "Edited about text." in editor_client.get(guide.get_absolute_url()).content.decode()  # cached

    versions = Version.objects.get_for_object(guide)
    assert versions.count() == 2

    history = editor_client.get(reverse("admin:guides_guide_history", args=[guide.pk]))
    tree = html5lib.parse(history.content.decode(), namespaceHTMLElements=False)
    (table,) = [table for table in tree.iter("table") if table.get("id") == "change-history"]
    rows = table.find("tbody").findall("tr")
    assert len(rows) == 2
    assert all(editor.email in "".join(ET.tostring(row, encoding="unicode", method="text")) for row in rows)

    oldest = min(versions, key=lambda version: version.pk)
    revision_url = reverse("admin:guides_guide_revision", args=[guide.pk, oldest.pk])
    revert_data = admin_form_data(editor_client.get(revision_url))
    assert revert_data["about_md"] == "Original about text."
    assert editor_client.post(revision_url, revert_data).status_code == 302

    guide.refresh_from_db()
    assert guide.about_md == "Original about text."
    public = editor_client.get(guide.get_absolute_url()).content.decode()
    assert "Original about text." in public
    assert "Edited about text." not in public
    assert Version.objects.get_for_object(guide).count() == 3


def test_restoring_a_published_version_of_a_draft_checks_the_legal_notice_like_publishing(
    editor_client, admin_form_data, harbin, cyber_law
):
    add_guide(editor_client, admin_form_data, city=harbin, practice_area=cyber_law, **ready_to_publish())
    guide = Guide.objects.get()
    published = Version.objects.get_for_object(guide).get()
    change_url = reverse("admin:guides_guide_change", args=[guide.pk])
    data = admin_form_data(editor_client.get(change_url))
    data["status"] = Guide.Status.DRAFT
    assert editor_client.post(change_url, data).status_code == 302  # taken offline
    Disclaimer.objects.filter(country=harbin.country).update(is_active=False)

    revision_url = reverse("admin:guides_guide_revision", args=[guide.pk, published.pk])
    response = editor_client.post(revision_url, admin_form_data(editor_client.get(revision_url)))

    assert response.status_code == 200
    assert "China has no active legal notice" in response.content.decode()
    guide.refresh_from_db()
    assert guide.status == Guide.Status.DRAFT


# Preview


def test_an_editor_previews_a_draft_that_search_engines_must_not_index(editor_client):
    guide = GuideFactory(about_md="Draft about text.")

    response = editor_client.get(reverse("guides:preview", kwargs={"pk": guide.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Preview." in content
    assert "Draft about text." in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize("visitor", ["anonymous", "staff outside the group"])
def test_nobody_else_can_preview_a_draft(client, visitor):
    guide = GuideFactory()
    if visitor != "anonymous":
        client.force_login(StaffFactory())

    response = client.get(reverse("guides:preview", kwargs={"pk": guide.pk}))

    # Signed out: sent to sign in (default deny); signed in without the right: nothing to see.
    assert response.status_code == (302 if visitor == "anonymous" else 404)
    assert "Draft about text." not in response.content.decode()


# Review age


@time_machine.travel(datetime.datetime(2025, 6, 15, 10, 0, tzinfo=SHANGHAI))
def test_the_stale_filter_lists_only_guides_not_reviewed_for_too_long(editor_client, settings, harbin):
    settings.GUIDE_STALE_AFTER_MONTHS = 12
    today = timezone.localdate()
    stale = GuideFactory(
        city=CityFactory(region=harbin.region, name="Jixi"), last_reviewed_on=today - relativedelta(months=13)
    )
    fresh = GuideFactory(
        city=CityFactory(region=harbin.region, name="Hegang"), last_reviewed_on=today - relativedelta(months=2)
    )

    response = editor_client.get(reverse(CHANGELIST_URL), {"stale": "yes"})

    content = response.content.decode()
    assert response.status_code == 200
    assert str(stale) in content
    assert str(fresh) not in content


@time_machine.travel(datetime.datetime(2025, 6, 15, 10, 0, tzinfo=SHANGHAI))
def test_the_review_due_column_warns_of_stale_guides_in_words_and_sorts_them_first(editor_client, settings, harbin):
    # Bug: the column was a boolean "stale", so a stale guide showed Django's green tick.
    settings.GUIDE_STALE_AFTER_MONTHS = 12
    GuideFactory(city=CityFactory(region=harbin.region, name="Jixi"), last_reviewed_on=datetime.date(2024, 5, 1))
    GuideFactory(city=CityFactory(region=harbin.region, name="Hegang"), last_reviewed_on=datetime.date(2025, 4, 1))
    GuideFactory(city=CityFactory(region=harbin.region, name="Yichun"), last_reviewed_on=None, status="draft")

    # Sorted by "review due": the admin numbers its columns from 1.
    column = GuideAdmin.list_display.index("review_due") + 1
    response = editor_client.get(reverse(CHANGELIST_URL), {"o": str(column)})

    assert response.status_code == 200
    table = html5lib.parse(response.content, namespaceHTMLElements=False).find(".//table[@id='result_list']")
    headers = [" ".join("".join(th.itertext()).split()) for th in table.iterfind("thead/tr/th")]
    rows = [" ".join("".join(row.itertext()).split()) for row in table.iterfind("tbody/tr")]
    assert "Review due" in headers
    assert "Not reviewed yet" in rows[0] and "Yichun" in rows[0]
    assert "Overdue since 2025-05-01" in rows[1] and "Jixi" in rows[1]
    assert "Due 2026-04-01" in rows[2] and "Hegang" in rows[2]
    content = response.content.decode()
    assert "icon-yes.svg" not in content and "icon-no.svg" not in content
    overdue = table.find("tbody/tr[2]//span[@class='review-overdue']/img")
    assert overdue is not None and overdue.get("src").endswith("admin/img/icon-alert.svg")


# Bugs


def test_it_renders_the_guide_form_without_deprecation_warnings(editor_client):
    # Bug: GuideSourceInline's URL field is a forms.URLField without assume_scheme, which
    # warns (RemovedInDjango60Warning) on every render of the guide add/change form.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = editor_client.get(reverse(ADD_URL))

    assert response.status_code == 200
    assert [str(warning.message) for warning in caught] == []


def test_a_source_link_typed_without_a_scheme_is_saved_as_https(editor_client, admin_form_data, harbin, cyber_law):
    # Bug (same cause): "www.npc.gov.cn/pipl" is saved as http://, though the field asks
    # for an official https:// page and Django 6 will assume https.
    add_guide(
        editor_client,
        admin_form_data,
        city=harbin,
        practice_area=cyber_law,
        **{**ready_to_publish(), "sources": [{**SOURCE, "url": "www.npc.gov.cn/pipl"}]},
    )

    assert Guide.objects.get().sources.get().url == "https://www.npc.gov.cn/pipl"
