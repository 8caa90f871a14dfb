"""Measure the library on a set of labelled messages (the format of ../shared/eval/README.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.decide import Action
from ..core.library import SAFETY_INTENTS, Problem
from ..core.responder import Responder
from ..core.yamlsource import read_yaml


@dataclass(frozen=True)
class Case:
    text: str
    intent: str | None
    line: int = 0


@dataclass(frozen=True)
class Outcome:
    case: Case
    predicted: str | None
    action: Action
    score: float
    top: tuple[tuple[str, float], ...]
    check: str | None = None  # the reply opened with a safety check (the possible tier)

    @property
    def safety(self) -> str | None:
        """The safety tier the reply used: a safety intent (sure), "check" or None."""
        if self.predicted in SAFETY_INTENTS:
            return self.predicted
        return "check" if self.check else None

    @property
    def correct(self) -> bool:
        return self.predicted == self.case.intent

    @property
    def weight(self) -> int:
        # Safety cases count twice (../shared/eval/README.md).
        return 2 if self.case.intent in SAFETY_INTENTS else 1


@dataclass
class EvalReport:
    """What `hrbot eval` found on a labelled set: each outcome, and the figures made from them."""

    outcomes: list[Outcome]
    recall: dict[str, tuple[int, int]] = field(default_factory=dict)  # intent -> (right, total)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        """Share right, with safety cases counted twice."""
        total = sum(o.weight for o in self.outcomes)
        return sum(o.weight for o in self.outcomes if o.correct) / total if total else 0.0

    @property
    def plain_accuracy(self) -> float:
        n = len(self.outcomes)
        return sum(o.correct for o in self.outcomes) / n if n else 0.0

    @property
    def safety_misses(self) -> list[Outcome]:
        """Emergencies and crises that got neither safety answer (what recall counts as missed)."""
        return [o for o in self.safety_cases if o.predicted not in SAFETY_INTENTS]

    @property
    def safety_swaps(self) -> list[Outcome]:
        """Emergencies answered as crises, or crises as emergencies: found (both say 999), but
        with the other answer. Neither a miss nor a false alarm; listed on their own."""
        return [
            o
            for o in self.safety_cases
            if o.predicted in SAFETY_INTENTS and o.predicted != o.case.intent
        ]

    @property
    def safety_false_alarms(self) -> list[Outcome]:
        """Other messages (near-misses, everyday questions) that got a safety answer."""
        return [o for o in self.other_cases if o.predicted in SAFETY_INTENTS]

    @property
    def safety_cases(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.intent in SAFETY_INTENTS]

    @property
    def other_cases(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.intent not in SAFETY_INTENTS]

    @property
    def safety_recall(self) -> float:
        """Safety cases that got an emergency or crisis answer (either one: both say 999)."""
        cases = self.safety_cases
        return sum(o.predicted in SAFETY_INTENTS for o in cases) / len(cases) if cases else 1.0

    @property
    def safety_reach(self) -> float:
        """Safety cases that got a safety answer or, at least, the safety check."""
        cases = self.safety_cases
        return sum(o.safety is not None for o in cases) / len(cases) if cases else 1.0

    @property
    def check_rate(self) -> float:
        """Other messages whose reply opened with the safety check."""
        cases = self.other_cases
        return sum(o.safety == "check" for o in cases) / len(cases) if cases else 0.0

    @property
    def fallback_precision(self) -> float:
        """Of the messages that got the fallback, the share for which that was right."""
        fell = [o for o in self.outcomes if o.action is Action.FALLBACK]
        return sum(o.case.intent is None for o in fell) / len(fell) if fell else 1.0

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]

    def rate(self, action: Action) -> float:
        n = len(self.outcomes)
        return sum(o.action is action for o in self.outcomes) / n if n else 0.0


def read_cases(path: Path, known: set[str]) -> tuple[list[Case], list[Problem]]:
    doc, problems = read_yaml(path, str(path))
    if doc is None:
        return [], problems
    if not isinstance(doc.data, list):
        return [], [Problem(doc.file, 1, "an evaluation file is a list of cases", "see README")]
    cases: list[Case] = []
    for index, raw in enumerate(doc.data):
        line = doc.line((index,))
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or "intent" not in raw:
            problems.append(Problem(doc.file, line, "a case needs 'text' and 'intent'"))
            continue
        intent = raw["intent"]
        if intent is not None and intent not in known:
            problems.append(Problem(doc.file, line, f"unknown intent '{intent}'"))
            continue
        cases.append(Case(raw["text"], intent, line))
    return cases, problems


def run(responder: Responder, cases: list[Case]) -> EvalReport:
    outcomes = []
    for case in cases:
        decision, candidates = responder.understand(case.text)
        predicted = responder.counts_as(decision)
        top = tuple((c.intent, c.score) for c in candidates[:3])
        outcomes.append(
            Outcome(case, predicted, decision.action, decision.score, top, decision.check)
        )
    report = EvalReport(outcomes)
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for o in outcomes:
        label = o.case.intent or "(fallback)"
        totals[label] += 1
        right[label] += o.correct
        if not o.correct:
            report.confusions[(label, o.predicted or "(fallback)")] += 1
    report.recall = {label: (right[label], totals[label]) for label in sorted(totals)}
    return report


def misses_as_json(report: EvalReport) -> list[dict[str, Any]]:
    return [
        {
            "text": o.case.text,
            "line": o.case.line,
            "expected": o.case.intent,
            "got": o.predicted,
            "action": o.action.value,
            "score": o.score,
            "candidates": [{"intent": i, "score": s} for i, s in o.top],
        }
        for o in report.misses
    ]
