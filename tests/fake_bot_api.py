"""A fake Telegram Bot API server: real HTTP on 127.0.0.1 (aiohttp), for tests and benchmarks.

python-telegram-bot runs against it unchanged (`base_url(f"{fake.root}/bot")`). It implements
what the bot uses (see METHODS), records every call in `fake.calls`, lets a test play the user
(`send_text`, `send_command`, `press`, `send_content`, `edit_text`) and wait for the bot's
replies, delivers updates to a webhook when one is set, and injects errors (`inject`, `block`,
`delay`, `slow`). Nothing here knows about hrbot: any PTB bot can be driven with it.

    fake = FakeBotApi()
    await fake.start()
    ...  # build an Application with fake.token and fake.root, then `async with serve(app):`
    replies = await fake.send_text(42, "hello")      # waits for one message to chat 42
    replies = await fake.press(42, replies[0], "a:greeting")
    await fake.stop()
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijkl"
BOT_ID = 123456789
BOT_USERNAME = "hrbot_test_bot"
WAIT_SECONDS = 20.0  # how long a helper waits for the bot: generous, for a busy machine

# Parameters that Telegram reads as plain strings; PTB JSON-encodes everything else.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "secret_token",
        "ip_address",
        "inline_message_id",
        "business_connection_id",
        "language_code",
        "description",
        "short_description",
        "name",
        "message_effect_id",
        "emoji",
        "chat_id_str",
    }
)
OUTPUT_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})
MAX_TEXT = 4096
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120
MAX_CALLBACK_DATA = 64

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
ERRORS: dict[str, tuple[int, str]] = {
    "chat_not_found": (400, "Bad Request: chat not found"),
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "not_modified": (400, NOT_MODIFIED),
    "cant_edit": (400, "Bad Request: message can't be edited"),
    "query_too_old": (400, QUERY_TOO_OLD),
    "retry_after": (429, "Too Many Requests: retry after {retry_after}"),
    "bad_gateway": (502, "Bad Gateway"),
}
CONFLICT_POLLER = (
    "Conflict: terminated by other getUpdates request; make sure that only one "
    "bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use "
    "deleteWebhook to delete the webhook first"
)
STICKER = {
    "file_id": "CAACAgIAAxkBAAEfakeSticker",
    "file_unique_id": "AgADfakeSticker",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "emoji": "👍",
}
CONTENT: dict[str, dict[str, Any]] = {
    "sticker": {"sticker": STICKER},
    "voice": {
        "voice": {
            "file_id": "AwACAgIfakeVoice",
            "file_unique_id": "AgADfakeVoice",
            "duration": 4,
            "mime_type": "audio/ogg",
        }
    },
    "video_note": {
        "video_note": {
            "file_id": "DQACfakeNote",
            "file_unique_id": "AgADfakeNote",
            "length": 240,
            "duration": 5,
        }
    },
    "audio": {
        "audio": {"file_id": "CQACfakeAudio", "file_unique_id": "AgADfakeAudio", "duration": 60}
    },
    "photo": {
        "photo": [
            {
                "file_id": "AgACfakePhoto",
                "file_unique_id": "AQADfakePhoto",
                "width": 90,
                "height": 90,
            }
        ]
    },
    "video": {
        "video": {
            "file_id": "BAACfakeVideo",
            "file_unique_id": "AgADfakeVideo",
            "width": 640,
            "height": 360,
            "duration": 10,
        }
    },
    "document": {
        "document": {
            "file_id": "BQACfakeDoc",
            "file_unique_id": "AgADfakeDoc",
            "file_name": "letter.pdf",
            "mime_type": "application/pdf",
        }
    },
    "location": {"location": {"latitude": 53.8008, "longitude": -1.5491}},
    "contact": {"contact": {"phone_number": "+440000000000", "first_name": "A friend"}},
    "dice": {"dice": {"emoji": "🎲", "value": 4}},
}


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class Call:
    """One request the bot made. `status` is the HTTP status the fake answered with."""

    method: str
    params: dict[str, Any]
    status: int
    at: float
    result: Any = None

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")


@dataclass
class Sent:
    """A message the bot sent or edited, as a test sees it."""

    method: str
    chat_id: int
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    parse_mode: str | None
    reply_to: int | None
    at: float

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data or url) of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            (b["text"], b.get("callback_data") or b.get("url", "")) for row in rows for b in row
        ]

    def data(self, label: str) -> str:
        """The callback data of the button with this label (or the start of it)."""
        for text, data in self.buttons:
            if text == label or text.startswith(label):
                return data
        raise AssertionError(f"no button {label!r} in {[t for t, _ in self.buttons]}")


@dataclass
class Fault:
    method: str
    error: ApiError | None  # None: a delay only (`slow`)
    times: int
    chat_id: int | None = None
    seconds: float = 0.0


@dataclass
class _Waiter:
    predicate: Callable[[], bool]
    future: asyncio.Future[None] = field(repr=False)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode form fields the way the Bot API does: by name, strings raw, the rest JSON."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(value, str) or key in STRING_FIELDS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


class FakeBotApi:
    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "HR Bot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.delay = 0.0  # seconds added to every call
        self.blocked: set[int] = set()  # chats whose user has blocked the bot
        self.commands: list[dict[str, Any]] = []
        self.description = ""  # what an empty chat with the bot shows
        self.short_description = ""  # what the bot's profile shows
        self.webhook: dict[str, Any] | None = None
        self.webhook_statuses: list[int] = []  # HTTP status of each webhook delivery
        self._faults: list[Fault] = []
        self._updates: list[dict[str, Any]] = []  # waiting for getUpdates
        self._webhook_queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._in_flight: dict[str, Any] | None = None  # being delivered to the webhook
        self._arrived = asyncio.Event()
        self._poller: object | None = None
        self._closing = False
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._queries: dict[str, bool] = {}  # callback query id -> answered
        self._outputs: dict[int, list[Sent]] = {}
        self._waiters: list[_Waiter] = []
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._deliverer: asyncio.Task[None] | None = None
        self.port = 0

    # ------------------------------------------------------------------ server
    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def bot_settings(self, intents: str) -> dict[str, str]:
        """The settings that point a real `hrbot run` at this fake: quiet, no analytics, no
        local services, polling (the benchmarks start the bot as a process with these)."""
        return {
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_API_ROOT": self.root,
            "INTENTS_DIR": intents,
            "LOG_LEVEL": "WARNING",
            "ANALYTICS_ENABLED": "0",
            "SERVICES_FILE": "",
            "WEBHOOK_URL": "",
        }

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._session = ClientSession(timeout=ClientTimeout(total=10))
        self._deliverer = asyncio.create_task(self._deliver_webhooks())

    async def stop(self) -> None:
        self._closing = True
        self._arrived.set()  # long polls return now
        if self._deliverer:
            self._deliverer.cancel()
            with suppress(asyncio.CancelledError):
                await self._deliverer
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()
        for waiter in self._waiters:
            waiter.future.cancel()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw.update(
                {
                    k: v if isinstance(v, str) else json.dumps(v)
                    for k, v in (await request.json()).items()
                }
            )
        elif request.can_read_body:
            raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        params = decode_params(raw)
        if request.match_info["token"] != self.token:
            return self._respond(method, params, ApiError(401, "Unauthorized"))
        if self.delay:
            await asyncio.sleep(self.delay)
        slow = self._take_slow(method, params)
        if slow:
            # As Telegram when it is slow: the call is carried out even if the bot has stopped
            # waiting for the answer (aiohttp does not cancel a handler when the client goes).
            await asyncio.sleep(slow)
        handler = METHODS.get(method.lower())
        if handler is None:
            return self._respond(method, params, ApiError(404, "Not Found"))
        try:
            self._take_fault(method, params)
            result = await handler(self, params)
        except ApiError as error:
            return self._respond(method, params, error)
        return self._respond(method, params, result=result)

    def _respond(
        self, method: str, params: dict[str, Any], error: ApiError | None = None, result: Any = None
    ) -> web.Response:
        status = error.status if error else 200
        self._record(Call(method, params, status, time.monotonic(), result))
        if error and error.status >= 500:
            return web.Response(status=error.status, text=error.description)
        body = error.body() if error else {"ok": True, "result": result}
        return web.json_response(body, status=status)

    # ------------------------------------------------------------------ recording and waiting
    def _record(self, call: Call) -> None:
        self.calls.append(call)
        if call.method in OUTPUT_METHODS and call.status == 200:
            message = call.result if isinstance(call.result, dict) else {}
            sent = Sent(
                call.method,
                message["chat"]["id"],
                message["message_id"],
                message.get("text", ""),
                message.get("reply_markup"),
                call.params.get("parse_mode"),
                (call.params.get("reply_parameters") or {}).get("message_id"),
                call.at,
            )
            self._outputs.setdefault(sent.chat_id, []).append(sent)
        self._notify()

    def _notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.future.done() and waiter.predicate():
                waiter.future.set_result(None)

    async def wait_for(
        self, predicate: Callable[[], bool], timeout: float = WAIT_SECONDS, what: str = "the bot"
    ) -> None:
        """Wait until predicate() is true; it is checked after every call the bot makes."""
        if predicate():
            return
        waiter = _Waiter(predicate, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter.future, timeout)
        except TimeoutError:
            recent = [f"{c.method}:{c.status}" for c in self.calls[-8:]]
            raise AssertionError(f"waited {timeout}s for {what}; last calls: {recent}") from None
        finally:
            self._waiters.remove(waiter)

    def outputs(self, chat_id: int) -> list[Sent]:
        """Every message the bot has sent to (or edited in) this chat, in order."""
        return list(self._outputs.get(chat_id, []))

    def forget_history(self) -> None:
        """Drop the record of past calls and messages (a long benchmark would fill memory with
        it); the chats stay known."""
        self.calls.clear()
        self._outputs.clear()
        self._messages.clear()

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def mark(self, chat_id: int) -> int:
        """How many messages the bot has sent to this chat so far (for `replies`)."""
        return len(self._outputs.get(chat_id, ()))

    async def replies(
        self, chat_id: int, mark: int, count: int = 1, timeout: float = WAIT_SECONDS
    ) -> list[Sent]:
        """Wait for `count` messages to this chat after `mark`; returns all sent since."""
        await self.wait_for(
            lambda: len(self._outputs.get(chat_id, ())) >= mark + count,
            timeout,
            f"{count} message(s) to chat {chat_id}",
        )
        return self.outputs(chat_id)[mark:]

    # ------------------------------------------------------------------ faults
    def inject(
        self,
        method: str,
        error: str,
        times: int = 1,
        chat_id: int | None = None,
        retry_after: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail: chat_not_found, blocked, not_modified,
        cant_edit, query_too_old, retry_after (429 with parameters.retry_after) or bad_gateway
        (502)."""
        status, description = ERRORS[error]
        api_error = ApiError(
            status,
            description.format(retry_after=retry_after),
            retry_after if status == 429 else None,
        )
        self._faults.append(Fault(method, api_error, times, chat_id))

    def slow(self, method: str, seconds: float, times: int = 1, chat_id: int | None = None) -> None:
        """Make the next `times` calls of `method` take `seconds` before they are carried out
        and answered."""
        self._faults.append(Fault(method, None, times, chat_id, seconds))

    def _take_slow(self, method: str, params: dict[str, Any]) -> float:
        for fault in self._faults:
            if (
                fault.error is None
                and fault.method == method
                and fault.chat_id in (None, params.get("chat_id"))
            ):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault.seconds
        return 0.0

    def block(self, chat_id: int) -> None:
        """The user of this private chat blocks the bot: every send to it gets 403."""
        self.blocked.add(chat_id)

    def _take_fault(self, method: str, params: dict[str, Any]) -> None:
        for fault in self._faults:
            if (
                fault.error is not None
                and fault.method == method
                and fault.chat_id in (None, params.get("chat_id"))
            ):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                raise fault.error

    # ------------------------------------------------------------------ playing the user
    def chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": "Sam"}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": "Support group"}
        self._chats[chat_id] = chat
        return chat

    @staticmethod
    def user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the bot (getUpdates, or the webhook if one is set)."""
        update = {"update_id": next(self._update_ids), **update}
        if self.webhook is not None:
            self._webhook_queue.put_nowait(update)
        else:
            self._updates.append(update)
            self._arrived.set()
        return update

    def message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        reply_to: int | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """A user's message as Telegram sends it: commands and @mentions get their entities."""
        chat = self.chat(chat_id, chat_type)
        user_id = user_id or (chat_id if chat_type == "private" else 1000 + abs(chat_id) % 1000)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id),
            **content,
        }
        if text is not None:
            message["text"] = text
            entities = self._entities(text)
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = self._messages[(chat_id, reply_to)]
        self._messages[(chat_id, message["message_id"])] = message
        return message

    @staticmethod
    def _entities(text: str) -> list[dict[str, Any]]:
        entities = []
        for match in re.finditer(r"(?<![\w/])(/[A-Za-z0-9_]+(?:@\w+)?)|(?<!\w)(@\w{3,})", text):
            kind = "bot_command" if match.group(1) else "mention"
            start = _utf16(text[: match.start()])
            entities.append({"type": kind, "offset": start, "length": _utf16(match.group(0))})
        return entities

    async def send_text(
        self,
        chat_id: int,
        text: str,
        replies: int = 1,
        timeout: float = WAIT_SECONDS,
        **options: Any,
    ) -> list[Sent]:
        """The user sends text; returns the bot's next `replies` messages to this chat."""
        before = self.mark(chat_id)
        self.push({"message": self.message(chat_id, text, **options)})
        return await self.replies(chat_id, before, replies, timeout)

    async def send_command(
        self, chat_id: int, command: str, replies: int = 1, **options: Any
    ) -> list[Sent]:
        """Like send_text; `command` is e.g. "/start" or "/start@botname"."""
        return await self.send_text(chat_id, command, replies, **options)

    async def send_content(
        self, chat_id: int, kind: str, replies: int = 1, caption: str | None = None, **options: Any
    ) -> list[Sent]:
        """The user sends a sticker, voice, video_note, audio, photo, video, document,
        location, contact or dice (see CONTENT)."""
        content = dict(CONTENT[kind])
        if caption is not None:
            content["caption"] = caption
        before = self.mark(chat_id)
        self.push({"message": self.message(chat_id, **options, **content)})
        return await self.replies(chat_id, before, replies, WAIT_SECONDS)

    async def edit_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        replies: int = 1,
    ) -> list[Sent]:
        """The user edits one of their messages."""
        message = dict(self._messages[(chat_id, message_id)], text=text, edit_date=int(time.time()))
        message.pop("entities", None)
        self._messages[(chat_id, message_id)] = message
        before = self.mark(chat_id)
        self.push({"edited_message": message})
        return await self.replies(chat_id, before, replies, WAIT_SECONDS) if replies else []

    async def press(
        self,
        chat_id: int,
        message: Sent | int,
        data: str,
        replies: int = 1,
        user_id: int | None = None,
        too_old: bool = False,
    ) -> list[Sent]:
        """The user taps an inline button (any data: tests may forge it). Waits until the bot
        has answered the callback query and sent or edited `replies` messages. With too_old,
        Telegram refuses the bot's answerCallbackQuery, as it does for a query left too long."""
        message_id = message.message_id if isinstance(message, Sent) else message
        query_id = f"q{next(self._query_ids)}"
        if not too_old:
            self._queries[query_id] = False
        before = self.mark(chat_id)
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user(user_id or chat_id),
                    "data": data,
                    "chat_instance": f"ci{chat_id}",
                    "message": self._messages[(chat_id, message_id)],
                }
            }
        )
        await self.wait_for(
            lambda: any(
                c.params.get("callback_query_id") == query_id
                for c in self.calls_to("answerCallbackQuery")
            ),
            WAIT_SECONDS,
            f"answerCallbackQuery {query_id}",
        )
        return await self.replies(chat_id, before, replies) if replies else []

    async def post_to_webhook(self, update: dict[str, Any], secret_token: str | None = None) -> int:
        """POST one update straight to the webhook (to try a missing or wrong secret)."""
        assert self.webhook is not None and self._session is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret_token} if secret_token else {}
        update = {"update_id": next(self._update_ids), **update}
        async with self._session.post(self.webhook["url"], json=update, headers=headers) as resp:
            return resp.status

    # ------------------------------------------------------------------ Bot API methods
    async def get_me(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    async def get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = int(params.get("offset") or 0)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        me = object()
        self._poller = me  # a newer poll ends the one waiting, as Telegram does
        self._arrived.set()
        await asyncio.sleep(0)
        self._notify()  # for wait_for(lambda: fake.polling)
        while not self._updates and not self._closing and self._poller is me:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
        if self._poller is not me:
            raise ApiError(409, CONFLICT_POLLER)
        self._poller = None
        return self._updates[:limit]

    @property
    def polling(self) -> bool:
        """True while a getUpdates long poll is waiting."""
        return self._poller is not None

    def _known_chat(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    @staticmethod
    def _check_text(text: Any, markup: Any) -> None:
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    async def send_message(self, params: dict[str, Any]) -> Any:
        chat_id = self._known_chat(params)
        text, markup = params.get("text"), params.get("reply_markup")
        self._check_text(text, markup)
        reply = params.get("reply_parameters") or {}
        if (
            reply
            and (chat_id, reply.get("message_id")) not in self._messages
            and not reply.get("allow_sending_without_reply")
        ):
            raise ApiError(400, "Bad Request: message to be replied not found")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chats[chat_id],
            "from": self.bot_user,
            "text": text,
        }
        if markup and "inline_keyboard" in markup:
            # Telegram echoes only an inline keyboard in Message.reply_markup; a reply keyboard
            # (Share location) or its removal is applied to the chat, never sent back.
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _own_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._known_chat(params)
        message = self._messages.get((chat_id, params.get("message_id")))
        if message is None or message["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    async def edit_message_text(self, params: dict[str, Any]) -> Any:
        message = self._own_message(params)
        text, markup = params.get("text"), params.get("reply_markup")
        self._check_text(text, markup)
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        message.update(text=text, edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        message = self._own_message(params)
        markup = params.get("reply_markup")
        self._check_text(message.get("text"), markup)
        if markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return message

    async def delete_message(self, params: dict[str, Any]) -> Any:
        chat_id = self._known_chat(params)
        if self._messages.pop((chat_id, params.get("message_id")), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    async def answer_callback_query(self, params: dict[str, Any]) -> Any:
        query_id = params.get("callback_query_id")
        if not isinstance(query_id, str) or self._queries.get(query_id) is not False:
            raise ApiError(400, QUERY_TOO_OLD)
        self._queries[query_id] = True
        return True

    async def set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        self.commands = commands
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> Any:
        return self.commands

    @staticmethod
    def _profile_text(params: dict[str, Any], name: str, limit: int) -> str:
        text = params.get(name) or ""  # empty or left out: back to no text
        if not isinstance(text, str) or _utf16(text) > limit:
            raise ApiError(400, f"Bad Request: {name.replace('_', ' ')} is too long")
        return text

    async def set_my_description(self, params: dict[str, Any]) -> Any:
        self.description = self._profile_text(params, "description", MAX_DESCRIPTION)
        return True

    async def get_my_description(self, params: dict[str, Any]) -> Any:
        return {"description": self.description}

    async def set_my_short_description(self, params: dict[str, Any]) -> Any:
        self.short_description = self._profile_text(
            params, "short_description", MAX_SHORT_DESCRIPTION
        )
        return True

    async def get_my_short_description(self, params: dict[str, Any]) -> Any:
        return {"short_description": self.short_description}

    async def set_webhook(self, params: dict[str, Any]) -> Any:
        url = params.get("url") or ""
        if not url:
            return await self.delete_webhook(params)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "max_connections": params.get("max_connections", 40),
            "allowed_updates": params.get("allowed_updates"),
        }
        for update in self._updates:
            self._webhook_queue.put_nowait(update)
        self._updates.clear()
        self._arrived.set()
        return True

    async def delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        if self._in_flight is not None:
            self._updates.append(self._in_flight)
            self._in_flight = None
        while not self._webhook_queue.empty():
            self._updates.append(self._webhook_queue.get_nowait())
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def get_webhook_info(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": (
                self._webhook_queue.qsize() + (self._in_flight is not None)
                if self.webhook
                else len(self._updates)
            ),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
        return info

    async def _deliver_webhooks(self) -> None:
        """Send queued updates to the webhook one at a time, like Telegram with one connection.
        An update the webhook does not accept is tried again for a while, then dropped."""
        while True:
            update = self._in_flight = await self._webhook_queue.get()
            for attempt in range(12):
                if self.webhook is None or self._session is None or self._in_flight is not update:
                    break  # deleteWebhook took it back for getUpdates
                secret = self.webhook.get("secret_token")
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                try:
                    async with self._session.post(
                        self.webhook["url"], json=update, headers=headers
                    ) as resp:
                        self.webhook_statuses.append(resp.status)
                        if resp.status < 300:
                            break
                except ClientError:
                    self.webhook_statuses.append(0)
                await asyncio.sleep(min(0.1 * 2**attempt, 2.0))
            if self._in_flight is update:
                self._in_flight = None
            self._notify()


METHODS: dict[str, Callable[[FakeBotApi, dict[str, Any]], Any]] = {
    "getme": FakeBotApi.get_me,
    "getupdates": FakeBotApi.get_updates,
    "sendmessage": FakeBotApi.send_message,
    "editmessagetext": FakeBotApi.edit_message_text,
    "editmessagereplymarkup": FakeBotApi.edit_message_reply_markup,
    "deletemessage": FakeBotApi.delete_message,
    "answercallbackquery": FakeBotApi.answer_callback_query,
    "setmycommands": FakeBotApi.set_my_commands,
    "getmycommands": FakeBotApi.get_my_commands,
    "setmydescription": FakeBotApi.set_my_description,
    "getmydescription": FakeBotApi.get_my_description,
    "setmyshortdescription": FakeBotApi.set_my_short_description,
    "getmyshortdescription": FakeBotApi.get_my_short_description,
    "setwebhook": FakeBotApi.set_webhook,
    "deletewebhook": FakeBotApi.delete_webhook,
    "getwebhookinfo": FakeBotApi.get_webhook_info,
}


@asynccontextmanager
async def serve(application: Any, poll_timeout: float = 10) -> AsyncIterator[Any]:
    """Run a python-telegram-bot Application with long polling, as run_polling() would but inside
    the test's event loop (which is why post_init is called by hand), and stop it cleanly."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
    finally:
        await application.shutdown()
