"""`hrbot lint`: the library's wording, readability, confusable intents and governance.

`hrbot check` says whether the library loads; lint says whether it is good. Library code: it
returns problems with file:line and a hint, and the CLI (bot/cli/lint.py) prints them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..core.library import HasProblems, Library, Problem
from ..core.loader import load_library
from .confusion import FOLDS, check_confusion
from .corpus import check_corpus
from .governance import check_governance
from .phone_numbers import load_checked_numbers
from .readability import check_readability
from .source import SourceMap
from .terms import check_language, load_terms

STAFF_DIR = "staff"  # intents/staff/: staff lists, not intent files (the loader skips folders)
TERMS_FILE = "terms.yaml"
CHECKED_NUMBERS_FILE = "checked_numbers.yaml"


@dataclass(frozen=True)
class LintOptions:
    max_age_months: int = 12
    # The slowest rules (seconds): confusable intents and the safety corpus under
    # cross-validation. A live reload leaves them out.
    confusion: bool = True
    corpus: bool = True
    folds: int = FOLDS
    today: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class LintResult(HasProblems):
    library: Library | None
    problems: list[Problem]

    def failed(self, strict: bool = False) -> bool:
        return self.library is None or bool(self.errors) or (strict and bool(self.warnings))


def _order(problem: Problem) -> tuple[str, int, str]:
    return (problem.file, problem.line, problem.message)


def lint_library(directory: Path | str, options: LintOptions | None = None) -> LintResult:
    """Load the library, then run every lint rule on it. Load errors stop the rules."""
    options = options or LintOptions()
    directory = Path(directory)
    loaded = load_library(directory)
    if loaded.library is None:
        return LintResult(None, loaded.problems)
    library = loaded.library
    staff = directory / STAFF_DIR
    terms, problems = load_terms(staff / TERMS_FILE)
    checked, more = load_checked_numbers(staff / CHECKED_NUMBERS_FILE)
    problems = loaded.problems + problems + more
    sources = SourceMap(library)
    problems += check_language(library, sources, terms)
    problems += check_readability(library, sources)
    problems += check_governance(
        library,
        sources,
        checked,
        str(staff / CHECKED_NUMBERS_FILE),
        options.today,
        options.max_age_months,
    )
    if options.confusion:
        problems += check_confusion(library, options.folds)
    if options.corpus:
        problems += check_corpus(library)
    return LintResult(library, sorted(problems, key=_order))
