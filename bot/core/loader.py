"""Load and validate the intent library folder, collecting every problem with file:line.

Library code never prints or exits: it returns what it found and the CLI decides what to do.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .library import (
    NOT_NOW,
    SAFETY_INTENTS,
    HasProblems,
    Intent,
    Lexicon,
    Library,
    Problem,
    SafetyExample,
)
from .normalise import normalise
from .validate import did_you_mean, shown_as, validate
from .yamlsource import YamlDoc, read_text, read_yaml

LEXICON_FILE = "lexicon.yaml"
OUT_OF_SCOPE_FILE = "out_of_scope.yaml"
SERVICES_FILE = "services.yaml"  # a local services directory kept here has its own checks
# Files in the intents folder that are not topic files.
NOT_INTENT_FILES = frozenset({LEXICON_FILE, OUT_OF_SCOPE_FILE, SERVICES_FILE})
DEFAULT_ORDER = 100  # menu position of a topic file with no `order:`
SAFETY_CORPUS_DIR = "safety_corpus"
# The learned safety layer needs enough of both sides to learn from: a library with less is
# refused rather than run without the layer (the shipped corpus has well over a thousand each).
MIN_SAFETY_MESSAGES = 200
MIN_NEAR_MISSES = 200
# An intent's `id:` line, for the ids of a file YAML cannot read.
ID_LINE = re.compile(r"""^[ \t]*(?:-[ \t]+)?id:[ \t]*["']?([a-z][a-z0-9_]*)""", re.MULTILINE)


@dataclass(frozen=True)
class LoadResult(HasProblems):
    library: Library | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.library is not None and not self.errors


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _intents_from(doc: YamlDoc) -> tuple[list[Intent], list[Problem]]:
    intents, problems = [], []
    for index, raw in enumerate(doc.data.get("intents", [])):
        path: tuple[str | int, ...] = ("intents", index)
        follow_ups = tuple(raw.get("follow_ups", ()))
        reviewed = _parse_date(raw["reviewed"])
        if reviewed is None:
            problems.append(
                Problem(doc.file, doc.line((*path, "reviewed")), "'reviewed' is not a real date")
            )
        intents.append(
            Intent(
                id=raw["id"],
                title=raw["title"],
                topic=doc.data["topic"],
                examples=tuple(raw["examples"]),
                answer=raw["answer"].strip(),
                follow_ups=follow_ups,
                part_of=raw.get("part_of", ""),
                sources=tuple(raw.get("sources", ())),
                reviewed=reviewed,
                safety=bool(raw.get("safety", False)),
                local_services=tuple(raw.get("local_services", ())),
                file=doc.file,
                line=doc.line(path),
                example_lines=tuple(
                    doc.line((*path, "examples", i)) for i in range(len(raw["examples"]))
                ),
                answer_line=doc.line((*path, "answer")),
                follow_up_lines=tuple(
                    doc.line((*path, "follow_ups", i)) for i in range(len(follow_ups))
                ),
            )
        )
    return intents, problems


def _lexicon_from(doc: YamlDoc) -> tuple[Lexicon, list[Problem]]:
    terms: dict[tuple[str, ...], tuple[str, ...]] = {}
    owner: dict[tuple[str, ...], str] = {}
    problems: list[Problem] = []
    for plain, variants in doc.data["terms"].items():
        plain_words = tuple(normalise(str(plain)).split())
        for index, variant in enumerate(variants):
            key = tuple(normalise(variant).split())
            line = doc.line(("terms", plain, index))
            if not key or key == plain_words:
                continue
            if key in owner and owner[key] != plain:
                problems.append(
                    Problem(
                        doc.file,
                        line,
                        f"'{variant}' is listed under both '{owner[key]}' and '{plain}'",
                        "a word can stand for only one thing: keep it in one place",
                    )
                )
                continue
            owner[key], terms[key] = plain, plain_words
    return Lexicon(terms), problems


