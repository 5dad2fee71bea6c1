import hashlib
import math
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from lawzana.i18n import close_han_gaps
from lawzana.markdown import render_markdown

from .firm_slugs import validate_firm_slug
from .licences import LICENCE_MAX_LENGTH, normalise_licence, validate_licence_for_country, validate_licence_format


class Country(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        help_text=_("Two-letter ISO 3166-1 code, e.g. CN."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name


class Region(models.Model):
    """A province, state or other first-level division of a country."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="regions", verbose_name=_("country"))
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(fields=["country", "slug"], name="region_unique_slug_per_country"),
            models.UniqueConstraint(fields=["country", "name"], name="region_unique_name_per_country"),
        ]

    def __str__(self):
        return f"{self.name}, {self.country.name}"


class CityQuerySet(models.QuerySet):
    def with_place(self):
        return self.select_related("region", "country")


class City(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cities", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=100)
    # Unique per country (not per region) because public URLs are /lawyers/<country>/<city>/.
    slug = models.SlugField(_("slug"), max_length=100)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="cities",
        editable=False,
        verbose_name=_("country"),
        help_text=_("Copied from the region, so that city slugs can be unique per country."),
    )
    is_capital = models.BooleanField(
        _("regional capital"), default=False, help_text=_("Capital of its province or state.")
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.UniqueConstraint(fields=["country", "slug"], name="city_unique_slug_per_country"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.country_id = self.region.country_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guides:city_detail", kwargs={"country": self.country.slug, "city": self.slug})

    @property
    def display_name(self):
        # Chinese puts the country first and needs no comma: 中国哈尔滨.
        return close_han_gaps(gettext("%(city)s, %(country)s") % {"city": self.name, "country": self.country.name})

    @property
    def region_display_name(self):
        """Where the city is: "Heilongjiang, China", 中国黑龙江省."""
        names = {"region": self.region.name, "country": self.country.name}
        return close_han_gaps(gettext("%(region)s, %(country)s") % names)


class PracticeAreaQuerySet(models.QuerySet):
    def groups(self):
        return self.filter(parent__isnull=True)

    def areas(self):
        return self.filter(parent__isnull=False)


class PracticeArea(models.Model):
    """A two-level taxonomy: groups (no parent) contain practice areas."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("group"),
        help_text=_("Leave empty for a group such as “Technology & Data”."),
    )
    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_("Other words people search for, one per line (e.g. “GDPR”, “privacy”)."),
    )
    description = models.TextField(_("short description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PracticeAreaQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("practice area")
        verbose_name_plural = _("practice areas")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="practicearea_unique_name_ci"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("guides:practice_area_detail", kwargs={"practice_area": self.slug})

    @property
    def ends_with_law(self) -> bool:
        """Whether the name ends with the word "law" ("Family Law"): sentences that would put
        "law" after it ("About … law in Harbin") leave theirs out, so no word comes twice."""
        return self.name.rstrip().lower().split(" ")[-1] == "law"

    def clean(self):
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("A practice area cannot be its own group.")})
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": _("Choose a group: practice areas have only two levels.")})
            if self.pk and self.children.exists():
                raise ValidationError({"parent": _("This is a group with practice areas; it cannot have a group.")})

    @property
    def is_group(self):
        return self.parent_id is None

    @property
    def synonym_list(self):
        return [s.strip() for s in self.synonyms.splitlines() if s.strip()]


