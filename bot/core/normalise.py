"""Turn what a person typed into plain lower-case words.

People write on phones, in panic, with emoji, stretched letters and text-speak. Everything that
compares text (the matcher, the safety layer, the library checks) goes through this one function
so that a message and a library example are always compared in the same form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache

import regex
from decancer_py import parse as decancer

# Longest message we read in full. Telegram allows 4096 characters; the meaning of a cry for help
# is in its first sentences, and bounding the work keeps every reply fast. The cap is on the plain
# words, after every expansion (emoji to words, text-speak, and in the matcher the lexicon), so no
# message can make more work than this by growing on the way.
MAX_CHARS = 1200
# Raw text beyond Telegram's limit is not from a person: it is cut before any work is done.
RAW_LIMIT = 4096
_NFKC_MARGIN = 3 * 18  # what three characters can become in NFKC

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

# Characters nobody sees, which would otherwise split a word in two ("brea" + soft hyphen +
# "thing"): every format character (soft hyphen, zero-width joiners, direction marks, U+180E, the
# tag characters), variation selectors and the combining grapheme joiner. `regex` knows the
# Unicode categories; `re` does not.
_INVISIBLE = regex.compile(r"[\p{Cf}\uFE00-\uFE0F\U000E0100-\U000E01EF\u034F]+")
# Accents left over after NFKC has composed what it can ("zalgo" text stacks them on letters).
_LOOSE_MARKS = regex.compile(r"[\p{Mn}\p{Me}]+")
# Latin script is what the bot reads: Basic Latin to Latin Extended-B, as the Telegram adapter's
# "I can only read English" check counts it. Letters above it may be Latin lookalikes.
_LATIN = "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_LATIN_LETTER = re.compile(f"[{_LATIN}]")
# A word as the final split will see it: apostrophes inside a word join it ("dоn't").
_TOKEN = re.compile(r"(?:[^\W_]|['’`](?=[^\W_]))+")
# In plain words (only \w, single spaces): words with a Latin letter, and words with any letter.
# Possessive, so each word is read once.
_LATIN_WORD = re.compile(f"(?:^| )[^ {_LATIN}]*+[{_LATIN}]")
_LETTER_WORD = re.compile(r"(?:^| )\d*+[^\W\d]")
_APOSTROPHE = re.compile(r"(?<=\w)['’`](?=\w)")
# "od'd" must not become the word "odd" when its apostrophe goes: an emergency word for this bot.
_OD_APOSTROPHE = re.compile(r"\bod['’`](?:e?d|in|ing)\b")
_NOT_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")  # letters only: 999 stays 999
_SPACE = re.compile(r"\s")
PIECE = 1500  # characters read at a time: a piece nearly always gives the MAX_CHARS kept


def _map_emoji(text: str) -> str:
    for emoji, words in EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, words)
    return text


@lru_cache(maxsize=4096)
def _as_latin(letter: str) -> str:
    """The Latin letter that `letter` looks like (Cyrillic о, Greek ν, Cherokee Ꮋ), or itself."""
    cured = str(decancer(letter)).lower()
    return cured if len(cured) == 1 and cured.isascii() and cured.isalpha() else letter


def _lookalikes(text: str) -> tuple[dict[int, str], dict[int, str]]:
    """The letters in `text` above Latin Extended-B that look like a plain Latin letter, each
    with that letter: those of the Latin script itself (small capitals ʙ, ᴇ), and those of other
    scripts (Cyrillic о, Greek ν)."""
    latin: dict[int, str] = {}
    other: dict[int, str] = {}
    for char in set(text):
        if char > "\u024f" and char.isalpha() and (plain := _as_latin(char)) != char:
            table = latin if unicodedata.name(char, "").startswith("LATIN ") else other
            table[ord(char)] = plain
    return latin, other


def _fold_mixed(piece: str) -> tuple[str, bool]:
    """`piece` with lookalikes folded in the words that mix in Latin letters (and the Latin
    script's own, such as small capitals, everywhere); and whether a word of another script alone
    still has lookalikes."""
    latin, other = _lookalikes(piece)
    piece = piece.translate(latin)
    if not other:
        return piece, False
    alone = False

    def fold(match: re.Match[str]) -> str:
        nonlocal alone
        word = match.group()
        if _LATIN_LETTER.search(word):
            return word.translate(other)
        alone = True
        return word

    return _TOKEN.sub(fold, piece), alone


def _fold_all(piece: str) -> str:
    latin, other = _lookalikes(piece)
    return piece.translate(latin | other)


def _mostly_latin(words: list[str]) -> bool:
    """More words have a Latin letter than have only letters of other scripts (a tie counts)."""
    plain = " ".join(words)
    latin = len(_LATIN_WORD.findall(plain))
    return 2 * latin >= len(_LETTER_WORD.findall(plain))


def _nfkc(text: str) -> str:
    """NFKC, cut to RAW_LIMIT characters, reading only as much of `text` as that needs.

    NFKC can make one character eighteen, and some of those are slow to make (4,096 squared
    katakana words take 4 ms). The start of the text is normalised alone when it already gives
    enough: it is cut before a starter (a character that is not a combining mark), and then only
    its last three characters can come out differently from the whole text's, which MARGIN
    covers, so the first RAW_LIMIT characters are the same.
    """
    size = 512
    while size < len(text):
        while size < len(text) and unicodedata.combining(text[size]):
            size += 1
        head = unicodedata.normalize("NFKC", text[:size])
        if len(head) >= RAW_LIMIT + _NFKC_MARGIN:
            return head[:RAW_LIMIT]
        # Read as much more as this much made, with room to spare.
        size = max(2 * size, (RAW_LIMIT + _NFKC_MARGIN) * size * 5 // (4 * max(len(head), 1)))
    return unicodedata.normalize("NFKC", text)[:RAW_LIMIT]


def cap_words(words: list[str], limit: int = MAX_CHARS) -> list[str]:
    """The first of `words` that fit in `limit` characters joined by spaces."""
    used = -1
    for index, word in enumerate(words):
        used += len(word) + 1
        if used > limit:
            return words[:index] if index else [word[:limit]]
    return words


def _od_word(match: re.Match[str]) -> str:
    return "oded" if match.group().endswith("d") else "oding"


def _words(text: str) -> list[str]:
    text = _OD_APOSTROPHE.sub(_od_word, text)
    text = _APOSTROPHE.sub("", text)  # don't -> dont, he's -> hes, can`t -> cant
    # Emoji and other symbols, controls and punctuation become spaces.
    text = _NOT_WORD.sub(" ", text)
    text = _STRETCHED.sub(r"\1\1", text)  # pleeeease -> pleease; the speller does the rest
    return [TEXT_SPEAK.get(word, word) for word in text.split()]


def _pieces(text: str) -> Iterator[str]:
    """`text` a piece of about PIECE characters at a time, each cut just after a space, so no
    word is cut and every step reads each piece as it would read the whole text."""
    start = 0
    while start < len(text):
        cut = _SPACE.search(text, start + PIECE)
        end = cut.end() if cut else len(text)
        yield text[start:end]
        start = end


def _capped_words(text: str, fold: Callable[[str], str] | None = None) -> list[str]:
    """The words of `text` (each piece folded first), up to the cap: only the pieces needed are
    read, so a long message costs no more than a short one."""
    words: list[str] = []
    length = -1
    for piece in _pieces(text):
        more = _words(fold(piece) if fold else piece)
        words += more
        length += sum(len(word) + 1 for word in more)
        if length > MAX_CHARS:
            break
    return cap_words(words)


def normalise(text: str) -> str:
    """Return `text` as lower-case words separated by single spaces ('' if nothing is left)."""
    text = _INVISIBLE.sub("", text[:RAW_LIMIT])
    text = _nfkc(text).casefold()  # fullwidth and mathematical letters become plain ones
    if text.isascii():
        return " ".join(_capped_words(text))
    text = _map_emoji(_LOOSE_MARKS.sub("", text))[:RAW_LIMIT]
    # Letters of other scripts that look Latin ("nоt" with a Cyrillic о) become Latin: always in
    # a word that mixes in Latin letters; everywhere when most words are Latin. A message mostly
    # in another script keeps its letters, so the adapter can say the bot reads English only.
    # Deciding on the words that come out keeps normalise(normalise(x)) == normalise(x).
    alone = False

    def fold_mixed(piece: str) -> str:
        nonlocal alone
        piece, more = _fold_mixed(piece)
        alone = alone or more
        return piece

    words = _capped_words(text, fold_mixed)
    if alone and _mostly_latin(words):
        words = _capped_words(text, _fold_all)
    return " ".join(words)
