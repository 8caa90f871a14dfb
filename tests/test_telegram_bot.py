"""The real Telegram bot (python-telegram-bot over real HTTP) against the fake Bot API.

A reply count is checked without sleeping: the bot handles one chat's updates in order, so once
the answer to a later message has arrived, everything the bot sent for earlier ones has too.
"""

from __future__ import annotations

import dataclasses
import logging

import pytest
from conftest import RunningBot
from fake_bot_api import Sent

from bot.core.decide import Action
from bot.core.library import OVERDOSE_EMERGENCY
from bot.core.responder import Responder
from bot.telegram import texts

PRIVATE = 5550001
GROUP = -1005550002


def intent_of(responder: Responder, reply: Sent) -> str | None:
    """Which intent a message is the answer of (answers are the library's own text; who runs the
    bot and what it keeps come first in the about_bot and privacy answers: see personalise)."""
    return next(
        (i.id for i in responder.library.intents.values() if reply.text.endswith(i.answer)), None
    )


async def test_start_welcomes_and_offers_every_topic(telegram_bot: RunningBot) -> None:
    fake, library = telegram_bot.fake, telegram_bot.hub.responder.library
    [welcome] = await fake.send_command(PRIVATE, "/start")
    assert welcome.text == texts.welcome_text(None)
    assert "judge" in welcome.text and "999" in welcome.text and "/privacy" in welcome.text
    assert welcome.parse_mode is None
    assert welcome.buttons == [(topic, f"t:{i}") for i, topic in enumerate(library.topics)]
    listed = [c["command"] for c in fake.commands]
    assert listed[:4] == ["start", "topics", "help", "privacy"]


async def test_topic_then_question_then_back(telegram_bot: RunningBot) -> None:
    fake, library = telegram_bot.fake, telegram_bot.hub.responder.library
    [menu] = await fake.send_command(PRIVATE, "/topics")
    index = library.topics.index("Naloxone")
    [questions] = await fake.press(PRIVATE, menu, f"t:{index}")
    assert questions.method == "editMessageReplyMarkup"
    assert questions.message_id == menu.message_id
    expected = [(i.title, f"a:{i.id}") for i in library.by_topic("Naloxone")]
    assert questions.buttons == [*expected, (texts.BACK_TO_TOPICS, "T")]
    [answer] = await fake.press(PRIVATE, questions, "a:naloxone_use")
    assert answer.text == library.intents["naloxone_use"].answer
    [back] = await fake.press(PRIVATE, questions, "T")
    assert back.buttons == menu.buttons


async def test_question_follow_up_button_and_context(telegram_bot: RunningBot) -> None:
    fake, responder = telegram_bot.fake, telegram_bot.hub.responder
    [answer] = await fake.send_text(PRIVATE, "what is naloxone")
    assert intent_of(responder, answer) == "naloxone_what"
    follow_ups = responder.library.intents["naloxone_what"].follow_ups
    assert [d for _, d in answer.buttons] == [*(f"a:{f}" for f in follow_ups), "T"]
    press_at = len(fake.calls)
    [pressed] = await fake.press(PRIVATE, answer, answer.data("Where can I get"))
    assert intent_of(responder, pressed) == "naloxone_get"
    methods = [c.method for c in fake.calls[press_at:]]
    assert methods.index("answerCallbackQuery") < methods.index("sendMessage")
    # "where can i get it" reads as naloxone_get only with the memory of the last answer
    await fake.send_text(PRIVATE, "what is naloxone")
    [followed] = await fake.send_text(PRIVATE, "where can i get it")
    assert (
        intent_of(responder, followed)
        == responder.reply("where can i get it", "naloxone_what").intent
    )


def clarifying_message(responder: Responder) -> str:
    """A short message the library finds ambiguous: a few words of one of its own titles
    (which ones depends on the library, so they are looked for rather than written here)."""
    for intent in responder.library.intents.values():
        words = intent.title.lower().rstrip("?").split()
        for size in (1, 2, 3):
            for start in range(len(words) - size + 1):
                text = " ".join(words[start : start + size])
                reply = responder.reply(text)
                if reply.action is Action.CLARIFY and reply.safety_check is None:
                    return text
    raise AssertionError("no title words make the library ask which one")


