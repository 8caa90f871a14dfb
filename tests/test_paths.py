"""Every `hrbot` command finds its files the same way: the option, else the setting (INTENTS_DIR,
SERVICES_FILE, DATABASE_PATH, HEARTBEAT_FILE from the environment or .env), else the one default
in bot/core/settings.py."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from lint_fixtures import REPO, intent_block, write_library

from bot.cli.args import EXIT_USAGE, PATH_SETTINGS
from bot.cli.main import main
from bot.core.settings import Settings

NALOXONE = intent_block(
    "naloxone_kit",
    "You can get a free naloxone kit from a needle exchange or drug service.\n",
    examples=("where can i get a naloxone kit", "free narcan near me", "how do i get naloxone"),
    title="Get naloxone",
)
CASES = """\
- text: "where do i get naloxone"
  intent: naloxone_kit
"""


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small library away from the working folder, which has no intents/ of its own."""
    library = write_library(tmp_path / "library", NALOXONE)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return library


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("how", ["environment", ".env"])
def test_every_library_command_reads_intents_dir(
    elsewhere: Path,
    how: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if how == "environment":
        monkeypatch.setenv("INTENTS_DIR", str(elsewhere))
    else:
        Path(".env").write_text(f"INTENTS_DIR={elsewhere}\n", encoding="utf-8")
    Path("cases.yaml").write_text(CASES, encoding="utf-8")
    code, out = run(capsys, "check")
    assert (code, out.splitlines()[-1]) == (
        0,
        f"OK: 3 intents, 9 examples, 0 lexicon entries in {elsewhere}",
    )
    code, out = run(capsys, "lint", "--quick")
    assert code == 0 and f"in {elsewhere}" in out
    code, out = run(capsys, "eval", "cases.yaml")
    assert code == 0 and "accuracy: 100.0%" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("where do i get naloxone\n"))
    code, out = run(capsys, "match", "--jsonl")
    assert code == 0 and '"intent": "naloxone_kit"' in out
    monkeypatch.setattr("sys.stdin", io.StringIO("where do i get naloxone\n"))
    code, out = run(capsys, "chat")
    assert code == 0 and "free naloxone kit" in out
    # `run` without a token is the terminal chat on the same library.
    monkeypatch.setattr("sys.stdin", io.StringIO("where do i get naloxone\n"))
    code, out = run(capsys, "run")
    assert code == 0 and "free naloxone kit" in out


def test_the_option_wins_over_the_setting(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTENTS_DIR", str(elsewhere.parent / "nowhere"))
    for argv in (["check", str(elsewhere)], ["check", "--dir", str(elsewhere)]):
        code, out = run(capsys, *argv)
        assert code == 0 and out.startswith("OK: 3 intents"), argv
    for argv in (["lint", "--quick", str(elsewhere)], ["lint", "--quick", "--dir", str(elsewhere)]):
        code, out = run(capsys, *argv)
        assert code == 0 and f"OK: no problems in {elsewhere}" in out, argv


def test_the_folder_given_twice_differently_is_a_usage_error(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "check", str(elsewhere), "--dir", "other")
    assert code == EXIT_USAGE
    assert f"the intents folder is given twice ({elsewhere} and --dir other)" in out
    code, out = run(capsys, "check", str(elsewhere), "--dir", str(elsewhere))
    assert code == 0


def test_without_a_setting_the_default_folder_is_intents(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = Settings.model_fields["intents_dir"].default
    assert default == Path("intents")
    code, out = run(capsys, "check")
    assert code == 1 and out.startswith(f"{default}:1: error: no such folder")
    Path("intents").symlink_to(elsewhere)
    code, out = run(capsys, "check")
    assert code == 0 and out.rstrip().endswith(f"in {default}")


def test_a_command_given_every_path_does_not_read_the_settings(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path(".env").write_text("LOG_LEVEL=loudest\n", encoding="utf-8")
    none = elsewhere.parent / "no_services.yaml"
    code, out = run(capsys, "check", str(elsewhere), "--services", str(none))
    assert code == 1 and "no_services.yaml:1: error: cannot read the file" in out
    code, out = run(capsys, "check", str(elsewhere))  # SERVICES_FILE is needed: .env is read
    assert code == EXIT_USAGE and "setting LOG_LEVEL: use one of" in out


def test_env_example_copied_as_it_is_keeps_every_path_default(elsewhere: Path) -> None:
    shutil.copy(REPO / ".env.example", ".env")  # what README says to do first
    settings = Settings()
    for name in PATH_SETTINGS.values():
        assert getattr(settings, name) == Settings.model_fields[name].default, name
