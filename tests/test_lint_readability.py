"""Reading age above 11 and sentences over 25 words are warnings that name the sentence."""

from __future__ import annotations

from pathlib import Path

from lint_fixtures import intent_block, write_library

from bot.content.lint import LintOptions, lint_library
from bot.content.readability import readability, sentences

QUICK = LintOptions(confusion=False, corpus=False)

PLAIN = "Naloxone can save a life. It is free. Ask at your needle exchange for a kit.\n"
HARD = (
    "Hepatocellular carcinoma represents a considerable complication consequential to "
    "untreated chronic hepatitis infection.\nPharmacological interventions demonstrate "
    "exceptional effectiveness.\nAntiviral medication eradicates the infection.\n"
    "Reinfection remains possible following subsequent exposure.\n"
    "Consultation with gastroenterology specialists facilitates comprehensive evaluation.\n"
)
LONG = (
    "If you or someone you are with starts to feel unwell after using and you are not sure "
    "what is happening then you should stay with them and call for help straight away.\n"
    "Stay calm.\n"
)


def _problems(tmp_path: Path, answer: str) -> list[str]:
    directory = write_library(tmp_path, intent_block("reading", answer))
    return [str(p) for p in lint_library(directory, QUICK).problems]


def test_a_short_answer_is_not_given_a_reading_age(tmp_path: Path) -> None:
    assert readability("Hello.").reading_age > 11  # what the formula says about one word
    assert _problems(tmp_path, "Hello.\n") == []


def test_plain_words_pass(tmp_path: Path) -> None:
    assert readability(PLAIN).reading_age <= 11
    assert _problems(tmp_path, PLAIN) == []


def test_hard_words_warn_with_the_reading_age_and_the_longest_sentence(tmp_path: Path) -> None:
    found = _problems(tmp_path, HARD)
    assert len(found) == 1
    assert "things.yaml:8: warning: the answer of 'reading' has a reading age of" in found[0]
    assert "'Hepatocellular carcinoma represents" in found[0]
    assert "(12 words)" in found[0]


def test_reading_age_is_flesch_kincaid_grade_plus_five() -> None:
    result = readability(HARD)
    assert result.reading_age == result.grade + 5
    assert result.grade > 6


def test_a_sentence_over_25_words_warns_on_its_line(tmp_path: Path) -> None:
    found = [p for p in _problems(tmp_path, "Use new kit.\n" + LONG) if "words (keep" in p]
    assert len(found) == 1
    assert "things.yaml:10: warning: a sentence in the answer of 'reading' has 33 words" in found[0]


def test_a_sentence_of_25_words_is_fine(tmp_path: Path) -> None:
    twenty_five = " ".join(["help"] * 24) + " now.\n"
    assert not [p for p in _problems(tmp_path, twenty_five) if "words (keep" in p]


def test_each_line_and_bullet_is_its_own_sentence() -> None:
    text = "It works on:\n• heroin\n• methadone\n1. Call 999. Then give it.\n"
    assert sentences(text) == ["It works on:", "heroin", "methadone", "Call 999.", "Then give it."]
