"""Each matching signal alone and blended, on labelled sets: what the blend weight buys.

    .venv/bin/python bench/bench_signals.py [FILE ...]   (default: ../shared/eval/dev*.yaml)

For each weight of the learned classifier (0 = the fuzzy matcher alone, 1 = the classifier
alone) it prints the accuracy as `hrbot eval` counts it (safety cases twice), the share of
answers that were wrong, the fallback rate, and safety misses and false alarms. Not a test.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
from pathlib import Path

from bot.core.decide import Action
from bot.core.loader import load_library
from bot.core.responder import Responder
from bot.evaluation.evaluate import read_cases, run
from bot.evaluation.sweep import wrong_answers

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SETS = sorted((REPO.parent / "shared" / "eval").glob("dev*.yaml"))
WEIGHTS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--dir", type=Path, default=REPO / "intents")
    args = parser.parse_args()
    library = load_library(args.dir).library
    assert library is not None, "the library has errors: run hrbot check"
    responder = Responder(library)
    cases = []
    for path in args.files:
        found, problems = read_cases(path, set(library.intents))
        assert not problems, problems
        cases += found
    print(f"{len(cases)} cases from {', '.join(p.name for p in args.files)}")
    print("  learned  accuracy  wrong  fallback  safety-misses  false-alarms")
    for weight in WEIGHTS:
        trial = copy.copy(responder)  # shares the matcher and the trained classifiers
        trial.thresholds = dataclasses.replace(responder.thresholds, learned_weight=weight)
        report = run(trial, cases)
        now = "  <- now" if weight == responder.thresholds.learned_weight else ""
        print(
            f"  {weight:7.1f} {report.accuracy:9.1%} {wrong_answers(report) / len(cases):6.1%} "
            f"{report.rate(Action.FALLBACK):9.1%} {len(report.safety_misses):14} "
            f"{len(report.safety_false_alarms):13}{now}"
        )


if __name__ == "__main__":
    main()
