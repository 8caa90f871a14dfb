"""How the bot talks to Telegram under load and when things fail.

Safety first, in every queue the bot controls. An update is read for an emergency as soon as it
arrives, and an emergency (or a reply that opens with a safety check) then goes ahead of every
ordinary update waiting to be handled, and its messages go ahead of every ordinary message
waiting for Telegram's rate limit. The pieces:

- PriorityGate: lets a fixed number of holders in at once, more urgent first, then first come
  first served; with keys, one holder per key at a time (one chat's updates stay in order).
- Triage: each update's safety reading, worked out in a thread (never on the event loop),
  newest first, so the message that has just come in is read next however long the backlog.
  A handler that gets its turn before its reading is done works it out itself.
- PriorityUpdateProcessor: python-telegram-bot's documented hook for how updates are processed
  (BaseUpdateProcessor, given to ApplicationBuilder.concurrent_updates). PTB hands it every
  update as it arrives; it starts the triage, waits at the gate, and marks the update urgent
  (a context variable) for everything sent while handling it.
- PriorityRateLimiter: PTB's BaseRateLimiter, in place of AIORateLimiter. The same limits
  (aiolimiter's leaky bucket: 30 messages a second overall, 20 a minute per group), the same
  pause of all requests after a 429, but requests take their turn at the bucket through a
  PriorityGate of one, so an urgent message is the next to go; plus a bounded retry with backoff
  for 5xx answers and network errors.

Exactly one reply. The Bot API has no idempotency key, so sending again is the only way to send
twice. A send is repeated only when Telegram cannot have acted on it: a 429 or a 5xx answer, or
a connection that failed before the request was written (connect, pool or write time-outs, a
refused connection). When the request went out and no answer came (a read time-out, a dropped
connection), the message has most likely arrived, so it is not sent again: SendOutcomeUnknown.
The read time-out for the bot's requests is long (SEND_READ_TIMEOUT) so that a slow Telegram
rarely gets there. When retries run out, the caller can still tell the person (see
telegram_handlers.on_error), with PATIENT retries for that one short message.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import inspect
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Hashable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.constants import FloodLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

ATTEMPTS = 4  # tries per request for 5xx and network errors
BACKOFF_SECONDS = 0.5  # first wait; doubles each time
MAX_BACKOFF_SECONDS = 8.0
RETRY_AFTER_RETRIES = 3  # 429s waited out per request
SEND_READ_TIMEOUT = 20.0  # seconds to wait for Telegram's answer to a request already sent
URGENT, ORDINARY = 0, 1
# Updates waiting to be handled that PTB's own semaphore lets through to the gate. The gate
# does the real limiting; this only bounds how many wait in it (a few KB each).
MAX_WAITING_UPDATES = 50_000
GROUP_LIMITERS_KEPT = 512  # as PTB's AIORateLimiter: idle per-group buckets are dropped past it

T = TypeVar("T")
Result = bool | dict[str, Any] | list[dict[str, Any]]


# ---------------------------------------------------------------------- urgency
_URGENT: contextvars.ContextVar[bool] = contextvars.ContextVar("hrbot_urgent", default=False)


def is_urgent() -> bool:
    """True while handling an urgent update: everything it sends goes first."""
    return _URGENT.get()


@contextlib.contextmanager
def urgent(flag: bool = True) -> Iterator[None]:
    token = _URGENT.set(flag or _URGENT.get())
    try:
        yield
    finally:
        _URGENT.reset(token)


# ---------------------------------------------------------------------- the gate
@dataclass(eq=False)
class Ticket:
    priority: int
    seq: int
    key: Hashable
    admitted: bool = False
    done: bool = False
    future: asyncio.Future[None] | None = field(default=None, repr=False)

    @property
    def urgent(self) -> bool:
        return self.priority == URGENT


class PriorityGate:
    """At most `capacity` holders at once (`urgent_capacity` for urgent ones, so that an
    emergency does not wait for an ordinary holder to finish), the most urgent waiting first,
    then the earliest; and at most one holder per key.

    Waiting tickets sit in one heap per key; a heap of candidates holds the head of each key
    that has no holder. Entries are never removed from the middle: one that has gone stale (its
    ticket was promoted, admitted or withdrawn) is skipped when it comes to the top."""

    def __init__(self, capacity: int, urgent_capacity: int | None = None) -> None:
        self.capacity = max(1, capacity)
        self.urgent_capacity = max(self.capacity, urgent_capacity or 0)
        self.holders = 0
        self._seq = itertools.count()
        self._waiting: dict[Hashable, list[tuple[int, int, Ticket]]] = {}
        self._busy: set[Hashable] = set()
        self._candidates: list[tuple[int, int, Ticket]] = []

    def enter(self, key: Hashable | None = None, priority: int = ORDINARY) -> Ticket:
        """Join the queue now (arrival order counts from here); then `await wait(ticket)`."""
        seq = next(self._seq)
        ticket = Ticket(priority, seq, key if key is not None else ("ticket", seq))
        heapq.heappush(self._waiting.setdefault(ticket.key, []), (priority, seq, ticket))
        self._offer(ticket.key)
        self._dispatch()
        return ticket

    def promote(self, ticket: Ticket) -> None:
        """Make a waiting ticket urgent."""
        if ticket.admitted or ticket.done or ticket.urgent:
            return
        ticket.priority = URGENT
        heapq.heappush(self._waiting[ticket.key], (URGENT, ticket.seq, ticket))
        self._offer(ticket.key)
        self._dispatch()

    async def wait(self, ticket: Ticket) -> None:
        if ticket.admitted:
            return
        ticket.future = asyncio.get_running_loop().create_future()
        await ticket.future

    def leave(self, ticket: Ticket) -> None:
        """Give the place back: as a holder, or from the queue (cancelled while waiting)."""
        if ticket.done:
            return
        ticket.done = True
        if ticket.admitted:
            self.holders -= 1
            self._busy.discard(ticket.key)
        self._offer(ticket.key)
        self._dispatch()

    @contextlib.asynccontextmanager
    async def held(
        self,
        key: Hashable | None = None,
        priority: int = ORDINARY,
    ) -> AsyncIterator[Ticket]:
        ticket = self.enter(key, priority)
        try:
            await self.wait(ticket)
            yield ticket
        finally:
            self.leave(ticket)

    def _head(self, key: Hashable) -> tuple[int, int, Ticket] | None:
        heap = self._waiting.get(key)
        while heap:
            priority, _, ticket = heap[0]
            if not ticket.admitted and not ticket.done and priority == ticket.priority:
                return heap[0]
            heapq.heappop(heap)
        self._waiting.pop(key, None)
        return None

    def _offer(self, key: Hashable) -> None:
        if key not in self._busy:
            head = self._head(key)
            if head is not None:
                heapq.heappush(self._candidates, head)

    def _dispatch(self) -> None:
        while self._candidates:
            priority, _, ticket = self._candidates[0]
            if ticket.key in self._busy or self._head(ticket.key) != self._candidates[0]:
                heapq.heappop(self._candidates)  # stale: the key is taken or has a new head
                continue
            if self.holders >= (self.urgent_capacity if priority == URGENT else self.capacity):
                return  # the most urgent candidate cannot go, so none can
            heapq.heappop(self._candidates)
            heapq.heappop(self._waiting[ticket.key])
            ticket.admitted = True
            self.holders += 1
            self._busy.add(ticket.key)
            if ticket.future is not None and not ticket.future.done():
                ticket.future.set_result(None)


# ---------------------------------------------------------------------- triage
class _Job(Generic[T]):
    def __init__(self, work: Callable[[], T], future: asyncio.Future[T]) -> None:
        self.work = work
        self.future = future
        self.started = False


class Triage:
    """Runs each update's safety reading in a worker thread, newest first.

    Newest first because under a flood the backlog is long and the update that has just come in
    is the one whose urgency is not known yet; the older ones wait their turn at the gate
    anyway, and one whose turn comes first is read by its handler (`result`)."""

    def __init__(self, reader: Executor, helper: Executor) -> None:
        self._reader = reader
        self._helper = helper
        self._stack: list[_Job[Any]] = []
        self._worker: asyncio.Task[None] | None = None

    def submit(self, work: Callable[[], T]) -> _Job[T]:
        job: _Job[T] = _Job(work, asyncio.get_running_loop().create_future())
        self._stack.append(job)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="hrbot:triage")
        return job

    async def result(self, job: _Job[T]) -> T:
        """The job's result: now, in the helper pool, if no worker has started it."""
        if not job.started:
            await self._run(job, self._helper)
        return await asyncio.shield(job.future)

    async def _work(self) -> None:
        while self._stack:
            job = self._stack.pop()
            if not job.started:
                await self._run(job, self._reader)

    @staticmethod
    async def _run(job: _Job[Any], executor: Executor) -> None:
        job.started = True
        try:
            value = await asyncio.get_running_loop().run_in_executor(executor, job.work)
        except Exception as exc:
            if not job.future.done():
                job.future.set_exception(exc)
            return
        if not job.future.done():
            job.future.set_result(value)

    async def close(self) -> None:
        self._stack.clear()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker


