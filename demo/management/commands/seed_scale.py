"""`manage.py seed_scale`: fill a benchmark database with production-sized generated data.

Meant for a database of its own (never production): cities, practice areas, languages,
firms with offices, lawyers, reviews and verifications, and published guides, written with
COPY on PostgreSQL (bulk_create elsewhere), then `firms_refresh()` for every firm. Every generated row is
marked by a "scale-" slug (or belongs to such a row), so `--reset` can remove exactly that.
"""

import math
import random
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from directory.models import (
    City,
    Country,
    Disclaimer,
    Firm,
    Language,
    Lawyer,
    Office,
    PracticeArea,
    Region,
    Review,
    Verification,
)
from directory.services.firms import firms_refresh
from guides.models import Guide, GuideSource

BATCH_SIZE = 2000
SCALE = "scale-"  # every generated slug starts with this
TZ = ZoneInfo("Asia/Shanghai")
# Fixed dates, so the same --seed gives the same data whatever the day.
FIRST_REVIEW_DAY = date(2023, 1, 1)
LAST_REVIEW_DAY = date(2026, 10, 31)
GUIDES_FROM = datetime(2025, 6, 1, 9, 0, tzinfo=TZ)

LANGUAGES = [
    ("en", "English"),
    ("zh", "Chinese"),
    ("ru", "Russian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
]
# Only used when the database has no country at all; XA–XZ are user-assigned ISO codes.
SCALE_COUNTRIES = [(f"X{letter}", f"Scale Country {letter}") for letter in "ABCDE"]
AREAS_PER_GROUP = 5
MAX_GROUPS = 8
CITIES_PER_REGION = 10

NAME_FIRST = ["Amber", "Birch", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbour", "Iris", "Juniper"]
NAME_SECOND = ["Bridge", "Crown", "Field", "Gate", "Hill", "Lantern", "Ridge", "River", "Stone", "Tower"]
NAME_SUFFIX = ["Law", "Legal", "Partners", "Counsel", "Attorneys", "Law Office", "Law Group", "Advocates"]
SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Becker", "Walsh", "Tan"]
GIVEN = ["Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Hao", "Xin", "Anna", "James", "Sophie", "Daniel", "Mei"]
STREETS = ["Lantern Road", "Riverside Avenue", "Birch Street", "Harbour Road", "Garden Lane", "Pine Terrace"]
# One sentence of each generated description is Chinese, so that search is measured in Chinese too.
CHINESE_SENTENCES = [
    "本所律师常年为企业提供网络安全与数据合规服务。",
    "我们在哈尔滨、大连和沈阳处理涉外商事诉讼与仲裁。",
    "团队专注知识产权保护，代理商标和专利纠纷。",
    "为劳动者和用人单位处理劳动争议与工伤赔偿。",
    "婚姻家庭、离婚财产分割与遗产继承咨询。",
    "公司并购、股权投资与外商投资的法律顾问。",
    "松花江畔的刑事辩护律师，提供取保候审咨询。",
    "海事海商、国际贸易与海关合规律师服务。",
]
SIZES = [choice for choice, _label in Firm.Size.choices]
ROLES = [choice for choice, _label in Lawyer.Role.choices]
# Ratings skew positive, as on real review sites.
RATING_WEIGHTS = {1: 5, 2: 7, 3: 15, 4: 33, 5: 40}
REVIEW_TEXTS = [
    ("Clear advice", "They explained the options plainly and answered quickly."),
    ("Good result", "The outcome was what we hoped for; updates were sometimes slow."),
    ("Average", "Competent work at a fair price, but hard to reach at times."),
    ("Too slow", "We waited weeks for answers on an urgent matter."),
    ("Would recommend", "Practical, honest about the risks, and the bill matched the quote."),
]


class Command(BaseCommand):
    help = (
        "Fill the current (benchmark) database with generated cities, practice areas, firms, lawyers, "
        "reviews and guides. Refuses in production, and refuses when firms exist unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("--firms", type=int, default=10_000)
        parser.add_argument("--lawyers", type=int, default=30_000)
        parser.add_argument("--reviews", type=int, default=100_000)
        parser.add_argument("--cities", type=int, default=300)
        parser.add_argument("--areas", type=int, default=40, help="Practice areas to use (existing ones first).")
        parser.add_argument("--guides", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--reset", action="store_true", help="Delete earlier scale data first.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_scale writes generated data and refuses to run in production.")
        for name in ("firms", "cities", "areas"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        for name in ("lawyers", "reviews", "guides"):
            if options[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        if options["guides"] > options["cities"] * options["areas"]:
            raise CommandError("--guides cannot exceed --cities × --areas (one guide per city and area).")
        if not options["reset"]:
            if Firm.objects.exists():
                raise CommandError("The database already has firms. Use a fresh database, or --reset.")
            if City.objects.filter(slug__startswith=SCALE).exists():
                raise CommandError("The database already has scale data. Use --reset to replace it.")

        self.rng = random.Random(options["seed"])
        self.timings = []
        started = time.perf_counter()
        with transaction.atomic():
            if options["reset"]:
                self.phase("reset", self.reset)
            self.phase("languages", self.create_languages)
            cities = self.phase("cities", self.create_cities, options["cities"])
            areas = self.phase("practice areas", self.create_areas, options["areas"])
            firm_ids = self.phase("firms", self.create_firms, options["firms"])
            self.phase("offices", self.create_offices, firm_ids, cities)
            self.phase("firm languages + areas", self.create_firm_links, firm_ids, areas)
            self.phase("lawyers", self.create_lawyers, options["lawyers"], firm_ids)
            self.phase("reviews", self.create_reviews, options["reviews"], firm_ids)
            self.phase("verifications", self.create_verifications, firm_ids)
            if options["guides"]:
                self.phase("guides", self.create_guides, options["guides"], cities, areas)
            refreshed = self.phase("firms_refresh", lambda: firms_refresh())
            if connection.vendor == "postgresql":
                self.phase("analyze", self.analyze)

        total = time.perf_counter() - started
        self.stdout.write("Timings:")
        for name, seconds, result in self.timings:
            self.stdout.write(f"  {name:<24}{seconds:8.2f} s  {result}")
        self.stdout.write(f"  {'total':<24}{total:8.2f} s")
        self.stdout.write(self.style.SUCCESS(f"seed_scale finished: {refreshed} firms refreshed."))

    def phase(self, name, function, *args):
        started = time.perf_counter()
        result = function(*args)
        seconds = time.perf_counter() - started
        summary = f"{len(result)} rows" if isinstance(result, list | dict) else (result or "")
        self.timings.append((name, seconds, summary))
        self.stdout.write(f"{name}: {seconds:.2f} s", ending="\n")
        self.stdout.flush()
        return result

    # --- reset ---------------------------------------------------------------------------

    def reset(self):
        """Delete generated rows, children first; shared rows (languages, other firms) stay."""
        deleted = 0
        deleted += Guide.objects.filter(city__slug__startswith=SCALE).delete()[0]
        deleted += Firm.objects.filter(slug__startswith=SCALE).delete()[0]
        deleted += City.objects.filter(slug__startswith=SCALE).delete()[0]
        deleted += Region.objects.filter(slug__startswith=SCALE).delete()[0]
        deleted += PracticeArea.objects.filter(slug__startswith=SCALE, parent__isnull=False).delete()[0]
        deleted += PracticeArea.objects.filter(slug__startswith=SCALE).delete()[0]
        countries = Country.objects.filter(slug__startswith=SCALE, regions__isnull=True)
        deleted += Disclaimer.objects.filter(country__in=countries).delete()[0]
        deleted += countries.delete()[0]
        return f"{deleted} rows deleted"

    # --- places and taxonomy -------------------------------------------------------------

    def create_languages(self):
        existing = set(Language.objects.values_list("code", flat=True))
        names = set(Language.objects.values_list("name", flat=True))
        new = [
            Language(code=code, name=name) for code, name in LANGUAGES if code not in existing and name not in names
        ]
        Language.objects.bulk_create(new)
        self.languages = list(Language.objects.values_list("pk", flat=True))
        return f"{len(new)} created, {len(self.languages)} in use"

    def create_cities(self, count):
        countries = list(Country.objects.order_by("pk"))
        if not countries:
            for code, name in SCALE_COUNTRIES:
                slug = name.lower().replace(" ", "-")  # "scale-country-a"
                countries.append(Country.objects.create(code=code, name=name, slug=slug))
        # A guide is published only in a country with a legal notice (directory/disclaimers.py).
        for country in countries:
            if not Disclaimer.objects.filter(country=country, practice_area__isnull=True).exists():
                Disclaimer.objects.create(country=country, text_en="Generated legal notice for load tests.")
        n_regions = math.ceil(count / CITIES_PER_REGION)
        Region.objects.bulk_create(
            Region(
                country=countries[index % len(countries)],
                name=f"Scale Region {index + 1:03d}",
                slug=f"{SCALE}region-{index + 1:03d}",
            )
            for index in range(n_regions)
        )
        regions = list(Region.objects.filter(slug__startswith=SCALE).order_by("slug"))
        cities = [
            # bulk_create skips City.save(), which copies the country from the region.
            City(
                region=regions[index // CITIES_PER_REGION],
                country_id=regions[index // CITIES_PER_REGION].country_id,
                name=f"Scale City {index + 1:04d}",
                slug=f"{SCALE}city-{index + 1:04d}",
                is_capital=index % CITIES_PER_REGION == 0,
            )
            for index in range(count)
        ]
        City.objects.bulk_create(cities, batch_size=BATCH_SIZE)
        return list(City.objects.filter(slug__startswith=SCALE).order_by("slug").values_list("pk", flat=True))

    def create_areas(self, count):
        """Use existing practice areas first, then top up with generated ones in generated groups."""
        existing = list(PracticeArea.objects.areas().exclude(slug__startswith=SCALE).order_by("pk")[:count])
        needed = count - len(existing)
        if needed > 0:
            n_groups = min(MAX_GROUPS, math.ceil(needed / AREAS_PER_GROUP))
            PracticeArea.objects.bulk_create(
                PracticeArea(name=f"Scale Group {g + 1}", slug=f"{SCALE}group-{g + 1}", position=900 + g)
                for g in range(n_groups)
            )
            groups = list(PracticeArea.objects.groups().filter(slug__startswith=SCALE).order_by("position"))
            PracticeArea.objects.bulk_create(
                PracticeArea(
                    parent=groups[index % n_groups],
                    name=f"Scale Practice Area {index + 1:03d}",
                    slug=f"{SCALE}area-{index + 1:03d}",
                    synonyms=f"scale topic {index + 1}\nbenchmark area {index + 1}",
                    description=f"Generated practice area {index + 1} for load tests.",
                    position=index + 1,
                )
                for index in range(needed)
            )
        generated = PracticeArea.objects.areas().filter(slug__startswith=SCALE).order_by("slug")
        return [area.pk for area in existing] + list(generated.values_list("pk", flat=True))

    # --- firms ---------------------------------------------------------------------------

    def create_firms(self, count):
        rng = self.rng
        firms = []
        for index in range(count):
            name = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} {rng.choice(NAME_SUFFIX)} {index + 1:05d}"
            description = (
                f"{name} is a generated firm for load tests. It advises companies and individuals, "
                f"drafts contracts, handles disputes and answers requests within {rng.randint(1, 5)} working days. "
                f"{rng.choice(CHINESE_SENTENCES)}"
            )
            domain = f"scale-firm-{index + 1:05d}.example"
            firms.append(
                Firm(
                    name=name,
                    slug=f"{SCALE}firm-{index + 1:05d}",
                    tagline="Generated firm (fictional)",
                    description_md=description,
                    description_html=f"<p>{description}</p>",  # bulk_create skips Firm.save()
                    year_established=rng.randint(1985, 2024) if rng.random() < 0.9 else None,
                    size=rng.choice(SIZES),
                    website=f"https://www.{domain}" if rng.random() < 0.8 else "",
                    email=f"contact@{domain}",
                    phone=f"+86 10 5550 {index % 10000:04d}" if rng.random() < 0.85 else "",
                    is_listed=rng.random() < 0.95,
                    is_accepting_leads=rng.random() < 0.9,
                    lead_capacity_per_week=rng.choice([3, 5, 10, 20]),
                )
            )
        self.insert(Firm, firms)
        return list(Firm.objects.filter(slug__startswith=SCALE).order_by("slug").values_list("pk", flat=True))

    def create_offices(self, firm_ids, cities):
        rng = self.rng
        offices = []
        for number, firm_id in enumerate(firm_ids, start=1):
            n = min(len(cities), rng.choices([1, 2, 3], weights=[60, 30, 10])[0])
            for position, city_id in enumerate(rng.sample(cities, n)):
                offices.append(
                    Office(
                        firm_id=firm_id,
                        city_id=city_id,
                        address=f"{rng.randint(1, 400)} {rng.choice(STREETS)}, Floor {rng.randint(2, 40)}",
                        postal_code=f"{rng.randint(100000, 899999)}",
                        phone=f"+86 10 5551 {number % 10000:04d}",
                        is_headquarters=position == 0,
                    )
                )
        self.insert(Office, offices)
        return offices

    def create_firm_links(self, firm_ids, areas):
        rng = self.rng
        FirmLanguage = Firm.languages.through
        FirmArea = Firm.practice_areas.through
        firm_areas, languages, practice_areas = {}, [], []
        for firm_id in firm_ids:
            for language_id in rng.sample(self.languages, min(len(self.languages), rng.randint(1, 3))):
                languages.append(FirmLanguage(firm_id=firm_id, language_id=language_id))
            chosen = rng.sample(areas, min(len(areas), rng.randint(1, 5)))
            firm_areas[firm_id] = chosen
            practice_areas.extend(FirmArea(firm_id=firm_id, practicearea_id=area_id) for area_id in chosen)
        self.insert(FirmLanguage, languages)
        self.insert(FirmArea, practice_areas)
        self.firm_areas = firm_areas  # lawyers practise in some of their firm's areas
        return f"{len(languages)} language links, {len(practice_areas)} practice-area links"

    def create_lawyers(self, count, firm_ids):
        rng = self.rng
        # Every firm gets one lawyer while they last; the rest go to random firms.
        owners = firm_ids[:count] + [rng.choice(firm_ids) for _ in range(max(0, count - len(firm_ids)))]
        lawyers = []
        for index, firm_id in enumerate(owners):
            name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
            lawyers.append(
                Lawyer(
                    firm_id=firm_id,
                    name=name,
                    slug=f"{SCALE}lawyer-{index + 1:06d}",
                    role=rng.choice(ROLES),
                    bio=f"{name} is a generated lawyer profile for load tests.",
                    bar_admission=f"Scale Lawyers Association, {rng.randint(1990, 2024)}",
                    position=index % 50,
                )
            )
        self.insert(Lawyer, lawyers)
        ids = Lawyer.objects.filter(slug__startswith=SCALE).order_by("slug").values_list("pk", "firm_id")
        LawyerLanguage = Lawyer.languages.through
        LawyerArea = Lawyer.practice_areas.through
        languages, practice_areas = [], []
        for lawyer_id, firm_id in ids:
            for language_id in rng.sample(self.languages, min(len(self.languages), rng.randint(1, 2))):
                languages.append(LawyerLanguage(lawyer_id=lawyer_id, language_id=language_id))
            options = self.firm_areas[firm_id]
            for area_id in rng.sample(options, min(len(options), rng.randint(1, 2))):
                practice_areas.append(LawyerArea(lawyer_id=lawyer_id, practicearea_id=area_id))
        self.insert(LawyerLanguage, languages)
        self.insert(LawyerArea, practice_areas)
        return f"{len(lawyers)} rows, {len(languages)} language links, {len(practice_areas)} practice-area links"

    def create_reviews(self, count, firm_ids):
        rng = self.rng
        ratings, weights = list(RATING_WEIGHTS), list(RATING_WEIGHTS.values())
        span = (LAST_REVIEW_DAY - FIRST_REVIEW_DAY).days
        start = datetime.combine(FIRST_REVIEW_DAY, datetime.min.time(), tzinfo=TZ)
        reviews = []
        for index in range(count):
            draw = rng.random()
            status = Review.Status.PUBLISHED if draw < 0.85 else Review.Status.PENDING
            if draw >= 0.95:
                status = Review.Status.REJECTED
            title, body = rng.choice(REVIEW_TEXTS)
            reviews.append(
                Review(
                    firm_id=rng.choice(firm_ids),
                    author_name=f"Reviewer {index + 1}",
                    rating=rng.choices(ratings, weights=weights)[0],
                    title=title,
                    body=body,
                    status=status,
                    is_verified=rng.random() < 0.3,
                    rejection_reason="Generated rejection for load tests." if status == Review.Status.REJECTED else "",
                    created_at=start + timedelta(days=rng.randint(0, span), minutes=rng.randint(0, 1439)),
                )
            )
            if len(reviews) >= BATCH_SIZE * 5:  # keep memory flat at 100k reviews
                self.insert(Review, reviews)
                reviews = []
        self.insert(Review, reviews)
        return f"{count} rows"

    def create_verifications(self, firm_ids):
        rng = self.rng
        verifications = [
            Verification(
                firm_id=firm_id,
                checked_business_licence=True,
                checked_lawyer_licences=rng.random() < 0.7,
                checked_office_address=rng.random() < 0.6,
                checked_contact_details=True,
                verified_by="Scale Operator",
                verified_on=LAST_REVIEW_DAY - timedelta(days=rng.randint(0, 600)),
            )
            for firm_id in firm_ids
            if rng.random() < 0.4
        ]
        self.insert(Verification, verifications)
        return verifications

    # --- guides --------------------------------------------------------------------------

    def create_guides(self, count, cities, areas):
        rng = self.rng
        language = settings.LANGUAGE_CODE.split("-")[0]
        pairs = rng.sample(range(len(cities) * len(areas)), count)
        guides = []
        for number, pair in enumerate(pairs, start=1):
            city_id, area_id = cities[pair // len(areas)], areas[pair % len(areas)]
            texts = {
                prefix: f"Generated {prefix.replace('_', ' ')} text for scale guide {number}."
                for prefix in ("about", "why", "local_laws", "resources", "next_steps", "disclaimer")
            }
            published_at = GUIDES_FROM + timedelta(days=rng.randint(0, 365), hours=rng.randint(0, 23))
            guides.append(
                Guide(
                    city_id=city_id,
                    practice_area_id=area_id,
                    language=language,
                    status="published",
                    published_at=published_at,
                    meta_description=f"Generated guide {number} for load tests.",
                    summary=f"Scale guide {number}: a short generated summary.",
                    reviewer_name="Scale Reviewer (fictional)",
                    reviewer_credentials="Generated for load tests",
                    last_reviewed_on=published_at.date(),
                    # bulk_create skips Guide.save(), which renders the Markdown.
                    **{f"{prefix}_md": text for prefix, text in texts.items()},
                    **{f"{prefix}_html": f"<p>{text}</p>" for prefix, text in texts.items()},
                )
            )
        Guide.objects.bulk_create(guides, batch_size=BATCH_SIZE)
        guide_ids = Guide.objects.filter(city__slug__startswith=SCALE).values_list("pk", flat=True)
        sources = [
            GuideSource(
                guide_id=guide_id,
                title=f"Generated source {position} for guide {guide_id}",
                issuing_body="Scale Issuing Body",
                url="https://law.example/scale",
                issued_on=date(2021, 1, 1),
                position=position,
            )
            for guide_id in guide_ids.iterator()
            for position in range(1, rng.randint(1, 3) + 1)
        ]
        GuideSource.objects.bulk_create(sources, batch_size=BATCH_SIZE)
        return guides

    def insert(self, model, objs):
        """Write unsaved rows: with COPY on PostgreSQL (psycopg's cursor.copy(), about five times
        faster than INSERTs for a million reviews), with bulk_create elsewhere."""
        if connection.vendor != "postgresql":
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
            return
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for obj in objs:
                copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])

    def analyze(self):
        # Fresh statistics, so benchmarks see the query plans production would.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return "done"
