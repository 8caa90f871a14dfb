"""Read a YAML file and remember the line of every value, so errors can say file:line.

Library files are edited by staff and dropped into a folder, so a file may be anything: a pipe,
a device, a link to somewhere else, a huge file, an alias bomb. Each of those is a problem at
file:1 (or at the line of the anchor), found without reading more than MAX_FILE_BYTES, without
blocking and without deep recursion; never an exception.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .library import Problem

Path_ = tuple[str | int, ...]

# The largest shipped file is about 30 KB; 2 MB is room for any real library file, and small
# enough that reading and checking one never takes long or much memory.
MAX_FILE_BYTES = 2 * 1024 * 1024
# The deepest library file nests 6 levels (services: list, service, hours, day, ranges).
MAX_DEPTH = 20
_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}

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


# How much of a value's source `YamlDoc.written` keeps: enough to quote it back in a hint.
WRITTEN_CHARS = 80
_TEXT = "tag:yaml.org,2002:str"


@dataclass
class YamlDoc:
    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    key_lines: dict[Path_, int] = field(default_factory=dict)
    # As written in the file (its first line), for each value YAML did not read as text: what
    # staff typed as `- no` is False in `data`, and a hint should quote `no`, not `False`.
    written: dict[Path_, str] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """Line of the value at `path`, or of the nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def _walk(node: yaml.Node, path: Path_, doc: YamlDoc, problems: list[Problem], text: str) -> None:
    doc.lines[path] = node.start_mark.line + 1
    if node.tag != _TEXT:
        start = node.start_mark.index
        end = min(node.end_mark.index, start + WRITTEN_CHARS)
        doc.written[path] = text[start:end].split("\n", 1)[0].strip()
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
            _walk(value_node, (*path, key), doc, problems, text)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc, problems, text)


def _dates_to_text(value: Any) -> Any:
    # YAML reads 2026-11-25 as a date; the schema and the rest of the code want text.
    if isinstance(value, dict):
        return {str(k): _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read_text(
    path: Path, shown_as: str, folder: Path | None = None
) -> tuple[str | None, Problem | None]:
    """The text of `path` if it is an ordinary UTF-8 file of at most MAX_FILE_BYTES inside
    `folder` (its own folder if not given); else None and the problem, at file:1.

    A pipe or device is never opened (opening a pipe waits for a writer), a link that leads out
    of the folder is not followed, and no more than MAX_FILE_BYTES are read.
    """

    def problem(message: str, hint: str) -> tuple[None, Problem]:
        return None, Problem(shown_as, 1, message, hint)

    try:
        real = path.resolve(strict=True)
        if not real.is_relative_to((folder or path.parent).resolve()):
            return problem(
                "the file is a link to somewhere outside its folder, so it was not read",
                "copy the file into the folder instead of linking to it",
            )
        kind = stat.S_IFMT(os.stat(real).st_mode)
        if kind != stat.S_IFREG:
            return problem(
                f"this is {_KINDS.get(kind, 'not an ordinary file')}, not a text "
                "file, so it was not read",
                "only ordinary text files are read: remove it or put a text file in its place",
            )
        # O_NONBLOCK: if a pipe took the file's place since the check, opening it cannot hang.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return problem(
                    "the file changed into something else while it was read", "save it again"
                )
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        if not path.is_symlink():
            return problem("cannot read the file: FileNotFoundError", "check the name")
        return problem(
            "the file is a link to a file that does not exist",
            "remove the link, or copy the file it should point to into the folder",
        )
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links (Python 3.11, 3.12)
        if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
            return problem("the file is a link that leads round in a circle", "remove the link")
        return problem(f"cannot read the file: {exc.__class__.__name__}", "")
    if len(data) > MAX_FILE_BYTES:
        return problem(
            f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, so it was not read",
            "a library file is a few KB: check this is the right file",
        )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return problem("cannot read the file: UnicodeDecodeError", "save it as UTF-8 text")


def _shape_problem(text: str, shown_as: str) -> Problem | None:
    """Anchors, aliases and deep nesting, found from the parser's events before anything is
    built: an alias bomb is small on disk and huge once built, and deep nesting overflows the
    stack of everything that walks the result."""
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
                return Problem(
                    shown_as,
                    line,
                    f"'{sign}{event.anchor}' is a YAML "
                    f"{'alias' if sign == '*' else 'anchor'}, which library files do not use",
                    "write the text out in full; if you meant the symbol & or *, put quotes "
                    "around the text",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return Problem(
                        shown_as,
                        line,
                        f"lists and sections are nested more than {MAX_DEPTH} deep here",
                        "check the indentation",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()
    return None


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse once: the node tree (for line numbers) and the data built from that same tree."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def read_yaml(
    path: Path, shown_as: str, folder: Path | None = None
) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one file (see `read_text` for which files are read). Returns (None, problems) when
    it cannot be read at all."""
    problems: list[Problem] = []
    text, unreadable = read_text(path, shown_as, folder)
    if text is None:
        return None, [unreadable] if unreadable else []
    try:
        shape = _shape_problem(text, shown_as)
        if shape is not None:
            return None, [shape]
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
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, [Problem(shown_as, 1, f"YAML error: {exc.__class__.__name__}")]
    if node is None or data is None:
        return None, [
            Problem(shown_as, 1, "the file is empty", "start it with 'version: 1' (see README)")
        ]
    doc = YamlDoc(shown_as, _dates_to_text(data))
    _walk(node, (), doc, problems, text)
    return doc, problems
