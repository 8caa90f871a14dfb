"""bot/telegram/runtime.py on its own: the priority gate, the update processor's order, the rate
limiter's order and its retries, and the sends it never repeats."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from telegram import Chat, Message, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.telegram.runtime import (
    ATTEMPTS,
    PATIENT,
    URGENT,
    PriorityGate,
    PriorityRateLimiter,
    PriorityUpdateProcessor,
    SendOutcomeUnknown,
    arrival,
    is_urgent,
    urgent,
)


@pytest.fixture(autouse=True)
def timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as build_application sets it


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def holders(
    gate: PriorityGate,
    order: list[str],
    name: str,
    key: object = None,
    priority: int = 1,
    release: asyncio.Event | None = None,
) -> None:
    async with gate.held(key, priority):
        order.append(name)
        if release is not None:
            await release.wait()


async def test_the_gate_lets_urgent_first_then_in_arrival_order() -> None:
    gate, order, release = PriorityGate(1), [], asyncio.Event()
    first = asyncio.create_task(holders(gate, order, "first", release=release))
    await settle()
    others = [asyncio.create_task(holders(gate, order, n)) for n in ("b", "c", "d")]
    await settle()
    ticket = gate.enter()  # waits like the others, then is made urgent
    gate.promote(ticket)
    release.set()
    await first
    await gate.wait(ticket)
    order.append("urgent")
    gate.leave(ticket)
    await asyncio.gather(*others)
    assert order == ["first", "urgent", "b", "c", "d"]


async def test_one_key_at_a_time_and_urgent_overtakes_within_a_key() -> None:
    gate, order, release = PriorityGate(4), [], asyncio.Event()
    busy = asyncio.create_task(holders(gate, order, "1a", key=1, release=release))
    await settle()
    waiting = [
        asyncio.create_task(holders(gate, order, "1b", key=1)),
        asyncio.create_task(holders(gate, order, "1c!", key=1, priority=URGENT)),
        asyncio.create_task(holders(gate, order, "2a", key=2)),
    ]
    await settle()
    assert order == ["1a", "2a"], "another key is not held up; one holder per key"
    release.set()
    await asyncio.gather(busy, *waiting)
    assert order == ["1a", "2a", "1c!", "1b"]


async def test_urgent_ones_have_room_of_their_own() -> None:
    gate, order, release = PriorityGate(1, urgent_capacity=2), [], asyncio.Event()
    busy = asyncio.create_task(holders(gate, order, "ordinary", release=release))
    await settle()
    late = asyncio.create_task(holders(gate, order, "late"))
    emergency = asyncio.create_task(holders(gate, order, "urgent", priority=URGENT))
    await emergency  # in at once: it does not wait for the ordinary holder
    assert order == ["ordinary", "urgent"]
    release.set()
    await asyncio.gather(busy, late)


async def test_a_cancelled_waiter_gives_its_place_back() -> None:
    gate, order, release = PriorityGate(1), [], asyncio.Event()
    busy = asyncio.create_task(holders(gate, order, "a", release=release))
    await settle()
    gone = asyncio.create_task(holders(gate, order, "gone"))
    after = asyncio.create_task(holders(gate, order, "after"))
    await settle()
    gone.cancel()
    release.set()
    await asyncio.gather(busy, after)
    assert order == ["a", "after"] and gate.holders == 0


def update(chat_id: int, number: int) -> Update:
    chat = Chat(chat_id, "private")
    return Update(number, message=Message(number, None, chat))  # type: ignore[arg-type]


async def test_the_processor_keeps_a_chat_in_order_and_puts_emergencies_first() -> None:
    emergencies = {5}
    processor = PriorityUpdateProcessor(
        1,
        triager=lambda u: lambda: u.update_id in emergencies,  # type: ignore[attr-defined]
        urgent_extra=0,
    )
    seen: list[str] = []
    release = asyncio.Event()

    async def work(name: str, wait: bool = False) -> None:
        if wait:
            await release.wait()
        seen.append(f"{name}{'!' if is_urgent() else ''}")
        assert arrival() is not None

    async with processor:
        jobs = [asyncio.create_task(processor.process_update(update(1, 1), work("1a", True)))]
        await settle()
        jobs += [
            asyncio.create_task(processor.process_update(update(c, n), work(name)))
            for c, n, name in ((1, 2, "1b"), (2, 3, "2a"), (3, 4, "3a"), (4, 5, "4a"))
        ]
        for _ in range(200):  # the reading of update 5 is done in a thread
            if processor.gate._waiting.get(4) and processor.gate._waiting[4][-1][0] == URGENT:
                break
            await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(*jobs)
    assert seen == ["1a", "4a!", "1b", "2a", "3a"]


# ---------------------------------------------------------------------- the rate limiter
def call(errors: list[Exception], tries: list[float]) -> Callable[[], Awaitable[bool]]:
    async def send() -> bool:
        tries.append(time.monotonic())
        if errors:
            raise errors.pop(0)
        return True

    return send


async def request(
    limiter: PriorityRateLimiter,
    errors: list[Exception],
    tries: list[float],
    endpoint: str = "sendMessage",
    patience: Any = None,
) -> object:
    return await limiter.process_request(
        call(errors, tries), (), {}, endpoint, {"chat_id": 1}, patience
    )


def caused(error: TimedOut | NetworkError, cause: Exception) -> Exception:
    error.__cause__ = cause
    return error


async def test_a_send_is_retried_only_when_telegram_cannot_have_acted_on_it() -> None:
    limiter, tries = PriorityRateLimiter(backoff=0.01), []
    never_sent = [
        caused(TimedOut(), httpx.ConnectTimeout("x")),
        caused(TimedOut(), httpx.PoolTimeout("x")),
        caused(NetworkError("x"), httpx.ConnectError("x")),
        caused(TimedOut(), httpx.WriteTimeout("x")),
        NetworkError("Bad Gateway"),
    ]  # a 5xx answer: Telegram did not do it
    assert await request(limiter, never_sent, tries, patience=PATIENT) is True
    assert len(tries) == 6
    for unknown in (
        caused(TimedOut(), httpx.ReadTimeout("x")),
        caused(NetworkError("x"), httpx.RemoteProtocolError("x")),
        TimedOut(),
    ):
        tries.clear()
        with pytest.raises(SendOutcomeUnknown):
            await request(limiter, [unknown], tries)
        assert len(tries) == 1, "sent once: it may well have arrived"
    tries.clear()  # asking is not sending: a read time-out of getUpdates is tried again
    assert (
        await request(limiter, [caused(TimedOut(), httpx.ReadTimeout("x"))], tries, "getUpdates")
        is True
    )
    assert len(tries) == 2


async def test_retries_are_bounded_and_a_patient_request_tries_longer() -> None:
    limiter, tries = PriorityRateLimiter(backoff=0.001), []
    with pytest.raises(NetworkError):
        await request(limiter, [NetworkError("Bad Gateway")] * 20, tries)
    assert len(tries) == ATTEMPTS
    tries.clear()
    assert (
        await request(limiter, [NetworkError("Bad Gateway")] * 8, tries, patience=PATIENT) is True
    )
    assert len(tries) == 9
    tries.clear()
    with pytest.raises(BadRequest):
        await request(limiter, [BadRequest("Chat not found")], tries)
    assert len(tries) == 1


async def test_a_429_stops_every_request_for_retry_after() -> None:
    limiter, tries, other = PriorityRateLimiter(), [], []
    first = asyncio.create_task(request(limiter, [RetryAfter(1)], tries))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(request(limiter, [], other))
    await asyncio.gather(first, second)
    assert len(tries) == 2 and tries[1] - tries[0] >= 1.0
    assert other[0] - tries[0] >= 1.0, "no one goes while Telegram asks us to wait"


async def test_an_urgent_message_is_the_next_to_go_however_many_wait() -> None:
    limiter = PriorityRateLimiter(overall_max_rate=20)
    sent: list[str] = []

    async def send(name: str) -> None:
        async def go() -> bool:
            sent.append(name)
            return True

        await limiter.process_request(go, (), {}, "sendMessage", {"chat_id": 7}, None)

    ordinary = [asyncio.create_task(send(f"m{i}")) for i in range(60)]
    await asyncio.sleep(0.3)
    before = len(sent)
    with urgent():
        emergency = asyncio.create_task(send("urgent"))
    await emergency
    position = sent.index("urgent")
    assert position <= before + 2, f"{position - before} ordinary messages went first"
    for task in ordinary:
        task.cancel()
    await asyncio.gather(*ordinary, return_exceptions=True)
