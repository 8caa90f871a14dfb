"""The small pure parts of the Telegram adapter: splitting, callback data, memory, log hiding."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import bot_settings
from fake_bot_api import FakeBotApi
from telegram.constants import MessageLimit

from bot.core.hub import Hub
from bot.core.library import Library
from bot.core.message_length import MAX_MESSAGE_LENGTH, telegram_length
from bot.telegram import keyboards, privacy
from bot.telegram.app import build_application, webhook_options
from bot.telegram.botdata import BotData
from bot.telegram.handlers import _mostly_not_latin, _without_mention
from bot.telegram.logs import HIDDEN, HideArguments
from bot.telegram.memory import ChatMemory
from bot.telegram.send import split_message


def test_split_prefers_paragraphs_then_lines_then_spaces() -> None:
    assert split_message("short") == ["short"]
    paragraphs = "\n\n".join(["a" * 30] * 5)
    assert split_message(paragraphs, 70) == ["\n\n".join(["a" * 30] * 2)] * 2 + ["a" * 30]
    lines = "\n".join(["b" * 30] * 3)
    assert split_message(lines, 70) == ["b" * 30 + "\n" + "b" * 30, "b" * 30]
    words = " ".join(["c" * 9] * 10)
    assert all(len(p) <= 25 for p in split_message(words, 25))
    assert " ".join(split_message(words, 25)) == words
    assert split_message("d" * 50, 20) == ["d" * 20, "d" * 20, "d" * 10]


def test_split_counts_utf16_and_never_halves_an_emoji() -> None:
    text = "🙂" * 3000  # 6000 UTF-16 units
    parts = split_message(text)
    assert all(telegram_length(p) <= 4096 for p in parts)
    assert "".join(parts) == text


def test_the_message_limit_lint_and_the_adapter_share_is_the_bot_apis() -> None:
    assert MAX_MESSAGE_LENGTH == MessageLimit.MAX_TEXT_LENGTH


@pytest.mark.parametrize(
    ("data", "press"),
    [
        ("a:naloxone_what", keyboards.Press("a", "naloxone_what")),
        ("t:3", keyboards.Press("t", "3")),
        ("T", keyboards.Press("T")),
        ("t:x", None),
        ("t:٣", None),
        ("t:", None),
        ("a:", None),
        ("q:1", None),
        ("", None),
        (None, None),
        ("a:" + "x" * 63, None),
    ],
)
def test_callback_data_is_parsed_as_untrusted(data: object, press: object) -> None:
    assert keyboards.parse(data) == press


def test_every_button_fits_in_64_bytes(library: Library) -> None:
    markups = [keyboards.topics(library)]
    markups += [keyboards.topic_questions(library, i) for i in range(len(library.topics))]
    for markup in markups:
        assert markup is not None
        for row in markup.inline_keyboard:
            for button in row:
                assert isinstance(button.callback_data, str)
                assert len(button.callback_data.encode()) <= 64
                assert keyboards.parse(button.callback_data) is not None
    assert keyboards.topic_questions(library, len(library.topics)) is None


def test_memory_keeps_only_the_last_intent_until_it_expires() -> None:
    now = [0.0]
    memory = ChatMemory(30, clock=lambda: now[0])
    memory.remember(1, "naloxone_what")
    memory.remember(1, "naloxone_get")
    assert memory.get(1) == "naloxone_get" and memory.get(2) is None
    now[0] = 30 * 60 - 1
    assert memory.get(1) == "naloxone_get"
    now[0] = 30 * 60
    assert memory.get(1) is None and len(memory) == 0
    memory.remember(3, "thanks")
    assert memory.forget(3) and not memory.forget(3)


def test_memory_drops_expired_chats_as_it_writes() -> None:
    now = [0.0]
    memory = ChatMemory(1, clock=lambda: now[0])
    for chat in range(200):
        memory.remember(chat, "thanks")
    now[0] = 61
    memory.remember(200, "thanks")
    assert len(memory) == 1  # the 200 expired chats went with the next write


def test_memory_holds_at_most_max_chats_and_drops_the_least_recently_written() -> None:
    now = [0.0]
    memory = ChatMemory(30, clock=lambda: now[0], max_chats=3)
    for chat in (1, 2, 3):
        memory.remember(chat, "thanks")
    memory.remember(1, "naloxone_what")  # chat 1 is used again: chat 2 is now the oldest
    memory.remember(4, "greeting")
    assert len(memory) == 3
    assert memory.get(2) is None
    assert [memory.get(c) for c in (1, 3, 4)] == ["naloxone_what", "thanks", "greeting"]


def test_hidden_arguments_keep_numbers() -> None:
    record = logging.LogRecord(
        "telegram.Bot",
        logging.INFO,
        __file__,
        1,
        "sent %s to %d after %.1f",
        ("hello", 42, 1.5),
        None,
    )
    assert HideArguments().filter(record)
    assert record.getMessage() == f"sent {HIDDEN} to 42 after 1.5"


def test_language_and_mention_helpers() -> None:
    assert _mostly_not_latin("Привет, как дела?")
    assert _mostly_not_latin("مرحبا")
    assert not _mostly_not_latin("Cześć, jak się masz")  # Latin letters: the usual fallback
    assert not _mostly_not_latin("🙂 123")
    assert _without_mention("@HRbot_test_bot what is naloxone", "hrbot_test_bot") == (
        "what is naloxone"
    )


def test_webhook_secret_is_made_when_not_set() -> None:
    fake = FakeBotApi()
    settings = bot_settings(fake, webhook_url="https://bot.example.org/telegram")
    first, second = webhook_options(settings), webhook_options(settings)
    assert first.secret_token != second.secret_token
    assert len(first.secret_token) >= 32
    fixed = webhook_options(bot_settings(fake, webhook_url="https://x", webhook_secret="abc"))
    assert fixed.secret_token == "abc" and fixed.url_path == "telegram"


def test_env_example_lists_every_setting() -> None:
    from conftest import REPO

    from bot.core.settings import Settings

    lines = (REPO / ".env.example").read_text().splitlines()
    listed = {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}
    assert listed == {name.upper() for name in Settings.model_fields}


def test_handlers_share_one_typed_bot_data(hub: Hub, tmp_path: Path) -> None:
    settings = bot_settings(FakeBotApi(), context_minutes=5)
    application = build_application(settings, hub, watch=tmp_path)
    shared = application.bot_data
    assert isinstance(shared, BotData)
    assert shared.hub is hub and shared.settings is settings and shared.watch == tmp_path
    assert shared.memory.seconds == 5 * 60
    # The privacy extension's /forget is answered by it (not "unknown command") and listed.
    assert shared.extra_commands == {"forget"}
    assert ("forget", dict(privacy.COMMANDS)["forget"]) in shared.menu
    assert shared.menu[0] == ("start", "Start here")
    # The fields only the built bot has are never a silent None.
    with pytest.raises(AttributeError):
        _ = BotData().hub
