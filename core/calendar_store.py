"""Calendars as admins edit them: read, checked as on import, saved with their holidays, and
the due instants of the items whose policies use them recomputed in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.engine import Connection

from core.access import Actor, require_admin
from core.bulk import BatchUpsert
from core.calendars import calendar_problems, format_intervals, parse_day, parse_intervals
from core.csv_format import RowError
from core.db import write_transaction
from core.due_store import pairs_using, recompute_due
from core.errors import BadInput
from core.schema import WEEKDAYS, calendars, holidays


class InvalidCalendar(BadInput):
    """An edited calendar with problems, by field (time_zone, mon..sun, week, holidays, id)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class CalendarValues:
    id: str
    time_zone: str
    days: dict[str, str]  # weekday -> "09:00-12:30 13:30-18:00"
    holidays: list[tuple[date | str, str]] = field(default_factory=list)  # str: as typed


def list_calendars(conn: Connection) -> list[CalendarValues]:
    by_calendar: dict[str, list[tuple[date | str, str]]] = {}
    for row in conn.execute(select(holidays).order_by(holidays.c.calendar_id, holidays.c.day)):
        by_calendar.setdefault(row.calendar_id, []).append((date.fromisoformat(row.day), row.name))
    return [CalendarValues(row.id, row.time_zone, {d: row._mapping[d] for d in WEEKDAYS},
                           by_calendar.get(row.id, []))
            for row in conn.execute(select(calendars).order_by(calendars.c.id))]


def check_calendar(values: CalendarValues) -> dict[str, str]:
    """Every problem, by field: the same checks as the import."""
    problems = calendar_problems(values.time_zone, values.days)
    if not values.id.strip() or len(values.id.strip()) > 64:
        problems["id"] = "id: 1 to 64 characters"
    seen = set()
    for day, _name in values.holidays:
        try:
            day = parse_day(day if isinstance(day, str) else day.isoformat())
        except RowError as exc:
            problems["holidays"] = str(exc)
            break
        if day in seen:
            problems["holidays"] = f"{day.isoformat()} appears twice"
            break
        seen.add(day)
    return problems


def save_calendar(engine: Engine, actor: Actor, values: CalendarValues) -> int:
    """Create or replace a calendar and its holidays. Returns how many items' stored due
    instants changed."""
    require_admin(actor, "changing calendars")
    problems = check_calendar(values)
    if problems:
        raise InvalidCalendar(problems)
    cells = {d: format_intervals(parse_intervals(values.days.get(d, ""), d)) for d in WEEKDAYS}
    calendar_id = values.id.strip()
    with write_transaction(engine) as session:
        conn = session.connection()
        sink = BatchUpsert(conn, "calendars", ("id", "time_zone", *WEEKDAYS), ("id",))
        sink.add((calendar_id, values.time_zone.strip(), *(cells[d] for d in WEEKDAYS)))
        sink.flush()
        conn.execute(delete(holidays).where(holidays.c.calendar_id == calendar_id))
        if values.holidays:
            conn.execute(insert(holidays), [
                {"calendar_id": calendar_id, "day": str(day), "name": name}
                for day, name in sorted(values.holidays)])
        return recompute_due(conn, pairs=pairs_using(conn, [calendar_id]))


def delete_calendar(engine: Engine, actor: Actor, calendar_id: str) -> None:
    require_admin(actor, "changing calendars")
    with write_transaction(engine) as session:
        conn = session.connection()
        if pairs_using(conn, [calendar_id]):
            raise BadInput(f"calendar {calendar_id!r} is used by an SLA policy")
        conn.execute(delete(holidays).where(holidays.c.calendar_id == calendar_id))
        conn.execute(delete(calendars).where(calendars.c.id == calendar_id))

