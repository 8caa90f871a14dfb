"""`hrbot eval --sweep`: the evaluation at a range of thresholds, so staff can pick the trade-off.

Each row moves the three score thresholds (answer, sure, clarify) up or down together by the
same amount: higher means the bot answers less often but is wrong less often. The safety
threshold stays where it is: moving it alone from 0.30 to 0.70 changed no figure on either
evaluation set (the safety layer's cues catch every emergency in them), and the safety misses
and false alarms are columns of every row anyway.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

from ..core.decide import Action, Thresholds
from ..core.responder import Responder
from .evaluate import Case, EvalReport, run

SHIFTS = (-0.15, -0.10, -0.05, 0.0, 0.05, 0.10, 0.15)


@dataclass(frozen=True)
class SweepRow:
    thresholds: Thresholds
    current: bool  # the thresholds the bot uses now
    accuracy: float
    answered: float
    wrong: float  # share of cases answered with the wrong answer
    clarified: float
    fallback: float
    safety_misses: int
    safety_false_alarms: int


def wrong_answers(report: EvalReport) -> int:
    """Messages that got an answer, and the wrong one (worse than a 'not sure' reply)."""
    return sum(o.predicted is not None and not o.correct for o in report.outcomes)


def _clamp(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), 4)


def _row(
    responder: Responder, thresholds: Thresholds, cases: list[Case], current: bool
) -> SweepRow:
    # A shallow copy shares the matcher (built once) and differs only in its thresholds.
    trial = copy.copy(responder)
    trial.thresholds = thresholds
    report: EvalReport = run(trial, cases)
    n = len(report.outcomes) or 1
    return SweepRow(
        thresholds,
        current,
        report.accuracy,
        report.rate(Action.ANSWER) + report.rate(Action.SAFETY),
        wrong_answers(report) / n,
        report.rate(Action.CLARIFY),
        report.rate(Action.FALLBACK),
        len(report.safety_misses),
        len(report.safety_false_alarms),
    )


def sweep(responder: Responder, cases: list[Case]) -> list[SweepRow]:
    base = responder.thresholds
    rows = []
    for shift in SHIFTS:
        trial = dataclasses.replace(
            base,
            answer=_clamp(base.answer + shift),
            sure=_clamp(base.sure + shift),
            clarify=_clamp(base.clarify + shift),
        )
        rows.append(_row(responder, trial, cases, shift == 0.0))
    return rows
