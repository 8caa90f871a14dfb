"""The Telegram bot: a python-telegram-bot Application, all wired in `build_application`.

Extension modules: `bot.telegram.privacy` and `bot.telegram.services`. `build_application` calls
the `register(application)` of each. Such a module:
- adds its handlers with `group=EXTENSION_GROUP`, which runs before the core handlers;
- ends a handler that has replied with `raise ApplicationHandlerStop`, so the core does not answer
  the same update too; a handler that returns normally leaves the update to the core (a location
  with no services file, say, still gets the core's generic reply);
- lists the commands it answers for the menu in `COMMANDS = [("forget", "what it does"), ...]`;
- finds the shared state in `application.bot_data`, a `bot.telegram.botdata.BotData`:
  `.hub` (bot.core.hub.Hub), `.memory` (bot.telegram.memory.ChatMemory: `get(chat_id)` is the
  last intent answered in that chat, `forget(chat_id)` clears it) and `.settings`;
- may add handlers in a later group (1, say) to add to what the core has sent.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
from functools import partial
from pathlib import Path
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from ..core.hub import Hub
from ..core.library import Library
from ..core.loader import load_library
from ..core.responder import Responder
from ..core.settings import Settings
from . import handlers as h
from . import logs, privacy, services, texts
from .botdata import CONTEXT_TYPES, App
from .heartbeat import start_heartbeat
from .memory import ChatMemory
from .profile import set_profile
from .runtime import (
    BACKOFF_SECONDS,
    SEND_READ_TIMEOUT,
    PriorityRateLimiter,
    PriorityUpdateProcessor,
)
from .webhook import WebhookOptions, serve_webhook

log = logging.getLogger(__name__)

EXTENSION_GROUP = -1
CORE_GROUP = 0
# Chats handled at once (as many again for emergencies); one chat's updates stay in order
# (PriorityUpdateProcessor). It matters when Telegram is slow to answer or a 429 holds a
# request: with 50 ms per API call, 1 gave 18 messages/s and 8 gave 139 (bench/bench_e2e.py
# --api-delay 50). 16 cost more CPU a message.
CONCURRENT_UPDATES = 8
CONNECTION_POOL = 16
SWITCH_INTERVAL = 0.001  # seconds; see build_application
CORE_COMMANDS = (
    ("start", "Start here"),
    ("topics", "Pick a topic"),
    ("help", "How to use this bot"),
    ("privacy", "What I keep and what I don't"),
)

PRIVATE = filters.ChatType.PRIVATE
NEW = filters.UpdateType.MESSAGE  # new messages only, not edits
NEW_OR_EDITED = filters.UpdateType.MESSAGES


def build_application(
    settings: Settings,
    hub: Hub,
    *,
    watch: Path | None = None,
    concurrency: int = CONCURRENT_UPDATES,
    overall_max_rate: float = 30,
    backoff: float = BACKOFF_SECONDS,
    read_timeout: float = SEND_READ_TIMEOUT,
) -> App:
    """The whole bot, ready for run_polling or serve_webhook (or initialize/start in tests).

    watch: an intents folder to reload into the hub when its files change (or on SIGHUP).
    overall_max_rate is Telegram's limit of about 30 messages a second per bot; the benchmark
    lifts it (0) to measure the bot itself. backoff (the first wait before retrying a failed
    request) and read_timeout (how long to wait for Telegram's answer to a request) are
    shortened by tests."""
    if not settings.token:
        raise ValueError("no Telegram bot token in the settings")
    # Opt in to PTB's coming time periods (timedelta): without it, every 429 makes PTB warn.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    # Matching and reading run in worker threads. While one of them computes, the event loop
    # gets the GIL back after each socket call only when the worker yields it, by default every
    # 5 ms: under a flood every submit to a worker cost 1.7 ms of waiting (profiled). 1 ms
    # keeps the event loop, which fetches updates and sends the replies, responsive.
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
    logs.protect_logs()
    root = settings.telegram_api_root.rstrip("/")
    processor = PriorityUpdateProcessor(concurrency, is_urgent_reading=h.is_urgent_reading)
    application = (
        Application.builder()
        .context_types(CONTEXT_TYPES)
        .token(settings.token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(PriorityRateLimiter(overall_max_rate, backoff=backoff))
        .concurrent_updates(processor)
        .connection_pool_size(CONNECTION_POOL)
        .read_timeout(read_timeout)
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    processor.triager = partial(h.triage, hub, application.bot)
    shared = application.bot_data
    shared.hub = hub
    shared.workers = processor.workers
    shared.memory = ChatMemory(settings.context_minutes)
    shared.settings = settings
    shared.watch = watch
    extra = _register_extensions(application)
    shared.menu = (*CORE_COMMANDS, *extra)
    shared.extra_commands = frozenset(name for name, _ in extra)
    for handler in _core_handlers():
        application.add_handler(handler, group=CORE_GROUP)
    application.add_error_handler(h.on_error)
    return application


def _core_handlers() -> list[Any]:
    # Within a group the first handler that matches wins, so the order below matters.
    media = filters.PHOTO | filters.VIDEO | filters.ANIMATION | filters.Document.ALL
    return [
        CommandHandler("start", h.on_start, filters=NEW),
        CommandHandler("help", h.on_help, filters=NEW),
        CommandHandler("topics", h.on_topics, filters=NEW),
        CommandHandler("privacy", h.on_privacy, filters=NEW),
        MessageHandler(filters.COMMAND & NEW, h.on_unknown_command),
        MessageHandler(filters.TEXT & ~filters.COMMAND & NEW_OR_EDITED, h.on_text),
        CallbackQueryHandler(h.on_button),
        MessageHandler(
            PRIVATE & NEW & (filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE),
            h.canned(texts.VOICE),
        ),
        MessageHandler(PRIVATE & NEW_OR_EDITED & filters.CAPTION & media, h.on_caption),
        MessageHandler(PRIVATE & NEW & (filters.VIDEO | filters.ANIMATION), h.canned(texts.VIDEO)),
        MessageHandler(PRIVATE & NEW & filters.PHOTO, h.canned(texts.PHOTO)),
        MessageHandler(PRIVATE & NEW & filters.Sticker.ALL, h.canned(texts.STICKER, topics=True)),
        MessageHandler(PRIVATE & NEW & filters.LOCATION, h.canned(texts.LOCATION)),
        MessageHandler(PRIVATE & NEW & filters.Document.ALL, h.canned(texts.DOCUMENT)),
        MessageHandler(PRIVATE & NEW & filters.CONTACT, h.canned(texts.CONTACT, topics=True)),
        MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, h.on_added_to_group),
        MessageHandler(
            PRIVATE & NEW & ~filters.StatusUpdate.ALL, h.canned(texts.OTHER, topics=True)
        ),
    ]


def _register_extensions(application: App) -> list[tuple[str, str]]:
    """Add the extension modules' handlers; return the commands they list in the menu."""
    privacy.register(application)
    services.register(application)
    return list(privacy.COMMANDS)


async def _post_init(application: App) -> None:
    shared = application.bot_data
    try:
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in shared.menu])
    except TelegramError as exc:  # the menu is a nicety: the bot works without it
        log.warning("could not set the command menu (%s)", type(exc).__name__)
    await set_profile(application.bot, shared.settings)
    shared.heartbeat = start_heartbeat(shared.settings.heartbeat_file, lambda: application.running)
    if shared.watch is not None:
        from .reload import watch_library

        stop = asyncio.Event()
        task = asyncio.create_task(
            watch_library(shared.hub, shared.watch, stop, shared.settings.reload_seconds)
        )
        shared.watcher = (stop, task)


