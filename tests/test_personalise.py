"""Who runs the bot and what it keeps come from the settings, never from the library's wording."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import shipped_responder

from bot.cli.main import main
from bot.core.personalise import (
    GENERIC_RUNNER,
    KEEPS_NOTHING,
    UNMATCHED_KEPT,
    ServiceInfo,
    personalise,
    unmatched_note,
)
from bot.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def answer(intent: str, info: ServiceInfo) -> str:
    return personalise(shipped_responder().answer(intent), info).text


def test_about_names_the_service_and_its_contact() -> None:
    info = ServiceInfo("Leeds Drug and Alcohol Service", "call 0113 496 0000, weekdays 9 to 5")
    text = answer("about_bot", info)
    assert text.startswith(
        "Leeds Drug and Alcohol Service runs me. To contact them: "
        "call 0113 496 0000, weekdays 9 to 5"
    )
    assert GENERIC_RUNNER not in text


def test_about_without_settings_uses_the_generic_wording() -> None:
    assert answer("about_bot", ServiceInfo()).startswith(GENERIC_RUNNER)
    assert answer("about_bot", ServiceInfo(contact="call 0113 496 0000")).startswith(
        f"{GENERIC_RUNNER}\n\n"  # a contact with no name to go with it is not shown
    )
    assert "To contact them" not in answer("about_bot", ServiceInfo("Leeds Service"))


def test_privacy_by_default_says_nothing_written_is_kept() -> None:
    text = answer("privacy", ServiceInfo())
    assert text.startswith(f"{KEEPS_NOTHING}\n\n")
    assert "couldn't answer" not in text


def test_privacy_with_unmatched_kept_never_says_nothing_is_kept() -> None:
    text = answer("privacy", ServiceInfo(unmatched_days=14))
    assert text.startswith(UNMATCHED_KEPT.format(days=14))
    assert unmatched_note(14).endswith("Please don't type your name or address.")
    assert "kept for up to 14 days" in text
    assert "not keep what you write" not in text and "don't keep what you write" not in text
    assert "Telegram keeps this chat on its own servers" in text


def test_other_answers_are_left_alone() -> None:
    reply = shipped_responder().answer("naloxone_get")
    assert personalise(reply, ServiceInfo("Leeds Service", "call", 30)) is reply


def test_service_info_from_settings() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        service_name="  Leeds Service ",
        service_contact="",
        store_unmatched=True,
        unmatched_retention_days=7,
    )
    assert ServiceInfo.from_settings(settings) == ServiceInfo("Leeds Service", "", 7)
    off = Settings(_env_file=None, store_unmatched=False)  # type: ignore[call-arg]
    assert ServiceInfo.from_settings(off).unmatched_days is None


def test_terminal_chat_says_who_runs_the_bot(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cli_reuses_the_shipped_responder: None,
) -> None:
    monkeypatch.chdir(tmp_path)  # away from any developer's .env
    monkeypatch.delenv("SERVICES_FILE", raising=False)
    monkeypatch.setenv("SERVICE_NAME", "Example Recovery Service")
    monkeypatch.setenv("SERVICE_CONTACT", "ask at the front desk")
    monkeypatch.setattr("sys.stdin", io.StringIO("who runs this bot\n"))
    assert main(["chat", "--dir", str(REPO / "intents")]) == 0
    out = capsys.readouterr().out
    assert "bot> Example Recovery Service runs me. To contact them: ask at the front desk" in out
