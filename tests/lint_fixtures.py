"""Small real intent libraries on disk for the lint, reload and report tests."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "intents"
# The tests' own word list and checked numbers: a staff edit to intents/staff/ fails no test.
STAFF = REPO / "tests" / "data" / "staff"
TODAY = dt.date.today().isoformat()

SAFETY_FILE = f"""\
version: 1
topic: Emergencies
intents:
  - id: overdose_emergency
    title: Someone is overdosing now
    safety: true
    examples:
      - my mate is overdosing right now
      - he is not breathing and his lips are blue
      - she took too much and wont wake up
    answer: |
      Call 999 now. Give naloxone if you have it. Stay with them.
    sources: ["NHS, Overdose"]
    reviewed: {TODAY}
  - id: crisis_support
    title: I am in crisis
    safety: true
    examples:
      - i want to end my life
      - i am thinking about killing myself
      - i cant go on anymore
    answer: |
      I am glad you told me. Call 999 if you are in danger now. You can call
      Samaritans free on 116 123, day or night.
    sources: ["Samaritans"]
    reviewed: {TODAY}
"""


def intent_block(
    intent_id: str,
    answer: str,
    examples: tuple[str, ...] = ("a question about this",),
    title: str = "A topic",
    extra: str = "",
    reviewed: str = TODAY,
    sources: str = '["NHS"]',
) -> str:
    """One intent as YAML (indented for a file's `intents:` list). `extra` goes above answer."""
    lines = [f"  - id: {intent_id}", f"    title: {title}", "    examples:"]
    lines += [f"      - {e}" for e in examples]
    lines += [textwrap.indent(textwrap.dedent(extra).strip("\n"), "    ")] if extra else []
    lines += ["    answer: |", textwrap.indent(textwrap.dedent(answer).strip("\n"), "      ")]
    if sources:
        lines.append(f"    sources: {sources}")
    lines.append(f"    reviewed: {reviewed}")
    return "\n".join(lines) + "\n"


def add_safety_corpus(directory: Path) -> None:
    """A small safety corpus (a library without one is refused), quick to train on."""
    (directory / "safety_corpus").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "tests" / "data" / "safety_corpus_min.yaml", directory / "safety_corpus")


def write_library(root: Path, *blocks: str, staff: bool = True, topic: str = "Things") -> Path:
    """An intents folder under `root` with the safety intents, `blocks` and the tests' own staff
    lists (STAFF)."""
    directory = root / "intents"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "safety.yaml").write_text(SAFETY_FILE, encoding="utf-8")
    add_safety_corpus(directory)
    if blocks:
        body = f"version: 1\ntopic: {topic}\nintents:\n" + "".join(blocks)
        (directory / "things.yaml").write_text(body, encoding="utf-8")
    if staff:
        shutil.copytree(STAFF, directory / "staff", dirs_exist_ok=True)
    return directory
