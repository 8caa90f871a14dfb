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
    severity: str = "error"  # "error" or "warning"

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
        return [p for p in self.problems if p.severity != "error"]


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


@dataclass(frozen=True)
class Lexicon:
    """Variant phrase (as a tuple of words) -> the plain words it stands for."""

    terms: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def _index(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[int, ...]]]:
        # One-word variants by their word, and for each word that starts a longer variant, the
        # lengths to try, longest first: most words then cost one look-up, not `longest`.
        single = {k[0]: v for k, v in self.terms.items() if len(k) == 1}
        sizes: dict[str, set[int]] = {}
        for k in self.terms:
            if len(k) > 1:
                sizes.setdefault(k[0], set()).add(len(k))
        return single, {w: tuple(sorted(s, reverse=True)) for w, s in sizes.items()}

    def apply(self, words: list[str]) -> list[str]:
        """Replace every known variant, longest phrase first, left to right."""
        if not self.terms:
            return words
        single, sizes = self._index
        out: list[str] = []
        i = 0
        while i < len(words):
            for size in sizes.get(words[i], ()):
                plain = self.terms.get(tuple(words[i : i + size]))
                if plain is not None:
                    out.extend(plain)
                    i += size
                    break
            else:
                plain = single.get(words[i])
                if plain is None:
                    out.append(words[i])
                else:
                    out.extend(plain)
                i += 1
        return out


@dataclass(frozen=True)
class Library:
    intents: dict[str, Intent]
    lexicon: Lexicon
    out_of_scope: tuple[str, ...]
    topics: tuple[str, ...]
    directory: Path | None = None

    def by_topic(self, topic: str) -> list[Intent]:
        return [i for i in self.intents.values() if i.topic == topic]

    @property
    def example_count(self) -> int:
        return sum(len(i.examples) for i in self.intents.values()) + len(self.out_of_scope)