def _corpus_from(doc: YamlDoc) -> list[SafetyExample]:
    found = []
    for g, group in enumerate(doc.data["safety_corpus"]):
        for e, text in enumerate(group["examples"]):
            line = doc.line(("safety_corpus", g, "examples", e))
            found.append(SafetyExample(text, group["safety"], group["kind"], doc.file, line))
    return found


def _load_corpus(directory: Path) -> tuple[list[SafetyExample], list[Problem]]:
    folder = directory / SAFETY_CORPUS_DIR
    shown = shown_as(folder)
    problems: list[Problem] = []
    corpus: list[SafetyExample] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        # Inside the library folder: a corpus folder that links elsewhere is not read either.
        doc, read_problems = read_yaml(path, shown_as(path), directory)
        problems += read_problems
        if doc is not None:
            schema_problems = validate(doc, "safety_corpus")
            problems += schema_problems
            corpus += [] if schema_problems else _corpus_from(doc)
    if problems:
        return corpus, problems
    positives = sum(1 for c in corpus if c.label != NOT_NOW)
    near_misses = len(corpus) - positives
    if positives < MIN_SAFETY_MESSAGES or near_misses < MIN_NEAR_MISSES:
        problems.append(
            Problem(
                shown,
                1,
                f"the safety corpus is too small ({positives} emergency or crisis messages and "
                f"{near_misses} near-misses)",
                f"the safety layer needs at least {MIN_SAFETY_MESSAGES} of each in "
                f"{SAFETY_CORPUS_DIR}/*.yaml (see intents/README.md)",
            )
        )
    return corpus, problems


def _cross_checks(intents: list[Intent], folder: str, refused: frozenset[str]) -> list[Problem]:
    """Ids used twice, follow-ups naming no intent, examples under two intents, safety intents.
    `refused` are the ids of topic files refused for their own errors: naming one is not an
    error of its own (that file's error is the one to fix)."""
    problems: list[Problem] = []
    first: dict[str, Intent] = {}
    for intent in intents:
        if intent.id in first:
            other = first[intent.id]
            problems.append(
                Problem(
                    intent.file,
                    intent.line,
                    f"the id '{intent.id}' is used twice",
                    f"it is also at {other.file}:{other.line}; give one of them another id",
                )
            )
        else:
            first[intent.id] = intent
    seen_example: dict[str, tuple[Intent, int]] = {}
    for intent in intents:
        for follow_up, line in zip(intent.follow_ups, intent.follow_up_lines, strict=True):
            if follow_up not in first and follow_up not in refused:
                hint = did_you_mean(follow_up, [*first, *refused])
                problems.append(
                    Problem(
                        intent.file,
                        line,
                        f"follow-up '{follow_up}' of '{intent.id}' names no intent",
                        hint or "check the spelling of the id",
                    )
                )
        problems += _part_of_problems(intent, first, refused)
        for example, line in zip(intent.examples, intent.example_lines, strict=True):
            key = normalise(example)
            if key in seen_example and seen_example[key][0].id != intent.id:
                other, other_line = seen_example[key]
                problems.append(
                    Problem(
                        intent.file,
                        line,
                        f"the example '{example}' is under both '{other.id}' and '{intent.id}'",
                        f"it is also at {other.file}:{other_line}; keep it under one intent",
                    )
                )
            seen_example.setdefault(key, (intent, line))
        if intent.safety and intent.id not in SAFETY_INTENTS:
            problems.append(
                Problem(
                    intent.file,
                    intent.line,
                    f"'{intent.id}' is marked safety: true",
                    f"only {' and '.join(SAFETY_INTENTS)} can be safety intents",
                )
            )
    for safety_id in SAFETY_INTENTS:
        found = first.get(safety_id)
        if found is None and safety_id in refused:
            continue
        if found is None:
            problems.append(
                Problem(folder, 1, f"the safety intent '{safety_id}' is missing", "add it back")
            )
        elif not found.safety:
            problems.append(
                Problem(found.file, found.line, f"'{safety_id}' must have 'safety: true'")
            )
    return problems