@dataclass
class Arrival:
    """What the processor found when an update arrived, for its handlers."""

    job: _Job[Any] | None
    triage: Triage
    ticket: Ticket
    apologised: bool = False  # the person has been told once that something went wrong

    async def reading(self) -> Any:
        return None if self.job is None else await self.triage.result(self.job)


_ARRIVAL: contextvars.ContextVar[Arrival | None] = contextvars.ContextVar(
    "hrbot_arrival", default=None
)


def arrival() -> Arrival | None:
    """The arrival of the update being handled (None outside the processor)."""
    return _ARRIVAL.get()


# What the processor asks of the bot for each update, as it arrives: None to let it wait as an
# ordinary update; True if it is urgent now (an emergency button); or work to run in a thread
# whose result says whether it is urgent (`is_urgent(result)`) and is kept for the handler.
Triager = Callable[[object], "bool | Callable[[], Any] | None"]


class Workers:
    """The threads that keep long work off the event loop: one that reads arrivals, and a few
    for handlers (matching)."""

    def __init__(self, helpers: int = 2) -> None:
        self.reader = ThreadPoolExecutor(1, thread_name_prefix="hrbot-triage")
        self.helper = ThreadPoolExecutor(helpers, thread_name_prefix="hrbot-match")
        self.triage = Triage(self.reader, self.helper)

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.helper, work, *args)

    async def close(self) -> None:
        await self.triage.close()
        self.reader.shutdown(wait=False, cancel_futures=True)
        self.helper.shutdown(wait=False, cancel_futures=True)


