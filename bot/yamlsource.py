"""Read a YAML file and remember the line of every value, so errors can say file:line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .library import Problem

Path_ = tuple[str | int, ...]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loading (libyaml's when present) that leaves dates as text.

    PyYAML turns 2026-11-25 into a date and *raises* on an impossible one like 2025-02-30, which
    would lose the line number; as text, the schema and the loader check it with file:line.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDoc:
    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    key_lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """Line of the value at `path`, or of the nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def _walk(node: yaml.Node, path: Path_, doc: YamlDoc, problems: list[Problem]) -> None:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append(
                    Problem(
                        doc.file,
                        key_node.start_mark.line + 1,
                        f"the key '{key}' appears twice here",
                        "the second one silently replaces the first: merge them into one",
                    )
                )
            seen.add(key)
            doc.key_lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), doc, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc, problems)


def _dates_to_text(value: Any) -> Any:
    # YAML reads 2026-11-25 as a date; the schema and the rest of the code want text.
    if isinstance(value, dict):
        return {str(k): _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse once: the node tree (for line numbers) and the data built from that same tree."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def read_yaml(path: Path, shown_as: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one file. Returns (None, problems) when it cannot be read at all."""
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        hint = "save it as UTF-8 text" if isinstance(exc, UnicodeDecodeError) else ""
        return None, [Problem(shown_as, 1, f"cannot read the file: {exc.__class__.__name__}", hint)]
    try:
        node, data = _parse(text)
    except yaml.MarkedYAMLError as exc:
        # An unclosed quote is found at the end of the file; where it opened is more useful.
        at_end = exc.problem_mark is not None and exc.problem_mark.line >= text.count("\n")
        mark = exc.context_mark if at_end and exc.context_mark else exc.problem_mark
        mark = mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "the YAML is not valid"
        return None, [
            Problem(
                shown_as,
                line,
                f"YAML syntax error: {what}",
                "check the indentation (spaces, not tabs) and put quotes around text "
                "that contains a colon ':' or starts with a symbol",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(shown_as, 1, f"YAML error: {exc.__class__.__name__}")]
    if node is None or data is None:
        return None, [
            Problem(shown_as, 1, "the file is empty", "start it with 'version: 1' (see README)")
        ]
    doc = YamlDoc(shown_as, _dates_to_text(data))
    _walk(node, (), doc, problems)
    return doc, problems