async def test_clarification_offers_choices_that_answer(telegram_bot: RunningBot) -> None:
    fake, responder = telegram_bot.fake, telegram_bot.hub.responder
    text = clarifying_message(responder)
    choices = responder.reply(text).buttons
    [question] = await fake.send_text(PRIVATE, text)
    assert question.text == responder.reply(text).text
    assert 2 <= len(choices) <= 3
    assert question.buttons == [
        *((b.label, f"a:{b.intent}") for b in choices),
        (texts.CLARIFY_OTHER, "T"),
    ]
    [answer] = await fake.press(PRIVATE, question, f"a:{choices[1].intent}")
    assert intent_of(responder, answer) == choices[1].intent


async def test_emergency_goes_first_alone_and_plain(telegram_bot: RunningBot) -> None:
    fake, library = telegram_bot.fake, telegram_bot.hub.responder.library
    emergency = library.intents[OVERDOSE_EMERGENCY]
    count = 1 + bool(emergency.follow_ups)
    sent = await fake.send_text(PRIVATE, "my mate wont wake up and his lips are blue", count)
    [thanks] = await fake.send_text(PRIVATE, "thanks")  # in order: nothing more came before it
    assert thanks.text == library.intents["thanks"].answer
    first = sent[0]
    assert first.text == emergency.answer
    assert first.reply_markup is None and first.parse_mode is None
    assert "<" not in first.text and "*" not in first.text  # reads well with no formatting
    if emergency.follow_ups:
        assert sent[1].text == texts.SAFETY_MORE
        assert [d for _, d in sent[1].buttons] == [f"a:{f}" for f in emergency.follow_ups]


async def test_sticker_voice_photo_and_others_get_kind_replies(telegram_bot: RunningBot) -> None:
    fake = telegram_bot.fake
    [sticker] = await fake.send_content(PRIVATE, "sticker")
    assert sticker.text == texts.STICKER and sticker.buttons
    [voice] = await fake.send_content(PRIVATE, "voice")
    assert voice.text.startswith("I can't listen to voice notes yet, could you type it?")
    assert "999" in voice.text
    expected = {
        "video_note": texts.VOICE,
        "photo": texts.PHOTO,
        "video": texts.VIDEO,
        "document": texts.DOCUMENT,
        "contact": texts.CONTACT,
        "dice": texts.OTHER,
        "location": texts.LOCATION,
    }
    for kind, text in expected.items():
        [reply] = await fake.send_content(PRIVATE, kind)
        assert reply.text == text, kind


async def test_a_caption_is_answered_like_a_message(telegram_bot: RunningBot) -> None:
    fake, responder = telegram_bot.fake, telegram_bot.hub.responder
    [reply] = await fake.send_content(PRIVATE, "photo", caption="what is naloxone")
    assert intent_of(responder, reply) == "naloxone_what"


async def test_group_answers_only_mentions_and_replies(telegram_bot: RunningBot) -> None:
    fake, library = telegram_bot.fake, telegram_bot.hub.responder.library
    username = fake.bot_user["username"]
    hint = texts.GROUP_HINT.format(username=username)
    await fake.send_text(GROUP, "where can i get naloxone", chat_type="group", replies=0)
    await fake.send_content(GROUP, "sticker", chat_type="group", replies=0)
    await fake.send_command(GROUP, "/dance", chat_type="group", replies=0)
    asked = fake.message(GROUP, f"@{username} what is naloxone", chat_type="group")
    fake.push({"message": asked})
    [answer] = await fake.replies(GROUP, 0)  # in order: the first reply in the group is to @bot
    assert answer.text == f"{library.intents['naloxone_what'].answer}\n\n{hint}"
    assert answer.reply_to == asked["message_id"]
    [help_] = await fake.send_command(GROUP, f"/help@{username}", chat_type="group")
    assert help_.text.endswith(hint)
    [reply] = await fake.send_text(
        GROUP, "how do i give it", chat_type="group", reply_to=answer.message_id
    )
    assert reply.text.startswith(library.intents["naloxone_use"].answer)
    assert len(fake.outputs(GROUP)) == 3


