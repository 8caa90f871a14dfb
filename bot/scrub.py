"""Remove things that could identify a person from a message before it is ever stored.

Used only for unmatched messages kept with STORE_UNMATCHED=1. Each kind of identifier becomes a
placeholder, so staff still see the shape of the question ("can I text [phone]?"). The patterns
lean towards removing too much: a dose that looks like a long number is a small loss; a phone
number left in the database is not.

What this cannot remove: names, street names, and anything else that is only words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_ZERO_WIDTH = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# Matches start only where a token starts (the look-behinds), so a long message without any
# identifier is scanned once, not once per character.
EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(
    r"(?<![\w.])(?:[a-z][a-z0-9+.-]*://|www\.)\S+"  # any scheme (https://, tg://), or www.
    r"|(?<![\w.@-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"  # or a bare domain ...
    r"(?:com|org|net|uk|io|me|info|biz|app|dev|gov|edu|co|ly|gg|tv|xyz|eu|ie|us|ai|link|site"
    r"|online|ru|de|fr|nl|es|it|pl|ro|in|ca|au|ws|to|sh)\b(?:/\S*)?",  # ... with a known ending
    re.IGNORECASE,
)
HANDLE = re.compile(r"(?<![\w@])@\w+")
# A phone number: international (+44..., 0044...) or national (0...), with spaces, dashes, dots
# or brackets between the digits. The digit count is checked afterwards (_phone).
PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\s?\d[\d\s().-]{5,22}\d"
    r"|(?<![\w])\(?0\d[\d\s().-]{6,18}\d"
)
# A full UK postcode (outward and inward code). Inward codes never use the letters CIKMOV,
# which keeps doses such as "b12 1mg" out.
POSTCODE = re.compile(
    r"\b(?:[a-z]{1,2}\d[a-z\d]?|gir)\s*\d[abd-hjlnp-uw-z]{2}\b",
    re.IGNORECASE,
)
# Six or more digits, maybe split by single spaces, dashes, dots or slashes: card, account,
# NHS and Telegram id numbers, dates of birth, phone numbers written without the leading 0.
LONG_RUN = 6
DIGIT_RUN = re.compile(rf"\d(?:[ ./-]?\d){{{LONG_RUN - 1},}}")


def _phone(match: re.Match[str]) -> str:
    found = match.group()
    digits = sum(ch.isdigit() for ch in found)
    international = found.startswith(("+", "00"))
    if (8 <= digits <= 15) if international else (10 <= digits <= 11):
        return "[phone]"
    return found  # not shaped like a phone number; the digit-run rule may still take it


def _fixed(placeholder: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: placeholder


# Order matters: an email contains a domain and an @, so it goes first; URLs before handles so
# that t.me/@name goes whole; phones before postcodes and digit runs so they get the better name.
RULES: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    ("email", EMAIL, _fixed("[email]")),
    ("url", URL, _fixed("[url]")),
    ("handle", HANDLE, _fixed("[handle]")),
    ("phone", PHONE, _phone),
    ("postcode", POSTCODE, _fixed("[postcode]")),
    ("number", DIGIT_RUN, _fixed("[number]")),
)


def scrub(text: str) -> str:
    """`text` with emails, URLs, @handles, phone numbers, UK postcodes and long digit runs
    replaced by [email], [url], [handle], [phone], [postcode] and [number]."""
    # NFKC turns full-width and other look-alike digits and symbols into plain ones, so that
    # "０７７００ ９００１２３" is caught; zero-width characters could otherwise split a number.
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text))
    for _name, pattern, replace in RULES:
        text = pattern.sub(replace, text)
    return text
