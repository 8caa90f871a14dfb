"""The `hrbot` command: exit codes (0 ok, 1 problems, 2 usage) and the JSONL contract.

Each test runs `main([...])` in this process, as `hrbot ...` would from the repository folder,
and reads what it printed: a new Python process per test cost seconds each. One slow test runs
the installed console script and `python -m bot` as real processes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import INTENTS, REPO
from lint_fixtures import add_safety_corpus

from bot.cli.main import main
from bot.core.decide import Action
from bot.core.library import CRISIS_SUPPORT, OVERDOSE_EMERGENCY, SAFETY_INTENTS, Library
from bot.evaluation.evaluate import Case, EvalReport, Outcome

HRBOT = Path(sys.executable).with_name("hrbot")


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


Hrbot = Callable[..., Run]


@pytest.fixture
def hrbot(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli_reuses_the_shipped_responder: None,
) -> Hrbot:
    """Run the command as a person would, in the repository folder, with `stdin` as its input."""
    monkeypatch.chdir(REPO)

    def run(*args: str, stdin: str = "") -> Run:
        # Bytes decoded as a terminal's or a pipe's are, so "\r\n" and UTF-8 arrive as they would.
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode()), "utf-8"))
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse's usage errors end the process this way
            code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stderr
    assert "Traceback" not in run.stdout


@pytest.fixture
def intent_ids(library: Library) -> set[str]:
    return set(library.intents)


@pytest.fixture
def broken_library(tmp_path: Path) -> Path:
    """The shipped library plus one file with an unknown key on line 6."""
    for path in INTENTS.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    add_safety_corpus(tmp_path)
    (tmp_path / "zz_broken.yaml").write_text(
        textwrap.dedent(
            """\
            version: 1
            topic: Broken
            intents:
              - id: broken_one
                title: Broken
                exampels: [a thing]
                answer: Yes.
                reviewed: 2026-01-01
            """
        ),
        encoding="utf-8",
    )
    return tmp_path


# ---------------------------------------------------------------------- check
def test_check_shipped_library_exits_0(hrbot: Hrbot) -> None:
    run = hrbot("check")
    no_traceback(run)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("OK: ")
    assert "intents" in run.stdout


def test_check_broken_library_exits_1_with_file_and_line(
    broken_library: Path, hrbot: Hrbot
) -> None:
    run = hrbot("check", str(broken_library))
    no_traceback(run)
    assert run.returncode == 1
    broken = broken_library / "zz_broken.yaml"
    assert f"{broken}:6: error: unknown key 'exampels'" in run.stdout
    assert "did you mean 'examples'" in run.stdout
    assert f"{broken}:4: error: 'examples' is missing" in run.stdout
    assert "2 error(s)" in run.stdout


def test_check_missing_folder_exits_1(tmp_path: Path, hrbot: Hrbot) -> None:
    run = hrbot("check", str(tmp_path / "nowhere"))
    no_traceback(run)
    assert run.returncode == 1
    assert "no such folder" in run.stdout


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("check", "--nope"),
        ("check", "intents", "extra"),
        ("frobnicate",),
        ("eval",),
        ("eval", "x.yaml", "--min-accuracy", "lots"),
        ("match",),  # --jsonl is required
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], hrbot: Hrbot) -> None:
    run = hrbot(*args)
    no_traceback(run)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.strip()


def test_main_returns_exit_codes_in_process(
    broken_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(INTENTS)]) == 0
    assert main(["check", str(broken_library)]) == 1
    assert f"{broken_library / 'zz_broken.yaml'}:6:" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main(["check", "--nope"])
    assert usage.value.code == 2


# ---------------------------------------------------------------------- eval
EVAL_CASES = """\
- text: "hello there"
  intent: greeting
- text: "thank you so much"
  intent: thanks
- text: "hiya mate"
  intent: goodbye
- text: "whats the weather like"
  intent: null
- text: "HES GONE BLUE"
  intent: overdose_emergency