class Language(models.Model):
    code = models.CharField(_("ISO 639-1 code"), max_length=8, unique=True, help_text=_("E.g. en, zh, de."))
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The name in the page's language: Django's catalogue names most languages ("Russian"
        is 俄语); Chinese is ours, as Django only names its written forms."""
        if self.code == "zh":
            return str(pgettext("a spoken language", "Chinese"))
        info = LANG_INFO.get(self.code)
        return gettext(info["name"]) if info else self.name


def _text_language(language: str) -> str:
    """ "zh-hans" for any Chinese, "en" for anything else: the two languages firms write in."""
    return "zh-hans" if (language or "").lower().startswith("zh") else "en"


@dataclass(frozen=True)
class FirmText:
    """A firm's text in one language. `fallback`: it is not in the visitor's language, so the
    page marks it with its `lang` and a note (includes/firm_text.html)."""

    text: str
    language: str
    fallback: bool

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text.strip())

    @property
    def lang_attr(self):
        """The BCP 47 tag for a lang attribute (Django's "zh-hans" is "zh-Hans" there)."""
        return "zh-Hans" if self.language == "zh-hans" else self.language

    @property
    def note(self):
        return _("Chinese only") if self.language == "zh-hans" else _("English only")


class FirmQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(is_listed=True)

    def accepting_leads(self):
        return self.listed().filter(is_accepting_leads=True)

    def verified(self, *, today=None):
        return self.filter(verified_on__gte=Firm.verification_valid_since(today=today))


def firm_logo_path(instance, filename):
    # A fresh name per upload: cached copies of an old logo never shadow the new one.
    return f"logos/{instance.pk or 'new'}/{uuid.uuid4().hex}.png"


class Firm(models.Model):
    class Size(models.TextChoices):
        SOLO = "solo", _("Solo practitioner")
        SMALL = "small", _("2–10 lawyers")
        MEDIUM = "medium", _("11–50 lawyers")
        LARGE = "large", _("51–200 lawyers")
        XLARGE = "xlarge", _("More than 200 lawyers")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, validators=[validate_firm_slug])
    # The firm's own words, in English and in Chinese: either may be left empty, and a page
    # shows the other one, marked as such (Firm.text_in(), includes/firm_text.html).
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description_md = models.TextField(_("description"), blank=True)
    description_html = models.TextField(editable=False, blank=True, verbose_name=_("description (HTML)"))
    tagline_zh_hans = models.CharField(_("tagline in Chinese"), max_length=200, blank=True)
    description_md_zh_hans = models.TextField(_("description in Chinese"), blank=True)
    description_html_zh_hans = models.TextField(
        editable=False, blank=True, verbose_name=_("description in Chinese (HTML)")
    )
    year_established = models.PositiveSmallIntegerField(_("year established"), null=True, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Finds the same firm twice (directory.importing) and is shown on the profile. Stored
    # normalised (directory.licences); a Chinese firm's is checked as a unified social credit code.
    licence_number = models.CharField(
        _("licence number"),
        max_length=LICENCE_MAX_LENGTH,
        blank=True,
        validators=[validate_licence_format],
        help_text=_("For a firm in China, its 18-character unified social credit code."),
    )
    languages = models.ManyToManyField(Language, related_name="firms", blank=True, verbose_name=_("spoken languages"))
    practice_areas = models.ManyToManyField(
        PracticeArea,
        related_name="firms",
        blank=True,
        verbose_name=_("practice areas"),
        limit_choices_to={"parent__isnull": False},
    )

    is_listed = models.BooleanField(
        _("listed"),
        default=False,
        help_text=_("Shown on the public site. New firms stay unlisted until operators verify them."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=firm_logo_path,
        blank=True,
        max_length=200,
        help_text=_("Re-encoded by the portal (directory.images); never the uploaded bytes."),
    )
    is_accepting_leads = models.BooleanField(_("accepting requests"), default=True)
    lead_capacity_per_week = models.PositiveSmallIntegerField(_("requests per week"), default=10)

    # Derived: written by directory.services, never edited by hand.
    verified_on = models.DateField(_("last verified on"), null=True, blank=True, editable=False)
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    review_count = models.PositiveIntegerField(_("published reviews"), default=0, editable=False)
    verified_review_count = models.PositiveIntegerField(_("verified reviews"), default=0, editable=False)
    completeness = models.FloatField(_("profile completeness"), default=0, editable=False)
    # The lead-response term of the ranking (0..1); None until the firm has answered requests.
    response_score = models.FloatField(null=True, blank=True, editable=False, verbose_name=_("response score"))
    median_response_hours = models.FloatField(
        null=True, blank=True, editable=False, verbose_name=_("median response time (hours)")
    )
    ranking_score = models.FloatField(_("ranking score"), default=0, editable=False, db_index=True)
    search_text = models.TextField(editable=False, blank=True, verbose_name=_("search text"))
    search_vector = SearchVectorField(null=True, editable=False, verbose_name=_("search vector"))
    # What decided, when the firm was last refreshed, which listings show it (its cities,
    # areas, what the filters read): a change retires those listings' cached pages, where it
    # was and where it is (directory.services.firms).
    listing_state = models.JSONField(default=dict, blank=True, editable=False, verbose_name=_("listing state"))
    # An answer or expiry since the response figures were last computed: the scheduled refresh
    # recomputes them (intake.services.response).
    response_figures_due = models.BooleanField(
        default=False, editable=False, db_index=True, verbose_name=_("response figures due")
    )
    # The name's part of search_vector (its A lexemes), small enough to stay in the row: search
    # orders firms named for the words first by reading it, not each match's whole vector.
    name_vector = SearchVectorField(null=True, editable=False, verbose_name=_("name search vector"))

    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    objects = FirmQuerySet.as_manager()

    class Meta:
        ordering = ["-ranking_score", "name"]
        verbose_name = _("law firm")
        verbose_name_plural = _("law firms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_established__isnull=True)
                | models.Q(year_established__gte=1800, year_established__lte=2100),
                name="firm_year_established_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(rating_average__isnull=True)
                | models.Q(rating_average__gte=1, rating_average__lte=5),
                name="firm_rating_average_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["licence_number"],
                condition=~models.Q(licence_number=""),
                name="firm_unique_licence_number",
                violation_error_message=_("Another firm has this licence number."),
            ),
        ]
        indexes = [
            # Listings: listed firms ordered by rank.
            models.Index(fields=["is_listed", "-ranking_score"], name="firm_listed_rank_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.licence_number = normalise_licence(self.licence_number)
        self.description_html = render_markdown(self.description_md)
        self.description_html_zh_hans = render_markdown(self.description_md_zh_hans)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("directory:firm_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        self.licence_number = normalise_licence(self.licence_number)
        if self.licence_number:
            try:
                validate_licence_for_country(self.licence_number, self.main_country_code())
            except ValidationError as exc:
                raise ValidationError({"licence_number": exc.messages}) from None

    def main_country_code(self) -> str | None:
        """The country of the main office (main_office(): the headquarters, else the first office)."""
        if self.pk is None:
            return None
        office = main_office(self.offices.select_related("city__country"))
        return office.city.country.code if office else None

    # The language each of the firm's own texts is written in: the plain field holds English.
    TEXT_LANGUAGES = ("en", "zh-hans")

    def text_in(self, field: str, language: str | None = None) -> "FirmText":
        """The firm's `field` ("tagline", "description_md", "description_html") in `language`
        (the active one by default), or, when the firm left that one empty, in the other."""
        language = _text_language(language or get_language())
        texts = {"en": getattr(self, field), "zh-hans": getattr(self, f"{field}_zh_hans")}
        if texts[language].strip():
            return FirmText(texts[language], language, fallback=False)
        other = next(lang for lang in self.TEXT_LANGUAGES if lang != language)
        return FirmText(texts[other], other, fallback=bool(texts[other].strip()))

    @property
    def tagline_text(self):
        return self.text_in("tagline")

    @property
    def description_text(self):
        return self.text_in("description_html")

    @property
    def description_md_text(self):
        return self.text_in("description_md")

    @staticmethod
    def verification_valid_since(*, today=None):
        today = today or timezone.localdate()
        return today - relativedelta(months=settings.FIRM_VERIFICATION_VALID_MONTHS)

    @property
    def is_verified(self):
        return self.verified_on is not None and self.verified_on >= self.verification_valid_since()

    @property
    def completeness_percent(self):
        return round(self.completeness * 100)

    @property
    def years_in_practice(self):
        if self.year_established is None:
            return None
        return max(0, timezone.localdate().year - self.year_established)

    @property
    def rating_stars(self):
        """The rating rounded to the half star, in tenths (45 for 4.3 to 4.7): the drawn
        stars' class (static/css/site.css, .stars--0 to .stars--50)."""
        if self.rating_average is None:
            return 0
        return int(self.rating_average * 2 + Decimal("0.5")) * 5

    @property
    def usual_response_hours(self):
        """The median time to answer a request, in whole hours rounded up (at least one)."""
        if self.median_response_hours is None:
            return None
        return max(1, math.ceil(self.median_response_hours))

    # The mark shown where a firm has no logo: its initials on one of a few background tones
    # (static/css/site.css, .firm-mark--tone0 to 5), the same for the firm on every page.
    MARK_TONES = 6

    @property
    def initials(self):
        """The initials of the name without what is in brackets ("Songhua River Legal Partners
        (demo)": "SR"); a Chinese name's first character."""
        words = re.findall(r"\w+", re.sub(r"\(.*?\)", " ", self.name)) or re.findall(r"\w+", self.name)
        if not words:
            return "?"
        if unicodedata.east_asian_width(words[0][0]) in ("W", "F"):
            return words[0][0]
        return "".join(word[0] for word in words[:2]).upper()

    @property
    def mark_tone(self):
        return int(hashlib.sha256(self.slug.encode()).hexdigest(), 16) % self.MARK_TONES


class SocialLink(models.Model):
    class Network(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn"
        WECHAT = "wechat", "WeChat"
        WEIBO = "weibo", "Weibo"
        X = "x", "X"
        FACEBOOK = "facebook", "Facebook"
        YOUTUBE = "youtube", "YouTube"

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="social_links")
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    url = models.URLField(_("link"))

    class Meta:
        ordering = ["network"]
        verbose_name = _("social link")
        verbose_name_plural = _("social links")
        constraints = [
            models.UniqueConstraint(fields=["firm", "network"], name="sociallink_one_per_network"),
        ]

    def __str__(self):
        return f"{self.get_network_display()}: {self.url}"


class Office(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="offices")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="offices")
    address = models.CharField(_("street address"), max_length=300)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_headquarters = models.BooleanField(_("headquarters"), default=False)

    class Meta:
        ordering = ["-is_headquarters", "city__name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.UniqueConstraint(fields=["firm", "city", "address"], name="office_unique_address"),
        ]
        indexes = [
            # "Firms with an office in this city" is the listing's first filter.
            models.Index(fields=["city", "firm"], name="office_city_firm_idx"),
        ]

    def __str__(self):
        return f"{self.firm.name}, {self.city.name}"


def main_office(offices: Iterable[Office]) -> Office | None:
    """A firm's main office among its `offices`: the headquarters, else the office added first.
    The one rule for the profile (its address, breadcrumb and country notice) and for the
    licence number's check (Firm.main_country_code): by creation, not by city name, which
    differs between the page's languages and changes when a city is renamed."""
    return min(offices, key=lambda office: (not office.is_headquarters, office.pk), default=None)


class Lawyer(models.Model):
    class Role(models.TextChoices):
        PARTNER = "partner", _("Partner")
        COUNSEL = "counsel", _("Counsel")
        ASSOCIATE = "associate", _("Associate")
        CONSULTANT = "consultant", _("Consultant")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="lawyers")
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ASSOCIATE)
    bio = models.TextField(_("biography"), blank=True)
    bar_admission = models.CharField(
        _("bar admission"), max_length=200, blank=True, help_text=_("E.g. “Heilongjiang Lawyers Association, 2012”.")
    )
    languages = models.ManyToManyField(Language, related_name="lawyers", blank=True)
    practice_areas = models.ManyToManyField(
        PracticeArea, related_name="lawyers", blank=True, limit_choices_to={"parent__isnull": False}
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("lawyer")
        verbose_name_plural = _("lawyers")
        constraints = [
            models.UniqueConstraint(fields=["firm", "slug"], name="lawyer_unique_slug_per_firm"),
        ]

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())


class Article(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=250)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body_md = models.TextField(_("text"))
    body_html = models.TextField(editable=False, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["firm", "slug"], name="article_unique_slug_per_firm"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body_md)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("directory:article_detail", kwargs={"slug": self.firm.slug, "article": self.slug})


class ReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Review.Status.PUBLISHED)

    def pending(self):
        return self.filter(status=Review.Status.PENDING)


