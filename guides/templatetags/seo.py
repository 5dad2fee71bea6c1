import json

from django import template
from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from lawzana import seo

register = template.Library()

# Same escaping as django.utils.html.json_script: nothing in the data can close the tag.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """Render a dict as a <script type="application/ld+json"> block."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag
def absolute_url(path):
    """The canonical absolute URL of a path, from SITE_URL (never the request's Host)."""
    return f"{settings.SITE_URL}{path}"


@register.filter
def page_title(rendered):
    """Wraps a page's title block in base.html: at most 60 characters (lawzana/seo.py)."""
    # The block's HTML is unescaped to be measured: escape what is kept again.
    return escape(seo.page_title(rendered))


@register.filter
def page_description(rendered):
    """Wraps a page's description blocks in base.html: 70 to 160 characters on one line."""
    return escape(seo.page_description(rendered))


@register.filter
def og_locale(language_code):
    """og:locale for a language code: en_GB, zh_CN (lawzana/seo.py)."""
    return seo.og_locale(language_code)
