"""How long `hrbot lint` takes on the shipped library, and how close the held-out folds come to
a true leave-one-out. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_lint.py [--sample N]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import time
from pathlib import Path

from bot.content.confusion import FOLDS, _stray, held_out
from bot.content.lint import LintOptions, lint_library
from bot.core.loader import load_library
from bot.core.matcher import Matcher
from bot.core.responder import Responder

INTENTS = Path(__file__).resolve().parents[1] / "intents"


def _timed(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func()
    print(f"{label:48} {time.perf_counter() - start:7.2f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=60, help="examples for the exact check")
    parser.add_argument("--folds", type=int, default=FOLDS, help="folds for the held-out check")
    args = parser.parse_args()
    library = load_library(INTENTS).library
    assert library is not None
    examples = [(i, n) for i in library.intents.values() for n in range(len(i.examples))]
    print(f"library: {len(library.intents)} intents, {len(examples)} intent examples")
    _timed(
        "lint --quick (wording, reading age, governance)",
        lambda: lint_library(INTENTS, LintOptions(confusion=False)),
    )
    _timed("lint (everything)", lambda: lint_library(INTENTS))
    strays = _timed(
        f"held-out folds alone ({args.folds} builds)", lambda: list(held_out(library, args.folds))
    )
    start = time.perf_counter()
    Matcher(library)
    one = time.perf_counter() - start
    print(f"{'one Matcher build':48} {one:7.2f} s")
    print(f"{'exact leave-one-out would need (estimate)':48} {one * len(examples):7.2f} s")

    # Exact leave-one-out on a sample: does the fold result agree, example by example?
    fold_strays = {(s.intent, s.example): s.other for s in strays}
    rng = random.Random(7)
    agree = 0
    for intent, n in rng.sample(examples, min(args.sample, len(examples))):
        kept = tuple(e for k, e in enumerate(intent.examples) if k != n)
        lines = tuple(x for k, x in enumerate(intent.example_lines) if k != n)
        alone = dataclasses.replace(intent, examples=kept, example_lines=lines)
        responder = Responder(
            dataclasses.replace(library, intents={**library.intents, intent.id: alone})
        )
        exact = _stray(intent, n, *responder.understand(intent.examples[n]), margin=0.03)
        folded = fold_strays.get((intent.id, intent.examples[n]))
        agree += (exact.other if exact else None) == folded
    print(f"folds agree with exact leave-one-out on {agree}/{args.sample} sampled examples")


if __name__ == "__main__":
    main()
