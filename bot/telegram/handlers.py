"""One small async function per kind of update; the wiring is in telegram_app.build_application.

Every handler reads `hub.responder` when the update arrives (a reload may have swapped it), and
logs only event names and intent ids: never message text, names or Telegram ids.

Matching runs in a worker thread (bot.telegram.runtime.Workers), never on the event loop, so a
message that is slow to read holds up nobody else. Each text message was already read for an
emergency when it arrived (`triage`, run by telegram_runtime.PriorityUpdateProcessor): that
reading decides its place in the queue, and the handler answers from it instead of reading the
message again.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar

from telegram import Bot, Chat, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Conflict, Forbidden, TelegramError

from ..core.decide import Action
from ..core.hub import Hub
from ..core.library import SAFETY_INTENTS, Library
from ..core.matcher import Reading
from ..core.personalise import ServiceInfo, personalise
from ..core.responder import Reply, Responder
from ..core.safety import SafetyVerdict
from . import keyboards, texts
from .botdata import Context
from .runtime import PATIENT, SendOutcomeUnknown, arrival, urgent
from .send import say

log = logging.getLogger(__name__)

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]

# The Reply just sent for a text message, on the update's context (a custom attribute, as PTB
# documents), so extensions in later handler groups need not match the message again.
LAST_REPLY = "hrbot_reply"

MAX_INPUT = 4096  # Telegram's own limit; anything longer is not from Telegram
T = TypeVar("T")


# ---------------------------------------------------------------------- helpers
async def off_loop(context: Context, work: Callable[..., T], *args: Any) -> T:
    """Run work that can take long (matching) in a worker thread."""
    return await context.bot_data.workers.run(work, *args)


def _service(context: Context) -> ServiceInfo:
    return ServiceInfo.from_settings(context.bot_data.settings)


def _unmatched_days(context: Context) -> int | None:
    """Days unmatched questions are kept, or None when they are not kept at all (the default)."""
    return _service(context).unmatched_days


def _truthful(reply: Reply, context: Context) -> Reply:
    # Who runs the bot and what it keeps depend on settings: see bot/core/personalise.py.
    return personalise(reply, _service(context))


def _can_forget(context: Context) -> bool:
    return "forget" in context.bot_data.extra_commands


def record(context: Context, update: Update, event: str, intent: str | None) -> None:
    """Count what happened, by intent (or command name); the Hub keeps a failure from the reply."""
    user = update.effective_user
    context.bot_data.hub.record(event, intent, user.id if user else None)


def _is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def _with_hint(text: str, group: bool, bot: Bot) -> str:
    return f"{text}\n\n{texts.GROUP_HINT.format(username=bot.username)}" if group else text


def _addressed_to_bot(message: Message, bot: Bot) -> bool:
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot.id:
        return True
    mention = f"@{bot.username}".lower()
    mentions = message.parse_entities([MessageEntity.MENTION]).values()
    return any(m.lower() == mention for m in mentions)


def _without_mention(text: str, username: str) -> str:
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


def _mostly_not_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and 2 * sum(ord(c) > 0x24F for c in letters) > len(letters)


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, library: Library, group: bool, quote: int | None
) -> None:
    """A Reply as Telegram messages. A safety reply goes first and alone, as plain text; its
    buttons, if any, follow in a second message."""
    if reply.is_safety:
        if await say(bot, chat_id, reply.text, None, quote) is None:
            return
        more = keyboards.follow_ups(reply.buttons, more_topics=False)
        if more is not None:
            await say(bot, chat_id, _with_hint(texts.SAFETY_MORE, group, bot), more)
        return
    markup: InlineKeyboardMarkup | None
    if reply.action is Action.CLARIFY:
        markup = keyboards.choices(reply.buttons)
    elif reply.action is Action.ANSWER:
        markup = keyboards.follow_ups(reply.buttons)
    else:
        markup = keyboards.topics(library)
    await say(bot, chat_id, _with_hint(reply.text, group, bot), markup, quote)


# ---------------------------------------------------------------------- triage
@dataclass(frozen=True)
class Triaged:
    """A message read for an emergency as it arrived (in a worker thread)."""

    responder: Responder
    text: str
    reading: Reading
    verdict: SafetyVerdict

    @property
    def urgent(self) -> bool:
        return self.verdict.fired or self.verdict.check is not None


def read_message(responder: Responder, text: str) -> Triaged:
    reading = responder.read(text)
    return Triaged(responder, text, reading, responder.safety(reading))


def is_urgent_reading(found: object) -> bool:
    return isinstance(found, Triaged) and found.urgent


def triage(hub: Hub, bot: Bot, update: object) -> bool | Callable[[], Triaged] | None:
    """For PriorityUpdateProcessor, as each update arrives: True for a press of an emergency
    button, the work of reading a message that will be answered, or None."""
    if not isinstance(update, Update):
        return None
    query = update.callback_query
    if query is not None:
        press = keyboards.parse(query.data)
        return bool(press and press.kind == keyboards.ANSWER and press.value in SAFETY_INTENTS)
    text = text_to_answer(update, bot)
    return partial(read_message, hub.responder, text) if text else None


def text_to_answer(update: Update, bot: Bot) -> str | None:
    """What the bot will answer in this update: the text (without the bot's @name in a group,
    and only if it is for the bot there) or a photo's caption in a private chat."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return None
    if message.text is not None:
        if message.text.startswith("/"):
            return None  # a command: its own handler answers it
        if not _is_group(chat):
            return message.text[:MAX_INPUT]
        if not _addressed_to_bot(message, bot):
            return None  # group chatter that is not for the bot
        return _without_mention(message.text, bot.username)[:MAX_INPUT]
    if message.caption and not _is_group(chat):
        return message.caption[:MAX_INPUT]
    return None


