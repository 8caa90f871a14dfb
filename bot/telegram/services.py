"""Telegram side of local services: the nearest services to a shared location or a typed place,
and the local list (with a "Share location" button) under "where do I go" answers.

Registered by telegram_app through `register(application)`. Private chats only: a location
shared in a group would be seen by everyone in it. With no services file every handler steps
aside and the core gives its national answers.

A location is read, used for one answer and dropped: it is never logged, counted, stored in
chat_data or user_data, or put in an error.
"""

from __future__ import annotations

import logging

from telegram import (
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, MessageHandler, filters

from ..core.hub import Hub
from ..core.responder import Reply
from ..core.settings import Settings
from ..services.answers import load_configured, local_services_text, location_answer, place_answer
from ..services.model import Directory
from . import keyboards
from .botdata import App, Context
from .handlers import LAST_REPLY, off_loop, record
from .send import say

log = logging.getLogger(__name__)

BEFORE_CORE, AFTER_CORE = -1, 1  # telegram_app's EXTENSION_GROUP runs before its core (group 0)
SHARE_LOCATION = "📍 Share my location"
PLACEHOLDER = "Or type your town or postcode start"
EVENT, INTENT = "answer", "local_services"  # counted like an answer; never with the place
# Set on the context (shared by all handlers of one update) by the first text handler, so the
# one after the core answers reads the message the same way the core did.
BEFORE = "hrbot_services_last_intent"
PRIVATE, NEW = filters.ChatType.PRIVATE, filters.UpdateType.MESSAGE


def share_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(SHARE_LOCATION, request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=PLACEHOLDER,
    )


def _directory(context: Context) -> Directory | None:
    services = context.bot_data.hub.services
    return services if isinstance(services, Directory) else None


# ---------------------------------------------------------------------- handlers
async def on_location(update: Update, context: Context) -> None:
    """The nearest services to a shared location, for what the person last asked about."""
    message, chat = update.effective_message, update.effective_chat
    directory = _directory(context)
    if message is None or chat is None or message.location is None or directory is None:
        return  # no services file: the core's reply says how to find services
    library = context.bot_data.hub.responder.library
    last = context.bot_data.memory.get(chat.id)
    text = location_answer(
        message.location.latitude, message.location.longitude, directory, last, library=library
    )
    log.debug("local services: location")
    record(context, update, EVENT, INTENT)
    await say(context.bot, chat.id, text, ReplyKeyboardRemove())
    raise ApplicationHandlerStop


async def on_text_first(update: Update, context: Context) -> None:
    """A message that is only a place ("LS1", "Leeds") gets the nearest services; anything else
    goes on to the core, with the intent it will read the message after noted for later."""
    message, chat = update.effective_message, update.effective_chat
    directory = _directory(context)
    if message is None or chat is None or message.text is None or directory is None:
        return
    shared = context.bot_data
    last = shared.memory.get(chat.id)
    text = place_answer(message.text, directory, last, library=shared.hub.responder.library)
    if text is None:
        vars(context)[BEFORE] = last  # a custom attribute on the context, as PTB documents
        return
    log.debug("local services: place")
    record(context, update, EVENT, INTENT)
    await say(context.bot, chat.id, text, ReplyKeyboardRemove())
    raise ApplicationHandlerStop


async def on_text_after(update: Update, context: Context) -> None:
    """After the core's answer: the local services for it, and the Share location button."""
    message, chat = update.effective_message, update.effective_chat
    directory = _directory(context)
    if message is None or chat is None or message.text is None or directory is None:
        return
    if BEFORE not in vars(context):
        return
    responder = context.bot_data.hub.responder
    sent = vars(context).get(LAST_REPLY)  # what the core sent; read again only if it is not there
    reply = (
        sent
        if isinstance(sent, Reply)
        else await off_loop(  # never on the event loop
            context, responder.reply, message.text, vars(context)[BEFORE]
        )
    )
    text = local_services_text(reply, directory, library=responder.library, text=message.text)
    if text:
        log.debug("local services: under %s", reply.intent)
        await say(context.bot, chat.id, text, share_keyboard())


async def on_button_after(update: Update, context: Context) -> None:
    """After the core answered a button press: the local services for that answer."""
    query, directory = update.callback_query, _directory(context)
    if query is None or directory is None or query.message is None:
        return
    if query.message.chat.type != "private":
        return
    press = keyboards.parse(query.data)
    responder = context.bot_data.hub.responder
    if press is None or press.kind != keyboards.ANSWER:
        return
    if press.value not in responder.library.intents:
        return
    reply = responder.answer(press.value)
    text = local_services_text(reply, directory, library=responder.library)
    if text:
        log.debug("local services: under %s", reply.intent)
        await say(context.bot, query.message.chat.id, text, share_keyboard())


# ---------------------------------------------------------------------- wiring
def _load_directory(hub: Hub, settings: Settings) -> None:
    """Use the hub's directory, else SERVICES_FILE. A broken file is logged (file:line in the
    staff's file, never user data) and the bot carries on with the national answers."""
    if hub.services is not None:
        return
    result = load_configured(settings.services_file)
    if result is None:
        return
    for problem in result.problems:
        log.warning("%s", problem)
    if result.directory is None:
        log.error("local services file has errors: giving national answers only")
        return
    hub.services = result.directory
    log.info("local services: %d loaded", len(result.directory.services))


def register(application: App) -> None:
    _load_directory(application.bot_data.hub, application.bot_data.settings)
    text = PRIVATE & NEW & filters.TEXT & ~filters.COMMAND
    application.add_handler(
        MessageHandler(PRIVATE & NEW & filters.LOCATION, on_location), group=BEFORE_CORE
    )
    application.add_handler(MessageHandler(text, on_text_first), group=BEFORE_CORE)
    application.add_handler(MessageHandler(text, on_text_after), group=AFTER_CORE)
    application.add_handler(CallbackQueryHandler(on_button_after), group=AFTER_CORE)
