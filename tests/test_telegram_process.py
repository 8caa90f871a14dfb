"""`hrbot run` as a real process against the fake Bot API: long polling, webhook mode, a broken
library, and a clean exit on SIGTERM. Its log (stderr, at DEBUG) never holds text or the token."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest
from conftest import INTENTS
from fake_bot_api import FakeBotApi

from bot.core.responder import Responder

pytestmark = pytest.mark.slow  # each test starts the bot as a process: `make test-all` runs them

HRBOT = str(Path(sys.executable).with_name("hrbot"))
CHAT = 4440001
STARTUP_SECONDS = 60.0  # a cold start on a busy 2-core machine
STOP_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_for(fake: FakeBotApi, tmp: Path, **extra: str) -> dict[str, str]:
    """Only what the bot needs: no settings leak in from the developer's environment."""
    env = {
        key: os.environ[key] for key in ("PATH", "HOME", "LANG", "SYSTEMROOT") if key in os.environ
    }
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_ROOT": fake.root,
            "INTENTS_DIR": str(INTENTS),
            "DATABASE_PATH": str(tmp / "hrbot.sqlite3"),
            "LOG_LEVEL": "DEBUG",
            **extra,
        }
    )
    return env


async def start(fake: FakeBotApi, tmp: Path, **extra: str) -> asyncio.subprocess.Process:
    log = (tmp / "hrbot.log").open("wb")
    try:
        return await asyncio.create_subprocess_exec(
            HRBOT,
            "run",
            cwd=tmp,
            env=env_for(fake, tmp, **extra),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    finally:
        log.close()


async def stop(process: asyncio.subprocess.Process) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(process.wait(), STOP_SECONDS)


def assert_private_log(tmp: Path, fake: FakeBotApi, *texts: str) -> None:
    log = (tmp / "hrbot.log").read_text()
    assert "starting" in log
    for secret in [fake.token, fake.token.split(":")[1], str(CHAT), *texts]:
        assert secret not in log, secret


async def test_polling_process_answers_and_stops_cleanly_on_sigterm(
    fake_api: FakeBotApi, responder: Responder, tmp_path: Path
) -> None:
    fake = fake_api
    process = await start(fake, tmp_path)
    try:
        await fake.wait_for(lambda: fake.polling, STARTUP_SECONDS, "the bot to start polling")
        [answer] = await fake.send_text(CHAT, "what is naloxone please")
        assert answer.text == responder.library.intents["naloxone_what"].answer
        assert [c["command"] for c in fake.commands][:4] == ["start", "topics", "help", "privacy"]
        assert fake.calls_to("deleteWebhook"), "polling starts by removing any webhook"
    finally:
        code = await stop(process)
    assert code == 0
    assert_private_log(tmp_path, fake, "naloxone please")


async def test_webhook_process_needs_the_secret_header(
    fake_api: FakeBotApi, responder: Responder, tmp_path: Path
) -> None:
    fake, port = fake_api, free_port()
    process = await start(
        fake,
        tmp_path,
        WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
        WEBHOOK_PORT=str(port),
        WEBHOOK_PATH="hook",
        WEBHOOK_SECRET="s3cret-Token_1",
    )
    try:
        await fake.wait_for(
            lambda: fake.webhook is not None, STARTUP_SECONDS, "the bot to set its webhook"
        )
        assert fake.webhook is not None and fake.webhook["secret_token"] == "s3cret-Token_1"
        [answer] = await fake.send_text(CHAT, "what is naloxone please")  # with the header
        assert answer.text == responder.library.intents["naloxone_what"].answer
        forged = {"message": fake.message(CHAT, "forged message")}
        assert await fake.post_to_webhook(forged) == 403
        assert await fake.post_to_webhook(forged, secret_token="wrong") == 403
        [thanks] = await fake.send_text(CHAT, "thanks")  # in order: nothing came for forged
        assert thanks.text == responder.library.intents["thanks"].answer
        assert len(fake.outputs(CHAT)) == 2
        assert not fake.calls_to("getUpdates"), "webhook mode never polls"
    finally:
        code = await stop(process)
    assert code == 0
    assert_private_log(tmp_path, fake, "naloxone please", "s3cret-Token_1")


async def test_a_broken_library_stops_the_start_with_its_problems(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    broken = tmp_path / "intents"
    broken.mkdir()
    (broken / "naloxone.yaml").write_text("version: 1\ntopic: Naloxone\nintents:\n  - id: 7\n")
    process = await start(fake_api, tmp_path, INTENTS_DIR=str(broken))
    code = await asyncio.wait_for(process.wait(), STARTUP_SECONDS)
    assert code == 1
    assert "naloxone.yaml:" in (tmp_path / "hrbot.log").read_text()
    assert not fake_api.calls, "the bot never reached Telegram"


async def test_a_second_poller_makes_the_bot_stop_with_exit_code_1(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    from aiohttp import ClientSession

    fake = fake_api
    process = await start(fake, tmp_path)
    try:
        await fake.wait_for(lambda: fake.polling, STARTUP_SECONDS, "the bot to start polling")
        async with ClientSession() as session:  # another copy of the bot starts polling
            url = f"{fake.root}/bot{fake.token}/getUpdates"
            async with session.post(url, data={"timeout": "3"}):
                pass  # 200, or 409 if the bot polled again before it stopped
        code = await asyncio.wait_for(process.wait(), STOP_SECONDS)
    finally:
        if process.returncode is None:
            await stop(process)
    assert code == 1
    assert "409 Conflict" in (tmp_path / "hrbot.log").read_text()
    assert_private_log(tmp_path, fake)


async def test_a_rejected_token_stops_the_start_and_is_not_logged(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    process = await start(fake_api, tmp_path, TELEGRAM_BOT_TOKEN="42:not-the-right-token")
    code = await asyncio.wait_for(process.wait(), STARTUP_SECONDS)
    assert code == 1
    log = (tmp_path / "hrbot.log").read_text()
    assert "did not accept the bot token" in log
    assert "not-the-right-token" not in log
    assert [c.status for c in fake_api.calls] == [401]
