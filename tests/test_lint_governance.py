"""Sources, review dates, Telegram length, follow-ups and unchecked phone numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lint_fixtures import TODAY, intent_block, write_library

from bot.content.governance import months_between
from bot.content.lint import LintOptions, lint_library
from bot.content.phone_numbers import canonical, find_numbers

QUICK = LintOptions(confusion=False, corpus=False)


def _problems(tmp_path: Path, *blocks: str, options: LintOptions = QUICK) -> list[str]:
    return [str(p) for p in lint_library(write_library(tmp_path, *blocks), options).problems]


def test_an_intent_with_no_sources_warns_on_its_line(tmp_path: Path) -> None:
    found = _problems(tmp_path, intent_block("nosource", "Hello.\n", sources=""))
    assert len(found) == 1
    assert "things.yaml:4: warning: 'nosource' has no sources" in found[0]


def test_review_older_than_the_limit_warns_on_the_reviewed_line(tmp_path: Path) -> None:
    block = intent_block("old", "Hello.\n", reviewed="2025-03-01")
    today = dt.date(2026, 3, 1)
    options = LintOptions(confusion=False, corpus=False, today=today)
    found = _problems(tmp_path, block, options=options)
    stale = [p for p in found if "'old' was last reviewed" in p]
    assert len(stale) == 1
    assert "things.yaml:11: warning: 'old' was last reviewed 12 months ago" in stale[0]
    loose = LintOptions(confusion=False, corpus=False, today=today, max_age_months=13)
    assert not [p for p in _problems(tmp_path, block, options=loose) if "'old' was" in p]


def test_review_within_the_limit_is_fine(tmp_path: Path) -> None:
    block = intent_block("fresh", "Hello.\n", reviewed="2025-03-02")
    options = LintOptions(confusion=False, corpus=False, today=dt.date(2026, 3, 1))
    assert not [p for p in _problems(tmp_path, block, options=options) if "'fresh'" in p]


def test_months_between_counts_whole_months() -> None:
    assert months_between(dt.date(2025, 11, 25), dt.date(2026, 11, 24)) == 11
    assert months_between(dt.date(2025, 11, 25), dt.date(2026, 11, 25)) == 12


def test_an_answer_too_long_for_one_telegram_message_is_an_error(tmp_path: Path) -> None:
    line = "Call 999." * 40  # 360 characters
    long_answer = "\n".join(line for _ in range(12))  # 12 * 360 + 11 newlines = 4331
    found = _problems(tmp_path, intent_block("long", long_answer + "\n"))
    assert any("things.yaml:8: error: the answer of 'long' has 4331 characters" in p for p in found)
    fits = "\n".join(line for _ in range(11))
    assert not [p for p in _problems(tmp_path / "b", intent_block("ok", fits)) if "characters" in p]


def test_a_follow_up_to_a_missing_intent_is_reported(tmp_path: Path) -> None:
    block = intent_block("lost", "Hello.\n", extra="follow_ups: [no_such_intent]")
    result = lint_library(write_library(tmp_path, block), QUICK)
    assert result.library is None
    assert any(
        "follow-up 'no_such_intent' of 'lost' names no intent" in str(p) for p in result.errors
    )


def test_numbers_are_recognised_in_the_ways_uk_services_write_them() -> None:
    text = (
        "Call 999 or 112. Call NHS 111. Samaritans listen on 116 123. Text SHOUT to 85258. "
        "Ring 0300 123 6600 or 0808 800 4444, or +44 7700 900123. Textphone 020-7089-6221."
    )
    assert [n.text for n in find_numbers(text)] == [
        "999",
        "112",
        "111",
        "116 123",
        "85258",
        "0300 123 6600",
        "0808 800 4444",
        "+44 7700 900123",
        "020-7089-6221",
    ]
    assert canonical("+44 7700 900123") == "07700900123"


def test_figures_that_are_not_phone_numbers_are_left_alone() -> None:
    text = (
        "It lasts 20 to 30 minutes. Over 90% are cured in 8 to 12 weeks. In 2025, 100 people "
        "came. Take 400mg. Step 1: call for help."
    )
    assert find_numbers(text) == []


def test_an_unchecked_number_is_an_error_on_its_line(tmp_path: Path) -> None:
    answer = "Call 999 now.\nOr ring 0800 77 66 00 for advice.\n"
    found = _problems(tmp_path, intent_block("numbers", answer))
    assert len(found) == 1
    assert (
        "things.yaml:10: error: the answer of 'numbers' gives the number 0800 77 66 00"
        in (found[0])
    )


def test_an_unchecked_number_in_a_title_is_an_error_on_the_title_line(tmp_path: Path) -> None:
    found = _problems(tmp_path, intent_block("numbers", "Call 999.\n", title="Ring 0800 77 66 00"))
    assert len(found) == 1
    assert "things.yaml:5: error: the title of 'numbers' gives the number 0800 77 66 00" in found[0]


def test_a_checked_number_written_differently_is_fine(tmp_path: Path) -> None:
    answer = "Call FRANK on 03001236600. Text 82111. Call Samaritans on 116-123.\n"
    assert _problems(tmp_path, intent_block("numbers", answer)) == []


def test_a_number_checked_long_ago_warns(tmp_path: Path) -> None:
    directory = write_library(tmp_path, intent_block("numbers", "Call 999 now.\n"))
    listed = directory / "staff" / "checked_numbers.yaml"
    listed.write_text(
        "version: 1\nnumbers:\n"
        f'  - number: "999"\n    name: Emergency\n    checked: {TODAY}\n'
        f'  - number: "116 123"\n    name: Samaritans\n    checked: {TODAY}\n'
        '  - number: "111"\n    name: NHS 111\n    checked: 2020-01-01\n'
    )
    found = [str(p) for p in lint_library(directory, QUICK).problems]
    assert len(found) == 1
    assert "checked_numbers.yaml:9: warning: the number 111 (NHS 111) was last checked" in found[0]
