"""Operators launch a city from a file (directory/importing.py): they upload a CSV or Excel file
of firms in the admin, read a preview that says per row what will happen and why, and confirm.
These tests walk that as an operator does, through the admin's pages."""

import csv
import io
import os
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.importing import COLUMNS
from directory.models import Firm, Lawyer, Membership, Office
from directory.tasks import import_files_delete_abandoned
from tests.factories import (
    CityFactory,
    FirmFactory,
    FirmUserFactory,
    LanguageFactory,
    OfficeFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

HEADER = ["id", "name", "licence_number", "country", "city", "address", "postal_code", "email", "phone",
          "website", "practice_areas", "languages", "lawyers", "other_offices"]  # fmt: skip
# Valid unified social credit codes (their check characters computed by directory.licences).
CODE_A = "91350100M000100Y43"
CODE_B = "91330100716105852F"
CODE_C = "91440300708461136T"


@pytest.fixture
def operator(client):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name="Operators"))
    client.force_login(user)
    return user


@pytest.fixture
def places(harbin, cyber_law, employment_law):
    beijing = CityFactory(name="Beijing", slug="beijing", region__name="Beijing", region__slug="beijing-r")
    LanguageFactory(code="zh", name="Chinese")
    LanguageFactory(code="en", name="English")
    return {"harbin": harbin, "beijing": beijing}


def _row(**values):
    row = dict.fromkeys(HEADER, "")
    row.update(country="CN", city="Harbin", address="88 Zhongyang Street")
    row.update(values)
    return row


def _csv(rows, header=HEADER) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("harbin.csv", out.getvalue().encode(), content_type="text/csv")


def _preview(client, upload, *, skip_refused=False, fmt=""):
    data = {"format": fmt, "import_file": upload, "resource": "0"}
    if skip_refused:
        data["skip_refused"] = "on"
    return client.post(reverse("admin:directory_firm_import"), data)


def _confirm(client, preview):
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["skip_refused"] = "on" if form.initial.get("skip_refused") else ""
    return client.post(reverse("admin:directory_firm_process_import"), data, follow=True)


def _outcomes(response):
    return [(row.number, row.import_type, getattr(row, "skipped_on_purpose", False), row.reasons)
            for row in response.context["result"].rows]  # fmt: skip


GOOD = [
    _row(name="Bingcheng Data Law Firm", licence_number=CODE_A, email="info@bingcheng.example",
         phone="+86 451 5555 0101", website="bingcheng.example",
         practice_areas="Cyber Law, Data Privacy and Data Protection; employment-and-labour", languages="zh; English",
         lawyers="Li Wei (partner); Zhang Min", other_offices="Beijing: 1 Jianguo Road"),
    _row(name="Songbei Employment Counsel", licence_number=CODE_B, email="hello@songbei.example",
         practice_areas="Employment and Labour", lawyers="Wang Fang (Counsel)"),
]  # fmt: skip


def test_a_clean_file_previews_without_writing_then_imports_unlisted_firms(client, operator, places):
    preview = _preview(client, _csv(GOOD))

    assert preview.status_code == 200
    assert [(n, kind) for n, kind, _skip, _r in _outcomes(preview)] == [(1, "new"), (2, "new")]
    assert "confirm_form" in preview.context
    assert Firm.objects.count() == 0  # the preview is a dry run

    done = _confirm(client, preview)

    assert done.status_code == 200
    assert "2 firms added" in done.content.decode()
    firm = Firm.objects.get(licence_number=CODE_A)
    assert firm.is_listed is False and firm.verified_on is None
    assert not Membership.objects.filter(firm=firm).exists()
    offices = list(
        Office.objects.filter(firm=firm)
        .order_by("-is_headquarters")
        .values_list("city__name", "address", "is_headquarters")
    )
    assert offices == [("Harbin", "88 Zhongyang Street", True), ("Beijing", "1 Jianguo Road", False)]
    assert list(Lawyer.objects.filter(firm=firm).values_list("name", "role")) == [
        ("Li Wei", "partner"),
        ("Zhang Min", "associate"),
    ]
    assert {a.slug for a in firm.practice_areas.all()} == {
        "cyber-law-data-privacy-and-data-protection",
        "employment-and-labour",
    }
    assert {lang.code for lang in firm.languages.all()} == {"zh", "en"}
    assert firm.website == "https://bingcheng.example"
    assert Firm.objects.get(licence_number=CODE_B).lawyers.get().role == "counsel"


