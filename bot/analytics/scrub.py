"""Remove things that could identify a person from a message before it is ever stored.

Used only for unmatched messages kept with STORE_UNMATCHED=1. Each kind of identifier becomes a
placeholder, so staff still see the shape of the question ("can I text [phone]?"). The rules
lean towards removing too much: a dose that looks like a long number is a small loss; a phone
number left in the database is not.

People hide numbers from filters, or just type loosely, so each rule also looks through the
usual disguises: O for 0, underscores, commas, slashes and double spaces between digits, digits
as words ("oh seven seven double oh"), "at" and "dot" in emails, postcodes with any separator or
with every letter apart ("l s 1 4 a p"), and dates of birth in words ("12 march 1985").

Phone numbers are found by Google's libphonenumber (the `phonenumbers` package), which knows
every country's formats; it reads a copy of the text in which the disguises are undone without
changing its length, so what it finds lines up with the text as written.

Every pattern here is a single pass without nested repetition over the same characters, so the
time grows with the length of the message, not its square.

What this cannot remove: names, street names, and anything else that is only words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from phonenumbers import Leniency, PhoneNumberMatcher, is_possible_number

REGION = "GB"  # how a number without a country code is read
PRE_CUT = 4
Spans = Iterator[tuple[int, int, str]]  # (start, end, placeholder) in the text


# ------------------------------------------------------------------ hidden characters
def _invisible(char: str) -> bool:
    # Format characters (zero-width space, soft hyphen, tag characters...), variation selectors
    # and the combining grapheme joiner: none is visible, and any of them can split a number.
    return (
        unicodedata.category(char) == "Cf"
        or "\ufe00" <= char <= "\ufe0f"
        or "\U000e0100" <= char <= "\U000e01ef"
        or char == "\u034f"
    )


def _visible(text: str) -> str:
    # NFKC turns full-width and other look-alike digits and symbols into plain ones, so that
    # "０７７００ ９００１２３" is caught.
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not _invisible(c)) if any(map(_invisible, text)) else text


# ------------------------------------------------------------------ emails
_DOT = r"(?:\.|\s+dot\s+|\s*[\[(]\s*dot\s*[\])]\s*)"
_AT = r"(?:\s*@\s*|\s*[\[(]\s*at\s*[\])]\s*|\s+at\s+)"
_LABEL = r"(?!(?:dot|at)\b)[\w-]+"  # "at home dot dot dot" is not an address
_TLD = r"(?!(?:dot|at)\b)[a-z]{2,6}"
# Mail services people name without the ".com" ("john@gmail", "john at hotmail").
_PROVIDERS = (
    r"(?:gmail|googlemail|hotmail|outlook|yahoo|icloud|btinternet|protonmail|aol"
    r"|ymail|msn|yandex|gmx)"
)
EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*", re.IGNORECASE)
# Written out: "john dot smith at gmail dot com", "john(at)gmail(dot)com", "jo at gmail.com".
# After a spoken "at" the address must end in a dot and a word of letters, or name a mail
# service, so that "i took 2 pills at 3. then" is left alone. The dots are bounded (four
# parts each side) so that a long run of "dot" is not read from every word in it.
EMAIL_WORDS = re.compile(
    rf"(?<![\w.+'-])[\w+'-]+(?:{_DOT}[\w+'-]+){{0,3}}{_AT}"
    rf"(?:{_LABEL}(?:{_DOT}{_LABEL}){{0,3}}{_DOT}{_TLD}|{_PROVIDERS})(?![\w-])",
    re.IGNORECASE,
)

# ------------------------------------------------------------------ links and handles
URL = re.compile(
    r"(?<![\w.])(?:[a-z][a-z0-9+.-]*://|www\.)\S+"  # any scheme (https://, tg://), or www.
    r"|(?<![\w.@-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"  # or a bare domain ...
    r"(?:com|org|net|uk|io|me|info|biz|app|dev|gov|edu|co|ly|gg|tv|xyz|eu|ie|us|ai|link|site"
    r"|online|ru|de|fr|nl|es|it|pl|ro|in|ca|au|ws|to|sh)\b(?:/\S*)?",  # ... with a known ending
    re.IGNORECASE,
)
HANDLE = re.compile(r"(?<![\w@])@\w+")

# ------------------------------------------------------------------ dates of birth
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORDINAL_WORDS = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
    r"|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth"
    r"|nineteenth"
)
_DAY = (
    rf"(?:(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
    rf"|(?:(?:twenty|thirty)[\s-]?)?(?:{_ORDINAL_WORDS})|twentieth|thirtieth)"
)
_UNITS = r"one|two|three|four|five|six|seven|eight|nine"
_YEAR = (
    rf"(?:(?:19|20)\d\d|'?\d\d|nineteen(?:[\s-]+(?:oh|o)[\s-]+(?:{_UNITS})"
    rf"|[\s-]+(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    rf"|nineteen)|[\s-]+(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    rf"(?:[\s-]+(?:{_UNITS}))?)|two\s+thousand(?:\s+and)?(?:[\s-]+\w+)?)"
)
# "12 march 1985", "12th of march, 85", "march 12th 1985", "the twelfth of march nineteen
# eighty five". A day and month alone ("since 12 march") or a month and year are not enough to
# pick anyone out, so they stay.
DATE_WORDS = re.compile(
    rf"\b(?:{_DAY}(?:\s+of)?[\s,/-]+{_MONTH}|{_MONTH}[\s,/-]+(?:the\s+)?{_DAY})"
    rf"[\s,/-]+{_YEAR}\b",
    re.IGNORECASE,
)
# 12.3.85, 12-03-1985, 1/2/90, 1985-03-12: the same separator twice, a real day and month.
DATE_DIGITS = re.compile(
    r"\b(?:(?:3[01]|[12]\d|0?[1-9])([./-])(?:1[0-2]|0?[1-9])\1(?:\d{4}|\d{2})"
    r"|(?:19|20)\d\d([./-])(?:1[0-2]|0?[1-9])\2(?:3[01]|[12]\d|0?[1-9]))\b"
)

# ------------------------------------------------------------------ digits, however written
_SEPARATORS = "_,"  # read as spaces between digits: 07700_900_123, 07700,900,123
_ZERO_LIKE = "oOоОοΟ"  # Latin, Cyrillic and Greek O, written for 0
_DIGITISH = re.compile(rf"(?<![^\W\d_])[\d{_ZERO_LIKE}]+(?![^\W\d_])")
# Where a phone number could start (+, 00 or 0) and the digits and punctuation after it.
PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|\(?0)[\d\s().\-/]{6,30}\d")
_SPOKEN = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "nil": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_TOKEN = rf"(?:\d+|(?:{'|'.join(_SPOKEN)}|double|triple)(?![\w']))"
SPOKEN_DIGITS = re.compile(rf"(?<![\w']){_TOKEN}(?:[\s,.\-]+{_TOKEN}){{2,}}", re.IGNORECASE)
# Six or more digits with up to three separators between each: card, account, NHS and Telegram
# id numbers, phone numbers without the leading 0, "943 / 476 / 5919".
LONG_RUN = 6
DIGIT_RUN = re.compile(rf"\d(?:[\s./\-]{{0,3}}\d){{{LONG_RUN - 1},}}")

# ------------------------------------------------------------------ postcodes
# A full UK postcode, outward and inward code, with any separators (or none) between its
# characters: "LS1 4AP", "ls14ap", "LS1-4AP", "LS1.4AP", "l s 1 4 a p". Inward codes never use
# the letters CIKMOV, which keeps doses such as "b12 1mg" and times such as "at 3 4 pm" out.
_GAP = r"[\s._\-/,]{0,3}"
_INWARD = "[abd-hjlnp-uw-z]"
POSTCODE = re.compile(
    rf"(?<![a-z0-9])(?:[a-z](?:{_GAP}[a-z])?{_GAP}\d(?:{_GAP}[a-z\d])?|gir)"
    rf"{_GAP}\d{_GAP}{_INWARD}{_GAP}{_INWARD}(?![a-z0-9])",
    re.IGNORECASE,
)


def _undisguised(text: str) -> str:
    """The text with O-for-0 and the separators undone, the same length as `text`, so that a
    match in it is at the same place in `text`."""
    text = text.translate(str.maketrans(_SEPARATORS, " " * len(_SEPARATORS)))

    def zeros(match: re.Match[str]) -> str:
        found = match.group()
        if sum(c.isdigit() for c in found) < 2:
            return found  # "o" or "2o": a word, not a disguised number
        return "".join("0" if c in _ZERO_LIKE else c for c in found)

    return _DIGITISH.sub(zeros, text)


def _phone_shaped(digits: str, international: bool) -> bool:
    return (
        8 <= len(digits) <= 15
        if international
        else digits.startswith("0") and (10 <= len(digits) <= 11)
    )


def _phones(text: str) -> Spans:
    """Phone numbers with a leading 0, + or 00, in any format libphonenumber knows. It reads
    only the stretches that could hold one: on a long run of digits it is slow."""
    plain = _undisguised(text)
    for candidate in PHONE_CANDIDATE.finditer(plain):
        offset = candidate.start()
        for match in PhoneNumberMatcher(candidate.group(), REGION, leniency=Leniency.POSSIBLE):
            raw = match.raw_string.lstrip("(")
            digits = "".join(c for c in raw if c.isdigit())
            international = raw.startswith(("+", "00"))
            if (
                (international or digits.startswith("0"))
                and is_possible_number(match.number)
                and _phone_shaped(digits, international)
            ):
                yield offset + match.start, offset + match.end, "[phone]"


def _spoken(text: str) -> Spans:
    """Numbers with digits as words: "oh seven seven double oh nine double oh 1 2 3"."""
    for match in SPOKEN_DIGITS.finditer(text):
        tokens = re.findall(_TOKEN, match.group(), re.IGNORECASE)
        if all(t.isdigit() for t in tokens):
            continue  # plain digits: the digit rules below see them as they are
        digits, repeat = "", 1
        for token in (t.lower() for t in tokens):
            if token in ("double", "triple"):
                repeat = 2 if token == "double" else 3
                continue
            digits += (token if token.isdigit() else _SPOKEN[token]) * repeat
            repeat = 1
        if len(digits) >= LONG_RUN:
            shaped = _phone_shaped(digits, digits.startswith("00"))
            yield match.start(), match.end(), "[phone]" if shaped else "[number]"


def _long_runs(text: str) -> Spans:
    for match in DIGIT_RUN.finditer(_undisguised(text)):
        yield match.start(), match.end(), "[number]"


def _pattern(regex: re.Pattern[str], placeholder: str) -> Callable[[str], Spans]:
    def find(text: str) -> Spans:
        for match in regex.finditer(text):
            yield match.start(), match.end(), placeholder

    return find


# Order matters: an email holds a domain and an @, so it goes first (the written-out kind
# first of all, or "john@gmail dot com" would lose only its first half); links before handles so
# that t.me/@name goes whole; dates and phones before postcodes and digit runs so they get the
# better name.
RULES: tuple[tuple[str, Callable[[str], Spans]], ...] = (
    ("email in words", _pattern(EMAIL_WORDS, "[email]")),
    ("email", _pattern(EMAIL, "[email]")),
    ("url", _pattern(URL, "[url]")),
    ("handle", _pattern(HANDLE, "[handle]")),
    ("date in words", _pattern(DATE_WORDS, "[date]")),
    ("date", _pattern(DATE_DIGITS, "[date]")),
    ("phone", _phones),
    ("digits as words", _spoken),
    ("postcode", _pattern(POSTCODE, "[postcode]")),
    ("number", _long_runs),
)


def _replace(text: str, spans: Spans) -> str:
    parts: list[str] = []
    at = 0
    for start, end, placeholder in spans:
        if start < at:
            continue  # overlaps one already replaced
        parts += [text[at:start], placeholder]
        at = end
    return "".join(parts) + text[at:] if parts else text


def _numberish(word: str) -> bool:
    core = word.strip(".,;:!?()[]\"'")
    return (
        not core
        or core.lower() in _SPOKEN
        or core.lower() in ("double", "triple")
        or all(c.isdigit() or c in _ZERO_LIKE or c in "+-/_," for c in core)
    )


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, never after a part of a number or address (the part alone
    could be too short to be seen as one): a plain word may be cut, anything else is dropped
    whole, and so are number words left at the end."""
    if len(text) <= limit:
        return text
    words = list(re.finditer(r"\S+", text[:limit]))
    end = words[-1].end() if words else 0
    if words and end == limit and not text[limit].isspace():  # the cut is inside this word
        if words[-1].group().isalpha():
            return text[:limit]
        words.pop()
    while words and _numberish(words[-1].group()):
        words.pop()
    return text[: words[-1].end()] if words else ""


def scrub(text: str, limit: int | None = None) -> str:
    """`text` with emails, links, @handles, dates of birth, phone numbers, UK postcodes and long
    digit runs replaced by [email], [url], [handle], [date], [phone], [postcode] and [number].

    With `limit`, the result has at most that many characters; only the start of a long text
    is read (PRE_CUT times the limit), so a message full of numbers costs little."""
    text = _visible(text)
    if limit is not None:
        text = _cut(text, PRE_CUT * limit)
    for _name, find in RULES:
        text = _replace(text, find(text))
    return text if limit is None else _cut(text, limit)
