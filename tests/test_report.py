"""bot/analytics/report.py and `hrbot report`, read from a real database written by
SqliteAnalytics."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

import pytest

from bot.analytics.report import group_unmatched, read_report
from bot.analytics.store import UK, SqliteAnalytics, day_of
from bot.cli.main import main

DAY = 86400
USERS = range(1_000_000_001, 1_000_000_011)


def noon(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=UK).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def fill(db: Path, today: dt.date) -> None:
    """Three days of traffic (ten days ago, yesterday, today), with known figures."""
    clock = Clock(noon(today - dt.timedelta(days=10)))  # outside a 7-day report
    analytics = SqliteAnalytics(db, store_unmatched=True, clock=clock).start()
    analytics.record("answer", "goodbye", USERS[0])
    analytics.record_unmatched("an old message nobody asked again", None)
    clock.now = noon(today - dt.timedelta(days=1))  # yesterday: 2 people, 4 messages
    for user in USERS[:2]:
        analytics.record("answer", "greeting", user)
        analytics.record("fallback", None, user)
    clock.now = noon(today)
    for n, user in enumerate(USERS):  # today: 10 people, 20 messages
        analytics.record("answer", "naloxone_get", user)
        analytics.record("answer" if n < 6 else "fallback", "hepc_testing" if n < 6 else None, user)
    analytics.record("clarify", None, USERS[0])
    analytics.record("clarify", None, USERS[0])
    analytics.record("safety", "overdose_emergency", USERS[1])
    analytics.record("button", "naloxone_use", USERS[0])
    analytics.record("button", "naloxone_use", USERS[2])
    analytics.record("button", "hepc_testing", USERS[2])
    for text in (
        "can I text you on 07700 900123",
        "can i text u on 07700 900456",
        "Can I text you on 07700 900789?",
    ):
        analytics.record_unmatched(text, "talk_to_someone")
    analytics.record_unmatched("what's the weather like", "greeting")
    analytics.record_unmatched("whats the weather like", None)
    analytics.record_unmatched("do you sell trainers", "drug_supply_request")
    assert analytics.flush()
    analytics.close()


TODAY = dt.date(2026, 4, 20)


def test_read_report_figures(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    fill(db, TODAY)
    report = read_report(db, days=7, today=TODAY)
    assert (report.first_day, report.last_day) == ("2026-04-14", "2026-04-20")
    assert [(d.day, d.users, d.messages, d.fallback, d.clarify, d.button) for d in report.days] == [
        ("2026-04-19", 2, 4, 2, 0, 0),
        ("2026-04-20", 10, 23, 4, 2, 3),
    ]
    total = report.total
    assert (total.messages, total.answer, total.safety, total.fallback) == (27, 18, 1, 6)
    assert [(f.intent, f.typed, f.buttons) for f in report.intents] == [
        ("naloxone_get", 10, 0),
        ("hepc_testing", 6, 1),
        ("greeting", 2, 0),
        ("naloxone_use", 0, 2),
        ("overdose_emergency", 1, 0),
    ]
    assert [(g.text, g.count, g.nearest) for g in report.unmatched] == [
        ("can I text you on [phone]", 3, "talk_to_someone"),
        ("what's the weather like", 2, "greeting"),
        ("do you sell trainers", 1, "drug_supply_request"),
    ]
    assert report.unmatched[0].variants == ()  # all three read the same once normalised


def test_a_longer_report_reaches_further_back(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    fill(db, TODAY)
    report = read_report(db, days=11, today=TODAY)
    assert [d.day for d in report.days] == ["2026-04-10", "2026-04-19", "2026-04-20"]
    assert "an old message nobody asked again" in [g.text for g in report.unmatched]


def test_grouping_keeps_different_questions_apart() -> None:
    groups = group_unmatched(
        [
            ("where can i get a tattoo", "needle_exchange_where"),
            ("where can i get a tattoo done", "needle_exchange_where"),
            ("is it ok to mix coke and weed", "drug_mixing"),
            ("how do i renew my passport", None),
            ("where can i get a tattoo", None),
        ]
    )
    assert [(g.text, g.count, g.nearest) for g in groups] == [
        ("where can i get a tattoo", 3, "needle_exchange_where"),
        ("is it ok to mix coke and weed", 1, "drug_mixing"),
        ("how do i renew my passport", 1, None),
    ]
    assert groups[0].variants == ("where can i get a tattoo done",)
    assert group_unmatched([]) == ()


def test_report_never_writes_to_the_database(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    fill(db, TODAY)
    before = db.read_bytes()
    read_report(db, days=7, today=TODAY)
    assert db.read_bytes() == before
    wal = tmp_path / "a.sqlite3-wal"  # a read-only reader may leave an empty log behind
    assert not wal.exists() or wal.stat().st_size == 0


def test_hrbot_report_prints_and_writes_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "a.sqlite3"
    today = dt.date.fromisoformat(day_of(time.time()))
    fill(db, today)
    out_csv = tmp_path / "daily.csv"
    assert main(["report", "--db", str(db), "--days", "7", "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "messages: 27" in out
    assert "fallback rate: 22.2%" in out  # 6 of 27
    assert "clarification rate: 7.4%" in out  # 2 of 27
    assert "10  naloxone_get  (10 typed, 0 buttons)" in out
    assert "3x  'can I text you on [phone]'  -> nearest: talk_to_someone" in out
    assert "900123" not in out
    with out_csv.open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [(r["day"], r["people"], r["messages"], r["fallback_rate"]) for r in table] == [
        ((today - dt.timedelta(days=1)).isoformat(), "2", "4", "0.5000"),
        (today.isoformat(), "10", "23", "0.1739"),
    ]


def test_hrbot_report_reads_the_database_path_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "from_env.sqlite3"
    fill(db, dt.date.fromisoformat(day_of(time.time())))
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_PATH", str(db))
    assert main(["report"]) == 0
    assert "messages: 27" in capsys.readouterr().out


def test_hrbot_report_without_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", str(tmp_path / "none.sqlite3")]) == 1
    assert "No analytics database" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists()


def test_hrbot_report_on_a_file_that_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("hello" * 100)
    assert main(["report", "--db", str(bad)]) == 1
    assert "Could not read" in capsys.readouterr().err


def test_hrbot_report_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--days", "0"])
    assert exit_.value.code == 2
    assert "must be 1 or more" in capsys.readouterr().err


def test_report_on_an_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.sqlite3"
    analytics = SqliteAnalytics(db).start()
    assert analytics.flush()
    analytics.close()
    assert main(["report", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "messages: 0" in out and "fallback rate: 0.0%" in out
