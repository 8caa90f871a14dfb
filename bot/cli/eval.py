"""The extras of `hrbot eval`: --sweep prints the threshold trade-off, --html writes the page."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from ..core.responder import Responder
from ..evaluation.evaluate import Case, EvalReport
from ..evaluation.report_html import ReportPage, render_report
from ..evaluation.sweep import SweepRow, sweep


def print_sweep(rows: Sequence[SweepRow], out: TextIO | None = None) -> None:
    out = out or sys.stdout  # looked up now, so a redirected stdout is honoured
    print(
        "  answer  sure clarify  accuracy  wrong  clarified  not-sure  safety-misses  false-alarms",
        file=out,
    )
    for r in rows:
        t = r.thresholds
        values = f"{t.answer:6.2f} {t.sure:5.2f} {t.clarify:7.2f}"
        mark = "  <- now" if r.current else ""
        print(
            f"  {values} {r.accuracy:9.1%} {r.wrong:6.1%} {r.clarified:10.1%} "
            f"{r.fallback:9.1%} {r.safety_misses:14} {r.safety_false_alarms:13}{mark}",
            file=out,
        )


def sweep_and_html(
    args: argparse.Namespace, responder: Responder, cases: list[Case], report: EvalReport
) -> None:
    rows: list[SweepRow] = []
    if args.sweep:
        rows = sweep(responder, cases)
        print("threshold sweep (answer, sure and clarify moved together):")
        print_sweep(rows)
    if args.html:
        library = responder.library
        page = ReportPage(
            cases_file=str(args.file),
            library=f"{args.dir}: {len(library.intents)} intents, {library.example_count} examples",
            sweep=rows,
        )
        args.html.write_text(render_report(report, page, args.confusions), encoding="utf-8")
        print(f"report written to {args.html}")
