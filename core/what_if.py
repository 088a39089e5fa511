"""What-if: reports answered for other SLA policies, inside a transaction always rolled back."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.engine import Connection

from core import sla
from core.access import require_supervisor, resolve_actor, scope_agent
from core.drilldown import FigureScope, figure_condition
from core.schema import OPEN_STATUSES, items, sla_policies
from core.settings import Settings
from core.sql_types import Reader
from core.window import Window

POLICY_KEYS = ("kind", "priority", "first_response_minutes", "resolution_minutes",
               "calendar_id")


def policy_rows(conn: Connection,
                source: str | Path | Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Policies from an sla_policies.csv file (the import's checks: a calendar it names must
    exist), or rows as they are ((kind, priority, first response, resolution[, calendar]))."""
    if isinstance(source, str | Path):
        from core.import_hours import known_calendars  # the importer is heavy: only when needed
        from core.importer import read_policies

        return read_policies(source, known_calendars(conn))
    return [(*row, None) if len(row) == len(POLICY_KEYS) - 1 else tuple(row) for row in source]


def _stored_policies(conn: Connection) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {(row[0], row[1]): tuple(row)
            for row in conn.execute(select(*(sla_policies.c[key] for key in POLICY_KEYS)))}


@contextmanager
def policies_swapped(conn: Connection, rows: Sequence[Sequence[Any]],
                     window: Window | None = None) -> Iterator[Connection]:
    """Within the block the stored SLA policies are `rows` (and the stored due instants of
    the items whose policy differs are recomputed for them: with a window, only of the
    items a report over it reads, those created in it and the open ones); afterwards,
    whatever happened, all of it is rolled back (a savepoint inside the caller's
    transaction, else a transaction of its own), so nothing is ever written."""
    from core.due_store import recompute_due

    transaction = conn.begin_nested() if conn.in_transaction() else conn.begin()
    try:
        before = _stored_policies(conn)
        after = {(row[0], row[1]): tuple(row) for row in rows}
        conn.execute(delete(sla_policies))
        if rows:
            conn.execute(insert(sla_policies), [dict(zip(POLICY_KEYS, row, strict=True))
                                                for row in after.values()])
        changed = {pair for pair in before.keys() | after.keys()
                   if before.get(pair) != after.get(pair)}
        read = None if window is None else or_(items.c.created_at > window.start_us,
                                                items.c.status.in_(OPEN_STATUSES))
        recompute_due(conn, pairs=sorted(changed), only=read)
        yield conn
    finally:
        transaction.rollback()


# The figures an SLA policy editor shows before and after a change, per (kind, priority).
PREVIEW_FIGURES = ("sla_tracked", "sla_breached", "active_breaches")


def policy_outcome(db: Reader, scope: FigureScope) -> dict[str, Any]:
    """Tracked, breached (created in the window) and active breaches now, per (kind,
    priority) and in total, with the compliance of each, under the stored policies."""
    conditions = {name: figure_condition(name, scope) for name in PREVIEW_FIGURES}
    query = sla.with_policy(select(
        items.c.kind, items.c.priority,
        *(sla.count_if(condition).label(name) for name, condition in conditions.items()),
    ).select_from(items)).where(or_(*conditions.values())).group_by(items.c.kind,
                                                                     items.c.priority)
    groups = {(row.kind, row.priority): _outcome(row.sla_tracked, row.sla_breached,
                                                 row.active_breaches)
              for row in db.execute(query)}
    total = _outcome(*(sum(g[key] for g in groups.values())
                       for key in ("tracked", "breached", "active_breaches")))
    return {"groups": groups, "total": total}


def _outcome(tracked: int, breached: int, active: int) -> dict[str, Any]:
    tracked, breached = int(tracked), int(breached)
    compliance = round(100.0 * (tracked - breached) / tracked, 1) if tracked else None
    return {"tracked": tracked, "breached": breached, "active_breaches": int(active),
            "compliance_rate_percent": compliance}


def preview_policies(db: Connection, window: Window,
                     rows: str | Path | Sequence[Sequence[Any]], *,
                     actor_id: str | None = None, settings: Settings | None = None
                     ) -> dict[str, Any]:
    """What a change of SLA policies would do over the window: policy_outcome before and
    after, nothing written. Supervisors only (it is a what-if)."""
    actor = resolve_actor(db, actor_id)
    require_supervisor(actor, "a what-if over other SLA policies")
    settings = settings or Settings()
    scope = FigureScope(window, scope_agent(db, actor, None), settings.warn_percent)
    before = policy_outcome(db, scope)
    with policies_swapped(db, policy_rows(db, rows), window):
        after = policy_outcome(db, scope)
    return {"before": before, "after": after}
