"""Normalisation sees through disguise: invisible characters and letters that only look Latin.

"hes not brea" + a soft hyphen + "thing" is "hes not breathing"; so is "nоt" with a Cyrillic о.
A message in another script keeps its letters, so the bot can still say it reads English only.
"""

from __future__ import annotations

import pytest
from conftest import shipped_responder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.decide import Action
from bot.core.library import CRISIS_SUPPORT, OVERDOSE_EMERGENCY, SAFETY_INTENTS
from bot.core.normalise import MAX_CHARS, normalise

# Format characters (Unicode category Cf), variation selectors and the combining grapheme joiner.
INVISIBLE = [
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",  # zero width, joiners, direction marks
    "\u202a",
    "\u202e",
    "\u2060",
    "\u2062",
    "\u2066",
    "\u2069",
    "\ufeff",  # byte order mark
    "\ufe00",
    "\ufe0e",
    "\ufe0f",  # variation selectors
    "\U000e0001",
    "\U000e0020",
    "\U000e0041",
    "\U000e007f",  # tag characters
    "\U000e0100",
    "\U000e01ef",  # variation selectors supplement
    "\U0001d173",  # musical symbol begin beam
]


def verdict(text: str) -> tuple[bool, str | None]:
    reply = shipped_responder().reply(text)
    return reply.is_safety, reply.intent if reply.is_safety else None


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_an_invisible_character_inside_a_word_vanishes(char: str) -> None:
    assert normalise(f"hes not brea{char}thing") == "hes not breathing"
    assert normalise(f"{char}n{char}al{char}oxone{char}") == "naloxone"
    assert normalise(char * 50) == ""


# What the issue found, and more: each must still be an emergency.
DISGUISED = [
    ("hes not brea\u00adthing", OVERDOSE_EMERGENCY),
    ("hes not brea\u034fthing", OVERDOSE_EMERGENCY),
    ("hes not brea\u180ething", OVERDOSE_EMERGENCY),
    ("hes not brea\ufe0fthing", OVERDOSE_EMERGENCY),
    ("hes not brea\U000e0062\U000e0072thing", OVERDOSE_EMERGENCY),
    ("hes n\u043et breathing", OVERDOSE_EMERGENCY),  # Cyrillic о
    ("HЕS GОNЕ BLUЕ", OVERDOSE_EMERGENCY),  # Cyrillic Е, О
    ("she wont wаkе up", OVERDOSE_EMERGENCY),  # Cyrillic а, е
    ("һе'ѕ nоt brеаtһіng", OVERDOSE_EMERGENCY),  # every letter that can be Cyrillic is
    ("hes nοt breathing", OVERDOSE_EMERGENCY),  # Greek ο
    ("ＨＥＳ ＧＯＮＥ ＢＬＵＥ", OVERDOSE_EMERGENCY),  # fullwidth
    ("𝐡𝐞𝐬 𝐧𝐨𝐭 𝐛𝐫𝐞𝐚𝐭𝐡𝐢𝐧𝐠", OVERDOSE_EMERGENCY),  # mathematical bold
    ("ʜᴇs ɴᴏᴛ ʙʀᴇᴀᴛʜɪɴɢ", OVERDOSE_EMERGENCY),  # small capitals
    ("h̷e̷s̷ n̷o̷t̷ b̷r̷e̷a̷t̷h̷i̷n̷g̷", OVERDOSE_EMERGENCY),  # combining strokes
    ("i wаnt tо kill mysеlf", CRISIS_SUPPORT),
    ("i want to k\u200bill my\u00adself", CRISIS_SUPPORT),
]


@pytest.mark.parametrize(("text", "intent"), DISGUISED)
def test_a_disguised_emergency_is_still_one(text: str, intent: str) -> None:
    assert verdict(text) == (True, intent)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("привет как дела", "привет как дела"),  # Russian stays Russian
        ("مرحبا كيف حالك", "مرحبا كيف حالك"),
        ("我需要帮助", "我需要帮助"),
        ("my mate друг has naloxоne", "my mate apyr has naloxone"),  # mostly English: all folded
        ("мой друг naloxоne", "мой друг naloxone"),  # mostly Russian: only the mixed word
        ("привет как дела nаlоxone", "привет как дела naloxone"),  # only the mixed word
        ("café naïve straße", "café naïve strasse"),  # Latin letters are kept
    ],
)
def test_other_scripts_keep_their_letters_unless_the_message_is_english(
    text: str, plain: str
) -> None:
    assert normalise(text) == plain


@pytest.mark.parametrize("text", ["привет, как дела?", "مرحبا كيف يمكنني المساعدة", "你好"])
def test_a_message_in_another_script_still_gets_the_fallback(text: str) -> None:
    # The Telegram adapter then adds "I can only read English".
    assert shipped_responder().reply(text).action is Action.FALLBACK


def safety_examples() -> list[str]:
    library = shipped_responder().library
    return [e for i in SAFETY_INTENTS for e in library.intents[i].examples]


def with_inserted(example: str, chars: list[str], places: list[int]) -> str:
    text = example
    for char, place in zip(chars, places, strict=False):
        at = place % (len(text) + 1)
        text = text[:at] + char + text[at:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0),
    chars=st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=8),
    places=st.lists(st.integers(min_value=0), min_size=8, max_size=8),
)
def test_invisible_characters_anywhere_never_change_a_safety_verdict(
    index: int, chars: list[str], places: list[int]
) -> None:
    examples = safety_examples()
    example = examples[index % len(examples)]
    disguised = with_inserted(example, chars, places)
    assert normalise(disguised) == normalise(example)
    assert verdict(disguised) == verdict(example)


LOOKALIKES = {"o": "\u043e", "e": "\u0435", "a": "\u0430"}  # Cyrillic о, е, а


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0), swaps=st.lists(st.integers(min_value=0), min_size=1, max_size=6)
)
def test_cyrillic_lookalikes_never_change_a_safety_verdict(index: int, swaps: list[int]) -> None:
    examples = safety_examples()
    example = examples[index % len(examples)]
    spots = [n for n, char in enumerate(example) if char in LOOKALIKES]
    if not spots:
        return
    letters = list(example)
    for swap in swaps:
        spot = spots[swap % len(spots)]
        letters[spot] = LOOKALIKES[example[spot]]
    disguised = "".join(letters)
    assert normalise(disguised) == normalise(example)
    assert verdict(disguised) == verdict(example)


def test_every_safety_example_with_all_its_o_e_a_in_cyrillic() -> None:
    table = str.maketrans(LOOKALIKES)
    for example in safety_examples():
        assert verdict(example.translate(table)) == verdict(example), example


@pytest.mark.parametrize(
    "text",
    ["Aᲀ", "AABAABAABAAﷺ", "od'ц", "υ ur іm", "İstanbul", "a_'b", "мама mama", "ǰ"],
)
def test_folding_is_stable(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert len(once) <= MAX_CHARS
