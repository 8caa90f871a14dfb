"""The local services directory as typed, read-only data (what SERVICES_FILE says, after checks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

# Opening hours are written in UK wall-clock time, whatever the machine's time zone is.
LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MINUTES_PER_DAY = 24 * 60

# Every kind a service can offer, with the words people see. The JSON Schema lists the same ids
# (a test keeps the two in step).
KINDS: dict[str, str] = {
    "needle_exchange": "needle exchange",
    "naloxone": "free naloxone kits",
    "hepc_testing": "hep C testing",
    "hepc_treatment": "hep C treatment",
    "bbv_testing": "HIV and hep B testing",
    "drug_service": "drug and alcohol support",
    "alcohol_service": "alcohol support",
    "pharmacy": "pharmacy",
    "supervised_consumption": "supervised methadone or buprenorphine",
    "housing": "housing help",
    "mental_health": "mental health support",
    "wound_care": "wound care",
    "drug_checking": "drug checking",
    "sexual_health": "sexual health",
    "young_people": "drug and alcohol support for under-18s",
    "pregnancy": "drug and alcohol support in pregnancy",
    "domestic_abuse": "domestic abuse support",
    "chemsex": "chemsex support",
}


@dataclass(frozen=True)
class TimeRange:
    """Open from `start` to `end`, in minutes after midnight. end <= start runs past midnight."""

    start: int
    end: int  # 1..1440; 1440 is midnight at the end of the day

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class Hours:
    days: tuple[tuple[TimeRange, ...], ...]  # seven entries, Monday first; () is closed
    closed_on: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    offers: tuple[str, ...]
    address: str
    postcode: str
    place: str
    latitude: float
    longitude: float
    phone: str | None = None
    hours: Hours | None = None
    hours_note: str = ""
    notes: str = ""
    file: str = ""
    line: int = 0

    @property
    def district(self) -> str:
        """The first half of the postcode ("LS1" of "LS1 4AP")."""
        return self.postcode.split()[0]

    def offers_any(self, kinds: tuple[str, ...]) -> bool:
        return not kinds or any(k in self.offers for k in kinds)


@dataclass(frozen=True)
class Place:
    """A name people may type (a town or a postcode district) and where it is."""

    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Directory:
    services: tuple[Service, ...]
    example: bool = False  # invented example data: every list says so
    file: str = ""
    # normalised name ("leeds", "ls1") -> place; built from the services when loading
    gazetteer: dict[str, Place] = field(default_factory=dict)

    def offering(self, kinds: tuple[str, ...]) -> list[Service]:
        return [s for s in self.services if s.offers_any(kinds)]
