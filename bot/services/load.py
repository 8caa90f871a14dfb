"""Load and check the local services directory (SERVICES_FILE), every problem with file:line.

Library code: never prints or exits. The directory is None if any error was found, so a broken
file is never half-used; the bot then gives the national answers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError

from ..core.library import HasProblems, Problem
from ..core.validate import describe, did_you_mean, shown_as, validate
from ..core.yamlsource import YamlDoc, read_yaml
from .geo import build_gazetteer, miles_between, tidy_postcode
from .hours import parse_day
from .model import KINDS, WEEKDAYS, Directory, Hours, Service

# Ofcom keeps these ranges for TV and radio drama: they will never reach a real person.
DRAMA_PREFIXES = ("01632960", "07700900")
PLACE_SPREAD_MILES = 25.0  # services sharing a town name further apart than this: two towns?
DISTRICT_SPREAD_MILES = 10.0  # a postcode district is never this wide: a wrong postcode?
WORLD_LIMITS = {"latitude": 90.0, "longitude": 180.0}  # degrees either side of zero


@dataclass(frozen=True)
class ServicesResult(HasProblems):
    directory: Directory | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.directory is not None and not self.errors


def _wording(doc: YamlDoc, error: ValidationError) -> Problem | None:
    """What the services file's errors mean, where the schema's own words would not say it."""
    path = tuple(error.absolute_path)
    line, last = doc.line(path), (path[-1] if path else "")
    where = describe(doc.data, path)
    v = error.validator
    if v == "enum":
        hint = did_you_mean(str(error.instance), KINDS) or f"use one of: {', '.join(KINDS)}"
        return Problem(doc.file, line, f"'{error.instance}' is not a kind of service", hint)
    if v in ("minimum", "maximum") and last in ("latitude", "longitude"):
        return Problem(
            doc.file,
            line,
            f"{last} {error.instance} is outside the UK",
            "check latitude and longitude are not swapped: Leeds is latitude 53.80, "
            "longitude -1.55 (west of Greenwich is negative)",
        )
    if v == "pattern" and last == "postcode":
        return Problem(
            doc.file,
            line,
            f"'{error.instance}' is not a full UK postcode",
            "write the whole postcode, like LS1 4AP",
        )
    if v == "pattern" and last == "phone":
        return Problem(
            doc.file,
            line,
            f"'{error.instance}' is not a phone number",
            "digits and spaces only, like 0113 496 0000",
        )
    if v == "pattern" and len(path) > 1 and path[-2] == "closed_on":
        return Problem(
            doc.file, line, f"'{error.instance}' is not a date", "write it as YYYY-MM-DD"
        )
    if v == "oneOf" and last in WEEKDAYS:
        return Problem(
            doc.file,
            line,
            f"the hours for {last} are not readable",
            "write closed, one time range like 09:00-17:30, or a list of them",
        )
    if v == "required" and last == "hours":
        return Problem(
            doc.file,
            line,
            f"{error.message.split(chr(39))[1]} is missing in {where}",
            "give every day of the week; write closed for a day it is shut",
        )
    if v == "uniqueItems":
        return Problem(doc.file, line, f"{where} lists the same thing twice", "keep one of them")
    return None


def _hours(
    doc: YamlDoc, path: tuple[str | int, ...], raw: dict[str, Any]
) -> tuple[Hours | None, list[Problem]]:
    if "hours" not in raw:
        return None, []
    days, problems = [], []
    for day in WEEKDAYS:
        ranges, found = parse_day(raw["hours"][day])
        days.append(ranges)
        for index, message in found:
            where = (*path, "hours", day) + ((index,) if index >= 0 else ())
            problems.append(
                Problem(
                    doc.file,
                    doc.line(where),
                    f"{day}: {message}",
                    "write times like 09:00-17:30 (24-hour clock, UK time)",
                )
            )
    closed: set[dt.date] = set()
    for index, text in enumerate(raw.get("closed_on", ())):
        try:
            closed.add(dt.date.fromisoformat(text))
        except ValueError:
            problems.append(
                Problem(
                    doc.file, doc.line((*path, "closed_on", index)), f"'{text}' is not a real date"
                )
            )
    return Hours(tuple(days), frozenset(closed)), problems


def _service(doc: YamlDoc, index: int, raw: dict[str, Any]) -> tuple[Service, list[Problem]]:
    path: tuple[str | int, ...] = ("services", index)
    hours, problems = _hours(doc, path, raw)
    if "closed_on" in raw and "hours" not in raw:
        problems.append(
            Problem(
                doc.file,
                doc.line((*path, "closed_on")),
                "closed_on needs hours",
                "add the opening hours too",
            )
        )
    service = Service(
        id=raw["id"],
        name=raw["name"].strip(),
        offers=tuple(raw["offers"]),
        address=raw["address"].strip(),
        postcode=tidy_postcode(raw["postcode"]),
        place=raw["place"].strip(),
        latitude=float(raw["latitude"]),
        longitude=float(raw["longitude"]),
        phone=" ".join(raw["phone"].split()) if "phone" in raw else None,
        hours=hours,
        hours_note=raw.get("hours_note", "").strip(),
        notes=raw.get("notes", "").strip(),
        file=doc.file,
        line=doc.line(path),
    )
    return service, problems


def _phone_checks(service: Service, example: bool, doc: YamlDoc, index: int) -> list[Problem]:
    if service.phone is None:
        return []
    line = doc.line(("services", index, "phone"))
    drama = service.phone.replace(" ", "").startswith(DRAMA_PREFIXES)
    if example and not drama:
        return [
            Problem(
                doc.file,
                line,
                "example data must not carry a real phone number",
                "use Ofcom's drama range 01632 960000 to 960999, or leave it out",
            )
        ]
    if not example and drama:
        return [
            Problem(
                doc.file,
                line,
                f"{service.phone} is a made-up drama number",
                "put the service's real number, or set example_data: true",
                severity="warning",
            )
        ]
    return []


def _spread(services: list[Service], key: str, limit: float, what: str) -> list[Problem]:
    groups: dict[str, list[Service]] = {}
    for s in services:
        groups.setdefault(getattr(s, key).casefold(), []).append(s)
    problems = []
    for group in groups.values():
        first = group[0]
        for other in group[1:]:
            miles = miles_between(first.latitude, first.longitude, other.latitude, other.longitude)
            if miles > limit:
                problems.append(
                    Problem(
                        other.file,
                        other.line,
                        f"'{other.id}' is {miles:.0f} miles from '{first.id}' "
                        f"but has the same {what}",
                        f"check its {what} and its latitude/longitude",
                        severity="warning",
                    )
                )
    return problems


def _cross_checks(services: list[Service], example: bool, doc: YamlDoc) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, Service] = {}
    for index, service in enumerate(services):
        if service.id in first:
            other = first[service.id]
            problems.append(
                Problem(
                    service.file,
                    service.line,
                    f"the id '{service.id}' is used twice",
                    f"it is also at {other.file}:{other.line}",
                )
            )
        first.setdefault(service.id, service)
        problems += _phone_checks(service, example, doc, index)
        looks_fake = "example" in service.name.casefold()
        if example and not looks_fake:
            problems.append(
                Problem(
                    service.file,
                    doc.line(("services", index, "name")),
                    "example data needs an obviously made-up name",
                    "put 'Example' in the name, like 'Example Pharmacy'",
                )
            )
        if not example and looks_fake:
            problems.append(
                Problem(
                    service.file,
                    doc.line(("services", index, "name")),
                    f"'{service.name}' looks like example data",
                    "replace it with a real service, or set example_data: true",
                    severity="warning",
                )
            )
    problems += _spread(services, "place", PLACE_SPREAD_MILES, "place")
    problems += _spread(services, "district", DISTRICT_SPREAD_MILES, "postcode district")
    return problems


def _coordinate_problems(doc: YamlDoc) -> dict[tuple[str | int, ...], Problem]:
    """Latitudes and longitudes that are not a place on Earth, by path. The schema cannot say
    it: `.nan` passes every minimum and maximum, and would put every service 12,437 miles away."""
    services = doc.data.get("services") if isinstance(doc.data, dict) else None
    found: dict[tuple[str | int, ...], Problem] = {}
    for index, raw in enumerate(services if isinstance(services, list) else ()):
        for key, limit in WORLD_LIMITS.items():
            value = raw.get(key) if isinstance(raw, dict) else None
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if not math.isfinite(value) or abs(value) > limit:
                path = ("services", index, key)
                found[path] = Problem(
                    doc.file,
                    doc.line(path),
                    f"{key} {value} is not a place on Earth",
                    f"write it in decimal degrees from -{limit:g} to {limit:g}: Leeds is "
                    "latitude 53.80, longitude -1.55 (west of Greenwich is negative)",
                )
    return found


def load_services(path: Path | str) -> ServicesResult:
    """Read and check one services file. The directory is None if any error was found."""
    path = Path(path)
    doc, problems = read_yaml(path, shown_as(path))
    if doc is None:
        return ServicesResult(None, problems)
    coordinates = _coordinate_problems(doc)
    # A coordinate is said once, by the clearer check.
    errors = validate(doc, "services", _wording, skip=coordinates)
    if errors or coordinates:
        found = [*coordinates.values(), *errors]
        return ServicesResult(None, problems + sorted(found, key=lambda p: p.line))
    example = bool(doc.data.get("example_data", False))
    services: list[Service] = []
    for index, raw in enumerate(doc.data["services"]):
        service, more = _service(doc, index, raw)
        services.append(service)
        problems += more
    problems += _cross_checks(services, example, doc)
    problems.sort(key=lambda p: p.line)  # one file: read top to bottom
    if any(p.severity == "error" for p in problems):
        return ServicesResult(None, problems)
    ordered = tuple(services)
    return ServicesResult(Directory(ordered, example, doc.file, build_gazetteer(ordered)), problems)
