"""`hrbot health`: is the running bot alive? For a container's HEALTHCHECK or a monitor.
Prints; picks the exit code (0 alive, 1 not, 2 no heartbeat file set).

Also its own command, `hrbot-health`, which loads nothing else of the bot: `hrbot` imports the
matcher and the learned layers first (about 4 s and 150 MB), too much for a check every minute.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..telegram.heartbeat import HEARTBEAT_SECONDS, MAX_AGE_SECONDS, seconds_since_beat
from .args import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, fill_paths

HELP = "say whether the running bot is alive: its HEARTBEAT_FILE was touched lately"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _arguments(sub.add_parser("health", help=HELP, description=HELP))


def main(argv: Sequence[str] | None = None) -> int:
    """`hrbot-health`."""
    parser = _arguments(argparse.ArgumentParser(prog="hrbot-health", description=HELP))
    args = parser.parse_args(argv)
    fill_paths(args)
    return cmd_health(args)


def _arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument(
        "--file", dest="heartbeat", type=Path, help="the heartbeat file (default: HEARTBEAT_FILE)"
    )
    p.add_argument(
        "--max-age",
        type=float,
        default=MAX_AGE_SECONDS,
        metavar="SECONDS",
        help=f"how old it may be (default {MAX_AGE_SECONDS:.0f}; the bot touches it "
        f"every {HEARTBEAT_SECONDS:.0f})",
    )
    p.set_defaults(func=cmd_health)
    return p


def cmd_health(args: argparse.Namespace) -> int:
    path: Path | None = args.heartbeat
    if path is None:
        print(
            "hrbot health: no heartbeat file. Set HEARTBEAT_FILE for the bot and this check, "
            "or give --file.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    age = seconds_since_beat(path)
    if age is None:
        print(f"not running: no heartbeat file at {path}")
        return EXIT_PROBLEMS
    if age > args.max_age:
        print(
            f"stuck or stopped: the last heartbeat was {age:.0f} s ago "
            f"(more than {args.max_age:.0f} s)"
        )
        return EXIT_PROBLEMS
    print(f"alive: the last heartbeat was {age:.0f} s ago")
    return EXIT_OK
