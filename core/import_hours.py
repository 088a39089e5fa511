"""Import of the business-hours files: calendars.csv, holidays.csv, status_changes.csv, and
the calendar column of sla_policies.csv.

Each loader validates every row and writes only while no error has been seen (the importer
rolls the whole transaction back on any error). Status changes are read before the items
(core.history_file), so that a first load computes each item's due instants as it writes
the item (core.import_clocks); they are checked against the items and written after them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import tzinfo
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from core.bulk import BatchUpsert
from core.calendars import parse_calendar, parse_day
from core.csv_format import RowError, choice, identifier, optional_count
from core.due_store import pairs_using, recompute_due
from core.history_file import (
    LOOKUP_BATCH,
    STATUS_CHANGE_COLUMNS,
    STATUS_CHANGES_FILE,
    HistoryFile,
)
from core.schema import KINDS, PRIORITIES, WEEKDAYS, calendars, status_changes

CALENDARS_FILE = "calendars.csv"
HOLIDAYS_FILE = "holidays.csv"
HOURS_FILES = (CALENDARS_FILE, HOLIDAYS_FILE, STATUS_CHANGES_FILE)
CALENDAR_COLUMNS = ("id", "time_zone", *WEEKDAYS)
HOLIDAY_COLUMNS = ("calendar", "date", "name")

Rows = Iterator[tuple[int, list[str]]]
Row = tuple[Any, ...]
AddError = Callable[[str, int, str], None]
RECOMPUTE_BY_ID_MAX = 20_000  # more imported items than this: recompute every item


class ErrorSink(Protocol):
    total: int

    def add(self, file: str, line: int, reason: str) -> None: ...


class BusinessHoursImport:
    """The business-hours part of one import, in the importer's transaction: calendars and
    holidays (before the policies, which may name them), status changes (after the items),
    then the due instants of exactly the affected items."""

    def __init__(self, conn: Connection, files: dict[str, Path],
                 rows: Callable[[Path, tuple[str, ...]], Rows], errors: ErrorSink):
        self.conn, self.files, self.rows = conn, files, rows
        self.add_error = errors.add
        # Write only while no error was seen.
        self.clean: Callable[[], bool] = lambda: not errors.total
        self.counts: dict[str, int] = {}
        self.calendar_ids = known_calendars(conn)
        self.changed_calendars: set[str] = set()
        self.changed_items: set[str] | None = set()  # None: too many to name
        self.history: HistoryFile | None = None

    def load_calendars(self) -> None:
        if self.files[CALENDARS_FILE].is_file():
            self.changed_calendars = load_calendars(
                self.conn, self.rows(self.files[CALENDARS_FILE], CALENDAR_COLUMNS),
                self.add_error, self.clean)
            self.calendar_ids |= self.changed_calendars
            self.counts["calendars"] = len(self.changed_calendars)
        if self.files[HOLIDAYS_FILE].is_file():
            holiday_calendars = load_holidays(
                self.conn, self.rows(self.files[HOLIDAYS_FILE], HOLIDAY_COLUMNS),
                self.add_error, self.clean, self.calendar_ids)
            self.counts["holidays"] = len(holiday_calendars)
            self.changed_calendars |= set(holiday_calendars.values())

    def read_status_changes(self, tz: tzinfo) -> HistoryFile | None:
        """Read status_changes.csv (before the items); None when there is none."""
        if not self.files[STATUS_CHANGES_FILE].is_file():
            return None
        self.history = HistoryFile()
        self.history.read(self.rows(self.files[STATUS_CHANGES_FILE], STATUS_CHANGE_COLUMNS),
                          self.add_error, tz)
        return self.history

    def store_status_changes(self, max_reported: int, *, replace: bool) -> None:
        """Check the histories against the items (once the items are written without
        error) and write them, replacing the recorded histories of their items
        (replace=False: there are none)."""
        history = self.history
        if history is None:
            return
        check_items = self.clean()
        if check_items:
            history.learn_from_database(self.conn)
        for line, reason in history.problems(check_items, max_reported):
            self.add_error(STATUS_CHANGES_FILE, line, reason)
        if not self.clean():
            return
        ids = list(history.ids)
        if replace:
            for start in range(0, len(ids), LOOKUP_BATCH):
                self.conn.execute(delete(status_changes).where(
                    status_changes.c.item_id.in_(ids[start:start + LOOKUP_BATCH])))
        store = _change_writer(self.conn)
        for batch in history.rows():
            store(batch)
        self.counts["status_changes"] = history.count
        self.changed_items = set(ids) if len(ids) <= RECOMPUTE_BY_ID_MAX else None

    def recompute_due(self, policy_pairs: set[tuple[str, str]],
                      item_ids: Iterable[str]) -> None:
        """The policies imported or using an imported calendar, and the items imported or
        given a history (every item, when that is many)."""
        affected = None if self.changed_items is None else set(item_ids) | self.changed_items
        if affected is None or len(affected) > RECOMPUTE_BY_ID_MAX:
            recompute_due(self.conn)
            return
        recompute_due(self.conn, pairs=policy_pairs | pairs_using(self.conn,
                                                                  self.changed_calendars))
        recompute_due(self.conn, item_ids=sorted(affected))


def known_calendars(conn: Connection) -> set[str]:
    return set(conn.execute(select(calendars.c.id)).scalars())


def load_calendars(conn: Connection, rows: Rows, add_error: AddError,
                   write: Callable[[], bool]) -> set[str]:
    """Upsert calendars.csv; returns the ids of its valid rows."""
    seen: dict[str, int] = {}
    parsed = []
    for line, row in rows:
        try:
            spec = parse_calendar(identifier(row[0]), row[1], row[2:])
        except RowError as exc:
            add_error(CALENDARS_FILE, line, str(exc))
            continue
        if spec.id in seen:
            add_error(CALENDARS_FILE, line,
                      f"{spec.id!r} appears twice (also on line {seen[spec.id]})")
            continue
        seen[spec.id] = line
        parsed.append((spec.id, spec.time_zone, *spec.cells()))
    if write() and parsed:
        _upsert(conn, "calendars", CALENDAR_COLUMNS[:2] + WEEKDAYS, ("id",), parsed)
    return set(seen)


def load_holidays(conn: Connection, rows: Rows, add_error: AddError, write: Callable[[], bool],
                  calendar_ids: set[str]) -> dict[tuple[str, str], str]:
    """Upsert holidays.csv by (calendar, date); the calendar must exist. Returns the valid
    rows' (calendar, date) -> calendar."""
    seen: dict[tuple[str, str], int] = {}
    parsed = []
    for line, row in rows:
        try:
            calendar_id = identifier(row[0], "calendar")
            if calendar_id not in calendar_ids:
                raise RowError(f"unknown calendar {calendar_id!r}")
            day = parse_day(row[1]).isoformat()
        except RowError as exc:
            add_error(HOLIDAYS_FILE, line, str(exc))
            continue
        key = (calendar_id, day)
        if key in seen:
            add_error(HOLIDAYS_FILE, line, f"{calendar_id} {day} appears twice "
                                           f"(also on line {seen[key]})")
            continue
        seen[key] = line
        parsed.append((calendar_id, day, row[2].strip()))
    if write() and parsed:
        _upsert(conn, "holidays", ("calendar_id", "day", "name"), ("calendar_id", "day"), parsed)
    return {key: key[0] for key in seen}


