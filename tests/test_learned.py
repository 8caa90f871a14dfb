"""The learned layers: the fast scoring path, determinism, the safety tiers, and the reply."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.classifiers import Classifiers, SafetyScores
from bot.core.decide import Action, Decision, Thresholds, decide
from bot.core.learned import Features, TextModel, fit
from bot.core.library import CRISIS_SUPPORT, OVERDOSE_EMERGENCY, Library
from bot.core.matcher import Candidate
from bot.core.responder import SAFETY_CHECK_TEXT, Reply, Responder, with_safety_check
from bot.core.safety import LEARNED, SafetyVerdict
from bot.core.safety_tiers import SafetyThresholds, judge

TEXTS = [
    "where can i get naloxone",
    "how do i get a naloxone kit",
    "is there a needle exchange near me",
    "where do i get clean pins",
    "what is hep c",
    "how do you catch hepatitis",
]
LABELS = ["kit", "kit", "nsp", "nsp", "hep", "hep"]
PROBES = ["naloxone", "needle exchange in leeds", "hep", "", "😭😭", "x" * 300, "a b c"]


def test_fast_scores_equal_scikit_learns_own_margins() -> None:
    model = fit(TEXTS, LABELS)
    fast = np.array([model.margins(t) for t in PROBES])
    np.testing.assert_allclose(fast, model.reference_margins(PROBES), rtol=1e-4, atol=1e-5)


def test_two_labels_keep_one_margin_per_label() -> None:
    model = fit(TEXTS[:4], LABELS[:4])
    assert model.labels == ("kit", "nsp")
    np.testing.assert_allclose(
        np.array([model.margins(t) for t in PROBES]),
        model.reference_margins(PROBES),
        rtol=1e-4,
        atol=1e-5,
    )
    assert model.scores("naloxone kit")["kit"] > 0.5


def test_training_is_deterministic() -> None:
    first = TextModel(Features(TEXTS), range(len(TEXTS)), LABELS)
    second = TextModel(Features(TEXTS), range(len(TEXTS)), LABELS)
    for text in PROBES:
        np.testing.assert_array_equal(first.margins(text), second.margins(text))


def test_scores_are_a_distribution_and_rank_the_right_label_first() -> None:
    model = fit(TEXTS, LABELS)
    scores = model.scores("where can i find a needle exchange")
    assert sum(scores.values()) == pytest.approx(1.0)
    assert max(scores, key=scores.__getitem__) == "nsp"


def test_one_label_is_refused() -> None:
    with pytest.raises(ValueError, match="two labels"):
        fit(["a", "b"], ["x", "x"])


def test_the_shipped_classifiers_rank_every_intent(responder: Responder) -> None:
    ranked = responder.classifiers.rank(responder.read("where can i get a naloxone kit"))
    assert ranked[0].intent == "naloxone_get"
    assert {c.intent for c in ranked} >= set(responder.library.intents)
    assert sum(c.score for c in ranked) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "my heart is pounding out of my chest after that coke and i feel like im dying",
            OVERDOSE_EMERGENCY,
        ),
        ("ive said my goodbyes, tonight im finishing it", CRISIS_SUPPORT),
    ],
)
def test_the_safety_layer_finds_what_no_cue_names(
    responder: Responder, text: str, intent: str
) -> None:
    scores = responder.classifiers.safety_scores(responder.read(text))
    assert scores.intent == intent
    assert scores.total > 0.5


def test_a_question_about_overdose_is_not_an_emergency(responder: Responder) -> None:
    reading = responder.read("what are the signs of an overdose")
    scores = responder.classifiers.safety_scores(reading)
    assert scores.total < 0.5


def test_a_library_with_only_the_safety_intents_still_trains(library: Library) -> None:
    safety_only = Library(
        intents={k: v for k, v in library.intents.items() if v.safety},
        lexicon=library.lexicon,
        out_of_scope=(),
        topics=library.topics,
    )
    classifiers = Classifiers(safety_only, Responder(library).read)
    assert classifiers.safety is not None


# ---------------------------------------------------------------------- tiers
THRESHOLDS = SafetyThresholds(
    sure=0.8,
    confirm=0.3,
    confirm_crisis=0.5,
    check=0.3,
    sure_words=3,
    check_words=2,
    rule_alone_words=4,
)
WORDS = 6


def test_a_rule_that_fired_is_kept_when_the_layer_agrees_a_little() -> None:
    fired = SafetyVerdict(OVERDOSE_EMERGENCY, "gone blue")
    assert judge(fired, SafetyScores(0.3, 0.0), WORDS, THRESHOLDS) is fired


def test_a_rule_the_layer_firmly_disagrees_with_becomes_a_check() -> None:
    fired = SafetyVerdict(CRISIS_SUPPORT, "kill myself")
    verdict = judge(fired, SafetyScores(0.05, 0.1), WORDS, THRESHOLDS)
    assert not verdict.fired and verdict.check == CRISIS_SUPPORT and verdict.guarded


def test_a_crisis_cue_needs_firmer_agreement_than_an_overdose_cue() -> None:
    scores = SafetyScores(0.2, 0.2)  # 0.4 in all: above confirm (0.3), below confirm_crisis
    overdose = SafetyVerdict(OVERDOSE_EMERGENCY, "gone blue")
    assert judge(overdose, scores, WORDS, THRESHOLDS) is overdose
    crisis = judge(SafetyVerdict(CRISIS_SUPPORT, "not be here"), scores, WORDS, THRESHOLDS)
    assert not crisis.fired and crisis.check == CRISIS_SUPPORT


@pytest.mark.parametrize("words", [1, 2, 3])
def test_a_short_message_keeps_its_rule(words: int) -> None:
    fired = SafetyVerdict(CRISIS_SUPPORT, "kill myself")
    assert judge(fired, SafetyScores(0.0, 0.0), words, THRESHOLDS) is fired
    assert not judge(fired, SafetyScores(0.0, 0.0), 4, THRESHOLDS).fired


def test_a_confident_layer_is_sure() -> None:
    verdict = judge(SafetyVerdict(None), SafetyScores(0.1, 0.8), WORDS, THRESHOLDS)
    assert verdict.intent == CRISIS_SUPPORT and verdict.reason == "learned"


def test_a_confident_layer_needs_a_few_words() -> None:
    verdict = judge(SafetyVerdict(None), SafetyScores(0.9, 0.05), 2, THRESHOLDS)
    assert not verdict.fired and verdict.check == OVERDOSE_EMERGENCY
    assert judge(SafetyVerdict(None), SafetyScores(0.9, 0.05), 1, THRESHOLDS).check is None


def test_framing_holds_a_confident_layer_to_a_check() -> None:
    verdict = judge(SafetyVerdict(None, guarded=True), SafetyScores(0.9, 0.05), WORDS, THRESHOLDS)
    assert not verdict.fired and verdict.check == OVERDOSE_EMERGENCY


def test_a_possible_risk_is_a_check_and_a_low_one_nothing() -> None:
    assert judge(SafetyVerdict(None), SafetyScores(0.3, 0.1), WORDS, THRESHOLDS).check == (
        OVERDOSE_EMERGENCY
    )
    low = judge(SafetyVerdict(None), SafetyScores(0.1, 0.1), WORDS, THRESHOLDS)
    assert low.check is None and not low.fired


def test_decide_carries_the_check_but_a_safety_answer_needs_none() -> None:
    candidates = [Candidate("naloxone_get", 0.9), Candidate("naloxone_use", 0.1)]
    checked = decide(candidates, SafetyVerdict(None, check=CRISIS_SUPPORT))
    assert checked.action is Action.ANSWER and checked.check == CRISIS_SUPPORT
    sure = decide(candidates, SafetyVerdict(OVERDOSE_EMERGENCY, "gone blue", check=CRISIS_SUPPORT))
    assert sure.action is Action.SAFETY and sure.check is None


def test_the_check_opens_the_reply_with_both_buttons() -> None:
    reply = Reply(Action.ANSWER, "The answer.", "naloxone_get")
    checked = with_safety_check(reply, CRISIS_SUPPORT)
    assert checked.text.startswith(SAFETY_CHECK_TEXT[CRISIS_SUPPORT])
    assert checked.text.endswith("The answer.")
    assert [b.intent for b in checked.buttons[:2]] == [CRISIS_SUPPORT, OVERDOSE_EMERGENCY]
    assert "116 123" in checked.text and "999" in checked.text
    assert with_safety_check(reply, None) is reply


def test_the_responder_sends_a_checked_reply_end_to_end(responder: Responder) -> None:
    decision = Decision(Action.ANSWER, "naloxone_get", check=OVERDOSE_EMERGENCY)
    reply = responder.reply_for(decision)
    assert reply.safety_check == OVERDOSE_EMERGENCY
    assert reply.buttons[0].intent == OVERDOSE_EMERGENCY
    assert responder.library.intents["naloxone_get"].answer in reply.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_the_learned_layers_never_raise(responder: Responder, text: str) -> None:
    reading = responder.read(text)
    scores = responder.classifiers.safety_scores(reading)
    assert 0.0 <= scores.total <= 1.0 + 1e-6
    assert responder.classifiers.rank(reading)


def test_a_rule_for_the_wrong_safety_intent_takes_the_layers_when_it_is_sure() -> None:
    # "enough that i just dont wake up" fires the rule for someone who will not wake.
    fired = SafetyVerdict(OVERDOSE_EMERGENCY, "will not wake")
    verdict = judge(fired, SafetyScores(0.05, 0.85), WORDS, THRESHOLDS)
    assert verdict.intent == CRISIS_SUPPORT and verdict.fired


def test_the_ranking_sends_a_safety_answer_only_with_the_layer_behind_it() -> None:
    close = [Candidate(CRISIS_SUPPORT, 0.9), Candidate("mental_health", 0.1)]
    backed = decide(close, SafetyVerdict(None, check=CRISIS_SUPPORT))
    assert backed.action is Action.SAFETY and backed.intent == CRISIS_SUPPORT
    alone = decide(close, SafetyVerdict(None))
    assert alone.action is not Action.SAFETY and alone.check == CRISIS_SUPPORT
    weak = decide(
        [Candidate(CRISIS_SUPPORT, 0.55), Candidate("mental_health", 0.3)],
        SafetyVerdict(None, check=CRISIS_SUPPORT),
    )
    assert weak.action is not Action.SAFETY and weak.check == CRISIS_SUPPORT


@pytest.mark.parametrize(("topic", "sent"), [(0.30, Action.SAFETY), (0.36, Action.ANSWER)])
def test_the_layer_alone_yields_to_a_topic_that_fits(topic: float, sent: Action) -> None:
    # The layer alone read "who wins the darts tonight" as a crisis; the topic gate answers a
    # message that fits a topic at least this well, opened by the safety check instead.
    learned = SafetyVerdict(CRISIS_SUPPORT, LEARNED)
    candidates = [Candidate("drug_law", topic), Candidate("naloxone_get", 0.1)]
    decision = decide(candidates, learned, Thresholds(topic_gate=0.35))
    assert decision.action is sent
    assert decision.intent == (CRISIS_SUPPORT if sent is Action.SAFETY else "drug_law")
    if sent is Action.ANSWER:
        assert decision.check == CRISIS_SUPPORT
