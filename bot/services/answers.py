"""Local services under "where do I go" answers, and the nearest ones to a place or location.

Pure: no Telegram, no I/O except loading the file. The Telegram adapter and the tests use these
functions, and `hrbot chat` can too (local_services_text takes a Reply, not a Telegram update).
A location passed in here is used for one answer and is never kept, logged or put in an error.

Which answers list which services: an intent's `local_services: [kind, ...]` in intents/*.yaml
wins; otherwise DEFAULT_KINDS below, so a new directory works with no edits to the answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..core.decide import Action
from ..core.library import SAFETY_INTENTS, Library, Problem
from ..core.responder import Reply
from ..core.validate import did_you_mean
from .geo import Point, nearest, place_in, place_only, point_of
from .hours import status_text
from .load import ServicesResult, load_services
from .model import KINDS, Directory, Service

DEFAULT_KINDS: dict[str, tuple[str, ...]] = {
    "naloxone_get": ("naloxone",),
    "needle_exchange_where": ("needle_exchange",),
    "equipment_disposal": ("needle_exchange",),  # exchanges take used kit back and give bins
    "hepc_testing": ("hepc_testing",),
    "hepc_treatment": ("hepc_treatment",),
    "bbv_hiv_hepb": ("bbv_testing",),
    "treatment_recovery": ("drug_service",),
    "housing_support": ("housing",),
    "wound_care": ("wound_care",),
    "drug_checking": ("drug_checking",),
    "alcohol_withdrawal": ("alcohol_service", "drug_service"),
    "opioid_withdrawal": ("drug_service",),
    "tolerance_loss": ("naloxone", "drug_service"),
    "methadone_buprenorphine": ("drug_service", "supervised_consumption"),
    "pregnancy": ("pregnancy", "drug_service"),
    "young_people": ("young_people",),
    "domestic_abuse": ("domestic_abuse",),
    "chemsex": ("chemsex", "sexual_health"),
}
NEAREST = 3
FAR_MILES = 30.0  # the nearest service is further than this: say the list does not cover it
PRIVACY_LINE = "I only use your location for this answer. I don't keep it."
EXAMPLE_LINE = "These are EXAMPLE services made up for testing. They are not real places."


# ---------------------------------------------------------------------- which kinds
def kinds_for(intent_id: str | None, library: Library | None = None) -> tuple[str, ...]:
    """The service kinds to list under an answer (none for the safety answers, ever)."""
    if intent_id is None or intent_id in SAFETY_INTENTS:
        return ()
    intent = library.intents.get(intent_id) if library else None
    if intent is not None and intent.local_services:
        return tuple(k for k in intent.local_services if k in KINDS)
    return DEFAULT_KINDS.get(intent_id, ())


def kinds_on_offer(
    reply: Reply, directory: Directory | None, library: Library | None = None
) -> tuple[str, ...]:
    """Kinds worth listing under this reply: some service in the directory offers them."""
    if directory is None or reply.action is not Action.ANSWER:
        return ()
    kinds = kinds_for(reply.intent, library)
    return kinds if kinds and directory.offering(kinds) else ()


# ---------------------------------------------------------------------- text
def _miles(miles: float) -> str:
    if miles < 0.1:
        return "under 0.1 miles"
    if miles >= 10:
        return f"{miles:.0f} miles"
    text = f"{miles:.1f}"
    return "1 mile" if text == "1.0" else f"{text} miles"


def _label(kinds: tuple[str, ...]) -> str:
    return " or ".join(KINDS[k] for k in kinds) if kinds else "support"


def _block(service: Service, now: dt.datetime, miles: float | None, number: int) -> str:
    head = f"{number}. {service.name}" + (f", {_miles(miles)}" if miles is not None else "")
    lines = [head, f"{service.address}, {service.postcode}"]
    if service.phone:
        lines.append(f"Phone {service.phone}")
    lines.append(status_text(service.hours, now))
    lines += [text for text in (service.hours_note, service.notes) if text]
    lines.append("Offers: " + ", ".join(KINDS[k] for k in service.offers))
    return "\n".join(lines)


def _places(services: list[Service] | tuple[Service, ...]) -> str:
    places = sorted({s.place for s in services})
    return places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.now(dt.UTC)


def nearest_text(
    directory: Directory, near: Point, kinds: tuple[str, ...] = (), now: dt.datetime | None = None
) -> str:
    """The nearest 3 services offering any of `kinds` (all kinds if empty), with distances
    and whether each is open now."""
    moment = _now(now)
    # A typed place is measured from the middle of the directory's services there.
    where = f"{near.label} (miles from the middle of {near.label})" if near.label else "you"
    parts = [EXAMPLE_LINE] if directory.example else []
    offering = directory.offering(kinds)
    if not offering:
        parts.append(
            f"I don't know a local service for {_label(kinds)} yet. "
            "These are the nearest services I know:"
        )
        offering, kinds = list(directory.services), ()
    elif kinds:
        parts.append(f"The nearest places for {_label(kinds)} to {where}:")
    else:
        parts.append(f"The nearest services to {where}:")
    found = nearest(offering, near, NEAREST)
    parts += [_block(s, moment, miles, n) for n, (s, miles) in enumerate(found, 1)]
    if found and found[0][1] > FAR_MILES:
        parts.append(
            f"My list only covers {_places(offering)}, so these may be too far. "
            "The national services in my other answers can help wherever you are."
        )
    parts.append("Opening times can change, so ring first if you can.")
    if near.label is None:
        parts.append(PRIVACY_LINE)
    return "\n\n".join(parts)


def _ask_where(directory: Directory) -> str:
    district = directory.services[0].district
    return (
        f"To see the nearest, share your location, or type your town or the first part of "
        f"your postcode (like {district}). {PRIVACY_LINE}"
    )


def local_services_text(
    reply: Reply,
    directory: Directory | None,
    near: Point | None = None,
    *,
    library: Library | None = None,
    text: str = "",
    now: dt.datetime | None = None,
) -> str:
    """Extra text to send under `reply`: '' when there is nothing local to add (no directory,
    a safety answer, an answer that is not about where to go, nothing in the directory).

    `near` is a location to measure from; failing that, a place named in `text` (the person's
    message, e.g. "needle exchange in leeds") is used if the directory knows it.
    """
    kinds = kinds_on_offer(reply, directory, library)
    if directory is None or not kinds:
        return ""
    if near is None and text:
        place = place_in(text, directory.gazetteer)
        near = point_of(place) if place else None
    if near is not None:
        return nearest_text(directory, near, kinds, now)
    moment = _now(now)
    offering = directory.offering(kinds)
    parts = [EXAMPLE_LINE] if directory.example else []
    if len(offering) <= NEAREST:
        parts.append(f"Local places for {_label(kinds)}:")
        parts += [_block(s, moment, None, n) for n, s in enumerate(offering, 1)]
    else:
        parts.append(
            f"I know {len(offering)} local places for {_label(kinds)} in {_places(offering)}."
        )
    parts.append(_ask_where(directory))
    return "\n\n".join(parts)


def place_answer(
    text: str,
    directory: Directory | None,
    last_intent: str | None = None,
    *,
    library: Library | None = None,
    now: dt.datetime | None = None,
) -> str | None:
    """The nearest services when a message is only a place the directory knows ("LS1",
    "Leeds"); None when it is not, so the message goes to the responder as usual."""
    if directory is None:
        return None
    place = place_only(text, directory.gazetteer)
    if place is None:
        return None
    return nearest_text(directory, point_of(place), kinds_for(last_intent, library), now)


def location_answer(
    latitude: float,
    longitude: float,
    directory: Directory,
    last_intent: str | None = None,
    *,
    library: Library | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The nearest services to a shared location, for the kinds of the last answer (or all)."""
    near = Point(latitude, longitude)
    return nearest_text(directory, near, kinds_for(last_intent, library), now)


