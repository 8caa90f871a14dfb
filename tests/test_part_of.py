"""A more specific intent (`part_of`) counts as its broader intent in eval and match."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from test_loader import failed, library_dir, the_problem, where

from bot.cli.main import main
from bot.core.loader import load_library
from bot.core.responder import Responder
from bot.evaluation.evaluate import Case, run

SPRAY = """\
    version: 1
    topic: Spray
    intents:
      - id: naloxone_use_spray
        title: Use the spray
        part_of: {broader}
        examples:
          - how do i use the nasal spray
          - steps for the nose spray kit
          - which nostril does the spray go in
        answer: Push the plunger into one nostril.
        reviewed: 2026-01-01
    """


def spray_library(tmp_path: Path, broader: str = "naloxone_use") -> Path:
    return library_dir(tmp_path, {"spray.yaml": SPRAY.format(broader=broader)})


def test_part_of_is_kept_and_counted_as_the_broader_intent(tmp_path: Path) -> None:
    result = load_library(spray_library(tmp_path))
    assert result.library is not None, result.problems
    spray = result.library.intents["naloxone_use_spray"]
    assert spray.part_of == "naloxone_use"
    assert spray.counts_as == "naloxone_use"
    assert result.library.intents["naloxone_use"].counts_as == "naloxone_use"


def test_part_of_naming_no_intent_is_refused_at_its_line(tmp_path: Path) -> None:
    result = load_library(spray_library(tmp_path, "naloxone_uze"))
    assert failed(result)
    problem = the_problem(result, "part_of 'naloxone_uze'")
    assert where(problem) == ("spray.yaml", 4)
    assert "did you mean 'naloxone_use'" in problem.hint


@pytest.mark.parametrize("broader", ["naloxone_use_spray", "overdose_emergency"])
def test_part_of_itself_or_a_safety_intent_is_refused(tmp_path: Path, broader: str) -> None:
    result = load_library(spray_library(tmp_path, broader))
    assert failed(result)
    assert "cannot be part_of" in the_problem(result, "cannot be part_of").message


def test_eval_counts_the_specific_answer_as_right_for_the_broader_label(tmp_path: Path) -> None:
    library = load_library(spray_library(tmp_path)).library
    assert library is not None
    responder = Responder(library)
    decision, _ = responder.understand("how do i use the nasal spray")
    assert decision.intent == "naloxone_use_spray"
    report = run(responder, [Case("how do i use the nasal spray", "naloxone_use")])
    assert report.outcomes[0].predicted == "naloxone_use"
    assert report.accuracy == 1.0


def test_match_jsonl_reports_the_broader_intent_and_the_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = spray_library(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("how do i use the nasal spray\n"))
    assert main(["match", "--jsonl", "--dir", str(folder)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["intent"] == "naloxone_use"
    assert record["answer"] == "naloxone_use_spray"
