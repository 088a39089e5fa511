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

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, cast

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Engine,
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
from sqlalchemy.sql import Join

from core.calendars import parse_calendar
from core.db import write_transaction
from core.due import AlwaysOpen, Clock, Instants, SegmentTable, Timeline, due_instants_many
from core.errors import BadInput
from core.histories import Histories
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
    clocks = all_clocks(conn)
    # The ids first, in one pass and in the database's order (no ORDER BY ... LIMIT paging:
    # SQLite would sort all the matching rows again for every page); then the rows and
    # their histories, BATCH ids at a time.
    joined = items.join(sla_policies, _policy_of_item())
    ids = conn.execute(select(items.c.id).select_from(joined).where(scope, walk)
                       .order_by(items.c.id)).scalars().all()
    query = (select(items.c.id, items.c.created_at, sla_policies.c.first_response_minutes,
                    sla_policies.c.resolution_minutes, sla_policies.c.calendar_id,
                    *(items.c[c] for c in DUE_COLUMNS))
             .select_from(joined))
    history = select(status_changes.c.item_id, status_changes.c.changed_at,
                     status_changes.c.status)
    paused = frozenset(pauses)
    written = 0
    with _page_cache(conn, WALK_CACHE_KIB):
        for chunk in _chunks(ids, BATCH):
            of_items, of_changes = _chunk_conditions(conn, chunk, joined, and_(scope, walk))
            rows = conn.execute(query.where(of_items)).all()
            index = {row.id: n for n, row in enumerate(rows)}
            changes = conn.execute(history.where(of_changes)).all()
            histories = Histories(np.array([index[c[0]] for c in changes], dtype=np.int64),
                                  np.array([c[1] for c in changes], dtype=np.int64),
                                  np.array([c[2] in paused for c in changes], dtype=bool),
                                  len(rows))
            changed = [(*instants, row.id) for row, instants
                       in zip(rows, _instants(rows, histories, clocks, warn_percent),
                              strict=True)
                       if instants != tuple(row[5:9])]
            _write(conn, changed)
            written += len(changed)
    return written


def _chunk_conditions(conn: Connection, chunk: Sequence[str], joined: Join,
                      walked: ColumnElement[bool]) -> tuple[ColumnElement[bool],
                                                           ColumnElement[bool]]:
    """(the chunk's items, their status changes), chunk: consecutive ids of those the walk
    takes (walked), in the database's order. SQLite looks each id up in the primary key
    (given a range, it may scan an index of the scope's columns instead: a policy change
    took 30 s, not 10). PostgreSQL reads one index range (a list of 10,000 ids to look
    up took it 0.2 s a batch)."""
    if conn.dialect.name == "sqlite":
        return items.c.id.in_(chunk), status_changes.c.item_id.in_(chunk)
    in_range = items.c.id.between(chunk[0], chunk[-1])
    return and_(in_range, walked), and_(
        status_changes.c.item_id.between(chunk[0], chunk[-1]),
        status_changes.c.item_id.in_(select(items.c.id).select_from(joined)
                                     .where(walked, in_range)))


def _instants(rows: Sequence[Any], histories: Histories, clocks: dict[str | None, Clock],
              warn_percent: float) -> list[Instants4]:
    """The stored instants of each row (id, created_at, its policy's first response and
    resolution minutes and calendar, ...), its history row n of histories."""
    computed: list[Instants4] = [(None, None, None, None)] * len(rows)
    by_policy: dict[tuple[Any, ...], list[int]] = {}
    for n, row in enumerate(rows):
        by_policy.setdefault(tuple(row[2:5]), []).append(n)
    for (first_response, resolution, calendar_id), members in by_policy.items():
        at = np.array(members, dtype=np.int64)
        created = np.array([rows[n].created_at for n in members], dtype=np.int64)
        found = policy_instants(clocks[calendar_id], first_response, resolution,
                                histories.segments(at, created), warn_percent)
        for n, *instants in zip(members, *found, strict=True):
            computed[n] = cast(Instants4, tuple(instants))
    return computed


# SQLite: a recomputation writes due instants all over the covering indexes of items; with
# the default 2 MiB page cache, pages went back and forth to the OS (at a million items 5
# of a 14 s what-if in system time; 1 s with this). The cache grows only as pages are read.
WALK_CACHE_KIB = 256 * 1024


@contextmanager
def _page_cache(conn: Connection, kib: int) -> Iterator[None]:
    """SQLite: a page cache of kib KiB on this connection meanwhile, then the one it had."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def all_clocks(conn: Connection) -> dict[str | None, Clock]:
    """Every calendar's clock by id, and the always-open clock under None."""
    clocks: dict[str | None, Clock] = {None: AlwaysOpen()}
    clocks.update(load_clocks(conn))
    return clocks


def policy_instants(clock: Clock, first_response: int | None, resolution: int | None,
                    table: SegmentTable, warn_percent: float) -> list[list[int | None]]:
    """The stored instants of items with these running segments, under a policy with these
    targets (None: not set) and this clock: a list per column of DUE_COLUMNS."""
    rows = len(table.count)
    return [[None] * rows if column is None else column.tolist() for column in
            policy_instant_arrays(clock, first_response, resolution, table, warn_percent)]


def policy_instant_arrays(clock: Clock, first_response: int | None, resolution: int | None,
                          table: SegmentTable, warn_percent: float) -> list[Instants | None]:
    """policy_instants as an array per column of DUE_COLUMNS (None: the target is not set)."""
    found: dict[int | None, tuple[Instants, Instants]] = {}
    for minutes in (first_response, resolution):
        if minutes is not None and minutes not in found:
            found[minutes] = due_instants_many(
                clock, table, np.full(len(table.count), minutes, dtype=np.int64), warn_percent)
    response = found.get(first_response, (None, None))
    resolution_ = found.get(resolution, (None, None))
    return [response[0], resolution_[0], response[1], resolution_[1]]


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
