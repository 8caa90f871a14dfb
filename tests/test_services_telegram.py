"""Local services through the real Telegram Application and the fake Bot API over HTTP: the list
and the Share location button under "where do I go" answers, a shared location or a typed place
answered with the nearest services, the national answers with no directory, and a location
that is never logged or stored."""

from __future__ import annotations

import logging
import sqlite3
import struct
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import RunningBot, bot_settings
from fake_bot_api import FakeBotApi, Sent, serve

from bot.analytics.store import SqliteAnalytics
from bot.core.hub import Hub
from bot.core.responder import FALLBACK_TEXT
from bot.services.load import load_services
from bot.services.model import Directory
from bot.telegram import texts
from bot.telegram.services import SHARE_LOCATION

REPO = Path(__file__).resolve().parents[1]
# Manchester Piccadilly: the example directory has nothing in Manchester, so the nearest naloxone
# are Bradford (29 miles), Sheffield (32) and the Leeds services (36).
MANCHESTER = (53.4774, -2.2309)
LEEDS = (53.7999, -1.5487)


@pytest.fixture(autouse=True)
def no_services_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SERVICES_FILE", raising=False)


@pytest.fixture(scope="module")
def example() -> Directory:
    result = load_services(REPO / "services" / "example.yaml")
    assert result.directory is not None
    return result.directory


async def send_location(
    fake: FakeBotApi, chat_id: int, where: tuple[float, float], replies: int = 1
) -> list[Sent]:
    before = len(fake.outputs(chat_id))
    location = {"latitude": where[0], "longitude": where[1]}
    fake.push({"message": fake.message(chat_id, location=location)})
    await fake.wait_for(lambda: len(fake.outputs(chat_id)) >= before + replies)
    return fake.outputs(chat_id)[before:]


async def then_nothing_more(
    fake: FakeBotApi, chat_id: int, text: str = "thanks", **options: Any
) -> list[Sent]:
    """Send 'thanks' and return everything the chat got: one chat's updates are handled in
    order, so anything the bot was still going to send comes before the reply to the thanks."""
    before = len(fake.outputs(chat_id))
    sent = await fake.send_text(chat_id, text, **options)
    return fake.outputs(chat_id)[:before] + sent


def reply_keyboard(fake: FakeBotApi, sent: Sent) -> dict[str, Any]:
    """The keyboard the bot asked for when it sent this message."""
    call = next(
        c
        for c in fake.calls_to("sendMessage")
        if isinstance(c.result, dict) and c.result.get("message_id") == sent.message_id
    )
    markup: dict[str, Any] = call.params["reply_markup"]
    return markup


# ---------------------------------------------------------------------- no directory
async def test_no_directory_gives_the_national_answers(telegram_bot: RunningBot) -> None:
    fake = telegram_bot.fake
    assert telegram_bot.hub.services is None
    answer = (await fake.send_text(7, "where can i get naloxone"))[0]
    assert answer.text == telegram_bot.hub.responder.answer("naloxone_get").text
    everything = await then_nothing_more(fake, 7)
    assert [s.text for s in everything[:-1]] == [answer.text]  # no local list in between
    assert (await fake.send_text(7, "LS1"))[0].text.startswith(FALLBACK_TEXT)
    assert (await send_location(fake, 7, LEEDS))[0].text == texts.LOCATION


# ---------------------------------------------------------------------- with a directory
async def test_where_answers_get_the_local_list_and_a_share_location_button(
    telegram_bot: RunningBot, example: Directory
) -> None:
    fake, hub = telegram_bot.fake, telegram_bot.hub
    hub.services = example
    answer, local = await fake.send_text(8, "where can i get naloxone", replies=2)
    assert answer.text == hub.responder.answer("naloxone_get").text
    assert local.text.startswith("These are EXAMPLE services")
    assert "I know 5 local places for free naloxone kits in Bradford, Leeds and Sheffield." in (
        local.text
    )
    keyboard = reply_keyboard(fake, local)
    assert keyboard["keyboard"] == [[{"text": SHARE_LOCATION, "request_location": True}]]
    assert keyboard["one_time_keyboard"] is True

    nearest = (await send_location(fake, 8, MANCHESTER))[0]
    text = nearest.text
    assert "The nearest places for free naloxone kits to you:" in text
    assert (
        text.index("1. Example 24 Hour Pharmacy (Bradford), 29 miles")
        < text.index("2. Example Recovery Hub (Sheffield), 32 miles")
        < text.index("3. Example Pharmacy (Leeds), 36 miles")
    )
    assert "Housing" not in text  # Bradford's housing advice does not give out naloxone
    assert reply_keyboard(fake, nearest) == {"remove_keyboard": True}


