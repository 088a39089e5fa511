"""Business-hours calendars: reading and checking a week of open intervals, and holidays."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.csv_format import RowError
from core.schema import WEEKDAYS

MINUTES_PER_DAY = 24 * 60
_INTERVAL = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")

Interval = tuple[int, int]  # minutes after local midnight, start < end <= 1440


@dataclass(frozen=True)
class CalendarSpec:
    """A checked calendar: zone, per weekday (Monday first) its open intervals, holidays."""

    id: str
    time_zone: str
    week: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def cells(self) -> tuple[str, ...]:
        """The seven day cells as the import format writes them."""
        return tuple(format_intervals(day) for day in self.week)


def _minute(hours: str, minutes: str, text: str) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m != 0):
        raise RowError(f"{text!r} is not a time of day (00:00 to 24:00)")
    return h * 60 + m


def parse_intervals(text: str, day: str = "day") -> tuple[Interval, ...]:
    """'09:00-12:30 13:30-18:00' as sorted (start, end) minutes; empty text: closed."""
    intervals = []
    for token in text.split():
        match = _INTERVAL.fullmatch(token)
        if match is None:
            raise RowError(f"{day}: malformed interval {token!r} (expected HH:MM-HH:MM)")
        start = _minute(match[1], match[2], token)
        end = _minute(match[3], match[4], token)
        if start >= end:
            raise RowError(f"{day}: interval {token!r} ends before it starts (a shift past "
                           "midnight is two intervals on two days)")
        if start == MINUTES_PER_DAY:
            raise RowError(f"{day}: interval {token!r} starts at 24:00")
        intervals.append((start, end))
    intervals.sort()
    for (_s1, e1), (s2, _e2) in pairwise(intervals):
        if s2 < e1:
            raise RowError(f"{day}: intervals overlap at {format_minute(s2)}")
    return tuple(intervals)


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_intervals(intervals: tuple[Interval, ...]) -> str:
    return " ".join(f"{format_minute(s)}-{format_minute(e)}" for s, e in intervals)


def check_zone(name: str) -> str:
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise RowError(f"time_zone: unknown time zone {name!r} (use an IANA name such as "
                       "Europe/Berlin)")
    if not name:
        raise RowError("time_zone is empty")
    return name


def parse_calendar(calendar_id: str, time_zone: str, cells: list[str] | tuple[str, ...],
                   holidays: frozenset[date] = frozenset()) -> CalendarSpec:
    """A calendar from its import cells; RowError names the first problem."""
    week = tuple(parse_intervals(cell, day) for cell, day in zip(cells, WEEKDAYS, strict=True))
    if not any(week):
        raise RowError("the calendar is never open (at least one open minute a week is required)")
    return CalendarSpec(calendar_id, check_zone(time_zone), week, holidays)


def calendar_problems(time_zone: str, cells: dict[str, str]) -> dict[str, str]:
    """Every problem of an edited calendar, by field (time_zone, mon..sun, week): for forms."""
    problems: dict[str, str] = {}
    try:
        check_zone(time_zone)
    except RowError as exc:
        problems["time_zone"] = str(exc)
    open_days = 0
    for day in WEEKDAYS:
        try:
            open_days += bool(parse_intervals(cells.get(day, ""), day))
        except RowError as exc:
            problems[day] = str(exc)
    if not open_days and not any(day in problems for day in WEEKDAYS):
        problems["week"] = "the calendar is never open"
    return problems


def parse_day(text: str, column: str = "date") -> date:
    try:
        if len(text.strip()) != 10:
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RowError(f"{column}: bad date {text!r} (expected YYYY-MM-DD)")