async def test_forged_and_stale_buttons_get_the_topics(telegram_bot: RunningBot) -> None:
    fake, library = telegram_bot.fake, telegram_bot.hub.responder.library
    [menu] = await fake.send_command(PRIVATE, "/topics")
    for data in ("a:no_such_intent", "t:99", "t:-1", "t:x", "zzz", "a:", ":", "é" * 40):
        [reply] = await fake.press(PRIVATE, menu, data)
        assert reply.text == texts.STALE_BUTTON, data
        assert [d for _, d in reply.buttons] == [f"t:{i}" for i in range(len(library.topics))]
    assert texts.SOMETHING_WENT_WRONG not in [s.text for s in fake.outputs(PRIVATE)]


async def test_unknown_command_long_and_foreign_messages(telegram_bot: RunningBot) -> None:
    fake = telegram_bot.fake
    [unknown] = await fake.send_command(PRIVATE, "/dance")
    assert unknown.text == texts.UNKNOWN_COMMAND
    [long] = await fake.send_text(PRIVATE, ("i am worried about my friend " * 200)[:4096])
    assert long.text
    [foreign] = await fake.send_text(PRIVATE, "Привет, как дела? Мне нужна помощь")
    assert foreign.text.startswith(texts.ENGLISH_ONLY) and foreign.buttons
    [emoji] = await fake.send_text(PRIVATE, "🙂🙂🙂")
    assert emoji.buttons


async def test_edited_message_answered_unless_answer_is_the_same(telegram_bot: RunningBot) -> None:
    fake, responder = telegram_bot.fake, telegram_bot.hub.responder
    mark = fake.mark(PRIVATE)
    asked = fake.message(PRIVATE, "what is naloxon")
    fake.push({"message": asked})
    [first] = await fake.replies(PRIVATE, mark)
    assert intent_of(responder, first) == "naloxone_what"
    await fake.edit_text(PRIVATE, asked["message_id"], "what is naloxone", replies=0)
    [changed] = await fake.edit_text(PRIVATE, asked["message_id"], "how do i inject safer")
    assert len(fake.outputs(PRIVATE)) == mark + 2, "the same answer was not sent again"
    assert changed.reply_to == asked["message_id"]
    assert intent_of(responder, changed) == responder.reply("how do i inject safer").intent


async def test_long_reply_split_at_paragraphs_after_a_live_swap(telegram_bot: RunningBot) -> None:
    fake, hub = telegram_bot.fake, telegram_bot.hub
    library = hub.responder.library
    paragraph = "Naloxone can save a life. " * 40
    long_answer = "\n\n".join([paragraph.strip()] * 10)
    intents = dict(library.intents)
    intents["naloxone_what"] = dataclasses.replace(intents["naloxone_what"], answer=long_answer)
    hub.swap(Responder(dataclasses.replace(library, intents=intents)))
    parts = await fake.send_text(PRIVATE, "what is naloxone", replies=4)
    assert [p.text.count("\n\n") for p in parts] == [2, 2, 2, 0]  # 3+3+3+1 paragraphs
    assert "\n\n".join(p.text for p in parts) == long_answer  # cut only between paragraphs
    assert [bool(p.buttons) for p in parts] == [False, False, False, True]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str | None, int | None]] = []
        self.unmatched: list[tuple[str, str | None]] = []

    def record(self, event: str, intent: str | None, user_id: int | None) -> None:
        self.events.append((event, intent, user_id))

    def record_unmatched(self, text: str, nearest: str | None) -> None:
        self.unmatched.append((text, nearest))


