"""Blend the fuzzy matcher's and the learned classifier's candidates into one ranking.

They are wrong on different messages: the fuzzy matcher is sure of near-copies of an example
and forgives typos; the classifier generalises to wordings no example has. A weighted sum of
their scores (both 0..1) keeps the strengths of each; the weight was chosen on the development
set (`Thresholds.learned_weight`; `python bench/bench_signals.py` prints each signal alone
and blended).
"""

from __future__ import annotations

from .matcher import Candidate


def blend(
    fuzzy: list[Candidate],
    learned: list[Candidate],
    weight: float,
    limit: int = 5,
) -> list[Candidate]:
    """Every intent either signal scored, best first, cut to `limit`."""
    examples = {c.intent: c.example for c in fuzzy}
    scores = {c.intent: (1 - weight) * c.score for c in fuzzy}
    for c in learned:
        scores[c.intent] = scores.get(c.intent, 0.0) + weight * c.score
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Candidate(i, round(s, 4), examples.get(i, "")) for i, s in ranked]
