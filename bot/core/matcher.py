"""Fuzzy matching of a message against every example in the library.

Pure: no Telegram, no I/O. Builds its indexes once per library, then ranks a message in well
under a millisecond or two. Two signals are blended for every example, both computed in batch:

* a character-level fuzzy score (rapidfuzz `process.cdist`, token_sort_ratio) that forgives
  typos and word order, and
* a keyword score: cosine similarity of IDF-weighted words, so rare, telling words ("abscess",
  "sharps") count for more than common ones ("i", "get", "the"). Unlike WRatio or partial_ratio it
  cannot let one long example, or a two-letter one, win everything.

An intent scores its best example, nudged by how well the message fits the intent's examples
taken together (its "profile"), which helps with long messages whose words are spread across
several examples.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

from .library import Library
from .normalise import cap_words, normalise

OUT_OF_SCOPE = "_out_of_scope"

NEGATORS = frozenset({"not", "no", "never", "dont", "cannot", "cant", "without", "nothing"})
# Words that end a negation's reach: "i am not sure but he is blue" -> only "sure" is negated.
NEGATION_STOPS = frozenset({"but", "and", "or", "so", "because", "just", "though", "now"})
NEGATION_REACH = 1

# Blend of the signals (tuned on the development set; see README "How matching works").
W_FUZZY = 0.35
W_KEYWORDS = 0.65
W_PROFILE = 0.7
MIN_CORRECTABLE = 4  # shorter words are too easy to "correct" into the wrong word
REAL_WORD = 2.5  # Zipf frequency (wordfreq) from which a word is real English, not a typo
LONG_WORD = 8
# A word no example uses is evidence of nothing, but many of them say "this is off-topic".
UNKNOWN_WEIGHT = 0.6
NEAR_EXACT = 0.92  # token_sort_ratio at which a message counts as one of the examples
SHOWN_EXAMPLES = 5  # candidates that carry their best example (the rest only a score)
# Distinct unknown words a message may have corrected: each can cost a search of the vocabulary
# (0.1 to 0.2 ms), so a message of made-up words cannot take long. No message in the dev,
# held-out or blind sets or the safety probe has more than 9 unknown words, or more than 2 that
# reach the search.
MAX_SPELLED = 10
# Fuzzy ratios are the dearest signal (about 0.8 ms a message over the shipped library, more for
# long messages): they are computed only for the examples that share the most weighted words
# with the message. An example sharing no word with it scores low on both signals anyway.
FUZZY_POOL = 400


@dataclass(frozen=True)
class Reading:
    """One message, read once: what the safety layer, the matchers and decide all work from."""

    text: str  # normalised (lower case, emoji as words, text-speak expanded)
    corrected: tuple[str, ...]  # staff lexicon applied and typos corrected
    marked: tuple[str, ...]  # `corrected` with negation marked ("not_breathing")

    @property
    def corrected_text(self) -> str:
        return " ".join(self.corrected)

    @property
    def empty(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Candidate:
    """One intent's score for a message, with the example that fitted best."""

    intent: str
    score: float
    example: str = ""


def mark_negation(words: list[str]) -> list[str]:
    """Prefix the words a negator reaches with 'not_' so "not breathing" is not "breathing"."""
    out: list[str] = []
    reach = 0
    for word in words:
        if word in NEGATORS:
            out.append("not")
            reach = NEGATION_REACH
            continue
        if word in NEGATION_STOPS:
            reach = 0
        if reach:
            out.append(f"not_{word}")
            reach -= 1
        else:
            out.append(word)
    return out