async def _post_stop(application: App) -> None:
    shared = application.bot_data
    heartbeat, shared.heartbeat = shared.heartbeat, None
    if heartbeat is not None:
        await heartbeat.stop()
    watcher, shared.watcher = shared.watcher, None
    if watcher is not None:
        stop, task = watcher
        stop.set()
        await task


async def _post_shutdown(application: App) -> None:
    close = getattr(application.bot_data.hub.analytics, "close", None)
    if callable(close):
        await asyncio.to_thread(close)  # writes the last counts


def webhook_options(settings: Settings) -> WebhookOptions:
    """Where and how to take updates in webhook mode. Without WEBHOOK_SECRET a random secret is
    made at each start: Telegram sends it back with every update, anyone else gets 403."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    return WebhookOptions(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=settings.webhook_path.strip("/"),
        webhook_url=settings.webhook_url or "",
        secret_token=secret or secrets.token_urlsafe(32),
        allowed_updates=list(Update.ALL_TYPES),
    )


def run_bot(settings: Settings, directory: Path, library: Library | None = None) -> int:
    """Run until SIGINT or SIGTERM: 0 after a clean stop, 1 if the bot could not run.

    `hrbot run` loads (and explains) the library first and passes it in; without it the library
    is loaded here and its errors are logged."""
    logs.configure(settings.log_level)
    if library is None:
        result = load_library(directory)
        for problem in result.errors:
            log.error("%s", problem)
        if result.library is None:
            return 1
        library = result.library
    from ..analytics.store import from_settings

    # Trained apart (with a model cache): the bot's own process never holds scikit-learn.
    responder = Responder(library, model_cache=settings.models, train_apart=True)
    hub = Hub(responder, analytics=from_settings(settings))
    application = build_application(settings, hub, watch=directory)
    application.bot_data.stop_on_conflict = True
    try:
        if settings.webhook_url:
            log.info("starting in webhook mode")
            asyncio.run(serve_webhook(application, webhook_options(settings)))
        else:
            log.info("starting with long polling")
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        log.error("Telegram did not accept the bot token: check TELEGRAM_BOT_TOKEN")
        return 1
    except TelegramError as exc:
        log.error("could not start the bot (%s)", type(exc).__name__)
        return 1
    if application.bot_data.conflicted:
        return 1
    log.info("stopped")
    return 0
