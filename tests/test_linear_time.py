"""Work in proportion to the message, whatever the message: the rules that keep it so.

No timings here (bench/bench_adversarial.py measures them). These tests check the shapes that
make the time linear: no pattern a backtracking engine could spend quadratic time in, the
`Pair` cues finding exactly what their `.*` regexes would, the length cap after every expansion,
and a bound on spelling corrections.
"""

from __future__ import annotations

import re
import unicodedata

# The regex parser is private, but it is the only way to read a compiled pattern's structure.
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest
from conftest import shipped_responder
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import bot.core.normalise
import bot.core.safety
from bot.core.matcher import MAX_SPELLED
from bot.core.normalise import MAX_CHARS, RAW_LIMIT, _nfkc, normalise
from bot.core.safety import CRISIS_CUES, EMERGENCY_CUES, NEGATED, NEGATED_WORDS, Pair, _words_back

CUES = (*EMERGENCY_CUES, *CRISIS_CUES)
SINGLE_CHARACTER = {sre.IN, sre.LITERAL, sre.NOT_LITERAL, sre.CATEGORY}
REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}


ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}


def groups(parsed: sre_parse.SubPattern) -> dict[int, sre_parse.SubPattern]:
    """Every numbered group's body, to know what a backreference stands for."""
    found = {}
    for op, av in parsed:
        if op is sre.SUBPATTERN:
            if av[0] is not None:
                found[av[0]] = av[-1]
            found |= groups(av[-1])
        elif op is sre.BRANCH:
            for branch in av[1]:
                found |= groups(branch)
        elif op in REPEATS:
            found |= groups(av[2])
    return found


def one_character(body: sre_parse.SubPattern, known: dict[int, sre_parse.SubPattern]) -> bool:
    """Whether `body` always takes exactly one character (lookarounds aside)."""
    taking = [(op, av) for op, av in body if op not in ZERO_WIDTH]
    if len(taking) != 1:
        return False
    op, av = taking[0]
    if op in SINGLE_CHARACTER:
        return True
    if op is sre.GROUPREF:
        return one_character(known[av], known)
    if op is sre.SUBPATTERN:
        return one_character(av[-1], known)
    if op is sre.BRANCH:
        return all(one_character(branch, known) for branch in av[1])
    return False


def backtracking_risks(
    parsed: sre_parse.SubPattern,
    in_unbounded: bool = False,
    known: dict[int, sre_parse.SubPattern] | None = None,
) -> list[str]:
    """Unbounded repeats of more than one character at a time (`.*` between two parts,
    `(?:\\w+ )*`) and unbounded repeats inside unbounded repeats: the shapes that made the safety
    layer quadratic. (`.*` itself takes one character at a time, but `X.*Y` tries the rest of
    the text from every X: so `.` may not be repeated without bound at all.)"""
    known = groups(parsed) if known is None else known
    risks = []
    for op, av in parsed:
        if op in REPEATS:
            _, high, body = av
            unbounded = high == sre.MAXREPEAT
            if unbounded and (any(o is sre.ANY for o, _ in body) or not one_character(body, known)):
                risks.append(f"unbounded repeat of {list(body)!r}")
            if unbounded and in_unbounded and not one_character(body, known):
                risks.append("an unbounded repeat inside another")
            risks += backtracking_risks(body, in_unbounded or unbounded, known)
        elif op is sre.SUBPATTERN:
            risks += backtracking_risks(av[-1], in_unbounded, known)
        elif op is sre.BRANCH:
            for branch in av[1]:
                risks += backtracking_risks(branch, in_unbounded, known)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            risks += backtracking_risks(av[1], in_unbounded, known)
        elif op is sre.ATOMIC_GROUP:
            risks += backtracking_risks(av, in_unbounded, known)
    return risks


def core_patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for module in (bot.core.safety, bot.core.normalise):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{module.__name__}.{name}", value))
    for cue in CUES:
        for n, alternative in enumerate(cue.alternatives):
            parts = (
                [alternative.first, alternative.then]
                if isinstance(alternative, Pair)
                else [alternative]
            )
            found += [(f"cue {cue.name!r} alternative {n}", part) for part in parts]
    return found


@pytest.mark.parametrize(("name", "pattern"), core_patterns(), ids=lambda v: str(v)[:60])
def test_no_core_pattern_has_a_quadratic_shape(name: str, pattern: re.Pattern[str]) -> None:
    assert backtracking_risks(sre_parse.parse(pattern.pattern, pattern.flags)) == [], name


