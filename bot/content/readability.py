"""Reading age of every answer, and sentences that are too long to follow.

Reading age here is the Flesch-Kincaid grade plus 5 (US grade 6 is about age 11, UK Year 7), as
computed by textstat 0.7.3. The target is a reading age of 11 or below, so an answer warns when
its grade is above 6 (facts sheet section 12: "Flesch-Kincaid grade 6 or lower"). Each line of
an answer counts as its own sentence, so a bullet list is not read as one long sentence.
Answers under MIN_WORDS_FOR_AGE words are too short for the formula to mean anything.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from ..core.library import Library, Problem
from .source import WORD, Field, SourceMap

with warnings.catch_warnings():
    # textstat imports pkg_resources, which newer setuptools marks as deprecated.
    warnings.simplefilter("ignore")
    import textstat

GRADE_TO_AGE = 5
MAX_READING_AGE = 11
MAX_SENTENCE_WORDS = 25
# Below this many words a reading-age formula says little ("Hello." scores 13); such short
# answers are judged by their sentence length alone.
MIN_WORDS_FOR_AGE = 30

_BULLET = re.compile(r"^\s*(?:[•*\-–]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Readability:
    reading_age: float
    grade: float
    sentences: tuple[str, ...]

    @property
    def longest(self) -> str:
        return max(self.sentences, key=word_count, default="")


def word_count(sentence: str) -> int:
    return len(WORD.findall(sentence))


def sentences(text: str) -> list[str]:
    """Each line is at least one sentence; a bullet or number at the start is not a word."""
    out = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        out += [s.strip() for s in _SENTENCE_END.split(line) if word_count(s)]
    return out


def readability(text: str) -> Readability:
    parts = sentences(text)
    prose = " ".join(s if s[-1] in ".!?" else f"{s}." for s in parts)
    grade = float(textstat.flesch_kincaid_grade(prose)) if prose else 0.0
    return Readability(grade + GRADE_TO_AGE, grade, tuple(parts))


def _short(sentence: str, words: int = 12) -> str:
    split = sentence.split()
    return " ".join(split[:words]) + (" ..." if len(split) > words else "")


def _age_problem(intent_id: str, field: Field, result: Readability) -> Problem | None:
    words = sum(word_count(s) for s in result.sentences)
    if words < MIN_WORDS_FOR_AGE or result.reading_age <= MAX_READING_AGE:
        return None
    longest = result.longest
    return Problem(
        field.file,
        field.key_line,
        f"the answer of '{intent_id}' has a reading age of {result.reading_age:.1f} "
        f"(aim for {MAX_READING_AGE} or below)",
        f"use shorter sentences and everyday words; the longest sentence is "
        f"'{_short(longest)}' ({word_count(longest)} words)",
        "warning",
    )


def _sentence_problems(intent_id: str, field: Field, result: Readability) -> list[Problem]:
    problems = []
    for sentence in result.sentences:
        count = word_count(sentence)
        if count > MAX_SENTENCE_WORDS:
            start = re.compile(r"\s+".join(re.escape(w) for w in sentence.split()[:3]))
            problems.append(
                Problem(
                    field.file,
                    field.locate(start),
                    f"a sentence in the answer of '{intent_id}' has {count} words "
                    f"(keep it to {MAX_SENTENCE_WORDS} or fewer): '{_short(sentence)}'",
                    "split it into two sentences",
                    "warning",
                )
            )
    return problems


def check_readability(library: Library, sources: SourceMap) -> list[Problem]:
    problems = []
    for intent in library.intents.values():
        field = sources.field(intent.id, "answer", intent.file, intent.answer_line)
        result = readability(intent.answer)
        age = _age_problem(intent.id, field, result)
        problems += [age] if age else []
        problems += _sentence_problems(intent.id, field, result)
    return problems
