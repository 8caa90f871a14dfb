"""Intents the live matcher mixes up, found by asking it about the library's own examples.

Two checks, both through the real Responder (matcher, safety layer and decision rules):

* Typed as it is, does each example get its own intent's answer? If not, a person typing those
  very words gets another answer: a warning on that example's line.
* Held out: each example is asked of a library that does not contain it, which is how the bot
  meets a new message. Examples are held out in folds (example n of every intent goes in fold
  n mod FOLDS), so the library is built FOLDS times instead of once per example; each intent
  loses at most a few examples per fold, so this is close to leaving one out at a time.
  A pair of intents is confusable when enough of their held-out examples go to the other one,
  or land within CLOSE_MARGIN of it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from ..core.decide import DEFAULT_THRESHOLDS, Action, Decision
from ..core.library import Intent, Library, Problem
from ..core.loader import OUT_OF_SCOPE_FILE
from ..core.matcher import OUT_OF_SCOPE, Candidate
from ..core.responder import Responder

FOLDS = 20
CLOSE_MARGIN = 0.03
PAIR_SHARE = 0.10  # share of the pair's examples that go astray before the pair is reported
PAIR_MIN = 3  # and at least this many, so two small intents are not reported for one example
SHOWN_EXAMPLES = 4


@dataclass(frozen=True)
class Stray:
    """A held-out example that went to another intent, or nearly did."""

    intent: str
    example: str
    line: int
    other: str
    answered: bool  # the bot gave `other`'s answer (not just ranked it close)


def _name(intent_id: str) -> str:
    return "the out-of-scope examples" if intent_id == OUT_OF_SCOPE else f"'{intent_id}'"


def _where(library: Library, intent_id: str) -> str:
    if intent_id == OUT_OF_SCOPE:
        directory = library.directory
        return str(directory / OUT_OF_SCOPE_FILE) if directory else OUT_OF_SCOPE_FILE
    intent = library.intents[intent_id]
    return f"{intent.file}:{intent.line}"


def _by_safety_check(decision: Decision) -> bool:
    # "safety:matcher" is the matcher's own ranking; any other "safety:" reason is a cue that
    # the safety layer found in the words.
    return decision.reason.startswith("safety:") and decision.reason != "safety:matcher"


def _answered(decision: Decision) -> str | None:
    return decision.intent if decision.action in (Action.ANSWER, Action.SAFETY) else None


def _families(library: Library) -> dict[str, frozenset[str]]:
    """Each intent and those it counts as one with (`part_of`): the spray steps and how to give
    naloxone are one question to the person asking, so one answered for the other is no slip."""
    members: dict[str, set[str]] = defaultdict(set)
    for intent in library.intents.values():
        members[intent.counts_as].add(intent.id)
    return {i.id: frozenset(members[i.counts_as]) for i in library.intents.values()}


# ---------------------------------------------------------------------- typed as it is
def _self_problem(
    intent: Intent,
    family: frozenset[str],
    line: int,
    decision: Decision,
    ranked: list[Candidate],
) -> Problem | None:
    answered = _answered(decision)
    if answered in family or (decision.action is Action.CLARIFY and intent.id in decision.choices):
        return None
    if answered:
        what = f"gets the answer of '{answered}'"
        if _by_safety_check(decision):
            hint = (
                f"the emergency check reads it as happening now ({decision.reason}); "
                "reword the example or tell the developers"
            )
        else:
            nearest = next((c.example for c in ranked if c.intent == answered), "")
            hint = f"it is close to '{nearest}' under '{answered}'; make the two more distinct"
    elif decision.action is Action.CLARIFY:
        what = f"gets a choice between {', '.join(decision.choices)}, without '{intent.id}'"
        hint = "add examples to this intent that are worded like this one"
    else:
        what = "gets the 'not sure' reply"
        nearest = ranked[0].example if ranked and ranked[0].intent == OUT_OF_SCOPE else ""
        hint = (
            f"it looks like the out-of-scope example '{nearest}'"
            if nearest
            else "add examples to this intent that are worded like this one"
        )
    return Problem(
        intent.file, line, f"typing the example of '{intent.id}' {what}", hint, "warning"
    )


def check_examples(responder: Responder) -> list[Problem]:
    """Examples that, typed exactly as written, do not get their own intent's answer."""
    problems = []
    families = _families(responder.library)
    for intent in responder.library.intents.values():
        for example, line in zip(intent.examples, intent.example_lines, strict=True):
            understood = responder.understand(example)
            problem = _self_problem(intent, families[intent.id], line, *understood)
            if problem:
                problems.append(problem)
    return problems


