"""The intent library as typed, read-only data (what the YAML files say, after validation)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

# The two intents that always win when a message says it is happening now.
OVERDOSE_EMERGENCY = "overdose_emergency"
CRISIS_SUPPORT = "crisis_support"
SAFETY_INTENTS = (OVERDOSE_EMERGENCY, CRISIS_SUPPORT)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the library, with where it is and what to do about it."""

    file: str
    line: int
    message: str
    hint: str = ""
    severity: str = "error"  # "error", "warning" or "note" (for information; never fails)

    def __str__(self) -> str:
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{self.file}:{self.line}: {self.severity}: {self.message}{hint}"


class HasProblems:
    """What every checker returns alongside its result: the problems, split by severity."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "note"]


@dataclass(frozen=True)
class Intent:
    id: str
    title: str
    topic: str
    examples: tuple[str, ...]
    answer: str
    follow_ups: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    safety: bool = False
    local_services: tuple[str, ...] = ()
    file: str = ""
    line: int = 0
    # Line of each example, for reports that point staff at one example.
    example_lines: tuple[int, ...] = ()
    answer_line: int = 0
    # A more specific answer within a broader intent (naloxone_use_spray within naloxone_use):
    # evaluation sets and `hrbot match` name the broader one, as people asking do.
    part_of: str = ""

    @property
    def counts_as(self) -> str:
        return self.part_of or self.id

    # Line of each follow-up id (all on one line when written as [a, b]).
    follow_up_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Variant phrase (as a tuple of words) -> the plain words it stands for."""

    terms: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def longest(self) -> int:
        return max((len(k) for k in self.terms), default=0)

    @cached_property
    def _longest_from(self) -> dict[str, int]:
        # First word -> the longest variant starting with it: most words start none, and are
        # passed over with one look-up instead of one per phrase length.
        longest: dict[str, int] = {}
        for key in self.terms:
            longest[key[0]] = max(longest.get(key[0], 0), len(key))
        return longest

    def apply(self, words: list[str]) -> list[str]:
        """Replace every known variant, longest phrase first, left to right."""
        if not self.terms:
            return words
        out: list[str] = []
        i, longest_from = 0, self._longest_from
        while i < len(words):
            for size in range(min(longest_from.get(words[i], 0), len(words) - i), 0, -1):
                plain = self.terms.get(tuple(words[i : i + size]))
                if plain is not None:
                    out.extend(plain)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out


NOT_NOW = "none"  # the safety corpus's label for a near-miss: about the subject, not happening now


@dataclass(frozen=True)
class SafetyExample:
    """One message of the safety corpus (intents/safety_corpus/*.yaml) and what it is."""

    text: str
    label: str  # overdose_emergency, crisis_support or NOT_NOW
    kind: str
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Library:
    intents: dict[str, Intent]
    lexicon: Lexicon
    out_of_scope: tuple[str, ...]
    topics: tuple[str, ...]
    directory: Path | None = None
    safety_corpus: tuple[SafetyExample, ...] = ()

    def by_topic(self, topic: str) -> list[Intent]:
        return [i for i in self.intents.values() if i.topic == topic]

    @property
    def example_count(self) -> int:
        return sum(len(i.examples) for i in self.intents.values()) + len(self.out_of_scope)