# ---------------------------------------------------------------------- checking
@dataclass(frozen=True)
class ServicesCheck:
    problems: list[Problem]
    summary: str | None  # one line for `hrbot check`; None when no directory was checked

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _intent_kind_problems(library: Library) -> list[Problem]:
    problems = []
    for intent in library.intents.values():
        for kind in intent.local_services:
            if kind not in KINDS:
                problems.append(
                    Problem(
                        intent.file,
                        intent.line,
                        f"'{kind}' in local_services of '{intent.id}' is not a kind of service",
                        did_you_mean(kind, KINDS) or f"use one of: {', '.join(KINDS)}",
                    )
                )
    return problems


def check_services(path: Path | None, library: Library | None) -> ServicesCheck:
    """What `hrbot check` reports about local services: the intents' kinds of service, and the
    services file at `path` (SERVICES_FILE, or --services) if there is one."""
    problems = _intent_kind_problems(library) if library else []
    if path is None:
        return ServicesCheck(problems, None)
    result = load_services(path)
    problems += result.problems
    if result.directory is None:
        errors = len([p for p in result.problems if p.severity == "error"])
        return ServicesCheck(problems, f"{errors} error(s) in the local services file {path}")
    example = " (EXAMPLE DATA)" if result.directory.example else ""
    return ServicesCheck(
        problems,
        f"OK: {len(result.directory.services)} local services, "
        f"{len(result.directory.gazetteer)} places in {path}{example}",
    )


def load_configured(path: Path | None) -> ServicesResult | None:
    """The directory for SERVICES_FILE, or None when no file is configured."""
    return None if path is None else load_services(path)
