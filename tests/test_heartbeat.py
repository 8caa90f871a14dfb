"""The heartbeat file and `hrbot health`, the container's health check for a bot that polls."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import bot_settings
from fake_bot_api import FakeBotApi, serve

from bot.cli.main import main
from bot.core.hub import Hub
from bot.telegram.app import build_application
from bot.telegram.heartbeat import MAX_AGE_SECONDS, Heartbeat


async def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        await asyncio.sleep(0.02)


def health(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["health", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


async def test_beats_only_while_alive_and_removes_the_file_when_stopped(tmp_path: Path) -> None:
    path = tmp_path / "alive"
    running = False
    heartbeat = Heartbeat(path, lambda: running, every=0.05).start()
    await asyncio.sleep(0.2)
    assert not path.exists()
    running = True
    await wait_until(path.exists)
    first = path.stat().st_mtime_ns
    await wait_until(lambda: path.stat().st_mtime_ns > first)  # it keeps beating
    await heartbeat.stop()
    assert not path.exists()


async def test_an_unwritable_file_is_logged_once_and_never_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    heartbeat = Heartbeat(tmp_path / "no such folder" / "alive", lambda: True, every=0.02).start()
    with caplog.at_level(logging.WARNING, logger="bot.telegram.heartbeat"):
        await asyncio.sleep(0.2)
        await heartbeat.stop()
    assert [r.getMessage() for r in caplog.records] == [
        "cannot write the heartbeat file (FileNotFoundError); health checks will fail"
    ]


def test_health_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "alive"
    assert health(capsys, "--file", str(path)) == (1, f"not running: no heartbeat file at {path}\n")
    path.touch()
    code, out = health(capsys, "--file", str(path))
    assert (code, out.split(":")[0]) == (0, "alive")
    old = time.time() - MAX_AGE_SECONDS - 5
    os.utime(path, (old, old))
    code, out = health(capsys, "--file", str(path))
    assert (code, out.split(":")[0]) == (1, "stuck or stopped")
    assert health(capsys, "--file", str(path), "--max-age", "3600")[0] == 0

    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("HEARTBEAT_FILE", str(path))
    assert health(capsys, "--max-age", "3600")[0] == 0
    monkeypatch.delenv("HEARTBEAT_FILE")
    code, out = health(capsys)
    assert code == 2 and "HEARTBEAT_FILE" in out


async def test_the_running_bot_beats_and_stops_beating_when_it_stops(
    fake_api: FakeBotApi, hub: Hub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "alive"
    application = build_application(bot_settings(fake_api, heartbeat_file=path), hub)
    async with serve(application):
        await wait_until(path.exists)
        assert health(capsys, "--file", str(path))[0] == 0
        assert application.post_stop is not None
        await application.post_stop(application)  # as run_polling does once it has stopped
    assert health(capsys, "--file", str(path))[0] == 1


def test_hrbot_health_alone_loads_nothing_else_of_the_bot(tmp_path: Path) -> None:
    # The container runs it every minute: it must not load the matcher and the learned layers.
    probe = (
        "import sys; from bot.cli.health import main; code = main(sys.argv[1:]); "
        "print(code, sorted(m for m in sys.modules if m.startswith(('bot.', 'sklearn', 'numpy'))))"
    )
    (tmp_path / "alive").touch()
    run = subprocess.run(
        [sys.executable, "-c", probe, "--file", str(tmp_path / "alive")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    code, modules = run.stdout.splitlines()[-1].split(" ", 1)
    assert code == "0"
    assert modules == (
        "['bot.cli', 'bot.cli.args', 'bot.cli.health', 'bot.telegram', 'bot.telegram.heartbeat']"
    )
