"""The fake Bot API behaves like Telegram where the bot (and other tests) rely on it, checked with
python-telegram-bot's own Bot over real HTTP."""

from __future__ import annotations

import asyncio
import time

import pytest
from fake_bot_api import TOKEN, FakeBotApi
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken

CHAT = 3330001


@pytest.fixture
async def bot(fake_api: FakeBotApi) -> Bot:
    bot = Bot(TOKEN, base_url=f"{fake_api.root}/bot")
    async with bot:
        yield bot  # type: ignore[misc]


async def test_wrong_token_and_unknown_method(fake_api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=f"{fake_api.root}/bot") as wrong:
            await wrong.get_me()
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    assert [c.status for c in fake_api.calls] == [200, 401, 404]  # getMe, getMe, noSuchMethod


async def test_get_updates_offset_limit_and_long_poll(fake_api: FakeBotApi, bot: Bot) -> None:
    for n in range(3):
        fake_api.push({"message": fake_api.message(CHAT, f"m{n}")})
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["m0", "m1"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["m2"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()
    waiting = asyncio.create_task(bot.get_updates(offset=rest[-1].update_id + 1, timeout=10))
    await fake_api.wait_for(lambda: fake_api.polling)
    fake_api.push({"message": fake_api.message(CHAT, "late")})
    assert [u.message.text for u in await waiting] == ["late"]  # returned at once, not after 10s


async def test_a_second_poller_ends_the_first_with_409(fake_api: FakeBotApi, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await fake_api.wait_for(lambda: fake_api.polling)
    async with Bot(TOKEN, base_url=f"{fake_api.root}/bot") as another_copy:
        second = asyncio.create_task(another_copy.get_updates(timeout=1))
        with pytest.raises(Conflict):
            await first
        assert await second == ()


async def test_webhook_info_and_no_polling_while_set(fake_api: FakeBotApi, bot: Bot) -> None:
    fake_api.push({"message": fake_api.message(CHAT, "queued")})
    assert (await bot.get_webhook_info()).pending_update_count == 1
    await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="abc")
    info = await bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/hook" and not info.has_custom_certificate
    with pytest.raises(Conflict):
        await bot.get_updates()
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert [u.message.text for u in await bot.get_updates()] == ["queued"]


async def test_messages_edits_and_their_errors(fake_api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(CHAT, "before the user wrote")
    fake_api.push({"message": fake_api.message(CHAT, "hi")})
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="a:x")]])
    sent = await bot.send_message(CHAT, "hello", reply_markup=markup)
    await bot.edit_message_text("hello again", CHAT, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("hello again", CHAT, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(CHAT, "hello", reply_markup=too_long)
    assert await bot.delete_message(CHAT, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)
    fake_api.block(CHAT)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(CHAT, "hello")
    assert [s.text for s in fake_api.outputs(CHAT)] == ["hello", "hello again"]


async def test_injected_errors_and_delay(fake_api: FakeBotApi, bot: Bot) -> None:
    fake_api.inject("getMe", "bad_gateway")
    fake_api.inject("getMe", "query_too_old")
    with pytest.raises(Exception, match="Bad Gateway"):
        await bot.get_me()
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.get_me()
    fake_api.delay = 0.2
    start = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - start >= 0.2
