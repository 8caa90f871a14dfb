"""When Telegram misbehaves: 429, 5xx, blocked users, gone chats, old queries, unchanged edits,
a send slower than the bot waits for (exactly one reply), a flood with an emergency in it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from conftest import RunningBot, bot_settings
from fake_bot_api import FakeBotApi, serve

from bot.core.hub import Hub
from bot.core.responder import Responder
from bot.telegram import texts
from bot.telegram.app import build_application
from bot.telegram.recent import recent_messages

CHAT = 7770001
OTHER = 7770002


def statuses(fake: object, method: str, chat_id: int) -> list[int]:
    return [c.status for c in fake.calls_to(method) if c.chat_id == chat_id]  # type: ignore[attr-defined]


async def test_429_waits_retry_after_and_the_reply_still_arrives(telegram_bot: RunningBot) -> None:
    fake = telegram_bot.fake
    fake.inject("sendMessage", "retry_after", retry_after=1, chat_id=CHAT)
    [reply] = await fake.send_text(CHAT, "what is naloxone")
    assert reply.text == telegram_bot.hub.responder.library.intents["naloxone_what"].answer
    assert statuses(fake, "sendMessage", CHAT) == [429, 200]
    refused, sent = [c for c in fake.calls_to("sendMessage") if c.chat_id == CHAT]
    assert sent.at - refused.at >= 1.0  # retry_after was honoured


async def test_502_is_retried_with_backoff(telegram_bot: RunningBot) -> None:
    fake = telegram_bot.fake
    fake.inject("sendMessage", "bad_gateway", times=2, chat_id=CHAT)
    [reply] = await fake.send_text(CHAT, "what is naloxone")
    assert reply.text
    assert statuses(fake, "sendMessage", CHAT) == [502, 502, 200]


async def test_blocked_user_is_logged_without_id_and_the_bot_keeps_going(
    telegram_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake = telegram_bot.fake
    fake.block(CHAT)
    with caplog.at_level(logging.INFO):
        fake.push({"message": fake.message(CHAT, "what is naloxone")})
        [other] = await fake.send_text(OTHER, "what is naloxone")
        # Chats are answered side by side: unblock only once the blocked reply has been tried.
        await fake.wait_for(lambda: 403 in statuses(fake, "sendMessage", CHAT), what="a 403")
        fake.blocked.discard(CHAT)
        [later] = await fake.send_text(CHAT, "thanks")
    assert other.text and later.text
    assert statuses(fake, "sendMessage", CHAT) == [403, 200]  # a 403 is not retried
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "blocked" in logged
    assert str(CHAT) not in caplog.text
    assert texts.SOMETHING_WENT_WRONG not in [s.text for s in fake.outputs(CHAT)]


async def test_chat_not_found_is_skipped(telegram_bot: RunningBot) -> None:
    fake = telegram_bot.fake
    fake.inject("sendMessage", "chat_not_found", chat_id=CHAT)
    fake.push({"message": fake.message(CHAT, "what is naloxone")})
    [later] = await fake.send_text(CHAT, "thanks")
    assert later.text == telegram_bot.hub.responder.library.intents["thanks"].answer
    assert statuses(fake, "sendMessage", CHAT) == [400, 200]


async def test_old_query_and_unchanged_menu_are_not_errors(telegram_bot: RunningBot) -> None:
    fake, library = telegram_bot.fake, telegram_bot.hub.responder.library
    [menu] = await fake.send_command(CHAT, "/topics")
    # Telegram refuses to answer an old query, but the button still works.
    [answer] = await fake.press(CHAT, menu, "a:naloxone_what", too_old=True)
    assert fake.calls_to("answerCallbackQuery")[-1].status == 400
    assert answer.text == library.intents["naloxone_what"].answer
    # "All topics" on the topics menu changes nothing: Telegram says "not modified" and the bot
    # says nothing either.
    await fake.press(CHAT, menu, "T", replies=0)
    [thanks] = await fake.send_text(CHAT, "thanks")
    assert [c.status for c in fake.calls_to("editMessageReplyMarkup")] == [400]
    assert thanks.text == library.intents["thanks"].answer


async def test_a_menu_that_cannot_be_edited_is_sent_again(telegram_bot: RunningBot) -> None:
    fake, library = telegram_bot.fake, telegram_bot.hub.responder.library
    [menu] = await fake.send_command(CHAT, "/topics")
    fake.inject("editMessageReplyMarkup", "cant_edit")
    [questions] = await fake.press(CHAT, menu, "t:0")
    assert questions.method == "sendMessage" and questions.text == texts.TOPICS
    assert [d for _, d in questions.buttons][:-1] == [
        f"a:{i.id}" for i in library.by_topic(library.topics[0])
    ]


# ---------------------------------------------------------------------- exactly one reply
@asynccontextmanager
async def quick_bot(fake: FakeBotApi, hub: Hub, **options: Any) -> AsyncIterator[Any]:
    """The real bot with short waits: retries after 10 ms, Telegram's answer awaited 1 s."""
    options = {"backoff": 0.01, "read_timeout": 1.0, **options}
    async with serve(build_application(bot_settings(fake), hub, **options)) as application:
        yield application


