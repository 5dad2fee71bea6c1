from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from directory.disclaimers import publish_problem as disclaimer_problem
from directory.models import City, PracticeArea
from lawzana import seo
from lawzana.i18n import TIME_STRINGS
from lawzana.markdown import render_markdown

MARKDOWN_HELP = _(
    "Markdown: blank line between paragraphs, “- ” for a list, “### ” for a subheading, "
    "[text](https://…) for a link. Scripts and inline HTML attributes are removed."
)

DEFAULT_DISCLAIMER = _(
    "This guide is general information, not legal advice. Laws and their interpretation "
    "change, and your situation may differ from the examples here: consult a qualified "
    "lawyer before you act. If you think something on this page is wrong or out of date, "
    "tell us and we will review it."
)


def landing_title(*, city, practice_area):
    return _("Best %(practice_area)s Lawyers in %(city)s") % {
        "practice_area": practice_area.name,
        "city": city.name,
    }


def landing_page_title(*, city, practice_area):
    """The landing page's <title>: its heading when it fits, else without "Best", else with the
    practice area's name shortened, so that the city is always in it."""
    short = _("%(practice_area)s Lawyers in %(city)s")
    names = {"practice_area": practice_area.name, "city": city.name}
    overflow = seo.width(str(short % names)) - seo.TITLE_MAX
    if overflow > 0:
        names["practice_area"] = seo.shorten(practice_area.name, max(seo.width(practice_area.name) - overflow, 1))
    return seo.fit_title(str(landing_title(city=city, practice_area=practice_area)), str(short % names))


def landing_url(*, city, practice_area):
    return reverse(
        "guides:landing",
        kwargs={"country": city.country.slug, "city": city.slug, "practice_area": practice_area.slug},
    )


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Guide.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_language(self, language):
        return self.filter(language=language)

    def with_place(self):
        return self.select_related("city__region", "city__country", "practice_area__parent")

    def stale(self):
        return self.filter(last_reviewed_on__lt=Guide.stale_before())

    def with_language_versions(self):
        """Annotate each guide with its version in every language (see Guide.language_versions),
        in the same query: one subquery per language and column, each a lookup on the unique
        (city, practice area, language) index."""
        annotations = {}
        for code, _name in settings.LANGUAGES:
            version = Guide.objects.filter(
                city_id=models.OuterRef("city_id"), practice_area_id=models.OuterRef("practice_area_id"), language=code
            )
            for column in _VERSION_COLUMNS:
                annotations[_version_attr(code, column)] = models.Subquery(version.values(column)[:1])
        return self.annotate(**annotations)


_VERSION_COLUMNS = ("pk", "status", "content_changed_at", "created_at")


def _version_attr(code, column):
    return f"version_{code.replace('-', '_')}_{column}"


@dataclass(frozen=True)
class LanguageVersion:
    """A guide's version in one language: missing (pk None), or its status and whether the
    other language's content changed after it."""

    language: str
    pk: int | None = None
    status: str = ""
    out_of_date: bool = False
    content_changed_at: datetime | None = None

    @property
    def name(self):
        return get_language_info(self.language)["name_local"]

    @property
    def exists(self):
        return self.pk is not None

    def get_status_display(self):
        return Guide.Status(self.status).label if self.status else ""


def content_out_of_date(*, version, others):
    """A version is out of date when another language's content changed after its own did,
    or after it was created if it was never edited: a translation written from the other
    version is up to date with it until that one changes. `version` and `others` are
    (content_changed_at, created_at) pairs."""
    changed_at, created_at = version
    baseline = changed_at or created_at
    return any(other_changed and baseline and other_changed > baseline for other_changed, _created in others)