# ---------------------------------------------------------------------- held out
def _without_fold(library: Library, fold: int, folds: int) -> Library:
    intents = {
        intent_id: dataclasses.replace(
            intent,
            examples=tuple(e for n, e in enumerate(intent.examples) if n % folds != fold),
            example_lines=tuple(x for n, x in enumerate(intent.example_lines) if n % folds != fold),
        )
        for intent_id, intent in library.intents.items()
    }
    return dataclasses.replace(library, intents=intents)


def _stray(
    intent: Intent,
    family: frozenset[str],
    n: int,
    decision: Decision,
    ranked: list[Candidate],
    margin: float,
) -> Stray | None:
    example, line = intent.examples[n], intent.example_lines[n]
    answered = _answered(decision)
    if answered == intent.id and _by_safety_check(decision):
        return None  # the safety layer is meant to catch these whatever the matcher thinks
    if answered and answered not in family:
        return Stray(intent.id, example, line, answered, True)
    ranked = [c for c in ranked if c.intent == intent.id or c.intent not in family]
    if not ranked or ranked[0].score < DEFAULT_THRESHOLDS.clarify:
        return None  # the bot says "not sure" either way: a gap in the examples, not a confusion
    if ranked[0].intent != intent.id:
        return Stray(intent.id, example, line, ranked[0].intent, False)
    if len(ranked) > 1 and ranked[0].score - ranked[1].score < margin:
        return Stray(intent.id, example, line, ranked[1].intent, False)
    return None


def held_out(library: Library, folds: int = FOLDS, margin: float = CLOSE_MARGIN) -> Iterator[Stray]:
    """Every held-out example that went to another intent, or nearly did."""
    largest = max((len(i.examples) for i in library.intents.values()), default=0)
    families = _families(library)
    for fold in range(min(folds, largest)):
        responder = Responder(_without_fold(library, fold, folds))
        for intent in library.intents.values():
            for n in range(fold, len(intent.examples), folds):
                decision, candidates = responder.understand(intent.examples[n])
                stray = _stray(intent, families[intent.id], n, decision, candidates, margin)
                if stray:
                    yield stray


def confusable_pairs(
    library: Library, strays: list[Stray], share: float = PAIR_SHARE, minimum: int = PAIR_MIN
) -> list[Problem]:
    by_pair: dict[tuple[str, str], list[Stray]] = defaultdict(list)
    for stray in strays:
        a, b = sorted((stray.intent, stray.other))
        by_pair[(a, b)].append(stray)
    problems = []
    for (a, b), found in sorted(by_pair.items(), key=lambda item: -len(item[1])):
        total = sum(len(library.intents[i].examples) for i in (a, b) if i in library.intents)
        if len(found) < minimum or len(found) < share * total:
            continue
        # Report it on the intent whose examples stray more: it is the one to look at first.
        first = max((a, b), key=lambda i: (i != OUT_OF_SCOPE, sum(s.intent == i for s in found)))
        other = b if first == a else a
        shown = "; ".join(
            f"line {s.line} '{s.example}' -> {s.other}{' (answered)' if s.answered else ''}"
            for s in sorted(found, key=lambda s: (not s.answered, s.line))[:SHOWN_EXAMPLES]
        )
        intent = library.intents[first]
        problems.append(
            Problem(
                intent.file,
                intent.line,
                f"{_name(first)} and {_name(other)} are easy to confuse: {len(found)} of their "
                f"{total} examples went to the other one, or nearly did, when left out",
                f"make their examples more distinct ({_name(other)} is at "
                f"{_where(library, other)}); look at: {shown}",
                "warning",
            )
        )
    return problems


def check_confusion(library: Library, folds: int = FOLDS) -> list[Problem]:
    return check_examples(Responder(library)) + confusable_pairs(
        library, list(held_out(library, folds))
    )
