"""The description a person sees before pressing Start, set at start from the settings; a
failure or a slow Telegram never stops the bot."""

from __future__ import annotations

import logging

import pytest
from conftest import INTENTS, RunningBot, bot_settings
from fake_bot_api import FakeBotApi, serve

from bot.content.terms import load_terms
from bot.core.hub import Hub
from bot.core.settings import BOT_DESCRIPTION, BOT_SHORT_DESCRIPTION
from bot.telegram import profile as telegram_profile
from bot.telegram.app import build_application

CHAT = 5550001


async def answers(fake: FakeBotApi) -> bool:
    [reply] = await fake.send_text(CHAT, "what is naloxone")
    return bool(reply.text)


def test_the_defaults_say_what_it_is_that_it_is_anonymous_and_to_call_999() -> None:
    terms, problems = load_terms(INTENTS / "staff" / "terms.yaml")
    assert not problems
    for text, limit in ((BOT_DESCRIPTION, 512), (BOT_SHORT_DESCRIPTION, 120)):
        assert len(text.encode("utf-16-le")) // 2 <= limit
        assert "anonymous" in text
        assert "call 999" in text
        assert "drugs" in text
        # The staff's own list of words that can make people feel judged.
        assert [text[h.start : h.end] for h in terms.find(text)] == []


async def test_the_bot_sets_its_descriptions_at_start(telegram_bot: RunningBot) -> None:
    fake = telegram_bot.fake
    assert fake.description == BOT_DESCRIPTION
    assert fake.short_description == BOT_SHORT_DESCRIPTION
    assert await answers(fake)


async def test_descriptions_come_from_the_settings_and_are_sent_only_when_changed(
    fake_api: FakeBotApi, hub: Hub
) -> None:
    fake = fake_api
    fake.description = "Already right."
    settings = bot_settings(
        fake,
        bot_description="Already right.",
        bot_short_description="Harm reduction info. In danger? Call 999.",
    )
    async with serve(build_application(settings, hub)):
        assert fake.short_description == "Harm reduction info. In danger? Call 999."
        assert fake.description == "Already right."
        assert [c.method for c in fake.calls if "escription" in c.method] == [
            "getMyDescription",
            "getMyShortDescription",
            "setMyShortDescription",
        ]


async def test_a_refused_description_is_logged_and_the_bot_runs_on(
    fake_api: FakeBotApi, hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_api
    fake.inject("setMyDescription", "blocked")
    with caplog.at_level(logging.WARNING, logger="bot.telegram.profile"):
        async with serve(build_application(bot_settings(fake), hub)):
            assert await answers(fake)
            assert fake.description == ""
            assert fake.short_description == BOT_SHORT_DESCRIPTION  # the other one still set
    assert [r.getMessage() for r in caplog.records] == [
        "could not set the bot's description (Forbidden)"
    ]
    assert fake.token.split(":")[1] not in caplog.text


async def test_a_slow_telegram_holds_up_the_start_only_briefly(
    fake_api: FakeBotApi,
    hub: Hub,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = fake_api
    monkeypatch.setattr(telegram_profile, "PROFILE_SECONDS", 0.05)
    fake.delay = 0.3  # every call takes longer than the profile may wait
    with caplog.at_level(logging.WARNING, logger="bot.telegram.profile"):
        async with serve(build_application(bot_settings(fake), hub)):
            fake.delay = 0
            assert await answers(fake)
    assert [r.getMessage() for r in caplog.records] == [
        "could not set the bot's description (TimeoutError)",
        "could not set the bot's short description (TimeoutError)",
    ]
