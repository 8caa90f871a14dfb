"""Learned text classifiers, trained from the library each time it loads.

One pipeline serves both the intent classifier and the safety layer: tf-idf on character 2-5
grams (forgives typos and slang spellings) and on words and word pairs, then a linear support
vector machine (scikit-learn's LinearSVC: deterministic, trains in a fraction of a second on
the shipped library). Margins become scores in 0..1 with a softmax, so they can be blended with
the fuzzy matcher's scores and compared with thresholds.

Both classifiers share one fitted feature space (`Features`), so the library's texts are
vectorised once. Scoring one message goes through `TextModel.margins`, which reuses the fitted
analyzers, vocabularies and idf weights but skips scikit-learn's per-call validation and sparse
matrix building: that overhead was about 0.7 ms a message, a third of the latency budget. A
test checks that both paths give the same margins.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)
SVM_C = 0.5
# Margins are about -1..1; a softmax at this scale spreads them over 0..1 so that a clear
# winner scores well above 0.5 and a near-tie splits the mass (chosen on the development set).
SOFTMAX_SCALE = 4.0
# A reload whose texts did not change (and the tests, which build the same library many times)
# reuses the trained models instead of training again.
CACHED_TRAININGS = 6


@dataclass(frozen=True)
class _Block:
    """One fitted vectorizer, reduced to what scoring needs."""

    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int  # where this vectorizer's columns start in the stacked matrix


class Features:
    """tf-idf of character n-grams and of words, fitted once on all the library's texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._vectorizers = [
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, dtype=np.float32
            ),
            TfidfVectorizer(
                ngram_range=WORD_NGRAMS,
                sublinear_tf=True,
                token_pattern=r"(?u)\b\w+\b",  # keep one-letter words: "g", "k" are drugs here
                dtype=np.float32,
            ),
        ]
        blocks = [v.fit_transform(texts) for v in self._vectorizers]
        self.matrix = sp.hstack(blocks).tocsr()  # one row a text, as given
        self._blocks: list[_Block] = []
        offset = 0
        for vectorizer, block in zip(self._vectorizers, blocks, strict=True):
            self._blocks.append(
                _Block(
                    vectorizer.build_analyzer(),
                    dict(vectorizer.vocabulary_),
                    np.asarray(vectorizer.idf_, dtype=np.float32),
                    offset,
                )
            )
            offset += block.shape[1]

    def sparse(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's non-zero columns and their tf-idf weights (each block L2-normalised)."""
        columns: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for block in self._blocks:
            counts = Counter(
                block.vocabulary[t] for t in block.analyze(text) if t in block.vocabulary
            )
            if not counts:
                continue
            found = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = np.fromiter(
                (1.0 + math.log(n) for n in counts.values()), dtype=np.float64, count=len(counts)
            )
            weight = tf * block.idf[found]
            columns.append(found + block.offset)
            weights.append(weight / np.linalg.norm(weight))
        if not columns:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(columns), np.concatenate(weights)

    def reference(self, texts: Sequence[str]) -> sp.csr_matrix:
        """scikit-learn's own transform: the slow path, for tests."""
        return sp.hstack([v.transform(texts) for v in self._vectorizers]).tocsr()


class TextModel:
    """A fitted classifier over one feature space. Immutable; safe to share across threads."""

    def __init__(
        self,
        features: Features,
        rows: Sequence[int],
        labels: Sequence[str],
        c: float = SVM_C,
        scale: float = SOFTMAX_SCALE,
    ) -> None:
        if len(set(labels)) < 2:
            raise ValueError("a classifier needs at least two labels")
        self.features = features
        self.scale = scale
        svm = LinearSVC(C=c, random_state=0).fit(features.matrix[list(rows)], list(labels))
        self.labels: tuple[str, ...] = tuple(str(label) for label in svm.classes_)
        coef = np.asarray(svm.coef_, dtype=np.float32)
        intercept = np.asarray(svm.intercept_, dtype=np.float32)
        if len(self.labels) == 2:  # scikit-learn keeps one row for two classes
            coef = np.vstack([-coef, coef])
            intercept = np.concatenate([-intercept, intercept])
        self._weights = np.ascontiguousarray(coef.T)  # features x labels: one row a feature
        self._intercept = intercept.astype(np.float64)
        self._svm = svm

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
        """scikit-learn's own margins for `texts`: the slow path, for tests."""
        margins = np.atleast_2d(self._svm.decision_function(self.features.reference(texts)))
        if len(self.labels) == 2:
            margins = margins.reshape(-1, 1)
            margins = np.hstack([-margins, margins])
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
