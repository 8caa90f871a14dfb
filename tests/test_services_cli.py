"""`hrbot check` checks the services file given with --services, or SERVICES_FILE."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from bot.cli.main import main

REPO = Path(__file__).resolve().parents[1]
BROKEN = """\
version: 1
services:
  - id: hub
    name: Hub
    offers: [needle_exchnage]
    address: 1 Some Street, Leeds
    postcode: LS1 4AP
    place: Leeds
    latitude: 53.8
    longitude: -1.55
"""


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Run away from any developer's .env, with no SERVICES_FILE in the environment.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SERVICES_FILE", raising=False)


def check(*args: str) -> int:
    return main(["check", str(REPO / "intents"), *args])


def test_check_without_services_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    assert check() == 0
    out = capsys.readouterr().out
    assert "local services" not in out and out.startswith("OK: ")


def test_check_with_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert check("--services", str(REPO / "services" / "example.yaml")) == 0
    assert "OK: 7 local services, 9 places in " in capsys.readouterr().out


def test_check_reports_a_broken_file_by_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    assert check("--services", str(broken)) == 1
    out = capsys.readouterr().out
    assert (
        "broken.yaml:5: error: 'needle_exchnage' is not a kind of service (hint: did you mean "
        "'needle_exchange'?)" in out
    )
    assert "1 error(s) in the local services file" in out


def test_check_reads_services_file_from_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    monkeypatch.setenv("SERVICES_FILE", str(broken))
    assert check() == 1
    assert "broken.yaml:5: error:" in capsys.readouterr().out
    (tmp_path / ".env").write_text(f"SERVICES_FILE={REPO / 'services' / 'example.yaml'}\n")
    monkeypatch.delenv("SERVICES_FILE")
    assert check() == 0
    assert "OK: 7 local services" in capsys.readouterr().out


def test_check_catches_unknown_kinds_in_intents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    intents = tmp_path / "intents"
    shutil.copytree(REPO / "intents", intents)
    path = intents / "naloxone.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "- id: naloxone_get")
    lines.insert(at + 1, "    local_services: [naloxne]\n")
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["check", str(intents)]) == 1
    out = capsys.readouterr().out
    assert (
        f"naloxone.yaml:{at + 1}: error: 'naloxne' in local_services of 'naloxone_get' is "
        "not a kind of service (hint: did you mean 'naloxone'?)" in out
    )


def test_terminal_chat_lists_local_services_and_answers_a_place(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli_reuses_the_shipped_responder: None,
) -> None:
    monkeypatch.setenv("SERVICES_FILE", str(REPO / "services" / "example.yaml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("where can i get naloxone\nLS1\n"))
    assert main(["chat", "--dir", str(REPO / "intents")]) == 0
    out = capsys.readouterr().out
    assert "local places for free naloxone kits" in out
    assert "The nearest places for free naloxone kits to LS1" in out
    assert out.index("Example Pharmacy (Leeds)") < out.index("Example Drug and Alcohol Service")


def test_terminal_chat_without_a_services_file_gives_the_national_answer(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli_reuses_the_shipped_responder: None,
) -> None:
    monkeypatch.delenv("SERVICES_FILE", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("where can i get naloxone\nLS1\n"))
    assert main(["chat", "--dir", str(REPO / "intents")]) == 0
    out = capsys.readouterr().out
    assert "Example" not in out and "local places" not in out
