"""`hrbot report`: what people asked, for staff. Prints; picks the exit code."""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from pathlib import Path

from ..analytics.report import UsageReport, format_report, rate, read_report
from .args import EXIT_OK, EXIT_PROBLEMS, positive_int

CSV_COLUMNS = (
    "day",
    "people",
    "messages",
    "answered",
    "safety",
    "clarified",
    "fallback",
    "buttons",
    "commands",
    "fallback_rate",
    "clarify_rate",
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    help_ = "show what people asked: top intents, fallback rate, people per day, unmatched"
    p = sub.add_parser("report", help=help_, description=help_)
    p.add_argument("--days", type=positive_int, default=7, help="how many days back (default 7)")
    p.add_argument("--csv", type=Path, metavar="FILE", help="also write the daily figures here")
    p.add_argument("--db", type=Path, help="the analytics database (default: DATABASE_PATH)")
    p.add_argument(
        "--top", type=positive_int, default=15, help="how many intents and groups to list"
    )
    p.set_defaults(func=cmd_report)


def write_csv(report: UsageReport, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for d in report.days:
            writer.writerow(
                (
                    d.day,
                    d.users,
                    d.messages,
                    d.answer,
                    d.safety,
                    d.clarify,
                    d.fallback,
                    d.button,
                    d.command,
                    f"{rate(d.fallback, d.messages):.4f}",
                    f"{rate(d.clarify, d.messages):.4f}",
                )
            )


def cmd_report(args: argparse.Namespace) -> int:
    path: Path = args.db
    try:
        report = read_report(path, args.days)
    except FileNotFoundError:
        print(
            f"No analytics database at {path} yet: it is made when the bot first runs.",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    except sqlite3.Error as exc:
        print(f"Could not read {path}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print("\n".join(format_report(report, args.top, args.top)))
    if args.csv:
        try:
            write_csv(report, args.csv)
        except OSError as exc:
            print(f"Could not write {args.csv}: {exc.strerror}", file=sys.stderr)
            return EXIT_PROBLEMS
        print(f"daily figures written to {args.csv}")
    return EXIT_OK
