"""Read the analytics database for staff: daily figures, top intents, unmatched messages grouped.

Used by `hrbot report` and the staff-only /stats command. Opens the database read-only.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from ..core.normalise import normalise
from .store import day_of

MESSAGE_EVENTS = ("answer", "safety", "clarify", "fallback")
SIMILARITY = 80.0  # rapidfuzz token_sort_ratio at or above which two messages are one group


@dataclass(frozen=True)
class DayFigures:
    day: str
    users: int = 0
    answer: int = 0
    safety: int = 0
    clarify: int = 0
    fallback: int = 0
    button: int = 0
    command: int = 0

    @property
    def messages(self) -> int:
        """Typed messages: each got an answer, a safety answer, a clarification or the fallback."""
        return self.answer + self.safety + self.clarify + self.fallback


@dataclass(frozen=True)
class IntentFigures:
    intent: str
    typed: int  # answered from a typed message (answer and safety events)
    buttons: int  # answered from a button press

    @property
    def total(self) -> int:
        return self.typed + self.buttons


@dataclass(frozen=True)
class UnmatchedGroup:
    text: str  # the most frequent wording in the group
    count: int
    nearest: str | None  # the intent most often nearest
    variants: tuple[str, ...] = ()  # other wordings, most frequent first


@dataclass(frozen=True)
class UsageReport:
    """What people asked over some days, from the analytics database (`hrbot report`, /stats)."""

    first_day: str
    last_day: str
    days: tuple[DayFigures, ...]
    intents: tuple[IntentFigures, ...]
    unmatched: tuple[UnmatchedGroup, ...] = field(default=())

    @property
    def total(self) -> DayFigures:
        # No total of people: the same person on two days cannot be recognised (new key daily).
        sums: Counter[str] = Counter()
        for day in self.days:
            for name in (*MESSAGE_EVENTS, "button", "command"):
                sums[name] += getattr(day, name)
        return DayFigures(f"{self.first_day}..{self.last_day}", **sums)


def rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def open_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(path)
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)


def read_report(path: Path, days: int, today: dt.date | None = None) -> UsageReport:
    """The last `days` UK days (today included) from the database at `path`."""
    last = today or dt.date.fromisoformat(day_of(time.time()))
    first = (last - dt.timedelta(days=days - 1)).isoformat()
    span = (first, last.isoformat())
    conn = open_read_only(path)
    try:
        counts = conn.execute(
            "SELECT day, event, intent, count FROM daily_counts WHERE day BETWEEN ? AND ?", span
        ).fetchall()
        users = dict(
            conn.execute("SELECT day, users FROM daily_users WHERE day BETWEEN ? AND ?", span)
        )
        unmatched = conn.execute(
            "SELECT text, nearest FROM unmatched WHERE day BETWEEN ? AND ?", span
        ).fetchall()
    finally:
        conn.close()
    groups = group_unmatched(unmatched)
    return UsageReport(first, span[1], _days(counts, users), _intents(counts), groups)


def _days(counts: list[tuple[str, str, str, int]], users: dict[str, int]) -> tuple[DayFigures, ...]:
    per_day: dict[str, Counter[str]] = {day: Counter() for day in users}
    for day, event, _intent, n in counts:
        per_day.setdefault(day, Counter())[event] += n
    known = ("answer", "safety", "clarify", "fallback", "button", "command")
    return tuple(
        DayFigures(day, users.get(day, 0), **{k: v for k, v in per_day[day].items() if k in known})
        for day in sorted(per_day)
    )


def _intents(counts: list[tuple[str, str, str, int]]) -> tuple[IntentFigures, ...]:
    typed: Counter[str] = Counter()
    buttons: Counter[str] = Counter()
    for _day, event, intent, n in counts:
        if not intent:
            continue
        if event in ("answer", "safety"):
            typed[intent] += n
        elif event == "button":
            buttons[intent] += n
    figures = [IntentFigures(i, typed[i], buttons[i]) for i in typed.keys() | buttons.keys()]
    return tuple(sorted(figures, key=lambda f: (-f.total, f.intent)))


def group_unmatched(
    rows: list[tuple[str, str | None]], similarity: float = SIMILARITY
) -> tuple[UnmatchedGroup, ...]:
    """Group similar (already scrubbed) messages, biggest group first.

    Greedy: the most frequent wording starts a group, and each following wording joins the
    group whose first wording it is most like, if at least `similarity` alike.
    """
    wordings: Counter[str] = Counter()  # normalised wording -> how many
    shown: dict[str, Counter[str]] = {}  # normalised wording -> the texts as written
    nearest_of: dict[str, Counter[str | None]] = {}
    for text, nearest in rows:
        key = normalise(text) or text
        wordings[key] += 1
        shown.setdefault(key, Counter())[text] += 1
        nearest_of.setdefault(key, Counter())[nearest] += 1
    heads: list[str] = []
    members: dict[str, list[str]] = {}
    for key, _n in wordings.most_common():
        found = process.extractOne(
            key, heads, scorer=fuzz.token_sort_ratio, score_cutoff=similarity
        )
        if found is None:
            heads.append(key)
            members[key] = [key]
        else:
            members[found[0]].append(key)
    groups = []
    for head in heads:
        keys = members[head]
        near: Counter[str | None] = Counter()
        for key in keys:
            near.update(nearest_of[key])
        texts = [shown[key].most_common(1)[0][0] for key in keys]
        count = sum(wordings[key] for key in keys)
        groups.append(UnmatchedGroup(texts[0], count, near.most_common(1)[0][0], tuple(texts[1:])))
    return tuple(sorted(groups, key=lambda g: -g.count))


def format_report(report: UsageReport, top: int = 15, unmatched: int = 15) -> list[str]:
    """The report as plain text lines, for the terminal and for /stats."""
    total = report.total
    lines = [
        f"Analytics {report.first_day} to {report.last_day} (UK days)",
        f"messages: {total.messages}  answered: {total.answer}  safety: {total.safety}  "
        f"button presses: {total.button}",
        f"fallback rate: {rate(total.fallback, total.messages):.1%}  "
        f"clarification rate: {rate(total.clarify, total.messages):.1%}",
        "",
        "per day: day  people  messages  fallback  clarify  buttons",
    ]
    for d in report.days:
        lines.append(
            f"  {d.day}  {d.users:6}  {d.messages:8}  {rate(d.fallback, d.messages):7.1%}  "
            f"{rate(d.clarify, d.messages):7.1%}  {d.button:7}"
        )
    lines += [
        "",
        f"top intents (typed + buttons), {min(top, len(report.intents))} of {len(report.intents)}:",
    ]
    for f in report.intents[:top]:
        lines.append(f"  {f.total:6}  {f.intent}  ({f.typed} typed, {f.buttons} buttons)")
    if report.unmatched:
        lines += ["", "unmatched messages (scrubbed), grouped; add the common ones as examples:"]
        for g in report.unmatched[:unmatched]:
            lines.append(f"  {g.count:4}x  {g.text!r}  -> nearest: {g.nearest or '-'}")
            lines.extend(f"          also: {v!r}" for v in g.variants[:3])
    return lines
