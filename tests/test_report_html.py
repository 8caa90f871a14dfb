"""`hrbot eval --sweep --html`: the figures, the bars, the confusions and the escaped misses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lint_fixtures import intent_block, write_library

from bot.cli.main import main
from bot.core.loader import load_library
from bot.core.responder import Responder
from bot.evaluation.evaluate import read_cases, run
from bot.evaluation.sweep import SHIFTS, sweep

NALOXONE = intent_block(
    "naloxone_kit",
    "You can get a free naloxone kit from a needle exchange or drug service.\n",
    examples=("where can i get a naloxone kit", "free narcan near me", "how do i get naloxone"),
    title="Get naloxone",
)
WEATHER = '<b>where</b> do i get a naloxone kit & spray "now"'
CASES = f"""\
- text: "my mate is overdosing right now and wont wake up"
  intent: overdose_emergency
- text: "i want to end my life"
  intent: crisis_support
- text: "where do i get naloxone"
  intent: naloxone_kit
- text: '{WEATHER}'
  intent: crisis_support
"""


@pytest.fixture
def evaluation(tmp_path: Path) -> tuple[Path, Path]:
    directory = write_library(tmp_path, NALOXONE)
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASES, encoding="utf-8")
    return directory, cases


def test_the_page_shows_the_figures_bars_confusions_and_escaped_misses(
    evaluation: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, cases = evaluation
    page = tmp_path / "report.html"
    assert main(["eval", str(cases), "--dir", str(directory), "--html", str(page)]) == 0
    assert f"report written to {page}" in capsys.readouterr().out
    html = page.read_text(encoding="utf-8")

    library = load_library(directory).library
    assert library is not None
    found, _ = read_cases(cases, set(library.intents))
    report = run(Responder(library), found)
    assert report.misses, "the fourth case is labelled wrong on purpose"
    assert f"{report.accuracy:.1%}" in html
    assert '4</div><div class="label">messages tested' in html
    for label, (right, total) in report.recall.items():
        width = f"width:{right / total * 100:.1f}%"
        assert re.search(
            rf">{re.escape(label)}</div><div class=\"track\"><div class=\"fill "
            rf"\w+\" style=\"{re.escape(width)}\"",
            html,
        ), label
    expected, got = next(iter(report.confusions))
    assert f"<code>{expected}</code></td><td><code>{got}</code>" in html
    # The miss is shown, escaped: its markup is text on the page, never markup.
    assert "&lt;b&gt;where&lt;/b&gt; do i get a naloxone kit &amp; spray &quot;now&quot;" in html
    assert "<b>where</b>" not in html


def test_the_page_needs_nothing_from_outside(evaluation: tuple[Path, Path], tmp_path: Path) -> None:
    directory, cases = evaluation
    page = tmp_path / "report.html"
    assert main(["eval", str(cases), "--dir", str(directory), "--sweep", "--html", str(page)]) == 0
    html = page.read_text(encoding="utf-8").lower()
    assert html.startswith("<!doctype html>")
    for outside in ("<script", "src=", "href=", "@import", "url("):
        assert outside not in html


def test_sweep_prints_rows_with_the_current_thresholds_marked(
    evaluation: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, cases = evaluation
    page = tmp_path / "report.html"
    assert main(["eval", str(cases), "--dir", str(directory), "--sweep", "--html", str(page)]) == 0
    out = capsys.readouterr().out
    table = out.split("threshold sweep")[1].splitlines()[2 : 2 + len(SHIFTS)]
    assert len(table) == len(SHIFTS)
    assert [line.endswith("<- now") for line in table].count(True) == 1
    html = page.read_text(encoding="utf-8")
    assert html.count("<tr class='current'>") == 1
    assert "Trade-off: answer more, or be wrong less" in html


def test_the_sweep_row_for_the_current_thresholds_equals_a_plain_evaluation(
    evaluation: tuple[Path, Path],
) -> None:
    directory, cases = evaluation
    library = load_library(directory).library
    assert library is not None
    responder = Responder(library)
    found, _ = read_cases(cases, set(library.intents))
    rows = sweep(responder, found)
    current = next(r for r in rows if r.current)
    assert current.thresholds == responder.thresholds
    assert current.accuracy == run(responder, found).accuracy
    assert rows[0].thresholds.answer < current.thresholds.answer < rows[-1].thresholds.answer
    # Looser thresholds never answer less often than stricter ones.
    assert rows[0].answered >= current.answered >= rows[-1].answered
