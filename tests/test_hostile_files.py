"""Files nobody should drop into a library folder, and what `hrbot check` says about each.

An alias bomb, a self-referencing alias, deep nesting, a pipe, a device, a link out of the
folder, a huge file: each is one problem with file:line and a hint. Nothing is built from it,
nothing blocks, no traceback; the rest of the library is still checked. Coordinates in a
services file must be numbers on Earth.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import (
    alias_bomb,
    fifo,
    huge,
    link_out_of_the_folder,
    link_to,
    nested,
    unix_socket,
    write,
)
from lint_fixtures import intent_block, write_library

from bot.cli.main import main
from bot.core.loader import load_library
from bot.core.yamlsource import MAX_DEPTH, read_yaml
from bot.services.load import load_services

REPO = Path(__file__).resolve().parents[1]
HRBOT = str(Path(sys.executable).with_name("hrbot"))
EXAMPLE_SERVICES = REPO / "services" / "example.yaml"
PATIENCE = 120.0  # seconds: a hang guard for a busy machine, not a speed test


# (name, how the file is made, line of the problem, words the problem must contain)
HOSTILE = [
    ("alias bomb", write(alias_bomb()), 2, "'&a' is a YAML anchor"),
    ("self-referencing alias", write("version: 1\nx: &x [*x]\n"), 2, "'&x' is a YAML anchor"),
    ("alias to a key", write("version: 1\ntopic: &t Things\nother: *t\n"), 2, "anchor"),
    ("900 deep", write(nested(900)), 2, f"nested more than {MAX_DEPTH} deep"),
    ("one too deep", write(nested(MAX_DEPTH)), 2, f"nested more than {MAX_DEPTH} deep"),
    ("named pipe", fifo, 1, "this is a named pipe (FIFO)"),
    ("socket", unix_socket, 1, "this is a socket"),
    ("folder", lambda path: path.mkdir(), 1, "this is a folder"),
    ("link to /dev/zero", link_to("/dev/zero"), 1, "link to somewhere outside its folder"),
    ("link to /dev/urandom", link_to("/dev/urandom"), 1, "link to somewhere outside its folder"),
    ("link to /etc/passwd", link_to("/etc/passwd"), 1, "link to somewhere outside its folder"),
    ("link out of the folder", link_out_of_the_folder, 1, "outside its folder"),
    ("broken link", link_to("nowhere.yaml"), 1, "link to a file that does not exist"),
    ("link to itself", lambda path: path.symlink_to(path.name), 1, "round in a circle"),
    ("over the size limit", huge, 1, "larger than 2 MB"),
    (
        "not UTF-8",
        lambda path: path.write_bytes(b"version: 1\ntopic: caf\xe9\n"),
        1,
        "UnicodeDecodeError",
    ),
]


@pytest.mark.parametrize(("name", "make", "line", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_one_problem_and_nothing_more(
    tmp_path: Path, name: str, make: Callable[[Path], None], line: int, words: str
) -> None:
    directory = write_library(tmp_path, intent_block("fine", "A fine answer.\n"))
    make(directory / "hostile.yaml")
    result = load_library(directory)
    assert result.library is None
    [problem] = [p for p in result.problems if "hostile.yaml" in p.file]
    assert (problem.line, problem.severity) == (line, "error"), problem
    assert words in problem.message, problem
    assert problem.hint, problem
    # Every other file was still read and checked: only the hostile one is wrong.
    assert all("hostile.yaml" in p.file for p in result.errors), result.errors


def test_the_safety_corpus_folder_is_held_to_the_same_rules(tmp_path: Path) -> None:
    directory = write_library(tmp_path, intent_block("fine", "A fine answer.\n"))
    fifo(directory / "safety_corpus" / "pipe.yaml")
    [problem] = load_library(directory).errors
    assert (problem.file.endswith("pipe.yaml"), problem.line) == (True, 1)
    assert "named pipe" in problem.message
    # A corpus folder that is a link out of the library: none of its files is read.
    outside = tmp_path / "outside"
    (directory / "safety_corpus").rename(outside)
    (outside / "pipe.yaml").unlink()
    (directory / "safety_corpus").symlink_to(outside)
    problems = load_library(directory).errors
    assert problems and all("outside its folder" in p.message for p in problems), problems


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(nested(MAX_DEPTH - 1), encoding="utf-8")
    doc, problems = read_yaml(path, "deep.yaml")
    assert doc is not None and problems == []


def test_a_link_inside_the_folder_is_read(tmp_path: Path) -> None:
    directory = write_library(tmp_path, intent_block("fine", "A fine answer.\n"))
    (directory / "things.yaml").rename(directory / "real.txt")
    (directory / "things.yaml").symlink_to("real.txt")
    result = load_library(directory)
    assert result.ok, result.problems
    assert "fine" in result.library.intents  # type: ignore[union-attr]


def test_an_ampersand_in_quotes_is_text(tmp_path: Path) -> None:
    path = tmp_path / "quoted.yaml"
    path.write_text('version: 1\ntitle: "&more and *this"\n', encoding="utf-8")
    doc, problems = read_yaml(path, "quoted.yaml")
    assert doc is not None and problems == []
    assert doc.data["title"] == "&more and *this"


# Runs a command and prints its peak memory (KB) to stderr: only that command's, not pytest's.
PEAK = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def run_check(*args: str) -> tuple[int, str, float]:
    """`hrbot check ARGS` as a process: exit code, output, and its peak memory in MB."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, HRBOT, "check", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=PATIENCE,
        check=False,
    )
    *errors, peak_kb = done.stderr.splitlines()
    return done.returncode, "\n".join([done.stdout, *errors]), int(peak_kb) / 1024


