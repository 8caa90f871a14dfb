"""Privacy end to end: the real bot (python-telegram-bot over real HTTP, the fake Bot API), real
SQLite analytics, real log output. Every message carries a marker; afterwards the marker and the
Telegram ids must be nowhere the bot wrote (log file, database, its -wal and -shm, anything
else in the working folder), except, with STORE_UNMATCHED=1, the scrubbed unmatched messages.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import INTENTS, bot_settings
from fake_bot_api import FakeBotApi, Sent, serve

from bot.analytics.store import SqliteAnalytics, from_settings
from bot.core.hub import Hub
from bot.core.personalise import KEEPS_NOTHING
from bot.core.responder import Responder
from bot.telegram import texts
from bot.telegram.app import build_application
from bot.telegram.privacy import FORGET_DONE
from bot.telegram.recent import recent_messages

MARKER = "Qvzmarkerxj"
USER = 7_319_846_205  # a private chat's id is its user's id
OTHER_USER = 7_319_846_206
ADMIN = 6_102_938_475
PHONE, EMAIL, POSTCODE = "07700 900123", f"{MARKER}@example.com", "SW1A 1AA"


@dataclass
class Bot:
    fake: FakeBotApi
    application: Any
    hub: Hub
    folder: Path
    running: AsyncExitStack

    async def stop(self) -> None:
        """Stop the bot: every handler has finished, so every count and memory is final."""
        await self.running.aclose()

    @property
    def analytics(self) -> SqliteAnalytics:
        assert isinstance(self.hub.analytics, SqliteAnalytics)
        return self.hub.analytics

    @property
    def db(self) -> Path:
        return self.folder / "data" / "hrbot.sqlite3"

    def text_from(self, user_id: int, text: str, **fields: Any) -> dict[str, Any]:
        """A user's message whose name and username also carry the marker."""
        message = self.fake.message(user_id, text, **fields)
        message["from"].update(first_name=f"Sam{MARKER}", username=f"u{MARKER}", last_name=MARKER)
        message["chat"].update(first_name=f"Sam{MARKER}", username=f"u{MARKER}")
        return message

    async def send(
        self, user_id: int, text: str | None, replies: int = 1, **fields: Any
    ) -> list[Sent]:
        return await self.push(user_id, self.text_from(user_id, text, **fields), replies)

    async def push(self, user_id: int, message: dict[str, Any], replies: int = 1) -> list[Sent]:
        before = len(self.fake.outputs(user_id))
        self.fake.push({"message": message})
        await self.fake.wait_for(lambda: len(self.fake.outputs(user_id)) >= before + replies)
        return self.fake.outputs(user_id)[before:]


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """Every log record at every level, formatted with its traceback, into a file."""
    path = tmp_path / "work" / "bot.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


@asynccontextmanager
async def start_bot(
    fake: FakeBotApi, responder: Responder, folder: Path, **overrides: Any
) -> AsyncIterator[Bot]:
    values: dict[str, Any] = {
        "database_path": folder / "data" / "hrbot.sqlite3",
        "intents_dir": INTENTS,
        "admin_user_ids": frozenset({ADMIN}),
        "log_level": "DEBUG",
        **overrides,
    }
    hub = Hub(responder, analytics=from_settings(bot_settings(fake, **values)))
    application = build_application(bot_settings(fake, **values), hub)
    running = AsyncExitStack()
    await running.enter_async_context(serve(application))
    try:
        yield Bot(fake, application, hub, folder, running)
    finally:
        await running.aclose()
        close = getattr(hub.analytics, "close", None)
        if callable(close):
            close()


@pytest.fixture
async def private_bot(
    fake_api: FakeBotApi,
    responder: Responder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    log_file: Path,
) -> AsyncIterator[Bot]:
    """Unmatched messages not stored (the default). The working folder is a fresh tmp folder."""
    monkeypatch.chdir(log_file.parent)
    async with start_bot(fake_api, responder, log_file.parent) as bot:
        yield bot


