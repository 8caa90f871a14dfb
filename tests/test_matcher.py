"""Ranking: scored candidates from a small library written to disk, and the decision on them."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest
from lint_fixtures import add_safety_corpus

from bot.core.decide import DEFAULT_THRESHOLDS, Action, Thresholds, decide
from bot.core.library import Library
from bot.core.loader import load_library
from bot.core.matcher import NEGATION_REACH, OUT_OF_SCOPE, Candidate, Matcher, mark_negation
from bot.core.responder import FALLBACK_TEXT, Responder
from bot.core.safety import SafetyVerdict

LONG_EXAMPLE = (
    "i have been sharing spoons and filters and straws and water and notes at parties with "
    "friends for years and i am now worried about my liver and what might be happening and "
    "whether i should go to my doctor or to a clinic or to the drug service to get a test for "
    "hepatitis and other viruses"
)

FILES = {
    "safety.yaml": """\
        version: 1
        topic: Safety
        intents:
          - id: overdose_emergency
            title: Overdose now
            safety: true
            examples:
              - he wont wake up
              - shes gone blue and not breathing
            answer: Call 999 now.
            reviewed: 2026-01-01
          - id: crisis_support
            title: Crisis now
            safety: true
            examples:
              - i want to die
            answer: Call Samaritans on 116 123.
            reviewed: 2026-01-01
        """,
    "topics.yaml": f"""\
        version: 1
        topic: Everything
        intents:
          - id: greeting
            title: Hello
            examples: [hi, hello, hiya]
            answer: Hello!
            reviewed: 2026-01-01
          - id: naloxone_get
            title: Get naloxone
            examples:
              - where can i get naloxone
              - which pharmacy gives out naloxone kits
              - can i get a free naloxone kit
            answer: Ask at a pharmacy or needle exchange.
            follow_ups: [naloxone_use]
            reviewed: 2026-01-01
          - id: naloxone_use
            title: Use naloxone
            examples:
              - how do i use naloxone
              - how do you give the naloxone injection
            answer: Spray it up the nose.
            reviewed: 2026-01-01
          - id: safer_smoking
            title: Safer smoking
            examples:
              - is heroin safer to smoke than inject
              - how to smoke heroin on foil more safely
            answer: Use your own foil.
            reviewed: 2026-01-01
          - id: hepc_testing
            title: Hep C testing
            examples:
              - where can i get a hep c test
              - how long does a hepatitis c test take
              - {LONG_EXAMPLE}
            answer: Ask your drug service.
            reviewed: 2026-01-01
        """,
    "lexicon.yaml": """\
        version: 1
        terms:
          heroin: [gear, brown, smack]
          naloxone: [narcan]
        """,
    "out_of_scope.yaml": """\
        version: 1
        examples:
          - whats the weather like
          - who won the football
        """,
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    directory = tmp_path_factory.mktemp("library")
    for name, text in FILES.items():
        (directory / name).write_text(textwrap.dedent(text), encoding="utf-8")
    add_safety_corpus(directory)
    result = load_library(directory)
    assert result.ok, result.problems
    assert result.library is not None
    return result.library


@pytest.fixture(scope="module")
def matcher(library: Library) -> Matcher:
    return Matcher(library)


def top(matcher: Matcher, text: str) -> Candidate:
    return matcher.rank(text)[0]


def score_of(matcher: Matcher, text: str, intent: str) -> float:
    for candidate in matcher.rank(text, limit=len(matcher.intent_ids)):
        if candidate.intent == intent:
            return candidate.score
    raise AssertionError(f"{intent} not ranked")


# ---------------------------------------------------------------------- candidates
def test_candidates_are_ranked_scored_dataclasses(matcher: Matcher, library: Library) -> None:
    ranked = matcher.rank("where can i get naloxone")
    assert 1 < len(ranked) <= 5
    assert all(isinstance(c, Candidate) for c in ranked)
    assert dataclasses.is_dataclass(ranked[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        ranked[0].score = 1.0  # type: ignore[misc]
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len({c.intent for c in ranked}) == len(ranked)
    best = ranked[0]
    assert best.intent == "naloxone_get"
    assert best.example == "where can i get naloxone"
    assert best.score >= DEFAULT_THRESHOLDS.sure
    for c in ranked:
        own = library.intents.get(c.intent)
        pool = own.examples if own else library.out_of_scope
        assert c.example in pool


def test_limit_and_every_intent(matcher: Matcher, library: Library) -> None:
    assert len(matcher.rank("naloxone", limit=2)) == 2
    everything = matcher.rank("naloxone", limit=100)
    assert {c.intent for c in everything} == set(library.intents) | {OUT_OF_SCOPE}


def test_nothing_to_rank_for_an_empty_message(matcher: Matcher) -> None:
    assert matcher.rank("") == []
    assert matcher.rank("?!  ...") == []


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how do you give the naloxone injection", "naloxone_use"),
        ("how long does a hepatitis c test take", "hepc_testing"),
        ("how to smoke heroin on foil more safely", "safer_smoking"),
        ("he wont wake up", "overdose_emergency"),
        ("whats the weather like", OUT_OF_SCOPE),
    ],
)
def test_an_example_ranks_its_own_intent_first(matcher: Matcher, text: str, intent: str) -> None:
    assert top(matcher, text).intent == intent


def test_word_order_and_case_do_not_matter(matcher: Matcher) -> None:
    assert top(matcher, "NALOXONE where can I GET?").intent == "naloxone_get"


def test_unrelated_text_scores_low(matcher: Matcher) -> None:
    assert top(matcher, "xyzzy plugh").score < DEFAULT_THRESHOLDS.clarify
    assert top(matcher, "whats the weather like tomorrow").intent == OUT_OF_SCOPE


# ---------------------------------------------------------------------- typos and lexicon
def test_typo_is_corrected(matcher: Matcher) -> None:
    assert "naloxone" in matcher.words("where can i get nalaxone")
    best = top(matcher, "where can i get nalaxone")
    assert best.intent == "naloxone_get"
    assert best.score >= DEFAULT_THRESHOLDS.sure


def test_swapped_letters_are_one_typo(matcher: Matcher) -> None:
    assert "naloxone" in matcher.words("how do i use nalxoone")
    assert top(matcher, "how do i use nalxoone").intent == "naloxone_use"


def test_short_words_are_not_corrected(matcher: Matcher) -> None:
    # "hip" is one letter from "hi"-like words; words this short are left as typed.
    assert matcher.words("my hip") == ["my", "hip"]


def test_lexicon_is_applied_to_messages(matcher: Matcher) -> None:
    assert matcher.words("is gear safer to smoke than inject") == [
        "is",
        "heroin",
        "safer",
        "to",
        "smoke",
        "than",
        "inject",
    ]
    assert top(matcher, "is brown safer to smoke than inject").intent == "safer_smoking"
    words = matcher.words("which chemist gives out narcan kits near me")
    assert "naloxone" in words and "narcan" not in words
    assert top(matcher, "which chemist gives out narcan kits near me").intent == "naloxone_get"


def test_lexicon_is_applied_to_examples_too(tmp_path: Path) -> None:
    # An example written in slang matches a message written in plain words, and back.
    for name, text in FILES.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    topics = (tmp_path / "topics.yaml").read_text(encoding="utf-8")
    topics = topics.replace("how to smoke heroin on foil more safely", "how to smoke smack on foil")
    (tmp_path / "topics.yaml").write_text(topics, encoding="utf-8")
    add_safety_corpus(tmp_path)
    library = load_library(tmp_path).library
    assert library is not None
    ranked = Matcher(library).rank("how to smoke heroin on foil")
    assert ranked[0].intent == "safer_smoking"
    assert ranked[0].example == "how to smoke smack on foil"


# ---------------------------------------------------------------------- known fuzzy traps
@pytest.mark.parametrize(
    "text",
    [
        "this is about my hip",
        "which chemist is open on sunday",
        "his lips look odd to me",
        "chips and shisha",
    ],
)
def test_two_letter_example_does_not_match_inside_longer_messages(
    matcher: Matcher, text: str
) -> None:
    assert top(matcher, "hi").intent == "greeting"
    assert top(matcher, text).intent != "greeting"
    assert score_of(matcher, text, "greeting") < DEFAULT_THRESHOLDS.clarify


def test_greeting_with_a_question_goes_to_the_question(matcher: Matcher) -> None:
    assert top(matcher, "hi where can i get naloxone").intent == "naloxone_get"
    assert top(matcher, "hello how do i use naloxone").intent == "naloxone_use"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is heroin safe to smoke", "safer_smoking"),
        ("how do you give the injection", "naloxone_use"),
        ("where can i go to get naloxone with my friends", "naloxone_get"),
        ("hello there", "greeting"),
        ("he wont wake up at the party", "overdose_emergency"),
    ],
)
def test_a_long_example_does_not_win_everything(matcher: Matcher, text: str, intent: str) -> None:
    ranked = matcher.rank(text)
    assert ranked[0].intent == intent
    assert ranked[0].example != LONG_EXAMPLE


def test_the_long_example_still_matches_its_own_subject(matcher: Matcher) -> None:
    text = "been sharing spoons and straws for years, worried about my liver"
    best = top(matcher, text)
    assert best.intent == "hepc_testing"
    assert best.example == LONG_EXAMPLE


# ---------------------------------------------------------------------- negation
def test_mark_negation_marks_the_next_word() -> None:
    assert mark_negation(["he", "is", "not", "breathing"]) == ["he", "is", "not", "not_breathing"]
    assert mark_negation(["never", "breathing"]) == ["not", "not_breathing"]
    assert mark_negation(["cant", "wake", "him"])[:2] == ["not", "not_wake"]


def test_mark_negation_reach_is_bounded() -> None:
    tail = [f"w{n}" for n in range(NEGATION_REACH + 3)]
    marked = mark_negation(["no", *tail])
    assert marked[0] == "not"
    assert marked[1 : 1 + NEGATION_REACH] == [f"not_{w}" for w in tail[:NEGATION_REACH]]
    assert marked[1 + NEGATION_REACH :] == tail[NEGATION_REACH:]


def test_mark_negation_stops_at_but() -> None:
    assert mark_negation(["not", "sure", "but", "hes", "blue"]) == [
        "not",
        "not_sure",
        "but",
        "hes",
        "blue",
    ]


def test_negated_words_do_not_count_as_the_words(matcher: Matcher) -> None:
    words = matcher.words("she is not breathing")
    assert "not_breathing" in words and "breathing" not in words
    # The example says "not breathing": the negated message fits it better than the plain one.
    assert score_of(matcher, "she is not breathing", "overdose_emergency") > score_of(
        matcher, "she is breathing", "overdose_emergency"
    )


def test_negators_are_never_spell_corrected(matcher: Matcher) -> None:
    assert matcher.words("i cant get naloxone") == mark_negation(["i", "cant", "get", "naloxone"])


# ---------------------------------------------------------------------- the decision
# The decision's own thresholds, so these tests check its rules, not the current tuning.
T = Thresholds(answer=0.40, margin=0.06, sure=0.62, clarify=0.30, safety_match=0.50, choices=3)


def no_alarm() -> SafetyVerdict:
    return SafetyVerdict(None)


def test_decide_answers_a_confident_top_match() -> None:
    ranked = [Candidate("naloxone_get", 0.70), Candidate("naloxone_use", 0.69)]
    decision = decide(ranked, no_alarm(), T)
    assert (decision.action, decision.intent) == (Action.ANSWER, "naloxone_get")
    # Not sure, but well ahead of the runner-up: answered too.
    ranked = [Candidate("naloxone_get", 0.50), Candidate("naloxone_use", 0.30)]
    assert decide(ranked, no_alarm(), T).action is Action.ANSWER


def test_decide_clarifies_between_close_candidates() -> None:
    ranked = [
        Candidate("naloxone_get", 0.50),
        Candidate("naloxone_use", 0.49),
        Candidate("hepc_testing", 0.48),
        Candidate("greeting", 0.47),
        Candidate("safer_smoking", 0.10),
    ]
    decision = decide(ranked, no_alarm(), T)
    assert decision.action is Action.CLARIFY
    assert decision.intent is None
    assert decision.choices == ("naloxone_get", "naloxone_use", "hepc_testing")


def test_decide_falls_back_when_nothing_is_confident() -> None:
    assert decide([Candidate("greeting", 0.2)], no_alarm(), T).action is Action.FALLBACK
    assert decide([], no_alarm(), T).action is Action.FALLBACK


def test_decide_falls_back_when_out_of_scope_wins() -> None:
    ranked = [Candidate(OUT_OF_SCOPE, 0.9), Candidate("greeting", 0.3)]
    assert decide(ranked, no_alarm(), T).action is Action.FALLBACK


def test_decide_sends_the_safety_answer_when_the_safety_layer_fires() -> None:
    ranked = [Candidate("naloxone_get", 0.95)]
    decision = decide(ranked, SafetyVerdict("overdose_emergency", "gone blue"), T)
    assert (decision.action, decision.intent) == (Action.SAFETY, "overdose_emergency")


def test_decide_never_sends_safety_when_guarded() -> None:
    ranked = [Candidate("overdose_emergency", 0.95), Candidate("naloxone_get", 0.9)]
    decision = decide(ranked, SafetyVerdict(None, "", guarded=True), T)
    assert decision.action is not Action.SAFETY
    assert decision.intent != "overdose_emergency"


# ---------------------------------------------------------------------- replies
def test_reply_answer_carries_follow_up_buttons(library: Library) -> None:
    reply = Responder(library).reply("where can i get naloxone")
    assert reply.action is Action.ANSWER
    assert reply.intent == "naloxone_get"
    assert reply.text == library.intents["naloxone_get"].answer
    assert [(b.label, b.intent) for b in reply.buttons] == [("Use naloxone", "naloxone_use")]
    assert not reply.is_safety


def test_reply_fallback_offers_topics(library: Library) -> None:
    reply = Responder(library).reply("whats the weather like tomorrow")
    assert reply.action is Action.FALLBACK
    assert reply.text == FALLBACK_TEXT
    assert "999" in reply.text
    assert reply.show_topics
    assert reply.intent is None
