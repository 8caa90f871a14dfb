"""What the bot remembers of a chat: only the last intent id it answered, for a short time.

That is enough to read "where can I get it?" after the naloxone answer. It is never the message
text, it lives only in memory (gone on restart), and it is bounded twice over: an entry expires
after `minutes`, and at most `max_chats` chats are held (the one written to longest ago goes
first), so a flood of new users cannot grow it without limit.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

# Chats remembered at once. An entry is about 150 bytes, so this caps the memory at about
# 1.5 MB; a chat pushed out only loses the follow-up reading of its next message.
MAX_CHATS = 10_000


class ChatMemory:
    def __init__(
        self,
        minutes: float,
        clock: Callable[[], float] = time.monotonic,
        max_chats: int = MAX_CHATS,
    ) -> None:
        self.seconds = minutes * 60
        self.max_chats = max(1, max_chats)
        self._clock = clock
        # Oldest write first. Every entry lives `seconds` from its write, so this is also the
        # order in which they expire, and both limits only ever drop from the front.
        self._last: OrderedDict[int, tuple[str, float]] = OrderedDict()

    def get(self, chat_id: int) -> str | None:
        entry = self._last.get(chat_id)
        if entry is None:
            return None
        intent, expires = entry
        if self._clock() >= expires:
            del self._last[chat_id]
            return None
        return intent

    def remember(self, chat_id: int, intent: str) -> None:
        now = self._clock()
        self._last.pop(chat_id, None)
        self._last[chat_id] = (intent, now + self.seconds)
        while len(self._last) > self.max_chats:
            self._last.popitem(last=False)
        while self._last:
            _, (_, expires) = next(iter(self._last.items()))
            if now < expires:
                break
            self._last.popitem(last=False)

    def forget(self, chat_id: int) -> bool:
        """Clear this chat (for /forget). True if there was something to clear."""
        return self._last.pop(chat_id, None) is not None

    def __len__(self) -> int:
        return len(self._last)
