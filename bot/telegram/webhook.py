"""Webhook mode: a small tornado server that takes Telegram's updates, and the run loop around it.

Not PTB's own webhook server (Updater.start_webhook), because that one reads the whole body
before it looks at the secret (tornado reads a body before calling post() unless the handler
streams it), takes bodies up to tornado's 100 MB, and answers a body that is not JSON with 500.
Here, with python-telegram-bot's documented way for a custom server (put each Update on
`application.update_queue`):

- the secret header is checked as soon as the headers have arrived, before any of the body is
  read (prepare() of a streaming handler). A request without it gets 403: at once if its body
  is large or of unknown length (tornado then closes the connection instead of reading it), or
  after a small body has been read and thrown away, so that a client or proxy that writes the
  whole request first still sees the 403; no body of an unknown sender is ever kept;
- the body is capped at MAX_BODY_BYTES: a larger Content-Length gets 413 at once, and a body
  sent in chunks is counted as it comes;
- a body that is not a JSON object holding an update gets 400.

Nothing here logs a body, a header or an address: only the status of a refused request.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.http1connection import HTTP1Connection
from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A Telegram update is a few kilobytes (a 4,096-character message with its entities and the
# message it replies to); 1 MiB leaves plenty of room and is what the README's nginx allows.
MAX_BODY_BYTES = 1 << 20
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

App = Application[Any, Any, Any, Any, Any, Any]


@dataclass(frozen=True)
class WebhookOptions:
    listen: str
    port: int
    url_path: str
    webhook_url: str
    secret_token: str
    allowed_updates: list[str]
    max_body: int = MAX_BODY_BYTES


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_app: App, secret: str, max_body: int) -> None:
        self._bot_app = bot_app
        self._secret = secret.encode()
        self._max_body = max_body
        self._body = bytearray()

    def prepare(self) -> None:
        self._refused: HTTPStatus | None = None
        length = self.request.headers.get("Content-Length")
        declared = int(length) if length is not None and length.isdigit() else None
        if declared is None or declared > self._max_body:
            status = self._check_headers(declared)
            if status is not None:
                self._refuse(status)  # now, without reading the body
                return
        else:
            # A small body is read and thrown away before a refusal, so the client (or the
            # reverse proxy) sees the status instead of a connection closed under it.
            self._refused = self._check_headers(declared)
        # A chunked body has no length up front: tornado stops reading past this.
        if isinstance(self.request.connection, HTTP1Connection):
            self.request.connection.set_max_body_size(self._max_body)

    def _check_headers(self, declared: int | None) -> HTTPStatus | None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return HTTPStatus.FORBIDDEN
        if declared is not None and declared > self._max_body:
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE
        return None

    def data_received(self, chunk: bytes) -> None:
        if self._finished or self._refused is not None:
            return  # not kept
        self._body += chunk
        if len(self._body) > self._max_body:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    async def post(self) -> None:
        update = self._update() if self._refused is None else None
        if update is None:
            self._refuse(self._refused or HTTPStatus.BAD_REQUEST)
            return
        await self._bot_app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)
        self.finish()

    def _update(self) -> Update | None:
        try:
            data = json.loads(self._body)
        except ValueError:  # not JSON, or not UTF-8
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        try:
            return Update.de_json(data, self._bot_app.bot)
        except Exception:  # the shape of an update is wrong somewhere inside
            return None

    def _refuse(self, status: HTTPStatus) -> None:
        log.debug("webhook: request refused (%d)", status)
        self._body = bytearray()
        self.set_status(status)
        self.finish()  # before the body is read: tornado closes the connection after it

    def log_exception(self, *args: Any) -> None:
        """Tornado would log the request (its URI and headers): only the kind of error here."""
        error = args[1] if len(args) > 1 else None
        log.warning("webhook: error while taking an update (%s)", type(error).__name__)


def make_server(application: App, options: WebhookOptions) -> HTTPServer:
    path = "/" + options.url_path.strip("/")
    app = tornado.web.Application(
        [
            (
                rf"{path}/?",
                UpdateHandler,
                {
                    "bot_app": application,
                    "secret": options.secret_token,
                    "max_body": options.max_body,
                },
            )
        ],
        log_function=lambda handler: None,  # no access log: it would hold addresses and paths
    )
    # max_body_size also guards what tornado reads before a handler is chosen (a wrong path).
    return HTTPServer(
        app, max_body_size=options.max_body, idle_connection_timeout=60, body_timeout=30
    )


async def serve_webhook(
    application: App, options: WebhookOptions, stop: asyncio.Event | None = None
) -> None:
    """Run the bot in webhook mode until `stop` is set, or until SIGINT or SIGTERM: as
    Application.run_webhook does (post_init, post_stop, post_shutdown included), with the
    server above."""
    loop = asyncio.get_running_loop()
    if stop is None:
        stop = asyncio.Event()
        for number in STOP_SIGNALS:
            loop.add_signal_handler(number, stop.set)
    server: HTTPServer | None = None
    try:
        await application.initialize()
        try:
            if application.post_init:
                await application.post_init(application)
            server = make_server(application, options)
            server.listen(options.port, address=options.listen)
            await application.bot.set_webhook(
                url=options.webhook_url,
                secret_token=options.secret_token,
                allowed_updates=options.allowed_updates,
            )
            await application.start()
            await stop.wait()
        finally:
            if server is not None:
                server.stop()
                await server.close_all_connections()
            if application.running:
                await application.stop()
                if application.post_stop:
                    await application.post_stop(application)
            await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
    finally:
        for number in STOP_SIGNALS:
            loop.remove_signal_handler(number)