def _declared_ids(path: Path, doc: YamlDoc | None) -> set[str]:
    """The intent ids a refused topic file declares, as far as they can be made out: from what
    YAML read, or, when it could not read the file, from its `id:` lines."""
    raw = doc.data.get("intents") if doc is not None and isinstance(doc.data, dict) else None
    if isinstance(raw, list):
        return {i["id"] for i in raw if isinstance(i, dict) and isinstance(i.get("id"), str)}
    text, _ = read_text(path, shown_as(path))
    return set(ID_LINE.findall(text or ""))


def load_library(directory: Path | str) -> LoadResult:
    """Read every YAML file in `directory`. The library is None if any error was found."""
    directory = Path(directory)
    if not directory.is_dir():
        return LoadResult(None, [Problem(str(directory), 1, "no such folder")])
    problems: list[Problem] = []
    intents: list[Intent] = []
    topics: dict[str, int] = {}  # topic -> menu order
    lexicon, out_of_scope = Lexicon(), ()
    refused: set[str] = set()  # ids of topic files refused for their own errors
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        if path.name == SERVICES_FILE:
            continue
        kind = {LEXICON_FILE: "lexicon", OUT_OF_SCOPE_FILE: "out_of_scope"}.get(path.name)
        doc, read_problems = read_yaml(path, shown_as(path))
        problems += read_problems
        schema_problems = validate(doc, kind or "intents") if doc is not None else []
        problems += schema_problems
        if doc is None or schema_problems:
            refused |= set() if kind else _declared_ids(path, doc)
            continue
        if kind == "lexicon":
            lexicon, more = _lexicon_from(doc)
            problems += more
        elif kind == "out_of_scope":
            out_of_scope = tuple(doc.data["examples"])
        else:
            found, more = _intents_from(doc)
            intents += found
            problems += more
            topics.setdefault(doc.data["topic"], doc.data.get("order", DEFAULT_ORDER))
    if not intents and not any(p.severity == "error" for p in problems):
        problems.append(Problem(str(directory), 1, "no intent files found", "add intents/*.yaml"))
    refused -= {i.id for i in intents}  # an id that loaded elsewhere is checked as usual
    problems += _cross_checks(intents, shown_as(directory), frozenset(refused)) if intents else []
    corpus, corpus_problems = _load_corpus(directory)
    problems += corpus_problems
    problems = list(dict.fromkeys(problems))  # one rule can reach the same spot twice
    if any(p.severity == "error" for p in problems):
        return LoadResult(None, problems)
    library = Library(
        intents={i.id: i for i in intents},
        lexicon=lexicon,
        out_of_scope=out_of_scope,
        topics=tuple(sorted(topics, key=topics.__getitem__)),  # stable: file order breaks ties
        directory=directory,
        safety_corpus=tuple(corpus),
    )
    return LoadResult(library, problems)


def _part_of_problems(
    intent: Intent, intents: dict[str, Intent], refused: frozenset[str]
) -> list[Problem]:
    if not intent.part_of or intent.part_of in refused:  # a refused file is reported once
        return []
    broader = intents.get(intent.part_of)
    if broader is None:
        hint = did_you_mean(intent.part_of, intents) or "check the spelling of the id"
        return [
            Problem(
                intent.file,
                intent.line,
                f"'{intent.id}' is part_of '{intent.part_of}', which is no intent",
                hint,
            )
        ]
    if broader.part_of or broader.id == intent.id or broader.safety or intent.safety:
        return [
            Problem(
                intent.file,
                intent.line,
                f"'{intent.id}' cannot be part_of '{intent.part_of}'",
                "name a broader intent that is not itself part of another, and not a safety intent",
            )
        ]
    return []
