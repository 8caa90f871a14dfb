"""Webhook mode (bot/telegram/webhook.py) through the real Application and the fake Bot API: the
secret is checked before the body is read, the body is capped, and a malformed one gets 400."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from conftest import bot_settings
from fake_bot_api import FakeBotApi

from bot.core.hub import Hub
from bot.telegram.app import build_application, webhook_options
from bot.telegram.webhook import MAX_BODY_BYTES, WebhookOptions, serve_webhook

CHAT = 5550001
SECRET = "webhook-Secret_1"
SIXTY_MB = 60 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def webhook(fake_api: FakeBotApi, hub: Hub) -> AsyncIterator[WebhookOptions]:
    port = free_port()
    settings = bot_settings(
        fake_api,
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_port=port,
        webhook_path="hook",
        webhook_secret=SECRET,
    )
    options = webhook_options(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_webhook(build_application(settings, hub), options, stop))
    await fake_api.wait_for(lambda: fake_api.webhook is not None, what="the webhook to be set")
    try:
        yield options
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def raw_request(options: WebhookOptions, head: str, body: bytes = b"") -> int:
    """Send a request by hand (the head, then `body`, maybe not all the head announced) and
    return the status of the answer."""
    reader, writer = await asyncio.open_connection(options.listen, options.port)
    try:
        writer.write(head.encode() + b"\r\n" + body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
        return int(status_line.split()[1])
    finally:
        writer.close()


def head(
    options: WebhookOptions, length: int | None, secret: str | None = None, chunked: bool = False
) -> str:
    lines = [
        f"POST /{options.url_path} HTTP/1.1",
        f"Host: {options.listen}",
        "Content-Type: application/json",
        "Connection: close",
    ]
    if secret is not None:
        lines.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    return "\r\n".join(lines) + "\r\n"


async def post(options: WebhookOptions, body: bytes, secret: str | None = SECRET) -> int:
    return await raw_request(options, head(options, len(body), secret), body)


async def test_updates_with_the_secret_are_answered(
    fake_api: FakeBotApi, webhook: WebhookOptions, hub: Hub
) -> None:
    [reply] = await fake_api.send_text(CHAT, "what is naloxone")
    assert reply.text == hub.responder.library.intents["naloxone_what"].answer
    assert set(fake_api.webhook_statuses) == {200}


async def test_a_huge_body_without_the_secret_is_refused_before_it_is_sent(
    webhook: WebhookOptions,
) -> None:
    # Only the headers go: the 403 comes back without the server waiting for 60 MB.
    assert await raw_request(webhook, head(webhook, SIXTY_MB)) == 403
    assert await raw_request(webhook, head(webhook, SIXTY_MB, secret="wrong")) == 403
    assert await raw_request(webhook, head(webhook, None, chunked=True)) == 403


async def test_a_body_over_the_cap_is_refused_even_with_the_secret(webhook: WebhookOptions) -> None:
    assert await raw_request(webhook, head(webhook, SIXTY_MB, SECRET)) == 413
    chunk = b"x" * (256 * 1024)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(5)) + b"0\r\n\r\n"
    assert len(chunks) > MAX_BODY_BYTES
    # Chunks carry no length up front: tornado stops at the cap and answers 400 itself.
    assert await raw_request(webhook, head(webhook, None, SECRET, chunked=True), chunks) == 400


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'"text"',
        b"{}",
        b'{"update_id": "7"}',
        b'{"update_id": 7, "message": "not a message"}',
    ],
)
async def test_a_malformed_body_gets_400(webhook: WebhookOptions, body: bytes) -> None:
    assert await post(webhook, body) == 400


async def test_a_small_forged_update_gets_403_and_nothing_is_answered(
    fake_api: FakeBotApi, webhook: WebhookOptions
) -> None:
    update = {"update_id": 999, "message": fake_api.message(CHAT, "forged")}
    assert await post(webhook, json.dumps(update).encode(), secret=None) == 403
    [thanks] = await fake_api.send_text(CHAT, "thanks")  # the next reply is to this one
    assert len(fake_api.outputs(CHAT)) == 1 and thanks.text


def test_the_options_come_from_the_settings(fake_api: FakeBotApi) -> None:
    settings = bot_settings(fake_api, webhook_url="https://bot.example.org/telegram")
    options = webhook_options(settings)
    assert options == replace(
        options,
        listen="127.0.0.1",
        port=8443,
        url_path="telegram",
        webhook_url="https://bot.example.org/telegram",
    )
