"""Three tiers of safety, from the rules and the learned layer together.

* sure: the emergency or crisis answer, first and alone. Either a rule's cue fired and the
  learned layer agrees at least a little, or the learned layer is confident on its own (in a
  message of a few words at least, that no framing rule calls the past, a what-if or a question);
* possible: the normal reply, opened by a short safety check with two buttons. The learned layer
  finds it likely but not sure, or a rule fired that the learned layer firmly disagrees with;
* none.

The numbers come from 5-fold cross-validation on the safety corpus (messages written to be hard:
indirect emergencies and near-misses in the same words), where the rules alone found 38% of the
emergencies and crises and fired on 10% of the near-misses: requiring the learned layer's
agreement (`confirm`) took out 115 of those 188 false alarms and lost 8 of 1,850 of the
emergencies, which still get the safety check.
"""

from __future__ import annotations

from dataclasses import dataclass

from .classifiers import SafetyScores
from .safety import LEARNED, SafetyVerdict


@dataclass(frozen=True)
class SafetyThresholds:
    sure: float = 0.80  # learned score (emergency + crisis) to send the safety answer alone
    confirm: float = 0.20  # learned score a rule's cue needs to send the safety answer
    check: float = 0.40  # learned score to open the reply with a safety check
    # Fewer words than this give the learned layer too little to go on: "n" (read "and") scored
    # like an emergency. Short emergencies ("OD HELP", "not breathing") are the rules' job.
    sure_words: int = 3
    check_words: int = 2


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
        if scores.total >= thresholds.confirm or words < thresholds.sure_words:
            return verdict
        return SafetyVerdict(None, verdict.reason, guarded=True, check=verdict.intent)
    if scores.total >= thresholds.sure and words >= thresholds.sure_words and not verdict.guarded:
        return SafetyVerdict(scores.intent, LEARNED)
    if scores.total >= thresholds.check and words >= thresholds.check_words:
        return SafetyVerdict(None, verdict.reason, verdict.guarded, check=scores.intent)
    return verdict