def test_the_checker_catches_the_quadratic_shapes() -> None:
    for bad in [r"\bod\b.*\bnow\b", r"(?:\w+ )*end", r"(a+)+b", r"x.+?y", r"(ab)\1+"]:
        assert backtracking_risks(sre_parse.parse(bad)), bad
    for good in [
        r"\bod\b",
        r"(?:\w+ ){0,3}blue",
        r"\w+\s+",
        r"[^ a-z]*+[a-z]",
        r"(a)\1+",
        r"(?:a|'(?=b))+",
    ]:
        assert not backtracking_risks(sre_parse.parse(good)), good


def test_the_unicode_classes_are_single_character_classes() -> None:
    # Compiled with `regex` (for \p{...}), which the check above cannot read.
    for pattern in (bot.core.normalise._INVISIBLE, bot.core.normalise._LOOSE_MARKS):
        assert re.fullmatch(r"\[[^\[\]]*\]\+", pattern.pattern), pattern.pattern


# ---------------------------------------------------------------------- Pair is `.*`
VOCABULARY = sorted(
    {w for cue in CUES for w in re.findall(r"[a-z0-9]+", cue.pattern)}
    | {p.strip() for cue in CUES for p in re.findall(r"[a-z0-9 ]+", cue.pattern) if p.strip()}
    | {"x", "yy", "ing", "now", "od", "help"}
)
TEXTS = st.lists(st.sampled_from(VOCABULARY), max_size=25).map(" ".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
@example(text="od ing help what now od now")
@example(text="did too much too much scared too much")
@example(text="naloxone no difference narcan still not working")
@example(text="on purpose od on purpose pills deliberately")
@example(text="help od")
def test_every_cue_finds_what_its_one_regex_would(text: str) -> None:
    for cue in CUES:
        want = [m.span() for m in re.finditer(cue.pattern, text)]
        assert [(h.start, h.end) for h in cue.finditer(text)] == want, cue.name


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
@example(text="i would not really kill myself")
@example(text="do not ever x kill")
def test_negation_is_read_in_a_window_of_words(text: str) -> None:
    for end in [m.start() for m in re.finditer(r"(?:^| )\S", text)] + [len(text)]:
        whole = NEGATED.search(text[:end]) is not None
        window = NEGATED.search(text, _words_back(text, end, NEGATED_WORDS), end) is not None
        assert window == whole, (text, end)


# ---------------------------------------------------------------------- the length cap
FLOODS = [
    ("pill emoji", "💊" * RAW_LIMIT),
    ("od and pill emoji", "od💊" * (RAW_LIMIT // 2)),
    ("text-speak", "im " * RAW_LIMIT),
    ("lexicon: od means overdose", "od " * RAW_LIMIT),
    ("lexicon: hcv means hepatitis c", "hcv " * RAW_LIMIT),
    ("a ligature NFKC makes 18 letters", "\ufdfa" * RAW_LIMIT),
    ("a squared word NFKC makes 6 letters", "\u3316" * RAW_LIMIT),
    ("50 KB", "help " * 10_000),
]


@pytest.mark.parametrize(("name", "text"), FLOODS, ids=[f[0] for f in FLOODS])
def test_the_cap_holds_after_every_expansion(name: str, text: str) -> None:
    assert len(normalise(text)) <= MAX_CHARS
    assert len(" ".join(shipped_responder().matcher.corrected_words(text))) <= MAX_CHARS
    assert shipped_responder().reply(text).text


NFKC_PIECES = st.sampled_from(
    [
        "a",
        " ",
        "e\u0301",
        "\u0301",
        "\u0327",
        "\u1100",
        "\u1161",
        "\u11a8",
        "\uac00",
        "\u3316",
        "\ufdfa",
        "\ufdfb",
        "\u0b47",
        "\u0b3e",
        "ﬃ",
        "①",
        "\uff41",
    ]
)


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(NFKC_PIECES, max_size=5000), size=st.integers(1, 3))
def test_nfkc_of_the_start_is_the_start_of_nfkc(pieces: list[str], size: int) -> None:
    text = "".join(p * size for p in pieces)[:RAW_LIMIT]
    assert _nfkc(text) == unicodedata.normalize("NFKC", text)[:RAW_LIMIT]


def test_spelling_corrections_are_bounded() -> None:
    matcher = shipped_responder().matcher
    typos = {}  # typo -> the word the speller makes of it, one at a time
    for word in matcher.vocabulary:
        if len(word) >= 9 and word.isalpha():
            typo = word[:3] + word[4] + word[3] + word[5:]  # two letters swapped
            if typo not in matcher.vocabulary and matcher.corrected_words(typo) == [word]:
                typos[typo] = word
        if len(typos) == MAX_SPELLED + 5:
            break
    assert len(typos) == MAX_SPELLED + 5
    words = matcher.corrected_words(" ".join(typos))
    fixed = [w for w, typo in zip(words, typos, strict=True) if w == typos[typo]]
    assert fixed == list(typos.values())[:MAX_SPELLED]
