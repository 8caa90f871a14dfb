"""How much text one Telegram message holds, counted the way Telegram counts it.

Lint refuses an answer that would not fit (bot/content/governance.py) and the adapter splits a
reply that does not (bot/telegram/send.py): both use this one definition.
"""

from __future__ import annotations

MAX_MESSAGE_LENGTH = 4096  # the Bot API's limit for a message's text


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji can count as two)."""
    return len(text.encode("utf-16-le")) // 2
