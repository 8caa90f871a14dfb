"""What the bot remembers of a chat: only the last intent id it answered, for a short time.

That is enough to read "where can I get it?" after the naloxone answer. It is never the message
text, it lives only in memory (gone on restart), and it expires after `minutes`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

SWEEP_EVERY = 256  # writes between sweeps of expired entries, so the dict cannot grow for ever


class ChatMemory:
    def __init__(self, minutes: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = minutes * 60
        self._clock = clock
        self._last: dict[int, tuple[str, float]] = {}
        self._writes = 0

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
        self._last[chat_id] = (intent, self._clock() + self.seconds)
        self._writes += 1
        if self._writes % SWEEP_EVERY == 0:
            self._sweep()

    def forget(self, chat_id: int) -> bool:
        """Clear this chat (for /forget). True if there was something to clear."""
        return self._last.pop(chat_id, None) is not None

    def __len__(self) -> int:
        return len(self._last)

    def _sweep(self) -> None:
        now = self._clock()
        for chat_id in [c for c, (_, expires) in self._last.items() if now >= expires]:
            del self._last[chat_id]