class Guide(models.Model):
    """An editor-written guide to one practice area in one city, in one language."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    # Sections in reading order: (field prefix, heading). The landing page and the admin
    # both walk this list, so a new section is added in one place.
    SECTIONS = [
        ("about", _("About")),
        ("why", _("Why you may need a lawyer")),
        ("local_laws", _("Local laws overview")),
        ("resources", _("Additional resources")),
        ("next_steps", _("Next steps")),
    ]

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="guides", verbose_name=_("city"))
    practice_area = models.ForeignKey(
        PracticeArea,
        on_delete=models.PROTECT,
        related_name="guides",
        verbose_name=_("practice area"),
        limit_choices_to={"parent__isnull": False},
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_(
            "When the guide goes live. A time in the future schedules it; empty means “now” when you publish."
        ),
    )
    meta_description = models.CharField(
        _("search description"),
        max_length=300,
        help_text=_("One or two sentences shown by search engines and link previews."),
    )
    summary = models.TextField(
        _("summary"),
        help_text=_("The opening paragraph under the page title, in plain text."),
    )
    about_md = models.TextField(_("about"), help_text=MARKDOWN_HELP)
    why_md = models.TextField(_("why you may need a lawyer"), help_text=MARKDOWN_HELP)
    local_laws_md = models.TextField(_("local laws overview"), help_text=MARKDOWN_HELP)
    resources_md = models.TextField(_("additional resources"), blank=True, help_text=MARKDOWN_HELP)
    next_steps_md = models.TextField(_("next steps"), help_text=MARKDOWN_HELP)
    disclaimer_md = models.TextField(_("disclaimer"), default=DEFAULT_DISCLAIMER, help_text=MARKDOWN_HELP)
    about_html = models.TextField(editable=False, blank=True, verbose_name=_("about (HTML)"))
    why_html = models.TextField(editable=False, blank=True, verbose_name=_("why you may need a lawyer (HTML)"))
    local_laws_html = models.TextField(editable=False, blank=True, verbose_name=_("local laws overview (HTML)"))
    resources_html = models.TextField(editable=False, blank=True, verbose_name=_("additional resources (HTML)"))
    next_steps_html = models.TextField(editable=False, blank=True, verbose_name=_("next steps (HTML)"))
    disclaimer_html = models.TextField(editable=False, blank=True, verbose_name=_("disclaimer (HTML)"))

    reviewer_name = models.CharField(
        _("reviewed by"),
        max_length=150,
        blank=True,
        help_text=_("The lawyer or editor who checked this guide; required to publish."),
    )
    reviewer_credentials = models.CharField(
        _("reviewer's credentials"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Lawyer admitted in Heilongjiang, 12 years in data protection”."),
    )
    last_reviewed_on = models.DateField(
        _("last reviewed on"),
        null=True,
        blank=True,
        help_text=_("The date the reviewer last checked every section; required to publish."),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))
    # When an editor last changed what the guide says (a section, the summary or search
    # description, a FAQ item or a source), set by the admin; empty until the first such edit.
    # Unlike updated_at it ignores status and review changes, so it can tell whether the other
    # language's version has moved on since this one was written (see language_versions()).
    # An edit to a version that was out of date brings it level: it takes the other version's
    # time, not now, so that catching up does not in turn put the other version out of date.
    content_changed_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("content changed"))

    objects = GuideQuerySet.as_manager()

    # What counts as the guide's content for content_changed_at.
    CONTENT_FIELDS = [
        "meta_description", "summary", "about_md", "why_md", "local_laws_md",
        "resources_md", "next_steps_md", "disclaimer_md",
    ]  # fmt: skip

    class Meta:
        ordering = ["city__name", "practice_area__name"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "practice_area", "language"],
                name="guide_unique_city_practice_area_language",
                violation_error_message=_(
                    "A guide for this city, practice area and language already exists: edit that one instead."
                ),
            ),
        ]
        indexes = [
            # The landing page and the city/practice-area indexes look up published guides.
            models.Index(fields=["status", "published_at"], name="guide_published_idx"),
        ]
        permissions = [("publish_guide", _("Can publish or schedule a guide"))]

    def __str__(self):
        return str(self.title)

    def save(self, *args, **kwargs):
        for prefix, _heading in [*self.SECTIONS, ("disclaimer", None)]:
            setattr(self, f"{prefix}_html", render_markdown(getattr(self, f"{prefix}_md")))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return landing_url(city=self.city, practice_area=self.practice_area)

    @property
    def title(self):
        return landing_title(city=self.city, practice_area=self.practice_area)

    def language_versions(self):
        """This guide in every language of the site, in settings.LANGUAGES order: the guides
        for the same city and practice area in other languages are its translations (the
        unique constraint allows one per language), so no link is stored that could disagree
        with them. Uses with_language_versions()'s annotations when present, else one query."""
        codes = [code for code, _name in settings.LANGUAGES]
        rows = {}
        if hasattr(self, _version_attr(codes[0], "pk")):
            for code in codes:
                values = {column: getattr(self, _version_attr(code, column)) for column in _VERSION_COLUMNS}
                if values["pk"] is not None:
                    rows[code] = values
        else:
            siblings = Guide.objects.filter(city_id=self.city_id, practice_area_id=self.practice_area_id)
            for values in siblings.values("language", *_VERSION_COLUMNS):
                rows[values.pop("language")] = values
        if self.pk is not None:  # this very object, as edited in memory
            rows[self.language] = {
                "pk": self.pk,
                "status": self.status,
                "content_changed_at": self.content_changed_at,
                "created_at": self.created_at,
            }
        stamps = {code: (row["content_changed_at"], row["created_at"]) for code, row in rows.items()}
        versions = []
        for code in codes:
            row = rows.get(code)
            if row is None:
                versions.append(LanguageVersion(language=code))
                continue
            others = [stamp for other, stamp in stamps.items() if other != code]
            versions.append(
                LanguageVersion(
                    language=code,
                    pk=row["pk"],
                    status=row["status"],
                    out_of_date=content_out_of_date(version=stamps[code], others=others),
                    content_changed_at=row["content_changed_at"],
                )
            )
        return versions

    @property
    def sections(self):
        return [
            (prefix, heading, getattr(self, f"{prefix}_html"))
            for prefix, heading in self.SECTIONS
            if getattr(self, f"{prefix}_html")
        ]

    @property
    def is_live(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @staticmethod
    def stale_before() -> date:
        return timezone.localdate() - relativedelta(months=settings.GUIDE_STALE_AFTER_MONTHS)

    @property
    def is_stale(self):
        return self.last_reviewed_on is not None and self.last_reviewed_on < self.stale_before()

    @property
    def review_due_on(self) -> date | None:
        """The day the guide becomes stale; None before its first review."""
        if self.last_reviewed_on is None:
            return None
        return self.last_reviewed_on + relativedelta(months=settings.GUIDE_STALE_AFTER_MONTHS)

    @property
    def review_age(self):
        """How long ago the guide was reviewed, to the largest unit ("1 year", "2 months")."""
        return timesince(self.last_reviewed_on, depth=1, time_strings=TIME_STRINGS) if self.last_reviewed_on else ""

    def publish_problems(self, *, source_count=None):
        """What stops this guide from being published, as messages for the editor."""
        problems = []
        if not self.reviewer_name.strip():
            problems.append(_("Name the lawyer or editor who reviewed the guide."))
        if self.last_reviewed_on is None:
            problems.append(_("Give the date the guide was last reviewed."))
        elif self.last_reviewed_on > timezone.localdate():
            problems.append(_("The last-reviewed date cannot be in the future."))
        if source_count is None:
            source_count = self.sources.count() if self.pk else 0
        if source_count < 1:
            problems.append(_("List at least one source (law, regulation or official guidance)."))
        if self.city_id is not None and (problem := disclaimer_problem(self.city.country)):
            problems.append(problem)
        return problems


class FaqItem(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="faq_items", verbose_name=_("guide"))
    question = models.CharField(_("question"), max_length=300)
    answer_md = models.TextField(_("answer"), help_text=MARKDOWN_HELP)
    answer_html = models.TextField(editable=False, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("FAQ item")
        verbose_name_plural = _("FAQ items")

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        self.answer_html = render_markdown(self.answer_md)
        super().save(*args, **kwargs)


class GuideSource(models.Model):
    """A law, regulation or official document the guide relies on."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="sources", verbose_name=_("guide"))
    title = models.CharField(_("title"), max_length=300)
    issuing_body = models.CharField(_("issued by"), max_length=200, help_text=_("E.g. “National People’s Congress”."))
    url = models.URLField(_("link"), max_length=500, blank=True, help_text=_("An official https:// page, if any."))
    issued_on = models.DateField(_("date"), null=True, blank=True, help_text=_("Date issued or in force."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title
