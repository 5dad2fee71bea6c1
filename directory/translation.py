"""Places and practice areas in every language of settings.LANGUAGES (django-modeltranslation).

Each registered field gets a column per language (name_en, name_zh_hans); reading `name` gives
the active language's, or the English one when that is empty. English is required, so every
place and area has a name to fall back to. Slugs stay ASCII, one per row, in URLs of every
language.

Empty translations are stored as NULL, not "": two places without a Chinese name must not
collide on the unique name columns.
"""

from modeltranslation import settings as mt_settings
from modeltranslation.translator import TranslationOptions, register
from modeltranslation.utils import build_localized_fieldname, get_language

from .models import City, Country, Disclaimer, PracticeArea, Region


class NameTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
    empty_values = None


@register(Country)
class CountryTranslation(NameTranslation):
    pass


@register(Region)
class RegionTranslation(NameTranslation):
    pass


@register(City)
class CityTranslation(NameTranslation):
    pass


@register(PracticeArea)
class PracticeAreaTranslation(TranslationOptions):
    # Synonyms too: what people type in Chinese ("劳动仲裁") is not a translation of the name.
    fields = ("name", "description", "synonyms")
    required_languages = {"en": ("name",), "default": ()}
    empty_values = {"name": None, "description": "", "synonyms": ""}


def localized(field: str) -> str:
    """The column of `field` in the active language ("name_zh_hans"), for querysets of models
    that are not registered here (a through table) and so do not rewrite "practicearea__name"."""
    return build_localized_fieldname(field, get_language())


def every_language(field: str) -> tuple[str, ...]:
    """The columns of `field` in every language, for only() lists: a name read with its
    translations deferred would cost a query per row."""
    return tuple(build_localized_fieldname(field, language) for language in mt_settings.AVAILABLE_LANGUAGES)


@register(Disclaimer)
class DisclaimerTranslation(TranslationOptions):
    # An empty Chinese column reads as the English one (the fallback above).
    fields = ("text", "advertising_rules")
    required_languages = {"en": ("text",), "default": ()}
    empty_values = ""