def _reply(responder: Responder, text: str, last: str | None, found: Triaged | None) -> Reply:
    """The reply, from the reading made on arrival when it is of this text by this responder
    (a reload may have swapped it since)."""
    if (
        found is None
        or found.responder is not responder
        or found.text != text
        or (found.reading.empty)
    ):
        return responder.reply(text, last)
    return responder.reply_for(*responder.understand_reading(found.reading, last))


async def _arrival_reading() -> Triaged | None:
    came = arrival()
    if came is None:
        return None
    try:
        found = await came.reading()
    except Exception as exc:  # the handler reads it again and meets the error itself
        log.debug("arrival reading failed (%s)", type(exc).__name__)
        return None
    return found if isinstance(found, Triaged) else None


# ---------------------------------------------------------------------- text
async def on_text(update: Update, context: Context) -> None:
    text = text_to_answer(update, context.bot)
    if text is not None:
        await answer_text(update, context, text)


async def on_caption(update: Update, context: Context) -> None:
    """A photo or file with a caption: the caption is what the person typed, so answer it."""
    text = text_to_answer(update, context.bot)
    if text is not None:
        await answer_text(update, context, text)


async def answer_text(update: Update, context: Context, text: str) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    hub, memory = context.bot_data.hub, context.bot_data.memory
    responder = hub.responder  # read once: a reload may swap it, this update keeps this one
    last = memory.get(chat.id)
    text = text[:MAX_INPUT]
    found = await _arrival_reading()
    reply = _truthful(await off_loop(context, _reply, responder, text, last, found), context)
    vars(context)[LAST_REPLY] = reply
    edited = update.edited_message is not None
    if edited and not reply.is_safety and reply.intent is not None and reply.intent == last:
        log.debug("edited message: same answer as before, not sent again")
        return
    if reply.action is Action.FALLBACK and _mostly_not_latin(text):
        reply = replace(reply, text=f"{texts.ENGLISH_ONLY}\n\n{reply.text}")
    group = _is_group(chat)
    quote = message.message_id if group or edited else None
    with urgent(reply.is_safety or reply.safety_check is not None):
        await send_reply(context.bot, chat.id, reply, responder.library, group, quote)
    if reply.intent:
        memory.remember(chat.id, reply.intent)
    log.debug("reply: %s %s", reply.action.value, reply.intent or "-")
    record(context, update, reply.action.value, reply.intent)
    if reply.action is Action.FALLBACK:
        hub.record_unmatched(text, reply.candidates[0].intent if reply.candidates else None)


# ---------------------------------------------------------------------- buttons
async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer()  # at once, or Telegram later calls the query "too old"
    except BadRequest:
        log.debug("callback query could not be answered (too old)")
    library = context.bot_data.hub.responder.library
    chat_id = query.message.chat.id if query.message else query.from_user.id
    press = keyboards.parse(query.data)
    if press and press.kind == keyboards.ANSWER and press.value in library.intents:
        await _answer_press(update, context, chat_id, press.value)
        return
    menu = None
    if press and press.kind == keyboards.TOPIC:
        menu = keyboards.topic_questions(library, int(press.value))
    elif press and press.kind == keyboards.TOPICS:
        menu = keyboards.topics(library)
    if menu is None:  # forged, or from before a reload: offer the topics, never an error
        log.debug("button: stale or unknown")
        await say(context.bot, chat_id, texts.STALE_BUTTON, keyboards.topics(library))
        return
    await _show_menu(update, context, chat_id, menu)


