"""Running time and due instants over business hours and pauses (the SLA rule of rules.md).

A calendar becomes a Timeline: its open intervals as UTC instants, with the open time
accumulated up to the end of each, so that the open time between two instants is two
bisections and the instant at which it reaches an amount is one more. An item's clock
runs over the segments between its pauses; a due instant walks those segments.
Python over zoneinfo, the same numbers for every database; many items at once go through
numpy (SegmentTable: one searchsorted per segment rank, not per item).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

import numpy as np
from numpy.typing import NDArray

from core.calendars import MINUTES_PER_DAY, CalendarSpec
from core.timeutil import US_PER_MINUTE, from_us, to_us

# Stored for a target whose clock stops for good before reaching it: later than any now,
# so such a target is never breached nor at risk and sorts after every real due instant.
NO_DUE_AT = 2**62
_CHUNK_DAYS = 366
_HORIZON_DAYS = 366 * 50  # a calendar closed this long (holidays) never reaches a target

Segment = tuple[int, int | None]  # [start, end) of running clock; None: for ever
Instants = NDArray[np.int64]


class AlwaysOpen:
    """The clock of a policy without calendar."""

    def open_between(self, start: int, end: int) -> int:
        return max(0, end - start)

    def reach(self, start: int, amount: int) -> int | None:
        return start + amount

    def reach_many(self, starts: Instants, amounts: Instants) -> Instants:
        return starts + amounts

    def open_between_many(self, starts: Instants, ends: Instants) -> Instants:
        return cast(Instants, np.maximum(0, ends - starts))


class Timeline:
    """A calendar's open intervals as instants, built in yearly chunks as far as needed."""

    def __init__(self, spec: CalendarSpec):
        self.spec = spec
        self.zone = spec.zone
        self.first_day: date | None = None
        self.next_day: date | None = None
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum_end: list[int] = []
        self.covered_from = self.covered_until = 0
        self._arrays: tuple[Instants, Instants, Instants] | None = None

    def _local(self, day: date, minute: int) -> int:
        if minute == MINUTES_PER_DAY:
            day, minute = day + timedelta(days=1), 0
        # fold=0: a skipped time takes the offset before the change, a repeated time its
        # first occurrence (PEP 495), as rules.md says.
        return to_us(datetime(day.year, day.month, day.day, minute // 60, minute % 60,
                              tzinfo=self.zone))

    def _intervals(self, first: date, days: int) -> list[tuple[int, int]]:
        intervals = []
        week, holidays = self.spec.week, self.spec.holidays
        for offset in range(days):
            day = first + timedelta(days=offset)
            if day in holidays:
                continue
            for start, end in week[day.weekday()]:
                intervals.append((self._local(day, start), self._local(day, end)))
        return intervals

    def _rebuild(self, first: date, next_day: date) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(self._intervals(first, (next_day - first).days)):
            if end <= start:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]
        total, cum = 0, []
        for s, e in merged:
            total += e - s
            cum.append(total)
        self.cum_end = cum
        self.first_day, self.next_day = first, next_day
        self.covered_from = self._local(first + timedelta(days=1), 0)
        self.covered_until = self._local(next_day, 0)
        self._arrays = None

    def _cover(self, instant: int) -> None:
        """Make sure the timeline starts at least a day before instant (a year more when it
        must grow backwards: items do not come in time order)."""
        if instant >= self.covered_from and self.first_day is not None:
            return
        moment = from_us(instant)
        assert moment is not None
        day = moment.date() - timedelta(days=2)
        if self.first_day is None or self.next_day is None:
            self._rebuild(day, day + timedelta(days=_CHUNK_DAYS))
        else:
            self._rebuild(min(day, self.first_day - timedelta(days=_CHUNK_DAYS)), self.next_day)

    def _extend(self) -> bool:
        if self.first_day is None or self.next_day is None:
            return False
        if (self.next_day - self.first_day).days > _HORIZON_DAYS:
            return False
        self._rebuild(self.first_day, self.next_day + timedelta(days=_CHUNK_DAYS))
        return True

    def cumulative(self, instant: int) -> int:
        """Open time from the timeline's start up to instant."""
        while self.next_day is not None and instant > self.covered_until:
            if not self._extend():
                break
        i = bisect_right(self.starts, instant) - 1
        if i < 0:
            return 0
        return self.cum_end[i] - max(0, self.ends[i] - instant)

    def open_between(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        self._cover(start)
        return self.cumulative(end) - self.cumulative(start)

    def reach(self, start: int, amount: int) -> int | None:
        """The earliest instant at which the open time since start reaches amount (> 0)."""
        self._cover(start)
        wanted = self.cumulative(start) + amount
        while not self.cum_end or self.cum_end[-1] < wanted:
            if not self._extend():
                return None
        i = bisect_left(self.cum_end, wanted)
        return self.ends[i] - (self.cum_end[i] - wanted)


    def reach_many(self, starts: Instants, amounts: Instants) -> Instants:
        """reach() for arrays of starts and amounts (> 0), all at once (numpy int64)."""
        self._cover(int(starts.min()))
        while self.covered_until < int(starts.max()) and self._extend():
            pass
        cumulative = self._cumulative_many(starts)
        wanted = cumulative + amounts
        while (not self.cum_end or self.cum_end[-1] < int(wanted.max())) and self._extend():
            pass
        _starts, ends, cum_end = self._as_arrays()
        found = np.searchsorted(cum_end, wanted, side="left")
        beyond = found >= len(cum_end)
        found = np.minimum(found, len(cum_end) - 1)
        result = ends[found] - (cum_end[found] - wanted)
        result[beyond] = NO_DUE_AT
        return result

    def open_between_many(self, starts: Instants, ends: Instants) -> Instants:
        """open_between() for arrays of spans (ends >= starts), all at once."""
        self._cover(int(starts.min()))
        while self.covered_until < int(ends.max()) and self._extend():
            pass
        return self._cumulative_many(ends) - self._cumulative_many(starts)

    def _cumulative_many(self, instants: Instants) -> Instants:
        starts, ends, cum_end = self._as_arrays()
        i = np.searchsorted(starts, instants, side="right") - 1
        safe = np.maximum(i, 0)
        value = cum_end[safe] - np.maximum(0, ends[safe] - instants)
        return np.where(i < 0, 0, value)

    def _as_arrays(self) -> tuple[Instants, Instants, Instants]:
        if self._arrays is None:
            starts, ends, cum_end = (np.array(values or [0], dtype=np.int64)
                                     for values in (self.starts, self.ends, self.cum_end))
            self._arrays = (starts, ends, cum_end)
        return self._arrays


Clock = AlwaysOpen | Timeline


def running_segments(created_at: int, changes: Iterable[tuple[int, str]],
                     pause_statuses: Iterable[str]) -> list[Segment]:
    """The spans in which the clock runs, from created_at, given the item's recorded
    (changed_at, status) changes in time order: before the first change it is open."""
    pauses = frozenset(pause_statuses)
    segments: list[Segment] = []
    running_since: int | None = created_at
    for changed_at, status in changes:
        at = max(changed_at, created_at)
        if status in pauses:
            if running_since is not None:
                if at > running_since:
                    segments.append((running_since, at))
                running_since = None
        elif running_since is None:
            running_since = at
    if running_since is not None:
        segments.append((running_since, None))
    return segments


def reach(clock: Clock, segments: list[Segment], created_at: int, amount: int) -> int:
    """The earliest instant at which the running time reaches amount µs; NO_DUE_AT when
    the clock stops for good before."""
    if amount <= 0:
        return created_at
    remaining = amount
    for start, end in segments:
        if end is not None:
            got = clock.open_between(start, end)
            if got < remaining:
                remaining -= got
                continue
        found = clock.reach(start, remaining)
        return NO_DUE_AT if found is None else found
    return NO_DUE_AT


def running_time(clock: Clock, segments: list[Segment], instant: int) -> int:
    """How long the clock has run from creation up to instant (µs)."""
    total = 0
    for start, end in segments:
        if start >= instant:
            break
        total += clock.open_between(start, instant if end is None else min(end, instant))
    return total


def warn_amount(minutes: int, warn_percent: float) -> int:
    """warn_percent of a target, in whole µs rounded up (kept exact as in core.sla)."""
    warn_tenths = round(warn_percent * 10)
    return -(-minutes * US_PER_MINUTE * warn_tenths // 1000)


@dataclass(frozen=True)
class SegmentTable:
    """The running segments of many items at once: row n holds item n's count[n] segments
    in its first columns, starts[n, j] to ends[n, j] (OPEN_END: runs for ever)."""

    starts: Instants
    ends: Instants
    count: Instants

    @classmethod
    def steady(cls, created: Instants) -> SegmentTable:
        """Items whose clock runs from creation without pause."""
        return cls(created.reshape(-1, 1), np.full((len(created), 1), OPEN_END, np.int64),
                   np.ones(len(created), np.int64))


OPEN_END = -1


def reach_segments(clock: Clock, table: SegmentTable, amounts: Instants) -> Instants:
    """reach() for many items at once: row n's segments and amount (numpy int64)."""
    created = table.starts[:, 0]
    result = np.where(amounts <= 0, created, NO_DUE_AT)
    remaining = amounts.copy()
    pending = amounts > 0
    for j in range(table.starts.shape[1]):
        rows = np.flatnonzero(pending & (j < table.count))
        if not len(rows):
            break
        starts, ends, wanted = table.starts[rows, j], table.ends[rows, j], remaining[rows]
        is_open = ends == OPEN_END
        got = clock.open_between_many(starts, np.where(is_open, starts, ends))
        hit = is_open | (got >= wanted)
        if hit.any():
            result[rows[hit]] = clock.reach_many(starts[hit], wanted[hit])
        remaining[rows[~hit]] -= got[~hit]
        pending[rows[hit]] = False
    return result


def due_instants_many(clock: Clock, table: SegmentTable, minutes: Instants,
                      warn_percent: float) -> tuple[Instants, Instants]:
    """(due, warn) arrays, as due_instants() for each row of table (minutes >= 0, every
    target set)."""
    due = reach_segments(clock, table, minutes * US_PER_MINUTE)
    warn_tenths = round(warn_percent * 10)
    warn = reach_segments(clock, table, -(-minutes * (US_PER_MINUTE * warn_tenths) // 1000))
    return due, np.where(due == NO_DUE_AT, NO_DUE_AT, warn)


def due_instants(clock: Clock, segments: list[Segment], created_at: int,
                 minutes: int | None, warn_percent: float) -> tuple[int | None, int | None]:
    """(due, warn) of one target; (None, None) when the target is not set."""
    if minutes is None:
        return None, None
    due = reach(clock, segments, created_at, minutes * US_PER_MINUTE)
    if due == NO_DUE_AT:  # neither breached nor at risk, whatever ran before the stop
        return NO_DUE_AT, NO_DUE_AT
    return due, reach(clock, segments, created_at, warn_amount(minutes, warn_percent))
