"""Everything logged during a whole conversation, at DEBUG, from every logger: no message text,
no Telegram id and no bot token, even when Telegram fails and a handler breaks."""

from __future__ import annotations

import logging

import pytest
from conftest import bot_settings
from fake_bot_api import FakeBotApi, serve

from bot.core.hub import Hub
from bot.core.responder import Responder
from bot.telegram.app import build_application

USER = 918273645
GROUP = -1009182736
WORDS = ["zanzibar", "quixotic", "marmalade", "xylophone", "pomegranate", "kumquat"]


class BreaksOnKumquat(Responder):
    def read(self, text: str):  # type: ignore[no-untyped-def]
        if "kumquat" in text:
            raise RuntimeError(f"could not read {text!r} from {USER}")
        return super().read(text)


async def test_no_text_ids_or_token_in_any_log(
    fake_api: FakeBotApi, responder: Responder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every logger's records reach caplog
    fake = fake_api
    hub = Hub(BreaksOnKumquat(responder.library))
    application = build_application(bot_settings(fake), hub)
    async with serve(application):
        await fake.send_command(USER, "/start")
        [answer] = await fake.send_text(USER, f"what is naloxone {WORDS[0]}")
        await fake.press(USER, answer, "a:naloxone_get")
        await fake.send_text(USER, f"where can i get it {WORDS[1]}")
        await fake.send_text(USER, f"my mate {WORDS[2]} wont wake up his lips are blue", replies=2)
        await fake.send_text(USER, f"tell me about {WORDS[3]} please")  # the fallback
        fake.inject("sendMessage", "retry_after", retry_after=1)
        fake.inject("sendMessage", "bad_gateway")
        await fake.send_text(USER, f"thanks {WORDS[4]}")
        await fake.send_text(USER, f"{WORDS[5]} pie")  # a handler breaks
        await fake.press(USER, answer, f"a:{WORDS[0]}")  # a forged button
        await fake.send_content(USER, "location")
        await fake.send_text(
            GROUP, f"@{fake.bot_user['username']} hi {WORDS[0]}", chat_type="group"
        )
        fake.block(USER)
        fake.push({"message": fake.message(USER, f"hello {WORDS[1]}")})
        await fake.wait_for(lambda: fake.calls[-1].status == 403)
        fake.blocked.clear()
        await fake.send_text(USER, "bye")
    logged = caplog.text  # formatted records, tracebacks included
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) > 10 and "naloxone_what" in logged, "the capture saw the bot's logs"
    assert "RuntimeError" in logged and "too many requests" in logged and "NetworkError" in logged
    for secret in [*WORDS, str(USER), str(GROUP), fake.token, fake.token.split(":")[1]]:
        assert secret not in logged, secret
        assert not any(secret in m for m in messages), secret
