"""bot/scrub.py: every kind of identifier goes; ordinary harm-reduction talk stays."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.scrub import scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # phone numbers, UK and international, in the ways people write them
        ("call me on 07700 900123 pls", "call me on [phone] pls"),
        ("07700900123", "[phone]"),
        ("my mobile is 07700-900-123", "my mobile is [phone]"),
        ("+44 7700 900123", "[phone]"),
        ("+447700900123 text me", "[phone] text me"),
        ("+44 (0)20 7946 0958 is my number", "[phone] is my number"),
        ("0044 7700 900123", "[phone]"),
        ("ring (020) 7946 0958", "ring [phone]"),
        ("ring 020-7946-0958", "ring [phone]"),
        ("0161 496 0000", "[phone]"),
        ("0800 123 4567 free", "[phone] free"),
        ("my cousin in ireland +353 85 123 4567", "my cousin in ireland [phone]"),
        # email addresses
        ("my email is john.smith+x@gmail.co.uk ok", "my email is [email] ok"),
        ("JANE_DOE99@Outlook.com", "[email]"),
        ("mail foo@bar.com's inbox", "mail [email]'s inbox"),
        # full UK postcodes, any case, with or without the space
        ("i live at SW1A 1AA", "i live at [postcode]"),
        ("sw1a1aa", "[postcode]"),
        ("near M1 1AE please", "near [postcode] please"),
        ("LS6 2AB", "[postcode]"),
        ("b33 8th", "[postcode]"),
        ("ec1a 1bb.", "[postcode]."),
        # @handles
        ("msg @johnsmith_99 on insta", "msg [handle] on insta"),
        ("@someone", "[handle]"),
        # URLs: any scheme, www., bare domains
        ("see https://example.com/a?b=c.", "see [url]"),
        ("http://192.168.1.1/x", "[url]"),
        ("tg://user?id=123456789", "[url]"),
        ("t.me/johnsmith", "[url]"),
        ("www.foo.org/bar", "[url]"),
        ("facebook.com/jane.doe.5", "[url]"),
        ("check my-site.co.uk", "check [url]"),
        # long digit runs: ids, NHS numbers, cards, dates of birth, numbers without the 0
        ("my id is 123456789", "my id is [number]"),
        ("my nhs number is 485 777 3456", "my nhs number is [number]"),
        ("card 4111 1111 1111 1111", "card [number]"),
        ("sort code 12-34-56", "sort code [number]"),
        ("dob 01/02/1990", "dob [number]"),
        ("born 1990-02-01", "born [number]"),
        ("7700 900123", "[number]"),
        # look-alike characters and hidden characters do not get through
        ("０７７００ ９００１２３", "[phone]"),
        ("07700\u200b900123", "[phone]"),
        ("john\u00ad@example.com", "[email]"),
    ],
)
def test_identifiers_are_replaced(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "can i mix ket and coke",
        "call 999 or 111",
        "i took 2.5mg at 10.30",
        "had 3 beers and 2 lines",
        "b12 1mg",  # a dose, not a postcode: inward codes never use M
        "took 2 x 10mg",
        "e.g. i.e. a.m.",
        "LS6 is my area",  # a district alone is not scrubbed (see README)
        "12345",  # five digits: a dose or a price more often than an identifier
        "in 2024 i started",
        "where r u based",
        "hello.world",
        "i'm 25 and my mate is 30",
        "£10,000",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert scrub(text) == text


def test_several_kinds_in_one_message() -> None:
    text = (
        "I'm Sam, 07700 900123, sam@example.org, @samuel, BS1 4DJ, "
        "https://t.me/sam and my id 987654321"
    )
    expected = "I'm Sam, [phone], [email], [handle], [postcode], [url] and my id [number]"
    assert scrub(text) == expected


PLACEHOLDER = re.compile(r"\[(phone|email|handle|postcode|url|number)\]")
uk_mobile = st.from_regex(r"07[0-9]{3} ?[0-9]{3} ?[0-9]{3}", fullmatch=True)
international = st.from_regex(r"\+44 ?7[0-9]{3} ?[0-9]{6}", fullmatch=True)
email = st.from_regex(r"[a-z][a-z0-9._+]{0,15}@[a-z][a-z0-9-]{0,10}\.(com|org|co\.uk|net)",
                      fullmatch=True)
handle = st.from_regex(r"@[A-Za-z][A-Za-z0-9_]{4,31}", fullmatch=True)
postcode = st.from_regex(
    r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}", fullmatch=True
).map(lambda p: p if len(p) % 2 else p.lower())
digits = st.from_regex(r"[1-9][0-9]{5,15}", fullmatch=True)
identifier = st.one_of(uk_mobile, international, email, handle, postcode, digits)
words = st.lists(st.sampled_from(["i", "need", "help", "with", "naloxone", "my", "is", "on"]),
                 max_size=6).map(" ".join)


@given(words, identifier, words)
def test_no_digit_or_at_sign_of_an_identifier_survives(before: str, found: str, after: str) -> None:
    out = scrub(f"{before} {found} {after}")
    assert found not in out
    assert PLACEHOLDER.search(out)
    assert not any(ch.isdigit() for ch in out)
    assert "@" not in out


@given(st.text(max_size=200))
def test_scrubbing_is_stable(text: str) -> None:
    once = scrub(text)
    assert scrub(once) == once


@given(st.text(alphabet="0123456789 +-()./@abc", max_size=80))
def test_no_run_of_six_digits_survives(text: str) -> None:
    assert not re.search(r"\d(?:[ ./-]?\d){5}", scrub(text))
