"""Checking a YAML file against its JSON Schema (bot/core/schemas/), for the intents loader and
the services loader alike: each schema error becomes one Problem at its file:line with a hint.

A loader with wording of its own for some errors (the services file's kinds of service, say)
passes it as `wording`; every other error gets the wording here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from rapidfuzz import process

from .library import Problem
from .yamlsource import YamlDoc

SchemaPath = tuple[str | int, ...]
# A loader's own wording for the errors it knows better; None leaves an error to `problem`.
Wording = Callable[[YamlDoc, ValidationError], Problem | None]

# One item of each list, for saying where a problem is: "naloxone_get, example 3".
ITEM = {
    "intents": "intent",
    "examples": "example",
    "follow_ups": "follow-up",
    "sources": "source",
    "local_services": "local service",
    "safety_corpus": "group",
    "services": "service",
    "offers": "offer",
    "closed_on": "date",
}
# The schema's types in plain words, and what YAML made of a value it did not read as text.
TYPES = {
    "string": "text",
    "array": "a list",
    "object": "keys with values",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}
READ_AS: tuple[tuple[type, str], ...] = (
    (bool, "yes or no (true or false)"),  # before int: a bool is an int in Python
    (int, "a number"),
    (float, "a number"),
    (dict, "a key and a value (because of the colon)"),
    (list, "a list"),
)


def describe(data: object, path: SchemaPath) -> str:
    """Where `path` is, as staff would say it: an item of a list by its id (or kind) if it has
    one, else by its place counted from 1. ("intents", 2, "examples", 2) is "naloxone_get,
    example 3"."""
    parts: list[str] = []
    node, i = data, 0
    while i < len(path):
        key = path[i]
        if isinstance(key, int):  # a file that is a list at the top
            node = node[key] if isinstance(node, list) and key < len(node) else None
            parts.append(f"item {key + 1}")
            i += 1
            continue
        child = node.get(key) if isinstance(node, dict) else None
        index = path[i + 1] if i + 1 < len(path) else None
        if not isinstance(index, int):
            parts.append(key)
            node, i = child, i + 1
            continue
        item = child[index] if isinstance(child, list) and index < len(child) else None
        names = [item.get(k) for k in ("id", "kind")] if isinstance(item, dict) else []
        name = next((n for n in names if isinstance(n, str) and n), None)
        parts.append(name or f"{ITEM.get(key, key + ' item')} {index + 1}")
        node, i = item, i + 2
    return ", ".join(parts) or "the file"


def _type_problem(doc: YamlDoc, error: ValidationError, where: str, line: int) -> Problem:
    """A value of the wrong kind. The usual slip is text YAML read as something else (`- no`,
    `- 999`, `- where: can i get it`): quoting it is the whole fix, so the hint says so."""
    path = tuple(error.absolute_path)
    wanted = TYPES.get(str(error.validator_value), str(error.validator_value))
    if path and path[-1] == "reviewed":
        return Problem(doc.file, line, "'reviewed' is not a date", "write it as YYYY-MM-DD")
    if error.validator_value != "string" or isinstance(error.instance, str):
        hint = "put each one on its own line, starting with - " if wanted == "a list" else ""
        return Problem(doc.file, line, f"{where} should be {wanted}", hint)
    if error.instance is None:
        return Problem(doc.file, line, f"{where} is empty", "write the text, or remove the line")
    read_as = next(words for kind, words in READ_AS if isinstance(error.instance, kind))
    written = doc.written.get(path, str(error.instance))
    quoted = f"'{written.replace(chr(39), chr(39) * 2)}'" if '"' in written else f'"{written}"'
    like = f"- {quoted}" if isinstance(path[-1], int) else f"{path[-1]}: {quoted}"
    return Problem(
        doc.file,
        line,
        f"{where}: YAML read this as {read_as}, not text",
        f"put it in quotes, like {like}",
    )


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator for bot/core/schemas/<name>.schema.json (read once)."""
    text = resources.files("bot.core.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest of `choices` to a misspelt `word`, or "" if none is close."""
    best = process.extractOne(word, list(choices), score_cutoff=60)
    return f"did you mean '{best[0]}'?" if best else ""


def shown_as(path: Path) -> str:
    """How a file is named in a problem: from the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def problem(doc: YamlDoc, error: ValidationError) -> Problem:
    """One schema error as a Problem at its line, with a hint where there is one to give."""
    path = tuple(error.absolute_path)
    where = describe(doc.data, path)
    line = doc.line(path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = schema.get("properties", {})
        unknown = [k for k in error.instance if k not in allowed]
        key = unknown[0] if unknown else "?"
        line = doc.key_lines.get((*path, key), line)
        hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
        return Problem(doc.file, line, f"unknown key '{key}' in {where}", hint)
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else "?"
        return Problem(doc.file, line, f"'{missing}' is missing in {where}", "add it (see README)")
    if kind == "type":
        return _type_problem(doc, error, where, line)
    if kind in ("minLength", "minItems", "minProperties") or (
        kind == "pattern" and path and path[-1] == "answer"
    ):
        return Problem(doc.file, line, f"{where} is empty", "write something here or remove it")
    if kind == "pattern" and path and path[-1] == "reviewed":
        return Problem(doc.file, line, "'reviewed' is not a date", "write it as YYYY-MM-DD")
    if kind == "pattern":
        return Problem(
            doc.file, line, f"{where} is not a valid id", "use lower case letters, digits and _"
        )
    if kind == "enum":
        allowed = ", ".join(str(v) for v in schema.get("enum", ()))
        hint = f"use one of: {allowed}"
        return Problem(doc.file, line, f"{where} cannot be {error.instance!r}", hint)
    if kind == "const":
        return Problem(doc.file, line, f"{where} should be {error.validator_value}")
    return Problem(doc.file, line, f"{where}: {error.message}")


def validate(
    doc: YamlDoc,
    schema: str,
    wording: Wording | None = None,
    skip: Collection[SchemaPath] = (),
) -> list[Problem]:
    """Every error of `doc` against the schema, in the order of the file's structure; errors at
    a path in `skip` are left out (a loader that says them more clearly itself)."""
    errors = sorted(
        (e for e in validator(schema).iter_errors(doc.data) if tuple(e.absolute_path) not in skip),
        key=lambda e: list(e.absolute_path),
    )
    found = []
    for error in errors:
        said = wording(doc, error) if wording else None
        found.append(said or problem(doc, error))
    return found
