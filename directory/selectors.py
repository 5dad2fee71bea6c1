"""Read-side queries shared by the landing page, search, compare, intake matching and the
portal. Each returns a queryset with what its page needs loaded in a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import RowNumber

from .models import Article, City, Firm, Lawyer, Office, PracticeArea, Review, ServiceFee
from .search import han_terms, han_tsquery, query_terms, term_pattern
from .translation import every_language, localized


def practice_area_ids(practice_area: PracticeArea) -> list[int]:
    """The area itself, plus its areas when it is a group."""
    if practice_area.is_group:
        return [practice_area.pk, *practice_area.children.values_list("pk", flat=True)]
    return [practice_area.pk]


def firms_serving(
    *, practice_area: PracticeArea, cities: Iterable | None = None, city: City | None = None
) -> QuerySet:
    """Listed firms offering `practice_area` (or one of its areas) from an office in `city`
    (or in any of `cities`), ordered by rank. Exists() keeps one row per firm without DISTINCT."""
    city_filter = {"city": city} if city is not None else {"city__in": cities}
    offers_area = Firm.practice_areas.through.objects.filter(
        firm_id=OuterRef("pk"), practicearea_id__in=practice_area_ids(practice_area)
    )
    has_office = Office.objects.filter(firm_id=OuterRef("pk"), **city_filter)
    return Firm.objects.listed().filter(Exists(offers_area), Exists(has_office))


# A firm's long texts: pages that list or compare firms show none of them, so they stay in the
# database.
LONG_TEXTS = (
    "description_md",
    "description_html",
    "description_md_zh_hans",
    "description_html_zh_hans",
    "search_text",
    "search_vector",
    "name_vector",
)


def with_card_data(firms: QuerySet, *, city: City | None = None) -> QuerySet:
    """What a firm card (includes/firm_card.html) shows: languages and its offices (in `city`
    if given), and its lowest priced fee (`fee_from_amount`, `_currency`, `_model`, subqueries
    of the firm's own query, so no query more). Its practice areas are not on the card, so
    they are not loaded."""
    offices = Office.objects.select_related("city")
    if city is not None:
        offices = offices.filter(city=city)
    lowest_fee = ServiceFee.objects.filter(firm_id=OuterRef("pk"), amount_min__isnull=False).order_by(
        "amount_min", "pk"
    )
    return (
        firms.defer(*LONG_TEXTS)
        .annotate(
            fee_from_amount=Subquery(lowest_fee.values("amount_min")[:1]),
            fee_from_currency=Subquery(lowest_fee.values("currency")[:1]),
            fee_from_model=Subquery(lowest_fee.values("fee_model")[:1]),
        )
        .prefetch_related(
            "languages",
            Prefetch("offices", queryset=offices, to_attr="card_offices"),
        )
    )


def firms_nearby(*, practice_area: PracticeArea, city: City, limit: int) -> list[Firm]:
    """Up to `limit` listed firms offering `practice_area` from an office elsewhere in `city`'s
    country: those with an office in its region first, then the others, each by rank. Where
    intake matching looks when a city has no firm (city, then region, then country), so a page
    without firms shows whom a request would reach. Two queries.

    Each firm carries `in_region` and `nearby_cities`: the names of its cities in the region
    (or, for the others, in the country), without `city`."""
    elsewhere = City.objects.filter(country_id=city.country_id).exclude(pk=city.pk)
    in_region = Office.objects.filter(firm_id=OuterRef("pk"), city__region_id=city.region_id).exclude(city=city)
    offices = Office.objects.filter(city__in=elsewhere).select_related("city").order_by(f"city__{localized('name')}")
    firms = list(
        firms_serving(practice_area=practice_area, cities=elsewhere)
        .annotate(in_region=Exists(in_region))
        .only("name", "slug", "logo", "updated_at", "rating_average", "review_count", "verified_on")
        .prefetch_related(Prefetch("offices", queryset=offices, to_attr="offices_elsewhere"))
        .order_by("-in_region", "-ranking_score", "name")[:limit]
    )
    for firm in firms:
        cities = [o.city for o in firm.offices_elsewhere if not firm.in_region or o.city.region_id == city.region_id]
        firm.nearby_cities = list(dict.fromkeys(c.name for c in cities))
    return firms


@dataclass
class AreaFirms:
    area: PracticeArea
    total: int  # listed firms offering the area in the city
    firms: list  # the best ranked of them, best first


def best_firms_by_area(*, city: City, per_area: int) -> list[AreaFirms]:
    """Each practice area that listed firms offer from an office in `city`, in the taxonomy's
    order, with how many firms offer it there and the `per_area` best ranked (name, slug,
    logo, rating and verification loaded). One query however many areas and firms: the firms are
    ranked within each area by a window function, and only the best rows come back."""
    offers = Firm.practice_areas.through.objects
    in_area = {"partition_by": F("practicearea_id")}
    rows = (
        offers.filter(Exists(Office.objects.filter(firm_id=OuterRef("firm_id"), city=city)), firm__is_listed=True)
        .annotate(
            position=Window(RowNumber(), order_by=[F("firm__ranking_score").desc(), F("firm__name").asc()], **in_area),
            area_total=Window(Count("pk"), **in_area),
        )
        .filter(position__lte=per_area)
        .select_related("firm", "practicearea__parent")
        .only(
            "firm",
            "practicearea",
            *(
                f"firm__{name}"
                for name in ("name", "slug", "logo", "updated_at", "rating_average", "review_count", "verified_on")
            ),
            *(f"practicearea__{name}" for name in ("slug", "position", "parent", *every_language("name"))),
            *(f"practicearea__parent__{name}" for name in ("slug", "position", *every_language("name"))),
        )
        .order_by(
            "practicearea__parent__position",
            f"practicearea__parent__{localized('name')}",
            "practicearea__position",
            f"practicearea__{localized('name')}",
            "position",
        )
    )
    areas: list[AreaFirms] = []
    for row in rows:
        if not areas or areas[-1].area.pk != row.practicearea_id:
            areas.append(AreaFirms(area=row.practicearea, total=row.area_total, firms=[]))
        areas[-1].firms.append(row.firm)
    return areas


def firm_profile(*, slug: str) -> Firm:
    """A listed firm with everything its profile page shows (raises Firm.DoesNotExist)."""
    return (
        Firm.objects.listed()
        .prefetch_related(
            "languages",
            "social_links",
            "fees",
            Prefetch("practice_areas", queryset=PracticeArea.objects.select_related("parent").order_by("name")),
            Prefetch("offices", queryset=Office.objects.select_related("city__region", "city__country")),
            Prefetch(
                "lawyers",
                queryset=Lawyer.objects.prefetch_related(
                    "languages", Prefetch("practice_areas", queryset=PracticeArea.objects.order_by("name"))
                ),
            ),
            Prefetch("articles", queryset=Article.objects.published(), to_attr="published_articles"),
            Prefetch(
                "reviews",
                queryset=Review.objects.published().order_by("-created_at")[: settings.FIRM_PROFILE_REVIEWS],
                to_attr="published_reviews",
            ),
            Prefetch("verifications", to_attr="verification_history"),
        )
        .get(slug=slug)
    )


def firms_picked(*, slugs: list[str]) -> list[Firm]:
    """The listed firms among `slugs`, in that order, with their names only: who was picked
    to compare, before the comparison loads anything else."""
    by_slug = {firm.slug: firm for firm in Firm.objects.listed().filter(slug__in=slugs).only("slug", "name")}
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def firms_for_compare(*, slugs: list[str]) -> list[Firm]:
    """Listed firms with what the comparison table shows, in the order of `slugs`."""
    firms = (
        Firm.objects.listed()
        .filter(slug__in=slugs)
        .defer(*LONG_TEXTS)
        .prefetch_related(
            "languages",
            "fees",
            Prefetch("practice_areas", queryset=PracticeArea.objects.order_by("name")),
            Prefetch("offices", queryset=Office.objects.select_related("city"), to_attr="all_offices"),
        )
    )
    by_slug = {firm.slug: firm for firm in firms}
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def listed_firm_counts(*, city: City, covers: dict[int, list[int]]) -> dict[int, int]:
    """For each practice area in `covers` ({area pk: the pks it covers, its areas' too for a
    group}), how many listed firms offer it from an office in `city`. One query."""
    if not covers:
        return {}
    has_office = Office.objects.filter(firm_id=OuterRef("firm_id"), city=city)
    offers = (
        Firm.practice_areas.through.objects.filter(
            practicearea_id__in={pk for pks in covers.values() for pk in pks}, firm__is_listed=True
        )
        .filter(Exists(has_office))
        .values_list("practicearea_id", "firm_id")
    )
    firms_by_area: dict[int, set[int]] = {}
    for area_id, firm_id in offers:
        firms_by_area.setdefault(area_id, set()).add(firm_id)
    return {
        pk: len(set().union(*(firms_by_area.get(covered, set()) for covered in pks))) for pk, pks in covers.items()
    }


def _firm_search_query(query: str):
    """The PostgreSQL SearchQuery for `query`, or None when it holds no word to search for."""
    from django.contrib.postgres.search import SearchQuery

    terms, chinese = query_terms(query), han_terms(query)
    searches = []
    if terms:
        searches.append(SearchQuery(" ".join(terms), config="english", search_type="plain"))
    if chinese:
        searches.append(SearchQuery(han_tsquery(chinese), config="simple", search_type="raw"))
    if not searches:
        return None
    return searches[0] if len(searches) == 1 else searches[0] & searches[1]


def firm_search(*, query: str) -> QuerySet:
    """Listed firms matching free text: names, description, practice areas and their
    synonyms, cities, languages, lawyers. Case- and accent-insensitive. PostgreSQL uses
    full-text search (English stemming, GIN index); other databases match word stems.
    Chinese words are found as words or substrings (directory.search). On PostgreSQL, firms
    named for the words come first, then the others, each by rank (FirmSearchResults reads
    one page of them without ordering every match)."""
    terms, chinese = query_terms(query), han_terms(query)
    firms = Firm.objects.listed()
    if not terms and not chinese:
        return firms.none()
    if connection.vendor == "postgresql":
        search = _firm_search_query(query)
        return firms.filter(search_vector=search).order_by(
            ExpressionWrapper(Q(name_vector=search), output_field=BooleanField()).desc(), "-ranking_score", "name"
        )
    condition = _han_condition(chinese)
    for term in terms:
        condition &= Q(search_text__contains=term_pattern(term))
    return firms.filter(condition).order_by("-ranking_score", "name")


class FirmSearchResults:
    """firm_search(query) as a paginator's object list: its count, up to `count_limit` + 1,
    and each page read by one query.

    Ordering every match (firms named for the words first) reads every matching row, and for
    a Chinese query every match's search vector again, to check the order of its characters:
    70 ms for the 12,000 firms that 网络安全律师 finds among 100,000. Up to `count_limit`
    matches that is what a page does; past it, each tier is read in rank order only as far as
    the page's last row, both in one UNION ALL, so that a page reads about as many rows as it
    shows:

    - named for the words: name_vector (small, in the row, its own GIN index) alone, which the
      planner estimates well;
    - the others, only when the named ones end before the page does (a uniform NOT EXISTS the
      planner runs once, before anything else): otherwise its estimate, which takes the two
      conditions as independent, walked the rank index through every firm for "delta", which
      only names hold (1 s at 100,000 firms).

    `prepare` adds what the page shows (with_card_data). On SQLite firm_search is sliced as is.
    """

    ordered = True  # for Paginator, which warns about unordered lists

    def __init__(self, query: str, *, count_limit: int, prepare=lambda firms: firms):
        self.found = firm_search(query=query)
        self.search = _firm_search_query(query) if connection.vendor == "postgresql" else None
        self.count_limit = count_limit
        self.prepare = prepare
        self._count = None

    def count(self) -> int:
        """The matches, counted up to count_limit + 1 (more than the limit: count_limit + 1)."""
        if self._count is None:
            # Without the order: a sliced subquery keeps it, and sorted every match to count them.
            self._count = self.found.order_by().values("pk")[: self.count_limit + 1].count()
        return self._count

    def __len__(self):
        return self.count()

    def __iter__(self):
        # Every match, in the same order (what a page reads is a slice of this).
        return iter(self.prepare(self.found))

    def __getitem__(self, index: int | slice):
        if isinstance(index, int):
            return self[index : index + 1][0]
        if index.step is not None:
            raise TypeError("FirmSearchResults takes a slice without a step.")
        if self.search is None or self.count() <= self.count_limit:
            return list(self.prepare(self.found)[index])
        start, stop = index.start or 0, index.stop
        # A name that matches is part of the firm's search vector (its A lexemes), so it
        # matches the search too.
        named = Firm.objects.listed().filter(name_vector=self.search)
        named_end = ~Exists(named.order_by()[stop - 1 : stop])
        others = (
            Firm.objects.listed().filter(search_vector=self.search).exclude(name_vector=self.search).filter(named_end)
        )
        parts = [
            self.prepare(part.annotate(search_tier=Value(tier))).order_by("-ranking_score", "name")[:stop]
            for tier, part in enumerate((named, others))
        ]
        return list(parts[0].union(parts[1], all=True).order_by("search_tier", "-ranking_score", "name")[start:stop])


def _han_condition(chinese) -> Q:
    """The fallback's Chinese search: each word as a substring of the document, or all of
    its smaller words anywhere in it."""
    condition = Q()
    for term in chinese:
        found = Q(search_text__contains=term.text)
        if term.parts:
            found |= Q(*(Q(search_text__contains=part) for part in term.parts))
        condition &= found
    return condition


def lawyer_search(*, query: str) -> QuerySet:
    """Lawyers of listed firms whose name, role or bar admission matches every word, as a
    word or the start of one (a Chinese word: as a word or a substring)."""
    terms, chinese = query_terms(query), han_terms(query)
    if not terms and not chinese:
        return Lawyer.objects.none()
    lawyers = Lawyer.objects.filter(firm__is_listed=True)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # Served by the GIN index of migration 0005. Terms are \w+ only, so they cannot
        # carry tsquery operators.
        clauses = [f"{term}:*" for term in terms]
        if chinese:
            clauses.append(f"({han_tsquery(chinese)})")
        lawyers = lawyers.annotate(document=SearchVector("search_text", config="simple")).filter(
            document=SearchQuery(" & ".join(clauses), config="simple", search_type="raw")
        )
    else:
        condition = _han_condition(chinese)
        for term in terms:
            condition &= Q(search_text__contains=f" {term}")
        lawyers = lawyers.filter(condition)
    return lawyers.select_related("firm").order_by("name")