@pytest.mark.slow  # a process of its own, so that its peak memory is its own
def test_hrbot_check_on_every_hostile_file_at_once(tmp_path: Path) -> None:
    directory = write_library(tmp_path, intent_block("fine", "A fine answer.\n"))
    for name, make, _, _ in HOSTILE:
        make(directory / f"{name.replace(' ', '_').replace('/', '_')}.yaml")
    code, output, peak = run_check(str(directory))
    assert code == 1, output
    assert "Traceback" not in output and "Error:" not in output.replace("error:", "")
    for name, _, line, words in HOSTILE:
        shown = f"{name.replace(' ', '_').replace('/', '_')}.yaml:{line}: error:"
        assert any(shown in out and words in out for out in output.splitlines()), (name, output)
    assert peak < 200, f"hrbot check peaked at {peak:.0f} MB"  # an alias bomb took 2.7 GB


# ---------------------------------------------------------------------- services files
def services_with(latitude: str, longitude: str = "-1.5492") -> str:
    text = EXAMPLE_SERVICES.read_text(encoding="utf-8")
    text = text.replace("latitude: 53.7997", f"latitude: {latitude}", 1)
    return text.replace("longitude: -1.5492", f"longitude: {longitude}", 1)


COORDINATES = [
    (".nan", "-1.5492", "latitude nan is not a place on Earth"),
    (".NaN", "-1.5492", "latitude nan is not a place on Earth"),
    (".inf", "-1.5492", "latitude inf is not a place on Earth"),
    ("-.inf", "-1.5492", "latitude -inf is not a place on Earth"),
    ("91", "-1.5492", "latitude 91 is not a place on Earth"),
    ("-90.5", "-1.5492", "latitude -90.5 is not a place on Earth"),
    ("53.7997", ".nan", "longitude nan is not a place on Earth"),
    ("53.7997", ".inf", "longitude inf is not a place on Earth"),
    ("53.7997", "180.5", "longitude 180.5 is not a place on Earth"),
    ("1.0e+999", "-1.5492", "latitude inf is not a place on Earth"),
    ("12.0", "-1.5492", "latitude 12.0 is outside the UK"),  # on Earth, but not in the UK
]


@pytest.mark.parametrize(("latitude", "longitude", "message"), COORDINATES)
def test_coordinates_must_be_numbers_on_earth(
    tmp_path: Path, latitude: str, longitude: str, message: str
) -> None:
    path = tmp_path / "services.yaml"
    path.write_text(services_with(latitude, longitude), encoding="utf-8")
    result = load_services(path)
    assert result.directory is None
    assert [p.message for p in result.errors] == [message]
    [problem] = result.errors
    key = message.split()[0]
    assert path.read_text(encoding="utf-8").splitlines()[problem.line - 1].strip().startswith(key)
    assert "decimal degrees" in problem.hint or "swapped" in problem.hint


SERVICES_HOSTILE = [
    ("alias bomb", write(alias_bomb()), 2, "anchor"),
    ("900 deep", write(nested(900)), 2, "nested more than"),
    ("named pipe", fifo, 1, "named pipe"),
    ("link to /dev/zero", link_to("/dev/zero"), 1, "outside its folder"),
    ("not a number", write(services_with(".nan")), 0, "latitude nan is not a place on Earth"),
]


@pytest.mark.parametrize(
    ("name", "make", "line", "words"), SERVICES_HOSTILE, ids=[h[0] for h in SERVICES_HOSTILE]
)
def test_hrbot_check_services_on_a_hostile_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    make: Callable[[Path], None],
    line: int,
    words: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # away from any .env
    monkeypatch.delenv("SERVICES_FILE", raising=False)
    make(tmp_path / "services.yaml")
    assert main(["check", str(REPO / "intents"), "--services", "services.yaml"]) == 1
    output = capsys.readouterr().out
    [problem] = [out for out in output.splitlines() if out.startswith("services.yaml:")]
    assert words in problem and (line == 0 or f"services.yaml:{line}: error:" in problem), output