class PriorityUpdateProcessor(BaseUpdateProcessor):
    """Up to `concurrency` updates handled at once (`concurrency + urgent_extra` when the
    extra ones are urgent), one chat's updates in order, urgent ones first."""

    def __init__(
        self,
        concurrency: int,
        triager: Triager | None = None,
        is_urgent_reading: Callable[[Any], bool] | None = None,
        urgent_extra: int | None = None,
        workers: Workers | None = None,
    ) -> None:
        super().__init__(MAX_WAITING_UPDATES)
        extra = concurrency if urgent_extra is None else urgent_extra
        self.gate = PriorityGate(concurrency, concurrency + extra)
        self.workers = workers or Workers()
        self.triager = triager  # may be set after the Application is built (it needs its bot)
        self._is_urgent_reading = is_urgent_reading or bool

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        ticket = self.gate.enter(chat.id if chat is not None else None)
        job = self._triage(update, ticket)
        try:
            await self.gate.wait(ticket)
            token = _ARRIVAL.set(Arrival(job, self.workers.triage, ticket))
            try:
                with urgent(ticket.urgent):
                    await coroutine
            finally:
                _ARRIVAL.reset(token)
        finally:
            self.gate.leave(ticket)
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # a no-op once run; if cancelled while waiting, it never ran

    def _triage(self, update: object, ticket: Ticket) -> _Job[Any] | None:
        if self.triager is None:
            return None
        try:
            found = self.triager(update)
        except Exception as exc:  # a bug in triage must never cost the update its reply
            log.error("triage failed (%s)", type(exc).__name__)
            return None
        if found is True:
            self.gate.promote(ticket)
            return None
        if not callable(found):
            return None
        job = self.workers.triage.submit(found)

        def promote(future: asyncio.Future[Any]) -> None:
            if (
                not future.cancelled()
                and future.exception() is None
                and self._is_urgent_reading(future.result())
            ):
                self.gate.promote(ticket)

        job.future.add_done_callback(promote)
        return job

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        await self.workers.close()


# ---------------------------------------------------------------------- sending
class SendOutcomeUnknown(NetworkError):
    """A send went out and no answer came: it most likely arrived, so it is not repeated."""


@dataclass(frozen=True)
class Patience:
    """How hard to try one request: for 5xx and network errors, and for 429s."""

    attempts: int = ATTEMPTS
    retry_afters: int = RETRY_AFTER_RETRIES


