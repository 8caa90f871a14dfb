"""Phone numbers in answers, and the staff-kept list of numbers a person has checked.

A wrong number in a harm-reduction answer can cost a life, so every number an answer gives must
be on intents/staff/checked_numbers.yaml. Recognised: UK numbers of 10 or 11 digits (0300 123
6600, 020 7089 6221, 07700 900123, +44 ...), 116 numbers (116 123), 999 and 112 anywhere, and
short codes of 3 to 5 digits just after a word like "call", "text" or "NHS" (111, 85258).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..core.library import Problem
from ..core.yamlsource import read_yaml

_LONG = re.compile(r"(?<![\d+])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|0)(?:\d[\s-]?){8,9}\d(?![\d])")
_HELPLINE_116 = re.compile(r"(?<![\d+])116[\s-]?\d{3}(?![\s-]?\d)")
_EMERGENCY = re.compile(r"(?<![\d+])(?:999|112)(?![\s-]?\d)")
_SHORT = re.compile(
    r"\b(?:call|calls|calling|ring|phone|dial|text|txt|nhs|helpline|freephone|number)\b"
    r"(?:[^\w\n]+[^\W\d]+){0,2}[^\w\n]+(?P<number>\d{3,5})(?![\s-]?\d)(?![^\W\d])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PhoneNumber:
    text: str  # as written in the answer
    start: int
    end: int

    @property
    def digits(self) -> str:
        return canonical(self.text)


def canonical(number: str) -> str:
    """Digits only, with +44 written as a leading 0, so '0300 123 6600' == '03001236600'."""
    digits = re.sub(r"\D", "", number.replace("(0)", ""))
    return "0" + digits[2:] if number.strip().startswith("+44") else digits


def find_numbers(text: str) -> list[PhoneNumber]:
    found: list[PhoneNumber] = []
    taken: list[tuple[int, int]] = []
    matches = [(m.start(), m.end()) for m in _LONG.finditer(text)]
    matches += [(m.start(), m.end()) for m in _HELPLINE_116.finditer(text)]
    matches += [(m.start(), m.end()) for m in _EMERGENCY.finditer(text)]
    matches += [(m.start("number"), m.end("number")) for m in _SHORT.finditer(text)]
    for start, end in matches:  # longer kinds first, so a part of a long number is not a code
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            found.append(PhoneNumber(text[start:end], start, end))
    return sorted(found, key=lambda n: n.start)


@dataclass(frozen=True)
class CheckedNumber:
    number: str
    name: str
    checked: dt.date | None
    line: int


def _entry(raw: object, file: str, line: int) -> tuple[CheckedNumber | None, list[Problem]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("number"), str | int):
        return None, [Problem(file, line, "each entry needs a 'number'", 'number: "0300 123 6600"')]
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        return None, [Problem(file, line, "each number needs a 'name'", "name: FRANK")]
    checked = raw.get("checked")
    date = None
    if checked is not None:
        try:
            date = dt.date.fromisoformat(str(checked))
        except ValueError:
            return None, [Problem(file, line, "'checked' is not a date", "write it as YYYY-MM-DD")]
    return CheckedNumber(str(raw["number"]), raw["name"].strip(), date, line), []


def load_checked_numbers(path: Path) -> tuple[dict[str, CheckedNumber], list[Problem]]:
    """Canonical digits -> entry. A missing list means no number counts as checked."""
    shown = str(path)
    if not path.is_file():
        return {}, [
            Problem(
                shown,
                1,
                "no list of checked phone numbers, so every number is unchecked",
                "copy intents/staff/checked_numbers.yaml from the hrbot repository",
                "warning",
            )
        ]
    doc, problems = read_yaml(path, shown)
    if doc is None:
        return {}, problems
    items = doc.data.get("numbers") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return {}, [*problems, Problem(shown, 1, "the file needs a list called 'numbers'")]
    numbers: dict[str, CheckedNumber] = {}
    for index, raw in enumerate(items):
        entry, more = _entry(raw, shown, doc.line(("numbers", index)))
        problems += more
        if entry is not None:
            numbers[canonical(entry.number)] = entry
    return numbers, problems
