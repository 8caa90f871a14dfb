"""Telegram commands for privacy (/forget, for everyone) and for staff (/stats, /reload).

/forget clears what the bot remembers of the chat (the last topic, for follow-ups) and deletes
the bot's own recent messages there, as far as Telegram allows (48 hours; bot/telegram/recent.py).

/stats and /reload answer only the Telegram user ids in ADMIN_USER_IDS, in a private chat. For
anyone else these handlers do not match at all, so the core answers exactly as it answers any
unknown command: nothing hints that they exist. They are not in the command menu either.

Registered by bot/telegram/app.py (`register(application)`), which shares the hub, the chat
memory and the settings in application.bot_data (bot/telegram/botdata.py).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, CommandHandler, filters

from ..analytics.report import format_report, read_report
from .botdata import App, Context
from .handlers import record
from .recent import recent_messages
from .send import say

log = logging.getLogger(__name__)

COMMANDS = [("forget", "Delete my recent messages, clear this chat")]
EXTENSION_GROUP = -1  # before the core handlers (bot/telegram/app.py)
STATS_DAYS, STATS_MAX_DAYS = 7, 366

FORGET_DONE = (
    "Done. I've deleted my recent messages in this chat, and forgotten what we talked about.\n\n"
    "I can only delete messages from the last 48 hours. To delete your own messages too, "
    "clear the chat history in Telegram."
)
NO_FIGURES = "No figures yet: the analytics database has not been made (is ANALYTICS_ENABLED on?)"
FIGURES_UNREADABLE = "Could not read the analytics database ({error}). See the bot's log."
STATS_FOOTER = (
    "Unmatched messages are not shown here, to keep them off Telegram. "
    "Run `hrbot report` on the server to see them."
)
RELOADED = "Reloaded: {intents} intents, {examples} examples ({warnings} warnings)."
NOT_RELOADED = "Not reloaded: {errors} error(s). The bot is still using the old library.\n\n"
RELOAD_FAILED = "Not reloaded: something went wrong (see the bot's log). The old library stays."
MAX_PROBLEMS_SHOWN = 5


def register(application: App) -> None:
    settings = application.bot_data.settings
    new = filters.UpdateType.MESSAGE  # not edits: editing an old "/forget" does not repeat it
    staff = filters.User(user_id=settings.admin_user_ids) & filters.ChatType.PRIVATE & new
    application.add_handlers(
        [
            CommandHandler("forget", on_forget, filters=new),
            CommandHandler("stats", on_stats, filters=staff),
            CommandHandler("reload", on_reload, filters=staff),
        ],
        group=EXTENSION_GROUP,
    )


# ---------------------------------------------------------------------- /forget
async def on_forget(update: Update, context: Context) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if chat.type != ChatType.PRIVATE and "@" not in (message.text or "").split()[0]:
        return  # in a group, a bare /forget may be for another bot: like the core, ignore it
    context.bot_data.memory.forget(chat.id)
    deleted, kept = await delete_recent(context, chat.id)
    log.info("forget: %d message(s) deleted, %d could not be", deleted, kept)
    await say(context.bot, chat.id, FORGET_DONE)
    record(context, update, "command", "forget")
    raise ApplicationHandlerStop


async def delete_recent(context: Context, chat_id: int) -> tuple[int, int]:
    """Delete the bot's remembered messages in this chat: (deleted, could not be deleted)."""
    deleted = failed = 0
    for message_id in reversed(recent_messages(context.bot).take(chat_id)):  # newest first
        try:
            await context.bot.delete_message(chat_id, message_id)
            deleted += 1
        except BadRequest:  # already deleted by the person, or too old
            failed += 1
        except Forbidden:  # blocked the bot or left: nothing more can be done here
            return deleted, failed + 1
        except TelegramError as exc:
            log.warning("forget: a deletion failed (%s)", type(exc).__name__)
            failed += 1
    return deleted, failed


# ---------------------------------------------------------------------- /stats
async def on_stats(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await say(context.bot, chat.id, await stats_text(context, _days(context.args)))
    raise ApplicationHandlerStop


def _days(args: list[str] | None) -> int:
    if args and args[0].isdigit():
        return max(1, min(int(args[0]), STATS_MAX_DAYS))
    return STATS_DAYS


async def stats_text(context: Context, days: int) -> str:
    settings = context.bot_data.settings
    flush = getattr(context.bot_data.hub.analytics, "flush", None)
    if callable(flush):
        await asyncio.to_thread(flush)  # so today's figures include the last few seconds
    try:
        report = await asyncio.to_thread(read_report, settings.database_path, days)
    except FileNotFoundError:
        return NO_FIGURES
    except sqlite3.Error as exc:
        log.warning("stats: could not read the analytics database (%s)", type(exc).__name__)
        return FIGURES_UNREADABLE.format(error=type(exc).__name__)
    lines = format_report(report, top=10, unmatched=0)
    if report.unmatched:
        lines += [
            "",
            f"{sum(g.count for g in report.unmatched)} unmatched message(s) kept. " + STATS_FOOTER,
        ]
    return "\n".join(lines)


# ---------------------------------------------------------------------- /reload
async def on_reload(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    from .reload import reload_library

    shared = context.bot_data
    directory = shared.watch or shared.settings.intents_dir
    result = await reload_library(shared.hub, directory)
    if result.library is not None:
        library = result.library
        text = RELOADED.format(
            intents=len(library.intents),
            examples=library.example_count,
            warnings=len(result.problems),
        )
    elif result.errors:
        text = NOT_RELOADED.format(errors=len(result.errors)) + "\n".join(
            str(p) for p in result.errors[:MAX_PROBLEMS_SHOWN]
        )
    else:
        text = RELOAD_FAILED
    await say(context.bot, chat.id, text)
    raise ApplicationHandlerStop
