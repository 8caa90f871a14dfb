"""`hrbot lint`: prints what lint found and picks the exit code (0 clean, 1 problems, 2 usage)."""

from __future__ import annotations

import argparse
import sys

from ..content.lint import LintOptions, lint_library
from .args import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_dir, positive_int


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    help_ = "check the wording, reading age, confusable intents and review dates of the library"
    p = sub.add_parser("lint", help=help_, description=help_)
    add_dir(p, positional=True)
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument(
        "--max-age-months",
        type=positive_int,
        default=12,
        metavar="N",
        help="warn when an answer was last reviewed N or more months ago (default 12)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="leave out the confusable-intents and safety-corpus checks (they take "
        "several seconds)",
    )
    p.set_defaults(func=cmd_lint)


def cmd_lint(args: argparse.Namespace) -> int:
    if not args.dir.is_dir():
        print(f"hrbot lint: there is no folder called {args.dir}", file=sys.stderr)
        return EXIT_USAGE
    options = LintOptions(
        max_age_months=args.max_age_months, confusion=not args.quick, corpus=not args.quick
    )
    result = lint_library(args.dir, options)
    for problem in result.problems:
        print(problem)
    errors, warnings = len(result.errors), len(result.warnings)
    if result.library is None:
        print(f"The library in {args.dir} does not load ({errors} error(s)): fix those first.")
    elif errors or warnings:
        print(f"{errors} error(s) and {warnings} warning(s) in {args.dir}")
    else:
        notes = len(result.notes)
        print(f"OK: no problems in {args.dir}" + (f" ({notes} notes)" if notes else ""))
    return EXIT_PROBLEMS if result.failed(args.strict) else EXIT_OK
