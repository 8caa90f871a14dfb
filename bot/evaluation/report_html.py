"""`hrbot eval --html FILE`: the evaluation as one self-contained page (no scripts, no links out).

Every piece of text from a file (messages, intent ids, file names) is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from ..core.decide import Action
from .evaluate import EvalReport, Outcome
from .sweep import SweepRow, wrong_answers

GOOD, FAIR = 0.90, 0.75  # recall at or above GOOD is green, at or above FAIR amber, else red
WRONG_BAD = 0.05  # a wrong answer is worse than "not sure": red from 5% of messages

STYLE = """
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #1f2933; background: #f4f6f8; margin: 0; padding: 24px; }
main { max-width: 1100px; margin: 0 auto; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 4px; }
p.sub, p.note { color: #52606d; margin: 0 0 14px; }
section { background: #fff; border-radius: 10px; padding: 18px 20px; margin: 18px 0;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.card { background: #fff; border-radius: 10px; padding: 14px 16px;
        box-shadow: 0 1px 3px rgba(0,0,0,.08); border-top: 5px solid #3e7bfa; }
.card .value { font-size: 30px; font-weight: 700; }
.card .label { color: #52606d; font-size: 13px; }
.card.good { border-top-color: #2f9e44; } .card.fair { border-top-color: #f59f00; }
.card.bad { border-top-color: #e03131; }
.bars { display: grid; grid-template-columns: 230px 1fr 90px; gap: 5px 12px;
        align-items: center; }
.bars .name { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px;
              overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.track { background: #e4e7eb; border-radius: 4px; height: 16px; overflow: hidden; }
.fill { height: 100%; border-radius: 4px; }
.fill.good { background: #2f9e44; } .fill.fair { background: #f59f00; }
.fill.bad { background: #e03131; } .fill.neutral { background: #3e7bfa; }
.bars .num { font-variant-numeric: tabular-nums; font-size: 13px; color: #3e4c59;
             white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e4e7eb;
         vertical-align: top; }
th { color: #52606d; font-weight: 600; background: #f8f9fa; }
td.n { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
th.n { text-align: right; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px;
       background: #f1f3f5; padding: 1px 4px; border-radius: 4px; }
tr.current td { background: #e7f0ff; font-weight: 600; }
.msg { max-width: 380px; }
.tag { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px;
       background: #e4e7eb; }
.tag.safety { background: #ffe3e3; color: #c92a2a; }
.empty { color: #2f9e44; font-weight: 600; }
@media (max-width: 800px) {
  body { padding: 10px; }
  .cards { grid-template-columns: repeat(2, 1fr); }
  .bars { grid-template-columns: 140px 1fr 92px; }
  section { overflow-x: auto; }
}
"""


@dataclass(frozen=True)
class ReportPage:
    """What the page shows beside the report itself."""

    cases_file: str
    library: str  # e.g. "intents: 36 intents, 1533 examples"
    sweep: Sequence[SweepRow] = ()
    made: dt.datetime | None = None


def _pct(value: float) -> str:
    return f"{value:.1%}"


def _level(value: float) -> str:
    return "good" if value >= GOOD else "fair" if value >= FAIR else "bad"


def _card(value: str, label: str, level: str = "") -> str:
    return (
        f'<div class="card {level}"><div class="value">{escape(value)}</div>'
        f'<div class="label">{escape(label)}</div></div>'
    )


def _cards(report: EvalReport) -> str:
    wrong = wrong_answers(report)
    n = len(report.outcomes) or 1
    misses, alarms = len(report.safety_misses), len(report.safety_false_alarms)
    cards = [
        _card(
            _pct(report.accuracy), "accuracy (safety cases count twice)", _level(report.accuracy)
        ),
        _card(_pct(report.plain_accuracy), "plain accuracy"),
        _card(str(len(report.outcomes)), "messages tested"),
        _card(
            _pct(wrong / n),
            "answered with the wrong answer",
            "good" if not wrong else "fair" if wrong / n < WRONG_BAD else "bad",
        ),
        _card(_pct(report.rate(Action.ANSWER) + report.rate(Action.SAFETY)), "answered"),
        _card(_pct(report.rate(Action.CLARIFY)), "asked which one they meant"),
        _card(_pct(report.rate(Action.FALLBACK)), "got the 'not sure' reply"),
        _card(
            f"{misses} / {alarms}",
            "safety misses / safety false alarms",
            "bad" if misses else "fair" if alarms else "good",
        ),
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def _recall(report: EvalReport) -> str:
    rows = sorted(report.recall.items(), key=lambda item: (item[1][0] / item[1][1], item[0]))
    cells = []
    for label, (right, total) in rows:
        share = right / total
        cells.append(
            f'<div class="name" title="{escape(label)}">{escape(label)}</div>'
            f'<div class="track"><div class="fill {_level(share)}" '
            f'style="width:{share * 100:.1f}%"></div></div>'
            f'<div class="num">{right}/{total} · {share:.0%}</div>'
        )
    return (
        "<section><h2>Recall per intent</h2><p class='sub'>Share of each intent's messages that "
        "got the right answer, worst first. Green 90% or more, amber 75% or more, red below."
        f"</p><div class='bars'>{''.join(cells)}</div></section>"
    )


def _confusions(report: EvalReport, limit: int) -> str:
    pairs = report.confusions.most_common(limit)
    if not pairs:
        return (
            "<section><h2>Confusions</h2><p class='empty'>None: every message was right.</p>"
            "</section>"
        )
    top = pairs[0][1]
    rows = "".join(
        f"<tr><td><code>{escape(expected)}</code></td><td><code>{escape(got)}</code></td>"
        f"<td class='n'>{n}</td><td style='width:35%'><div class='track'><div class='fill "
        f"neutral' style='width:{n / top * 100:.1f}%'></div></div></td></tr>"
        for (expected, got), n in pairs
    )
    return (
        "<section><h2>Confusions</h2><p class='sub'>Which intent a message should have had, and "
        "what it got instead (<code>(fallback)</code> is the 'not sure' reply).</p><table><tr>"
        "<th>should be</th><th>got</th><th class='n'>messages</th><th></th></tr>"
        f"{rows}</table></section>"
    )


def _sweep_table(rows: Iterable[SweepRow]) -> str:
    body = "".join(
        f"<tr class='{'current' if r.current else ''}'><td class='n'>{r.thresholds.answer:.2f}"
        f"</td><td class='n'>{r.thresholds.sure:.2f}</td><td class='n'>"
        f"{r.thresholds.clarify:.2f}</td><td class='n'>{_pct(r.accuracy)}</td>"
        f"<td class='n'>{_pct(r.wrong)}</td><td class='n'>{_pct(r.clarified)}</td>"
        f"<td class='n'>{_pct(r.fallback)}</td><td class='n'>{r.safety_misses}</td>"
        f"<td class='n'>{r.safety_false_alarms}</td></tr>"
        for r in rows
    )
    return (
        "<section><h2>Trade-off: answer more, or be wrong less</h2><p class='sub'>Each row moves "
        "the answer, sure and clarify thresholds up or down together. Higher thresholds give "
        "fewer wrong answers and more 'not sure' replies. The highlighted row is what the bot "
        "uses now.</p><table><tr><th class='n'>answer at</th><th class='n'>sure at</th>"
        "<th class='n'>clarify at</th><th class='n'>accuracy</th><th class='n'>wrong answer</th>"
        "<th class='n'>clarified</th><th class='n'>not sure</th><th class='n'>safety misses</th>"
        f"<th class='n'>false alarms</th></tr>{body}</table></section>"
    )


def _miss_row(o: Outcome) -> str:
    expected = o.case.intent or "(fallback)"
    got = o.predicted or f"({o.action.value})"
    safety = " safety" if o.weight == 2 else ""
    top = ", ".join(f"{escape(i)} {s:.2f}" for i, s in o.top)
    return (
        f"<tr><td class='n'>{o.case.line}</td><td class='msg'>{escape(o.case.text)}</td>"
        f"<td><span class='tag{safety}'>{escape(expected)}</span></td>"
        f"<td>{escape(got)}</td><td class='n'>{o.score:.2f}</td><td>{top}</td></tr>"
    )


def _misses(report: EvalReport) -> str:
    misses = sorted(report.misses, key=lambda o: (-o.weight, o.case.line))
    if not misses:
        return "<section><h2>Misses</h2><p class='empty'>None.</p></section>"
    rows = "".join(_miss_row(o) for o in misses)
    return (
        f"<section><h2>Misses ({len(misses)})</h2><p class='sub'>Every message that did not get "
        "its right answer, safety cases first. Line is the line in the evaluation file.</p>"
        "<table><tr><th class='n'>line</th><th>message</th><th>should be</th><th>got</th>"
        f"<th class='n'>score</th><th>top candidates</th></tr>{rows}</table></section>"
    )


def render_report(report: EvalReport, page: ReportPage, confusions: int = 20) -> str:
    made = (page.made or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>hrbot evaluation: {escape(page.cases_file)}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        "<h1>How well the bot understands people</h1>",
        f"<p class='sub'>{escape(page.cases_file)} against {escape(page.library)} · {made}</p>",
        _cards(report),
        _recall(report),
        _confusions(report, confusions),
    ]
    if page.sweep:
        parts.append(_sweep_table(page.sweep))
    parts += [_misses(report), "</main></body></html>"]
    return "\n".join(parts)
