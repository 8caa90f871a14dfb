"""Opening hours: read "09:00-17:30" and work out "open now" in UK time, clock changes included.

Every opening is turned into a pair of real instants (UTC) before comparing, so a night that is
an hour shorter or longer when the clocks change comes out right.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from .model import LONDON, MINUTES_PER_DAY, Hours, TimeRange

CLOSED = "closed"
_RANGE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")
LOOK_AHEAD_DAYS = 8
ALWAYS_OPEN = dt.timedelta(days=6)


def parse_range(text: str) -> tuple[TimeRange | None, str]:
    """'09:00-17:30' -> TimeRange, or (None, what is wrong)."""
    found = _RANGE.match(text)
    if not found:
        return None, f"'{text}' is not a time range"
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        return None, f"'{text}' has a time that does not exist"
    start, end = h1 * 60 + m1, (h2 * 60 + m2) or MINUTES_PER_DAY  # 22:00-00:00 ends at midnight
    if start == end:
        return None, f"'{text}' opens and closes at the same time"
    return TimeRange(start, end), ""


def parse_day(value: str | list[str]) -> tuple[tuple[TimeRange, ...], list[tuple[int, str]]]:
    """One weekday's hours. Problems come as (index in the list, or -1 for the value, message)."""
    if isinstance(value, str) and value.strip().lower() == CLOSED:
        return (), []
    items = [value] if isinstance(value, str) else value
    ranges: list[TimeRange] = []
    problems: list[tuple[int, str]] = []
    for index, item in enumerate(items):
        where = -1 if isinstance(value, str) else index
        if item.strip().lower() == CLOSED:
            problems.append((where, "'closed' cannot be mixed with opening times"))
            continue
        found, message = parse_range(item)
        if found is None:
            problems.append((where, message))
        else:
            ranges.append(found)
    ordered = sorted(ranges, key=lambda r: r.start)
    for before, after in itertools.pairwise(ordered):
        if before.overnight or after.start < before.end:
            problems.append((-1, "two of the time ranges overlap"))
            break
    return tuple(ordered), problems


# ---------------------------------------------------------------------- open now
def _instant(day: dt.date, minutes: int) -> dt.datetime:
    """UK wall-clock time on `day` as a UTC instant (minutes may be 1440: next midnight)."""
    day += dt.timedelta(days=minutes // MINUTES_PER_DAY)
    minutes %= MINUTES_PER_DAY
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=LONDON)
    return local.astimezone(dt.UTC)


def openings(hours: Hours, around: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """Opening periods as UTC instants from the day before `around` for a week, merged where
    one runs into the next (Monday 00:00-24:00 and Tuesday 00:00-... are one period)."""
    periods: list[tuple[dt.datetime, dt.datetime]] = []
    for offset in range(-1, LOOK_AHEAD_DAYS):
        day = around + dt.timedelta(days=offset)
        if day in hours.closed_on:
            continue
        for r in hours.days[day.weekday()]:
            end = r.end + (MINUTES_PER_DAY if r.overnight else 0)
            periods.append((_instant(day, r.start), _instant(day, end)))
    periods.sort()
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for opens, closes in periods:
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    change: dt.datetime | None  # UK time it closes (if open) or next opens (if closed)
    always: bool = False  # open all week round


def open_state(hours: Hours, now: dt.datetime) -> OpenState:
    """Whether a service is open at `now` (an aware datetime) and when that changes."""
    instant = now.astimezone(dt.UTC)
    for start, end in openings(hours, instant.astimezone(LONDON).date()):
        if start <= instant < end:
            return OpenState(True, end.astimezone(LONDON), end - instant > ALWAYS_OPEN)
        if start > instant:
            return OpenState(False, start.astimezone(LONDON))
    return OpenState(False, None)


def clock(moment: dt.datetime) -> str:
    """UK style: 9am, 5:30pm, midday, midnight."""
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def _when(moment: dt.datetime, now: dt.datetime) -> str:
    days = (moment.date() - now.astimezone(LONDON).date()).days
    if days == 0:
        return f"at {clock(moment)}"
    if days == 1:
        return f"tomorrow at {clock(moment)}"
    return f"on {moment.strftime('%A')} at {clock(moment)}"


def status_text(hours: Hours | None, now: dt.datetime) -> str:
    """'Open now, closes at 5:30pm.' / 'Closed now, opens tomorrow at 9am.'"""
    if hours is None:
        return "Opening times not listed: check before you go."
    state = open_state(hours, now)
    if state.always:
        return "Open now, 24 hours."
    if state.is_open and state.change is not None:
        # Closing in the small hours after an evening session reads better without "tomorrow".
        soon = state.change.astimezone(dt.UTC) - now.astimezone(dt.UTC) < dt.timedelta(hours=12)
        when = f"at {clock(state.change)}" if soon else _when(state.change, now)
        return f"Open now, closes {when}."
    if state.change is None:
        return "Closed now."
    return f"Closed now, opens {_when(state.change, now)}."
