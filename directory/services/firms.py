"""What is derived from a firm's profile and reviews (rating, counts, completeness, rank, search
document), recomputed after every change to them; and the cached public pages that show what
changed retired with it (directory/page_tags.py)."""

import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum

from lawzana.page_cache import retire

from .. import page_tags
from ..models import Firm, Lawyer, Office, Review, Verification
from ..ranking import RankingInputs, completeness, ranking_score
from ..search import document, is_han, words
from ..translation import every_language

BATCH_SIZE = 500

DERIVED_FIELDS = [
    "rating_average",
    "review_count",
    "verified_review_count",
    "completeness",
    "ranking_score",
    "verified_on",
    "search_text",
]


def firms_refresh(*, firm_ids: Iterable[int] | None = None, shown: bool = True) -> int:
    """Recompute what is derived from a firm's profile and reviews: rating, review counts,
    completeness, ranking score, verification date and search document; then retire the
    cached pages that show what changed.

    Call it after anything that feeds those changes (a review moderated, a profile or its
    offices, lawyers, languages or practice areas edited, a verification recorded). With
    `shown` (the default), the caller changed something the firm's pages show, and they are
    retired whatever the figures do; without it (the response figures, maintenance), only if
    a figure they show changed. Listings are retired only where the firms they list, or their
    order, changed. Works in batches with a fixed number of queries per batch. Returns the
    firms updated.
    """
    ids = list(firm_ids) if firm_ids is not None else list(Firm.objects.values_list("pk", flat=True))
    tags: set[str] = set()
    for start in range(0, len(ids), BATCH_SIZE):
        tags |= _refresh_batch(ids[start : start + BATCH_SIZE], shown=shown)
    retire(*tags)
    return len(ids)


# What a firm's card and profile show of the derived fields, as shown (the response time
# is shown in whole hours, completeness in whole percent).
def _shown_figures(firm) -> tuple:
    return (
        firm.rating_average,
        firm.review_count,
        firm.verified_review_count,
        firm.verified_on,
        round(firm.completeness * 100),
        None if firm.median_response_hours is None else round(firm.median_response_hours),
    )


def _listing_state(firm, offices) -> dict:
    """What decides whether a listing or a filter shows the firm (not its order, which
    _order_changed compares): JSON, kept on the firm as it was last shown."""
    areas = list(firm.practice_areas.all())
    return {
        "listed": firm.is_listed,
        "cities": sorted({office.city_id for office in offices}),
        "countries": sorted({office.city.country_id for office in offices}),
        # A landing page of a group of areas lists the firms of each area in it.
        "areas": sorted({area.pk for area in areas} | {area.parent_id for area in areas if area.parent_id}),
        "languages": sorted(language.pk for language in firm.languages.all()),
        "rating": None if firm.rating_average is None else str(firm.rating_average),
        "reviews": firm.review_count,
        "verified": None if firm.verified_on is None else firm.verified_on.isoformat(),
        "size": firm.size,
        "year": firm.year_established,
    }


def listing_tags(state: dict) -> set[str]:
    """The listings a firm in `state` (see _listing_state) appears in or counts for."""
    areas = state.get("areas", ())
    return {
        page_tags.SEARCH,
        *(page_tags.listing(city_id, area_id) for city_id in state.get("cities", ()) for area_id in areas),
        *(page_tags.nearby(country_id, area_id) for country_id in state.get("countries", ()) for area_id in areas),
    }


def _order_changed(old_scores: dict[int, float]) -> set[str]:
    """The listings whose order changed when the firms in `old_scores` ({firm_id: score before})
    got their current ranking scores: each city's and each country's list of the firms of one
    practice area (or group), as landing pages and their nearby firms show them. One query."""
    if not old_scores:
        return set()
    moved = list(old_scores)
    rows = (
        Firm.objects.listed()
        .filter(
            offices__city__country__in=Office.objects.filter(firm_id__in=moved).values("city__country_id"),
            practice_areas__in=Firm.practice_areas.through.objects.filter(firm_id__in=moved).values("practicearea_id"),
        )
        .values_list(
            "offices__city_id",
            "offices__city__country_id",
            "practice_areas",
            "practice_areas__parent_id",
            "pk",
            "ranking_score",
            "name",
        )
        .distinct()
    )
    lists: dict[str, set] = defaultdict(set)
    for city_id, country_id, area_id, parent_id, firm_id, score, name in rows:
        for area in (area_id, parent_id):
            if area is not None:
                lists[page_tags.listing(city_id, area)].add((firm_id, score, name))
                lists[page_tags.nearby(country_id, area)].add((firm_id, score, name))
    tags = set()
    for tag, firms in lists.items():
        if not any(firm[0] in old_scores for firm in firms):
            continue
        # The default order of a listing (directory/filters.py SORTS["rank"]).
        now = sorted(firms, key=lambda f: (-f[1], f[2], f[0]))
        before = sorted(firms, key=lambda f: (-old_scores.get(f[0], f[1]), f[2], f[0]))
        if [f[0] for f in now] != [f[0] for f in before]:
            tags |= {tag, page_tags.SEARCH}
    return tags