@pytest.fixture
async def unmatched_bot(
    fake_api: FakeBotApi,
    responder: Responder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    log_file: Path,
) -> AsyncIterator[Bot]:
    monkeypatch.chdir(log_file.parent)
    async with start_bot(fake_api, responder, log_file.parent, store_unmatched=True) as bot:
        yield bot


async def conversation(bot: Bot) -> None:
    """A bit of everything a person can send, each carrying the marker."""
    fake = bot.fake
    [hello] = await bot.send(USER, f"hi {MARKER}")
    [answer] = await bot.send(USER, f"what is naloxone {MARKER}")
    assert answer.buttons
    await fake.press(USER, answer, answer.buttons[0][1])
    await bot.send(USER, f"where can i get it {MARKER}")  # a follow-up, read with the context
    [fallback] = await bot.send(USER, f"{MARKER} blorp fizzwang quuxle")
    assert fallback.text.startswith("Sorry, I'm not sure")
    # Words that fit no intent around the details, so that the message gets the fallback.
    await bot.send(USER, f"{MARKER} zorblat {PHONE} or {EMAIL} flim at {POSTCODE} wibblo")
    await bot.send(USER, f"/{MARKER.lower()}")  # an unknown command
    await bot.send(USER, f"/stats {MARKER}")  # a staff command from someone who is not staff
    await bot.send(USER, None, caption=f"what is this {MARKER}", **_photo())
    await bot.send(
        USER, None, contact={"phone_number": "+447700900123", "first_name": MARKER, "user_id": USER}
    )
    await bot.send(USER, f"hes not breathing {MARKER}", replies=2)  # safety: answer + buttons
    edited = bot.text_from(USER, f"cheers {MARKER}")
    await bot.push(USER, edited)
    await fake.edit_text(USER, edited["message_id"], f"what is hep c {MARKER}")
    await bot.send(OTHER_USER, f"hello there {MARKER}")
    await bot.send(USER, "/forget")
    assert hello.text


def _photo() -> dict[str, Any]:
    return {
        "photo": [
            {"file_id": f"AgAC{MARKER}", "file_unique_id": "AQADfake", "width": 90, "height": 90}
        ]
    }


