"""Where each intent's title and answer sit in its file, so lint can point at the exact line.

The loader keeps only the line an answer starts on. Lint wants the line of one word, and the
`# lint-allow:` comments written above a field, so it reads each intent file once more here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.library import Intent, Library
from ..core.yamlsource import YamlDoc, read_text, read_yaml

FIELDS = ("title", "answer", "reviewed", "sources")
# A word as the lint rules count and match it: letters and digits, with inner apostrophes.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
ALLOW_COMMENT = re.compile(r"#\s*lint-allow:\s*(?P<terms>.+)$", re.IGNORECASE)


def read_by_people(intent: Intent) -> tuple[tuple[str, str, int], ...]:
    """The fields a person reads, as (name, text, line): the title (a button) and the answer."""
    return (("title", intent.title, intent.line), ("answer", intent.answer, intent.answer_line))


@dataclass(frozen=True)
class Field:
    """One field of one intent (title, answer...): its lines, and the terms staff allowed."""

    file: str
    key_line: int
    first_line: int
    last_line: int
    lines: tuple[str, ...]  # the file's lines first_line..last_line
    allowed: frozenset[str]  # terms named in `# lint-allow:` comments for this field

    def locate(self, pattern: re.Pattern[str], nth: int = 0) -> int:
        """Line of the nth match of `pattern` inside the field, or the field's first line."""
        seen = 0
        for offset, text in enumerate(self.lines):
            for _ in pattern.finditer(text):
                if seen == nth:
                    return self.first_line + offset
                seen += 1
        return self.first_line


def _allowed(lines: list[str], key_line: int) -> frozenset[str]:
    # A `# lint-allow: word, word` comment counts at the end of the key's own line or on the
    # comment lines directly above the key (comments inside a `|` answer would be answer text).
    found: list[str] = []
    index = key_line - 1
    candidates = [lines[index]] if index < len(lines) else []
    index -= 1
    while index >= 0 and lines[index].strip().startswith("#"):
        candidates.append(lines[index])
        index -= 1
    for text in candidates:
        match = ALLOW_COMMENT.search(text)
        if match:
            found += [t.strip().strip("'\"").casefold() for t in match["terms"].split(",")]
    return frozenset(t for t in found if t)


def _fields(doc: YamlDoc, lines: list[str]) -> dict[tuple[str, str], Field]:
    starts = sorted(set(doc.lines.values()) | set(doc.key_lines.values()))
    out: dict[tuple[str, str], Field] = {}
    for index, raw in enumerate(doc.data.get("intents", []) if isinstance(doc.data, dict) else []):
        if not isinstance(raw, dict) or "id" not in raw:
            continue
        for name in FIELDS:
            path = ("intents", index, name)
            if path not in doc.key_lines:
                continue
            key_line, first = doc.key_lines[path], doc.lines[path]
            later = [s for s in starts if s > first]
            last = (later[0] - 1) if later else len(lines)
            out[(str(raw["id"]), name)] = Field(
                doc.file,
                key_line,
                first,
                max(first, last),
                tuple(ALLOW_COMMENT.sub("", text) for text in lines[first - 1 : max(first, last)]),
                _allowed(lines, key_line),
            )
    return out


class SourceMap:
    """The FIELDS of every intent in a library, with their lines, read from the files."""

    def __init__(self, library: Library) -> None:
        self._fields: dict[tuple[str, str], Field] = {}
        for file in sorted({intent.file for intent in library.intents.values()}):
            doc, _ = read_yaml(Path(file), file)
            text, _ = read_text(Path(file), file)
            if doc is None or text is None:
                continue  # changed since it was loaded: problems point at the loader's lines
            self._fields.update(_fields(doc, text.splitlines()))

    def field(self, intent_id: str, name: str, file: str, line: int) -> Field:
        """The field, or a one-line stand-in at `file:line` if the file changed meanwhile."""
        found = self._fields.get((intent_id, name))
        return found or Field(file, line, line, line, (), frozenset())
