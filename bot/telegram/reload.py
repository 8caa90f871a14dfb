"""Live reload: the running bot picks up edited intent files, and reloads on SIGHUP.

A new library is checked (the loader's checks and lint's errors, without the slow
confusable-intents rule) and built into a whole new Responder off the event loop. Only then is
it swapped into the Hub, so a message being answered keeps the responder it started with. A
library with errors is refused: the old one stays in service and the errors go to the log with
file:line. Nothing here prints; no message text is ever logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from watchfiles import Change, DefaultFilter, awatch

from ..content.lint import LintOptions, lint_library
from ..core.hub import Hub
from ..core.loader import LoadResult
from ..core.responder import Responder

log = logging.getLogger(__name__)

DEFAULT_DELAY = 0.5  # seconds of quiet after the last change before reloading
# The shipped library trains in about 6 s (bench/bench_match.py); a library 20 times its size, in
# about two minutes, so it would be given up. A build still running after this is given up (it
# cannot be stopped, but it no longer holds up later reloads).
BUILD_TIMEOUT = 60.0
T = TypeVar("T")


async def _in_daemon_thread(work: Callable[[], T]) -> T:
    """`work()` on a thread of its own that does not keep the process alive: if it never ended
    (a file that blocks), asyncio's own threads would make the process hang at exit, SIGTERM
    or not."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(setter: Callable[[Any], None], value: object) -> None:
        if not future.done():  # else given up on, or cancelled because the bot is stopping
            setter(value)

    def deliver(setter: Callable[[Any], None], value: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(settle, setter, value)

    def run() -> None:
        try:
            value = work()
        except BaseException as exc:  # handed to the coroutine that awaits it
            deliver(future.set_exception, exc)
        else:
            deliver(future.set_result, value)

    threading.Thread(target=run, name="library-reload", daemon=True).start()
    return await future


def check_library(directory: Path) -> LoadResult:
    """Load `directory` as a live reload would take it: library None if it has any error."""
    result = lint_library(directory, LintOptions(confusion=False, corpus=False))
    return LoadResult(None if result.failed() else result.library, result.problems)


class _LibraryFiles(DefaultFilter):
    """YAML files only, minus editor swap and backup files (the default filter drops those)."""

    def __call__(self, change: Change, path: str) -> bool:
        return path.endswith((".yaml", ".yml")) and super().__call__(change, path)


class LibraryReloader:
    """Reloads one library folder into one Hub, one reload at a time, newest files last."""

    def __init__(self, hub: Hub, directory: Path | str) -> None:
        self.hub = hub
        self.directory = Path(directory)
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[LoadResult]] = set()

    def _build(self) -> tuple[LoadResult, Responder | None]:
        result = check_library(self.directory)
        if result.library is None:
            return result, None
        old = self.hub.responder
        responder = Responder(
            result.library, old.thresholds, model_cache=old.model_cache, train_apart=old.train_apart
        )
        return result, responder

    async def reload(self, why: str = "request") -> LoadResult:
        # The lock keeps an older, slower reload from swapping in after a newer one.
        async with self._lock:
            try:
                result, responder = await asyncio.wait_for(
                    _in_daemon_thread(self._build), BUILD_TIMEOUT
                )
            except TimeoutError:
                log.error(
                    "library reload took over %.0f s (%s); the previous library stays",
                    BUILD_TIMEOUT,
                    why,
                )
                return LoadResult(None, [])
            except Exception:  # a bug or a file vanishing mid-read must not stop the bot
                log.exception("library reload failed (%s); the previous library stays", why)
                return LoadResult(None, [])
            if responder is None:
                errors = result.errors or result.problems
                log.warning(
                    "library reload refused (%s): %d error(s); the previous library "
                    "stays in service",
                    why,
                    len(errors),
                )
                for problem in errors:
                    log.warning("%s", problem)
                return result
            self.hub.swap(responder)
            log.info("library reloaded (%s): %d intents", why, len(responder.library.intents))
            return result

    def _on_sighup(self) -> Callable[[], object]:
        """Reload on SIGHUP; returns the function that removes the handler."""
        loop = asyncio.get_running_loop()

        def handle() -> None:
            task = loop.create_task(self.reload("SIGHUP"))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        try:
            loop.add_signal_handler(signal.SIGHUP, handle)
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            log.info("no SIGHUP reload here (not the main thread, or no SIGHUP on this system)")
            return lambda: None
        return lambda: loop.remove_signal_handler(signal.SIGHUP)

    async def watch(self, stop_event: asyncio.Event, delay: float = DEFAULT_DELAY) -> None:
        """Reload on every change to the folder's YAML files and on SIGHUP, until stop_event."""
        remove = self._on_sighup()
        quiet_ms = max(50, int(delay * 1000))
        try:
            async for _changes in awatch(
                self.directory,
                watch_filter=_LibraryFiles(),
                stop_event=stop_event,
                step=quiet_ms,
                debounce=quiet_ms + 2000,
            ):
                if not await _unless_stopped(self.reload("files changed"), stop_event):
                    break
        except FileNotFoundError:
            log.error("cannot watch the intents folder: it does not exist")
        finally:
            remove()
            for task in list(self._tasks):
                await _unless_stopped(task, stop_event)


async def _unless_stopped(
    work: Coroutine[object, object, LoadResult] | asyncio.Task[LoadResult], stop: asyncio.Event
) -> bool:
    """Await `work`, unless `stop` is set first: then cancel it (the bot is stopping and must
    not wait for a reload). True if the work finished."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if task.done():
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


async def reload_library(hub: Hub, directory: Path | str) -> LoadResult:
    """Reload once (for example from an admin command). The result says what was found."""
    return await LibraryReloader(hub, directory).reload()


async def watch_library(
    hub: Hub, directory: Path | str, stop_event: asyncio.Event, delay: float = DEFAULT_DELAY
) -> None:
    """Run until `stop_event` is set: reload on file changes and on SIGHUP."""
    await LibraryReloader(hub, directory).watch(stop_event, delay)
