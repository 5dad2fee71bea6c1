"""Operators launch a city from a file: a CSV or Excel sheet of firms, one row per firm with
its main office, its other offices and its lawyers (docs in README.md, "Importing firms").

Built on django-import-export: its admin runs the file once as a dry run inside a transaction
that is rolled back (the preview), then again for real in one transaction when the operator
confirms (directory/admin.py, FirmAdmin). This module decides, per row, whether the firm is
created, updated, left as it is or refused and why; the admin's preview shows that per row.

- A row without an id creates a firm: unlisted and unverified, with no owner, until operators
  check it; its owner claims it with the link of the "claim_link" column.
- A row with an id updates that firm, unless an owner manages it in the portal.
- A row is refused for an unknown country, city, practice area, language or role, a bad email,
  website or licence number, or a firm that already exists: the same licence number, or the
  same name with an office in the same city, whether in the database or higher up in the file.
- With any refused row nothing is written, unless the operator chose to leave those rows out.

Export writes the same columns, so a file can go out and come back; a cell starting with
=, +, - or @ is written with a leading apostrophe, which spreadsheets show as text instead of
running as a formula, and which the import takes off again.
"""

import logging
import re
from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import storages
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.results import RowResult

from lawzana.forms import has_control_characters

from .firm_slugs import reserved_firm_slugs
from .licences import normalise_licence, validate_licence_for_country
from .models import City, Country, Firm, Language, Lawyer, Membership, Office, PracticeArea
from .services.firms import firms_refresh
from .services.memberships import claim_invite_url, slug_candidates

logger = logging.getLogger(__name__)

# The columns, in the file's order. "listed", "verified" and "claim_link" are written by the
# export for the operator to read and ignored by the import.
COLUMNS = (
    "id",
    "name",
    "licence_number",
    "country",
    "city",
    "address",
    "postal_code",
    "email",
    "phone",
    "website",
    "practice_areas",
    "languages",
    "year_established",
    "size",
    "tagline",
    "tagline_zh_hans",
    "lawyers",
    "other_offices",
    "listed",
    "verified",
    "claim_link",
)
EXPORT_ONLY = ("listed", "verified", "claim_link")
REQUIRED = ("name", "country", "city", "address")
MAX_ROWS = 5000

# Lists within a cell: semicolons (also the full-width one) or line breaks.
LIST_SEPARATOR = re.compile(r"[;；\n]")
# What a spreadsheet may run as a formula (OWASP's list: a tab or carriage return too).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# "Li Wei (partner)", with ASCII or full-width brackets.
LAWYER_ENTRY = re.compile(r"^(?P<name>[^()（）]+?)\s*(?:[(（]\s*(?P<role>[^()（）]+?)\s*[)）])?$")
OFFICE_ENTRY = re.compile(r"^(?P<city>[^:：]+?)\s*[:：]\s*(?P<address>.+)$")

_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])


def escape_formula(value):
    """A text cell that a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value) -> str:
    """A cell as text: Excel gives numbers (a year, a postal code) as int or float."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_START:
        text = text[1:]
    return text


def _items(text: str) -> list[str]:
    return [item.strip() for item in LIST_SEPARATOR.split(text) if item.strip()]


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


class Lookups:
    """The places, practice areas and languages a file names, loaded once per import, so a
    row costs no query to resolve them."""

    def __init__(self):
        self.countries = {}
        for country in Country.objects.all():
            for key in (country.code, country.slug, country.name_en, country.name_zh_hans):
                if key:
                    self.countries[_key(key)] = country
        self.cities = defaultdict(lambda: defaultdict(set))
        self.city_objects = {}
        for city in City.objects.select_related("region", "country"):
            self.city_objects[city.pk] = city
            for key in (city.slug, city.name_en, city.name_zh_hans):
                if key:
                    self.cities[city.country_id][_key(key)].add(city.pk)
        self.areas = {}
        for area in PracticeArea.objects.filter(parent__isnull=False):
            for key in (area.slug, area.name_en, area.name_zh_hans):
                if key:
                    self.areas[_key(key)] = area
        self.languages = {}
        for language in Language.objects.all():
            for key in (language.code, language.name):
                self.languages[_key(key)] = language
        self.sizes = {}
        for value, label in Firm.Size.choices:
            self.sizes[_key(value)] = value
            self.sizes[_key(str(label))] = value
        self.roles = {}
        for value, label in Lawyer.Role.choices:
            self.roles[_key(value)] = value
            self.roles[_key(str(label))] = value

    def city(self, country: Country, text: str) -> City:
        ids = self.cities[country.pk].get(_key(text), set())
        if not ids:
            raise ValidationError(
                _("Unknown city “%(city)s” in %(country)s: add the city in the admin first, or check its spelling.")
                % {"city": text, "country": country.name}
            )
        if len(ids) > 1:
            raise ValidationError(
                _("“%(city)s” names several cities in %(country)s: write the city's slug instead.")
                % {"city": text, "country": country.name}
            )
        return self.city_objects[next(iter(ids))]


