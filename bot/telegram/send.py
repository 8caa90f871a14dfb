"""Sending messages: long text split at paragraph breaks, and chats that cannot be reached skipped.

Retries (429, 5xx, timeouts) happen below this, in the rate limiter (telegram_runtime), so every
call the bot makes is retried the same way.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.error import BadRequest, Forbidden
from telegram.ext import ExtBot

from ..core.message_length import MAX_MESSAGE_LENGTH, telegram_length
from .recent import remember_sent
from .runtime import Patience

log = logging.getLogger(__name__)

UNREACHABLE = ("chat not found", "user is deactivated", "bot was kicked")
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def split_message(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split text into parts Telegram accepts: at paragraph breaks, else at line breaks, else at
    spaces, and only as a last resort inside a word."""
    if telegram_length(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while telegram_length(rest) > limit:
        cut = _cut_point(rest, limit)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            parts.append(head)
    if rest:
        parts.append(rest)
    return parts


def _cut_point(text: str, limit: int) -> int:
    fits = _longest_prefix(text, limit)
    window = text[:fits]
    for separator in ("\n\n", "\n", " "):
        at = window.rfind(separator)
        if at > 0:
            return at + len(separator)
    return fits


def _longest_prefix(text: str, limit: int) -> int:
    """How many characters of text fit into `limit` UTF-16 units, without splitting a pair."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


async def say(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: Markup | None = None,
    quote: int | None = None,
    patience: Patience | None = None,
) -> Message | None:
    """Send text (split if long; the keyboard goes under the last part). Returns the last message
    sent, or None if the chat cannot be reached (blocked, deleted): that is logged and skipped.
    Every message sent is noted (id only) so that /forget can delete it. `patience` says how
    hard the rate limiter tries (telegram_runtime)."""
    parts = split_message(text)
    sent: Message | None = None
    for number, part in enumerate(parts, 1):
        reply = ReplyParameters(quote, allow_sending_without_reply=True) if quote else None
        extra: dict[str, Any] = {}
        if patience is not None and isinstance(bot, ExtBot):
            extra["rate_limit_args"] = patience
        try:
            sent = await bot.send_message(
                chat_id,
                part,
                reply_markup=markup if number == len(parts) else None,
                reply_parameters=reply if number == 1 else None,
                **extra,
            )
        except Forbidden:
            log.info("message skipped: the user blocked the bot or left the chat")
            return None
        except BadRequest as exc:
            if not any(reason in str(exc).lower() for reason in UNREACHABLE):
                raise
            log.info("message skipped: the chat cannot be reached")
            return None
        remember_sent(bot, sent)  # so /forget can delete it (bot/telegram/recent.py)
    return sent