def policy_parser(calendar_ids: set[str]) -> Callable[[list[str], tzinfo], Row]:
    """The sla_policies.csv row parser: its calendar, when named, must exist."""

    def parse(row: list[str], _zone: tzinfo) -> Row:
        kind, priority, first_response, resolution, named = row
        calendar = named.strip() or None
        if calendar is not None and calendar not in calendar_ids:
            raise RowError(f"unknown calendar {calendar!r}")
        return (
            choice(kind.strip(), KINDS, "kind"),
            choice(priority.strip(), PRIORITIES, "priority"),
            optional_count(first_response, "first_response_minutes"),
            optional_count(resolution, "resolution_minutes"),
            calendar,
        )

    return parse


def _upsert(conn: Connection, table: str, columns: tuple[str, ...], keys: tuple[str, ...],
            rows: list[Row]) -> None:
    sink = BatchUpsert(conn, table, columns, keys)
    for row in rows:
        sink.add(row)
    sink.flush()


def _change_writer(conn: Connection) -> Callable[[list[Row]], None]:
    """Writes batches of (item_id, changed_at, status) into status_changes, which holds
    none of their keys (a batch is a few multi-row statements on SQLite, a COPY on
    PostgreSQL)."""
    return BatchUpsert(conn, "status_changes", ("item_id", "changed_at", "status"),
                       ("item_id", "changed_at"), into_empty=True).write_rows