async def test_analytics_hears_every_kind_of_event(telegram_bot: RunningBot) -> None:
    fake, hub = telegram_bot.fake, telegram_bot.hub
    recorder = Recorder()
    hub.analytics = recorder
    clarify = clarifying_message(hub.responder)
    unmatched, crisis = "is the weather nice in spain", "i want to kill myself"
    assert hub.responder.reply(unmatched).action is Action.FALLBACK
    assert hub.responder.reply(crisis).intent == "crisis_support"
    crisis_messages = 1 + bool(hub.responder.library.intents["crisis_support"].follow_ups)
    await fake.send_command(PRIVATE, "/start")
    [answer] = await fake.send_text(PRIVATE, "what is naloxone")
    await fake.press(PRIVATE, answer, "a:naloxone_get")
    await fake.send_text(PRIVATE, clarify)
    await fake.send_text(PRIVATE, unmatched)
    await fake.send_text(PRIVATE, crisis, replies=crisis_messages)
    await fake.send_text(PRIVATE, "thanks")
    events = [(e, i) for e, i, _ in recorder.events]
    assert events[:6] == [
        ("command", "start"),
        ("answer", "naloxone_what"),
        ("button", "naloxone_get"),
        ("clarify", None),
        ("fallback", None),
        ("safety", "crisis_support"),
    ]
    assert {u for _, _, u in recorder.events} == {PRIVATE}
    assert recorder.unmatched == [(unmatched, hub.responder.reply(unmatched).candidates[0].intent)]


class Exploding:
    """An analytics store that fails at every call."""

    def record(self, event: str, intent: str | None, user_id: int | None) -> None:
        raise RuntimeError(f"cannot count {event} {intent} {user_id}")

    def record_unmatched(self, text: str, nearest: str | None) -> None:
        raise RuntimeError(f"cannot keep {text}")


async def test_failing_analytics_never_costs_a_reply_nor_logs_what_was_said(
    telegram_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake, hub = telegram_bot.fake, telegram_bot.hub
    hub.analytics = Exploding()
    unmatched = "is the weather nice in spain"
    assert hub.responder.reply(unmatched).action is Action.FALLBACK
    with caplog.at_level(logging.WARNING):
        [welcome] = await fake.send_command(PRIVATE, "/start")
        [answer] = await fake.send_text(PRIVATE, "what is naloxone")
        [pressed] = await fake.press(PRIVATE, answer, "a:naloxone_get")
        [fallback] = await fake.send_text(PRIVATE, unmatched)
        [forgotten] = await fake.send_command(PRIVATE, "/forget")
        # Counted after its reply is sent: one more update of this chat (not counted) waits
        # for that.
        await fake.send_content(PRIVATE, "sticker")
    assert welcome.text == texts.welcome_text(None)
    assert intent_of(hub.responder, answer) == "naloxone_what"
    assert intent_of(hub.responder, pressed) == "naloxone_get"
    assert fallback.text == hub.responder.reply(unmatched).text
    assert forgotten.text.startswith("Done.")
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    # command, answer, button, fallback and its unmatched text, /forget: each said, none raised
    assert warned.count("analytics failed (RuntimeError)") == 6, warned
    assert not any("spain" in w or str(PRIVATE) in w for w in warned)


class Broken(Responder):
    """Fails to read any message: when it arrives, and again when it is answered."""

    def read(self, text: str):  # type: ignore[no-untyped-def]
        raise ValueError(f"cannot read {text}")


async def test_a_bug_gets_a_calm_reply_and_a_log_without_the_text(
    telegram_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake, hub = telegram_bot.fake, telegram_bot.hub
    hub.swap(Broken(hub.responder.library))
    with caplog.at_level(logging.INFO):
        [reply] = await fake.send_text(PRIVATE, "secret words 314159")
    assert reply.text == texts.SOMETHING_WENT_WRONG
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged and "secret words" not in logged


async def test_location_without_services_gets_the_general_reply(telegram_bot: RunningBot) -> None:
    [reply] = await telegram_bot.fake.send_content(PRIVATE, "location")
    assert reply.text == texts.LOCATION
