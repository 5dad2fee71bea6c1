from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
        return f"{self.name}, {self.country.name}"


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