def _counts(model_field, ids):
    """{firm_id: number of related rows} for one relation, in one grouped query."""
    through = model_field.remote_field.through if model_field.many_to_many else model_field.related_model
    return dict(
        through.objects.filter(firm_id__in=ids).values("firm_id").annotate(n=Count("pk")).values_list("firm_id", "n")
    )


@transaction.atomic
def _refresh_batch(ids: list[int], *, shown: bool) -> set[str]:
    """Recompute one batch; the page tags its changes retire."""
    # One grouped query per relation: joining them all at once would multiply the rows.
    counts = {
        "languages": _counts(Firm._meta.get_field("languages"), ids),
        "practice_areas": _counts(Firm._meta.get_field("practice_areas"), ids),
        "offices": _counts(Firm._meta.get_field("offices"), ids),
        "lawyers": _counts(Firm._meta.get_field("lawyers"), ids),
    }
    firms = list(Firm.objects.filter(pk__in=ids).prefetch_related("practice_areas", "offices__city", "languages"))
    reviews = {
        row["firm_id"]: row
        for row in Review.objects.published()
        .filter(firm_id__in=ids)
        .values("firm_id")
        .annotate(n=Count("pk"), total=Sum("rating"), verified=Count("pk", filter=Q(is_verified=True)))
    }
    verified_on = dict(
        Verification.objects.filter(firm_id__in=ids)
        .values("firm_id")
        .annotate(last=Max("verified_on"))
        .values_list("firm_id", "last")
    )
    lawyers_by_firm = defaultdict(list)
    for lawyer in Lawyer.objects.filter(firm_id__in=ids).prefetch_related("practice_areas"):
        lawyers_by_firm[lawyer.firm_id].append(lawyer)

    changed_firms = []
    tags: set[str] = set()
    old_scores: dict[int, float] = {}
    listing_changed = []
    for firm in firms:
        before = [getattr(firm, name) for name in DERIVED_FIELDS]
        figures_before = _shown_figures(firm)
        stats = reviews.get(firm.pk, {"n": 0, "total": 0, "verified": 0})
        firm.review_count = stats["n"]
        firm.verified_review_count = stats["verified"]
        firm.rating_average = (Decimal(stats["total"]) / stats["n"]).quantize(Decimal("0.01")) if stats["n"] else None
        firm.completeness = completeness(
            firm=firm, counts={relation: counts[relation].get(firm.pk, 0) for relation in counts}
        )
        firm.ranking_score = ranking_score(
            RankingInputs(
                review_count=stats["n"],
                rating_sum=stats["total"] or 0,
                completeness=firm.completeness,
                response_score=firm.response_score,
            )
        )
        firm.verified_on = verified_on.get(firm.pk)
        firm.search_text = _firm_document(firm, lawyers_by_firm[firm.pk])
        if shown or _shown_figures(firm) != figures_before:
            tags.add(page_tags.firm(firm.pk))
        if firm.search_text != before[DERIVED_FIELDS.index("search_text")]:
            tags.add(page_tags.SEARCH)
        state = _listing_state(firm, firm.offices.all())
        if state != firm.listing_state:
            # Where it was listed (counts, filters) and where it is now.
            tags |= listing_tags(firm.listing_state) | listing_tags(state)
            firm.listing_state = state
            listing_changed.append(firm)
        elif firm.is_listed and firm.ranking_score != before[DERIVED_FIELDS.index("ranking_score")]:
            old_scores[firm.pk] = before[DERIVED_FIELDS.index("ranking_score")]
        if [getattr(firm, name) for name in DERIVED_FIELDS] != before:
            changed_firms.append(firm)

    # Only rows that changed are written: a refresh of an unchanged firm costs no UPDATE.
    changed_lawyers = []
    for lawyer in (lawyer for group in lawyers_by_firm.values() for lawyer in group):
        text = document([lawyer.name, lawyer.get_role_display(), lawyer.bar_admission])
        if text != lawyer.search_text:
            lawyer.search_text = text
            changed_lawyers.append(lawyer)
    if connection.vendor == "postgresql":
        _update_from_arrays(
            Firm,
            changed_firms,
            DERIVED_FIELDS,
            extra=[("name_document", "text", lambda firm: document([firm.name]))],
            # The name weighs most (A), so a firm named for the search comes before one that
            # only mentions it. Written with the row's other derived fields: one UPDATE per row.
            also="search_vector = setweight(to_tsvector('english'::regconfig, COALESCE(v.name_document, '')), 'A')"
            " || setweight(to_tsvector('english'::regconfig, COALESCE(v.search_text, '')), 'B'), "
            "name_vector = setweight(to_tsvector('english'::regconfig, COALESCE(v.name_document, '')), 'A')",
        )
        _update_from_arrays(
            Firm,
            listing_changed,
            [],
            extra=[("listing_state_json", "text", lambda firm: json.dumps(firm.listing_state))],
            also="listing_state = v.listing_state_json::jsonb",
        )
        _update_from_arrays(Lawyer, changed_lawyers, ["search_text"])
    else:
        Firm.objects.bulk_update(changed_firms, DERIVED_FIELDS)
        Firm.objects.bulk_update(listing_changed, ["listing_state"])
        Lawyer.objects.bulk_update(changed_lawyers, ["search_text"])
    if changed_lawyers:
        tags.add(page_tags.SEARCH)  # the search's list of lawyers
    # Once the new scores are written: it compares the lists as they are now with before.
    tags |= _order_changed(old_scores)
    return tags


