"""What every `hrbot` subcommand shares: exit codes, argument types and the path options.

A path a command is not given comes from its setting (INTENTS_DIR, SERVICES_FILE, DATABASE_PATH,
HEARTBEAT_FILE, from the environment or .env), else from the one default in
bot/core/settings.py: never from a default written here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

# Each path option (its argparse dest) and the setting it overrides.
PATH_SETTINGS = {
    "dir": "intents_dir",
    "services": "services_file",
    "db": "database_path",
    "heartbeat": "heartbeat_file",
}
# `hrbot check DIR` and `hrbot lint DIR` name the folder without --dir, as they always have.
FOLDER = "folder"


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def add_dir(parser: argparse.ArgumentParser, positional: bool = False) -> None:
    """--dir for a command that reads the intents folder (and DIR too, with `positional`)."""
    if positional:
        parser.add_argument(
            FOLDER, nargs="?", type=Path, metavar="DIR", help="the intents folder, as --dir"
        )
    parser.add_argument(
        "--dir", type=Path, help="the intents folder (default: INTENTS_DIR, else intents)"
    )


def fill_paths(args: argparse.Namespace) -> str | None:
    """Give every path option that was left out its setting. The settings are only read when
    one is needed, so a command given every path works whatever .env holds. Returns what is
    wrong with the command line, if anything (the folder given twice, differently)."""
    folder = vars(args).pop(FOLDER, None)
    if folder is not None:
        if args.dir is not None and args.dir != folder:
            return f"the intents folder is given twice ({folder} and --dir {args.dir}): give one"
        args.dir = folder
    missing = [dest for dest in PATH_SETTINGS if dest in vars(args) and vars(args)[dest] is None]
    if missing:
        from ..core.settings import Settings

        settings = Settings()
        for dest in missing:
            setattr(args, dest, getattr(settings, PATH_SETTINGS[dest]))
    return None