class Review(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("firm"))
    author_name = models.CharField(
        _("shown as"), max_length=80, help_text=_("How the author is shown, e.g. “Li W., Harbin”.")
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    title = models.CharField(_("title"), max_length=150, blank=True)
    body = models.TextField(_("review"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    is_verified = models.BooleanField(
        _("verified client"),
        default=False,
        help_text=_("Written through an invitation after the firm accepted the author's request."),
    )
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("moderated"))
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    # The firm's one public answer (the portal's reviews page): written once, shown under the review.
    reply_body = models.TextField(_("firm's reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("replied"))
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("replied by"),
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="review_rejection_has_reason",
                violation_error_message=_("Give a reason when rejecting a review."),
            ),
        ]
        indexes = [
            models.Index(fields=["firm", "status", "-created_at"], name="review_firm_status_idx"),
            models.Index(fields=["status", "created_at"], name="review_queue_idx"),
        ]

    def __str__(self):
        return f"{self.rating}★ {self.firm.name} ({self.author_name})"


class ServiceFee(models.Model):
    class Model(models.TextChoices):
        FLAT = "flat", _("Flat fee")
        HOURLY = "hourly", _("Hourly rate")
        RANGE = "range", _("Fixed range")
        ON_REQUEST = "on_request", _("On request")

    class Currency(models.TextChoices):
        CNY = "CNY", "CNY"
        USD = "USD", "USD"
        EUR = "EUR", "EUR"
        GBP = "GBP", "GBP"
        SGD = "SGD", "SGD"
        HKD = "HKD", "HKD"

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="fees")
    service = models.CharField(_("service"), max_length=200)
    fee_model = models.CharField(_("fee model"), max_length=12, choices=Model.choices)
    amount_min = models.DecimalField(_("amount (from)"), max_digits=12, decimal_places=2, null=True, blank=True)
    amount_max = models.DecimalField(_("amount (to)"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    notes = models.CharField(_("what it covers"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "service"]
        verbose_name = _("service fee")
        verbose_name_plural = _("service fees")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(fee_model="on_request", amount_min__isnull=True, amount_max__isnull=True)
                    # isnull=False spelled out: a CHECK whose comparison is NULL passes.
                    | models.Q(
                        fee_model__in=["flat", "hourly"],
                        amount_min__isnull=False,
                        amount_min__gt=0,
                        amount_max__isnull=True,
                    )
                    | models.Q(
                        fee_model="range",
                        amount_min__isnull=False,
                        amount_min__gt=0,
                        amount_max__isnull=False,
                        amount_max__gte=models.F("amount_min"),
                    )
                ),
                name="servicefee_amounts_match_model",
                violation_error_message=_(
                    "Flat and hourly fees need one amount; a range needs “from” and a larger “to”; "
                    "“on request” takes no amount."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.service} ({self.get_fee_model_display()})"


class Verification(models.Model):
    """How operators checked a firm: what, by whom, when. The newest one sets the badge."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="verifications")
    checked_business_licence = models.BooleanField(_("business licence checked"), default=False)
    checked_lawyer_licences = models.BooleanField(_("lawyers' licences checked"), default=False)
    checked_office_address = models.BooleanField(_("office address confirmed"), default=False)
    checked_contact_details = models.BooleanField(_("phone and email confirmed"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    verified_by = models.CharField(_("verified by"), max_length=150)
    verified_on = models.DateField(_("verified on"))

    class Meta:
        ordering = ["-verified_on", "-pk"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checked_business_licence=True) | models.Q(checked_lawyer_licences=True),
                name="verification_checks_a_licence",
                violation_error_message=_("A verification checks at least a business or lawyer licence."),
            ),
        ]

    def __str__(self):
        return f"{self.firm.name}, {self.verified_on}"

    @property
    def checks(self):
        return [
            str(field.verbose_name)
            for field in self._meta.fields
            if field.name.startswith("checked_") and getattr(self, field.name)
        ]


class Membership(models.Model):
    """A user's place in a firm; the portal scopes everything through it."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("firm"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    receives_lead_emails = models.BooleanField(
        _("receives request emails"),
        default=True,
        help_text=_("New requests are emailed to these members; the firm's address is used when nobody is chosen."),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "firm"], name="membership_unique_user_firm"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.firm} ({self.role})"

    @property
    def is_owner(self):
        return self.role == self.Role.OWNER


class FirmClaim(models.Model):
    """Someone asks to manage a listed firm: proved by a link sent to the firm's listed
    address, or decided by operators when that address is not theirs."""

    class Method(models.TextChoices):
        EMAIL = "email", _("Link sent to the firm's listed email address")
        OPERATORS = "operators", _("Checked by Lawzana's operators")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="claims", verbose_name=_("law firm"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="firm_claims", verbose_name=_("user")
    )
    method = models.CharField(_("proof"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(
        _("message to operators"), blank=True, help_text=_("Who the claimant is and how to check it.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created"))
    decided_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("decided"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.CharField(_("note on the decision"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("firm claim")
        verbose_name_plural = _("firm claims")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "user"], condition=models.Q(status="pending"), name="firmclaim_one_pending_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.firm} ({self.status})"


class Invitation(models.Model):
    """An owner asks a colleague to join the firm's portal. The link is signed and single-use."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("law firm"))
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created"))
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("accepted"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("revoked"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "firm",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.firm}"

    @property
    def is_open(self):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ReviewFlag(models.Model):
    """A firm asks operators to look at a review it thinks breaks the rules."""

    class Reason(models.TextChoices):
        NOT_A_CLIENT = "not_client", _("The author was never our client")
        FALSE = "false", _("It states things that are untrue")
        OFFENSIVE = "offensive", _("Offensive or abusive language")
        PERSONAL_DATA = "personal", _("It reveals personal or confidential information")
        CONFLICT = "conflict", _("Written by a competitor or someone with a conflict of interest")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld: review removed")
        DISMISSED = "dismissed", _("Dismissed: review stays")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="flags", verbose_name=_("review"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.TextField(_("details"), blank=True, max_length=2000)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("reported by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created"))
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("resolved"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review flag")
        verbose_name_plural = _("review flags")
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=models.Q(status="open"), name="reviewflag_one_open_per_review"
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.review}"


class ProfileViewMonth(models.Model):
    """Views of a firm's public profile, counted per calendar month for the firm's figures."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="profile_views")
    month = models.DateField(help_text=_("The first day of the month."))
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month"]
        verbose_name = _("profile views in a month")
        verbose_name_plural = _("profile views per month")
        constraints = [
            models.UniqueConstraint(fields=["firm", "month"], name="profileviewmonth_unique_firm_month"),
        ]

    def __str__(self):
        return f"{self.firm}: {self.views} in {self.month:%Y-%m}"


class ConflictEntry(models.Model):
    """One party on a firm's conflict list (issue 23): the keyed hash of its normalised name
    (directory/conflicts.py) and a label the firm chose. The name itself is never stored."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="conflict_entries", verbose_name=_("firm"))
    digest = models.CharField(_("fingerprint"), max_length=64, editable=False)
    # Which CONFLICT_CHECK_KEY the digest is under (directory.conflicts.key_id), so that a key can
    # be replaced without silently emptying the lists (docs/conflict-check.md).
    key_id = models.CharField(_("key"), max_length=12, editable=False, default="")
    label = models.CharField(_("label"), max_length=80)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("conflict list entry")
        verbose_name_plural = _("conflict list entries")
        constraints = [
            # Digest first: matching looks up every firm holding one digest in this index.
            models.UniqueConstraint(fields=["digest", "firm"], name="conflictentry_unique_digest_firm"),
        ]

    def __str__(self):
        return self.label


class ConflictTally(models.Model):
    """Counts about a firm's conflict list, per period, and nothing that names a request: the
    requests not sent to the firm in a week, and the names it added in a day (for the cap)."""

    class Kind(models.TextChoices):
        SKIPPED_WEEK = "skipped", _("Requests not sent in the week")
        ADDED_DAY = "added", _("Names added in the day")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="conflict_tallies", verbose_name=_("firm"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    period = models.DateField(_("period"), help_text=_("The week's Monday, or the day."))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("conflict list count")
        verbose_name_plural = _("conflict list counts")
        constraints = [
            models.UniqueConstraint(fields=["firm", "kind", "period"], name="conflicttally_unique_firm_kind_period"),
        ]

    def __str__(self):
        return f"{self.firm}: {self.count} {self.kind} {self.period}"


class Disclaimer(models.Model):
    """The legal notice visitors see for one country, or for one practice area (or group) in it,
    and the rules on lawyer advertising there, kept by editors with every revision
    (directory/admin.py). directory.disclaimers.disclaimer_for() picks the one a page shows.

    `text` and `advertising_rules` have a column per language (directory/translation.py):
    English is required, Chinese falls back to it.
    """

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="disclaimers", verbose_name=_("country")
    )
    practice_area = models.ForeignKey(
        PracticeArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclaimers",
        verbose_name=_("practice area"),
        help_text=_(
            "Leave empty for the whole country. A practice area or group here replaces the "
            "country's notice on its pages."
        ),
    )
    text = models.TextField(
        _("legal notice"),
        help_text=_("Shown to visitors on guides, firm pages and the request form. Plain text; line breaks are kept."),
    )
    advertising_rules = models.TextField(
        _("rules on lawyer advertising"),
        blank=True,
        help_text=_("What firms may and may not say about themselves here; shown on firm pages. Plain text."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive notice is not shown, and does not allow publishing.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["country__name", "practice_area__name"]
        verbose_name = _("disclaimer")
        verbose_name_plural = _("disclaimers")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "practice_area"],
                name="disclaimer_unique_country_practice_area",
                violation_error_message=_(
                    "This country already has a notice for this practice area: edit that one instead."
                ),
            ),
            # NULLs are distinct in a unique index: the country-wide notice needs its own.
            models.UniqueConstraint(
                fields=["country"],
                condition=models.Q(practice_area__isnull=True),
                name="disclaimer_unique_country_wide",
                violation_error_message=_("This country already has a country-wide notice: edit that one instead."),
            ),
        ]

    def __str__(self):
        if self.practice_area_id is None:
            return str(self.country)
        return f"{self.country}: {self.practice_area}"
