"""The two answers that depend on how the bot is deployed: who runs it, and what it keeps.

The library's `about_bot` and `privacy` answers say only what is true of every deployment. What
depends on settings comes first, from here, so that nothing in the library answer can contradict
it: who runs the bot (SERVICE_NAME, SERVICE_CONTACT) and what is kept of what people write
(STORE_UNMATCHED). The Telegram adapter and `hrbot chat` pass every reply through `personalise`.

Pure: no Telegram, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .responder import Reply
    from .settings import Settings

ABOUT_INTENT = "about_bot"
PRIVACY_INTENT = "privacy"

GENERIC_RUNNER = "A UK drug and alcohol service runs me."
NAMED_RUNNER = "{name} runs me."
CONTACT = "To contact them: {contact}"
KEEPS_NOTHING = "This bot does not keep what you write."
# Only true, and only said, when the service has switched on STORE_UNMATCHED.
UNMATCHED_KEPT = (
    "Questions I couldn't answer are kept for up to {days} days, with phone numbers, emails, "
    "postcodes and links taken out, so the team can teach me to answer them."
)
DONT_TYPE_NAME = "Please don't type your name or address."
UNMATCHED_NOTE = f"{UNMATCHED_KEPT} {DONT_TYPE_NAME}"
KEEPS_UNMATCHED = f"{UNMATCHED_KEPT} Nothing else you write is kept. {DONT_TYPE_NAME}"


@dataclass(frozen=True)
class ServiceInfo:
    """What the deploying service has said about itself in its settings."""

    name: str = ""
    contact: str = ""
    unmatched_days: int | None = None  # None: unanswered questions are not kept (the default)

    @classmethod
    def from_settings(cls, settings: Settings) -> ServiceInfo:
        days = settings.unmatched_retention_days if settings.store_unmatched else None
        return cls(settings.service_name, settings.service_contact, days)


def unmatched_note(unmatched_days: int | None) -> str:
    return UNMATCHED_NOTE.format(days=unmatched_days) if unmatched_days else ""


def who_runs(info: ServiceInfo) -> str:
    if not info.name:
        return GENERIC_RUNNER
    runner = NAMED_RUNNER.format(name=info.name)
    return f"{runner} {CONTACT.format(contact=info.contact)}" if info.contact else runner


def what_is_kept(info: ServiceInfo) -> str:
    if info.unmatched_days:
        return KEEPS_UNMATCHED.format(days=info.unmatched_days)
    return KEEPS_NOTHING


def personalise(reply: Reply, info: ServiceInfo) -> Reply:
    """The reply with the deployment's own first line, for the two answers that need one."""
    if reply.intent == ABOUT_INTENT:
        first = who_runs(info)
    elif reply.intent == PRIVACY_INTENT:
        first = what_is_kept(info)
    else:
        return reply
    return replace(reply, text=f"{first}\n\n{reply.text}")
