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
from django.db.models import Count, F
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


def key_id(key: str) -> str:
    """Which key an entry was hashed under, stored beside it: a keyed hash of a fixed text, so it
    names the key without helping anyone learn it."""
    return hmac.new(key.encode(), b"lawzana conflict-check key id", hashlib.sha256).hexdigest()[:12]


def current_key_id() -> str:
    return key_id(settings.CONFLICT_CHECK_KEY)


def digest(name: str, *, key: str | None = None) -> str:
    """The keyed hash of the normalised name (64 hex characters) under the current key (or the
    one given), or "" when nothing is left to compare: an empty digest matches nothing."""
    normalised = normalise(name)
    if not normalised:
        return ""
    key = settings.CONFLICT_CHECK_KEY if key is None else key
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def fingerprints(name: str) -> dict[str, str]:
    """The name's digest under the current key and under every fallback key, by digest, each
    with the id of its key: the current key first. Empty when nothing identifying is left."""
    if not normalise(name):
        return {}
    keys = [settings.CONFLICT_CHECK_KEY, *settings.CONFLICT_CHECK_KEY_FALLBACKS]
    return {digest(name, key=key): key_id(key) for key in keys}


def _rekey(entries, *, fingerprint: str) -> None:
    """Entries found under a fallback key move to the current one, now that the name is known
    again; where the firm meanwhile re-entered the name under the current key, the old entry goes."""
    current = current_key_id()
    for entry in entries:
        if entry.key_id == current and entry.digest == fingerprint:
            continue
        if ConflictEntry.objects.filter(firm_id=entry.firm_id, digest=fingerprint).exclude(pk=entry.pk).exists():
            ConflictEntry.objects.filter(pk=entry.pk).delete()
        else:
            ConflictEntry.objects.filter(pk=entry.pk).update(digest=fingerprint, key_id=current)


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
        existing = ConflictEntry.objects.filter(firm=firm, digest__in=fingerprints(name)).first()
        if existing is not None:
            # Entering a name again is how a firm moves it off a key being replaced.
            _rekey([existing], fingerprint=fingerprint)
            existing.refresh_from_db()
            return existing, False
        # The portal asks firms to enter names under a replaced key again "with the same label":
        # that entry is renewed in place, outside the caps, since the list does not grow.
        renewed = ConflictEntry.objects.filter(firm=firm, label=label.strip()).exclude(key_id=current_key_id()).first()
        if renewed is not None:
            ConflictEntry.objects.filter(pk=renewed.pk).update(digest=fingerprint, key_id=current_key_id())
            renewed.refresh_from_db()
            return renewed, True
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
        entry = ConflictEntry.objects.create(
            firm=firm, digest=fingerprint, key_id=current_key_id(), label=label, created_by=user
        )
    return entry, True


def firms_holding(name: str) -> set[int]:
    """The ids of the firms whose list holds this party: one query on the digest index, none
    when no name was given. While a key is being replaced, entries found under a fallback key
    are re-keyed under the current one (a write only then)."""
    by_digest = fingerprints(name)
    if not by_digest:
        return set()
    entries = list(ConflictEntry.objects.filter(digest__in=by_digest).only("pk", "firm_id", "digest", "key_id"))
    current = digest(name)
    stale = [entry for entry in entries if entry.digest != current]
    if stale:
        _rekey(stale, fingerprint=current)
    return {entry.firm_id for entry in entries}


def entries_by_key() -> dict[str, int]:
    """How many entries each key holds: "current", "fallback 1", "fallback 2"… and "retired"
    for keys no longer configured, whose entries match nothing until the firms enter them again."""
    names = {current_key_id(): "current"}
    for position, key in enumerate(settings.CONFLICT_CHECK_KEY_FALLBACKS, start=1):
        names.setdefault(key_id(key), f"fallback {position}")
    counts = {name: 0 for name in names.values()}
    counts["retired"] = 0
    for row in ConflictEntry.objects.values("key_id").annotate(count=Count("pk")):
        counts[names.get(row["key_id"], "retired")] += row["count"]
    return counts


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
