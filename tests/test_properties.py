"""Any string a person can send gets a reply with text, and never an exception."""

from __future__ import annotations

import unicodedata

from conftest import shipped_responder
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.core.decide import Action
from bot.core.library import SAFETY_INTENTS
from bot.core.normalise import MAX_CHARS, normalise
from bot.core.responder import SAFETY_CHECK_TEXT, Reply

TELEGRAM_MAX = 4096


# Pieces people (and broken clients) really send, mixed at random.
PIECES = st.sampled_from(
    [
        "hes gone blue",
        "naloxone",
        "where",
        "pls",
        "u",
        " ",
        "\n",
        "\t",
        "?!",
        "💉",
        "👋",
        "🏳️‍🌈",
        "😂",
        "\u200b",
        "\u200d",
        "\u202e",
        "\ufeff",
        "\u0301",
        "\u0000",
        "\x1b[31m",
        "مرحبا",
        "שלום",
        "ＨＥＬＰ",
        "ﷺ",
        "𝕙𝕖𝕝𝕡",
        "999",
        "'",
        "’",
        "_",
    ]
)
MESSAGES = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=TELEGRAM_MAX),
    st.lists(PIECES, max_size=60).map("".join),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=200),
    st.text(alphabet=st.characters(categories=["Mn", "Me", "Mc"]), max_size=50),
    st.text(alphabet=st.characters(categories=["So", "Sk", "Sm"]), min_size=1, max_size=50),
    # Lone surrogates: not valid text, but json.loads makes them from a "\ud800" escape.
    st.text(alphabet=st.characters(categories=["Cs", "Ll", "Zs"]), max_size=50),
)
CONTEXTS = st.one_of(st.none(), st.sampled_from(["naloxone_get", "greeting", "not_an_intent"]))


def check_reply(reply: Reply) -> None:
    library = shipped_responder().library
    assert isinstance(reply, Reply)
    assert isinstance(reply.text, str) and reply.text.strip()
    assert reply.action in Action
    if reply.action in (Action.ANSWER, Action.SAFETY):
        assert reply.intent in library.intents
        answer = library.intents[reply.intent].answer
        if reply.safety_check:  # the possible tier: the check, then the answer
            assert reply.text == f"{SAFETY_CHECK_TEXT[reply.safety_check]}\n\n{answer}"
        else:
            assert reply.text == answer
        assert reply.is_safety == (reply.intent in SAFETY_INTENTS)
    else:
        assert reply.intent is None
    for button in reply.buttons:
        assert button.intent in library.intents
        assert button.label


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MESSAGES, context=CONTEXTS)
@example(text="", context=None)
@example(text="a" * TELEGRAM_MAX, context=None)
@example(text="help " * (TELEGRAM_MAX // 5), context="naloxone_get")
@example(text="\x00\x01\x02\x07\x08\x0b\x0c\x1f\x7f", context=None)
@example(text="\u202eenolaxon teg i nac erehw", context=None)
@example(text="مرحبا، كيف يمكنني الحصول على النالوكسون؟", context=None)
@example(text="😂🤣😭🙏💉💊🚨", context=None)
@example(text="🏳️‍🌈🏳️‍🌈", context=None)
@example(text="\u200b\u200c\u200d\u2060\ufeff", context=None)
@example(text="\u0301\u0308\u0327\u20dd", context=None)
@example(text="e\u0301" * 2000, context=None)
@example(text="\ud7ff\ue000\uffff\U0010ffff", context=None)
@example(text="ǅ ß ﬃ İ ŉ", context=None)
@example(text="\r\n\r\n", context="not_an_intent")
@example(text="he\ud800s gone blue \udfff", context=None)
def test_any_string_gets_a_reply(text: str, context: str | None) -> None:
    check_reply(shipped_responder().reply(text, context))


@settings(max_examples=150, deadline=None)
@given(text=MESSAGES)
def test_normalise_gives_plain_bounded_words(text: str) -> None:
    plain = normalise(text)
    assert len(plain) <= MAX_CHARS
    assert plain == plain.strip()
    assert "  " not in plain
    # No controls, format characters (zero-width, direction marks) or symbols are left.
    assert not any(unicodedata.category(ch)[0] in "CS" for ch in plain)
    assert normalise(plain) == plain


@settings(max_examples=60, deadline=None)
@given(text=MESSAGES)
def test_understanding_is_repeatable(text: str) -> None:
    first = shipped_responder().reply(text)
    again = shipped_responder().reply(text)
    assert (first.action, first.intent, first.text) == (again.action, again.intent, again.text)