def test_bad_rows_are_refused_with_their_reasons_and_nothing_is_written(client, operator, places):
    rows = [
        *GOOD,
        _row(name="Atlantis Partners", city="Atlantis"),
        _row(name="Mailless Firm", email="not-an-email", licence_number="91350100M000100Y44"),
        _row(name="Nowhere Firm", country="Narnia"),
        _row(name="Songbei Employment Counsel"),
        _row(name="Janitorial Law", lawyers="Someone (janitor)"),
    ]

    preview = _preview(client, _csv(rows))

    outcomes = {n: (kind, " | ".join(reasons)) for n, kind, _s, reasons in _outcomes(preview)}
    assert outcomes[1][0] == outcomes[2][0] == "new"
    assert outcomes[3] == (
        "invalid",
        "city: Unknown city “Atlantis” in China: add the city in the admin first, or check its spelling.",
    )
    assert "email: “not-an-email” is not an email address." in outcomes[4][1]
    assert "its last character should be 3" in outcomes[4][1]
    assert outcomes[5][0] == "invalid" and "Unknown country “Narnia”" in outcomes[5][1]
    assert "Row 2 has a firm of the same name in Harbin" in outcomes[6][1]
    assert "Unknown role “janitor”" in outcomes[7][1]
    assert "confirm_form" not in preview.context
    body = preview.content.decode()
    assert "Nothing can be imported while rows are refused" in body
    assert "Unknown city “Atlantis” in China" in body
    assert Firm.objects.count() == 0


def test_refused_rows_left_out_on_purpose_and_the_rest_imported(client, operator, places):
    rows = [GOOD[0], _row(name="Atlantis Partners", city="Atlantis"), GOOD[1]]

    preview = _preview(client, _csv(rows), skip_refused=True)

    assert [(n, kind, skipped) for n, kind, skipped, _r in _outcomes(preview)] == [
        (1, "new", False), (2, "skip", True), (3, "new", False)
    ]  # fmt: skip
    assert "1 refused row will be left out" in preview.content.decode()
    done = _confirm(client, preview)

    assert "2 firms added" in done.content.decode() and "1 rows left out" in done.content.decode()
    assert sorted(Firm.objects.values_list("name", flat=True)) == [
        "Bingcheng Data Law Firm",
        "Songbei Employment Counsel",
    ]


def test_a_firm_already_on_the_site_is_refused_as_a_duplicate_by_licence_or_by_name_and_city(client, operator, places):
    known = FirmFactory(name="Bingcheng Data Law Firm", licence_number=CODE_C)
    OfficeFactory(firm=known, city=places["harbin"])
    other = FirmFactory(name="Longjiang Law", licence_number=CODE_B)
    rows = [
        _row(name="bingcheng  data law firm"),  # same name in Harbin, whatever the case and spacing
        _row(name="Renamed Firm", licence_number=CODE_B.lower()),  # same licence, written in lower case
        _row(name="Bingcheng Data Law Firm", city="Beijing"),  # the same name in another city is another firm
    ]

    preview = _preview(client, _csv(rows))

    outcomes = {n: (kind, " | ".join(reasons)) for n, kind, _s, reasons in _outcomes(preview)}
    assert outcomes[1] == (
        "invalid",
        f"name: Bingcheng Data Law Firm (id {known.pk}) already has an office in Harbin. "
        f"To update that firm, write {known.pk} in the id column.",
    )
    assert (
        outcomes[2][0] == "invalid"
        and f"Longjiang Law (id {other.pk}) already has this licence number" in outcomes[2][1]
    )
    assert outcomes[3][0] == "new"


def test_the_same_firm_twice_in_a_file_is_refused_on_its_second_row(client, operator, places):
    rows = [_row(name="One", licence_number=CODE_A), _row(name="Two", licence_number=CODE_A, city="Beijing")]

    outcomes = _outcomes(_preview(client, _csv(rows)))

    assert outcomes[0][1] == "new"
    assert outcomes[1][1] == "invalid"
    assert "Row 1 has the same licence number" in outcomes[1][3][0]


def test_a_file_without_the_required_columns_says_which_are_missing(client, operator, places):
    response = _preview(client, _csv([{"name": "X"}], header=["name", "town"]))

    body = response.content.decode()
    assert "The file cannot be imported" in body
    assert "The file has no column “country”, “city”, “address”." in body
    assert Firm.objects.count() == 0


def test_a_file_that_is_neither_csv_nor_excel_is_asked_about(client, operator, places):
    response = _preview(client, SimpleUploadedFile("firms.pdf", b"%PDF-1.4"))

    assert "Upload a .csv or .xlsx file, or choose its format." in response.content.decode()
    assert "result" not in response.context


