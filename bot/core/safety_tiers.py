"""Three tiers of safety, from the rules and the learned layer together.

* sure: the emergency or crisis answer, first and alone. Either a rule's cue fired and the
  learned layer agrees at least a little, or the learned layer is confident on its own (in a
  message of a few words at least, that no framing rule calls the past, a what-if or a question);
* possible: the normal reply, opened by a short safety check with two buttons. The learned layer
  finds it likely but not sure, or a rule fired that the learned layer firmly disagrees with;
* none.

The numbers come from leave-one-writer-out cross-validation on the safety corpus (9 files, each
from a different writer; messages written to be hard: indirect emergencies and crises, and
near-misses in the same words), with the development sets and the first two rounds' blind sets
(looked at long ago, so no longer blind) as the ordinary messages (`python
bench/bench_safety_tiers.py --grid --ordinary ...`). Alone, the rules found 34% of the corpus's
emergencies and crises and fired on 10% of its near-misses, mostly crisis cues in talk about
suicide or self-harm ("my dissertation is on suicide", "I can't go on with this diet"): a cue
needs the learned layer's agreement. Without it, the message still gets the safety check. At the
third round (2026-11-25) the layer alone became sure at 0.65 instead of 0.70 and a crisis cue
needs 0.40 like an overdose cue instead of 0.50: on the earlier blind sets that found 5 to 6
more emergencies and crises in a hundred for about one more false alarm in 200 near-misses.
"""

from __future__ import annotations

from dataclasses import dataclass

from .classifiers import SafetyScores
from .library import CRISIS_SUPPORT
from .safety import LEARNED, SafetyVerdict


@dataclass(frozen=True)
class SafetyThresholds:
    sure: float = 0.65  # learned score (emergency + crisis) to send the safety answer alone
    confirm: float = 0.40  # learned score an overdose cue needs to send the safety answer
    confirm_crisis: float = 0.40  # ... and a crisis cue (it fires on talk about the topic more)
    check: float = 0.30  # learned score to open the reply with a safety check
    # Fewer words than this give the learned layer too little to go on: "n" (read "and") scored
    # like an emergency. Short emergencies ("OD HELP", "not breathing") are the rules' job.
    sure_words: int = 3
    check_words: int = 2
    # In a message this short a rule's cue stands without the learned layer: "wnt 2 die" and
    # "wanna top meself" are all there is to read, and the framing rules still guard them.
    rule_alone_words: int = 4


DEFAULT_SAFETY_THRESHOLDS = SafetyThresholds()


def judge(
    verdict: SafetyVerdict,
    scores: SafetyScores,
    words: int,
    thresholds: SafetyThresholds = DEFAULT_SAFETY_THRESHOLDS,
) -> SafetyVerdict:
    """The rules' verdict, with the learned scores: sure, possible (a check) or nothing."""
    if verdict.fired:
        if scores.total >= thresholds.sure and scores.intent != verdict.intent:
            # "wanting to use enough that i just dont wake up" fires the rule for someone who
            # will not wake; the learned layer knows a plan to die when it reads one.
            return SafetyVerdict(scores.intent, verdict.reason)
        if scores.total >= _confirm(verdict, thresholds) or words < thresholds.rule_alone_words:
            return verdict
        return SafetyVerdict(None, verdict.reason, guarded=True, check=verdict.intent)
    if scores.total >= thresholds.sure and words >= thresholds.sure_words and not verdict.guarded:
        return SafetyVerdict(scores.intent, LEARNED)
    if scores.total >= thresholds.check and words >= thresholds.check_words:
        return SafetyVerdict(None, verdict.reason, verdict.guarded, check=scores.intent)
    return verdict


def _confirm(verdict: SafetyVerdict, thresholds: SafetyThresholds) -> float:
    if verdict.intent == CRISIS_SUPPORT:
        return thresholds.confirm_crisis
    return thresholds.confirm
