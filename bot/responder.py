"""Text in, reply out: the one responder that Telegram, `hrbot chat` and the tests all use.

Pure: it knows nothing about Telegram. A reply carries plain text and button choices (intent ids
with labels); the adapter turns them into whatever its platform shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .decide import DEFAULT_THRESHOLDS, Action, Decision, Thresholds, decide
from .library import Intent, Library
from .matcher import OUT_OF_SCOPE, Candidate, Matcher, mark_negation
from .normalise import normalise
from .safety import SafetyVerdict, assess

# Numbers from the facts sheet, section 10 (and intents/staff/checked_numbers.yaml).
FALLBACK_TEXT = (
    "Sorry, I'm not sure I understood that. I can help with the topics below. "
    "You can also type your question in a different way.\n\n"
    "To ask a person about drugs, call FRANK on 0300 123 6600, any time.\n"
    "To talk about how you feel, call Samaritans free on 116 123, any time.\n\n"
    "If someone is in danger right now, call 999."
)
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

    @property
    def is_safety(self) -> bool:
        return self.action is Action.SAFETY


class Responder:
    """Answers messages from one library. Immutable: a reload builds a new Responder."""

    def __init__(self, library: Library, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> None:
        self.library = library
        self.matcher = Matcher(library)
        self.thresholds = thresholds

    # ------------------------------------------------------------------ matching
    def understand(self, text: str, context: str | None = None) -> tuple[Decision, list[Candidate]]:
        """Decide what a message is. `context` is the intent last answered in this chat."""
        corrected = self.matcher.corrected_words(text)  # once: the matcher and safety share it
        candidates = self.matcher.rank_words(mark_negation(corrected))
        verdict = assess(normalise(text), " ".join(corrected))
        decision = decide(candidates, verdict, self.thresholds)
        if context and context in self.library.intents and decision.action is not Action.SAFETY:
            decision, candidates = self._with_context(text, context, verdict, decision, candidates)
        return decision, candidates

    def _with_context(
        self,
        text: str,
        context: str,
        verdict: SafetyVerdict,
        decision: Decision,
        candidates: list[Candidate],
    ) -> tuple[Decision, list[Candidate]]:
        # "where can i get it?" after the naloxone answer: read the message with the topic of the
        # previous answer added, and keep that reading only if it is clearly better.
        if decision.action is Action.ANSWER and decision.score >= self.thresholds.sure:
            return decision, candidates
        words = normalise(text).split()
        if len(words) > MAX_FOLLOW_UP_WORDS or not REFERRING.intersection(words):
            return decision, candidates  # it does not point back at the last answer
        previous = self.library.intents[context]
        related = set(previous.follow_ups) | {i.id for i in self.library.by_topic(previous.topic)}
        more = self.matcher.rank(f"{text} {previous.title}")
        better = decide(more, verdict, self.thresholds)
        if better.action is Action.ANSWER and better.intent in related and (
            decision.action is not Action.ANSWER or better.score > decision.score + 0.05
        ):
            return better, more
        return decision, candidates

    # ------------------------------------------------------------------ replies
    def reply(self, text: str, context: str | None = None) -> Reply:
        if not normalise(text):
            return Reply(Action.FALLBACK, EMPTY_TEXT, show_topics=True)
        decision, candidates = self.understand(text, context)
        return self.reply_for(decision, candidates)

    def reply_for(self, decision: Decision, candidates: list[Candidate] | None = None) -> Reply:
        ranked = tuple(c for c in candidates or () if c.intent != OUT_OF_SCOPE)
        if decision.action in (Action.ANSWER, Action.SAFETY) and decision.intent:
            return self.answer(decision.intent, decision, ranked)
        if decision.action is Action.CLARIFY:
            buttons = tuple(self.button(i) for i in decision.choices)
            return Reply(Action.CLARIFY, CLARIFY_TEXT, None, buttons, True, decision, ranked)
        return Reply(Action.FALLBACK, FALLBACK_TEXT, None, (), True, decision, ranked)

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

    def topic_intents(self, topic: str) -> list[Intent]:
        return self.library.by_topic(topic)
