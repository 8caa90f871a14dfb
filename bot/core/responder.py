"""Text in, reply out: the one responder that Telegram, `hrbot chat` and the tests all use.

Pure: it knows nothing about Telegram. A reply carries plain text and button choices (intent ids
with labels); the adapter turns them into whatever its platform shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .blend import blend
from .classifiers import Classifiers
from .decide import DEFAULT_THRESHOLDS, Action, Decision, Thresholds, decide
from .library import CRISIS_SUPPORT, OVERDOSE_EMERGENCY, Library
from .matcher import OUT_OF_SCOPE, Candidate, Matcher, Reading
from .safety import SafetyVerdict, assess
from .safety_tiers import judge

# Numbers from the facts sheet, section 10 (and intents/staff/checked_numbers.yaml).
FALLBACK_TEXT = (
    "Sorry, I'm not sure I understood that. I can help with the topics below. "
    "You can also type your question in a different way.\n\n"
    "To ask a person about drugs, call FRANK on 0300 123 6600, any time.\n"
    "To talk about how you feel, call Samaritans free on 116 123, any time.\n\n"
    "If someone is in danger right now, call 999."
)
# The "possible" safety tier: one short check above the normal reply, with two buttons.
SAFETY_CHECK_TEXT = {
    OVERDOSE_EMERGENCY: (
        "If someone is in danger now, call 999. If you are thinking of ending your life, "
        "call Samaritans free on 116 123."
    ),
    CRISIS_SUPPORT: (
        "If you are thinking of ending your life, call Samaritans free on 116 123. "
        "If someone is in danger now, call 999."
    ),
}
SAFETY_CHECK_BUTTONS = {
    OVERDOSE_EMERGENCY: "Someone is in danger now",
    CRISIS_SUPPORT: "I'm not safe",
}
CLARIFY_TEXT = "I want to get this right. Which of these did you mean?"
# Words that point back at the last answer: "where can i get it", "how do i use one".
REFERRING = frozenset(
    {"it", "that", "this", "them", "one", "ones", "there", "those", "these", "they"}
)
MAX_FOLLOW_UP_WORDS = 8  # "where can i get it" is short; a long message carries its own topic
EMPTY_TEXT = "Hi. You can type a question, or pick a topic below."


@dataclass(frozen=True)
class Button:
    label: str
    intent: str


@dataclass(frozen=True)
class Reply:
    action: Action
    text: str
    intent: str | None = None
    buttons: tuple[Button, ...] = ()
    show_topics: bool = False
    decision: Decision | None = None
    candidates: tuple[Candidate, ...] = field(default=(), repr=False)
    safety_check: str | None = None  # the reply opens with a safety check (the possible tier)

    @property
    def is_safety(self) -> bool:
        return self.action is Action.SAFETY


class Responder:
    """Answers messages from one library. Immutable: a reload builds a new Responder."""

    def __init__(
        self,
        library: Library,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        classifiers: Classifiers | None = None,
        model_cache: Path | None = None,
        train_apart: bool = False,
    ) -> None:
        self.library = library
        self.matcher = Matcher(library)
        self.thresholds = thresholds
        # A reload keeps models in the same place, trained the same way.
        self.model_cache = model_cache
        self.train_apart = train_apart
        self.classifiers = classifiers or Classifiers(
            library, self.matcher.read, model_cache, train_apart
        )

    # ------------------------------------------------------------------ matching
    def read(self, text: str) -> Reading:
        return self.matcher.read(text)

    def rank(self, reading: Reading) -> list[Candidate]:
        """The fuzzy matcher's and the classifier's candidates, blended."""
        if not reading.marked:
            return []
        fuzzy = self.matcher.rank_words(reading.marked, limit=None)
        return blend(fuzzy, self.classifiers.rank(reading), self.thresholds.learned_weight)

    def safety(self, reading: Reading) -> SafetyVerdict:
        """The rules and the learned layer: sure, possible (a check) or nothing."""
        verdict = assess(reading.text, reading.corrected_text)
        return judge(verdict, self.classifiers.safety_scores(reading), len(reading.corrected))

    def counts_as(self, decision: Decision) -> str | None:
        """The intent an answer counts as (its broader intent if it has one), or None."""
        if decision.action not in (Action.ANSWER, Action.SAFETY) or decision.intent is None:
            return None
        intent = self.library.intents.get(decision.intent)
        return intent.counts_as if intent else decision.intent

    def understand(self, text: str, context: str | None = None) -> tuple[Decision, list[Candidate]]:
        """Decide what a message is. `context` is the intent last answered in this chat."""
        return self.understand_reading(self.read(text), context)

    def understand_reading(
        self, reading: Reading, context: str | None = None
    ) -> tuple[Decision, list[Candidate]]:
        candidates = self.rank(reading)
        verdict = self.safety(reading)
        decision = decide(candidates, verdict, self.thresholds)
        if context and context in self.library.intents and decision.action is not Action.SAFETY:
            decision, candidates = self._with_context(
                reading, context, verdict, decision, candidates
            )
        return decision, candidates

    def _with_context(
        self,
        reading: Reading,
        context: str,
        verdict: SafetyVerdict,
        decision: Decision,
        candidates: list[Candidate],
    ) -> tuple[Decision, list[Candidate]]:
        # "where can i get it?" after the naloxone answer: read the message with the topic of the
        # previous answer added, and keep that reading only if it is clearly better.
        if decision.action is Action.ANSWER and decision.score >= self.thresholds.sure:
            return decision, candidates
        words = reading.text.split()
        if len(words) > MAX_FOLLOW_UP_WORDS or not REFERRING.intersection(words):
            return decision, candidates  # it does not point back at the last answer
        previous = self.library.intents[context]
        related = set(previous.follow_ups) | {i.id for i in self.library.by_topic(previous.topic)}
        title = self.read(previous.title)
        more = self.rank(
            Reading(
                f"{reading.text} {title.text}",
                reading.corrected + title.corrected,
                reading.marked + title.marked,
            )
        )
        better = decide(more, verdict, self.thresholds)
        if (
            better.action is Action.ANSWER
            and better.intent in related
            and (decision.action is not Action.ANSWER or better.score > decision.score + 0.05)
        ):
            return better, more
        return decision, candidates

    # ------------------------------------------------------------------ replies
    def reply(self, text: str, context: str | None = None) -> Reply:
        reading = self.read(text)
        if reading.empty:
            return Reply(Action.FALLBACK, EMPTY_TEXT, show_topics=True)
        decision, candidates = self.understand_reading(reading, context)
        return self.reply_for(decision, candidates)

    def reply_for(self, decision: Decision, candidates: list[Candidate] | None = None) -> Reply:
        ranked = tuple(c for c in candidates or () if c.intent != OUT_OF_SCOPE)
        if decision.action in (Action.ANSWER, Action.SAFETY) and decision.intent:
            reply = self.answer(decision.intent, decision, ranked)
        elif decision.action is Action.CLARIFY:
            buttons = tuple(self.button(i) for i in decision.choices)
            reply = Reply(Action.CLARIFY, CLARIFY_TEXT, None, buttons, True, decision, ranked)
        else:
            reply = Reply(Action.FALLBACK, FALLBACK_TEXT, None, (), True, decision, ranked)
        return with_safety_check(reply, decision.check)

    def answer(
        self,
        intent_id: str,
        decision: Decision | None = None,
        candidates: tuple[Candidate, ...] = (),
    ) -> Reply:
        """The reply for one intent, e.g. when a person presses its button."""
        intent = self.library.intents[intent_id]
        action = Action.SAFETY if intent.safety else Action.ANSWER
        buttons = tuple(self.button(f) for f in intent.follow_ups if f in self.library.intents)
        return Reply(action, intent.answer, intent.id, buttons, False, decision, candidates)

    def button(self, intent_id: str) -> Button:
        return Button(self.library.intents[intent_id].title, intent_id)


def with_safety_check(reply: Reply, check: str | None) -> Reply:
    """Open a reply with the short safety check, and offer both safety answers as buttons."""
    if check is None or reply.is_safety:
        return reply
    other = CRISIS_SUPPORT if check == OVERDOSE_EMERGENCY else OVERDOSE_EMERGENCY
    buttons = tuple(Button(SAFETY_CHECK_BUTTONS[i], i) for i in (check, other))
    return replace(
        reply,
        text=f"{SAFETY_CHECK_TEXT[check]}\n\n{reply.text}",
        buttons=buttons + reply.buttons,
        safety_check=check,
    )
