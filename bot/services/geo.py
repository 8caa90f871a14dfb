"""Where things are: distances, the nearest services, and the places a person may type.

The gazetteer only knows the towns and postcode districts of the services in the directory, so
"LS1" or "Leeds" work when the directory has a service there, and nothing else is guessed.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from ..core.normalise import normalise
from .model import Place, Service

EARTH_RADIUS_MILES = 3958.8
# A UK postcode typed with or without its space: the district is the first half.
_POSTCODE = re.compile(r"^([a-z]{1,2}\d[a-z\d]?)(\d[a-z]{2})?$")
# Words around a place name that do not change which place is meant ("im in leeds").
FILLER = frozenset(
    {
        "i",
        "am",
        "im",
        "in",
        "near",
        "nr",
        "around",
        "at",
        "my",
        "postcode",
        "post",
        "code",
        "is",
        "its",
        "the",
        "area",
        "town",
        "city",
        "centre",
        "center",
        "me",
        "to",
        "from",
        "of",
        "by",
        "please",
        "pls",
        "uk",
    }
)
# Words that introduce a place inside a longer message ("needle exchange in leeds").
BEFORE_PLACE = frozenset({"in", "near", "nr", "around", "from", "at"})
PLACE_MAX_WORDS = 4


@dataclass(frozen=True)
class Point:
    """Where to measure from. `label` names a typed place; None is the person's own location."""

    latitude: float
    longitude: float
    label: str | None = None


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(min(1.0, a)))


def nearest(
    services: list[Service] | tuple[Service, ...], point: Point, count: int = 3
) -> list[tuple[Service, float]]:
    """The `count` services closest to `point`, closest first (ties by name, so stable)."""
    measured = [
        (s, miles_between(point.latitude, point.longitude, s.latitude, s.longitude))
        for s in services
    ]
    measured.sort(key=lambda pair: (pair[1], pair[0].name))
    return measured[:count]


def tidy_postcode(text: str) -> str:
    """'ls14ap' -> 'LS1 4AP' (the schema has already checked it looks like a postcode)."""
    compact = "".join(text.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}"


def build_gazetteer(services: tuple[Service, ...]) -> dict[str, Place]:
    """Each town and postcode district of the directory, at the middle of its services."""
    groups: dict[str, list[Service]] = defaultdict(list)
    names: dict[str, str] = {}
    for service in services:
        for name in (service.place, service.district):
            key = normalise(name)
            if key:
                groups[key].append(service)
                names.setdefault(key, name)
    return {
        key: Place(
            names[key],
            sum(s.latitude for s in group) / len(group),
            sum(s.longitude for s in group) / len(group),
        )
        for key, group in groups.items()
    }


def _district(word: str) -> str | None:
    found = _POSTCODE.match(word)
    return found.group(1) if found else None


def _lookup(words: list[str], gazetteer: dict[str, Place]) -> Place | None:
    if not words:
        return None
    phrase = " ".join(words)
    if phrase in gazetteer:
        return gazetteer[phrase]
    if len(words) == 1:
        district = _district(words[0])
        return gazetteer.get(district) if district else None
    if len(words) == 2 and _district(words[0]) and re.fullmatch(r"\d[a-z]{2}", words[1]):
        return gazetteer.get(words[0])  # a full postcode with its space: "ls1 4ap"
    return None


def place_only(text: str, gazetteer: dict[str, Place]) -> Place | None:
    """The place when a message is nothing but a place: "LS1", "Leeds", "im in leeds"."""
    words = [w for w in normalise(text).split() if w not in FILLER]
    if not words or len(words) > PLACE_MAX_WORDS:
        return None
    return _lookup(words, gazetteer)


def place_in(text: str, gazetteer: dict[str, Place]) -> Place | None:
    """A place named inside a longer message: a postcode district anywhere, or a town after
    "in", "near", "around", "from" or "at" ("needle exchange in leeds")."""
    words = normalise(text).split()
    for index, word in enumerate(words):
        district = _district(word)
        if district and district in gazetteer:
            return gazetteer[district]
        if word in BEFORE_PLACE:
            for size in range(min(PLACE_MAX_WORDS, len(words) - index - 1), 0, -1):
                found = gazetteer.get(" ".join(words[index + 1 : index + 1 + size]))
                if found:
                    return found
    return None


def point_of(place: Place) -> Point:
    return Point(place.latitude, place.longitude, place.name)
