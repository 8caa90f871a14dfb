"""Opening hours in UK time: ranges past midnight, closed days and dates, and the clock changes
(clocks go forward on the last Sunday of March and back on the last Sunday of October)."""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.services.hours import clock, open_state, openings, parse_day, parse_range, status_text
from bot.services.model import LONDON, Hours, TimeRange

UTC = dt.UTC


def week(**days: str | list[str]) -> Hours:
    """Hours from weekday=value keywords; a day not given is closed."""
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    parsed = []
    for name in names:
        ranges, problems = parse_day(days.get(name, "closed"))
        assert problems == []
        parsed.append(ranges)
    return Hours(tuple(parsed))


def uk(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


# ---------------------------------------------------------------------- reading
def test_a_range_is_read_in_minutes_and_midnight_ends_the_day() -> None:
    assert parse_range("09:00-17:30") == (TimeRange(540, 1050), "")
    assert parse_range("9.00 - 17.30") == (TimeRange(540, 1050), "")
    assert parse_range("22:00-00:00") == (TimeRange(1320, 1440), "")
    assert parse_range("00:00-24:00") == (TimeRange(0, 1440), "")
    night = parse_range("20:00-02:00")[0]
    assert night is not None and night.overnight


def test_unreadable_ranges_say_what_is_wrong() -> None:
    assert parse_range("9-5") == (None, "'9-5' is not a time range")
    assert parse_range("25:00-26:00") == (None, "'25:00-26:00' has a time that does not exist")
    assert parse_range("24:30-01:00")[0] is None
    assert parse_range("10:00-10:00") == (None, "'10:00-10:00' opens and closes at the same time")


def test_a_day_is_closed_one_range_or_several_and_overlaps_are_caught() -> None:
    assert parse_day("closed") == ((), [])
    assert parse_day("Closed") == ((), [])
    ranges, problems = parse_day(["13:30-17:00", "09:00-12:30"])
    assert ranges == (TimeRange(540, 750), TimeRange(810, 1020)) and problems == []
    assert parse_day(["09:00-13:00", "12:00-17:00"])[1] == [(-1, "two of the time ranges overlap")]
    assert parse_day(["20:00-02:00", "21:00-22:00"])[1] == [(-1, "two of the time ranges overlap")]
    assert parse_day(["09:00-12:00", "noon-5"])[1] == [(1, "'noon-5' is not a time range")]
    assert parse_day(["closed", "09:00-12:00"])[1][0][0] == 0


def test_clock_reads_the_way_people_in_the_uk_say_it() -> None:
    assert clock(uk(2025, 6, 2, 9)) == "9am"
    assert clock(uk(2025, 6, 2, 17, 30)) == "5:30pm"
    assert clock(uk(2025, 6, 2, 12)) == "midday"
    assert clock(uk(2025, 6, 2, 0)) == "midnight"
    assert clock(uk(2025, 6, 2, 0, 30)) == "12:30am"


# ---------------------------------------------------------------------- open now
def test_an_ordinary_day() -> None:
    hours = week(monday="09:00-17:30", tuesday="09:00-17:30")
    monday = uk(2025, 6, 2, 12)  # 2 June 2025 was a Monday
    assert status_text(hours, monday) == "Open now, closes at 5:30pm."
    assert status_text(hours, uk(2025, 6, 2, 8, 15)) == "Closed now, opens at 9am."
    assert status_text(hours, uk(2025, 6, 2, 18)) == "Closed now, opens tomorrow at 9am."
    assert status_text(hours, uk(2025, 6, 3, 17, 30)) == "Closed now, opens on Monday at 9am."


def test_hours_past_midnight_belong_to_the_day_they_start() -> None:
    hours = week(friday="20:00-02:00", saturday="20:00-02:00")
    # Friday 28 November 2025 and the small hours of Saturday (winter: UK time is UTC).
    assert status_text(hours, uk(2025, 11, 28, 19)) == "Closed now, opens at 8pm."
    assert status_text(hours, uk(2025, 11, 28, 23)) == "Open now, closes at 2am."
    assert status_text(hours, uk(2025, 11, 29, 1, 30)) == "Open now, closes at 2am."
    assert status_text(hours, uk(2025, 11, 29, 2)) == "Closed now, opens at 8pm."
    # Sunday's small hours still belong to Saturday night; Sunday night is closed.
    assert status_text(hours, uk(2025, 11, 30, 1, 59)) == "Open now, closes at 2am."
    assert status_text(hours, uk(2025, 11, 30, 20)) == "Closed now, opens on Friday at 8pm."


def test_a_night_running_into_an_all_day_opening_is_one_period() -> None:
    hours = week(monday="18:00-24:00", tuesday="00:00-03:00")
    assert status_text(hours, uk(2025, 6, 2, 19)) == "Open now, closes at 3am."
    always = week(
        **{
            d: "00:00-24:00"
            for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        }
    )
    assert status_text(always, uk(2025, 6, 4, 3)) == "Open now, 24 hours."


def test_closed_days_and_closed_dates() -> None:
    weekdays = {d: "09:00-17:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    hours = week(**weekdays)
    assert status_text(hours, uk(2025, 6, 7, 11)) == "Closed now, opens on Monday at 9am."
    christmas = Hours(hours.days, frozenset({dt.date(2025, 12, 25), dt.date(2025, 12, 26)}))
    # Christmas Day 2025 is a Thursday: shut on the 25th and 26th, back on Monday the 29th.
    assert status_text(christmas, uk(2025, 12, 25, 12)) == "Closed now, opens on Monday at 9am."
    assert status_text(christmas, uk(2025, 12, 24, 12)) == "Open now, closes at 5pm."
    assert status_text(week(), uk(2025, 6, 2, 12)) == "Closed now."
    assert status_text(None, uk(2025, 6, 2, 12)) == "Opening times not listed: check before you go."


def test_spring_forward_night_is_an_hour_shorter() -> None:
    # Clocks went forward at 01:00 UTC on Sunday 30 March 2025 (01:00 GMT -> 02:00 BST).
    hours = week(saturday="22:00-03:00", sunday="09:00-17:00")
    night = openings(hours, dt.date(2025, 3, 29))
    start, end = next(p for p in night if p[0].date() == dt.date(2025, 3, 29))
    assert end - start == dt.timedelta(hours=4)
    # 01:30 UTC is 02:30 BST: still open, shutting at 03:00 BST (02:00 UTC).
    assert status_text(hours, utc(2025, 3, 30, 1, 30)) == "Open now, closes at 3am."
    # 02:30 UTC is 03:30 BST: closed. Counting in GMT would wrongly say open until 03:00.
    assert status_text(hours, utc(2025, 3, 30, 2, 30)) == "Closed now, opens at 9am."
    # 08:30 UTC is 09:30 BST on Sunday: open.
    assert status_text(hours, utc(2025, 3, 30, 8, 30)) == "Open now, closes at 5pm."
    state = open_state(hours, utc(2025, 3, 30, 8, 30))
    assert state.change == uk(2025, 3, 30, 17) and state.change.utcoffset() == dt.timedelta(hours=1)


def test_fall_back_night_is_an_hour_longer() -> None:
    # Clocks went back at 01:00 UTC on Sunday 26 October 2025 (02:00 BST -> 01:00 GMT).
    hours = week(saturday="22:00-03:00", sunday="09:00-17:00")
    night = openings(hours, dt.date(2025, 10, 25))
    start, end = next(p for p in night if p[0].date() == dt.date(2025, 10, 25))
    assert end - start == dt.timedelta(hours=6)
    assert status_text(hours, utc(2025, 10, 26, 2, 30)) == "Open now, closes at 3am."
    # 08:30 UTC is 08:30 GMT: not open yet. Counting in BST would wrongly say open.
    assert status_text(hours, utc(2025, 10, 26, 8, 30)) == "Closed now, opens at 9am."
    assert status_text(hours, utc(2025, 10, 26, 9, 30)) == "Open now, closes at 5pm."


def test_any_time_zone_can_ask() -> None:
    hours = week(monday="09:00-17:00")
    new_york = dt.timezone(dt.timedelta(hours=-4))
    # 2 June 2025 09:30 BST is 04:30 in New York time.
    assert status_text(hours, dt.datetime(2025, 6, 2, 4, 30, tzinfo=new_york)) == (
        "Open now, closes at 5pm."
    )


_ranges = st.lists(
    st.tuples(st.integers(0, 47), st.integers(1, 48)).map(
        lambda t: f"{t[0] // 2:02d}:{t[0] % 2 * 30:02d}-{t[1] // 2:02d}:{t[1] % 2 * 30:02d}"
    ),
    min_size=1,
    max_size=1,
)
_day = st.one_of(st.just("closed"), _ranges)


@settings(max_examples=200, deadline=None)
@given(
    days=st.lists(_day, min_size=7, max_size=7),
    moment=st.datetimes(
        min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 1, 1), timezones=st.just(UTC)
    ),
)
def test_the_state_flips_exactly_when_it_says(
    days: list[str | list[str]], moment: dt.datetime
) -> None:
    parsed = [parse_day(d) for d in days]
    assume(not any(problems for _, problems in parsed))  # e.g. 10:00-10:00, refused on loading
    hours = Hours(tuple(ranges for ranges, _ in parsed))
    state = open_state(hours, moment)
    assume(state.change is not None and not state.always)
    assert state.change is not None
    assert state.change > moment
    assert open_state(hours, state.change).is_open is not state.is_open
    just_before = state.change - dt.timedelta(minutes=1)
    assert open_state(hours, max(just_before, moment)).is_open is state.is_open