async def _answer_press(update: Update, context: Context, chat_id: int, intent: str) -> None:
    hub = context.bot_data.hub
    responder = hub.responder
    query = update.callback_query
    group = query is not None and query.message is not None and _is_group(query.message.chat)
    reply = _truthful(responder.answer(intent), context)
    await send_reply(context.bot, chat_id, reply, responder.library, group, None)
    context.bot_data.memory.remember(chat_id, intent)
    log.debug("button: %s", intent)
    record(context, update, "button", intent)


async def _show_menu(
    update: Update, context: Context, chat_id: int, menu: InlineKeyboardMarkup
) -> None:
    """Swap the buttons under the pressed message; if it can no longer be edited (too old,
    deleted), send the menu as a new message."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        try:
            await query.edit_message_reply_markup(menu)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            log.debug("menu could not be edited; sending it instead")
    await say(context.bot, chat_id, texts.TOPICS, menu)


# ---------------------------------------------------------------------- commands
async def _command_reply(
    update: Update, context: Context, name: str, text: str, topics: bool
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    hub = context.bot_data.hub
    markup = keyboards.topics(hub.responder.library) if topics else None
    await say(context.bot, chat.id, text, markup)
    record(context, update, "command", name)  # counted by command name


async def on_start(update: Update, context: Context) -> None:
    if _is_group(update.effective_chat):
        text = texts.GROUP_WELCOME.format(username=context.bot.username)
    else:
        text = texts.welcome_text(_unmatched_days(context))
    await _command_reply(update, context, "start", text, topics=True)


async def on_help(update: Update, context: Context) -> None:
    text = _with_hint(
        texts.help_text(_can_forget(context)), _is_group(update.effective_chat), context.bot
    )
    await _command_reply(update, context, "help", text, topics=False)


async def on_topics(update: Update, context: Context) -> None:
    await _command_reply(update, context, "topics", texts.TOPICS, topics=True)


async def on_privacy(update: Update, context: Context) -> None:
    minutes = context.bot_data.memory.seconds / 60
    text = texts.privacy_text(minutes, _can_forget(context), _unmatched_days(context))
    await _command_reply(update, context, "privacy", text, topics=False)


async def on_unknown_command(update: Update, context: Context) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    name, _, target = message.text.split()[0][1:].partition("@")
    if target and target.lower() != context.bot.username.lower():
        return  # meant for another bot
    if (_is_group(chat) and not target) or name.lower() in context.bot_data.extra_commands:
        return  # group chatter, or a command an extension module answers
    await say(context.bot, chat.id, texts.UNKNOWN_COMMAND)


# ---------------------------------------------------------------------- everything else
def canned(text: str, topics: bool = False) -> Handler:
    """A handler that answers a kind of message the bot cannot read with a fixed kind reply."""

    async def reply(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        markup = keyboards.topics(context.bot_data.hub.responder.library) if topics else None
        await say(context.bot, chat.id, text, markup)

    return reply


async def on_added_to_group(update: Update, context: Context) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if any(member.id == context.bot.id for member in message.new_chat_members):
        await say(context.bot, chat.id, texts.GROUP_WELCOME.format(username=context.bot.username))


async def on_error(update: object, context: Context) -> None:
    """Log the kind of error and where, never its message (it can quote the update); tell the
    person once, briefly, to send their message again."""
    error = context.error
    if isinstance(error, Conflict):
        log.error(
            "another copy of this bot is getting updates with the same token "
            "(409 Conflict): run only one"
        )
        if context.bot_data.stop_on_conflict:
            context.bot_data.conflicted = True
            context.application.stop_running()
        return
    if isinstance(error, Forbidden):
        log.info("message skipped: the user blocked the bot")
        return
    if isinstance(error, SendOutcomeUnknown):
        # The reply went out and Telegram did not confirm it: it has most likely arrived, and
        # an apology after it would only confuse.
        log.warning("a reply was sent but not confirmed; not sent again")
        return
    log.error("error while handling an update: %s at %s", type(error).__name__, _where(error))
    chat = update.effective_chat if isinstance(update, Update) else None
    came = arrival()
    if chat is None or (came is not None and came.apologised):
        return
    if came is not None:
        came.apologised = True  # once per update, whichever handlers failed
    try:
        # Telegram may be why it failed: wait longer than usual for this one short message.
        await say(context.bot, chat.id, texts.SOMETHING_WENT_WRONG, patience=PATIENT)
    except TelegramError as exc:
        log.warning("could not send the error reply (%s)", type(exc).__name__)


def _where(error: BaseException | None) -> str:
    frames = traceback.extract_tb(error.__traceback__) if error else []
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