async def test_a_typed_place_gets_the_nearest_for_the_last_answer(
    telegram_bot: RunningBot, example: Directory
) -> None:
    fake = telegram_bot.fake
    telegram_bot.hub.services = example
    await fake.send_text(9, "where is my nearest needle exchange", replies=2)
    reply = (await fake.send_text(9, "BD1"))[0]
    assert reply.text.splitlines()[2].startswith("The nearest places for needle exchange to BD1")
    assert "1. Example 24 Hour Pharmacy (Bradford)" in reply.text
    assert "York" not in reply.text
    # A place with no earlier question: the nearest services of any kind.
    reply = (await fake.send_text(10, "im in york"))[0]
    assert "The nearest services to York" in reply.text
    assert "1. Example Health Clinic (York), under 0.1 miles" in reply.text


async def test_a_place_in_the_question_orders_the_list(
    telegram_bot: RunningBot, example: Directory
) -> None:
    telegram_bot.hub.services = example
    _, local = await telegram_bot.fake.send_text(
        11, "where can i get needles in sheffield", replies=2
    )
    assert "The nearest places for needle exchange to Sheffield" in local.text
    assert "1. Example Recovery Hub (Sheffield)" in local.text


async def test_a_follow_up_button_gets_the_local_list_too(
    telegram_bot: RunningBot, example: Directory
) -> None:
    fake, hub = telegram_bot.fake, telegram_bot.hub
    hub.services = example
    answer = (await fake.send_text(12, "what is hep c"))[0]
    assert answer.text == hub.responder.answer("hepc_what").text
    assert "a:hepc_testing" in [data for _, data in answer.buttons]
    pressed = await fake.press(12, answer, "a:hepc_testing", replies=2)
    assert pressed[0].text == hub.responder.answer("hepc_testing").text
    assert pressed[1].text.splitlines()[2] == "Local places for hep C testing:"
    assert "Example Health Clinic (York)" in pressed[1].text


async def test_other_answers_and_emergencies_get_no_local_list(
    telegram_bot: RunningBot, example: Directory
) -> None:
    fake, hub = telegram_bot.fake, telegram_bot.hub
    hub.services = example
    emergency = (await fake.send_text(13, "my mate is blue and wont wake up"))[0]
    assert emergency.text == hub.responder.answer("overdose_emergency").text
    await fake.send_text(13, "what is naloxone")
    everything = await then_nothing_more(fake, 13)
    assert all("Example" not in s.text for s in everything)


async def test_groups_never_get_the_location_button(
    telegram_bot: RunningBot, example: Directory
) -> None:
    fake = telegram_bot.fake
    telegram_bot.hub.services = example
    sent = await fake.send_text(
        -100, "@hrbot_test_bot where can i get naloxone", chat_type="supergroup"
    )
    everything = await then_nothing_more(
        fake, -100, "@hrbot_test_bot thanks", chat_type="supergroup"
    )
    assert [s.text for s in everything[:-1]] == [sent[0].text]
    assert all(
        "reply_markup" not in c.params or "keyboard" not in c.params["reply_markup"]
        for c in fake.calls_to("sendMessage")
    )


# ---------------------------------------------------------------------- privacy
@pytest.fixture
async def counted_bot(
    fake_api: FakeBotApi, hub: Hub, tmp_path: Path, example: Directory
) -> AsyncIterator[tuple[RunningBot, SqliteAnalytics]]:
    from bot.telegram.app import build_application

    analytics = SqliteAnalytics(tmp_path / "analytics.sqlite3", write_seconds=0.05).start()
    hub.analytics, hub.services = analytics, example
    application = build_application(bot_settings(fake_api), hub)
    try:
        async with serve(application):
            yield RunningBot(fake_api, application, hub), analytics
    finally:
        analytics.close()


def _forms(value: float) -> list[bytes]:
    """How a coordinate could end up in a file or a log: as text or as a stored double."""
    text = [f"{value}", f"{value:.3f}", f"{value:.2f}"]
    return [t.encode() for t in text] + [struct.pack(">d", value), struct.pack("<d", value)]


async def test_a_location_is_never_logged_or_stored(
    counted_bot: tuple[RunningBot, SqliteAnalytics],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    running, analytics = counted_bot
    caplog.set_level(logging.DEBUG)  # the root logger: every logger's records reach caplog
    caplog.set_level(logging.DEBUG, logger="bot")
    await running.fake.send_text(14, "where can i get naloxone", replies=2)
    reply = (await send_location(running.fake, 14, MANCHESTER))[0]
    assert "Example 24 Hour Pharmacy (Bradford)" in reply.text
    assert analytics.flush()

    logged = "\n".join(
        f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    ).encode()
    assert "local services: location" in caplog.text  # the event is logged, not the place
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("analytics.sqlite3*"))
    application = running.application
    memory = repr(
        (
            application.chat_data,
            application.user_data,
            vars(running.hub.analytics),
            application.bot_data.memory.__dict__,
        )
    ).encode()
    for value in MANCHESTER:
        for form in _forms(value):
            assert form not in logged
            assert form not in stored
            assert form not in memory

    with sqlite3.connect(tmp_path / "analytics.sqlite3") as conn:
        rows = conn.execute("SELECT event, intent, count FROM daily_counts ORDER BY intent")
        counted = {(event, intent): count for event, intent, count in rows}
    assert counted[("answer", "local_services")] == 1
    assert counted[("answer", "naloxone_get")] == 1
