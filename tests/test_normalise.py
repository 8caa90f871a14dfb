"""Normalisation: every message and every example is compared in this one plain form."""

from __future__ import annotations

import pytest

from bot.core.normalise import EMOJI_WORDS, MAX_CHARS, TEXT_SPEAK, normalise


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("HeLLo THERE", "hello there"),
        ("HES GONE BLUE", "hes gone blue"),
        ("Straße", "strasse"),  # casefold, not just lower()
    ],
)
def test_case(text: str, plain: str) -> None:
    assert normalise(text) == plain


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("ＨＥＬＬＯ ｎａｌｏｘｏｎｅ", "hello naloxone"),  # fullwidth letters
        ("ＯＤ ＨＥＬＰ", "od help"),
        ("ﬁnd a needle exchange", "find a needle exchange"),  # the "fi" ligature
        ("cafe\u0301", "café"),  # e + combining acute composes to é
        ("①②", "12"),
    ],
)
def test_unicode_nfkc(text: str, plain: str) -> None:
    assert normalise(text) == plain


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("where?!...can i get it,now", "where can i get it now"),
        ("naloxone???", "naloxone"),
        ("(hep-c) test; results: when", "hep c test results when"),
        ("snake_case", "snake case"),
        ("   ", ""),
        ("?!.,;:", ""),
    ],
)
def test_punctuation_and_spaces(text: str, plain: str) -> None:
    assert normalise(text) == plain


def test_mapped_emoji_become_words() -> None:
    assert normalise("💉 exchange") == "needle exchange"
    assert normalise("hi👋") == "hi hello"
    assert normalise("🚨🚨 help") == "emergency emergency help"
    assert normalise("💊") == "pills"
    for emoji, words in EMOJI_WORDS.items():
        assert normalise(emoji) == words.strip()


def test_other_emoji_are_dropped() -> None:
    assert normalise("😂😂 lol 🤣") == "lol"
    assert normalise("🌈🦄") == ""
    assert normalise("where 🏠 can i sleep") == "where can i sleep"


@pytest.mark.parametrize(
    ("stretched", "plain"),
    [("pleeeeease", "pleease"), ("heeeelp", "heelp"), ("noooo", "noo"), ("sooo", "soo")],
)
def test_stretched_letters_are_cut_to_two(stretched: str, plain: str) -> None:
    assert normalise(stretched) == plain
    # However long the stretch, the result is the same, so one example covers them all.
    assert normalise(stretched[:2] + stretched[2] * 12 + stretched[3:]) == plain


def test_double_letters_are_kept() -> None:
    assert normalise("need sleep") == "need sleep"


def test_emergency_numbers_are_not_cut() -> None:
    assert normalise("ring 999") == "ring 999"
    assert normalise("call 111") == "call 111"


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("u ok", "you ok"),
        ("ur mate", "your mate"),
        ("pls help", "please help"),
        ("plz help", "please help"),
        ("wot do i do", "what do i do"),
        ("wat r u", "what are you"),
        ("im scared", "i am scared"),
        ("ive got naloxone", "i have got naloxone"),
    ],
)
def test_text_speak(text: str, plain: str) -> None:
    assert normalise(text) == plain


def test_text_speak_is_whole_words_only() -> None:
    # "u" inside a word, "pls" inside a word and "ur" inside a word are left alone.
    assert normalise("umbrella plsx urgent") == "umbrella plsx urgent"
    assert all(word == word.lower() and " " not in word for word in TEXT_SPEAK)


@pytest.mark.parametrize(
    "char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u202e"]
)
def test_zero_width_and_direction_marks_vanish(char: str) -> None:
    assert normalise(f"na{char}lox{char}one") == "naloxone"
    assert normalise(char * 5) == ""


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("don't", "dont"),
        ("he's gone", "hes gone"),
        ("she’s not breathing", "shes not breathing"),  # curly apostrophe
        ("'quoted' words", "quoted words"),  # quotes around words are just punctuation
        ("mates' kit", "mates kit"),
    ],
)
def test_apostrophes(text: str, plain: str) -> None:
    assert normalise(text) == plain


def test_backtick_as_apostrophe() -> None:
    assert normalise("can`t wake him") == "cant wake him"


def test_control_characters_become_spaces() -> None:
    assert normalise("\x00\x07abc\tdef\nghi\r\n") == "abc def ghi"


def test_right_to_left_text_is_kept() -> None:
    assert normalise("مرحبا كيف حالك") == "مرحبا كيف حالك"
    assert normalise("שלום!") == "שלום"


def test_lone_combining_marks_leave_nothing() -> None:
    assert normalise("\u0301\u0308\u0327") == ""


def test_long_messages_are_bounded() -> None:
    plain = normalise("help " * 2000)
    assert len(plain) <= MAX_CHARS
    assert plain.startswith("help help")


def test_normalise_is_idempotent() -> None:
    for text in ["HES GONE BLUE!!", "pleeeease u r a star 💉", "don’t ＫＮＯＷ", "ive im"]:
        once = normalise(text)
        assert normalise(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he od'd last night", "he oded last night"),
        ("shes OD’ing", "shes oding"),
        ("thats odd", "thats odd"),
    ],
)
def test_od_with_an_apostrophe_is_not_the_word_odd(text: str, expected: str) -> None:
    assert normalise(text) == expected
