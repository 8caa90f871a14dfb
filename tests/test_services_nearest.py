"""Nearest services with real UK city-centre coordinates, the places people type, and the text
added under "where do I go" answers (none without a directory: the national answer stands)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.core.library import Library
from bot.core.responder import Responder
from bot.services.answers import (
    DEFAULT_KINDS,
    PRIVACY_LINE,
    kinds_for,
    local_services_text,
    location_answer,
    nearest_text,
    place_answer,
)
from bot.services.geo import Point, miles_between, nearest, place_in, place_only
from bot.services.load import load_services
from bot.services.model import KINDS, Directory

# City centres (latitude, longitude).
CITIES = {
    "Leeds": (53.7997, -1.5492, "LS1 1AA"),
    "Bradford": (53.7950, -1.7594, "BD1 1AA"),
    "York": (53.9600, -1.0873, "YO1 1AA"),
    "Sheffield": (53.3811, -1.4701, "S1 1AA"),
    "Manchester": (53.4808, -2.2426, "M1 1AA"),
    "Birmingham": (52.4862, -1.8904, "B1 1AA"),
    "London": (51.5074, -0.1278, "EC1A 1AA"),
}
OFFERS = {"York": "[hepc_testing]", "Bradford": "[needle_exchange, housing]"}
# Monday 2 June 2025, 10:00 UK time: everything below is open Monday to Friday 9 to 5.
MONDAY_10AM = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


def directory_yaml(example: bool = False) -> str:
    lines = ["version: 1"] + (["example_data: true"] if example else []) + ["services:"]
    for number, (city, (lat, lon, postcode)) in enumerate(CITIES.items(), 1):
        lines += [
            f"  - id: service_{city.lower()}",
            f"    name: Example {city} Service",
            f"    offers: {OFFERS.get(city, '[needle_exchange, naloxone, drug_service]')}",
            f"    address: {number} Example Street",
            f"    postcode: {postcode}",
            f"    place: {city}",
            f"    latitude: {lat}",
            f"    longitude: {lon}",
            f'    phone: "01632 960{number:03d}"',
            "    hours:",
            *[
                f"      {d}: 09:00-17:00"
                for d in ("monday", "tuesday", "wednesday", "thursday", "friday")
            ],
            "      saturday: closed",
            "      sunday: closed",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Directory:
    path = tmp_path_factory.mktemp("services") / "services.yaml"
    path.write_text(directory_yaml(), encoding="utf-8")
    result = load_services(path)
    assert result.ok, result.problems
    assert result.directory is not None
    return result.directory


def point(city: str) -> Point:
    lat, lon, _ = CITIES[city]
    return Point(lat, lon)


# ---------------------------------------------------------------------- distances
def test_haversine_matches_known_distances() -> None:
    # London to Manchester is about 163 miles as the crow flies; Leeds to Bradford about 9.
    assert miles_between(*CITIES["London"][:2], *CITIES["Manchester"][:2]) == pytest.approx(
        163, abs=2
    )
    assert miles_between(*CITIES["Leeds"][:2], *CITIES["Bradford"][:2]) == pytest.approx(
        8.6, abs=0.3
    )
    assert miles_between(53.0, -1.0, 53.0, -1.0) == 0.0


def test_nearest_three_in_order(directory: Directory) -> None:
    found = nearest(directory.services, point("Leeds"))
    assert [(s.place, round(m)) for s, m in found] == [("Leeds", 0), ("Bradford", 9), ("York", 22)]
    found = nearest(directory.services, point("Manchester"))
    assert [s.place for s, _ in found] == ["Manchester", "Bradford", "Sheffield"]
    found = nearest(directory.services, Point(51.75, -1.26))  # Oxford: no service there
    assert [s.place for s, _ in found] == ["London", "Birmingham", "Sheffield"]


def test_nearest_only_counts_services_that_offer_the_kind(directory: Directory) -> None:
    offering = directory.offering(("naloxone",))
    assert [s.place for s, _ in nearest(offering, point("Leeds"))] == [
        "Leeds",
        "Sheffield",
        "Manchester",
    ]
    assert [s.place for s in directory.offering(("hepc_testing",))] == ["York"]


# ---------------------------------------------------------------------- places typed
def test_a_message_that_is_only_a_place(directory: Directory) -> None:
    gazetteer = directory.gazetteer
    for text in (
        "LS1",
        "ls1",
        "LS1 1AA",
        "ls11aa",
        "Leeds",
        "im in leeds",
        "near LS1 please",
        "Leeds city centre",
    ):
        place = place_only(text, gazetteer)
        assert place is not None and place.name in ("Leeds", "LS1"), text
    assert place_only("EC1A 1AA", gazetteer) is not None
    for text in (
        "LS6",
        "Oxford",
        "leeds united score",
        "",
        "where is the needle exchange",
        "he is not breathing in leeds",
    ):
        assert place_only(text, gazetteer) is None, text


def test_a_place_inside_a_longer_message(directory: Directory) -> None:
    gazetteer = directory.gazetteer
    found = place_in("is there a needle exchange in Leeds", gazetteer)
    assert found is not None and found.name == "Leeds"
    found = place_in("naloxone near bd1 pls", gazetteer)
    assert found is not None and found.name == "BD1"
    assert place_in("i was reading about leeds", gazetteer) is None  # no "in"/"near" before it
    assert place_in("where can i get naloxone", gazetteer) is None


# ---------------------------------------------------------------------- text
def test_no_directory_means_the_national_answer_alone(
    library: Library, responder: Responder
) -> None:
    reply = responder.answer("needle_exchange_where")
    assert local_services_text(reply, None, library=library) == ""
    assert local_services_text(reply, None, point("Leeds"), library=library) == ""
    assert place_answer("LS1", None) is None


def test_safety_and_unrelated_answers_get_nothing(
    directory: Directory, library: Library, responder: Responder
) -> None:
    for intent in ("overdose_emergency", "crisis_support", "greeting", "naloxone_use"):
        reply = responder.answer(intent)
        assert local_services_text(reply, directory, point("Leeds"), library=library) == ""
    assert kinds_for("overdose_emergency") == ()
    assert local_services_text(responder.reply("asdfgh qwerty"), directory) == ""


def test_where_to_go_answers_list_the_nearest_with_distance_and_hours(
    directory: Directory, library: Library, responder: Responder
) -> None:
    reply = responder.answer("needle_exchange_where")
    text = local_services_text(reply, directory, point("Leeds"), library=library, now=MONDAY_10AM)
    assert text.startswith("The nearest places for needle exchange to you:")
    assert (
        text.index("Example Leeds Service")
        < text.index("Example Bradford Service")
        < (text.index("Example Sheffield Service"))
    )
    assert "York" not in text  # York offers hep C testing only
    assert "1. Example Leeds Service, under 0.1 miles" in text
    assert "2. Example Bradford Service, 8.6 miles" in text
    assert "Open now, closes at 5pm." in text
    assert "Phone 01632 960001" in text
    assert text.endswith(PRIVACY_LINE)


def test_a_place_in_the_message_orders_the_list(
    directory: Directory, library: Library, responder: Responder
) -> None:
    reply = responder.answer("naloxone_get")
    text = local_services_text(
        reply, directory, library=library, text="naloxone in sheffield", now=MONDAY_10AM
    )
    assert "The nearest places for free naloxone kits to Sheffield" in text
    assert text.index("Example Sheffield Service") < text.index("Example Manchester Service")
    assert PRIVACY_LINE not in text  # nothing was shared


def test_without_a_location_it_says_where_it_knows_and_asks(
    directory: Directory, library: Library, responder: Responder
) -> None:
    reply = responder.answer("naloxone_get")
    text = local_services_text(reply, directory, library=library, now=MONDAY_10AM)
    assert text.startswith(
        "I know 5 local places for free naloxone kits in Birmingham, Leeds, "
        "London, Manchester and Sheffield."
    )
    assert "share your location" in text
    few = local_services_text(
        responder.answer("hepc_testing"), directory, library=library, now=MONDAY_10AM
    )
    assert few.startswith("Local places for hep C testing:\n\n1. Example York Service\n")


def test_an_intent_can_name_its_own_kinds(directory: Directory, library: Library) -> None:
    naloxone_get = library.intents["naloxone_get"]
    changed = dataclasses.replace(naloxone_get, local_services=("housing",))
    custom = dataclasses.replace(library, intents={**library.intents, "naloxone_get": changed})
    assert kinds_for("naloxone_get", custom) == ("housing",)
    reply = Responder(custom).answer("naloxone_get")
    text = local_services_text(reply, directory, point("Leeds"), library=custom, now=MONDAY_10AM)
    assert text.startswith("The nearest places for housing help to you:")
    assert "1. Example Bradford Service" in text


def test_every_default_kind_is_known_and_every_intent_exists(library: Library) -> None:
    for intent, kinds in DEFAULT_KINDS.items():
        assert intent in library.intents
        assert all(k in KINDS for k in kinds)


def test_a_location_or_place_with_no_matching_kind_lists_any_service(
    directory: Directory,
) -> None:
    text = location_answer(*CITIES["York"][:2], directory, "housing_support", now=MONDAY_10AM)
    assert text.startswith("The nearest places for housing help to you:\n\n1. Example Bradford")
    text = location_answer(*CITIES["York"][:2], directory, None, now=MONDAY_10AM)
    assert text.startswith("The nearest services to you:\n\n1. Example York Service, under 0.1")
    text = place_answer("YO1", directory, "wound_care", now=MONDAY_10AM)
    assert text is not None
    assert text.startswith("I don't know a local service for wound care yet.")
    assert "1. Example York Service" in text


def test_far_away_says_the_list_does_not_cover_it(directory: Directory) -> None:
    glasgow = Point(55.8642, -4.2518)
    text = nearest_text(directory, glasgow, ("needle_exchange",), MONDAY_10AM)
    assert "1. Example Bradford Service, 174 miles" in text
    assert (
        "My list only covers Birmingham, Bradford, Leeds, London, Manchester and "
        "Sheffield, so these may be too far." in text
    )


def test_example_data_says_so(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(directory_yaml(example=True), encoding="utf-8")
    example = load_services(path).directory
    assert example is not None
    text = nearest_text(example, point("Leeds"), (), MONDAY_10AM)
    assert text.startswith("These are EXAMPLE services made up for testing.")
