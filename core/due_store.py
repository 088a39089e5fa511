"""Stored due instants: recomputed in bulk, inside the caller's transaction, for exactly the
items a change affects, so that every report stays one SQL aggregate over items.

items.response_due_at / resolution_due_at (and the *_warn_at instants at which the running
time reaches warn_percent of the target) hold the rule's instants for the items whose
clock needs a calendar or pauses; NULL means the plain rule, created_at + minutes, which
core.sla computes in SQL. So an item without calendar and without a pause in its history
costs nothing here, and rows written by anything that knows nothing of calendars stay right.

The pause statuses and the warn percent the stored instants were computed with are the
database's (table meta): every console on one database must agree on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Row,
    and_,
    delete,
    insert,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.engine import Connection

from core.calendars import parse_calendar
from core.db import write_transaction
from core.due import (
    AlwaysOpen,
    Clock,
    Timeline,
    due_instants,
    due_instants_many,
    running_segments,
)
from core.errors import BadInput
from core.schema import (
    STATUSES,
    WEEKDAYS,
    calendars,
    holidays,
    items,
    meta,
    sla_policies,
    status_changes,
)
from core.settings import Settings

PAUSE_KEY = "sla_pause_statuses"
WARN_KEY = "sla_warn_percent"
DEFAULT_PAUSE_STATUSES = ("waiting",)
DEFAULT_WARN_PERCENT = 80.0
BATCH = 10_000
DUE_COLUMNS = ("response_due_at", "resolution_due_at", "response_warn_at", "resolution_warn_at")


Instants4 = tuple[int | None, int | None, int | None, int | None]  # as DUE_COLUMNS


def driver(conn: Connection) -> Any:
    """The DB-API connection under conn (sqlite3 or psycopg), for bulk statements."""
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw


def clock_settings(conn: Connection) -> tuple[tuple[str, ...], float]:
    """(pause statuses, warn percent) the stored instants follow."""
    stored = dict(conn.execute(select(meta.c.key, meta.c.value)
                               .where(meta.c.key.in_((PAUSE_KEY, WARN_KEY)))).all())
    pauses = (tuple(s for s in stored[PAUSE_KEY].split(",") if s) if PAUSE_KEY in stored
              else DEFAULT_PAUSE_STATUSES)
    warn = float(stored[WARN_KEY]) if WARN_KEY in stored else DEFAULT_WARN_PERCENT
    return pauses, warn


def sync_clock_settings(engine: Engine, settings: Settings) -> int:
    """apply_clock_settings in a transaction of its own, from a Settings object."""
    with write_transaction(engine) as session:
        return apply_clock_settings(session.connection(), settings.pause_statuses,
                                    settings.warn_percent)


def apply_clock_settings(conn: Connection, pause_statuses: Sequence[str],
                         warn_percent: float) -> int:
    """Make the database follow these settings; when they change, every stored instant is
    recomputed (in the caller's transaction). Returns the number of items rewritten."""
    pauses = tuple(sorted(set(pause_statuses)))
    unknown = [s for s in pauses if s not in STATUSES]
    if unknown:
        raise BadInput(f"pause_statuses: unknown status {unknown[0]!r} "
                       f"(expected some of: {', '.join(STATUSES)})")
    stored_pauses, stored_warn = clock_settings(conn)
    if (tuple(sorted(stored_pauses)), stored_warn) == (pauses, float(warn_percent)):
        return 0
    conn.execute(delete(meta).where(meta.c.key.in_((PAUSE_KEY, WARN_KEY))))
    conn.execute(insert(meta), [{"key": PAUSE_KEY, "value": ",".join(pauses)},
                                {"key": WARN_KEY, "value": repr(float(warn_percent))}])
    return recompute_due(conn)


def load_clocks(conn: Connection) -> dict[str, Clock]:
    """Every stored calendar as a Timeline, by id."""
    days: dict[str, set[str]] = {}
    for calendar_id, day in conn.execute(select(holidays.c.calendar_id, holidays.c.day)):
        days.setdefault(calendar_id, set()).add(day)
    clocks: dict[str, Clock] = {}
    for row in conn.execute(select(calendars)):
        spec = parse_calendar(row.id, row.time_zone, [row._mapping[d] for d in WEEKDAYS],
                              frozenset(date.fromisoformat(d) for d in days.get(row.id, ())))
        clocks[row.id] = Timeline(spec)
    return clocks


def pairs_using(conn: Connection, calendar_ids: Iterable[str]) -> set[tuple[str, str]]:
    """The (kind, priority) pairs whose policy follows one of these calendars."""
    calendar_ids = sorted(calendar_ids)
    if not calendar_ids:
        return set()
    return {(row[0], row[1]) for row in conn.execute(
        select(sla_policies.c.kind, sla_policies.c.priority)
        .where(sla_policies.c.calendar_id.in_(calendar_ids)))}


def _policy_of_item() -> ColumnElement[bool]:
    return and_(sla_policies.c.kind == items.c.kind, sla_policies.c.priority == items.c.priority)


def _calendar_or_pause(pauses: Sequence[str]) -> ColumnElement[bool]:
    """Over items JOIN sla_policies: the clock needs a walk (a calendar, or a pause)."""
    paused = (select(status_changes.c.item_id)
              .where(status_changes.c.item_id == items.c.id,
                     status_changes.c.status.in_(list(pauses)))
              .correlate_except(status_changes).exists())
    return or_(sla_policies.c.calendar_id.is_not(None), paused)


def _needs_walk(pauses: Sequence[str]) -> ColumnElement[bool]:
    """Over items alone: tracked, and its policy has a calendar or its history a pause."""
    return (select(sla_policies.c.kind).where(_policy_of_item(), _calendar_or_pause(pauses))
            .correlate_except(sla_policies).exists())


def _scope(pairs: Iterable[tuple[str, str]] | None,
           item_ids: Sequence[str] | None) -> ColumnElement[bool]:
    conditions = []
    if pairs is not None:
        conditions.append(tuple_(items.c.kind, items.c.priority).in_(list(pairs)))
    if item_ids is not None:
        conditions.append(items.c.id.in_(list(item_ids)))
    return and_(true(), *conditions)


def recompute_due(conn: Connection, *, pairs: Iterable[tuple[str, str]] | None = None,
                  item_ids: Sequence[str] | None = None,
                  only: ColumnElement[bool] | None = None) -> int:
    """Recompute the stored instants of the items of these (kind, priority) pairs and/or
    these ids (None: every item), of those only the ones `only` accepts (a what-if reads a
    few of them), in the caller's transaction. Returns how many items' stored instants
    were rewritten."""
    if pairs is not None:
        pairs = list(pairs)
        if not pairs:
            return 0
    if item_ids is not None:
        if not item_ids:
            return 0
        if len(item_ids) > BATCH:
            return sum(recompute_due(conn, pairs=pairs, item_ids=chunk, only=only)
                       for chunk in _chunks(item_ids, BATCH))
    pauses, warn_percent = clock_settings(conn)
    scope = _scope(pairs, item_ids) if only is None else and_(_scope(pairs, item_ids), only)
    cleared = conn.execute(
        update(items).where(scope, ~_needs_walk(pauses),
                            or_(*(items.c[c].is_not(None) for c in DUE_COLUMNS)))
        .values({c: None for c in DUE_COLUMNS})
    ).rowcount
    return max(cleared, 0) + _walk(conn, scope, _calendar_or_pause(pauses), pauses, warn_percent)


def _chunks(values: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _walk(conn: Connection, scope: ColumnElement[bool], walk: ColumnElement[bool],
          pauses: Sequence[str], warn_percent: float) -> int:
    clocks: dict[str | None, Clock] = {None: AlwaysOpen()}
    clocks.update(load_clocks(conn))
    # The ids first, in one pass (no ORDER BY ... LIMIT paging: SQLite would sort all the
    # matching rows again for every page); then the rows, a batch of ids at a time.
    ids = sorted(conn.execute(select(items.c.id).select_from(
        items.join(sla_policies, _policy_of_item())).where(scope, walk)).scalars())
    query = (select(items.c.id, items.c.created_at, sla_policies.c.first_response_minutes,
                    sla_policies.c.resolution_minutes, sla_policies.c.calendar_id,
                    *(items.c[c] for c in DUE_COLUMNS))
             .select_from(items.join(sla_policies, _policy_of_item())))
    written = 0
    for chunk in _chunks(ids, BATCH):
        rows = conn.execute(query.where(items.c.id.in_(chunk))).all()
        histories: dict[str, list[tuple[int, str]]] = {}
        for item_id, changed_at, status in conn.execute(
                select(status_changes.c.item_id, status_changes.c.changed_at,
                       status_changes.c.status)
                .where(status_changes.c.item_id.in_([r.id for r in rows]))
                .order_by(status_changes.c.item_id, status_changes.c.changed_at)):
            histories.setdefault(item_id, []).append((changed_at, status))
        computed: dict[str, Instants4] = {}
        steady: dict[str | None, list[Row[Any]]] = {}  # by calendar: the rows that never pause
        for row in rows:
            segments = running_segments(row.created_at, histories.get(row.id, ()), pauses)
            if segments == [(row.created_at, None)]:
                steady.setdefault(row.calendar_id, []).append(row)
                continue
            clock = clocks[row.calendar_id]
            response = due_instants(clock, segments, row.created_at,
                                    row.first_response_minutes, warn_percent)
            resolution = due_instants(clock, segments, row.created_at, row.resolution_minutes,
                                      warn_percent)
            computed[row.id] = (response[0], resolution[0], response[1], resolution[1])
        for calendar_id, group in steady.items():
            computed.update(_steady_instants(clocks[calendar_id], group, warn_percent))
        changed = [(*computed[row.id], row.id) for row in rows
                   if computed[row.id] != tuple(row[5:9])]
        _write(conn, changed)
        written += len(changed)
    return written


def _steady_instants(clock: Clock, rows: list[Row[Any]],
                     warn_percent: float) -> dict[str, Instants4]:
    """Due and warn instants of items that never pause, all at once per calendar."""
    import numpy as np

    created = np.array([r.created_at for r in rows], dtype=np.int64)
    targets = []
    for column in ("first_response_minutes", "resolution_minutes"):
        minutes = [getattr(r, column) for r in rows]
        missing = [m is None for m in minutes]
        due, warn = due_instants_many(
            clock, created, np.array([m or 0 for m in minutes], dtype=np.int64), warn_percent)
        targets.append(([None if gone else int(d) for d, gone in zip(due, missing, strict=True)],
                        [None if gone else int(w) for w, gone in zip(warn, missing, strict=True)]))
    (response_due, response_warn), (resolution_due, resolution_warn) = targets
    return {row.id: (response_due[n], resolution_due[n], response_warn[n], resolution_warn[n])
            for n, row in enumerate(rows)}


def _write(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _write_by_copy(conn, rows)
        return
    sets = ", ".join(f"{c} = ?" for c in DUE_COLUMNS)
    driver(conn).executemany(f"UPDATE items SET {sets} WHERE id = ?", rows)


def _write_by_copy(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    cursor = driver(conn).cursor()
    try:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS _due_stage (response_due_at BIGINT, "
                       "resolution_due_at BIGINT, response_warn_at BIGINT, "
                       "resolution_warn_at BIGINT, id VARCHAR(64)) ON COMMIT DROP")
        with cursor.copy("COPY _due_stage FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        sets = ", ".join(f"{c} = s.{c}" for c in DUE_COLUMNS)
        cursor.execute(f"UPDATE items SET {sets} FROM _due_stage s WHERE items.id = s.id")
        cursor.execute("TRUNCATE _due_stage")
    finally:
        cursor.close()
