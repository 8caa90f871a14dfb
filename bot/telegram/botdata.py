"""What every handler shares while the bot runs: `application.bot_data`, typed.

python-telegram-bot makes `bot_data` from the class given in `ContextTypes(bot_data=...)`, with
no arguments, before the bot exists; `build_application` then fills it in. So the fields that
only exist once the bot is built (`hub`, `settings`, `memory`, `workers`) have no default:
reading one before it is set raises AttributeError instead of handing a handler a None to trip
over later.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from ..core.hub import Hub
from ..core.settings import Settings
from .heartbeat import Heartbeat
from .memory import ChatMemory
from .runtime import Workers


@dataclass(eq=False)
class BotData:
    hub: Hub = field(init=False)
    settings: Settings = field(init=False)
    # The last intent answered in each chat: `get(chat_id)`, `forget(chat_id)`.
    memory: ChatMemory = field(init=False)
    workers: Workers = field(init=False)  # threads for matching, off the event loop
    # The intents folder reloaded when its files change, on SIGHUP and on /reload.
    watch: Path | None = None
    # (command, description) pairs for the command menu, core commands first.
    menu: tuple[tuple[str, str], ...] = ()
    # Commands that extension modules answer, so the core does not call them unknown.
    extra_commands: frozenset[str] = frozenset()
    # `hrbot run` stops on a 409 Conflict (another copy has the token) and exits 1.
    stop_on_conflict: bool = False
    conflicted: bool = False
    heartbeat: Heartbeat | None = None
    watcher: tuple[asyncio.Event, asyncio.Task[None]] | None = None


Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
App = Application[ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], BotData, Any]