"""
# Four of five right, but the emergency counts twice: 5 of 6 = 83.3%. "hiya mate" is labelled
# wrongly on purpose (line 5), so there is exactly one miss.


@pytest.fixture
def eval_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(EVAL_CASES, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("minimum", "code"), [("0.8", 0), ("80%", 0), ("0.9", 1), ("90%", 1), ("0.834", 1)]
)
def test_eval_min_accuracy(eval_file: Path, minimum: str, code: int, hrbot: Hrbot) -> None:
    run = hrbot("eval", str(eval_file), "--min-accuracy", minimum)
    no_traceback(run)
    assert run.returncode == code, run.stdout + run.stderr
    assert "cases: 5" in run.stdout
    assert "accuracy: 83.3%" in run.stdout
    assert "plain 80.0%" in run.stdout
    assert "safety misses: 0" in run.stdout
    assert "safety false alarms: 0" in run.stdout
    assert ("FAIL" in run.stdout) == (code == 1)


def test_eval_without_minimum_exits_0(eval_file: Path, hrbot: Hrbot) -> None:
    run = hrbot("eval", str(eval_file))
    assert run.returncode == 0
    assert "goodbye -> greeting" in run.stdout


def test_eval_writes_misses_as_json(eval_file: Path, tmp_path: Path, hrbot: Hrbot) -> None:
    out = tmp_path / "misses.json"
    run = hrbot("eval", str(eval_file), "--misses", str(out))
    no_traceback(run)
    assert run.returncode == 0
    misses = json.loads(out.read_text(encoding="utf-8"))
    assert len(misses) == 1
    miss = misses[0]
    assert miss["text"] == "hiya mate"
    assert miss["line"] == 5
    assert miss["expected"] == "goodbye"
    assert miss["got"] == "greeting"
    assert miss["action"] == "answer"
    assert isinstance(miss["score"], float)
    assert miss["candidates"][0]["intent"] == "greeting"
    assert set(miss["candidates"][0]) == {"intent", "score"}


def test_eval_reports_a_safety_miss(tmp_path: Path, hrbot: Hrbot) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text('- text: "hello there"\n  intent: overdose_emergency\n', encoding="utf-8")
    run = hrbot("eval", str(path))
    assert "safety misses: 1" in run.stdout
    assert "line 1: expected overdose_emergency, got greeting" in run.stdout


def test_eval_file_with_an_unknown_intent_exits_1(tmp_path: Path, hrbot: Hrbot) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(EVAL_CASES + '- text: "hi"\n  intent: no_such_intent\n', encoding="utf-8")
    run = hrbot("eval", str(path))
    no_traceback(run)
    assert run.returncode == 1
    assert f"{path}:11: error: unknown intent 'no_such_intent'" in run.stderr


def test_eval_missing_file_exits_1(tmp_path: Path, hrbot: Hrbot) -> None:
    run = hrbot("eval", str(tmp_path / "none.yaml"))
    no_traceback(run)
    assert run.returncode == 1
    assert "cannot read the file" in run.stderr


def test_eval_on_a_broken_library_exits_1(
    eval_file: Path, broken_library: Path, hrbot: Hrbot
) -> None:
    run = hrbot("eval", str(eval_file), "--dir", str(broken_library))
    no_traceback(run)
    assert run.returncode == 1
    assert "zz_broken.yaml:6:" in run.stderr


# ---------------------------------------------------------------------- match --jsonl
MESSAGES = [
    "HES GONE BLUE",
    "whats the weather like",
    "",
    "naloxone 💉 café ünïcödé «quotes» مرحبا",
    "where can i get naloxone",
    '{"text": "not json to us", "intent": 1}',
    "   ",
]


def records(stdout: str) -> list[dict[str, Any]]:
    assert stdout.endswith("\n")
    out = [json.loads(line) for line in stdout.splitlines()]
    assert all(isinstance(r, dict) for r in out)
    return out


def test_match_jsonl_contract(intent_ids: set[str], hrbot: Hrbot) -> None:
    run = hrbot("match", "--jsonl", stdin="".join(m + "\n" for m in MESSAGES))
    no_traceback(run)
    assert run.returncode == 0, run.stderr
    out = records(run.stdout)
    assert len(out) == len(MESSAGES)
    for message, record in zip(MESSAGES, out, strict=True):
        # The stable keys (more may be added, these may never change).
        assert {"text", "intent", "score", "candidates"} <= set(record)
        assert record["text"] == message
        assert record["intent"] is None or record["intent"] in intent_ids
        assert isinstance(record["score"], (int, float)) and not isinstance(record["score"], bool)
        assert 0.0 <= record["score"] <= 1.0
        candidates = record["candidates"]
        assert isinstance(candidates, list)
        for candidate in candidates:
            assert set(candidate) == {"intent", "score"}
            assert candidate["intent"] in intent_ids  # never the internal out-of-scope id
            assert 0.0 <= candidate["score"] <= 1.0
        scores = [c["score"] for c in candidates]
        assert scores == sorted(scores, reverse=True)
    by_text = {r["text"]: r for r in out}
    assert by_text["HES GONE BLUE"]["intent"] == "overdose_emergency"
    assert by_text["where can i get naloxone"]["intent"] == "naloxone_get"
    assert by_text["where can i get naloxone"]["candidates"][0]["intent"] == "naloxone_get"
    assert by_text["whats the weather like"]["intent"] is None
    assert by_text[""]["intent"] is None and by_text[""]["candidates"] == []
    assert all(r["intent"] not in SAFETY_INTENTS for r in out if r["text"] != "HES GONE BLUE")


def test_match_jsonl_keeps_unicode_as_is(hrbot: Hrbot) -> None:
    message = "naloxone 💉 café ünïcödé «quotes» مرحبا"
    run = hrbot("match", "--jsonl", stdin=message + "\n")
    assert run.returncode == 0
    assert message in run.stdout  # not \\u escapes
    assert "\\u" not in run.stdout
    assert records(run.stdout)[0]["text"] == message


def test_match_jsonl_last_line_without_newline(hrbot: Hrbot) -> None:
    run = hrbot("match", "--jsonl", stdin="hello\nthank you")
    assert [r["text"] for r in records(run.stdout)] == ["hello", "thank you"]


def test_match_jsonl_no_input_no_output(hrbot: Hrbot) -> None:
    run = hrbot("match", "--jsonl", stdin="")
    assert run.returncode == 0
    assert run.stdout == ""


def test_match_jsonl_windows_line_endings(hrbot: Hrbot) -> None:
    run = hrbot("match", "--jsonl", stdin="hello\r\nthank you\r\n")
    assert [r["text"] for r in records(run.stdout)] == ["hello", "thank you"]


def test_match_on_a_broken_library_exits_1(broken_library: Path, hrbot: Hrbot) -> None:
    run = hrbot("match", "--jsonl", "--dir", str(broken_library), stdin="hello\n")
    no_traceback(run)
    assert run.returncode == 1
    assert run.stdout == ""
    assert "zz_broken.yaml:6:" in run.stderr


# ---------------------------------------------------------------------- as real processes
@pytest.mark.slow
@pytest.mark.parametrize(
    "command", [[str(HRBOT)], [sys.executable, "-m", "bot"]], ids=["hrbot", "python -m bot"]
)
def test_console_script_is_installed(command: list[str]) -> None:
    assert HRBOT.exists(), "pip install -e . should have made the hrbot command"
    run = subprocess.run(
        [*command, "check", str(INTENTS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("OK: ")
    # The tests above reuse the session's responder; here the command builds its own.
    matched = subprocess.run(
        [*command, "match", "--jsonl", "--dir", str(INTENTS)],
        input="where can i get naloxone\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert matched.returncode == 0, matched.stderr
    assert json.loads(matched.stdout)["intent"] == "naloxone_get"
    usage = subprocess.run(
        [*command, "frobnicate"], capture_output=True, text=True, check=False, timeout=120
    )
    assert usage.returncode == 2 and "invalid choice: 'frobnicate'" in usage.stderr


def test_eval_counts_the_other_safety_answer_as_found_not_as_a_false_alarm() -> None:
    def outcome(expected: str | None, got: str | None) -> Outcome:
        action = Action.SAFETY if got in SAFETY_INTENTS else Action.ANSWER
        return Outcome(Case("a message", expected), got, action, 1.0, ())

    swap = outcome(CRISIS_SUPPORT, OVERDOSE_EMERGENCY)  # found: both answers say 999
    alarm = outcome("overdose_signs", OVERDOSE_EMERGENCY)
    miss = outcome(CRISIS_SUPPORT, "housing_support")
    report = EvalReport([swap, alarm, miss, outcome(None, None)])
    assert report.safety_swaps == [swap]
    assert report.safety_false_alarms == [alarm]  # over the 2 other messages: 50%, not 100%
    assert report.safety_misses == [miss]
    assert report.safety_recall == 0.5
