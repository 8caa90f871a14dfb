"""What the adapters share while the bot runs: the current responder and the optional services.

The responder is swapped whole on a reload (a new library builds a new Responder), so a message
being answered keeps the responder it started with and is never dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .responder import Responder

log = logging.getLogger(__name__)


class Analytics(Protocol):
    """Counts what happens. Implementations must never block or raise into the caller."""

    def record(self, event: str, intent: str | None, user_id: int | None) -> None:
        """event: answer, safety, clarify, fallback, button, command. user_id is never stored."""

    def record_unmatched(self, text: str, nearest: str | None) -> None:
        """Only called when the message got the fallback; implementations decide whether to keep
        a scrubbed copy (off unless STORE_UNMATCHED=1)."""


class NoAnalytics:
    def record(self, event: str, intent: str | None, user_id: int | None) -> None:
        return None

    def record_unmatched(self, text: str, nearest: str | None) -> None:
        return None


@dataclass
class Hub:
    responder: Responder
    analytics: Analytics = field(default_factory=NoAnalytics)
    # Local services directory (issue: local services); None means national answers only.
    services: object | None = None

    def swap(self, responder: Responder) -> None:
        self.responder = responder

    def record(self, event: str, intent: str | None, user_id: int | None) -> None:
        """Count an event (see Analytics.record); a failure is logged, never raised."""
        _never_raise(self.analytics.record, event, intent, user_id)

    def record_unmatched(self, text: str, nearest: str | None) -> None:
        """Offer a fallback message for keeping (see Analytics.record_unmatched); the same."""
        _never_raise(self.analytics.record_unmatched, text, nearest)


def _never_raise(call: Callable[..., None], *args: object) -> None:
    try:
        call(*args)
    except Exception as exc:  # counting must never cost a reply
        log.warning("analytics failed (%s)", type(exc).__name__)  # the type only: no user data
