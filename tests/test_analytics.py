"""bot/analytics/store.py on real SQLite files: what is counted, what is never kept, and
failures."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.analytics.store import UK, SqliteAnalytics, _Text, day_of, from_settings
from bot.core.hub import NoAnalytics
from bot.core.settings import Settings

# Noon in London on two days (times of day far from midnight, so no test depends on the hour).
DAY1 = dt.datetime(2026, 3, 10, 12, tzinfo=UK).timestamp()
DAY2 = dt.datetime(2026, 3, 11, 12, tzinfo=UK).timestamp()
ALICE, BOB, CAROL = 5_123_456_789, 6_987_654_321, 7_555_000_111


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(DAY1)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "folder" / "hrbot.sqlite3"


@pytest.fixture
def analytics(db: Path, clock: Clock) -> Iterator[SqliteAnalytics]:
    a = SqliteAnalytics(db, store_unmatched=True, clock=clock, busy_timeout=0.05).start()
    yield a
    a.close()


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_database_is_created_on_first_run_in_wal_mode_for_the_owner_only(
    analytics: SqliteAnalytics, db: Path
) -> None:
    assert analytics.flush()
    assert db.is_file()
    assert rows(db, "PRAGMA journal_mode") == [("wal",)]
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    tables = {name for (name,) in rows(db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"daily_counts", "daily_users", "unmatched"}


def test_counts_per_day_event_and_intent(analytics: SqliteAnalytics, db: Path) -> None:
    for event, intent, user in [
        ("answer", "naloxone_get", ALICE),
        ("answer", "naloxone_get", BOB),
        ("answer", "hepc_testing", ALICE),
        ("safety", "overdose_emergency", CAROL),
        ("clarify", None, BOB),
        ("fallback", None, ALICE),
        ("fallback", None, CAROL),
        ("button", "naloxone_use", ALICE),
        ("command", "start", BOB),
    ]:
        analytics.record(event, intent, user)
    assert analytics.flush()
    assert sorted(rows(db, "SELECT event, intent, count FROM daily_counts")) == [
        ("answer", "hepc_testing", 1),
        ("answer", "naloxone_get", 2),
        ("button", "naloxone_use", 1),
        ("clarify", "", 1),
        ("command", "start", 1),
        ("fallback", "", 2),
        ("safety", "overdose_emergency", 1),
    ]
    assert rows(db, "SELECT day, users FROM daily_users") == [("2026-03-10", 3)]


def test_distinct_people_per_day_without_keeping_ids_or_hashes(
    analytics: SqliteAnalytics, db: Path, clock: Clock
) -> None:
    for _ in range(3):
        analytics.record("answer", "greeting", ALICE)
    analytics.record("answer", "greeting", BOB)
    analytics.record("answer", "greeting", None)  # no user (e.g. a channel post): not a person
    assert analytics.flush()
    clock.now = DAY2
    analytics.record("answer", "thanks", ALICE)  # a new day: Alice counts again
    assert analytics.flush()
    assert rows(db, "SELECT day, users FROM daily_users ORDER BY day") == [
        ("2026-03-10", 2),
        ("2026-03-11", 1),
    ]
    # Writes go on in the same process; the counts add up across writes.
    analytics.record("answer", "thanks", CAROL)
    analytics.record("answer", "thanks", ALICE)
    assert analytics.flush()
    assert rows(db, "SELECT users FROM daily_users WHERE day = '2026-03-11'") == [(2,)]
    analytics.close()
    stored = all_bytes(db.parent)
    for user in (ALICE, BOB, CAROL):
        assert str(user).encode() not in stored
        assert user.to_bytes(8, "big") not in stored
        assert user.to_bytes(8, "little") not in stored
    columns = {
        row[1]
        for t in ("daily_counts", "daily_users", "unmatched")
        for row in rows(db, f"PRAGMA table_info({t})")
    }
    assert columns == {"day", "event", "intent", "count", "users", "id", "text", "nearest"}


def test_the_day_key_is_new_each_day(analytics: SqliteAnalytics, clock: Clock) -> None:
    analytics.record("answer", "greeting", ALICE)
    assert analytics.flush()
    first = analytics._users.key
    clock.now = DAY2
    analytics.record("answer", "greeting", ALICE)
    assert analytics.flush()
    assert analytics._users.key != first
    assert len(analytics._users.seen) == 1


def test_anything_not_shaped_like_an_intent_is_stored_as_other(
    analytics: SqliteAnalytics, db: Path
) -> None:
    analytics.record("command", "Call me 07700900123", ALICE)
    analytics.record("whatever happened", "greeting", ALICE)
    assert analytics.flush()
    assert sorted(rows(db, "SELECT event, intent FROM daily_counts")) == [
        ("command", "other"),
        ("other", "greeting"),
    ]
    assert b"07700900123" not in all_bytes(db.parent)


def test_unmatched_is_scrubbed_and_kept_with_its_nearest_intent(
    analytics: SqliteAnalytics, db: Path
) -> None:
    analytics.record_unmatched("can u text me on 07700 900123 or jo@example.com", "talk_to_someone")
    analytics.record_unmatched("x" * 2000 + " 07700 900123", None)
    assert analytics.flush()
    kept = rows(db, "SELECT day, text, nearest FROM unmatched ORDER BY id")
    assert kept[0] == ("2026-03-10", "can u text me on [phone] or [email]", "talk_to_someone")
    assert kept[1] == ("2026-03-10", "x" * 500, None)
    assert b"900123" not in all_bytes(db.parent)


def test_no_empty_rows_in_the_unmatched_table(analytics: SqliteAnalytics, db: Path) -> None:
    for text in ["", "   ", "\u200b\u2060", "😀😀😀", "???", "\n\t", "07700 " * 1000]:
        analytics.record_unmatched(text, None)
    analytics.record_unmatched("  07700 900123  ", None)  # only a number, but a question's shape
    assert analytics.flush()
    assert rows(db, "SELECT text FROM unmatched") == [("[phone]",)]


def test_unmatched_is_not_kept_unless_asked_for(db: Path, clock: Clock) -> None:
    analytics = SqliteAnalytics(db, clock=clock).start()
    analytics.record_unmatched("where can I buy a unicorn", "drug_supply_request")
    analytics.record("fallback", None, ALICE)
    assert analytics.flush()
    analytics.close()
    assert rows(db, "SELECT count(*) FROM unmatched") == [(0,)]
    assert b"unicorn" not in all_bytes(db.parent)


def test_old_unmatched_messages_are_purged_on_start(db: Path) -> None:
    today = dt.datetime(2026, 6, 1, 12, tzinfo=UK).timestamp()
    old = SqliteAnalytics(db, store_unmatched=True, clock=Clock(today - 31 * 86400)).start()
    old.record_unmatched("thirty one days old", None)
    old.clock = Clock(today - 29 * 86400)
    old.record_unmatched("twenty nine days old", None)
    assert old.flush()
    old.close()
    assert rows(db, "SELECT count(*) FROM unmatched") == [(2,)]

    new = SqliteAnalytics(db, store_unmatched=True, retention_days=30, clock=Clock(today)).start()
    assert new.flush()
    new.close()
    assert rows(db, "SELECT text FROM unmatched") == [("twenty nine days old",)]
    assert b"thirty one days old" not in all_bytes(db.parent)


def test_old_unmatched_messages_are_purged_daily_while_running(
    analytics: SqliteAnalytics, db: Path, clock: Clock
) -> None:
    # Kept on the 29th day after the day it came; gone on the 30th: never more than 30 days.
    analytics.record_unmatched("kept for thirty days", "greeting")
    assert analytics.flush()
    clock.now = DAY1 + 29 * 86400
    assert analytics.flush()
    assert rows(db, "SELECT count(*) FROM unmatched") == [(1,)]
    clock.now = DAY1 + 30 * 86400
    assert analytics.flush()
    assert rows(db, "SELECT count(*) FROM unmatched") == [(0,)]
    # Not left behind in free pages or in the write-ahead log either (checked while running).
    assert b"kept for thirty days" not in all_bytes(db.parent)


def test_a_locked_database_is_logged_and_the_counts_wait(
    analytics: SqliteAnalytics, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert analytics.flush()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for _ in range(50):
            analytics.record("answer", "naloxone_get", ALICE)  # never raises, never waits
        analytics.record_unmatched("LOCKED-MARKER 07700 900123", None)
        assert not analytics.flush()  # tried, could not write, kept the counts
        assert analytics.failed_writes >= 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert analytics.flush()
    assert rows(db, "SELECT count FROM daily_counts") == [(50,)]
    assert rows(db, "SELECT text FROM unmatched") == [("LOCKED-MARKER [phone]",)]
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.analytics.store"]
    assert any("database is locked" in m for m in warnings)
    assert not any("MARKER" in m or str(ALICE) in m or "naloxone" in m for m in warnings)


def test_a_file_that_is_not_a_database_never_breaks_recording(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database at all" * 100)
    analytics = SqliteAnalytics(bad).start()
    analytics.record("answer", "greeting", ALICE)
    assert not analytics.flush()
    analytics.close()
    assert any("not a database" in r.getMessage() for r in caplog.records)


def test_a_full_queue_drops_events_without_raising(db: Path) -> None:
    analytics = SqliteAnalytics(db, queue_size=3)  # not started: nothing drains the queue
    for _ in range(10):
        analytics.record("answer", "greeting", ALICE)
    analytics.record_unmatched("text", None)  # store_unmatched is off: not even queued
    assert analytics.dropped == 7


def test_a_capped_backlog_of_unmatched_messages(db: Path) -> None:
    analytics = SqliteAnalytics(db, store_unmatched=True, max_pending_unmatched=2)
    for n in range(4):
        analytics._take(_Text(DAY1, f"message {n}", None))  # as the thread would, while failing
    assert len(analytics._pending.unmatched) == 2
    assert analytics.dropped == 2


def test_days_are_uk_days() -> None:
    # 23:30 UTC on a summer day is already the next day in London.
    summer = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC).timestamp()
    assert day_of(summer) == "2026-07-02"
    winter = dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.UTC).timestamp()
    assert day_of(winter) == "2026-01-01"


def test_from_settings(tmp_path: Path) -> None:
    off = from_settings(Settings(_env_file=None, analytics_enabled=False))  # type: ignore[call-arg]
    assert isinstance(off, NoAnalytics)
    on = from_settings(
        Settings(
            _env_file=None,
            database_path=tmp_path / "a.sqlite3",
            store_unmatched=True,  # type: ignore[call-arg]
            unmatched_retention_days=7,
        )
    )
    assert isinstance(on, SqliteAnalytics)
    assert (on.store_unmatched, on.retention_days) == (True, 7)
    assert on.flush()
    on.close()
    assert (tmp_path / "a.sqlite3").is_file()
