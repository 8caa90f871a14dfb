"""The safety tiers on writers the layer never saw: leave-one-writer-out cross-validation.

    .venv/bin/python bench/bench_safety_tiers.py [--dir intents] [--ordinary FILE ...]
                                                 [--c 1.0 --scale 1.5] [--grid]

Each file of intents/safety_corpus/ comes from a different writer. Each is held out in turn: the
safety layer is trained on the other files and every intent example (as the bot trains it), and
scores the held-out file's messages. So every corpus score comes from a model that never saw
that writer's wording, which is the closest this repository has to a message nobody has seen.
The corpus is hard on purpose: its near-misses use the same words as its emergencies.

Ordinary messages (default: the development sets, which the bot is not trained on) are scored by
the layer trained on everything: the false alarms a person asking an everyday question would see.

Columns: sure = the emergency or crisis answer alone; reach = that or the safety check; FA =
near-misses (or ordinary messages) that got the safety answer; check = ordinary messages that
got the safety check. The shipped thresholds come from bot/core/safety_tiers.py. With --grid,
every combination of thresholds is tried and the best at each false-alarm budget printed: the
way the shipped ones were chosen. Prints tables; not a test.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

from bot.core.classifiers import (  # noqa: E402
    SAFETY_C,
    SAFETY_SCALE,
    SafetyScores,
    safety_training_set,
)
from bot.core.decide import DEFAULT_THRESHOLDS  # noqa: E402
from bot.core.learned import Features, TextModel  # noqa: E402
from bot.core.library import CRISIS_SUPPORT, NOT_NOW, OVERDOSE_EMERGENCY  # noqa: E402
from bot.core.loader import load_library  # noqa: E402
from bot.core.matcher import (  # noqa: E402
    OUT_OF_SCOPE,
    Reading,
)
from bot.core.responder import Responder  # noqa: E402
from bot.core.safety import LEARNED, SafetyVerdict, assess  # noqa: E402
from bot.core.safety_tiers import SafetyThresholds, judge  # noqa: E402

DEV_SETS = [
    REPO.parent / "shared" / "eval" / "dev.yaml",
    REPO.parent / "shared" / "eval" / "dev-more.yaml",
]
SAFETY = (OVERDOSE_EMERGENCY, CRISIS_SUPPORT)


@dataclass
class Scored:
    """Messages with their reading, true label and out-of-sample safety scores."""

    readings: list[Reading]
    labels: np.ndarray
    scores: list[SafetyScores]
    topic: np.ndarray  # the best non-safety intent's score in the ranking (decide's gate)
    rules: list[SafetyVerdict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rules = [assess(r.text, r.corrected_text) for r in self.readings]

    @property
    def positive(self) -> np.ndarray:
        return self.labels != NOT_NOW


def safety_scores(model: TextModel, reading: Reading) -> SafetyScores:
    s = model.scores(reading.corrected_text)
    return SafetyScores(s.get(OVERDOSE_EMERGENCY, 0.0), s.get(CRISIS_SUPPORT, 0.0))


def topic_scores(responder: Responder, readings: list[Reading]) -> np.ndarray:
    """The intent ranking never learns from the safety corpus, so this is out of sample."""
    skip = (*SAFETY, OUT_OF_SCOPE)
    best = []
    for reading in readings:
        others = [c.score for c in responder.rank(reading) if c.intent not in skip]
        best.append(others[0] if others else 0.0)
    return np.array(best)


def score_sets(
    intents: Path, ordinary: list[Path], c: float, scale: float
) -> tuple[Scored, Scored, list[str]]:
    library = load_library(intents).library
    assert library is not None, "the library does not load: run hrbot check"
    responder = Responder(library)  # its reading, and its ranking for the topic gate
    texts, labels = safety_training_set(library)
    corpus = library.safety_corpus  # first in the training set
    files = [Path(e.file).name for e in corpus]
    rest = range(len(corpus), len(texts))
    readings = {t: responder.read(t) for t in dict.fromkeys(texts)}
    features = Features([readings[t].corrected_text for t in texts])
    held: list[SafetyScores | None] = [None] * len(corpus)
    writers = sorted(set(files))
    for writer in writers:
        rows = [i for i, f in enumerate(files) if f != writer] + list(rest)
        model = TextModel(features, rows, [labels[i] for i in rows], c, scale)
        for i, f in enumerate(files):
            if f == writer:
                held[i] = safety_scores(model, readings[corpus[i].text])
    full = TextModel(features, range(len(texts)), labels, c, scale)
    cases = [case for path in ordinary for case in yaml.safe_load(path.read_text())]
    plain = [responder.read(case["text"]) for case in cases]
    corpus_readings = [readings[e.text] for e in corpus]
    corpus_set = Scored(
        corpus_readings,
        np.array([e.label for e in corpus]),
        [s for s in held if s is not None],
        topic_scores(responder, corpus_readings),
    )
    ordinary_set = Scored(
        plain,
        np.array([c["intent"] if c["intent"] in SAFETY else NOT_NOW for c in cases]),
        [safety_scores(full, r) for r in plain],
        topic_scores(responder, plain),
    )
    return corpus_set, ordinary_set, writers


def tiers(
    scored: Scored, thresholds: SafetyThresholds, gate: float
) -> tuple[np.ndarray, np.ndarray]:
    """(sure, reach) for each message, as judge and decide's gate on the layer alone decide."""
    sure, reach = [], []
    for reading, scores, rules, topic in zip(
        scored.readings, scored.scores, scored.rules, scored.topic, strict=True
    ):
        verdict = judge(rules, scores, len(reading.corrected), thresholds)
        alone = verdict.fired and verdict.reason == LEARNED
        sure.append(verdict.fired and not (alone and topic >= gate))
        reach.append(verdict.fired or verdict.check is not None)
    return np.array(sure), np.array(reach)


