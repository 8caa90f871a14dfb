"""Inline keyboards and the callback data behind their buttons.

Callback data is at most 64 bytes and comes back from the user's app, so it is parsed as
untrusted input: "a:<intent id>" answers an intent, "t:<topic index>" lists a topic's questions,
"T" lists the topics. Anything else is treated as a stale or forged button.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ..core.library import Library
from ..core.responder import Button
from . import texts

log = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 64
ANSWER, TOPIC, TOPICS = "a", "t", "T"


@dataclass(frozen=True)
class Press:
    kind: str  # ANSWER, TOPIC or TOPICS
    value: str = ""


def parse(data: object) -> Press | None:
    if not isinstance(data, str) or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    if data == TOPICS:
        return Press(TOPICS)
    kind, sep, value = data.partition(":")
    if not sep or not value:
        return None
    if kind == ANSWER:
        return Press(ANSWER, value)
    if kind == TOPIC and value.isascii() and value.isdigit():
        return Press(TOPIC, value)
    return None


def _button(label: str, data: str) -> InlineKeyboardButton | None:
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        log.warning("button left out: callback data over 64 bytes (%s)", data[:20])
        return None
    return InlineKeyboardButton(label, callback_data=data)


def _markup(pairs: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    # One button per row: labels are whole questions and must stay readable on a phone.
    rows = [[b] for label, data in pairs if (b := _button(label, data)) is not None]
    return InlineKeyboardMarkup(rows)


def topics(library: Library) -> InlineKeyboardMarkup:
    return _markup((topic, f"{TOPIC}:{i}") for i, topic in enumerate(library.topics))


def topic_questions(library: Library, index: int) -> InlineKeyboardMarkup | None:
    """The questions of one topic, or None if there is no such topic (a stale button)."""
    if not 0 <= index < len(library.topics):
        return None
    questions = library.by_topic(library.topics[index])
    pairs = [(i.title, f"{ANSWER}:{i.id}") for i in questions]
    return _markup([*pairs, (texts.BACK_TO_TOPICS, TOPICS)])


def follow_ups(buttons: Sequence[Button], more_topics: bool = True) -> InlineKeyboardMarkup | None:
    pairs = [(b.label, f"{ANSWER}:{b.intent}") for b in buttons]
    if more_topics:
        pairs.append((texts.OTHER_TOPICS, TOPICS))
    return _markup(pairs) if pairs else None


def choices(buttons: Sequence[Button]) -> InlineKeyboardMarkup:
    pairs = [(b.label, f"{ANSWER}:{b.intent}") for b in buttons]
    return _markup([*pairs, (texts.CLARIFY_OTHER, TOPICS)])
