"""When Telegram misbehaves: 429, 5xx, blocked users, gone chats, old queries, unchanged edits."""

from __future__ import annotations

import logging

import pytest
from conftest import RunningBot

from bot import telegram_texts as texts

CHAT = 7770001
OTHER = 7770002


def statuses(fake: object, method: str, chat_id: int) -> list[int]:
    return [c.status for c in fake.calls_to(method) if c.chat_id == chat_id]  # type: ignore[attr-defined]


async def test_429_waits_retry_after_and_the_reply_still_arrives(
        telegram_bot: RunningBot) -> None:
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
        telegram_bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    fake = telegram_bot.fake
    fake.block(CHAT)
    with caplog.at_level(logging.INFO):
        fake.push({"message": fake.message(CHAT, "what is naloxone")})
        [other] = await fake.send_text(OTHER, "what is naloxone")
        fake.blocked.discard(CHAT)  # unblocks: the next reply comes after the first was handled
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
        f"a:{i.id}" for i in library.by_topic(library.topics[0])]