def row(
    corpus: Scored, ordinary: Scored, thresholds: SafetyThresholds, gate: float
) -> tuple[float, ...]:
    sure, reach = tiers(corpus, thresholds, gate)
    osure, oreach = tiers(ordinary, thresholds, gate)
    pos, opos = corpus.positive, ordinary.positive
    return (
        sure[pos].mean(),
        sure[~pos].mean(),
        reach[pos].mean(),
        osure[opos].mean() if opos.any() else float("nan"),
        osure[~opos].mean(),
        (oreach & ~osure)[~opos].mean(),
    )


HEADER = (
    "  sure  confirm(od/crisis)  check  gate | corpus: sure  FA    reach"
    " | ordinary: sure  FA     check"
)


def show(name: str, t: SafetyThresholds, gate: float, r: tuple[float, ...]) -> str:
    return (
        f"{name:8s} {t.sure:.2f}  {t.confirm:.2f}/{t.confirm_crisis:.2f}  {t.check:.2f}  {gate:.2f}"
        f" |  {r[0]:6.1%} {r[1]:5.1%} {r[2]:6.1%} |  {r[3]:6.1%} {r[4]:6.2%} {r[5]:5.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=REPO / "intents")
    parser.add_argument("--ordinary", type=Path, nargs="*", default=DEV_SETS)
    parser.add_argument("--c", type=float, default=SAFETY_C)
    parser.add_argument("--scale", type=float, default=SAFETY_SCALE)
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()
    corpus, ordinary, writers = score_sets(args.dir, args.ordinary, args.c, args.scale)
    print(
        f"C={args.c} scale={args.scale}; {len(writers)} writers held out in turn:",
        ", ".join(writers),
    )
    print(
        f"corpus: {corpus.positive.sum()} emergencies and crises,"
        f" {(~corpus.positive).sum()} near-misses;",
        f"ordinary: {ordinary.positive.sum()} safety, {(~ordinary.positive).sum()} other",
    )
    print(HEADER)
    shipped, gate = SafetyThresholds(), DEFAULT_THRESHOLDS.topic_gate
    print(show("shipped", shipped, gate, row(corpus, ordinary, shipped, gate)))
    never = replace(shipped, sure=1.01, confirm=0.0, confirm_crisis=0.0, check=1.01)
    print(show("rules", never, gate, row(corpus, ordinary, never, gate)))
    if not args.grid:
        return
    rows = []
    for sure, od, cr, check, g in itertools.product(
        (0.6, 0.65, 0.7, 0.75, 0.8), (0.3, 0.4, 0.5), (0.4, 0.5, 0.6), (0.3, 0.35), GATES
    ):
        t = replace(shipped, sure=sure, confirm=od, confirm_crisis=cr, check=check)
        rows.append((t, g, row(corpus, ordinary, t, g)))
    for budget, plain in itertools.product((0.02, 0.03, 0.04), (0.002, 0.005, 0.01)):
        fits = [x for x in rows if x[2][1] <= budget and x[2][4] <= plain]
        print(f"best with corpus FA <= {budget:.0%} and ordinary FA <= {plain:.1%}:")
        for t, g, r in sorted(fits, key=lambda x: (-x[2][0], -x[2][2]))[:2]:
            print(show("", t, g, r))


GATES = (0.25, 0.3, 0.35, 0.45, 1.01)

if __name__ == "__main__":
    main()
