"""The bot's own recent message ids per chat, so /forget can delete them. Memory only.

Telegram lets a bot delete a message it sent for 48 hours, so an id is kept a little less than
that and then dropped, by a sweep that runs every few minutes while anything is held. Only the
chat id and message ids are held: never the text. Nothing is written anywhere; a restart forgets
everything (and so /forget after a restart cannot delete older messages).

Bounded: at most PER_CHAT ids a chat (the newest), kept as two flat arrays (16 bytes an id
rather than about 110 for a tuple of a float and an int), and at most MAX_CHATS chats (the one
sent to longest ago is forgotten first), so a flood of new users cannot grow it without limit.

The send path calls `remember_sent(bot, message)` for every message it sends; the registry is
per Bot object (by identity, not by Bot equality, which compares the bot's user id and would
mix two test bots with the same id).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Callable

from telegram import Bot, Message

DELETABLE_SECONDS = 48 * 3600  # Telegram's limit for a bot deleting its own message
SWEEP_SECONDS = 600.0
# Kept for less than 48 hours minus one sweep, so nothing is held beyond 48 hours.
KEEP_SECONDS = DELETABLE_SECONDS - 2 * SWEEP_SECONDS
PER_CHAT = 100  # the most recent messages deleted by /forget
# Chats held at once: at most about 2 KB each (100 ids), so about 20 MB at the very worst.
MAX_CHATS = 10_000


class _Sent:
    """One chat's ids and when each was sent, oldest first."""

    __slots__ = ("ids", "times")

    def __init__(self) -> None:
        self.ids = array("q")
        self.times = array("d")

    def add(self, at: float, message_id: int, keep: int) -> None:
        self.ids.append(message_id)
        self.times.append(at)
        if len(self.ids) > keep:
            del self.ids[0], self.times[0]

    def drop_before(self, cutoff: float) -> None:
        old = 0
        while old < len(self.times) and self.times[old] <= cutoff:
            old += 1
        if old:
            del self.ids[:old], self.times[:old]

    def __len__(self) -> int:
        return len(self.ids)


class RecentMessages:
    def __init__(
        self,
        keep_seconds: float = KEEP_SECONDS,
        per_chat: int = PER_CHAT,
        clock: Callable[[], float] = time.monotonic,
        max_chats: int = MAX_CHATS,
    ) -> None:
        self.keep_seconds = keep_seconds
        self.per_chat = max(1, per_chat)
        self.max_chats = max(1, max_chats)
        self._clock = clock
        self._chats: OrderedDict[int, _Sent] = OrderedDict()  # sent to longest ago first
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None

    def remember(self, chat_id: int, message_id: int) -> None:
        sent = self._chats.pop(chat_id, None) or _Sent()
        self._chats[chat_id] = sent
        sent.add(self._clock(), message_id, self.per_chat)
        while len(self._chats) > self.max_chats:
            self._chats.popitem(last=False)
        self._schedule_sweep()

    def take(self, chat_id: int) -> list[int]:
        """Forget this chat's ids and return those still young enough to delete, oldest first."""
        sent = self._chats.pop(chat_id, None)
        if sent is None:
            return []
        sent.drop_before(self._clock() - self.keep_seconds)
        return list(sent.ids)

    def ids(self, chat_id: int) -> list[int]:
        sent = self._chats.get(chat_id)
        return list(sent.ids) if sent is not None else []

    def __len__(self) -> int:
        return len(self._chats)

    def sweep(self) -> None:
        cutoff = self._clock() - self.keep_seconds
        for chat_id in list(self._chats):
            sent = self._chats[chat_id]
            sent.drop_before(cutoff)
            if not sent:
                del self._chats[chat_id]

    def _schedule_sweep(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not in an event loop (a plain test): take() still drops old ids
        if self._timer is not None and self._timer_loop is loop:
            return
        self._timer_loop = loop
        self._timer = loop.call_later(SWEEP_SECONDS, self._timed_sweep)

    def _timed_sweep(self) -> None:
        self._timer = None
        self.sweep()
        if self._chats:
            self._schedule_sweep()


_BY_BOT: dict[int, RecentMessages] = {}


def recent_messages(bot: Bot) -> RecentMessages:
    key = id(bot)
    found = _BY_BOT.get(key)
    if found is None:
        found = _BY_BOT[key] = RecentMessages()
        weakref.finalize(bot, _BY_BOT.pop, key, None)  # before the id can be reused
    return found


def remember_sent(bot: Bot, message: Message | None) -> None:
    """Call after every message the bot sends (the one hook the send path needs)."""
    if message is not None:
        recent_messages(bot).remember(message.chat.id, message.message_id)