def test_a_file_too_large_to_be_one_citys_firms_is_refused_before_it_is_read(client, operator, places):
    response = _preview(
        client, SimpleUploadedFile("huge.csv", b"name,country,city,address\n" + b"x" * (5 * 1024 * 1024))
    )

    assert "The file is larger than 5 MB" in response.content.decode()
    assert "result" not in response.context


def test_a_failure_half_way_through_the_import_leaves_nothing_behind(client, operator, places, monkeypatch):
    preview = _preview(client, _csv(GOOD))
    created = []
    original = Lawyer.objects.create

    def failing_create(**kwargs):
        if kwargs["name"] == "Wang Fang":  # the second firm's lawyer: the first firm is written by then
            raise RuntimeError("disk full")
        created.append(kwargs["name"])
        return original(**kwargs)

    monkeypatch.setattr(Lawyer.objects, "create", failing_create)

    done = _confirm(client, preview)

    assert created  # the first row was written before the failure
    assert "Nothing was imported" in done.content.decode()
    assert Firm.objects.count() == 0 and Lawyer.objects.count() == 0


def test_rows_refused_between_the_preview_and_the_confirmation_import_nothing(client, operator, places):
    preview = _preview(client, _csv(GOOD))
    FirmFactory(name="Someone Else", licence_number=CODE_B)  # another operator was faster

    done = _confirm(client, preview)

    assert "Nothing was imported" in done.content.decode()
    assert not Firm.objects.filter(licence_number=CODE_A).exists()


def test_only_those_who_may_add_and_change_firms_can_import(client, places):
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    assert client.get(reverse("admin:directory_firm_import")).status_code == 403
    assert _preview(client, _csv(GOOD)).status_code == 403
    assert Firm.objects.count() == 0


def test_an_operator_opens_the_import_page_from_the_firm_list(client, operator, places):
    changelist = client.get(reverse("admin:directory_firm_changelist"))
    page = client.get(reverse("admin:directory_firm_import"))

    assert reverse("admin:directory_firm_import") in changelist.content.decode()
    assert page.status_code == 200
    assert "Leave out the refused rows" in page.content.decode()


# --- Export and the round trip -----------------------------------------------------------------


def _export(client, fmt):
    response = client.post(
        reverse("admin:directory_firm_export"),
        {"format": fmt, "resource": "0", **{f"firmresource_{column}": "on" for column in EXPORT_COLUMNS}},
    )
    assert response.status_code == 200, response.content[:500]
    return response


EXPORT_COLUMNS = [
    *HEADER,
    "year_established",
    "size",
    "tagline",
    "tagline_zh_hans",
    "listed",
    "verified",
    "claim_link",
]


def test_export_escapes_cells_a_spreadsheet_would_run_as_formulas(client, operator, places):
    firm = FirmFactory(name='=HYPERLINK("http://evil.example")', phone="+86 451 1234", tagline="-20% fees", email="")
    OfficeFactory(firm=firm, city=places["harbin"], address="@home")

    rows = list(csv.DictReader(io.StringIO(_export(client, "0").content.decode("utf-8-sig"))))

    row = next(r for r in rows if r["id"] == str(firm.pk))
    assert row["name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["phone"] == "'+86 451 1234"
    assert row["tagline"] == "'-20% fees"
    assert row["address"] == "'@home"


def test_an_exported_file_comes_back_unchanged_and_an_edit_in_it_updates_the_firm(client, operator, places):
    _confirm(client, _preview(client, _csv(GOOD)))
    exported = _export(client, "0").content.decode("utf-8-sig")

    again = _preview(client, SimpleUploadedFile("back.csv", exported.encode()))
    assert {kind for _n, kind, _s, _r in _outcomes(again)} == {"skip"}
    assert "2 unchanged" in again.content.decode()
    assert "This file changes nothing" in again.content.decode() and "Import these firms" not in again.content.decode()

    edited = exported.replace("info@bingcheng.example", "desk@bingcheng.example").replace(
        "Zhang Min (associate)", "Zhang Min (counsel)"
    )
    preview = _preview(client, SimpleUploadedFile("edited.csv", edited.encode()))
    outcomes = _outcomes(preview)
    assert [kind for _n, kind, _s, _r in outcomes] == ["update", "skip"], outcomes
    assert preview.context["result"].rows[0].changes == ["email", "lawyers"]
    _confirm(client, preview)

    firm = Firm.objects.get(licence_number=CODE_A)
    assert firm.email == "desk@bingcheng.example"
    assert firm.phone == "+86 451 5555 0101"  # the escaping apostrophe is taken off again
    assert firm.lawyers.get(name="Zhang Min").role == "counsel"


def test_an_excel_file_round_trips_too(client, operator, places):
    _confirm(client, _preview(client, _csv(GOOD)))
    xlsx = _export(client, "1").content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS)

    again = _preview(client, SimpleUploadedFile("back.xlsx", xlsx))  # the format follows the name

    assert {kind for _n, kind, _s, _r in _outcomes(again)} == {"skip"}


