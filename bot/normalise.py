"""Turn what a person typed into plain lower-case words.

People write on phones, in panic, with emoji, stretched letters and text-speak. Everything that
compares text (the matcher, the safety layer, the library checks) goes through this one function
so that a message and a library example are always compared in the same form.
"""

from __future__ import annotations

import re
import unicodedata

# Longest message we read in full. Telegram allows 4096 characters; the meaning of a cry for help
# is in its first sentences, and bounding the work keeps every reply fast.
MAX_CHARS = 1200

# Emoji that carry meaning for this bot. Others are dropped.
EMOJI_WORDS = {
    "👋": " hello ",
    "🙋": " hello ",
    "🙏": " thanks ",
    "👍": " thanks ",
    "🚨": " emergency ",
    "🆘": " help ",
    "😭": " crying ",
    "😢": " sad ",
    "😞": " sad ",
    "😔": " sad ",
    "💉": " needle ",
    "💊": " pills ",
}

# Text-speak that is the same in every library; staff add more in intents/lexicon.yaml.
TEXT_SPEAK = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "wot": "what",
    "wat": "what",
    "y": "why",
    "n": "and",
    "im": "i am",
    "ive": "i have",
    "cnt": "cant",
    "dnt": "dont",
}

_ZERO_WIDTH = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_APOSTROPHE = re.compile(r"(?<=\w)['’`](?=\w)")
# "od'd" must not become the word "odd" when its apostrophe goes: an emergency word for this bot.
_OD_APOSTROPHE = re.compile(r"\bod['’`](?:e?d|in|ing)\b")
_NOT_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")  # letters only: 999 stays 999


def _map_emoji(text: str) -> str:
    for emoji, words in EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, words)
    return text


def _drop_symbols(text: str) -> str:
    # Emoji and other symbols (category S*) and controls (C*) become spaces.
    return "".join(
        " " if unicodedata.category(ch)[0] in "SC" and not ch.isspace() else ch for ch in text
    )


def _od_word(match: re.Match[str]) -> str:
    return "oded" if match.group().endswith("d") else "oding"


def normalise(text: str) -> str:
    """Return `text` as lower-case words separated by single spaces ('' if nothing is left)."""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2])[:MAX_CHARS]
    text = _ZERO_WIDTH.sub("", text)
    text = _map_emoji(text)
    text = _OD_APOSTROPHE.sub(_od_word, text.casefold())
    text = _APOSTROPHE.sub("", text)  # don't -> dont, he's -> hes, can`t -> cant
    text = _drop_symbols(text)
    text = _NOT_WORD.sub(" ", text)
    text = _STRETCHED.sub(r"\1\1", text)  # pleeeease -> pleease; the speller does the rest
    words = [TEXT_SPEAK.get(word, word) for word in text.split()]
    return " ".join(words)
