"""core.due: running time and due instants over calendars and pauses (rules.md, SLA), by hand
and as properties checked against a day-by-day oracle."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendars import CalendarSpec, calendar_problems, parse_calendar, parse_intervals
from core.csv_format import RowError
from core.due import (
    NO_DUE_AT,
    AlwaysOpen,
    Timeline,
    due_instants,
    reach,
    running_segments,
    running_time,
)
from core.timeutil import US_PER_MINUTE, to_us

OFFICE = ("09:00-12:30 13:30-18:00",) * 5 + ("", "")


def utc(*args) -> int:
    return to_us(datetime(*args, tzinfo=UTC))


def calendar(cells, zone="Europe/Berlin", holidays=()) -> Timeline:
    return Timeline(parse_calendar("c", zone, list(cells), frozenset(holidays)))


def due(clock, created, minutes, changes=(), pauses=("waiting",)):
    segments = running_segments(created, changes, pauses)
    return reach(clock, segments, created, minutes * US_PER_MINUTE)


def sunday_only(cell: str) -> tuple[str, ...]:
    return ("",) * 6 + (cell,)


# ---------------------------------------------------------------- the edges of rules.md

@pytest.mark.parametrize("created, minutes, expected, why", [
    (utc(2024, 3, 15, 18), 60, utc(2024, 3, 18, 9), "created Friday 19:00 CET, after hours"),
    (utc(2024, 3, 18, 16), 60, utc(2024, 3, 18, 17), "ends exactly at closing, 18:00 CET"),
    (utc(2024, 3, 18, 11), 60, utc(2024, 3, 18, 13), "30 min before lunch, 30 after 13:30"),
    (utc(2024, 3, 28, 16, 30), 60, utc(2024, 4, 1, 7, 30),
     "Thursday 17:30, Good Friday closed, weekend, Monday 09:30 CEST after the spring change"),
    (utc(2024, 3, 18, 8), 0, utc(2024, 3, 18, 8), "a zero target is due at creation"),
])
def test_office_hours(created, minutes, expected, why):
    office = calendar(OFFICE, holidays=[date(2024, 3, 29)])
    assert due(office, created, minutes) == expected, why


def test_overnight_shift_is_two_intervals_on_two_days():
    night = calendar(("22:00-24:00", "00:00-06:00 22:00-24:00", "00:00-06:00 22:00-24:00",
                      "00:00-06:00 22:00-24:00", "00:00-06:00 22:00-24:00", "00:00-06:00", ""),
                     "America/New_York")
    # Monday 23:00 EDT: one hour to midnight, one hour of Tuesday's early shift.
    assert due(night, utc(2024, 3, 19, 3), 120) == utc(2024, 3, 19, 5)


@pytest.mark.parametrize("zone, created, minutes, expected", [
    # Sunday 2024-10-27, Berlin: 00:00 CEST is 22:00 UTC the day before, 12:00 CET is 11:00
    # UTC: 13 hours open. 12 hours of running time end at 10:00 UTC (11:00 CET).
    ("Europe/Berlin", utc(2024, 10, 26, 22), 720, utc(2024, 10, 27, 10)),
    # Sunday 2024-11-03, New York: 00:00 EDT = 04:00 UTC to 12:00 EST = 17:00 UTC.
    ("America/New_York", utc(2024, 11, 3, 4), 720, utc(2024, 11, 3, 16)),
])
def test_autumn_change_makes_a_longer_open_day(zone, created, minutes, expected):
    assert due(calendar(sunday_only("00:00-12:00"), zone), created, minutes) == expected


def test_a_skipped_local_time_takes_the_offset_before_the_change():
    # Berlin 2024-03-31: 02:30 does not exist; read with CET it is 01:30 UTC; 04:00 CEST is
    # 02:00 UTC: thirty minutes open.
    berlin = calendar(sunday_only("02:30-04:00"))
    assert due(berlin, utc(2024, 3, 31), 30) == utc(2024, 3, 31, 2)
    # New York 2024-03-10: 02:15 read with EST is 07:15 UTC, 03:30 EDT is 07:30 UTC.
    new_york = calendar(sunday_only("02:15-03:30"), "America/New_York")
    assert due(new_york, utc(2024, 3, 10, 5), 15) == utc(2024, 3, 10, 7, 30)


def test_a_repeated_local_time_is_its_first_occurrence():
    # Berlin 2024-10-27: 02:30 first occurs at 00:30 UTC (CEST); 04:00 CET is 03:00 UTC.
    berlin = calendar(sunday_only("02:30-04:00"))
    assert due(berlin, utc(2024, 10, 27), 30) == utc(2024, 10, 27, 1)
    assert berlin.open_between(utc(2024, 10, 27), utc(2024, 10, 28)) == 150 * US_PER_MINUTE


def test_pause_across_a_closed_night():
    office = calendar(OFFICE)
    # Monday 17:00 CET, waiting from 17:30, running again Tuesday 10:00 CET: 30 + 90 minutes.
    changes = [(utc(2024, 3, 18, 16, 30), "waiting"), (utc(2024, 3, 19, 9), "open")]
    assert due(office, utc(2024, 3, 18, 16), 120, changes) == utc(2024, 3, 19, 10, 30)


def test_pause_with_no_end_has_no_due_instant():
    changes = [(utc(2024, 3, 18, 8, 30), "waiting")]
    assert due(calendar(OFFICE), utc(2024, 3, 18, 8), 60, changes) == NO_DUE_AT
    assert due(AlwaysOpen(), utc(2024, 3, 18, 8), 60, changes) == NO_DUE_AT
    # Reached before the pause: due all the same.
    assert due(AlwaysOpen(), utc(2024, 3, 18, 8), 20, changes) == utc(2024, 3, 18, 8, 20)


def test_no_due_means_no_warn_instant_either():
    segments = running_segments(utc(2024, 3, 18, 8), [(utc(2024, 3, 18, 8, 55), "waiting")],
                                ("waiting",))
    assert due_instants(AlwaysOpen(), segments, utc(2024, 3, 18, 8), 60, 80) == (
        NO_DUE_AT, NO_DUE_AT)


def test_change_at_the_creation_instant():
    changes = [(utc(2024, 3, 18, 8), "waiting"), (utc(2024, 3, 18, 9), "open")]
    assert due(calendar(OFFICE), utc(2024, 3, 18, 8), 60, changes) == utc(2024, 3, 18, 10)


def test_without_calendar_and_pause_it_is_created_plus_minutes():
    created = utc(2024, 3, 18, 8, 7, 3)
    assert due(AlwaysOpen(), created, 1440) == created + 1440 * US_PER_MINUTE
    # A history without a pause status pauses nothing.
    assert due(AlwaysOpen(), created, 60, [(created + 5, "in_progress")]) == \
        created + 60 * US_PER_MINUTE


def test_only_configured_statuses_pause():
    changes = [(utc(2024, 3, 18, 10, 10), "in_progress"), (utc(2024, 3, 18, 11, 10), "open")]
    assert due(AlwaysOpen(), utc(2024, 3, 18, 10), 60, changes, ("in_progress",)) == \
        utc(2024, 3, 18, 12)


# ---------------------------------------------------------------- reading calendars

@pytest.mark.parametrize("text, reason", [
    ("9:00-12:00", "malformed"), ("09:00-12:60", "not a time"), ("12:00-09:00", "ends before"),
    ("09:00-12:00 11:00-13:00", "overlap"), ("24:00-24:00", "ends before"),
    ("09:00-25:00", "not a time"), ("09:00 - 12:00", "malformed"),
])
def test_bad_intervals_are_refused_with_the_reason(text, reason):
    with pytest.raises(RowError, match=reason):
        parse_intervals(text, "mon")


def test_a_calendar_never_open_and_an_unknown_zone_are_refused():
    with pytest.raises(RowError, match="never open"):
        parse_calendar("c", "UTC", [""] * 7)
    with pytest.raises(RowError, match="unknown time zone"):
        parse_calendar("c", "Mars/Olympus", list(OFFICE))
    problems = calendar_problems("Mars/Olympus", {"mon": "9-12"})
    assert set(problems) == {"time_zone", "mon"}
    assert "malformed interval '9-12'" in problems["mon"]
    assert calendar_problems("UTC", {}) == {"week": "the calendar is never open"}


def test_intervals_are_written_back_canonically():
    spec = parse_calendar("c", "UTC", ["13:30-18:00 09:00-12:30", "", "", "", "", "", "00:00-24:00"])
    assert spec.cells()[0] == "09:00-12:30 13:30-18:00"
    assert spec.cells()[6] == "00:00-24:00"


# ---------------------------------------------------------------- properties

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC")


@st.composite
def weeks(draw):
    week = []
    for _ in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
        if len(cuts) % 2:
            cuts = cuts[:-1]
        week.append(tuple((cuts[i] * 15, cuts[i + 1] * 15) for i in range(0, len(cuts), 2)
                          if cuts[i] < cuts[i + 1]))
    if not any(week):
        week[draw(st.integers(0, 6))] = ((9 * 60, 17 * 60),)
    return tuple(week)


def oracle_running(spec: CalendarSpec, segments, created: int, instant: int) -> int:
    """Running time the slow way: every local day's intervals, converted one by one."""
    zone = ZoneInfo(spec.time_zone)
    first = datetime.fromtimestamp(created / 1e6, UTC).date() - timedelta(days=2)
    last = datetime.fromtimestamp(instant / 1e6, UTC).date() + timedelta(days=2)
    opens = []
    day = first
    while day <= last:
        if day not in spec.holidays:
            for start, end in spec.week[day.weekday()]:
                def local(d, minute):
                    d = d + timedelta(days=minute // 1440)
                    minute %= 1440
                    return to_us(datetime(d.year, d.month, d.day, minute // 60, minute % 60,
                                          tzinfo=zone))
                opens.append((local(day, start), local(day, end)))
        day += timedelta(days=1)
    total = 0
    covered: list[tuple[int, int]] = []
    for start, end in sorted(opens):  # union, so that a DST overlap is not counted twice
        if covered and start <= covered[-1][1]:
            covered[-1] = (covered[-1][0], max(covered[-1][1], end))
        else:
            covered.append((start, end))
    for seg_start, seg_end in segments:
        seg_end = instant if seg_end is None else min(seg_end, instant)
        for start, end in covered:
            total += max(0, min(end, seg_end) - max(start, seg_start))
    return total


@settings(max_examples=150, deadline=None)
@given(week=weeks(), zone=st.sampled_from(ZONES),
       created_minute=st.integers(0, 3 * 365 * 1440), minutes=st.integers(1, 5000),
       pauses=st.lists(st.tuples(st.integers(0, 20000), st.booleans()), max_size=5))
def test_running_time_at_the_due_instant_is_the_target_and_not_earlier(
        week, zone, created_minute, minutes, pauses):
    created = utc(2023, 1, 1) + created_minute * US_PER_MINUTE
    spec = CalendarSpec("c", zone, week, frozenset({date(2024, 12, 25), date(2025, 1, 1)}))
    changes, at = [], created
    for gap, paused in pauses:
        at += gap * US_PER_MINUTE
        changes.append((at, "waiting" if paused else "open"))
    changes.append((at + 1, "open"))  # the clock runs again in the end: a due instant exists
    segments = running_segments(created, changes, ("waiting",))
    clock = Timeline(spec)
    found = reach(clock, segments, created, minutes * US_PER_MINUTE)
    assert found != NO_DUE_AT
    assert oracle_running(spec, segments, created, found) == minutes * US_PER_MINUTE
    assert running_time(clock, segments, found) == minutes * US_PER_MINUTE
    assert oracle_running(spec, segments, created, found - 1) < minutes * US_PER_MINUTE


@settings(max_examples=60, deadline=None)
@given(week=weeks(), zone=st.sampled_from(ZONES),
       created=st.lists(st.integers(0, 2 * 365 * 1440), min_size=1, max_size=30),
       minutes=st.lists(st.integers(0, 4000), min_size=30, max_size=30))
def test_the_bulk_path_gives_the_same_instants_as_one_by_one(week, zone, created, minutes):
    import numpy as np

    from core.due import SegmentTable, due_instants_many

    spec = CalendarSpec("c", zone, week, frozenset({date(2024, 12, 25)}))
    starts = [utc(2023, 1, 1) + c * US_PER_MINUTE + 7 for c in created]
    targets = minutes[:len(starts)]
    due, warn = due_instants_many(Timeline(spec),
                                  SegmentTable.steady(np.array(starts, dtype=np.int64)),
                                  np.array(targets, dtype=np.int64), 80.0)
    one_by_one = Timeline(spec)
    for n, (start, target) in enumerate(zip(starts, targets, strict=True)):
        expected = due_instants(one_by_one, [(start, None)], start, target, 80.0)
        assert (int(due[n]), int(warn[n])) == expected


@settings(max_examples=60, deadline=None)
@given(week=weeks(), zone=st.sampled_from((*ZONES, None)),
       items=st.lists(st.tuples(
           st.integers(0, 2 * 365 * 1440),
           st.lists(st.tuples(st.integers(0, 3000), st.sampled_from(["waiting", "open",
                                                                    "in_progress"])),
                    max_size=6),
           st.integers(0, 4000)), min_size=1, max_size=25))
def test_the_bulk_path_with_pauses_gives_the_same_instants_as_one_by_one(week, zone, items):
    import numpy as np

    from core.due import AlwaysOpen, due_instants_many
    from core.histories import Histories

    clock = AlwaysOpen() if zone is None else Timeline(
        CalendarSpec("c", zone, week, frozenset({date(2024, 12, 25)})))
    created, changes, minutes = [], [], []
    for n, (start, gaps, target) in enumerate(items):
        created.append(utc(2023, 1, 1) + start * US_PER_MINUTE + 7)
        at = created[-1]
        for gap, status in gaps:
            at += gap * US_PER_MINUTE
            changes.append((n, at, status))
        minutes.append(target)
    changes.sort(key=lambda c: (c[0], c[1]))
    deduped = [c for i, c in enumerate(changes) if i == 0 or changes[i - 1][:2] != c[:2]]
    histories = Histories(np.array([c[0] for c in deduped], dtype=np.int64),
                          np.array([c[1] for c in deduped], dtype=np.int64),
                          np.array([c[2] == "waiting" for c in deduped], dtype=bool),
                          len(items))
    table = histories.segments(np.arange(len(items)), np.array(created, dtype=np.int64))
    due, warn = due_instants_many(clock, table, np.array(minutes, dtype=np.int64), 80.0)
    for n in range(len(items)):
        history = [(at, status) for k, at, status in deduped if k == n]
        segments = running_segments(created[n], history, ("waiting",))
        expected = due_instants(clock, segments, created[n], minutes[n], 80.0)
        assert (int(due[n]), int(warn[n])) == expected, n
