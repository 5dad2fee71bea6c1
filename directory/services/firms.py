"""What is derived from a firm's profile and reviews (rating, counts, completeness, rank, search
document), recomputed after every change to them; and the cached public pages retired with it."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum, Value

from lawzana.page_cache import content_generation_bump

from ..models import Firm, Lawyer, Review, Verification
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


def firms_refresh(*, firm_ids: Iterable[int] | None = None) -> int:
    """Recompute what is derived from a firm's profile and reviews: rating, review counts,
    completeness, ranking score, verification date and search document.

    Call it after anything that feeds those changes (a review moderated, a profile or its
    offices, lawyers, languages or practice areas edited, a verification recorded).
    Works in batches with a fixed number of queries per batch. Returns the firms updated.
    """
    ids = list(firm_ids) if firm_ids is not None else list(Firm.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        _refresh_batch(ids[start : start + BATCH_SIZE])
    # Why: every change a visitor sees on a firm (profile, reviews) ends in this call, so it
    # is where cached public pages that list firms are retired.
    content_generation_bump()
    return len(ids)


def _counts(model_field, ids):
    """{firm_id: number of related rows} for one relation, in one grouped query."""
    through = model_field.remote_field.through if model_field.many_to_many else model_field.related_model
    return dict(
        through.objects.filter(firm_id__in=ids).values("firm_id").annotate(n=Count("pk")).values_list("firm_id", "n")
    )


@transaction.atomic
def _refresh_batch(ids: list[int]) -> None:
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
    for firm in firms:
        before = [getattr(firm, name) for name in DERIVED_FIELDS]
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
        if [getattr(firm, name) for name in DERIVED_FIELDS] != before:
            changed_firms.append(firm)

    # Only rows that changed are written: a refresh of an unchanged firm costs no UPDATE.
    Firm.objects.bulk_update(changed_firms, DERIVED_FIELDS)
    changed_lawyers = []
    for lawyer in (lawyer for group in lawyers_by_firm.values() for lawyer in group):
        text = document([lawyer.name, lawyer.get_role_display(), lawyer.bar_admission])
        if text != lawyer.search_text:
            lawyer.search_text = text
            changed_lawyers.append(lawyer)
    Lawyer.objects.bulk_update(changed_lawyers, ["search_text"])
    if connection.vendor == "postgresql" and changed_firms:
        from django.contrib.postgres.search import SearchVector

        # The name weighs most (A), so a firm named for the search comes before one that
        # only mentions it.
        for firm in changed_firms:
            firm.search_vector = SearchVector(
                Value(document([firm.name])), weight="A", config="english"
            ) + SearchVector("search_text", weight="B", config="english")
        Firm.objects.bulk_update(changed_firms, ["search_vector"])


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
