"""The wheel works on its own: built from the source, installed (not editable) into a fresh venv
and run from a folder outside the repository, so nothing can come from the source tree. Every
data file the package reads (the JSON Schemas above all) has to be inside the wheel for `hrbot
check` and `hrbot match` to work.

Only hrbot comes from the wheel: the third-party packages are borrowed from the project's own venv
through a .pth file, so the test needs no network. `pip check` then proves the wheel's declared
dependencies are all met by them.
"""

from __future__ import annotations

import io
import json
import os
import runpy
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import INTENTS, REPO

from bot.cli.main import main
from bot.core.settings import Settings

# What the wheel is built from: the files pyproject.toml names (readme, license) and the package.
SOURCES = ("pyproject.toml", "README.md", "LICENSE")
TIMEOUT = 120  # seconds for one step on a busy 2-core machine
MESSAGES = "where can i get naloxone\nhes gone blue and wont wake up\nwhen is the football on\n"


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def build_wheel(tmp: Path) -> Path:
    """Build from a copy, so the build leaves no build/ or egg-info in the working tree."""
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        (source / name).write_bytes((REPO / name).read_bytes())
    shutil.copytree(REPO / "bot", source / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp / "dist"
    # No build isolation: the backend (setuptools, pinned in the lock) is already installed, so
    # building downloads nothing.
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--quiet",
        "--wheel-dir",
        dist,
        source,
        cwd=tmp,
    )
    [wheel] = dist.glob("hrbot-*.whl")
    return wheel


def fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "--quiet",
        wheel,
        cwd=tmp,
    )
    site = run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp
    ).stdout.strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    # A .pth line only adds the folder: the editable install's own .pth files there are not
    # run, so `bot` can only be found in the wheel's copy.
    (Path(site) / "borrowed_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return venv


def clean_env(venv: Path) -> dict[str, str]:
    """No hrbot setting (SERVICES_FILE, INTENTS_DIR...) leaks in from the developer's shell."""
    settings = {name.upper() for name in Settings.model_fields}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in settings and k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_runs(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    cli_reuses_the_shipped_responder: None,
) -> None:
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bot/py.typed" in names
    assert "bot/core/schemas/intents.schema.json" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

    venv = fresh_venv(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"  # no intents/, no .env, no bot/ beside it
    elsewhere.mkdir()
    env = clean_env(venv)
    bin_ = venv / "bin"

    where = run(bin_ / "python", "-c", "import bot; print(bot.__file__)", cwd=elsewhere, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv)
    run(sys.executable, "-m", "pip", "--python", bin_ / "python", "check", cwd=elsewhere, env=env)

    assert run(bin_ / "hrbot", "--version", cwd=elsewhere, env=env).stdout.strip() == (
        f"hrbot {version('hrbot')}"
    )

    check = run(bin_ / "hrbot", "check", INTENTS, cwd=elsewhere, env=env)
    assert check.stdout.startswith("OK: "), check.stdout
    (elsewhere / "alive").touch()
    assert run(bin_ / "hrbot-health", "--file", "alive", cwd=elsewhere, env=env).stdout.startswith(
        "alive: "
    )

    matched = run(
        bin_ / "hrbot", "match", "--jsonl", "--dir", INTENTS, cwd=elsewhere, env=env, stdin=MESSAGES
    )
    # The installed wheel answers exactly as the source tree does (with the session's responder
    # for the same library, rather than building another).
    monkeypatch.setattr(sys, "stdin", io.StringIO(MESSAGES))
    assert main(["match", "--jsonl", "--dir", str(INTENTS)]) == 0
    expected = capsys.readouterr().out
    assert [json.loads(line) for line in matched.stdout.splitlines()] == [
        json.loads(line) for line in expected.splitlines()
    ]
    assert len(matched.stdout.splitlines()) == MESSAGES.count("\n")


def test_python_dash_m_bot_is_the_hrbot_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["bot", "--version"])
    with pytest.raises(SystemExit) as stopped:
        runpy.run_module("bot", run_name="__main__", alter_sys=True)
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"hrbot {version('hrbot')}\n"
