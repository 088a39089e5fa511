"""Export of the business-hours files: calendars.csv, holidays.csv, status_changes.csv
(each written only when it holds rows, as the importer reads them back)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.csv_format import write_time
from core.history_file import STATUS_CHANGE_COLUMNS, STATUS_CHANGES_FILE
from core.import_hours import CALENDAR_COLUMNS, CALENDARS_FILE, HOLIDAY_COLUMNS, HOLIDAYS_FILE
from core.schema import WEEKDAYS, calendars, holidays, status_changes


def export_business_hours(conn: Connection,
                          write: Callable[[str, tuple[str, ...], Iterable[Sequence[object]]], int]
                          ) -> dict[str, int]:
    """write(file name, header, rows): the exporter's, so that these files are replaced
    together with the others, only once all are written."""
    counts: dict[str, int] = {}
    rows = conn.execute(select(calendars.c.id, calendars.c.time_zone,
                               *(calendars.c[d] for d in WEEKDAYS)).order_by(calendars.c.id)).all()
    if rows:
        counts["calendars"] = write(CALENDARS_FILE, CALENDAR_COLUMNS,
                                             (tuple(r) for r in rows))
    rows = conn.execute(select(holidays.c.calendar_id, holidays.c.day, holidays.c.name)
                        .order_by(holidays.c.calendar_id, holidays.c.day)).all()
    if rows:
        counts["holidays"] = write(HOLIDAYS_FILE, HOLIDAY_COLUMNS,
                                            (tuple(r) for r in rows))
    if conn.execute(select(status_changes.c.item_id).limit(1)).first() is not None:
        changes = conn.execution_options(yield_per=10_000).execute(
            select(status_changes.c.item_id, status_changes.c.status, status_changes.c.changed_at)
            .order_by(status_changes.c.item_id, status_changes.c.changed_at))
        counts["status_changes"] = write(
            STATUS_CHANGES_FILE, STATUS_CHANGE_COLUMNS,
            ((c.item_id, c.status, write_time(c.changed_at)) for c in changes))
    return counts
