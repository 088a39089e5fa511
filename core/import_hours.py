"""Import of the business-hours files: calendars.csv, holidays.csv, status_changes.csv, and
the calendar column of sla_policies.csv.

Each loader validates every row and writes only while no error has been seen (the importer
rolls the whole transaction back on any error). Status changes are checked against the
items in SQL, over a staging table, so that a million items and their histories never
need to be held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.calendars import parse_calendar, parse_day
from core.csv_format import RowError, choice, identifier, optional_count, required_time
from core.due_store import driver, pairs_using, recompute_due
from core.schema import KINDS, PRIORITIES, STATUSES, WEEKDAYS, calendars

CALENDARS_FILE = "calendars.csv"
HOLIDAYS_FILE = "holidays.csv"
STATUS_CHANGES_FILE = "status_changes.csv"
HOURS_FILES = (CALENDARS_FILE, HOLIDAYS_FILE, STATUS_CHANGES_FILE)
CALENDAR_COLUMNS = ("id", "time_zone", *WEEKDAYS)
HOLIDAY_COLUMNS = ("calendar", "date", "name")
STATUS_CHANGE_COLUMNS = ("item_id", "status", "changed_at")

Rows = Iterator[tuple[int, list[str]]]
Row = tuple[Any, ...]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
AddError = Callable[[str, int, str], None]
STAGE_BATCH = 5_000
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
        self.clean = lambda: not errors.total  # write only while no error was seen
        self.counts: dict[str, int] = {}
        self.calendar_ids = known_calendars(conn)
        self.changed_calendars: set[str] = set()
        self.changed_items: set[str] | None = set()  # None: too many to name

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

    def load_status_changes(self, tz: tzinfo, max_reported: int) -> None:
        if self.files[STATUS_CHANGES_FILE].is_file():
            self.counts["status_changes"], self.changed_items = load_status_changes(
                self.conn, self.rows(self.files[STATUS_CHANGES_FILE], STATUS_CHANGE_COLUMNS),
                self.add_error, self.clean, tz, max_reported, RECOMPUTE_BY_ID_MAX)

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
    from core.bulk import BatchUpsert

    sink = BatchUpsert(conn, table, columns, keys)
    for row in rows:
        sink.add(row)
    sink.flush()


def _stage(conn: Connection) -> str:
    dialect = conn.dialect.name
    temp = "TEMPORARY TABLE IF NOT EXISTS"
    tail = " ON COMMIT DROP" if dialect == "postgresql" else ""
    conn.exec_driver_sql(f"CREATE {temp} _stage_changes (item_id VARCHAR(64) NOT NULL, "
                         "changed_at BIGINT NOT NULL, status VARCHAR(16) NOT NULL, "
                         f"line INTEGER NOT NULL){tail}")
    conn.exec_driver_sql("DELETE FROM _stage_changes")
    return "_stage_changes"


def _stage_writer(conn: Connection, stage: str) -> Callable[[list[Row]], None]:
    raw = driver(conn)
    columns = "(item_id, changed_at, status, line)"
    if conn.dialect.name == "postgresql":
        def store(batch: list[Row]) -> None:
            with raw.cursor() as cursor, cursor.copy(f"COPY {stage} {columns} FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
    else:
        sql = f"INSERT INTO {stage} {columns} VALUES (?, ?, ?, ?)"

        def store(batch: list[Row]) -> None:
            if batch:
                raw.executemany(sql, batch)
    return store


def load_status_changes(conn: Connection, rows: Rows, add_error: AddError,
                        write: Callable[[], bool],
                        tz: tzinfo, max_reported: int,
                        ids_up_to: int) -> tuple[int, set[str] | None]:
    """Replace the recorded histories of the items in status_changes.csv. Returns (rows,
    the items' ids, or None when there are more than ids_up_to). The checks against the
    items (unknown item, before creation, last status) are made in SQL when the items are
    written, i.e. when no earlier file had an error."""
    items_written = write()
    stage = _stage(conn)
    store = _stage_writer(conn, stage)
    statuses = frozenset(STATUSES)
    fromiso = datetime.fromisoformat
    batch: list[Row] = []
    count = 0
    for line, (item_id, status, changed_at) in rows:
        try:
            item_id = item_id if item_id and item_id == item_id.strip() and len(
                item_id) <= 64 else identifier(item_id, "item_id")
            if status not in statuses:
                status = choice(status.strip(), STATUSES, "status")
            try:  # the common case, an aware ISO time, quickly; anything else below
                changed = (fromiso(changed_at) - _EPOCH) // _ONE_US
                if not changed_at or changed_at[-1].isspace():
                    raise ValueError
            except (ValueError, TypeError, OverflowError):
                changed = required_time(changed_at, cast(ZoneInfo, tz), "changed_at")
        except RowError as exc:
            add_error(STATUS_CHANGES_FILE, line, str(exc))
            continue
        batch.append((item_id, changed, status, line))
        count += 1
        if len(batch) >= STAGE_BATCH:
            store(batch)
            batch = []
    store(batch)
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {stage}_item ON {stage} "
                         "(item_id, changed_at)")
    for line, reason in _stage_problems(conn, stage, items_written, max_reported):
        add_error(STATUS_CHANGES_FILE, line, reason)
    if not write():
        return 0, None
    ids = conn.exec_driver_sql(f"SELECT DISTINCT item_id FROM {stage} "
                               f"LIMIT {ids_up_to + 1}").scalars().all()
    conn.exec_driver_sql(f"DELETE FROM status_changes WHERE item_id IN "
                         f"(SELECT item_id FROM {stage})")
    conn.exec_driver_sql(f"INSERT INTO status_changes (item_id, changed_at, status) "
                         f"SELECT item_id, changed_at, status FROM {stage}")
    return count, (set(ids) if len(ids) <= ids_up_to else None)


def _stage_problems(conn: Connection, stage: str, check_items: bool,
                    limit: int) -> list[tuple[int, str]]:
    checks: list[tuple[str, Callable[[Any], str]]] = [
        ((f"SELECT s.line, s.item_id FROM {stage} s JOIN {stage} t "
          "ON t.item_id = s.item_id AND t.changed_at = s.changed_at AND t.line < s.line"),
         lambda r: f"two changes of item {r[1]!r} at the same instant"),
    ]
    if check_items:
        checks += [
            ((f"SELECT s.line, s.item_id FROM {stage} s "
              "LEFT JOIN items i ON i.id = s.item_id WHERE i.id IS NULL"),
             lambda r: f"a change of unknown item {r[1]!r}"),
            ((f"SELECT s.line, s.item_id FROM {stage} s JOIN items i ON i.id = s.item_id "
              "WHERE s.changed_at < i.created_at"),
             lambda r: f"the change is before item {r[1]!r} was created"),
            ((f"SELECT s.line, s.item_id, s.status, i.status FROM {stage} s "
              "JOIN items i ON i.id = s.item_id WHERE s.changed_at = "
              f"(SELECT MAX(t.changed_at) FROM {stage} t WHERE t.item_id = s.item_id) "
              "AND s.status <> i.status"),
             lambda r: (f"the history of item {r[1]!r} ends with status {r[2]!r} but the "
                        f"item's status is {r[3]!r}")),
        ]
    problems: list[tuple[int, str]] = []
    for sql, reason in checks:
        for row in conn.exec_driver_sql(f"{sql} ORDER BY 1 LIMIT {limit}"):
            problems.append((int(row[0]), reason(row)))
    problems.sort()
    return problems
