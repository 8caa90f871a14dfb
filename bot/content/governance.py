"""Checks that keep answers trustworthy: sources, review dates, length, phone numbers.

A follow-up that names no intent is already an error of the loader (`hrbot check`), so lint
reports it from there and does not check it twice.
"""

from __future__ import annotations

import datetime as dt
import re

from ..core.library import Library, Problem
from ..core.message_length import MAX_MESSAGE_LENGTH, telegram_length
from .phone_numbers import CheckedNumber, find_numbers
from .source import SourceMap, read_by_people


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier` to `later` (2025-11-25 -> 2026-11-24 is 11)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def _review_problems(
    library: Library, sources: SourceMap, today: dt.date, max_age_months: int
) -> list[Problem]:
    problems = []
    for intent in library.intents.values():
        if not intent.sources:
            problems.append(
                Problem(
                    intent.file,
                    intent.line,
                    f"'{intent.id}' has no sources",
                    "add 'sources:' with where each fact in the answer comes from",
                    "warning",
                )
            )
        if intent.reviewed is None:
            continue
        line = sources.field(intent.id, "reviewed", intent.file, intent.line).key_line
        age = months_between(intent.reviewed, today)
        if intent.reviewed > today:
            problems.append(
                Problem(
                    intent.file,
                    line,
                    f"'{intent.id}' says it was reviewed in the future ({intent.reviewed})",
                    "write the date a person last checked it",
                    "warning",
                )
            )
        elif age >= max_age_months:
            problems.append(
                Problem(
                    intent.file,
                    line,
                    f"'{intent.id}' was last reviewed {age} months ago ({intent.reviewed})",
                    "check the answer against its sources, then set 'reviewed' to today's date",
                    "warning",
                )
            )
    return problems


def _length_problems(library: Library, sources: SourceMap) -> list[Problem]:
    problems = []
    for intent in library.intents.values():
        length = telegram_length(intent.answer)
        if length > MAX_MESSAGE_LENGTH:
            field = sources.field(intent.id, "answer", intent.file, intent.answer_line)
            problems.append(
                Problem(
                    field.file,
                    field.key_line,
                    f"the answer of '{intent.id}' has {length} "
                    f"characters; one Telegram message holds {MAX_MESSAGE_LENGTH}",
                    "shorten it, or move part of it to a follow-up intent",
                )
            )
    return problems


def check_numbers(
    library: Library, sources: SourceMap, checked: dict[str, CheckedNumber]
) -> list[Problem]:
    """Every number in a title or an answer that is not on the list of checked numbers."""
    problems = []
    for intent in library.intents.values():
        for name, text, line in read_by_people(intent):
            field = sources.field(intent.id, name, intent.file, line)
            for number in find_numbers(text):
                if number.digits in checked:
                    continue
                digits = (re.escape(ch) for ch in number.text if ch.strip())
                problems.append(
                    Problem(
                        field.file,
                        field.locate(re.compile(r"\s*".join(digits))),
                        f"the {name} of '{intent.id}' gives the "
                        f"number {number.text}, which is not on the list of checked numbers",
                        "check it on the service's own website, then add it to "
                        "intents/staff/checked_numbers.yaml",
                    )
                )
    return problems


def _stale_numbers(
    checked: dict[str, CheckedNumber], file: str, today: dt.date, max_age_months: int
) -> list[Problem]:
    return [
        Problem(
            file,
            entry.line,
            f"the number {entry.number} ({entry.name}) was last checked "
            f"{months_between(entry.checked, today)} months ago",
            "check it again on the service's own website and update 'checked'",
            "warning",
        )
        for entry in checked.values()
        if entry.checked and months_between(entry.checked, today) >= max_age_months
    ]


def check_governance(
    library: Library,
    sources: SourceMap,
    checked: dict[str, CheckedNumber],
    checked_file: str,
    today: dt.date,
    max_age_months: int,
) -> list[Problem]:
    return (
        _review_problems(library, sources, today, max_age_months)
        + _length_problems(library, sources)
        + check_numbers(library, sources, checked)
        + _stale_numbers(checked, checked_file, today, max_age_months)
    )