def everything_written(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_nowhere(needle: str, files: dict[str, bytes]) -> None:
    found = [name for name, data in files.items() if needle.lower().encode() in data.lower()]
    assert not found, f"{needle!r} found in {found}"


async def stopped(bot: Bot) -> dict[str, bytes]:
    """Stop the bot, write the last counts, and read every file in the working folder. The
    database stays open, as a running bot leaves it, so its -wal still holds recent writes."""
    await bot.stop()
    assert await asyncio.to_thread(bot.analytics.flush)
    files = everything_written(bot.folder)
    assert {"data/hrbot.sqlite3", "data/hrbot.sqlite3-wal", "bot.log"} <= set(files)
    assert files["data/hrbot.sqlite3-wal"], "the test must see the -wal with data in it"
    return files


async def test_nothing_identifying_is_kept_by_default(
    private_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    await conversation(private_bot)
    files = await stopped(private_bot)
    for needle in (
        MARKER,
        str(USER),
        str(OTHER_USER),
        "900123",
        POSTCODE,
        "blorp",
        "fizzwang",
        private_bot.fake.token,
    ):
        assert_nowhere(needle, files)
        assert needle.lower() not in caplog.text.lower()
    log = files["bot.log"].decode()
    assert "forget:" in log and "DEBUG" in log  # the log did get records at every level
    conn = sqlite3.connect(private_bot.db)
    try:
        events = dict(conn.execute("SELECT event, sum(count) FROM daily_counts GROUP BY event"))
        users = conn.execute("SELECT users FROM daily_users").fetchall()
        unmatched = conn.execute("SELECT count(*) FROM unmatched").fetchone()
    finally:
        conn.close()
    assert events["fallback"] >= 2 and events["button"] == 1 and events["safety"] == 1
    assert users == [(2,)]
    assert unmatched == (0,)


async def test_with_store_unmatched_only_scrubbed_fallbacks_are_kept(
    unmatched_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    await conversation(unmatched_bot)
    files = await stopped(unmatched_bot)
    for needle in (str(USER), str(OTHER_USER), "900123", "07700", POSTCODE, "example.com"):
        assert_nowhere(needle, files)
    assert MARKER.lower() not in caplog.text.lower()
    assert_nowhere(MARKER, {k: v for k, v in files.items() if not k.startswith("data/")})
    conn = sqlite3.connect(unmatched_bot.db)
    try:
        kept = conn.execute("SELECT text, nearest FROM unmatched ORDER BY id").fetchall()
        counts = conn.execute("SELECT event || ' ' || intent FROM daily_counts").fetchall()
    finally:
        conn.close()
    texts_kept = [text for text, _ in kept]
    assert f"{MARKER} blorp fizzwang quuxle" in texts_kept
    assert f"{MARKER} zorblat [phone] or [email] flim at [postcode] wibblo" in texts_kept
    assert all(MARKER in text for text in texts_kept)  # nothing but what the person typed
    assert not any(MARKER.lower() in row[0].lower() for row in counts)


async def test_disguised_details_are_scrubbed_and_empty_messages_not_kept(
    unmatched_bot: Bot,
) -> None:
    disguised = (
        f"{MARKER} ring 077OO 9OO123 or john dot smith at gmail dot com, LS1-4AP, "
        "born 12 march 1985 fizzwang quuxle"
    )
    for text in ("🙃🙃🙃", "...", "\u200b", disguised):
        await unmatched_bot.send(USER, text)
    files = await stopped(unmatched_bot)
    for needle in ("9OO123", "077OO", "smith", "LS1-4AP", "1985"):
        assert_nowhere(needle, files)
    conn = sqlite3.connect(unmatched_bot.db)
    try:
        kept = [text for (text,) in conn.execute("SELECT text FROM unmatched ORDER BY id")]
    finally:
        conn.close()
    assert kept == [f"{MARKER} ring [phone] or [email], [postcode], born [date] fizzwang quuxle"]


async def test_analytics_never_hold_up_a_reply_when_the_database_is_locked(
    private_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    analytics = private_bot.analytics
    assert await asyncio.to_thread(analytics.flush)
    holder = sqlite3.connect(private_bot.db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        [answer] = await private_bot.send(USER, "what is naloxone")
        assert answer.buttons
        await private_bot.send(USER, "how do i get tested for hep c")
        # One chat's updates are handled in order: once /help is answered, the two answers
        # before it have been counted.
        await private_bot.send(USER, "/help")
        assert not await asyncio.to_thread(analytics.flush)  # could not write, kept the counts
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert await asyncio.to_thread(analytics.flush)
    conn = sqlite3.connect(private_bot.db)
    try:
        answered = conn.execute("SELECT sum(count) FROM daily_counts WHERE event = 'answer'")
        assert answered.fetchone() == (2,)
    finally:
        conn.close()
    assert any("database is locked" in r.getMessage() for r in caplog.records)


async def test_forget_deletes_the_bots_messages_and_clears_the_context(private_bot: Bot) -> None:
    fake, memory = private_bot.fake, private_bot.application.bot_data.memory
    sent = await private_bot.send(USER, "hes not breathing", replies=2)
    sent += await private_bot.send(USER, "what is hep c")
    sent += await private_bot.send(OTHER_USER, "what is naloxone")
    library = private_bot.hub.responder.library
    assert sent[2].text == library.intents["hepc_what"].answer
    mine = {m.message_id for m in sent if m.chat_id == USER}
    [done] = await private_bot.send(USER, "/forget")
    assert done.text == FORGET_DONE
    deleted = [c.params["message_id"] for c in fake.calls_to("deleteMessage") if c.status == 200]
    assert set(deleted) == mine and len(deleted) == len(mine)
    assert all(c.params["chat_id"] == USER for c in fake.calls_to("deleteMessage"))
    # With the context "is it bad" would get the hep C answer again; forgotten, it is read alone.
    responder = private_bot.hub.responder
    assert responder.reply("is it bad", "hepc_what").intent == "hepc_what"
    alone = responder.reply("is it bad")
    assert alone.intent != "hepc_what"
    [reply, *_] = await private_bot.send(USER, "is it bad")
    assert reply.text == alone.text
    await private_bot.stop()
    assert memory.get(OTHER_USER) == "naloxone_what"
    assert memory.get(USER) == alone.intent  # only what was answered after /forget
    # What was sent after /forget (its confirmation too) is remembered for the next /forget.
    recent = recent_messages(private_bot.application.bot)
    assert recent.ids(USER) == [done.message_id, reply.message_id]
    assert recent.ids(OTHER_USER) == [sent[-1].message_id]


async def test_forget_when_some_messages_are_already_gone(private_bot: Bot) -> None:
    fake = private_bot.fake
    first = await private_bot.send(USER, "what is naloxone")
    await private_bot.send(USER, "thanks")
    fake.inject("deleteMessage", "chat_not_found", times=1)  # e.g. the person deleted it
    [done] = await private_bot.send(USER, "/forget")
    assert done.text == FORGET_DONE
    tried = [c for c in fake.calls_to("deleteMessage") if c.params["chat_id"] == USER]
    assert len(tried) == 2 and {c.status for c in tried} == {200, 400}
    assert first[0].message_id in {c.params["message_id"] for c in tried}


async def test_forget_in_a_group_only_when_addressed_to_the_bot(private_bot: Bot) -> None:
    fake, group = private_bot.fake, -100_123_456

    async def in_group(text: str) -> list[Sent]:
        before = len(fake.outputs(group))
        fake.push({"message": fake.message(group, text, chat_type="supergroup", user_id=USER)})
        await fake.wait_for(lambda: len(fake.outputs(group)) > before)
        return fake.outputs(group)[before:]

    [answer] = await in_group("@hrbot_test_bot what is naloxone")
    fake.push({"message": fake.message(group, "/forget", chat_type="supergroup", user_id=USER)})
    [done] = await in_group("/forget@hrbot_test_bot")  # handled in order: the bare one first
    assert done.text == FORGET_DONE
    deletions = fake.calls_to("deleteMessage")
    assert [c.params["message_id"] for c in deletions] == [answer.message_id]


async def test_forget_is_in_the_menu_and_staff_commands_are_not(private_bot: Bot) -> None:
    listed = [c["command"] for c in private_bot.fake.commands]
    assert "forget" in listed
    assert "stats" not in listed and "reload" not in listed


@pytest.mark.parametrize("command", ["/stats", "/reload", "/stats 30", "/reload@hrbot_test_bot"])
async def test_staff_commands_look_unknown_to_everyone_else(private_bot: Bot, command: str) -> None:
    [unknown] = await private_bot.send(USER, "/nosuchcommand")
    [reply] = await private_bot.send(USER, command)
    assert reply.text == unknown.text == texts.UNKNOWN_COMMAND
    assert reply.buttons == unknown.buttons


async def test_staff_commands_are_refused_in_a_group_even_to_staff(private_bot: Bot) -> None:
    fake = private_bot.fake
    group = -100_777_888
    fake.push(
        {
            "message": fake.message(
                group, "/stats@hrbot_test_bot", user_id=ADMIN, chat_type="supergroup"
            )
        }
    )
    fake.push(
        {
            "message": fake.message(
                group, "/nosuchthing@hrbot_test_bot", user_id=ADMIN, chat_type="supergroup"
            )
        }
    )
    await fake.wait_for(lambda: len(fake.outputs(group)) >= 2)
    assert [m.text for m in fake.outputs(group)] == [texts.UNKNOWN_COMMAND] * 2


async def test_stats_for_staff(private_bot: Bot) -> None:
    # Sent by the admin, in the admin's chat, so /stats (handled after them) sees all three.
    await private_bot.send(ADMIN, "what is naloxone")
    await private_bot.send(ADMIN, "blorp fizzwang quuxle")
    await private_bot.send(ADMIN, "what is naloxone")
    [stats] = await private_bot.send(ADMIN, "/stats")
    assert "messages: 3" in stats.text
    assert "fallback rate: 33.3%" in stats.text
    assert "2  naloxone_what" in stats.text
    assert "1 unmatched" not in stats.text  # none kept: STORE_UNMATCHED is off
    assert "blorp" not in stats.text
    [month] = await private_bot.send(ADMIN, "/stats 30")
    assert "messages: 3" in month.text


async def test_stats_before_the_database_exists(
    fake_api: FakeBotApi, responder: Responder, tmp_path: Path
) -> None:
    async with start_bot(fake_api, responder, tmp_path, analytics_enabled=False) as bot:
        [reply] = await bot.send(ADMIN, "/stats")
        assert reply.text.startswith("No figures yet")


async def test_reload_for_staff(fake_api: FakeBotApi, responder: Responder, tmp_path: Path) -> None:
    intents = tmp_path / "intents"
    shutil.copytree(INTENTS, intents)
    async with start_bot(fake_api, responder, tmp_path, intents_dir=intents) as bot:
        [ok] = await bot.send(ADMIN, "/reload")
        assert ok.text.startswith(f"Reloaded: {len(responder.library.intents)} intents")
        assert bot.hub.responder is not responder
        current = bot.hub.responder
        path = intents / "conversation.yaml"
        path.write_text(
            path.read_text("utf-8").replace("  - id: privacy", "  - idd: privacy"), "utf-8"
        )
        [refused] = await bot.send(ADMIN, "/reload")
        assert refused.text.startswith("Not reloaded: ")
        assert "conversation.yaml:" in refused.text
        assert bot.hub.responder is current  # the old library stays in service


async def test_privacy_wording_matches_what_is_kept_by_default(private_bot: Bot) -> None:
    [welcome] = await private_bot.send(USER, "/start")
    assert "I don't keep your messages or your name." in welcome.text
    [privacy] = await private_bot.send(USER, "/privacy")
    assert "I don't keep what you write.\n" in privacy.text
    assert "couldn't answer" not in privacy.text
    [answer] = await private_bot.send(USER, "are my messages stored anywhere")
    library_answer = private_bot.hub.responder.library.intents["privacy"].answer
    assert answer.text == f"{KEEPS_NOTHING}\n\n{library_answer}"


async def test_privacy_wording_says_unanswered_questions_are_kept_when_they_are(
    unmatched_bot: Bot,
) -> None:
    note = "Questions I couldn't answer are kept for up to 30 days"
    [welcome] = await unmatched_bot.send(USER, "/start")
    assert "I only keep questions I couldn't answer" in welcome.text
    [privacy] = await unmatched_bot.send(USER, "/privacy")
    assert "except questions I couldn't answer" in privacy.text and note in privacy.text
    [answer] = await unmatched_bot.send(USER, "are my messages stored anywhere")
    library_answer = unmatched_bot.hub.responder.library.intents["privacy"].answer
    assert answer.text.startswith(note) and answer.text.endswith(library_answer)
    assert "not keep what you write" not in answer.text  # nothing contradicts the note


async def test_who_runs_the_bot_comes_from_the_settings(
    fake_api: FakeBotApi, responder: Responder, monkeypatch: pytest.MonkeyPatch, log_file: Path
) -> None:
    monkeypatch.chdir(log_file.parent)
    async with start_bot(
        fake_api,
        responder,
        log_file.parent,
        service_name="Leeds Service",
        service_contact="call 0113 496 0000",
    ) as bot:
        [answer] = await bot.send(USER, "who runs this bot")
        assert answer.text.startswith("Leeds Service runs me. To contact them: call 0113 496 0000")
