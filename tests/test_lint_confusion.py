"""Confusable intents, found with the live matcher on the library's own examples."""

from __future__ import annotations

from pathlib import Path

from lint_fixtures import intent_block, write_library

from bot.content.confusion import check_examples, confusable_pairs, held_out
from bot.content.lint import LintOptions, lint_library
from bot.core.library import SAFETY_INTENTS
from bot.core.responder import Responder

NALOXONE = intent_block(
    "naloxone_kit",
    "You can get a free naloxone kit from a needle exchange.\n",
    examples=(
        "where can i get a naloxone kit",
        "free narcan near me",
        "how do i get naloxone",
        "is naloxone free",
    ),
    title="Get naloxone",
)
HOUSING = intent_block(
    "housing_help",
    "Your council can help if you have nowhere to stay tonight.\n",
    examples=(
        "i have nowhere to sleep tonight",
        "i am homeless and need a bed",
        "help with housing",
        "sleeping rough",
    ),
    title="Housing",
)
KIT_A = intent_block(
    "kit_a",
    "Here is kit.\n",
    examples=(
        "can i get some kit",
        "where do i get kit",
        "i need kit please",
        "kit for me",
        "getting kit today",
    ),
    title="Kit",
)
KIT_B = intent_block(
    "kit_b",
    "Here is more kit.\n",
    examples=(
        "can i get kit please",
        "where can i get some kit",
        "need kit",
        "kit please",
        "getting some kit",
    ),
    title="More kit",
)


def _warnings(directory: Path) -> list[str]:
    return [str(p) for p in lint_library(directory, LintOptions(corpus=False)).problems]


def test_distinct_intents_give_no_confusion_warnings(tmp_path: Path) -> None:
    assert _warnings(write_library(tmp_path, NALOXONE, HOUSING)) == []


def test_a_confusable_pair_is_reported_once_with_examples_to_look_at(tmp_path: Path) -> None:
    directory = write_library(tmp_path, KIT_A, KIT_B, NALOXONE)
    pairs = [p for p in _warnings(directory) if "are easy to confuse" in p]
    kit = [p for p in pairs if "'kit_a'" in p and "'kit_b'" in p]
    assert len(kit) == 1
    assert ": warning: " in kit[0]
    assert "things.yaml:" in kit[0] and "look at: line " in kit[0]
    assert "-> kit_" in kit[0]


def test_held_out_examples_are_asked_of_a_library_without_them(tmp_path: Path) -> None:
    directory = write_library(tmp_path, KIT_A, KIT_B)
    library = lint_library(directory).library
    assert library is not None
    typed = [p for p in check_examples(Responder(library)) if "'kit_" in p.message]
    strays = list(held_out(library))
    # Left out, far more examples stray than when each can still find itself.
    assert len(strays) > len(typed) + 3
    assert any(s.intent == "kit_a" and s.other == "kit_b" and s.answered for s in strays)
    assert any(s.intent == "kit_b" and s.other == "kit_a" for s in strays)
    # The fixture's safety intents have three examples each and a stub corpus: held out, one of
    # them can stray too (the rule fires, the stub-trained layer does not back it). Only the
    # topics are this test's subject.
    assert {s.intent for s in strays if s.intent not in SAFETY_INTENTS} <= {"kit_a", "kit_b"}
    assert confusable_pairs(library, strays, share=1.01) == []  # the share is a real threshold


def test_an_example_answered_with_another_intent_warns_on_its_line(tmp_path: Path) -> None:
    breathing = intent_block(
        "breathing_advice",
        "Breathe in slowly for four counts, then out for four.\n",
        examples=(
            "how do i calm my breathing",
            "hes gone blue",
            "breathing exercises for panic",
        ),
        title="Breathing",
    )
    directory = write_library(tmp_path, breathing, NALOXONE)
    found = [p for p in _warnings(directory) if "typing the example" in p]
    assert len(found) == 1
    assert (
        "things.yaml:8: warning: typing the example of 'breathing_advice' gets the answer "
        "of 'overdose_emergency'" in found[0]
    )
    assert "the emergency check reads it as happening now" in found[0]


def test_every_shipped_example_typed_as_written_gets_its_own_answer(responder: Responder) -> None:
    # `make test` runs `hrbot lint --strict --quick`, which leaves the confusable-intents rule
    # out. Its first half needs no training, so it is checked here on the session's responder;
    # the held-out half trains the library 20 times and runs in `make test-all` (and CI).
    assert [str(p) for p in check_examples(responder)] == []
