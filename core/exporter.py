"""Export: the CSV files the importer reads, streamed from the database."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, or_, select
from sqlalchemy.engine import Connection

from core import schema
from core.csv_format import (
    AGENT_COLUMNS,
    AGENTS_FILE,
    EARLIEST_US,
    ITEM_COLUMNS,
    ITEMS_FILE,
    LATEST_US,
    POLICIES_FILE,
    POLICY_CALENDAR,
    POLICY_COLUMNS,
    TEAM_COLUMN,
    write_bool,
    write_time,
)
from core.errors import BadInput
from core.export_hours import export_business_hours
from core.files import replaced_when_done
from core.models import Agent, Item, SlaPolicy


def write_csv_file(path: Path, header: tuple[str, ...], rows: Iterable[Sequence[object]]) -> int:
    """Write header and rows (None as an empty cell) to path, replacing it only when done."""
    with replaced_when_done(path) as handle:
        return write_csv_rows(handle, header, rows)


def write_csv_rows(handle: IO[str], header: tuple[str, ...],
                   rows: Iterable[Sequence[object]]) -> int:
    """Write header and rows (None as an empty cell); the number of rows written."""
    # CRLF rows (RFC 4180): the csv module then quotes a field holding a bare CR too,
    # which a "\n" terminator leaves unquoted (the row would split on reading back).
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def export_folder(engine: Engine, folder: str | Path) -> dict[str, int]:
    """The three files, each replaced only once all three are written (nothing half-written,
    no *.part left behind on a failure)."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"{folder}: cannot create the folder ({exc.strerror})")
    if not folder.is_dir():
        raise BadInput(f"{folder}: not a folder")
    with engine.connect() as conn:
        try:
            return _write_all(conn, folder)
        except (OverflowError, ValueError):
            raise BadInput(f"export failed, nothing was written: {_unwritable_times(conn)}")


def _write_all(conn: Connection, folder: Path) -> dict[str, int]:
    with ExitStack() as files:
        def open_file(name: str) -> IO[str]:
            return files.enter_context(replaced_when_done(folder / name))

        agents = conn.execute(select(Agent.id, Agent.name, Agent.email, Agent.role, Agent.active,
                                     Agent.last_activity_at, Agent.max_open, Agent.team)
                              .order_by(Agent.id))
        counts = {"agents": write_csv_rows(open_file(AGENTS_FILE), AGENT_COLUMNS + (TEAM_COLUMN,), (
            (a.id, a.name, a.email, a.role, write_bool(a.active), write_time(a.last_activity_at),
             a.max_open, a.team) for a in agents))}
        items = files.enter_context(conn.execution_options(yield_per=10_000).execute(
            select(Item.id, Item.kind, Item.subject, Item.priority, Item.status, Item.assignee_id,
                   Item.created_at, Item.first_response_at, Item.resolved_at, Item.team)
            .order_by(Item.id)))
        counts["items"] = write_csv_rows(open_file(ITEMS_FILE), ITEM_COLUMNS + (TEAM_COLUMN,), (
            (i.id, i.kind, i.subject, i.priority, i.status, i.assignee_id,
             write_time(i.created_at), write_time(i.first_response_at), write_time(i.resolved_at),
             i.team) for i in items))
        policies = conn.execute(
            select(SlaPolicy).order_by(SlaPolicy.kind, SlaPolicy.priority)).all()
        # The calendar column only when a policy has one: older readers keep their four columns.
        calendar = (POLICY_CALENDAR,) if any(p.calendar_id for p in policies) else ()
        counts["sla_policies"] = write_csv_rows(open_file(POLICIES_FILE),
                                                POLICY_COLUMNS + calendar, (
            (p.kind, p.priority, p.first_response_minutes, p.resolution_minutes)
            + ((p.calendar_id,) if calendar else ()) for p in policies))
        counts.update(export_business_hours(
            conn, lambda name, header, rows: write_csv_rows(open_file(name), header, rows)))
    return counts


def _unwritable_times(conn: Connection) -> str:
    """Which stored times no file can hold (stored before the importer checked the range)."""
    found = []
    for table, columns in ((schema.agents, ("last_activity_at",)),
                           (schema.items, ("created_at", "first_response_at", "resolved_at"))):
        for column in columns:
            value = table.c[column]
            outside = or_(value < EARLIEST_US, value > LATEST_US)
            for (key,) in conn.execute(select(table.c.id).where(outside).limit(5)):
                found.append(f"{table.name} {key!r} {column}")
    return ("times outside the years 1970 to 2200: " + ", ".join(found)) if found else \
        "a stored time cannot be written"