class Matcher:
    """Ranks intents for a message. Build one per library; it is immutable and thread-safe."""

    def __init__(self, library: Library) -> None:
        self.library = library
        owners: list[str] = []
        raw: list[str] = []
        for intent in library.intents.values():
            for example in intent.examples:
                owners.append(intent.id)
                raw.append(example)
        for example in library.out_of_scope:
            owners.append(OUT_OF_SCOPE)
            raw.append(example)
        self._raw_examples = raw
        self.intent_ids = sorted(set(owners))
        index = {intent_id: n for n, intent_id in enumerate(self.intent_ids)}
        self._owner = np.array([index[o] for o in owners], dtype=np.int64)
        self._by_intent = np.argsort(self._owner, kind="stable")
        grouped = self._owner[self._by_intent]
        self._starts = np.searchsorted(grouped, np.arange(len(self.intent_ids)))
        self._ends = np.append(self._starts[1:], len(owners))
        words = [mark_negation(self._base_words(text)) for text in raw]
        self.vocabulary = sorted({w for ws in words for w in ws if not w.startswith("not_")})
        self._vocab_set = frozenset(self.vocabulary)
        self._correct = lru_cache(maxsize=20_000)(self._correct_uncached)
        # token_sort_ratio is ratio() on the words sorted: sort the examples once, here, rather
        # than all of them again for every message (7x faster on a large library).
        # An array, so that the fuzzy pool is picked by index in one step.
        self._example_texts = np.array([" ".join(sorted(w)) for w in words], dtype=object)
        # Each example's distinct words, as small tuples (a large library has tens of thousands).
        documents = [tuple(dict.fromkeys(w)) for w in words]
        del words
        self._build_keyword_index(documents, owners)

    # ------------------------------------------------------------------ text processing
    def _base_words(self, text: str) -> list[str]:
        return self.library.lexicon.apply(normalise(text).split())

    def _correct_uncached(self, word: str) -> str:
        if len(word) < MIN_CORRECTABLE or word.isdigit() or word in NEGATORS:
            return word
        if zipf_frequency(word, "en", wordlist="small") >= REAL_WORD:  # small: 30 MB less
            return word  # a real word the library does not use: "doses" is not a typo of "does"
        # Edits, with a swap of two letters ("exchnage") counting as one.
        best = process.extractOne(
            word,
            self.vocabulary,
            scorer=OSA.distance,
            score_cutoff=2 if len(word) >= LONG_WORD else 1,
        )
        if best is None or (len(word) < LONG_WORD - 2 and best[0][0] != word[0]):
            return word  # short words: "rates" is not a typo of "mates"
        return str(best[0])

    def corrected_words(self, text: str) -> list[str]:
        """Normalised, lexicon applied, typos corrected; negation not yet marked."""
        return list(self.read(text).corrected)

    def words(self, text: str) -> list[str]:
        """The message as the matcher sees it: corrected words, with negation marked."""
        return list(self.read(text).marked)

    def read(self, text: str) -> Reading:
        """Read a message once: normalise, lexicon, spelling, negation."""
        plain = normalise(text)
        # The lexicon can lengthen a message ("od" -> "overdose"): the cap holds after it too.
        base = cap_words(self.library.lexicon.apply(plain.split()))
        unknown = list(dict.fromkeys(w for w in base if w not in self._vocab_set))[:MAX_SPELLED]
        fixes = {w: self._correct(w) for w in unknown}
        corrected = [fixes.get(w, w) for w in base]
        # A correction may have produced a lexicon variant ("pinz" -> "pins" -> "needles").
        final = tuple(cap_words(self.library.lexicon.apply(corrected)))
        return Reading(plain, final, tuple(mark_negation(list(final))))

    # ------------------------------------------------------------------ keyword index
    def _build_keyword_index(self, documents: list[tuple[str, ...]], owners: list[str]) -> None:
        frequency: Counter[str] = Counter(t for doc in documents for t in doc)
        total = len(documents)
        self._idf = {t: math.log((1 + total) / (1 + df)) + 1.0 for t, df in frequency.items()}
        self._unknown_idf = (math.log(1 + total) + 1.0) * UNKNOWN_WEIGHT
        postings: dict[str, list[int]] = defaultdict(list)
        norms = np.zeros(total)
        for n, doc in enumerate(documents):
            for t in doc:
                postings[t].append(n)
                norms[n] += self._idf[t] ** 2
        self._norms = np.sqrt(np.maximum(norms, 1e-9))
        # int32 and float32 halve the index of a large library; scores need no more precision.
        self._posting_arrays = {}
        for t in list(postings):  # pop as we go, so lists and arrays never all exist at once
            self._posting_arrays[t] = np.array(postings.pop(t), dtype=np.int32)
        # Profile: the intent's examples pooled; weight = idf * share of its examples using it.
        profile: dict[str, dict[int, float]] = defaultdict(dict)
        counts = Counter(owners)
        per_intent: dict[str, Counter[str]] = defaultdict(Counter)
        for doc, owner in zip(documents, owners, strict=True):
            per_intent[owner].update(doc)
        n_intents = len(self.intent_ids)
        profile_norm = np.zeros(n_intents)
        for intent_pos, intent_id in enumerate(self.intent_ids):
            for t, c in per_intent[intent_id].items():
                weight = self._idf[t] * math.sqrt(c / counts[intent_id])
                profile[t][intent_pos] = weight
                profile_norm[intent_pos] += weight**2
        del per_intent
        self._profile = {}
        for t in list(profile):
            d = profile.pop(t)
            self._profile[t] = (
                np.array(list(d), dtype=np.int32),
                np.array(list(d.values()), dtype=np.float32),
            )
        self._profile_norm = np.sqrt(np.maximum(profile_norm, 1e-9))

    def _keyword_scores(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        terms = set(words)
        example_scores = np.zeros(len(self._raw_examples))
        profile_scores = np.zeros(len(self.intent_ids))
        message_norm = 0.0
        for t in terms:
            idf = self._idf.get(t, self._unknown_idf)
            message_norm += idf**2
            postings = self._posting_arrays.get(t)
            if postings is not None:
                example_scores[postings] += idf**2
            prof = self._profile.get(t)
            if prof is not None:
                profile_scores[prof[0]] += idf * prof[1]
        if message_norm == 0:
            return example_scores, profile_scores
        root = math.sqrt(message_norm)
        return example_scores / (self._norms * root), profile_scores / (self._profile_norm * root)

    def _fuzzy_scores(self, query: str, keywords: np.ndarray) -> np.ndarray:
        """token_sort ratios (0..1) against the examples nearest by keywords; 0 for the rest."""
        fuzzy = np.zeros(len(self._example_texts))
        pool = np.arange(len(fuzzy))
        if len(fuzzy) > FUZZY_POOL and keywords.max() > 0:
            pool = np.argpartition(-keywords, FUZZY_POOL)[:FUZZY_POOL]
        choices = self._example_texts[pool]
        ratios = process.cdist([query], choices, scorer=fuzz.ratio, dtype=np.uint8, workers=1)
        fuzzy[pool] = ratios[0] / 100.0
        return fuzzy

    # ------------------------------------------------------------------ ranking
    def rank(self, text: str, limit: int = 5) -> list[Candidate]:
        """Intents best first (out-of-scope included as OUT_OF_SCOPE), scores in 0..1."""
        return self.rank_words(self.words(text), limit)

    def rank_words(self, words: Sequence[str], limit: int | None = 5) -> list[Candidate]:
        """`rank` for a message already turned into words (see `words`); None: every intent."""
        if not words or not self._raw_examples:
            return []
        keywords, profile = self._keyword_scores(words)
        fuzzy = self._fuzzy_scores(" ".join(sorted(words)), keywords)
        example_scores = W_FUZZY * fuzzy + W_KEYWORDS * keywords
        # Each intent's best example: the examples sorted by intent once (at build), so one
        # reduceat per message instead of ufunc.at, which was a third of the time.
        best = np.maximum.reduceat(example_scores[self._by_intent], self._starts)
        intent_scores = (1 - W_PROFILE) * best + W_PROFILE * profile
        # A message (nearly) identical to an example is that example, whatever the blend says.
        near = np.where(fuzzy >= NEAR_EXACT, fuzzy, 0.0)
        exact = np.maximum.reduceat(near[self._by_intent], self._starts)
        intent_scores = np.maximum(intent_scores, exact)
        order = np.argsort(-intent_scores)[:limit]
        out = []
        for rank, pos in enumerate(order):
            example = ""
            if rank < SHOWN_EXAMPLES:  # the example that fitted best, for --debug and reports
                members = self._by_intent[self._starts[pos] : self._ends[pos]]
                example = self._raw_examples[members[np.argmax(example_scores[members])]]
            out.append(
                Candidate(
                    intent=self.intent_ids[pos],
                    score=round(float(min(max(intent_scores[pos], 0.0), 1.0)), 4),
                    example=example,
                )
            )
        return out
