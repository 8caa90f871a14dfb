"""The safety corpus messages the learned safety layer gets wrong when it has not seen them.

Each message of the corpus (and of the two safety intents) is scored by a safety layer trained
on the others (FOLDS folds). An emergency or crisis that would get neither the safety answer nor
the safety check, and a near-miss that would get the emergency answer, are listed as notes with
file:line, so staff can see which kinds of message need more, or clearer, examples. Notes never
fail `hrbot lint --strict`: some hard messages will always be near the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.classifiers import SAFETY_C, SAFETY_SCALE, safety_training_set
from ..core.learned import fit
from ..core.library import (
    CRISIS_SUPPORT,
    NOT_NOW,
    OVERDOSE_EMERGENCY,
    SAFETY_INTENTS,
    Library,
    Problem,
)
from ..core.loader import SAFETY_CORPUS_DIR
from ..core.matcher import Matcher
from ..core.safety_tiers import DEFAULT_SAFETY_THRESHOLDS, SafetyThresholds

FOLDS = 5
MAX_NOTES = 40  # a long list helps nobody; the summary line gives the totals


@dataclass(frozen=True)
class _Item:
    text: str
    label: str
    file: str
    line: int


def _items(library: Library) -> list[_Item]:
    items = [_Item(e.text, e.label, e.file, e.line) for e in library.safety_corpus]
    for intent_id in SAFETY_INTENTS:
        intent = library.intents.get(intent_id)
        if intent is not None:
            items += [
                _Item(text, intent_id, intent.file, line)
                for text, line in zip(intent.examples, intent.example_lines, strict=True)
            ]
    return items


def check_corpus(
    library: Library,
    folds: int = FOLDS,
    thresholds: SafetyThresholds = DEFAULT_SAFETY_THRESHOLDS,
) -> list[Problem]:
    items = _items(library)
    if not items:
        return []
    read = Matcher(library).read
    texts, labels = safety_training_set(library)
    own = {(i.text, i.label) for i in items}
    others = [
        (read(t).corrected_text, lab)
        for t, lab in zip(texts, labels, strict=True)
        if (t, lab) not in own
    ]  # every other intent's examples: in every fold
    corrected = [read(i.text).corrected_text for i in items]  # read once, not once a fold
    wrong: list[Problem] = []
    missed = alarms = 0
    for fold in range(folds):
        kept = [(corrected[n], i.label) for n, i in enumerate(items) if n % folds != fold]
        train = kept + others
        # The same settings as the shipped safety layer, so the notes describe that layer.
        model = fit([t for t, _ in train], [lab for _, lab in train], SAFETY_C, SAFETY_SCALE)
        for n, item in enumerate(items):
            if n % folds != fold:
                continue
            scores = model.scores(corrected[n])
            risk = scores.get(OVERDOSE_EMERGENCY, 0.0) + scores.get(CRISIS_SUPPORT, 0.0)
            if item.label != NOT_NOW and risk < thresholds.check:
                missed += 1
                wrong.append(
                    Problem(
                        item.file,
                        item.line,
                        f"the safety layer misses this {item.label} message when it has not "
                        "seen it",
                        "add more messages like it, in other words, to the safety corpus",
                        "note",
                    )
                )
            elif item.label == NOT_NOW and risk >= thresholds.sure:
                alarms += 1
                wrong.append(
                    Problem(
                        item.file,
                        item.line,
                        "the safety layer takes this near-miss for an emergency when it has not "
                        "seen it",
                        "add more near-misses like it (questions, the past, what-ifs) to the "
                        "corpus",
                        "note",
                    )
                )
    if not wrong:
        return []
    wrong.sort(key=lambda p: (p.file, p.line))
    summary = Problem(
        str(library.directory / SAFETY_CORPUS_DIR) if library.directory else SAFETY_CORPUS_DIR,
        1,
        f"under {folds}-fold cross-validation the safety layer misses {missed} of "
        f"{sum(i.label != NOT_NOW for i in items)} emergency and crisis messages and takes "
        f"{alarms} of {sum(i.label == NOT_NOW for i in items)} near-misses for an emergency",
        f"the first {min(MAX_NOTES, len(wrong))} are listed",
        "note",
    )
    return [summary, *wrong[:MAX_NOTES]]
