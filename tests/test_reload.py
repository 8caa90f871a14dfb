"""Live reload with real files, the real watcher and a real SIGHUP."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from conftest import INTENTS, bot_settings
from fake_bot_api import FakeBotApi, serve
from hostile import alias_bomb, fifo, link_to, nested, write
from lint_fixtures import intent_block, write_library

from bot.core import model_cache
from bot.core.hub import Hub
from bot.core.loader import LoadResult, load_library
from bot.core.responder import Responder
from bot.telegram.reload import LibraryReloader, reload_library, watch_library

PATIENCE = 30.0  # seconds; generous, the machine may be busy
NALOXONE = intent_block(
    "naloxone_kit",
    "You can get a free naloxone kit from a needle exchange.\n",
    examples=("where can i get a naloxone kit", "free narcan near me"),
    title="Get naloxone",
)
HOUSING = intent_block(
    "housing_help",
    "Your council can help if you have nowhere to stay tonight.\n",
    examples=("i have nowhere to sleep tonight", "i am homeless and need a bed"),
    title="Housing",
)


class SwapHub(Hub):
    """A Hub that says when it was given a new responder."""

    swapped: asyncio.Event

    def swap(self, responder: Responder) -> None:
        super().swap(responder)
        self.swapped.set()


class LogWaiter(logging.Handler):
    """Sets an event when a log line containing `text` is written."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.seen = asyncio.Event()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = record.getMessage()
        self.lines.append(line)
        if self.text in line:
            self.seen.set()


@contextlib.contextmanager
def listening(text: str) -> Iterator[LogWaiter]:
    waiter = LogWaiter(text)
    logger = logging.getLogger("bot.telegram.reload")
    logger.addHandler(waiter)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield waiter
    finally:
        logger.removeHandler(waiter)
        logger.setLevel(old_level)


def _hub(directory: Path) -> SwapHub:
    library = load_library(directory).library
    assert library is not None
    hub = SwapHub(Responder(library))
    hub.swapped = asyncio.Event()
    return hub


