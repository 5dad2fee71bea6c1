"""The Chinese catalogue is complete, current, compiled and holds to the glossary.

A string marked for translation with no Chinese, Chinese equal to the English (outside a few
names and codes) or marked fuzzy counts as missing: a Chinese page would show English there.
"""

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
GLOSSARY = Path(settings.BASE_DIR) / "locale" / "glossary.tsv"
# What makemessages skips, as scripts/dev messages does.
IGNORE = [".venv/*", "audit/*", "var/*", "tests/*", "staticfiles/*", "node_modules/*"]
# Names, codes and symbols that read the same in Chinese.
SAME_IN_CHINESE = re.compile(
    r"^(Lawzana|WeChat|LinkedIn|Weibo|Douyin|Zhihu|GitHub|X|URL|CNY|USD|EUR|HKD|GBP|PDF|CSV|OK|ID|QQ|API|"
    r"(?:%\(\w+\)[sdf]|[\W\d_])*)$",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\w*\}")


def catalogue():
    return polib.pofile(str(PO))


def chinese(entry):
    return [entry.msgstr] if not entry.msgid_plural else [entry.msgstr_plural.get(0, "")]


def glossary():
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        english, rendering = line.split("\t")[:2]
        rows.append((english, re.compile(rf"(?<![\w-])(?:{english})(?![\w-])", re.IGNORECASE), rendering))
    return rows


def copied(entry, text):
    return text == entry.msgid and not SAME_IN_CHINESE.match(text)


def missing(entries):
    return [
        entry.msgid
        for entry in entries
        if "fuzzy" in entry.flags or any(not text.strip() or copied(entry, text) for text in chinese(entry))
    ]


def test_every_marked_string_has_chinese():
    entries = [e for e in catalogue() if not e.obsolete]
    assert len(entries) > 1000
    gaps = missing(entries)
    assert not gaps, f"{len(gaps)} strings without Chinese, e.g. {gaps[:5]}"


def test_a_missing_or_copied_or_fuzzy_translation_counts_as_missing():
    untranslated = polib.POEntry(msgid="Send my request", msgstr="")
    copied = polib.POEntry(msgid="Send my request", msgstr="Send my request")
    fuzzy = polib.POEntry(msgid="Send my request", msgstr="发送我的需求", flags=["fuzzy"])
    name = polib.POEntry(msgid="WeChat", msgstr="WeChat")
    done = polib.POEntry(msgid="Send my request", msgstr="发送我的需求")
    assert missing([untranslated, copied, fuzzy, name, done]) == ["Send my request"] * 3


def test_placeholders_and_markup_survive_translation():
    broken = []
    for entry in catalogue():
        source = " ".join([entry.msgid, entry.msgid_plural])
        for text in chinese(entry):
            if sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(text))):
                broken.append(entry.msgid)
            if sorted(re.findall(r"</?(\w+)", entry.msgid)) != sorted(re.findall(r"</?(\w+)", text)):
                broken.append(entry.msgid)
    assert not broken, broken[:5]


def test_one_chinese_rendering_per_glossary_term():
    rows = glossary()
    assert len(rows) >= 40
    off = [
        f"{english} → {rendering}: {entry.msgid!r} = {text!r}"
        for entry in catalogue()
        for english, pattern, rendering in rows
        # A placeholder's name ("%(firm)s") is not a word of the sentence.
        if pattern.search(PLACEHOLDER.sub("", f"{entry.msgid} {entry.msgid_plural}"))
        for text in chinese(entry)
        if rendering not in text
    ]
    assert not off, "\n".join(off[:10])


def test_the_compiled_catalogue_is_the_one_committed():
    """Django reads the .mo: every Chinese string of the .po is what gettext gives."""
    assert MO.exists(), "Run scripts/dev messages to compile the catalogue."
    stale = []
    with translation.override("zh-hans"):
        for entry in catalogue():
            if entry.msgid_plural or "fuzzy" in entry.flags or not entry.msgstr:
                continue
            if entry.msgctxt:
                got = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = translation.gettext(entry.msgid)
            if got != entry.msgstr:
                stale.append(entry.msgid)
    assert not stale, f"{len(stale)} strings differ from the .po, e.g. {stale[:3]}: run scripts/dev messages"


def test_makemessages_finds_nothing_new(tmp_path):
    """The code marks no string that the catalogue lacks."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI") == "true":
            pytest.fail("gettext's xgettext is missing: .ci/run installs it (apt-get install gettext)")
        pytest.skip("gettext is not installed (apt-get install gettext): cannot run makemessages")
    # makemessages writes to the locale folder beside the files it reads: give it a tree of
    # links to the sources and a copy of the catalogue, so the real one is never touched.
    root = Path(settings.BASE_DIR)
    for entry in root.iterdir():
        if entry.name not in {"locale", ".git", ".venv", "var", "tests", "audit", "staticfiles", "node_modules"}:
            (tmp_path / entry.name).symlink_to(entry)
    target = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    before = PO.read_bytes()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            options = {"ignore_patterns": IGNORE, "no_obsolete": True, "symlinks": True, "verbosity": 0}
            call_command("makemessages", locale=["zh_Hans"], **options)
    finally:
        os.chdir(cwd)
    assert PO.read_bytes() == before
    fresh = polib.pofile(str(target / "django.po"))
    assert len(fresh) > 1000  # it read the code
    committed = {(e.msgctxt, e.msgid) for e in catalogue()}
    new = [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed]
    assert not new, f"{len(new)} marked strings are not in the catalogue, e.g. {new[:5]}: run scripts/dev messages"
    gaps = missing([e for e in fresh if not e.obsolete])
    assert not gaps, gaps[:5]
