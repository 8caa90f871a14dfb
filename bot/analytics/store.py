"""Anonymous daily counts in SQLite, written by a background thread so answering never waits.

What the database holds, and nothing else (see README "What we keep"):

* daily_counts: per UK day, how often each event (answer, safety, clarify, fallback, button,
  command) happened for each intent id;
* daily_users: per UK day, how many different people wrote;
* unmatched: only with STORE_UNMATCHED=1, the scrubbed text of messages that got the fallback,
  with the nearest intent and the day, deleted after `unmatched_retention_days`.

Counting different people without keeping anyone's id: each Telegram user id becomes
HMAC-SHA256(day key, id). The day key is random, made in memory when the day starts, never
written anywhere, and thrown away when the day ends. The day's set of hashes also lives only in
memory; the database gets only how many new ones there were. So the file holds no id and no hash,
and once the day is over nothing, not even this process, can tell whose hash was whose. The price
is that a restart during a day starts a new key and a new set: a person who writes both before
and after a restart counts twice that day, so the figure is an upper bound.

Storing the keyed hashes in the database instead would survive restarts, but would put one row
per person on disk that, while the process runs, anyone able to read its memory could match
against all ten-digit ids; an in-memory set gives the count with nothing per person on disk.

record() only puts a tuple on a bounded queue (about a microsecond: bench/bench_analytics.py).
If the queue is full the event is dropped and counted. If the database is locked, full or
missing, the thread logs it (never user data), keeps the counts in memory and tries again at the
next write; unmatched messages waiting to be written are capped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import queue
import re
import secrets
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from ..core.hub import Analytics, NoAnalytics
from ..core.settings import Settings
from .scrub import scrub

log = logging.getLogger(__name__)
UK = ZoneInfo("Europe/London")

EVENTS = frozenset({"answer", "safety", "clarify", "fallback", "button", "command"})
# What may be stored as an intent: the shape of an intent id (or a command name). Anything else
# is stored as "other", so a caller's mistake can never put user text in the database.
_INTENT_SHAPE = re.compile(r"_?[a-z][a-z0-9_]{0,39}")
OTHER = "other"
NONE = ""  # no intent (clarify, fallback)
UNMATCHED_MAX_CHARS = 500
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS daily_counts (
    day TEXT NOT NULL,
    event TEXT NOT NULL,
    intent TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, event, intent)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS daily_users (
    day TEXT PRIMARY KEY,
    users INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS unmatched (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    text TEXT NOT NULL,
    nearest TEXT
);
CREATE INDEX IF NOT EXISTS unmatched_by_day ON unmatched (day);
"""


def day_of(timestamp: float) -> str:
    """The UK calendar day (Europe/London, so it follows summer time) of a Unix time."""
    return dt.datetime.fromtimestamp(timestamp, UK).date().isoformat()


def clean_intent(intent: str | None) -> str:
    if intent is None:
        return NONE
    return intent if _INTENT_SHAPE.fullmatch(intent) else OTHER


def connect(path: Path, timeout: float = 1.0) -> sqlite3.Connection:
    """Open (creating if needed) the analytics database, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Create the file 0600 before SQLite does (SQLite gives -wal and -shm the same mode).
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    conn = sqlite3.connect(path, timeout=timeout)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA secure_delete=ON")  # purged text is overwritten, not left in free pages
    with conn:
        conn.executescript(SCHEMA)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    return conn


def purge_unmatched(conn: sqlite3.Connection, today: str, retention_days: int) -> int:
    """Delete unmatched messages older than `retention_days`; returns how many went."""
    cutoff = (dt.date.fromisoformat(today) - dt.timedelta(days=retention_days)).isoformat()
    with conn:
        deleted = conn.execute("DELETE FROM unmatched WHERE day <= ?", (cutoff,)).rowcount
    if deleted:
        # The old pages could still sit in the write-ahead log: copy it back and empty it.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return deleted


@dataclass
class _DayUsers:
    """The day's key and the set of keyed hashes seen: memory only, replaced every day."""

    day: str = ""
    key: bytes = b""
    seen: set[bytes] = field(default_factory=set)

    def is_new(self, day: str, user_id: int) -> bool:
        if day != self.day:
            if day < self.day:
                return False  # queued before midnight and seen after it: already counted
            self.day, self.key, self.seen = day, secrets.token_bytes(32), set()
        digest = hmac.new(self.key, str(user_id).encode(), hashlib.sha256).digest()[:16]
        if digest in self.seen:
            return False
        self.seen.add(digest)
        return True


@dataclass
class _Pending:
    """Counts not yet in the database (kept across failed writes)."""

    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    users: Counter[str] = field(default_factory=Counter)
    unmatched: list[tuple[str, str, str | None]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.counts or self.users or self.unmatched)


class _Event(NamedTuple):
    at: float
    event: str
    intent: str | None
    user_id: int | None


class _Text(NamedTuple):
    at: float
    text: str
    nearest: str | None


class _Flush:
    def __init__(self) -> None:
        self.done = threading.Event()


_STOP = object()


