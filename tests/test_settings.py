"""bot/core/settings.py: a bad setting is named with a short start of its value, never the whole of
it, never any of a secret, and never with a traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.analytics.store import SqliteAnalytics
from bot.cli.args import EXIT_USAGE
from bot.cli.main import main
from bot.core.settings import MAX_SETTING_CHARS, Settings, excerpt, explain

HUGE = "9" * 30 + "x" * 5_000_000  # the 50 MB of the issue, scaled down to keep tests quick


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("admin_user_ids", HUGE),
        ("admin_user_ids", "12, bob"),
        ("log_level", HUGE),
        ("log_level", "loud"),
        ("webhook_port", HUGE),
        ("context_minutes", HUGE),
        ("analytics_enabled", HUGE),
        ("database_path", HUGE),
        ("services_file", HUGE),
        ("telegram_api_root", HUGE),
    ],
)
def test_a_bad_value_is_named_and_only_its_start_is_shown(name: str, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **{name: value})  # type: ignore[call-arg]
    [line] = explain(caught.value)
    assert line.startswith(f"setting {name.upper()}: ")
    assert len(line) < 300
    assert value[:20] in line
    assert len(str(caught.value)) < 1_000  # pydantic's own text does not quote it either


@pytest.mark.parametrize("name", ["telegram_bot_token", "webhook_secret"])
def test_nothing_of_a_secret_is_shown(name: str) -> None:
    secret = "S3cretValue" * 100
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **{name: secret})  # type: ignore[call-arg]
    assert "S3cret" not in "\n".join(explain(caught.value))
    assert "S3cret" not in str(caught.value)


def test_good_values_still_read() -> None:
    settings = Settings(
        _env_file=None,
        log_level=" debug ",
        admin_user_ids="1, 2 3",  # type: ignore[call-arg]
        webhook_url="",
    )
    assert settings.log_level == "DEBUG"
    assert settings.admin_user_ids == frozenset({1, 2, 3})
    assert settings.webhook_url is None


def test_excerpt() -> None:
    assert excerpt("short") == "'short'"
    assert excerpt("x" * 1000, 5) == "'xxxxx'... (1,000 characters)"


def test_the_cli_names_the_setting_without_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"DATABASE_PATH={HUGE}\n")
    assert main(["report"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "setting DATABASE_PATH: too long" in err
    assert "Traceback" not in err
    assert len(err) < 500


def test_a_database_path_that_cannot_be_used_is_not_quoted_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / ("d" * (MAX_SETTING_CHARS - 100))  # too long a name for the file system
    analytics = SqliteAnalytics(path).start()
    with caplog.at_level(logging.WARNING):
        analytics.record("answer", "thanks", None)
        assert not analytics.flush(timeout=5)
        analytics.close()
    assert "File name too long" in caplog.text
    assert "ddddd" not in caplog.text
