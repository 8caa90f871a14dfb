"""A heartbeat file for health checks (HEARTBEAT_FILE): the running bot touches it every
HEARTBEAT_SECONDS while it is running, and `hrbot health` says whether it was touched lately.

A bot that polls Telegram opens no port a health check could knock on, and its process can be
alive while its event loop is stuck. The file is touched from that event loop, so a fresh file
means the bot is running and still getting through its work. Nothing is written in it, and a
failure to write it is logged once, never fatal: it is for the health check, not for the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0
# A check allows three missed beats, so one slow moment on a busy machine is not a failure.
MAX_AGE_SECONDS = 3 * HEARTBEAT_SECONDS


@dataclass
class Heartbeat:
    path: Path
    alive: Callable[[], bool]
    every: float = HEARTBEAT_SECONDS
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None
    _warned: bool = False

    def start(self) -> Heartbeat:
        self._task = asyncio.create_task(self._run())
        return self

    async def stop(self) -> None:
        """Stop beating and remove the file, so a stopped bot never looks healthy."""
        self._stop.set()
        if self._task is not None:
            await self._task
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    def beat(self) -> None:
        try:
            self.path.touch()
        except OSError as exc:
            if not self._warned:
                log.warning(
                    "cannot write the heartbeat file (%s); health checks will fail",
                    type(exc).__name__,
                )
                self._warned = True

    async def _run(self) -> None:
        wait = min(self.every, 0.2)  # the bot starts running just after this starts: look soon
        while not self._stop.is_set():
            if self.alive():
                self.beat()
                wait = self.every
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), wait)


def start_heartbeat(path: Path | None, alive: Callable[[], bool]) -> Heartbeat | None:
    """A running Heartbeat on `path`, or None when no file is set."""
    return Heartbeat(path, alive).start() if path is not None else None


def seconds_since_beat(path: Path, now: float | None = None) -> float | None:
    """How long ago the file was touched; None if there is no file."""
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return (time.time() if now is None else now) - touched