async def nothing_more(fake: FakeBotApi, seconds: float = 1.5) -> None:
    """Give a duplicate, if the bot were to send one, the time to arrive."""
    await asyncio.sleep(seconds)


async def test_a_send_slower_than_the_read_timeout_reaches_the_person_once(
    fake_api: FakeBotApi, hub: Hub
) -> None:
    fake = fake_api
    fake.slow("sendMessage", 2.0, chat_id=CHAT)  # Telegram takes 2 s; the bot waits 1 s
    async with quick_bot(fake, hub):
        [answer] = await fake.send_text(CHAT, "what is naloxone")
        await nothing_more(fake)
        [thanks] = await fake.send_text(CHAT, "thanks")  # and the bot carries on
    assert answer.text == hub.responder.library.intents["naloxone_what"].answer
    assert thanks.text == hub.responder.library.intents["thanks"].answer
    assert len(fake.outputs(CHAT)) == 2, "exactly one copy, and no apology after it"


@pytest.mark.parametrize(
    "faults",
    [
        [("bad_gateway", 8)],
        [("bad_gateway", 12)],
        [("retry_after", 3), ("bad_gateway", 5)],  # 429s, then 502s, 8 in a row
    ],
)
async def test_when_retries_run_out_the_person_is_told_once(
    fake_api: FakeBotApi, hub: Hub, faults: list[tuple[str, int]]
) -> None:
    fake = fake_api
    for fault, times in faults:
        fake.inject("sendMessage", fault, times=times, chat_id=CHAT, retry_after=1)
    async with quick_bot(fake, hub):
        [sorry] = await fake.send_text(CHAT, "what is naloxone", timeout=60)
        await nothing_more(fake)
    assert sorry.text == texts.SOMETHING_WENT_WRONG
    assert len(fake.outputs(CHAT)) == 1, "the answer was dropped; the apology went once"
    expected = [
        status
        for fault, times in faults
        for status in [429 if fault == "retry_after" else 502] * times
    ]
    assert statuses(fake, "sendMessage", CHAT) == [*expected, 200]


# ---------------------------------------------------------------------- safety first
async def test_an_emergency_goes_ahead_of_a_flood(fake_api: FakeBotApi, hub: Hub) -> None:
    fake = fake_api
    users = range(8_000_001, 8_000_041)
    emergency = 8_999_999
    async with quick_bot(fake, hub, overall_max_rate=40):
        for _round in range(6):
            for chat in users:
                fake.push({"message": fake.message(chat, "what is naloxone")})
        # Past the first burst the rate limiter allows: from here on, 40 messages a second.
        await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) >= 60, what="the flood")
        arrived = time.monotonic()
        [reply] = await fake.send_text(emergency, "hes not breathing what do i do", timeout=30)
        ahead = [c for c in fake.calls_to("sendMessage") if arrived < c.at < reply.at]
        answered = sum(1 for c in users for sent in fake.outputs(c) if sent.at < reply.at)
    assert reply.text == hub.responder.library.intents["overdose_emergency"].answer
    assert answered < 140, "most of the flood was still waiting when the emergency was answered"
    assert len(ahead) <= 10, f"{len(ahead)} ordinary replies went out first"


class Slow(Responder):
    """Reads "slow" messages slowly, as an adversarial message could be read."""

    def read(self, text: str):  # type: ignore[no-untyped-def]
        if "slow" in text:
            time.sleep(1.5)  # blocking: if this ran on the event loop, everyone would wait
        return super().read(text)


async def test_a_message_that_is_slow_to_read_holds_up_nobody_else(
    fake_api: FakeBotApi, hub: Hub
) -> None:
    fake = fake_api
    hub.swap(Slow(hub.responder.library))
    async with quick_bot(fake, hub):
        fake.push({"message": fake.message(OTHER, "slow slow slow")})
        await asyncio.sleep(0.2)
        [thanks] = await fake.send_text(CHAT, "thanks")
        assert fake.mark(OTHER) == 0, "the other chat's reply was still being worked out"
        await fake.replies(OTHER, 0)
    assert thanks.text == hub.responder.library.intents["thanks"].answer


# ---------------------------------------------------------------------- bounded memory
async def test_what_the_bot_keeps_per_chat_stays_within_its_caps(telegram_bot: RunningBot) -> None:
    fake, application = telegram_bot.fake, telegram_bot.application
    memory = application.bot_data.memory
    recent = recent_messages(application.bot)
    memory.max_chats = recent.max_chats = 3
    chats = range(7_100_001, 7_100_011)
    for chat in chats:
        await fake.send_text(chat, "what is naloxone")
    for _ in range(500):  # the last topic is noted just after the reply has gone
        if memory.get(chats[-1]):
            break
        await asyncio.sleep(0.01)
    assert len(memory) == 3 and len(recent) == 3
    assert [memory.get(c) for c in chats[-3:]] == ["naloxone_what"] * 3, "the newest are kept"
    assert memory.get(chats[0]) is None and recent.ids(chats[0]) == []
