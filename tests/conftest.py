"""Shared fixtures: the real intent library (`library`, `responder`; `shipped_library()` and
`shipped_responder()` outside fixtures), and the real Telegram bot against the fake Bot API.

    async def test_something(telegram_bot):
        replies = await telegram_bot.fake.send_text(42, "what is naloxone")
        assert "naloxone" in replies[0].text.lower()

`telegram_bot.hub` is the bot's Hub: a test may set `hub.analytics` or `hub.services` before
sending (handlers read the hub at each update). `bot_settings(fake, **overrides)` and
`fake_bot_api.serve(application)` build and run a bot with other settings.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fake_bot_api import FakeBotApi, serve

from bot.core.hub import Hub
from bot.core.library import Library
from bot.core.loader import load_library
from bot.core.responder import Responder
from bot.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]
INTENTS = REPO / "intents"

# The CLI and the bot keep trained models in MODEL_CACHE_DIR (default data/models, beside the
# database): the tests keep theirs in a folder of their own, never in the working copy.
os.environ["MODEL_CACHE_DIR"] = tempfile.mkdtemp(prefix="hrbot-test-models-")


# Training the learned layers on the shipped library takes seconds, so it is loaded once per
# test process. Test modules that need it outside a fixture (in helpers, hypothesis strategies)
# call these; the rest use the fixtures below.
@cache
def shipped_library() -> Library:
    result = load_library(INTENTS)
    assert result.library is not None, "\n".join(map(str, result.errors))
    return result.library


@cache
def shipped_responder() -> Responder:
    return Responder(shipped_library())  # immutable, so one for the whole session


@pytest.fixture(scope="session")
def library() -> Library:
    return shipped_library()


@pytest.fixture(scope="session")
def responder() -> Responder:
    return shipped_responder()


@pytest.fixture
def cli_reuses_the_shipped_responder(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hrbot` commands run in this process answer from the session's responder when pointed at
    the shipped library, instead of training it again (a second a command); any other folder is
    loaded as the command always does, problems and all."""
    from bot.cli import main as cli

    load = cli._responder

    def responder_for(directory: Path) -> Responder | None:
        return shipped_responder() if directory.resolve() == INTENTS else load(directory)

    monkeypatch.setattr(cli, "_responder", responder_for)


@pytest.fixture
def hub(responder: Responder) -> Hub:
    return Hub(responder)


def bot_settings(fake: FakeBotApi, **overrides: Any) -> Settings:
    """Settings for a bot that talks to `fake`, ignoring any .env file and webhook settings."""
    values: dict[str, Any] = {
        "telegram_bot_token": fake.token,
        "telegram_api_root": fake.root,
        "webhook_url": None,
        "services_file": None,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@dataclass
class RunningBot:
    fake: FakeBotApi
    application: Any
    hub: Hub


@pytest.fixture
async def telegram_bot(fake_api: FakeBotApi, hub: Hub) -> AsyncIterator[RunningBot]:
    """The real Application (long polling) answering the fake Bot API, with the real library."""
    from bot.telegram.app import build_application

    application = build_application(bot_settings(fake_api), hub)
    async with serve(application):
        yield RunningBot(fake_api, application, hub)
