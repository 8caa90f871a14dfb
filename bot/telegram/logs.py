"""Keep message text, user ids and the bot token out of the logs.

Libraries log them below INFO: httpx logs every request URL (which holds the token) at INFO,
python-telegram-bot logs request parameters and whole updates at DEBUG, and a few of its error
lines include the raw update. So their loggers are held at a floor level (or the root's level, if
higher), and the arguments of python-telegram-bot's records are hidden (numbers such as retry
times are kept). Its tracebacks are cut down to the exception types: the message of an
InvalidToken holds the token, and others can quote the update.
"""

from __future__ import annotations

import logging

FLOORS = {"telegram": logging.INFO, "httpx": logging.WARNING, "httpcore": logging.INFO}
HIDDEN = "<hidden>"


class HideArguments(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            record.args = {k: _safe(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_safe(v) for v in record.args)
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.msg} [{_types(record.exc_info[1])}]"
            record.exc_info, record.exc_text = None, None
        return True


def _types(error: BaseException) -> str:
    """The exception's type and those of its causes, outermost first: no messages."""
    names, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " <- ".join(names)


def _safe(value: object) -> object:
    return value if isinstance(value, int | float) else HIDDEN


_HIDE = HideArguments()


def protect_logs() -> None:
    """Call after python-telegram-bot is imported and logging is configured; idempotent.

    A level set on "httpcore" also holds for its child loggers made later; a filter only sees
    records logged on its own logger, so the filter goes on every python-telegram-bot logger."""
    root = logging.getLogger().getEffectiveLevel()
    for name, floor in FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, root))
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] == "telegram":
            logger = logging.getLogger(name)
            if _HIDE not in logger.filters:
                logger.addFilter(_HIDE)


def configure(level: str) -> None:
    """Logging for `hrbot run`: one line per record on stderr."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    protect_logs()