class SqliteAnalytics:
    """The Analytics of bot/core/hub.py, kept in SQLite. Call start() once and close() at the
    end."""

    def __init__(
        self,
        path: Path,
        *,
        store_unmatched: bool = False,
        retention_days: int = 30,
        queue_size: int = 10_000,
        write_seconds: float = 1.0,
        max_pending_unmatched: int = 1_000,
        busy_timeout: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.store_unmatched = store_unmatched
        self.retention_days = retention_days
        self.write_seconds = write_seconds
        self.max_pending_unmatched = max_pending_unmatched
        self.busy_timeout = busy_timeout
        self.clock = clock
        self.dropped = 0  # events lost to a full queue or a full unmatched backlog
        self.failed_writes = 0
        self._queue: queue.Queue[object] = queue.Queue(maxsize=queue_size)
        self._thread = threading.Thread(target=self._run, name="analytics", daemon=True)
        self._conn: sqlite3.Connection | None = None
        self._pending = _Pending()
        self._users = _DayUsers()
        self._purged_on = ""
        self._failing = False
        self._dropped_logged = 0

    # ------------------------------------------------------------ the caller's side (cheap)
    def record(self, event: str, intent: str | None, user_id: int | None) -> None:
        try:
            self._queue.put_nowait(_Event(self.clock(), event, intent, user_id))
        except queue.Full:
            self.dropped += 1

    def record_unmatched(self, text: str, nearest: str | None) -> None:
        if not self.store_unmatched:
            return
        try:
            self._queue.put_nowait(_Text(self.clock(), text, nearest))
        except queue.Full:
            self.dropped += 1

    def start(self) -> SqliteAnalytics:
        self._thread.start()
        return self

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything recorded so far has been written (or the write failed)."""
        marker = _Flush()
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        return marker.done.wait(timeout) and not self._pending

    def close(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=timeout)
            except queue.Full:
                log.warning("analytics: queue full at shutdown; the last counts are lost")
                return
            self._thread.join(timeout)

    # ------------------------------------------------------------ the thread's side
    def _run(self) -> None:
        next_write = time.monotonic() + self.write_seconds
        self._maintain()
        while True:
            # Wake at least hourly so the daily purge happens on a quiet day too.
            wait = max(0.0, next_write - time.monotonic()) if self._pending else 3600.0
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                item = None
            if item is _STOP:
                self._write()
                break
            if isinstance(item, _Flush):
                self._write()
                item.done.set()
                continue
            if isinstance(item, (_Event, _Text)):
                self._take(item)
            if self._pending and time.monotonic() >= next_write:
                self._write()
                next_write = time.monotonic() + self.write_seconds
            if item is None:
                self._maintain()
        if self._conn is not None:
            self._conn.close()

    def _take(self, item: _Event | _Text) -> None:
        day = day_of(item.at)
        if isinstance(item, _Event):
            event = item.event if item.event in EVENTS else OTHER
            self._pending.counts[(day, event, clean_intent(item.intent))] += 1
            if isinstance(item.user_id, int) and self._users.is_new(day, item.user_id):
                self._pending.users[day] += 1
            return
        if len(self._pending.unmatched) >= self.max_pending_unmatched:
            self.dropped += 1
            return
        text = scrub(item.text, limit=UNMATCHED_MAX_CHARS).strip()
        if not any(c.isalnum() for c in text):
            return  # nothing left worth reading (only spaces, punctuation or emoji)
        nearest = clean_intent(item.nearest) if item.nearest else None
        self._pending.unmatched.append((day, text, nearest))

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.path, self.busy_timeout)
        return self._conn

    def _maintain(self) -> None:
        """Purge expired unmatched messages, on start and then once a day."""
        today = day_of(self.clock())
        if today == self._purged_on:
            return
        try:
            purge_unmatched(self._open(), today, self.retention_days)
        except (sqlite3.Error, OSError) as exc:
            self._failed("purge", exc)
            return
        self._purged_on = today

    def _write(self) -> None:
        self._maintain()
        pending = self._pending
        if not pending:
            return
        try:
            conn = self._open()
            with conn:
                conn.executemany(
                    "INSERT INTO daily_counts (day, event, intent, count) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (day, event, intent) DO UPDATE SET count = count + excluded.count",
                    [(*key, n) for key, n in pending.counts.items()],
                )
                conn.executemany(
                    "INSERT INTO daily_users (day, users) VALUES (?, ?) "
                    "ON CONFLICT (day) DO UPDATE SET users = users + excluded.users",
                    list(pending.users.items()),
                )
                conn.executemany(
                    "INSERT INTO unmatched (day, text, nearest) VALUES (?, ?, ?)",
                    pending.unmatched,
                )
        except (sqlite3.Error, OSError) as exc:
            self._failed("write", exc)
            return
        self._pending = _Pending()
        if self.dropped > self._dropped_logged:
            log.warning("analytics: %d events dropped so far (queue full)", self.dropped)
            self._dropped_logged = self.dropped
        if self._failing:
            log.info("analytics: writing to the database again")
            self._failing = False

    def _failed(self, what: str, exc: BaseException) -> None:
        # SQLite's messages ("database is locked", "database or disk is full") carry no user
        # data: every value goes in as a parameter, never into the SQL text. An OSError's
        # message would quote the path (DATABASE_PATH, which could be anything): not that.
        self.failed_writes += 1
        if not self._failing:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            log.warning(
                "analytics: %s failed (%s: %s); counts kept in memory, will try again",
                what,
                type(exc).__name__,
                reason[:200],
            )
            self._failing = True
        if not isinstance(exc, sqlite3.OperationalError) and self._conn is not None:
            self._conn.close()  # reopen next time, in case the file was replaced or repaired
            self._conn = None


def from_settings(settings: Settings) -> Analytics:
    """Started SQLite analytics, or counting nothing when ANALYTICS_ENABLED=0.

    The caller should call .close() on a SqliteAnalytics at shutdown to write the last counts.
    """
    if not settings.analytics_enabled:
        return NoAnalytics()
    return SqliteAnalytics(
        settings.database_path,
        store_unmatched=settings.store_unmatched,
        retention_days=settings.unmatched_retention_days,
    ).start()