def _update_from_arrays(model, objs, fields, *, extra=(), also=""):
    """UPDATE `fields` of `objs` in one statement, each column sent as one array parameter
    (UPDATE ... FROM unnest(...)). Django's bulk_update builds a CASE WHEN branch per row and
    field, which cost more than half of a refresh (about 5 ms per firm) in Python alone.
    `extra`: (name, SQL type, value of an obj) columns that only `also` (more SET clauses,
    reading them as v.name) uses."""
    if not objs:
        return
    columns = [("id", model._meta.pk.db_type(connection), [obj.pk for obj in objs])]
    for name in fields:
        field = model._meta.get_field(name)
        values = [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs]
        columns.append((field.column, field.db_type(connection), values))
    columns += [(name, sql_type, [value(obj) for obj in objs]) for name, sql_type, value in extra]
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = [
        f"{connection.ops.quote_name(model._meta.get_field(name).column)} = v.{model._meta.get_field(name).column}"
        for name in fields
    ]
    if also:
        assignments.append(also)
    unnest = ", ".join(f"%s::{sql_type}[]" for _column, sql_type, _values in columns)
    names = ", ".join(column for column, _sql_type, _values in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(assignments)} FROM unnest({unnest}) AS v({names}) WHERE {table}.id = v.id",
            [values for _column, _sql_type, values in columns],
        )


def _firm_document(firm, lawyers) -> str:
    """Everything a visitor may type to find this firm, accent-folded (directory.search)."""
    # Names in every language, read column by column: the document must not depend on the
    # language of the request that happened to save the firm.
    parts = [firm.name, firm.tagline, firm.description_md, firm.tagline_zh_hans, firm.description_md_zh_hans]
    for area in firm.practice_areas.all():
        parts += [*_every_name(area), *_lines(area, "synonyms")]
    for office in firm.offices.all():
        # Only the Chinese of an address: its district and street are what people search
        # for, while English addresses' "Road" and "Floor" would match most firms.
        parts += [*_every_name(office.city), *(word for word in words(office.address) if is_han(word))]
    parts += [language.name for language in firm.languages.all()]
    for lawyer in lawyers:
        parts.append(lawyer.name)
        for area in lawyer.practice_areas.all():
            parts += _every_name(area)
    return document(parts)


def _every_name(obj) -> list[str]:
    return [getattr(obj, column) or "" for column in every_language("name")]


def _lines(obj, field) -> list[str]:
    return [line.strip() for column in every_language(field) for line in (getattr(obj, column) or "").splitlines()]
