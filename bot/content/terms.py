"""Stigmatising words in answers and titles, from the staff-kept list intents/staff/terms.yaml.

Whole words only: a term matches itself, the forms listed for it and its plural and possessive
("abuser" -> "abusers", "abuser's"), never a longer word that contains it ("clean" is not
"cleaner"). A term may be quoted on purpose: put it in quotation marks and name it in a
`# lint-allow: term` comment above the field (see intents/README.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.library import Library, Problem
from ..core.yamlsource import read_yaml
from .source import WORD, Field, SourceMap, read_by_people

SEVERITIES = ("error", "warning")
# Text inside "double", “curly” or 'single' quotes; a single quote must not be an apostrophe.
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|‘[^’\n]*’|(?<!\w)'[^'\n]*'(?!\w)")


@dataclass(frozen=True)
class Term:
    term: str
    severity: str
    say_instead: str
    forms: tuple[str, ...] = ()
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Hit:
    term: Term
    start: int
    end: int


def _tokens(text: str) -> list[tuple[str, int, int]]:
    # Offsets are into the original text, so each word is folded on its own.
    return [
        (m.group().replace("’", "'").casefold(), m.start(), m.end()) for m in WORD.finditer(text)
    ]


def _inflections(word: str) -> tuple[str, ...]:
    plural = word + ("es" if word.endswith(("s", "x", "z", "ch", "sh")) else "s")
    return (word, plural, f"{word}'s")


class TermList:
    """The terms, indexed by their first word for a fast scan of a text."""

    def __init__(self, terms: tuple[Term, ...] = ()) -> None:
        self.terms = terms
        self._phrases: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        for term in terms:
            for written in (term.term, *term.forms):
                words = [w for w, _, _ in _tokens(written)]
                if not words:
                    continue
                for last in _inflections(words[-1]):
                    phrase = (*words[:-1], last)
                    self._phrases.setdefault(phrase[0], []).append((phrase, term))
        for entries in self._phrases.values():
            entries.sort(key=lambda entry: -len(entry[0]))  # longest phrase wins

    def find(self, text: str) -> Iterator[Hit]:
        tokens = _tokens(text)
        words = [w for w, _, _ in tokens]
        i = 0
        while i < len(tokens):
            for phrase, term in self._phrases.get(words[i], ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    yield Hit(term, tokens[i][1], tokens[i + len(phrase) - 1][2])
                    i += len(phrase)
                    break
            else:
                i += 1


# ---------------------------------------------------------------------- the data file
def _term_problems(raw: Any, file: str, line: int) -> list[Problem]:
    if not isinstance(raw, dict):
        return [Problem(file, line, "each entry needs 'term', 'severity' and 'say_instead'")]
    problems = []
    for key in ("term", "say_instead"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(Problem(file, line, f"'{key}' is missing or empty", "write some text"))
    if raw.get("severity") not in SEVERITIES:
        problems.append(
            Problem(
                file,
                line,
                "'severity' must be error or warning",
                "error: never use it; warning: fine only in some settings",
            )
        )
    forms = raw.get("forms", [])
    if not isinstance(forms, list) or not all(isinstance(f, str) and f.strip() for f in forms):
        problems.append(Problem(file, line, "'forms' must be a list of words", "[abusers, abused]"))
    unknown = set(raw) - {"term", "forms", "severity", "say_instead", "why"}
    if unknown:
        problems.append(
            Problem(
                file,
                line,
                f"unknown key '{sorted(unknown)[0]}'",
                "allowed keys: term, forms, severity, say_instead, why",
            )
        )
    return problems


def load_terms(path: Path) -> tuple[TermList, list[Problem]]:
    """Read the word list. A missing or broken list is itself a problem: nothing gets checked."""
    shown = str(path)
    if not path.is_file():
        return TermList(), [
            Problem(
                shown,
                1,
                "no list of stigmatising words, so no answer was checked for them",
                "copy intents/staff/terms.yaml from the hrbot repository",
                "warning",
            )
        ]
    doc, problems = read_yaml(path, shown)
    if doc is None:
        return TermList(), problems
    items = doc.data.get("terms") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return TermList(), [*problems, Problem(shown, 1, "the file needs a list called 'terms'")]
    terms = []
    for index, raw in enumerate(items):
        line = doc.line(("terms", index))
        found = _term_problems(raw, shown, line)
        problems += found
        if not found:
            forms = tuple(str(f) for f in raw.get("forms", []))
            terms.append(
                Term(
                    raw["term"].strip(),
                    raw["severity"],
                    raw["say_instead"].strip(),
                    forms,
                    shown,
                    line,
                )
            )
    return TermList(tuple(terms)), problems


# ---------------------------------------------------------------------- the check
def _surface_pattern(surface: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in surface.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _quoted(text: str, start: int, end: int) -> bool:
    return any(m.start() < start and end < m.end() for m in _QUOTED.finditer(text))


def check_text(
    text: str, field: Field, name: str, intent_id: str, terms: TermList
) -> list[Problem]:
    problems = []
    seen: Counter[str] = Counter()
    for hit in terms.find(text):
        surface = " ".join(text[hit.start : hit.end].split())
        nth = seen[surface.casefold()]
        seen[surface.casefold()] += 1
        allowed = hit.term.term.casefold() in field.allowed
        quoted = _quoted(text, hit.start, hit.end)
        if allowed and quoted:
            continue
        hint = f"say '{hit.term.say_instead}' instead"
        if allowed:
            hint += "; 'lint-allow' lets it through only inside quotation marks"
        elif quoted:
            hint += f"; to quote it on purpose, add '# lint-allow: {hit.term.term}' above '{name}:'"
        problems.append(
            Problem(
                field.file,
                field.locate(_surface_pattern(surface), nth),
                f"'{surface}' in the {name} of '{intent_id}' can make people feel judged",
                hint,
                hit.term.severity,
            )
        )
    return problems


def check_language(library: Library, sources: SourceMap, terms: TermList) -> list[Problem]:
    problems: list[Problem] = []
    for intent in library.intents.values():
        for name, text, line in read_by_people(intent):
            field = sources.field(intent.id, name, intent.file, line)
            problems += check_text(text, field, name, intent.id, terms)
    return problems