async def _until(event: asyncio.Event, poke: object = None, every: float = 1.0) -> None:
    """Wait for `event`, calling `poke()` again every `every` seconds (a watcher may not have
    been listening yet the first time), for at most PATIENCE seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not event.is_set():
        if callable(poke):
            poke()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), every)
        assert loop.time() < deadline, "gave up waiting"


@contextlib.asynccontextmanager
async def watching(hub: Hub, directory: Path) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(watch_library(hub, directory, stop, delay=0.1))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, PATIENCE)


async def test_reload_swaps_in_the_edited_library(tmp_path: Path) -> None:
    directory = write_library(tmp_path, NALOXONE)
    hub = _hub(directory)
    old = hub.responder
    assert hub.responder.reply("i have nowhere to sleep tonight").intent != "housing_help"
    (directory / "things.yaml").write_text(
        "version: 1\ntopic: Things\nintents:\n" + NALOXONE + HOUSING, encoding="utf-8"
    )
    with listening("library reloaded") as log:
        result = await reload_library(hub, directory)
    assert result.ok
    assert hub.responder is not old
    assert hub.responder.reply("i have nowhere to sleep tonight").intent == "housing_help"
    # A message that started on the old responder is still answered by it, whole.
    assert old.reply("where can i get a naloxone kit").intent == "naloxone_kit"
    assert log.lines == ["library reloaded (request): 4 intents"]


async def test_a_broken_library_is_refused_and_the_old_one_keeps_answering(
    tmp_path: Path,
) -> None:
    directory = write_library(tmp_path, NALOXONE)
    hub = _hub(directory)
    old = hub.responder
    (directory / "things.yaml").write_text(
        "version: 1\ntopic: Things\nintents:\n  - id: naloxone_kit\n    title: [unclosed\n"
    )
    with listening("library reload refused") as log:
        result = await reload_library(hub, directory)
    assert result.library is None
    assert hub.responder is old
    assert hub.responder.reply("where can i get a naloxone kit").intent == "naloxone_kit"
    assert log.seen.is_set()
    # The list is still open where the file ends: the error points at where it opened, line 5.
    assert any("things.yaml:5: error: YAML syntax error" in line for line in log.lines)


async def test_a_library_with_a_lint_error_is_refused(tmp_path: Path) -> None:
    directory = write_library(tmp_path, NALOXONE)
    hub = _hub(directory)
    old = hub.responder
    (directory / "things.yaml").write_text(
        "version: 1\ntopic: Things\nintents:\n"
        + intent_block("naloxone_kit", "Ring 0800 000 0000 for a kit.\n", title="Get naloxone"),
        encoding="utf-8",
    )
    with listening("library reload refused") as log:
        result = await reload_library(hub, directory)
    assert result.library is None and hub.responder is old
    assert any(
        "0800 000 0000, which is not on the list of checked numbers" in line for line in log.lines
    )


async def test_the_watcher_picks_up_an_edit_then_refuses_a_broken_one(tmp_path: Path) -> None:
    directory = write_library(tmp_path, NALOXONE)
    hub = _hub(directory)
    things = directory / "things.yaml"

    def add_housing() -> None:
        things.write_text("version: 1\ntopic: Things\nintents:\n" + NALOXONE + HOUSING)

    def break_it() -> None:
        things.write_text("version: 1\ntopic: Things\nintents: [\n")

    async with watching(hub, directory):
        await _until(hub.swapped, add_housing)
        good = hub.responder
        assert good.reply("i have nowhere to sleep tonight").intent == "housing_help"
        with listening("library reload refused") as log:
            await _until(log.seen, break_it)
        assert hub.responder is good
        assert hub.responder.reply("i am homeless and need a bed").intent == "housing_help"
        assert any("things.yaml" in line and "YAML syntax error" in line for line in log.lines)


async def test_sighup_reloads(tmp_path: Path) -> None:
    directory = write_library(tmp_path, NALOXONE)
    hub = _hub(directory)
    # Edited before the watcher starts, so only the signal can bring it in.
    (directory / "things.yaml").write_text(
        "version: 1\ntopic: Things\nintents:\n" + NALOXONE + HOUSING, encoding="utf-8"
    )
    # Until the watcher's handler is in place, a SIGHUP must not end the test run.
    previous = signal.signal(signal.SIGHUP, lambda *_: None)
    try:
        with listening("library reloaded (SIGHUP)") as log:
            async with watching(hub, directory):
                await _until(log.seen, lambda: os.kill(os.getpid(), signal.SIGHUP))
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert hub.responder.reply("i have nowhere to sleep tonight").intent == "housing_help"


async def test_a_missing_folder_ends_the_watcher_with_a_log_line(tmp_path: Path) -> None:
    directory = write_library(tmp_path, NALOXONE)
    hub = _hub(directory)
    with listening("cannot watch the intents folder") as log:
        await asyncio.wait_for(
            LibraryReloader(hub, tmp_path / "gone").watch(asyncio.Event()), PATIENCE
        )
    assert log.seen.is_set()


class CountingReloader(LibraryReloader):
    """Counts how many builds run at once (builds run in worker threads)."""

    def __init__(self, hub: Hub, directory: Path) -> None:
        super().__init__(hub, directory)
        self.guard = threading.Lock()
        self.running = self.most = 0

    def _build(self) -> tuple[LoadResult, Responder | None]:
        with self.guard:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return super()._build()
        finally:
            with self.guard:
                self.running -= 1


async def test_reloads_run_one_at_a_time(tmp_path: Path) -> None:
    directory = write_library(tmp_path, NALOXONE)
    reloader = CountingReloader(_hub(directory), directory)
    with listening("library reloaded") as log:
        results = await asyncio.gather(*(reloader.reload("request") for _ in range(4)))
    assert all(r.ok for r in results)
    assert reloader.most == 1
    assert log.lines == ["library reloaded (request): 3 intents"] * 4


async def test_the_running_telegram_bot_answers_from_the_edited_files(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    from bot.telegram.app import build_application

    directory = write_library(tmp_path, NALOXONE)
    hub = _hub(directory)
    things = directory / "things.yaml"
    settings = bot_settings(fake_api, reload_seconds=0.2, database_path=tmp_path / "db.sqlite3")
    application = build_application(settings, hub, watch=directory)
    async with serve(application):
        [before] = await fake_api.send_text(7, "i have nowhere to sleep tonight")
        assert "council" not in before.text
        await _until(
            hub.swapped,
            lambda: things.write_text(
                "version: 1\ntopic: Things\nintents:\n" + NALOXONE + HOUSING, encoding="utf-8"
            ),
        )
        [after] = await fake_api.send_text(7, "i have nowhere to sleep tonight")
    # (the reply may open with the safety check: "tonight" and "nowhere" worry the safety layer)
    assert after.text.endswith("Your council can help if you have nowhere to stay tonight.")


# ---------------------------------------------------------------------- hostile files
HOSTILE_DROPS = [
    ("named pipe", fifo, "hostile.yaml:1: error: this is a named pipe (FIFO)"),
    ("alias bomb", write(alias_bomb()), "hostile.yaml:2: error: '&a' is a YAML anchor"),
    ("link to /dev/zero", link_to("/dev/zero"), "hostile.yaml:1: error: the file is a link"),
    ("900 deep", write(nested(900)), "hostile.yaml:2: error: lists and sections are nested"),
]


def drop(make: Callable[[Path], None], path: Path) -> None:
    """(Re)make the file, so the watcher sees a change even if it was not listening before."""
    path.unlink(missing_ok=True)
    make(path)


async def test_the_watcher_refuses_hostile_files_and_keeps_going(tmp_path: Path) -> None:
    directory = write_library(tmp_path, NALOXONE)
    hub = _hub(directory)
    old = hub.responder
    hostile = directory / "hostile.yaml"
    async with watching(hub, directory):
        for name, make, problem in HOSTILE_DROPS:
            with listening(problem) as log:
                await _until(log.seen, lambda make=make: drop(make, hostile))
            assert hub.responder is old, name
            assert hub.responder.reply("where can i get a naloxone kit").intent == "naloxone_kit"
            hostile.unlink()
        # Still watching: a good edit after all of that is taken.
        await _until(
            hub.swapped,
            lambda: (directory / "things.yaml").write_text(
                "version: 1\ntopic: Things\nintents:\n" + NALOXONE + HOUSING, encoding="utf-8"
            ),
        )
    assert hub.responder.reply("i have nowhere to sleep tonight").intent == "housing_help"


class StuckReloader(LibraryReloader):
    """A build that never ends by itself, as a read of a file that blocks would."""

    def __init__(self, hub: Hub, directory: Path) -> None:
        super().__init__(hub, directory)
        self.started = threading.Event()
        self.release = threading.Event()

    def _build(self) -> tuple[LoadResult, Responder | None]:
        self.started.set()
        self.release.wait()
        return super()._build()


async def test_stopping_does_not_wait_for_a_stuck_reload(tmp_path: Path) -> None:
    directory = write_library(tmp_path, NALOXONE)
    reloader = StuckReloader(_hub(directory), directory)
    stop = asyncio.Event()
    task = asyncio.create_task(reloader.watch(stop, delay=0.1))
    things = directory / "things.yaml"
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PATIENCE
        while not reloader.started.is_set():
            things.write_text(things.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            await asyncio.sleep(0.5)
            assert loop.time() < deadline, "the watcher never started a reload"
        stop.set()
        await asyncio.wait_for(task, PATIENCE)  # returns although the build is still running
        assert not reloader.release.is_set()
    finally:
        reloader.release.set()  # let the thread finish; nobody waits for its result


@pytest.mark.slow  # starts the bot as a process
async def test_sigterm_stops_the_bot_with_a_named_pipe_in_its_folder(
    fake_api: FakeBotApi, responder: Responder, tmp_path: Path
) -> None:
    from test_telegram_process import STARTUP_SECONDS, start, stop

    directory = tmp_path / "intents"
    shutil.copytree(INTENTS, directory)
    process = await start(fake_api, tmp_path, INTENTS_DIR=str(directory), RELOAD_SECONDS="0.2")
    try:
        await fake_api.wait_for(lambda: fake_api.polling, STARTUP_SECONDS, "polling")
        os.mkfifo(directory / "pipe.yaml")
        log = tmp_path / "hrbot.log"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PATIENCE
        while "pipe.yaml:1: error: this is a named pipe" not in log.read_text():
            await asyncio.sleep(0.2)
            assert loop.time() < deadline, "the pipe was never refused"
        [answer] = await fake_api.send_text(5550001, "what is naloxone please")
        assert answer.text == responder.library.intents["naloxone_what"].answer
    finally:
        code = await stop(process)
    assert code == 0


async def test_a_bot_that_trains_apart_reloads_from_a_separate_process(tmp_path: Path) -> None:
    directory = write_library(tmp_path, NALOXONE)
    library = load_library(directory).library
    assert library is not None
    cache = tmp_path / "models"
    hub = Hub(Responder(library, model_cache=cache, train_apart=True))
    (directory / "things.yaml").write_text(
        "version: 1\ntopic: Things\nintents:\n" + NALOXONE + HOUSING, encoding="utf-8"
    )
    result = await reload_library(hub, directory)
    assert result.ok
    assert hub.responder.train_apart and hub.responder.model_cache == cache
    assert model_cache.exists(cache, hub.responder.classifiers.key)
    assert hub.responder.reply("i have nowhere to sleep tonight").intent == "housing_help"