ORDINARY_PATIENCE = Patience()
# For the one short "please send that again" after a reply could not be sent: Telegram has
# already failed several times in a row, so wait longer (about a minute in all) before giving up.
PATIENT = Patience(attempts=12, retry_afters=12)

# Causes of a NetworkError after which Telegram cannot have acted on the request: it never got
# all of it. Anything else after a send (a read time-out, a dropped connection) may have.
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteTimeout,
    httpx.WriteError,
    httpx.UnsupportedProtocol,
)
NOT_REPEATABLE_PREFIXES = ("send", "forward", "copy")  # methods that make a new message


def _nothing_sent(error: NetworkError) -> bool:
    cause = error.__cause__
    if isinstance(cause, httpx.HTTPError):  # the connection failed: before or after sending?
        return isinstance(cause, NOT_SENT)
    # No transport error under it: Telegram answered (a 5xx, maybe not even JSON) and did not do
    # it. A bare TimedOut says nothing of when it happened, so it counts as maybe sent.
    return not isinstance(error, TimedOut)


class PriorityRateLimiter(BaseRateLimiter[Patience]):
    def __init__(
        self,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        backoff: float = BACKOFF_SECONDS,
    ) -> None:
        self._overall = AsyncLimiter(overall_max_rate, 1) if overall_max_rate else None
        self._group_max_rate = group_max_rate
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._turn = PriorityGate(1)  # whose turn it is at the overall bucket
        self._not_paused = asyncio.Event()
        self._not_paused.set()
        self._backoff = backoff

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Patience | None,
    ) -> Result:
        patience = rate_limit_args or ORDINARY_PATIENCE
        priority = URGENT if is_urgent() else ORDINARY
        failures = retry_afters = 0
        delay = self._backoff
        while True:
            try:
                await self._wait_turn(data, priority)
                return await callback(*args, **kwargs)
            except (BadRequest, Forbidden):
                raise  # our mistake or a gone chat: sending again cannot help
            except RetryAfter as exc:
                retry_afters += 1
                if retry_afters > patience.retry_afters:
                    raise
                await self._pause(exc.retry_after, endpoint)
            except NetworkError as exc:  # 5xx, connection errors and time-outs
                if endpoint.startswith(NOT_REPEATABLE_PREFIXES) and not _nothing_sent(exc):
                    log.warning(
                        "Telegram %s: sent, but no answer came (%s); not sending it again",
                        endpoint,
                        type(exc.__cause__ or exc).__name__,
                    )
                    raise SendOutcomeUnknown(exc.message) from exc
                failures += 1
                if failures >= patience.attempts:
                    raise
                log.warning(
                    "Telegram %s failed (%s), try %d of %d; retrying in %.1fs",
                    endpoint,
                    type(exc).__name__,
                    failures,
                    patience.attempts,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    async def _wait_turn(self, data: dict[str, Any], priority: int) -> None:
        chat_id = data.get("chat_id")
        if chat_id is None:
            await self._not_paused.wait()
            return  # getUpdates, setMyCommands...: Telegram does not count these
        group = self._group(chat_id)
        if group is not None:
            await group.acquire()  # a group's own limit, outside the shared turn
        async with self._turn.held(priority=priority):
            await self._not_paused.wait()
            if self._overall is not None:
                await self._overall.acquire()

    def _group(self, chat_id: object) -> AsyncLimiter | None:
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[call-overload]
        is_group = isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
        if not is_group or not self._group_max_rate:
            return None
        key: int | str = chat_id  # type: ignore[assignment]
        if len(self._groups) > GROUP_LIMITERS_KEPT:
            for other, limiter in list(self._groups.items()):
                if other != key and limiter.has_capacity(limiter.max_rate):
                    del self._groups[other]
        if key not in self._groups:
            self._groups[key] = AsyncLimiter(self._group_max_rate, 60)
        return self._groups[key]

    async def _pause(self, retry_after: float | Any, endpoint: str) -> None:
        seconds = (
            retry_after.total_seconds()
            if hasattr(retry_after, "total_seconds")
            else float(retry_after)
        )
        log.info(
            "Telegram %s: too many requests; every request waits %.1fs", endpoint, seconds + 0.1
        )
        self._not_paused.clear()  # no one goes while Telegram asks us to wait
        try:
            await asyncio.sleep(seconds + 0.1)
        finally:
            self._not_paused.set()
