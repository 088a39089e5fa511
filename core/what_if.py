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
from core.schema import items, sla_policies
from core.settings import Settings
from core.sql_types import Reader
from core.window import Window

POLICY_KEYS = ("kind", "priority", "first_response_minutes", "resolution_minutes")


def policy_rows(source: str | Path | Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Policies from an sla_policies.csv file (the import's checks), or rows as they are."""
    if isinstance(source, str | Path):
        from core.importer import read_policies  # the importer is heavy: only when needed

        return read_policies(source)
    return [tuple(row) for row in source]


@contextmanager
def policies_swapped(conn: Reader, rows: Sequence[Sequence[Any]]) -> Iterator[Reader]:
    """Within the block the stored SLA policies are `rows`; afterwards, whatever happened,
    the swap is rolled back (a savepoint inside the caller's transaction, else a transaction
    of its own), so nothing is ever written."""
    transaction = conn.begin_nested() if conn.in_transaction() else conn.begin()
    try:
        conn.execute(delete(sla_policies))
        if rows:
            conn.execute(insert(sla_policies), [dict(zip(POLICY_KEYS, row, strict=True))
                                                for row in rows])
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


def preview_policies(db: Connection, window: Window, rows: Sequence[Sequence[Any]], *,
                     actor_id: str | None = None, settings: Settings | None = None
                     ) -> dict[str, Any]:
    """What a change of SLA policies would do over the window: policy_outcome before and
    after, nothing written. Supervisors only (it is a what-if)."""
    actor = resolve_actor(db, actor_id)
    require_supervisor(actor, "a what-if over other SLA policies")
    settings = settings or Settings()
    scope = FigureScope(window, scope_agent(db, actor, None), settings.warn_percent)
    before = policy_outcome(db, scope)
    with policies_swapped(db, policy_rows(rows)):
        after = policy_outcome(db, scope)
    return {"before": before, "after": after}