class ParsedRow:
    """A row's values, checked and resolved: what the firm, its offices and lawyers become."""

    def __init__(self):
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.values: dict[str, object] = {}
        self.city = None
        self.other_offices: list[tuple[City, str]] = []
        self.lawyers: list[tuple[str, str]] = []
        self.areas: list[PracticeArea] = []
        self.languages: list[Language] = []

    def refuse(self, column: str, message: str) -> None:
        self.errors[column].append(str(message))


class FirmResource(resources.ModelResource):
    """Firms with their main office, other offices and lawyers: one row per firm."""

    id = fields.Field(attribute="pk", column_name="id")
    name = fields.Field(attribute="name", column_name="name")
    licence_number = fields.Field(attribute="licence_number", column_name="licence_number")
    country = fields.Field(column_name="country")
    city = fields.Field(column_name="city")
    address = fields.Field(column_name="address")
    postal_code = fields.Field(column_name="postal_code")
    email = fields.Field(attribute="email", column_name="email")
    phone = fields.Field(attribute="phone", column_name="phone")
    website = fields.Field(attribute="website", column_name="website")
    practice_areas = fields.Field(column_name="practice_areas")
    languages = fields.Field(column_name="languages")
    year_established = fields.Field(attribute="year_established", column_name="year_established")
    size = fields.Field(attribute="size", column_name="size")
    tagline = fields.Field(attribute="tagline", column_name="tagline")
    tagline_zh_hans = fields.Field(attribute="tagline_zh_hans", column_name="tagline_zh_hans")
    lawyers = fields.Field(column_name="lawyers")
    other_offices = fields.Field(column_name="other_offices")
    listed = fields.Field(column_name="listed", readonly=True)
    verified = fields.Field(column_name="verified", readonly=True)
    claim_link = fields.Field(column_name="claim_link", readonly=True)

    class Meta:
        model = Firm
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ()
        # The preview says per row what happens; the library's field-by-field diff is not needed.
        skip_diff = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = False

    def __init__(self, *, skip_refused: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.skip_refused = skip_refused

    @classmethod
    def get_display_name(cls):
        return _("Firms, their offices and lawyers")

    # --- Export ------------------------------------------------------------------------------

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        queryset = queryset.prefetch_related(
            Prefetch(
                "offices", queryset=Office.objects.select_related("city__country").order_by("-is_headquarters", "pk")
            ),
            Prefetch("lawyers", queryset=Lawyer.objects.order_by("position", "name", "pk")),
            "practice_areas",
            "languages",
            Prefetch("memberships", queryset=Membership.objects.filter(role=Membership.Role.OWNER), to_attr="owners"),
        ).order_by("pk")
        return super().export(queryset, **kwargs)

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    @staticmethod
    def _main_office(firm):
        offices = list(firm.offices.all())
        return offices[0] if offices else None

    def dehydrate_country(self, firm):
        office = self._main_office(firm)
        return office.city.country.code if office else ""

    def dehydrate_city(self, firm):
        office = self._main_office(firm)
        return office.city.name_en if office else ""

    def dehydrate_address(self, firm):
        office = self._main_office(firm)
        return office.address if office else ""

    def dehydrate_postal_code(self, firm):
        office = self._main_office(firm)
        return office.postal_code if office else ""

    def dehydrate_practice_areas(self, firm):
        return "; ".join(sorted(area.name_en for area in firm.practice_areas.all()))

    def dehydrate_languages(self, firm):
        return "; ".join(sorted(language.code for language in firm.languages.all()))

    def dehydrate_year_established(self, firm):
        return firm.year_established or ""

    def dehydrate_lawyers(self, firm):
        return "; ".join(f"{lawyer.name} ({lawyer.role})" for lawyer in firm.lawyers.all())

    def dehydrate_other_offices(self, firm):
        return "; ".join(f"{office.city.name_en}: {office.address}" for office in list(firm.offices.all())[1:])

    def dehydrate_listed(self, firm):
        return "yes" if firm.is_listed else "no"

    def dehydrate_verified(self, firm):
        return "yes" if firm.is_verified else "no"

    def dehydrate_claim_link(self, firm):
        owners = getattr(firm, "owners", None)
        if owners is None:
            owners = list(firm.memberships.filter(role=Membership.Role.OWNER))
        return "" if owners else claim_invite_url(firm)

    # --- Import: before the rows -----------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        headers = [_key(_cell(header)).replace(" ", "_") for header in dataset.headers or []]
        missing = [column for column in REQUIRED if column not in headers]
        if missing:
            raise ValueError(
                _("The file has no column %(columns)s. Its first row must name the columns: %(all)s.")
                % {"columns": ", ".join(f"“{c}”" for c in missing), "all": ", ".join(COLUMNS)}
            )
        if len(dataset) > MAX_ROWS:
            raise ValueError(
                _("The file has %(count)d rows; import at most %(max)d at a time.")
                % {"count": len(dataset), "max": MAX_ROWS}
            )
        dataset.headers = headers
        self.columns = set(headers)
        self.lookups = Lookups()
        self.seen_licences: dict[str, int] = {}
        self.seen_names: dict[tuple[str, int], int] = {}
        self.touched: list[int] = []
        self._load_existing(dataset)

    def _load_existing(self, dataset):
        """The firms the file could repeat, found in three queries for the whole file."""
        licences = {normalise_licence(_cell(row.get("licence_number"))) for row in dataset.dict} - {""}
        names = {_key(_cell(row.get("name"))) for row in dataset.dict} - {""}
        self.licence_owner = dict(Firm.objects.filter(licence_number__in=licences).values_list("licence_number", "pk"))
        self.name_city_owner = {}
        offices = (
            Office.objects.annotate(firm_name=Lower("firm__name"))
            .filter(firm_name__in=[name.lower() for name in names])
            .values_list("firm_name", "city_id", "firm_id")
        )
        for firm_name, city_id, firm_id in offices:
            self.name_city_owner.setdefault((_key(firm_name), city_id), firm_id)
        ids = [int(i) for i in (_cell(row.get("id")) for row in dataset.dict) if i.isdigit()]
        self.firms_by_id = {
            firm.pk: firm
            for firm in Firm.objects.filter(pk__in=ids).prefetch_related(
                Prefetch(
                    "offices",
                    queryset=Office.objects.select_related("city__country").order_by("-is_headquarters", "pk"),
                ),
                Prefetch("lawyers", queryset=Lawyer.objects.order_by("position", "name", "pk")),
                "practice_areas",
                "languages",
                Prefetch(
                    "memberships", queryset=Membership.objects.filter(role=Membership.Role.OWNER), to_attr="owners"
                ),
            )
        }
        self.firm_names = dict(
            Firm.objects.filter(pk__in={*self.licence_owner.values(), *self.name_city_owner.values()}).values_list(
                "pk", "name"
            )
        )

    def _check_import_id_fields(self, headers):
        # Rows are matched by their id column when it is filled (get_instance), not by a key
        # the library requires.
        return

    # --- Import: one row --------------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        text = _cell(row.get("id"))
        if not text:
            return None
        firm = self.firms_by_id.get(int(text)) if text.isdigit() else None
        if firm is None:
            raise ValidationError(
                {"id": [_("No firm has the id “%(id)s”. Leave id empty to add the firm as a new one.") % {"id": text}]}
            )
        if firm.owners:
            raise ValidationError(
                {
                    "id": [
                        _("%(firm)s is managed by its owner in the portal; an import does not change it.")
                        % {"firm": firm.name}
                    ]
                }
            )
        return firm

    def init_instance(self, row=None):
        return Firm(is_listed=False)

    def import_row(self, row, instance_loader, **kwargs):
        self._row_changes = []
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.changes = self._row_changes
        row_result.number = kwargs.get("row_number")
        row_result.firm_name = _cell(row.get("name"))
        row_result.city_name = _cell(row.get("city"))
        row_result.reasons = getattr(row_result, "reasons", [])
        row_result.skipped_on_purpose = False
        if row_result.import_type == RowResult.IMPORT_TYPE_INVALID:
            row_result.reasons = self._reasons(row_result.validation_error)
            if self.skip_refused:
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
                row_result.validation_error = None
                row_result.skipped_on_purpose = True
        elif row_result.import_type == RowResult.IMPORT_TYPE_ERROR:
            row_result.reasons = [str(error.error) for error in row_result.errors]
        return row_result

    @staticmethod
    def _reasons(error: ValidationError) -> list[str]:
        reasons = []
        for column, messages in error.message_dict.items():
            for message in messages:
                reasons.append(message if column == NON_FIELD_ERRORS else f"{column}: {message}")
        return reasons

    def import_instance(self, instance, row, **kwargs):
        parsed = self._parse(instance, row, row_number=kwargs.get("row_number"))
        if parsed.errors:
            raise ValidationError(dict(parsed.errors))
        instance._import = parsed
        for attribute, value in parsed.values.items():
            setattr(instance, attribute, value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        if instance.pk is None:
            return False
        return not self._changes(instance, instance._import)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def _column(self, row, column) -> str | None:
        """The cell, or None when the file has no such column (an update then keeps the value)."""
        if column not in self.columns:
            return None
        return _cell(row.get(column))

    def _parse(self, firm: Firm, row, *, row_number) -> ParsedRow:
        parsed = ParsedRow()
        new = firm.pk is None
        for column in self.columns & set(COLUMNS):
            if has_control_characters(self._column(row, column) or "", allowed=frozenset("\n")):
                parsed.refuse(column, _("has a control character; retype the cell."))
        if parsed.errors:
            return parsed

        def text(column, attribute, max_length, *, required=False):
            value = self._column(row, column)
            if value is None:
                if new and required:
                    parsed.refuse(column, _("is required."))
                return
            value = " ".join(value.split())
            if required and not value:
                parsed.refuse(column, _("is required."))
            elif len(value) > max_length:
                parsed.refuse(column, _("is longer than %(max)d characters.") % {"max": max_length})
            else:
                parsed.values[attribute] = value

        text("name", "name", 200, required=True)
        text("tagline", "tagline", 200)
        text("tagline_zh_hans", "tagline_zh_hans", 200)
        text("phone", "phone", 40)

        email = self._column(row, "email")
        if email is not None:
            try:
                if email:
                    _email(email)
                parsed.values["email"] = email.lower() if email else ""
            except ValidationError:
                parsed.refuse("email", _("“%(value)s” is not an email address.") % {"value": email})

        website = self._column(row, "website")
        if website is not None:
            if website and "://" not in website:
                website = f"https://{website}"
            try:
                if website:
                    _url(website)
                parsed.values["website"] = website
            except ValidationError:
                parsed.refuse("website", _("“%(value)s” is not a web address.") % {"value": website})

        year = self._column(row, "year_established")
        if year is not None:
            if not year:
                parsed.values["year_established"] = None
            elif year.isdigit() and 1800 <= int(year) <= 2100:
                parsed.values["year_established"] = int(year)
            else:
                parsed.refuse("year_established", _("“%(value)s” is not a year.") % {"value": year})

        size = self._column(row, "size")
        if size is not None:
            if not size:
                parsed.values["size"] = ""
            elif _key(size) in self.lookups.sizes:
                parsed.values["size"] = self.lookups.sizes[_key(size)]
            else:
                parsed.refuse(
                    "size",
                    _("Unknown size “%(value)s”: write one of %(choices)s.")
                    % {"value": size, "choices": ", ".join(value for value, _label in Firm.Size.choices)},
                )

        self._parse_place(firm, row, parsed)
        self._parse_lists(row, parsed)
        self._parse_licence(firm, row, parsed)
        if not parsed.errors:
            self._find_duplicates(firm, parsed, row_number=row_number)
        return parsed

    def _parse_place(self, firm, row, parsed):
        current = self._main_office(firm) if firm.pk else None
        country_text = self._column(row, "country")
        city_text = self._column(row, "city")
        address = self._column(row, "address")
        postal_code = self._column(row, "postal_code")
        country = None
        if country_text is None or not country_text:
            parsed.refuse("country", _("is required."))
        else:
            country = self.lookups.countries.get(_key(country_text))
            if country is None:
                parsed.refuse(
                    "country",
                    _("Unknown country “%(value)s”: write its two-letter code, e.g. CN.") % {"value": country_text},
                )
        if country is not None:
            if not city_text:
                parsed.refuse("city", _("is required."))
            else:
                try:
                    parsed.city = self.lookups.city(country, city_text)
                except ValidationError as exc:
                    parsed.refuse("city", exc.messages[0])
        parsed.country = country
        address = " ".join((address or "").split())
        if not address:
            parsed.refuse("address", _("is required."))
        elif len(address) > 300:
            parsed.refuse("address", _("is longer than %(max)d characters.") % {"max": 300})
        parsed.address = address
        if postal_code is None:
            postal_code = current.postal_code if current else ""
        if len(postal_code) > 20:
            parsed.refuse("postal_code", _("is longer than %(max)d characters.") % {"max": 20})
        parsed.postal_code = postal_code

        other = self._column(row, "other_offices")
        parsed.keep_other_offices = other is None
        for entry in _items(other or ""):
            match = OFFICE_ENTRY.match(entry)
            if not match:
                parsed.refuse(
                    "other_offices",
                    _("“%(value)s” is not “City: street address”.") % {"value": entry},
                )
                continue
            if country is None:
                continue
            try:
                city = self.lookups.city(country, match["city"])
            except ValidationError as exc:
                parsed.refuse("other_offices", exc.messages[0])
                continue
            office_address = " ".join(match["address"].split())
            if len(office_address) > 300:
                parsed.refuse("other_offices", _("is longer than %(max)d characters.") % {"max": 300})
                continue
            parsed.other_offices.append((city, office_address))

    def _parse_lists(self, row, parsed):
        areas = self._column(row, "practice_areas")
        parsed.keep_areas = areas is None
        for item in _items(areas or ""):
            area = self.lookups.areas.get(_key(item))
            if area is None:
                parsed.refuse("practice_areas", _("Unknown practice area “%(value)s”.") % {"value": item})
            elif area not in parsed.areas:
                parsed.areas.append(area)
        languages = self._column(row, "languages")
        parsed.keep_languages = languages is None
        for item in _items(languages or ""):
            language = self.lookups.languages.get(_key(item))
            if language is None:
                parsed.refuse(
                    "languages", _("Unknown language “%(value)s”: write its code, e.g. zh or en.") % {"value": item}
                )
            elif language not in parsed.languages:
                parsed.languages.append(language)
        lawyers = self._column(row, "lawyers")
        parsed.keep_lawyers = lawyers is None
        names = set()
        for item in _items(lawyers or ""):
            match = LAWYER_ENTRY.match(item)
            if not match or len(match["name"]) > 150:
                parsed.refuse("lawyers", _("“%(value)s” is not “Name (role)”.") % {"value": item})
                continue
            role = Lawyer.Role.ASSOCIATE
            if match["role"]:
                role = self.lookups.roles.get(_key(match["role"]))
                if role is None:
                    parsed.refuse(
                        "lawyers",
                        _("Unknown role “%(value)s”: write one of %(choices)s.")
                        % {"value": match["role"], "choices": ", ".join(v for v, _label in Lawyer.Role.choices)},
                    )
                    continue
            name = " ".join(match["name"].split())
            if _key(name) in names:
                parsed.refuse("lawyers", _("“%(value)s” is listed twice.") % {"value": name})
                continue
            names.add(_key(name))
            parsed.lawyers.append((name, role))

    def _parse_licence(self, firm, row, parsed):
        value = self._column(row, "licence_number")
        if value is None:
            return
        value = normalise_licence(value)
        country = getattr(parsed, "country", None)
        try:
            validate_licence_for_country(value, country.code if country else None)
        except ValidationError as exc:
            parsed.refuse("licence_number", exc.messages[0])
            return
        parsed.values["licence_number"] = value

    def _find_duplicates(self, firm, parsed, *, row_number):
        licence = parsed.values.get("licence_number", firm.licence_number if firm.pk else "")
        name = parsed.values.get("name", firm.name)
        if licence:
            earlier = self.seen_licences.get(licence)
            owner = self.licence_owner.get(licence)
            if earlier is not None:
                parsed.refuse(
                    "licence_number",
                    _("Row %(row)d has the same licence number: the firm is in the file twice.") % {"row": earlier},
                )
            elif owner is not None and owner != firm.pk:
                parsed.refuse("licence_number", self._duplicate_message(owner))
            self.seen_licences.setdefault(licence, row_number)
        if parsed.city is not None:
            key = (_key(name), parsed.city.pk)
            earlier = self.seen_names.get(key)
            owner = self.name_city_owner.get(key)
            if earlier is not None:
                parsed.refuse(
                    "name",
                    _("Row %(row)d has a firm of the same name in %(city)s: the firm is in the file twice.")
                    % {"row": earlier, "city": parsed.city.name},
                )
            elif owner is not None and owner != firm.pk:
                parsed.refuse("name", self._duplicate_message(owner, city=parsed.city))
            self.seen_names.setdefault(key, row_number)

    def _duplicate_message(self, firm_id, *, city=None):
        params = {"firm": self.firm_names.get(firm_id, ""), "id": firm_id}
        if city is None:
            message = _("%(firm)s (id %(id)d) already has this licence number.")
        else:
            params["city"] = city.name
            message = _("%(firm)s (id %(id)d) already has an office in %(city)s.")
        return (message % params) + " " + _("To update that firm, write %(id)d in the id column.") % params

    # --- Comparing and saving ----------------------------------------------------------------

    def _changes(self, firm: Firm, parsed: ParsedRow) -> list[str]:
        """The columns whose value the row changes, for an existing firm."""
        changed = [
            column
            for column, attribute in (
                ("name", "name"),
                ("licence_number", "licence_number"),
                ("email", "email"),
                ("phone", "phone"),
                ("website", "website"),
                ("year_established", "year_established"),
                ("size", "size"),
                ("tagline", "tagline"),
                ("tagline_zh_hans", "tagline_zh_hans"),
            )
            if attribute in parsed.values and parsed.values[attribute] != firm._import_original.get(attribute)
        ]
        office = self._main_office(firm)
        if office is None or (office.city_id, office.address, office.postal_code) != (
            parsed.city.pk,
            parsed.address,
            parsed.postal_code,
        ):
            changed.append("address")
        others = [(o.city_id, o.address) for o in list(firm.offices.all())[1:]]
        if not parsed.keep_other_offices and others != [(city.pk, address) for city, address in parsed.other_offices]:
            changed.append("other_offices")
        if not parsed.keep_areas and {a.pk for a in firm.practice_areas.all()} != {a.pk for a in parsed.areas}:
            changed.append("practice_areas")
        if not parsed.keep_languages and {x.pk for x in firm.languages.all()} != {x.pk for x in parsed.languages}:
            changed.append("languages")
        current_lawyers = [(lawyer.name, lawyer.role) for lawyer in firm.lawyers.all()]
        if not parsed.keep_lawyers and current_lawyers != parsed.lawyers:
            changed.append("lawyers")
        return changed

    def after_init_instance(self, instance, new, row, **kwargs):
        # What the firm held before the row's values were set on it, for _changes().
        instance._import_original = (
            {} if new else {field.attname: getattr(instance, field.attname) for field in Firm._meta.concrete_fields}
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        parsed = instance._import
        if is_create:
            self._row_changes = [
                _("an unlisted firm with %(offices)d offices and %(lawyers)d lawyers")
                % {"offices": 1 + len(parsed.other_offices), "lawyers": len(parsed.lawyers)}
            ]
        else:
            self._row_changes = self._changes(instance, parsed)
        # Its own savepoint: a row that fails half-way leaves nothing of itself behind, and on
        # PostgreSQL the transaction stays usable for the rows after it.
        with transaction.atomic():
            if is_create:
                instance.slug = self._free_slug(instance.name, parsed.city)
                instance.is_listed = False
            instance.save()
            self._save_offices(instance, parsed, is_create=is_create)
            self._save_lawyers(instance, parsed)
            if not parsed.keep_areas:
                instance.practice_areas.set(parsed.areas)
            if not parsed.keep_languages:
                instance.languages.set(parsed.languages)
        self.touched.append(instance.pk)

    def save_m2m(self, instance, row, **kwargs):
        # Saved with the firm (save_instance): the columns are not model fields.
        return

    def _free_slug(self, name: str, city: City) -> str:
        # The portal's rule for a new firm's slug (memberships.slug_candidates), with the slugs
        # already taken read in one query instead of one per candidate.
        candidates = slug_candidates(name, city=city, reserved=reserved_firm_slugs())
        base = next(candidates)
        taken = set(Firm.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        if base not in taken:
            return base
        return next(slug for slug in candidates if slug not in taken)

    def _save_offices(self, firm, parsed, *, is_create):
        offices = [] if is_create else list(firm.offices.all())
        main = offices[0] if offices else None
        if main is None:
            main = Office(firm=firm, is_headquarters=True)
        main.city, main.address, main.postal_code, main.is_headquarters = (
            parsed.city,
            parsed.address,
            parsed.postal_code,
            True,
        )
        if parsed.keep_other_offices:
            main.save()
            return
        wanted = {(city.pk, address) for city, address in parsed.other_offices}
        kept = set()
        for office in offices[1:]:
            key = (office.city_id, office.address)
            if key in wanted and key not in kept and key != (main.city_id, main.address):
                kept.add(key)
            else:
                office.delete()
        main.save()
        for city, address in parsed.other_offices:
            key = (city.pk, address)
            if key not in kept and key != (main.city_id, main.address):
                Office.objects.create(firm=firm, city=city, address=address, is_headquarters=False)
                kept.add(key)

    def _save_lawyers(self, firm, parsed):
        if parsed.keep_lawyers:
            return
        existing = {_key(lawyer.name): lawyer for lawyer in firm.lawyers.all()} if firm.pk else {}
        wanted = {_key(name) for name, _role in parsed.lawyers}
        for key, lawyer in existing.items():
            if key not in wanted:
                lawyer.delete()
        slugs = {lawyer.slug for key, lawyer in existing.items() if key in wanted}
        for position, (name, role) in enumerate(parsed.lawyers):
            lawyer = existing.get(_key(name))
            if lawyer is not None:
                if (lawyer.name, lawyer.role, lawyer.position) != (name, role, position):
                    lawyer.name, lawyer.role, lawyer.position = name, role, position
                    lawyer.save(update_fields=["name", "role", "position"])
                continue
            base = slugify(name)[:140].strip("-") or "lawyer"
            slug, number = base, 1
            while slug in slugs:
                number += 1
                slug = f"{base}-{number}"
            slugs.add(slug)
            Lawyer.objects.create(firm=firm, name=name, slug=slug, role=role, position=position)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # The preview's counts (templates/admin/directory/firm/import_rows.html).
        result.left_out = sum(1 for row in result.rows if getattr(row, "skipped_on_purpose", False))
        result.unchanged = result.totals[RowResult.IMPORT_TYPE_SKIP] - result.left_out
        result.refused = result.totals[RowResult.IMPORT_TYPE_INVALID] + result.totals[RowResult.IMPORT_TYPE_ERROR]
        result.writes = result.totals[RowResult.IMPORT_TYPE_NEW] + result.totals[RowResult.IMPORT_TYPE_UPDATE]
        # Rank, completeness and search text of the firms written; a dry run is rolled back.
        if not kwargs.get("dry_run") and self.touched and not result.has_errors():
            firms_refresh(firm_ids=self.touched)


# --- Files of previews never confirmed -----------------------------------------------------

# Between the preview and the confirmation the uploaded file waits in this folder of the media
# storage (directory/admin.py, FirmImportExportMixin). The confirmation deletes it; a preview
# nobody confirms (refused rows, a closed tab) would leave it there for good.
PENDING_FILES_FOLDER = "django-import-export"
# Older than this, a preview is abandoned: its confirmation then asks for the file again.
PENDING_FILE_MAX_AGE = timedelta(hours=24)


def pending_files_storage():
    """The storage django-import-export's MediaStorage writes to: one named "import_export"
    when STORAGES has it, else the default (MEDIA_ROOT, or the S3 bucket in production)."""
    return storages["import_export"] if "import_export" in storages.backends else storages["default"]


def import_files_delete_abandoned() -> int:
    """Delete the files of previews older than PENDING_FILE_MAX_AGE; how many were deleted.

    Only through the storage's own listdir, get_modified_time and delete, so it works on a
    bucket as on a folder, whichever web host made the preview."""
    storage = pending_files_storage()
    try:
        _folders, names = storage.listdir(PENDING_FILES_FOLDER)
    except FileNotFoundError:  # a folder on disk appears with the first preview
        return 0
    cutoff = timezone.now() - PENDING_FILE_MAX_AGE
    deleted = 0
    for name in names:
        path = f"{PENDING_FILES_FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) >= cutoff:
                continue
        except FileNotFoundError:  # confirmed (and so deleted) since the listing
            continue
        storage.delete(path)
        deleted += 1
    if deleted:
        logger.info("import_files_deleted count=%d", deleted)
    return deleted
