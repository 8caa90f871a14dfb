"""bot/telegram/recent.py: the bot's own message ids, per chat, never kept beyond 48 hours."""

from __future__ import annotations

import asyncio
import gc

from telegram import Bot

from bot.telegram import recent as telegram_recent
from bot.telegram.recent import DELETABLE_SECONDS, KEEP_SECONDS, RecentMessages, recent_messages


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_ids_are_kept_per_chat_and_taken_once() -> None:
    recent = RecentMessages(clock=Clock())
    for message_id in (1, 2, 3):
        recent.remember(10, message_id)
    recent.remember(20, 4)
    assert recent.take(10) == [1, 2, 3]
    assert recent.take(10) == []
    assert recent.ids(20) == [4]


def test_only_the_most_recent_are_kept_per_chat() -> None:
    recent = RecentMessages(per_chat=3, clock=Clock())
    for message_id in range(1, 8):
        recent.remember(10, message_id)
    assert recent.take(10) == [5, 6, 7]


def test_at_most_max_chats_are_held_and_the_one_sent_to_longest_ago_goes_first() -> None:
    recent = RecentMessages(clock=Clock(), max_chats=2)
    recent.remember(10, 1)
    recent.remember(20, 2)
    recent.remember(10, 3)  # chat 10 again: chat 20 is now the one sent to longest ago
    recent.remember(30, 4)
    assert len(recent) == 2
    assert recent.ids(20) == []
    assert (recent.ids(10), recent.ids(30)) == ([1, 3], [4])


def test_ids_too_old_to_delete_are_not_returned_or_kept() -> None:
    clock = Clock()
    recent = RecentMessages(clock=clock)
    recent.remember(10, 1)
    recent.remember(30, 9)
    clock.now += KEEP_SECONDS - 1
    recent.remember(10, 2)
    clock.now += 2
    assert KEEP_SECONDS < DELETABLE_SECONDS
    recent.sweep()
    assert recent.ids(10) == [2]
    assert recent.ids(30) == [] and len(recent) == 1  # the chat itself is forgotten
    assert recent.take(10) == [2]


async def test_a_timer_sweeps_while_anything_is_held() -> None:
    clock = Clock()
    recent = RecentMessages(keep_seconds=5, clock=clock)
    old = telegram_recent.SWEEP_SECONDS
    telegram_recent.SWEEP_SECONDS = 0.01
    try:
        recent.remember(10, 1)
        clock.now += 10  # older than keep_seconds: the next sweep drops it
        for _ in range(500):
            if not len(recent):
                break
            await asyncio.sleep(0.01)
        assert len(recent) == 0
        assert recent._timer is None  # nothing held: no timer left behind
    finally:
        telegram_recent.SWEEP_SECONDS = old


def test_one_registry_per_bot_object_not_per_bot_id() -> None:
    first, second = Bot("123:abc"), Bot("123:abc")
    recent_messages(first).remember(10, 1)
    assert recent_messages(first).ids(10) == [1]
    assert recent_messages(second).ids(10) == []
    key = id(first)
    del first
    gc.collect()
    assert key not in telegram_recent._BY_BOT