def test_a_firm_managed_by_its_owner_is_not_changed_by_an_import(client, operator, places):
    firm = FirmFactory(name="Owned Firm")
    OfficeFactory(firm=firm, city=places["harbin"])
    Membership.objects.create(user=FirmUserFactory(), firm=firm, role=Membership.Role.OWNER)

    outcomes = _outcomes(_preview(client, _csv([_row(id=str(firm.pk), name="Owned Firm", email="x@y.example")])))

    assert outcomes[0][1] == "invalid"
    assert "Owned Firm is managed by its owner in the portal" in outcomes[0][3][0]


def test_an_unknown_id_is_refused(client, operator, places):
    outcomes = _outcomes(_preview(client, _csv([_row(id="999999", name="Ghost")])))

    assert outcomes[0][1] == "invalid"
    assert "No firm has the id “999999”" in outcomes[0][3][0]


def test_the_preview_page_is_valid_html(client, operator, places, assert_valid_html):
    assert_valid_html(_preview(client, _csv([GOOD[0], _row(name="X", city="Atlantis")])).content)


def test_an_imported_firm_gets_the_portals_slug_numbered_past_those_taken(client, operator, places):
    FirmFactory(name="Bingcheng Data Law Firm", slug="bingcheng-data-law-firm")
    FirmFactory(name="Bingcheng Data Law Firm", slug="bingcheng-data-law-firm-2")

    _confirm(client, _preview(client, _csv([GOOD[0]])))

    assert Firm.objects.get(licence_number=CODE_A).slug == "bingcheng-data-law-firm-3"


# --- The uploaded file between the preview and the confirmation ----------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _waiting_files(media_root):
    folder = media_root / "django-import-export"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def _age(media_root, name, now, **age):
    moment = (now - timedelta(**age)).timestamp()
    os.utime(media_root / "django-import-export" / name, (moment, moment))


def test_a_confirmed_import_deletes_its_uploaded_file(client, operator, places, media_root):
    preview = _preview(client, _csv(GOOD))
    assert _waiting_files(media_root) == [preview.context["confirm_form"].initial["import_file_name"]]

    done = _confirm(client, preview)

    assert "2 firms added" in done.content.decode()
    assert _waiting_files(media_root) == []


def test_a_confirmation_that_imports_nothing_deletes_its_file_too(client, operator, places, media_root):
    preview = _preview(client, _csv(GOOD))
    FirmFactory(name="Someone Else", licence_number=CODE_B)

    done = _confirm(client, preview)

    assert "Nothing was imported" in done.content.decode()
    assert _waiting_files(media_root) == []


def test_files_of_previews_nobody_confirmed_are_deleted_after_a_day(client, operator, places, media_root):
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    refused = _preview(client, _csv([_row(name="No City", city="Atlantis")]))  # no import button
    abandoned = _preview(client, _csv(GOOD))
    recent = _preview(client, _csv(GOOD[:1]))
    names = {
        "refused": refused.context["form"].cleaned_data["import_file"].tmp_storage_name,
        "abandoned": abandoned.context["confirm_form"].initial["import_file_name"],
        "recent": recent.context["confirm_form"].initial["import_file_name"],
    }
    _age(media_root, names["refused"], now, hours=30)
    _age(media_root, names["abandoned"], now, hours=24, minutes=1)
    _age(media_root, names["recent"], now, hours=23)

    with time_machine.travel(now, tick=False):
        deleted = import_files_delete_abandoned.delay().get()

    assert deleted == 2
    assert _waiting_files(media_root) == [names["recent"]]


def test_the_sweep_finds_nothing_to_do_before_the_first_preview(media_root):
    assert import_files_delete_abandoned.delay().get() == 0


def test_confirming_a_preview_whose_file_was_deleted_asks_for_the_file_again(client, operator, places, media_root):
    preview = _preview(client, _csv(GOOD))
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=25), tick=False):
        assert import_files_delete_abandoned.delay().get() == 1

    done = _confirm(client, preview)

    assert done.redirect_chain[-1][0] == reverse("admin:directory_firm_import")
    assert "its file is gone: upload the file again" in done.content.decode()
    assert Firm.objects.count() == 0


def test_the_sweep_runs_hourly_on_the_housekeeping_queue(settings):
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == import_files_delete_abandoned.name]

    assert entry["schedule"] == 3600
    assert settings.CELERY_TASK_ROUTES[import_files_delete_abandoned.name] == {"queue": "housekeeping"}
