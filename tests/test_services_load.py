"""The services directory is checked like the intent library: every mistake with file:line and a
hint, on real YAML files. The shipped example must load cleanly and say it is example data."""

from __future__ import annotations

import json
from pathlib import Path

from bot.services.load import load_services
from bot.services.model import KINDS, WEEKDAYS

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "services" / "example.yaml"

GOOD = """\
version: 1
services:
  - id: hub_leeds
    name: Leeds Hub
    offers: [needle_exchange, naloxone]
    address: 1 Some Street, Leeds
    postcode: ls1 4ap
    place: Leeds
    latitude: 53.7997
    longitude: -1.5492
    phone: "0113  496 0000"
    hours:
      monday: 09:00-17:00
      tuesday: [09:00-12:30, 13:30-17:00]
      wednesday: 20:00-02:00
      thursday: closed
      friday: 09:00-17:00
      saturday: closed
      sunday: closed
    closed_on: [2025-12-25]
    hours_note: Closed on bank holidays.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "services.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    """Each problem as 'line: message (hint)', the file checked separately."""
    result = load_services(path)
    assert all(p.file == str(path) for p in result.problems)
    return [f"{p.line}: {p.message}" + (f" ({p.hint})" if p.hint else "") for p in result.problems]


def test_a_good_file_loads_into_typed_services(tmp_path: Path) -> None:
    result = load_services(write(tmp_path, GOOD))
    assert result.ok and result.problems == []
    assert result.directory is not None
    service = result.directory.services[0]
    assert service.postcode == "LS1 4AP" and service.district == "LS1"
    assert service.phone == "0113 496 0000"
    assert service.hours is not None and len(service.hours.days) == 7
    assert service.hours.days[3] == ()
    assert set(result.directory.gazetteer) == {"leeds", "ls1"}
    assert not result.directory.example


def test_schema_mistakes_point_at_their_lines(tmp_path: Path) -> None:
    text = (
        GOOD.replace("[needle_exchange, naloxone]", "[needle_exchnage, naloxone]")
        .replace("postcode: ls1 4ap", "postcode: LS1")
        .replace("latitude: 53.7997", "latitude: -1.5492")
        .replace('phone: "0113  496 0000"', "phone: ring us")
        .replace("      sunday: closed\n", "")
        .replace("wednesday: 20:00-02:00", "wednesday: {open: 9}")
        .replace("closed_on: [2025-12-25]", "closed_on: [25/12/2025]")
        .replace("    hours_note:", "    hours_notes:")
    )
    assert messages(write(tmp_path, text)) == [
        "5: 'needle_exchnage' is not a kind of service (did you mean 'needle_exchange'?)",
        "7: 'LS1' is not a full UK postcode (write the whole postcode, like LS1 4AP)",
        "9: latitude -1.5492 is outside the UK (check latitude and longitude are not swapped: "
        "Leeds is latitude 53.80, longitude -1.55 (west of Greenwich is negative))",
        "11: 'ring us' is not a phone number (digits and spaces only, like 0113 496 0000)",
        "13: sunday is missing in hub_leeds, hours (give every day of the week; write closed for "
        "a day it is shut)",
        "15: the hours for wednesday are not readable (write closed, one time range like "
        "09:00-17:30, or a list of them)",
        "19: '25/12/2025' is not a date (write it as YYYY-MM-DD)",
        "20: unknown key 'hours_notes' in hub_leeds (did you mean 'hours_note'?)",
    ]


def test_missing_fields_and_a_broken_file(tmp_path: Path) -> None:
    assert messages(write(tmp_path, GOOD.replace("    place: Leeds\n", ""))) == [
        "3: 'place' is missing in hub_leeds (add it (see README))"
    ]
    # The parser's own words differ between libyaml and pure-Python PyYAML; the line and our
    # hint do not.
    (broken,) = messages(write(tmp_path, GOOD.replace("    name: Leeds Hub", "  name: Leeds Hub")))
    assert broken.startswith("4: YAML syntax error: ")
    assert broken.endswith(
        "(check the indentation (spaces, not tabs) and put quotes around text that contains a "
        "colon ':' or starts with a symbol)"
    )
    assert load_services(tmp_path / "missing.yaml").directory is None


def test_hours_and_ids_are_checked_after_the_schema(tmp_path: Path) -> None:
    second = GOOD.split("services:\n")[1]  # the same service again, from line 22
    text = (
        GOOD.replace("monday: 09:00-17:00", "monday: 9-5")
        .replace("tuesday: [09:00-12:30, 13:30-17:00]", "tuesday: [09:00-13:00, 12:30-17:00]")
        .replace("friday: 09:00-17:00", "friday: [09:00-17:00, 25:00-26:00]")
        + second
    )
    path = write(tmp_path, text)
    hint = " (write times like 09:00-17:30 (24-hour clock, UK time))"
    assert messages(path) == [
        "13: monday: '9-5' is not a time range" + hint,
        "14: tuesday: two of the time ranges overlap" + hint,
        "17: friday: '25:00-26:00' has a time that does not exist" + hint,
        f"22: the id 'hub_leeds' is used twice (it is also at {path}:3)",
    ]
    assert load_services(path).directory is None


def test_a_date_that_does_not_exist_is_found_by_line(tmp_path: Path) -> None:
    text = GOOD.replace("closed_on: [2025-12-25]", "closed_on: [2025-12-25, 2025-02-30]")
    assert messages(write(tmp_path, text)) == ["20: '2025-02-30' is not a real date"]


def test_example_data_must_look_made_up(tmp_path: Path) -> None:
    example = GOOD.replace("version: 1\n", "version: 1\nexample_data: true\n")
    assert messages(write(tmp_path, example)) == [
        "5: example data needs an obviously made-up name (put 'Example' in the name, "
        "like 'Example Pharmacy')",
        "12: example data must not carry a real phone number (use Ofcom's drama range "
        "01632 960000 to 960999, or leave it out)",
    ]
    fixed = example.replace("Leeds Hub", "Example Hub").replace("0113  496 0000", "01632 960123")
    assert load_services(write(tmp_path, fixed)).ok


def test_real_data_that_looks_made_up_is_a_warning(tmp_path: Path) -> None:
    text = GOOD.replace("Leeds Hub", "Example Hub").replace("0113  496 0000", "01632 960123")
    result = load_services(write(tmp_path, text))
    assert result.ok  # warnings do not stop the bot
    assert [(p.line, p.severity) for p in result.problems] == [(4, "warning"), (11, "warning")]


def test_a_place_or_district_spread_too_wide_is_a_warning(tmp_path: Path) -> None:
    york = (
        GOOD.split("services:\n")[1]
        .replace("hub_leeds", "hub_york")
        .replace("53.7997", "53.9600")
        .replace("-1.5492", "-1.0873")
    )
    result = load_services(write(tmp_path, GOOD + york))
    assert result.ok
    found = [(p.line, p.severity, p.message) for p in result.problems]
    assert found == [
        (
            22,
            "warning",
            "'hub_york' is 22 miles from 'hub_leeds' but has the same postcode district",
        ),
    ]


def test_the_shipped_example_is_clean_and_marked_as_example() -> None:
    result = load_services(EXAMPLE)
    assert result.ok and result.problems == []
    assert result.directory is not None and result.directory.example
    assert "EXAMPLE DATA" in EXAMPLE.read_text(encoding="utf-8")
    for service in result.directory.services:
        assert "Example" in service.name
        assert service.phone is None or service.phone.replace(" ", "").startswith("01632960")


def test_the_schema_and_the_code_know_the_same_kinds_and_days() -> None:
    schema = json.loads(
        (REPO / "bot" / "core" / "schemas" / "services.schema.json").read_text("utf-8")
    )
    assert schema["$defs"]["kind"]["enum"] == list(KINDS)
    assert schema["$defs"]["service"]["properties"]["hours"]["required"] == list(WEEKDAYS)
