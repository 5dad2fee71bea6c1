from django import template
from django.conf import settings
from django.utils.html import format_html_join
from django.utils.translation import get_language

from lawzana import i18n

register = template.Library()


@register.filter
def lang_attribute(language_code):
    """A language code as lang="" writes it: zh-hans → zh-Hans (lawzana/i18n.py)."""
    return i18n.lang_attribute(language_code or settings.LANGUAGE_CODE)


@register.simple_tag
def alternate_links(path):
    """<link rel="alternate" hreflang> for the page at `path` in every language, and
    x-default (English): give it the path the page's canonical link names."""
    return format_html_join(
        "\n  ",
        '<link rel="alternate" hreflang="{}" href="{}">',
        i18n.alternates(path),
    )


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to the page being shown in the other languages, each named in its own language."""
    request = context.get("request")
    current = get_language()
    links = []
    if request is not None:
        links = [
            {
                "url": i18n.request_in_language(request, code),
                "label": i18n.LANGUAGE_LABELS[code],
                "lang": i18n.lang_attribute(code),
                "hreflang": code,
            }
            for code, _name in settings.LANGUAGES
            if code != current
        ]
    return {"links": links}
