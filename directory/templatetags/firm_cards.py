"""{% firm_card firm city=… practice_area=… compare=True %}: a firm card, as
templates/includes/firm_card.html (with its includes) renders it, built in Python.

Listings and search show ten cards a page, and through the template language each card cost
about 4 ms on the benchmark's machine (some 5,000 function calls: eight {% blocktranslate %},
a dozen {% translate %}, five includes, a localized number at every {{ }}), two thirds of a
landing page's server time. The template stays the reference: tests/directory/test_firm_cards.py
renders both for firms of every kind, in both languages, and requires the same HTML, so a
change to one without the other fails there. The messages are the template's own msgids.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.template.defaultfilters import urlencode as urlencode_filter
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

register = template.Library()


def _v(value) -> str:
    """A value as {{ }} renders it: localized, then escaped."""
    return conditional_escape(localize(value))


def _t(message: str) -> str:
    """{% translate %}: the translation, escaped."""
    return conditional_escape(gettext(message))


def _mark(firm) -> str:
    if firm.logo:
        alt = gettext("%(name)s logo") % {"name": _v(firm.name)}
        url = reverse("directory:firm_logo", kwargs={"slug": firm.slug})
        return (
            f'<img class="firm-mark firm-mark--small" src="{url}?v={_v(_unix(firm.updated_at))}" '
            f'alt="{alt}" width="48" height="48" loading="lazy">'
        )
    return (
        f'<span class="firm-mark firm-mark--small firm-mark--initials firm-mark--tone{_v(firm.mark_tone)}" '
        f'aria-hidden="true">{_v(firm.initials)}</span>'
    )


def _unix(moment) -> str:
    from django.utils.dateformat import format as date_format

    return date_format(moment, "U")


def _rating_line(firm) -> str:
    count = firm.review_count
    if not count:
        return f'<p class="rating-line"><span class="rating-line--none">{_t("No reviews yet")}</span></p>'
    rating = _v(floatformat(firm.rating_average, 1))
    counter = _v(count)
    count_text = ngettext("(%(counter)s review)", "(%(counter)s reviews)", count) % {"counter": counter}
    spoken = ngettext(
        "Rated %(rating)s out of 5, %(counter)s review", "Rated %(rating)s out of 5, %(counter)s reviews", count
    ) % {"rating": rating, "counter": counter}
    return (
        f'<p class="rating-line"><span class="stars stars--{_v(firm.rating_stars)}" aria-hidden="true"></span> '
        f'<span class="rating" aria-hidden="true">{rating}</span> '
        f'<span class="rating-line__count" aria-hidden="true">{count_text}</span>'
        f'<span class="visually-hidden">{spoken}</span></p>'
    )


def _firm_text(text) -> str:
    if text.fallback:
        return f'<span lang="{_v(text.lang_attr)}">{_v(text.text)}</span> <small>({_v(text.note)})</small>'
    return _v(text.text)


def _rank_note(firm) -> str:
    separator = conditional_escape(pgettext("between items of a list", "; "))
    parts = [_t("Why this position:"), " "]
    if firm.review_count:
        parts.append(
            ngettext(
                "rated %(rating)s in %(counter)s published review",
                "rated %(rating)s in %(counter)s published reviews",
                firm.review_count,
            )
            % {"rating": _v(floatformat(firm.rating_average, 1)), "counter": _v(firm.review_count)}
        )
        if firm.verified_review_count:
            parts.append(
                ngettext(
                    ", %(counter)s from a verified client",
                    ", %(counter)s from verified clients",
                    firm.verified_review_count,
                )
                % {"counter": _v(firm.verified_review_count)}
            )
    else:
        parts.append(_t("no published reviews yet"))
    parts.append(separator)
    if firm.median_response_hours is not None:
        parts.append(
            gettext("answers requests in about %(hours)s h")
            % {"hours": _v(floatformat(firm.median_response_hours, 0))}
        )
    else:
        parts.append(_t("response time not known yet"))
    parts.append(separator)
    parts.append(gettext("profile %(percent)s%% complete") % {"percent": _v(firm.completeness_percent)})
    parts.append(conditional_escape(pgettext("end of a sentence", ".")))
    return "".join(parts)


def _facts(firm) -> list[str]:
    rows = []
    offices = getattr(firm, "card_offices", None)
    if offices:
        places = "; ".join(f"{_v(office.address)}, {_v(office.city.name)}" for office in offices)
        rows.append(f"<div><dt>{_t('Office')}</dt><dd>{places}</dd></div>")
    rows.append("\n    ")
    languages = list(firm.languages.all())
    if languages:
        chips = "".join(f'<li class="chip">{_v(language)}</li>' for language in languages)
        rows.append(
            f'<div><dt>{_t("Languages")}</dt><dd><ul class="chip-list chip-list--small">{chips}</ul></dd></div>'
        )
    rows.append("\n    ")
    hours = firm.usual_response_hours
    if hours:
        answer = ngettext("Usually within %(hours)s hour", "Usually within %(hours)s hours", hours) % {
            "hours": _v(hours)
        }
        rows.append(f"<div><dt>{_t('Answers')}</dt><dd>{answer}</dd></div>")
    rows.append("\n    ")
    amount = getattr(firm, "fee_from_amount", None)
    if amount:
        values = {"amount": _v(floatformat(amount, "0g")), "currency": _v(firm.fee_from_currency)}
        fee = (
            gettext("%(currency)s %(amount)s per hour") % values
            if firm.fee_from_model == "hourly"
            else gettext("%(currency)s %(amount)s") % values
        )
        rows.append(f"<div><dt>{_t('Fees from')}</dt><dd>{fee}</dd></div>")
    rows.append("\n    ")
    years = firm.years_in_practice
    if years is not None:
        text = ngettext("%(years)s year", "%(years)s years", years) % {"years": _v(years)}
        rows.append(f"<div><dt>{_t('In practice')}</dt><dd>{text}</dd></div>")
    return rows


@register.simple_tag
def firm_card(firm, city=None, practice_area=None, compare=False):
    url = conditional_escape(firm.get_absolute_url())
    name = _v(firm.name)
    verified = firm.is_verified
    tagline = firm.tagline_text
    request = ""
    if firm.is_accepting_leads:
        to_firm = gettext("to %(firm)s") % {"firm": name}
        query = f"?firm={_v(urlencode_filter(firm.slug))}"
        if city:
            query += f"&amp;city={_v(city.pk)}"
        if practice_area and not practice_area.is_group:
            query += f"&amp;practice_area={_v(practice_area.pk)}"
        request = (
            f'<a class="button button--primary firm-card__request" href="{reverse("intake:lead_new")}{query}">'
            f'{_t("Send a request")}<span class="visually-hidden"> {to_firm}</span></a>'
        )
    compare_box = ""
    if compare:
        slug = _v(firm.slug)
        compare_box = (
            f'\n      <p class="firm-card__compare"><input type="checkbox" name="firm" value="{slug}" '
            f'id="compare-{slug}"> <label for="compare-{slug}">{_t("Compare")}</label></p>\n    '
        )
    badge = f'<span class="badge badge--verified">{_t("Verified")}</span>' if verified else ""
    tagline_html = f'<p class="firm-card__tagline">{_firm_text(tagline)}\n</p>' if tagline else ""
    of_firm = gettext("of %(firm)s") % {"firm": name}
    html = (
        f'\n<article class="firm-card{" firm-card--verified" if verified else ""}">\n'
        f'  <header class="firm-card__header">\n'
        f"    \n{_mark(firm)}\n\n"
        f'    <div class="firm-card__title">\n'
        f'      <h3 class="firm-card__name"><a href="{url}">{name}</a></h3>\n'
        f"      {badge}\n"
        f"    </div>\n"
        f"    \n{_rating_line(firm)}\n\n"
        f"  </header>\n"
        f"  {tagline_html}\n"
        f'  <dl class="firm-card__facts">\n'
        f"    {''.join(_facts(firm))}\n"
        f"  </dl>\n"
        f'  <details class="firm-card__why">\n'
        f"    <summary>{_t('Why this position?')}</summary>\n"
        f"    <p>{_rank_note(firm)}\n"
        f' <a href="{reverse("directory:how_we_rank")}">{_t("How we rank")}</a></p>\n'
        f"  </details>\n"
        f'  <div class="firm-card__actions">\n'
        f'    <a class="button" href="{url}">{_t("View profile")}<span class="visually-hidden"> {of_firm}</span></a>\n'
        f"    {request}\n"
        f"    {compare_box}\n"
        f"  </div>\n"
        f"</article>\n"
    )
    return mark_safe(html)  # noqa: S308 (every value above is escaped; the messages are the catalogue's)
