"""The learned layers, trained from the library when it loads: intents and safety.

Both learn from what staff write, so a new example improves them at the next reload:
* the intent classifier from every intent's examples (and the out-of-scope examples); the
  safety corpus stays out of it, or the two safety intents would absorb every sad or worried
  message (measured: 10 false alarms on the development set instead of none);
* the safety classifier (emergency / crisis / neither) from the safety corpus, the two safety
  intents' examples, and every other example as "neither".

They read a message as the matcher does (`Reading.corrected_text`: lexicon and spelling applied),
so slang the staff lexicon knows is learned once, as its plain word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import model_cache
from .learned import SOFTMAX_SCALE, SVM_C, Features, TextModel, features_for, train
from .library import CRISIS_SUPPORT, NOT_NOW, OVERDOSE_EMERGENCY, SAFETY_INTENTS, Library
from .matcher import OUT_OF_SCOPE, Candidate, Reading
from .training import train_apart

# The safety layer's regularisation and the spread of its scores, chosen with the tiers'
# thresholds by leave-one-writer-out cross-validation on the safety corpus (each file held out in
# turn, so every score comes from a model that never saw that writer): at a matched false-alarm
# rate on the corpus's near-misses, C=1.0 and scale 1.5 found more emergencies and crises than
# C=0.2 and scale 2 (bench/bench_safety_tiers.py prints the comparison).
SAFETY_C = 0.5
SAFETY_SCALE = 2.0


@dataclass(frozen=True)
class SafetyScores:
    """How likely the learned layer finds an emergency or a crisis happening now (0..1)."""

    overdose: float
    crisis: float

    @property
    def total(self) -> float:
        return self.overdose + self.crisis

    @property
    def intent(self) -> str:
        return OVERDOSE_EMERGENCY if self.overdose >= self.crisis else CRISIS_SUPPORT


NO_RISK = SafetyScores(0.0, 0.0)


def intent_training_set(library: Library) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for intent in library.intents.values():
        texts += intent.examples
        labels += [intent.id] * len(intent.examples)
    texts += library.out_of_scope
    labels += [OUT_OF_SCOPE] * len(library.out_of_scope)
    return texts, labels


def safety_training_set(library: Library) -> tuple[list[str], list[str]]:
    texts = [e.text for e in library.safety_corpus]
    labels = [e.label for e in library.safety_corpus]
    for intent in library.intents.values():
        texts += intent.examples
        labels += [intent.id if intent.id in SAFETY_INTENTS else NOT_NOW] * len(intent.examples)
    texts += library.out_of_scope
    labels += [NOT_NOW] * len(library.out_of_scope)
    return texts, labels


class Classifiers:
    """The two learned layers for one library. Immutable; a reload trains new ones.

    With a `cache` folder, trained models are kept there and a library trained before is read
    back instead of trained again (see `model_cache`). With `apart` as well, a new library is
    trained in a separate process (`training.train_apart`) and read back from the cache.
    """

    def __init__(
        self,
        library: Library,
        read: Callable[[str], Reading],
        cache: Path | None = None,
        apart: bool = False,
    ) -> None:
        safety_texts, safety_labels = safety_training_set(library)
        intent_texts, intent_labels = intent_training_set(library)
        # One feature space for both: every text of either set, each read once.
        texts = tuple(dict.fromkeys([*safety_texts, *intent_texts]))
        position = {text: n for n, text in enumerate(texts)}
        specs = {"intents": (intent_texts, intent_labels, SVM_C, SOFTMAX_SCALE)}
        if len(set(safety_labels)) > 1:  # a library with no safety corpus and no other intents
            specs["safety"] = (safety_texts, safety_labels, SAFETY_C, SAFETY_SCALE)
        # The models' fingerprint, where the model cache keeps them: only worked out (about 60 ms
        # of hashing every text) when there is a cache to look in.
        self.key: str | None = None
        saved = None
        if cache:
            self.key = model_cache.fingerprint(
                [texts, sorted(library.lexicon.terms.items()), sorted(specs.items())]
            )
            saved = model_cache.load(cache, self.key)
            if apart and not saved and train_apart(library, cache):
                saved = model_cache.load(cache, self.key)
        if saved:
            features = Features.from_state(saved[0])
            models = {name: TextModel(features, weights=w) for name, w in saved[1].items()}
        else:
            corrected = tuple(read(t).corrected_text for t in texts)
            features = features_for(corrected)  # fitted once, before the models share it

            # One after the other: side by side (LinearSVC lets go of the GIL) saved 0.7 s of 5.6
            # but raised the peak from 391 to 455 MB (2.7 GB at 20x), as both copies of the data
            # that liblinear makes were alive at once.
            models = {}
            for name, (group, labels, c, scale) in specs.items():
                rows = tuple(position[t] for t in group)
                models[name] = train(corrected, tuple(labels), rows, c, scale)
            if cache and self.key:
                weights = {name: model.weights for name, model in models.items()}
                model_cache.save(cache, self.key, features.state, weights)
        self.intents = models["intents"]
        self.safety: TextModel | None = models.get("safety")
        # Both models share one feature space: a message's features are found once for both.
        self._features = lru_cache(maxsize=8)(features.sparse)

    def rank(self, reading: Reading) -> list[Candidate]:
        """Every intent (and OUT_OF_SCOPE), best first, scores summing to 1."""
        scores = self.intents.scores_of(*self._features(reading.corrected_text))
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        return [Candidate(intent, round(score, 4)) for intent, score in ranked]

    def safety_scores(self, reading: Reading) -> SafetyScores:
        if self.safety is None or reading.empty:
            return NO_RISK
        scores = self.safety.scores_of(*self._features(reading.corrected_text))
        return SafetyScores(scores.get(OVERDOSE_EMERGENCY, 0.0), scores.get(CRISIS_SUPPORT, 0.0))
