"""Learned text classifiers, trained from the library each time it loads.

One pipeline serves both the intent classifier and the safety layer: tf-idf on character 2-5
grams (forgives typos and slang spellings) and on words and word pairs, then a linear support
vector machine (scikit-learn's LinearSVC: deterministic). Margins become scores in 0..1 with a
softmax, so they can be blended with the fuzzy matcher's scores and compared with thresholds.

Both classifiers share one fitted feature space (`Features`), so the library's texts are
vectorised once. Scoring one message goes through `TextModel.margins`, which reuses the fitted
vocabularies and idf weights but skips scikit-learn's per-call validation and sparse matrix
building: that overhead was about 0.7 ms a message, a third of the latency budget. A test checks
that both paths give the same margins.

A fitted model is only arrays and vocabularies (`Features.state`, `TextModel.weights`), so it can
be kept on disk (`model_cache`) and rebuilt without scikit-learn: scikit-learn and SciPy are
imported only to train. Importing them costs about 120 MB and 1.5 s, more than all the rest of the
bot, and a restart with an unchanged library does not need them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)
SVM_C = 0.5
# Margins are about -1..1; a softmax at this scale spreads them over 0..1 so that a clear
# winner scores well above 0.5 and a near-tie splits the mass (chosen on the development set).
SOFTMAX_SCALE = 4.0
# A reload whose texts did not change (and the tests, which build the same library many times)
# reuses the trained models instead of training again.
CACHED_TRAININGS = 6
_WORD = re.compile(r"(?u)\b\w+\b")  # keeps one-letter words: "g", "k" are drugs here


# The two analyzers are scikit-learn's "char_wb" and "word" analyzers (lowercase, no stop words),
# written out so that scoring needs no scikit-learn; training passes them to scikit-learn too, so
# the two can never differ. A test checks them against scikit-learn's own.
def char_wb_ngrams(text: str, low: int = CHAR_NGRAMS[0], high: int = CHAR_NGRAMS[1]) -> list[str]:
    """Character n-grams inside words, each word padded with a space at both ends."""
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:  # a short word counts once, whole
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


def word_ngrams(text: str, low: int = WORD_NGRAMS[0], high: int = WORD_NGRAMS[1]) -> list[str]:
    """Words and runs of words (joined by one space)."""
    words = _WORD.findall(text.lower())
    grams: list[str] = []
    for n in range(low, high + 1):
        grams += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    return grams


ANALYZERS: tuple[Callable[[str], list[str]], ...] = (char_wb_ngrams, word_ngrams)


@dataclass(frozen=True)
class _Block:
    """One fitted vectorizer, reduced to what scoring needs."""

    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int  # where this vectorizer's columns start in the stacked matrix


@dataclass(frozen=True)
class FeatureState:
    """What a fitted feature space is: per analyzer, its terms (in column order) and idf."""

    terms: tuple[tuple[str, ...], ...]
    idf: tuple[np.ndarray, ...]


class Features:
    """tf-idf of character n-grams and of words, fitted on all the library's texts.

    `Features(texts)` fits (with scikit-learn); `Features.from_state` rebuilds a fitted one.
    Only a freshly fitted one has `matrix` (the texts' rows, for training) and `reference`.
    """

    def __init__(self, texts: Sequence[str] | None = None) -> None:
        self._vectorizers: list[Any] = []
        self.matrix: sp.csr_matrix | None = None
        self._blocks: list[_Block] = []
        if texts is not None:
            self._fit(texts)

    def _fit(self, texts: Sequence[str]) -> None:
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizers = [
            TfidfVectorizer(analyzer=analyze, sublinear_tf=True, dtype=np.float32)
            for analyze in ANALYZERS
        ]
        blocks = [v.fit_transform(texts) for v in self._vectorizers]
        self.matrix = sp.hstack(blocks).tocsr()  # one row a text, as given
        self._set_blocks(
            [v.vocabulary_ for v in self._vectorizers], [v.idf_ for v in self._vectorizers]
        )

    def _set_blocks(self, vocabularies: Sequence[dict[str, int]], idfs: Sequence[Any]) -> None:
        offset = 0
        for analyze, vocabulary, idf in zip(ANALYZERS, vocabularies, idfs, strict=True):
            weights = np.asarray(idf, dtype=np.float32)
            self._blocks.append(_Block(analyze, dict(vocabulary), weights, offset))
            offset += len(weights)

    @property
    def width(self) -> int:
        return sum(len(block.idf) for block in self._blocks)

    @property
    def state(self) -> FeatureState:
        terms = []
        for block in self._blocks:
            ordered = [""] * len(block.vocabulary)
            for term, column in block.vocabulary.items():
                ordered[column] = term
            terms.append(tuple(ordered))
        return FeatureState(tuple(terms), tuple(block.idf for block in self._blocks))

    @classmethod
    def from_state(cls, state: FeatureState) -> Features:
        features = cls()
        vocabularies = [{term: n for n, term in enumerate(terms)} for terms in state.terms]
        features._set_blocks(vocabularies, state.idf)
        return features

    def sparse(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's non-zero columns and their tf-idf weights (each block L2-normalised)."""
        columns: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for block in self._blocks:
            # Counted first (in C), then each distinct n-gram looked up once: a long message
            # repeats most of its n-grams.
            known = [
                (column, n)
                for term, n in Counter(block.analyze(text)).items()
                if (column := block.vocabulary.get(term)) is not None
            ]
            if not known:
                continue
            found = np.fromiter((c for c, _ in known), dtype=np.int64, count=len(known))
            tf = np.fromiter(
                (1.0 + math.log(n) for _, n in known), dtype=np.float64, count=len(known)
            )
            weight = tf * block.idf[found]
            columns.append(found + block.offset)
            weights.append(weight / np.linalg.norm(weight))
        if not columns:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(columns), np.concatenate(weights)

    def reference(self, texts: Sequence[str]) -> sp.csr_matrix:
        """scikit-learn's own transform: the slow path, for tests (a fitted space only)."""
        import scipy.sparse as sp

        if not self._vectorizers:
            raise ValueError("only a feature space fitted in this process has a reference")
        return sp.hstack([v.transform(texts) for v in self._vectorizers]).tocsr()


@dataclass(frozen=True)
class ModelWeights:
    """A fitted linear model: one column of weights per label, and the intercepts."""

    labels: tuple[str, ...]
    weights: np.ndarray  # features x labels
    intercept: np.ndarray
    scale: float


def _fit_svm(features: Features, rows: Sequence[int], labels: Sequence[str], c: float) -> Any:
    from sklearn.svm import LinearSVC

    if features.matrix is None:
        raise ValueError("training needs a feature space fitted in this process")
    return LinearSVC(C=c, random_state=0).fit(features.matrix[list(rows)], list(labels))


def fit_weights(
    features: Features, rows: Sequence[int], labels: Sequence[str], c: float, scale: float
) -> ModelWeights:
    if len(set(labels)) < 2:
        raise ValueError("a classifier needs at least two labels")
    svm = _fit_svm(features, rows, labels, c)
    coef = np.asarray(svm.coef_, dtype=np.float32)
    intercept = np.asarray(svm.intercept_, dtype=np.float64)
    if len(svm.classes_) == 2:  # scikit-learn keeps one row for two classes
        coef = np.vstack([-coef, coef])
        intercept = np.concatenate([-intercept, intercept])
    labels_out = tuple(str(label) for label in svm.classes_)
    return ModelWeights(labels_out, np.ascontiguousarray(coef.T), intercept, scale)


class TextModel:
    """A fitted classifier over one feature space. Immutable; safe to share across threads."""

    def __init__(
        self,
        features: Features,
        rows: Sequence[int] = (),
        labels: Sequence[str] = (),
        c: float = SVM_C,
        scale: float = SOFTMAX_SCALE,
        weights: ModelWeights | None = None,
    ) -> None:
        self.features = features
        self.weights = weights or fit_weights(features, rows, labels, c, scale)
        if self.weights.weights.shape[0] != features.width:
            raise ValueError("the model's weights do not fit its feature space")
        self.labels = self.weights.labels
        self.scale = self.weights.scale
        self._weights = self.weights.weights
        self._intercept = self.weights.intercept

    def margins(self, text: str) -> np.ndarray:
        """The SVM's margin for every label (same order as `labels`)."""
        return self.margins_of(*self.features.sparse(text))

    def margins_of(self, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Margins from a text's features (`Features.sparse`), shared by models of one space."""
        margins = self._intercept.copy()
        if len(columns):
            margins += weights @ self._weights[columns]
        return margins

    def scores(self, text: str) -> dict[str, float]:
        """Scores in 0..1 that sum to 1 over the labels."""
        return self.scores_of(*self.features.sparse(text))

    def scores_of(self, columns: np.ndarray, weights: np.ndarray) -> dict[str, float]:
        margins = self.margins_of(columns, weights) * self.scale
        exp = np.exp(margins - margins.max())
        probabilities = exp / exp.sum()
        return {label: float(p) for label, p in zip(self.labels, probabilities, strict=True)}

    def reference_margins(self, texts: Sequence[str]) -> np.ndarray:
        """Margins through scikit-learn's own transform (the slow path, for tests)."""
        product = self.features.reference(texts) @ self._weights.astype(np.float64)
        margins: np.ndarray = np.asarray(product) + self._intercept
        return margins


@lru_cache(maxsize=CACHED_TRAININGS)
def features_for(texts: tuple[str, ...]) -> Features:
    return Features(texts)


@lru_cache(maxsize=CACHED_TRAININGS)
def train(
    texts: tuple[str, ...],
    labels: tuple[str, ...],
    rows: tuple[int, ...],
    c: float = SVM_C,
    scale: float = SOFTMAX_SCALE,
) -> TextModel:
    """A model on `texts[rows]` labelled `labels`, in the feature space of all `texts`."""
    return TextModel(features_for(texts), rows, labels, c, scale)


def fit(
    texts: Sequence[str], labels: Sequence[str], c: float = SVM_C, scale: float = SOFTMAX_SCALE
) -> TextModel:
    """A model on its own feature space (for tools and tests that train one model)."""
    return train(tuple(texts), tuple(labels), tuple(range(len(texts))), c, scale)
