"""How the bot talks to Telegram under load and when things fail.

- PatientRateLimiter: PTB's AIORateLimiter (keeps to Telegram's flood limits and waits out a 429's
  retry_after) plus a bounded retry with backoff for 5xx answers, network errors and timeouts.
- ChatOrderedProcessor: handles several chats at once but one chat's updates strictly in order,
  so replies never overtake each other and the follow-up memory is never raced.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

ATTEMPTS = 4  # tries per request for 5xx, network errors and timeouts
BACKOFF_SECONDS = 0.5  # first wait; doubles each time
MAX_BACKOFF_SECONDS = 8.0
RETRY_AFTER_RETRIES = 3  # 429s waited out per request

Result = bool | dict[str, Any] | list[dict[str, Any]]


class PatientRateLimiter(AIORateLimiter):
    def __init__(
        self,
        overall_max_rate: float = 30,
        attempts: int = ATTEMPTS,
        backoff: float = BACKOFF_SECONDS,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=RETRY_AFTER_RETRIES)
        self._attempts = max(1, attempts)
        self._backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        delay = self._backoff
        for attempt in range(1, self._attempts + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise  # our mistake or a gone chat: sending again cannot help
            except NetworkError as exc:  # 5xx, connection errors and timeouts
                if attempt == self._attempts:
                    raise
                log.warning(
                    "Telegram %s failed (%s), try %d of %d; retrying in %.1fs",
                    endpoint, type(exc).__name__, attempt, self._attempts, delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
        raise AssertionError("unreachable")  # pragma: no cover


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        key = chat.id
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:  # asyncio.Lock is first come, first served: order is kept
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
