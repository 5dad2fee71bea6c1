"""Firms' conflict lists (issue 23): names kept only as keyed hashes of a normalised form.

A firm enters the parties it acts for; a client may name the other party of a request. Both
are reduced by `normalise` to one spelling and hashed with HMAC-SHA256 under
settings.CONFLICT_CHECK_KEY, which lives outside the database: the database holds neither the
names nor anything a reader of it could test guessed names against. Matching
(intake/services/routing.py) compares the request's hash with the firms' in one query.

Chinese and Latin spellings of one party are different entries: nothing here transliterates.
"""

import hashlib
import hmac
import unicodedata
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ConflictEntry, ConflictTally, Firm

# Company forms that say nothing about who the party is, compared as whole words at the end of
# the name (so "Zinc" keeps its "inc"). Dots are dropped before words are split, so "L.L.C."
# reads "llc" and "Co.Ltd" reads "coltd".
LATIN_SUFFIXES = frozenset(
    {
        "co",
        "coltd",
        "company",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "plc",
        "corp",
        "corporation",
        "gmbh",
        "ag",
        "sa",
        "sarl",
        "bv",
        "nv",
        "pte",
        "pty",
        "kk",
        "group",
        "holding",
        "holdings",
    }
)
# Chinese has no spaces: these are cut from the end of the name, longest first, repeatedly
# ("某某集团有限公司" loses 有限公司, then 集团).
CHINESE_SUFFIXES = tuple(
    sorted(
        ["有限公司", "有限责任公司", "股份有限公司", "股份公司", "集团", "公司", "控股", "责任公司"],
        key=len,
        reverse=True,
    )
)
# Punctuation dropped without a space, so that abbreviations stay one word.
JOINING_MARKS = frozenset(".'’‘`·")


def normalise(name: str) -> str:
    """The one spelling both sides are hashed in: Unicode NFKC (full-width letters become ASCII),
    case-folded, company forms removed from the end, then every punctuation mark, symbol and
    space removed. "" when nothing identifying is left (a name of only "Co., Ltd.")."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in JOINING_MARKS or category == "Cf":  # Cf: zero-width and direction marks
            continue
        kept.append(" " if category[0] in "PSZC" else char)
    words = "".join(kept).split()
    while len(words) > 1 and words[-1] in LATIN_SUFFIXES:
        words.pop()
    joined = "".join(words)
    stripped = True
    while stripped and joined not in CHINESE_SUFFIXES:
        stripped = False
        for suffix in CHINESE_SUFFIXES:
            if joined.endswith(suffix) and len(joined) > len(suffix):
                joined = joined[: -len(suffix)]
                stripped = True
                break
    # A name that is only a company form ("Company", "有限公司") identifies nobody.
    if joined in LATIN_SUFFIXES or joined in CHINESE_SUFFIXES:
        return ""
    return joined


def digest(name: str) -> str:
    """The keyed hash of the normalised name (64 hex characters), or "" when nothing is left
    to compare: an empty digest matches nothing."""
    normalised = normalise(name)
    if not normalised:
        return ""
    return hmac.new(settings.CONFLICT_CHECK_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


class ConflictListFull(Exception):
    """A cap of the conflict list refused an addition; str() says which, for the firm."""


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def entry_add(*, firm, name: str, label: str, user=None):
    """Put a party on the firm's list, under the caps. Returns (entry, created): a name already
    on the list returns its entry. Nothing in the answer depends on any request, so adding a
    name tells the firm nothing about who is being pursued."""
    fingerprint = digest(name)
    if not fingerprint:
        raise ValueError("Nothing identifying is left of this name.")
    with transaction.atomic():
        # The firm's row serialises its additions, so two at once cannot pass a cap together.
        Firm.objects.select_for_update().filter(pk=firm.pk).first()
        existing = ConflictEntry.objects.filter(firm=firm, digest=fingerprint).first()
        if existing is not None:
            return existing, False
        if ConflictEntry.objects.filter(firm=firm).count() >= settings.CONFLICT_LIST_MAX_ENTRIES:
            raise ConflictListFull(
                _("Your list holds %(count)d names, the most it can hold. Remove names you no longer act for first.")
                % {"count": settings.CONFLICT_LIST_MAX_ENTRIES}
            )
        today = timezone.localdate()
        tally, _created = ConflictTally.objects.get_or_create(
            firm=firm, kind=ConflictTally.Kind.ADDED_DAY, period=today
        )
        if tally.count >= settings.CONFLICT_LIST_MAX_ADDITIONS_PER_DAY:
            raise ConflictListFull(
                _("Your firm has added %(count)d names today, the most it can add in a day. Add the rest tomorrow.")
                % {"count": settings.CONFLICT_LIST_MAX_ADDITIONS_PER_DAY}
            )
        ConflictTally.objects.filter(pk=tally.pk).update(count=F("count") + 1)
        entry = ConflictEntry.objects.create(firm=firm, digest=fingerprint, label=label, created_by=user)
    return entry, True


def firms_holding(name: str) -> set[int]:
    """The ids of the firms whose list holds this party: one query on the digest index, none
    when no name was given."""
    fingerprint = digest(name)
    if not fingerprint:
        return set()
    return set(ConflictEntry.objects.filter(digest=fingerprint).values_list("firm_id", flat=True))


def skips_record(*, firm_ids) -> None:
    """Count one request not sent to each of these firms this week. Only the count is kept:
    no row names the request, so nobody can join a firm's conflict back to a client."""
    week = week_start(timezone.localdate())
    for firm_id in firm_ids:
        tally, _created = ConflictTally.objects.get_or_create(
            firm_id=firm_id, kind=ConflictTally.Kind.SKIPPED_WEEK, period=week
        )
        ConflictTally.objects.filter(pk=tally.pk).update(count=F("count") + 1)


def skips_this_week(*, firm) -> int:
    tally = ConflictTally.objects.filter(
        firm=firm, kind=ConflictTally.Kind.SKIPPED_WEEK, period=week_start(timezone.localdate())
    ).first()
    return tally.count if tally else 0
