"""What a firm reads of a request before the client gives it their contact details: the
description with every way of writing an email address, a phone number, a link or a
messaging handle hidden, and ordinary text (articles of law, sums, dates) left as typed.

Clients do write their contact details into descriptions, in every form: "WeChat lina_88",
"微信：lina_88", "QQ 12345678", "lina at example dot com", full-width digits, digits split by
spaces, "幺三八 一二三四 五六七八". The text is first normalised character for character
(full-width forms and Chinese digit numerals to ASCII), so that every pattern works on one
spelling and each hidden span maps back onto the text as typed. tests/intake/test_redaction_corpus.py
holds the cases, both those that must be hidden and those that must stay.
"""

import re

SUMMARY_LENGTH = 400

# --- Normalising ---------------------------------------------------------------------------

_FULLWIDTH = {chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}  # ！..～ -> !..~
_FULLWIDTH["\u3000"] = " "
_CHINESE_DIGITS = dict(zip("零〇一幺二三四五六七八九", "001123456789", strict=True))
# Four or more Chinese digit numerals in a row (spaces allowed) are a number written out;
# fewer are words ("一二三" in a list, "三个月").
_CHINESE_NUMBER = re.compile(rf"[{''.join(_CHINESE_DIGITS)}](?:\s*[{''.join(_CHINESE_DIGITS)}]){{3,}}")


def _normalised(text: str) -> str:
    """The text with the same length, full-width forms and written-out numbers in ASCII."""
    plain = "".join(_FULLWIDTH.get(ch, ch) for ch in text)
    return _CHINESE_NUMBER.sub(lambda m: "".join(_CHINESE_DIGITS.get(ch, ch) for ch in m.group()), plain)


# --- What is hidden ------------------------------------------------------------------------

_TLD = r"(?:com|cn|net|org|edu|gov|io|me|co|info|biz|top|xyz|hk|tw|jp|kr|ru|de|fr|uk|us|eu|sg|app|dev)"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "lina at example dot com", "lina(at)example(dot)com", "lina [at] example [dot] com"
_AT = r"(?:\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+|\s*艾特\s*)"
_DOT = r"(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+|\s*点\s*|\.)"
_SPELLED_EMAIL = re.compile(rf"[\w.+-]+{_AT}[a-z][\w-]*(?:{_DOT}[\w-]+)*{_DOT}{_TLD}\b", re.IGNORECASE)

_URL = re.compile(
    r"(?:https?://|www\.)\S+"
    rf"|\b[a-z0-9][\w-]*(?:\.[\w-]+)*\.{_TLD}\b(?:/\S*)?"  # a bare domain, with or without a path
    r"|\b(?:t|wa|line)\.me/\S+",
    re.IGNORECASE,
)

# A messaging app's name and the handle after it. With a separator ("WeChat: lina", "QQ号：",
# "ID is") the handle may be a plain word; after a mere space it must look like a handle
# (a digit, _, ., - or @ in it), so that "my WeChat account was hacked" stays.
_APP = (
    r"(?:微信号?|weixin|wechat(?:\s*id)?|(?<![a-z])(?:wx|vx)|v信|威信|薇信|加v|qq号?|telegram|(?<![a-z])tg"
    r"|whatsapp|line(?:\s*id)?|skype|signal|钉钉|飞书|电报|instagram|ins|抖音号?|微博)"
)
_HANDLE = re.compile(
    rf"(?P<app>{_APP})(?P<sep>\s*(?:[:=]|(?<![a-z])id\b|号|是|为|\bis\b)\s*|\s*)(?P<handle>@?[a-z0-9][\w.+\-@]*[\w])",
    re.IGNORECASE,
)
_AT_HANDLE = re.compile(r"(?<![\w@.])@[a-z][\w.]{3,}\w", re.IGNORECASE)

# Digits with what people put between them: spaces, dashes, dots, brackets, slashes.
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\+?\(?\d(?:[\s\-.()/·]{0,3}\d)+")
# A mobile number split by a word or two ("138转1234转5678").
_SPLIT_MOBILE = re.compile(
    r"(?<!\d)1[3-9]\d[\s\-]*[\u4e00-\u9fff]{1,2}[\s\-]*\d{4}[\s\-]*[\u4e00-\u9fff]{0,2}[\s\-]*\d{4}(?!\d)"
)
_DATE = re.compile(
    r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}|(?:19|20)\d\d\s*[-–/]\s*(?:19|20)\d\d)$"
)
_MONEY_BEFORE = re.compile(r"(?:[¥￥$€£]|rmb|cny|usd|eur|人民币)\s*$", re.IGNORECASE)
_UNIT_AFTER = re.compile(
    r"^\s*(?:元|块|万|亿|%|％|㎡|平方|yuan|rmb|cny|usd|eur|dollars?|euros?|percent|m2|sq|units?|words?|people|"
    r"employees|members|shares)",
    re.IGNORECASE,
)
NUMBER_MIN_DIGITS = 7  # shorter runs are amounts, articles, years; phone and QQ numbers are longer


def _number_spans(normal: str):
    for match in _NUMBER.finditer(normal):
        number = match.group().strip(" -./·(")
        digits = sum(ch.isdigit() for ch in number)
        if digits < NUMBER_MIN_DIGITS or _DATE.match(number):
            continue
        if _MONEY_BEFORE.search(normal[: match.start()]) or _UNIT_AFTER.match(normal[match.end() :]):
            continue
        yield match.start(), match.end(), "[number hidden]"
    for match in _SPLIT_MOBILE.finditer(normal):
        yield match.start(), match.end(), "[number hidden]"


def _handle_spans(normal: str):
    for match in _HANDLE.finditer(normal):
        handle, separated = match.group("handle"), match.group("sep").strip()
        if not separated and not re.search(r"[\d_.\-@]", handle):
            continue  # "WeChat account", "Line for chat": a word, not a handle
        yield match.start("handle"), match.end("handle"), "[contact hidden]"
    for match in _AT_HANDLE.finditer(normal):
        yield match.start(), match.end(), "[contact hidden]"


def _spans(normal: str):
    for pattern in (_EMAIL, _SPELLED_EMAIL):
        for match in pattern.finditer(normal):
            yield match.start(), match.end(), "[email hidden]"
    for match in _URL.finditer(normal):
        yield match.start(), match.end(), "[link hidden]"
    yield from _handle_spans(normal)
    yield from _number_spans(normal)


def redact_contacts(text: str) -> str:
    """The text with every contact detail replaced by a mark saying what was hidden."""
    # Earlier detectors win where spans overlap: an email's domain is not also a link.
    taken: list[tuple[int, int, str]] = []
    for start, end, label in _spans(_normalised(text)):
        if all(end <= s or start >= e for s, e, _label in taken):
            taken.append((start, end, label))
    pieces, position = [], 0
    for start, end, label in sorted(taken):
        pieces += [text[position:start], label]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def redacted_summary(text: str) -> str:
    """The description as a firm sees it before accepting: shortened, contact details hidden."""
    hidden = redact_contacts(text)
    return hidden if len(hidden) <= SUMMARY_LENGTH else hidden[: SUMMARY_LENGTH - 1].rstrip() + "…"
