"""The items behind a figure: for every figure, exactly the items its aggregate counts.

Each figure's condition is the one its own report uses (performance.handled,
sla_analytics.tracked_in_window, breaches.active_breach, ...), so a count and its list
cannot differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.sql import ColumnElement

from core import breaches, sla
from core.errors import BadInput
from core.performance import RESOLVED, RESPONDED, handled
from core.schema import items
from core.sla_analytics import resolved_on_time, tracked_in_window
from core.sql_types import AnySelect, Reader
from core.timeutil import iso_utc
from core.trends import in_week, week_count
from core.window import Window

ITEM_FIELDS = ("item_id", "kind", "priority", "status", "assignee", "subject", "created_at",
               "first_response_at", "resolved_at", "breached_targets")


@dataclass(frozen=True)
class FigureScope:
    window: Window
    agent_id: str | None  # after the role rules; None: the team
    warn_percent: float = 80.0
    team: str | None = None  # after the role rules; None: no narrowing


@dataclass(frozen=True)
class Figure:
    title: str
    condition: Callable[[FigureScope], ColumnElement[bool]]
    windowed: bool  # counts items created in the window (so --week applies)
    supervisors_only: bool = False


def _handled(s: FigureScope) -> ColumnElement[bool]:
    return handled(s.window, s.agent_id)


def _tracked(s: FigureScope) -> ColumnElement[bool]:
    return tracked_in_window(s.window, s.agent_id)


FIGURES: dict[str, Figure] = {
    "tickets_handled": Figure("Tickets handled", _handled, True),
    "tickets_resolved": Figure(
        "Tickets resolved", lambda s: and_(_handled(s), RESOLVED.is_not(None)), True),
    "tickets_responded": Figure(
        "Tickets with a first response", lambda s: and_(_handled(s), RESPONDED.is_not(None)),
        True),
    "sla_tracked": Figure("SLA-tracked items", _tracked, True),
    "sla_breached": Figure(
        "SLA breached", lambda s: and_(_tracked(s), sla.is_breached(s.window.now_us)), True),
    "resolved_on_time": Figure(
        "Resolved on time", lambda s: and_(_tracked(s), resolved_on_time(s.window.now_us)),
        True),
    "open": Figure("Open items", lambda s: breaches.open_in_scope(s.agent_id), False),
    "unassigned_open": Figure(
        "Unassigned open items",
        lambda s: and_(breaches.open_in_scope(None), items.c.assignee_id.is_(None)), False,
        supervisors_only=True),
    "active_breaches": Figure(
        "Active breaches", lambda s: breaches.active_breach(s.window.now_us, s.agent_id), False),
    "at_risk": Figure(
        "At risk", lambda s: breaches.at_risk(s.window.now_us, s.agent_id, s.warn_percent),
        False),
}


def figure_named(name: str | None) -> Figure:
    if not name:
        raise BadInput(f"report items needs --figure NAME (one of: {', '.join(FIGURES)})")
    if name not in FIGURES:
        raise BadInput(f"--figure: unknown figure {name!r} (one of: {', '.join(FIGURES)})")
    return FIGURES[name]


def figure_condition(name: str, scope: FigureScope, week: int | None = None
                     ) -> ColumnElement[bool]:
    """The WHERE clause of a figure, narrowed to one week of the window when asked."""
    figure = figure_named(name)
    condition = figure.condition(scope)
    if scope.team is not None:  # the items of the team's queue (core.teams.narrow)
        condition = and_(condition, items.c.effective_team == scope.team)
    if week is None:
        return condition
    if not figure.windowed:
        raise BadInput(f"--week: the figure {name!r} has no window (it is about now)")
    weeks = week_count(scope.window)
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= weeks:
        raise BadInput(f"--week must be between 1 and {weeks} for {scope.window.days} days, "
                       f"not {week!r}")
    return and_(condition, in_week(scope.window, week))


def _items_query(condition: ColumnElement[bool], now_us: int) -> AnySelect:
    return sla.with_policy(select(
        items.c.id, items.c.kind, items.c.priority, items.c.status, items.c.assignee_id,
        items.c.subject, items.c.created_at, items.c.first_response_at, items.c.resolved_at,
        sla.flag(sla.response_breached(now_us)).label("response_breached"),
        sla.flag(sla.resolution_breached(now_us)).label("resolution_breached"),
    ).select_from(items)).where(condition).order_by(items.c.id)


def _row(row: Any) -> dict[str, Any]:
    targets = []
    if row.response_breached:
        targets.append("first_response")
    if row.resolution_breached:
        targets.append("resolution")
    return {
        "item_id": row.id, "kind": row.kind, "priority": row.priority, "status": row.status,
        "assignee": row.assignee_id, "subject": row.subject,
        "created_at": iso_utc(row.created_at),
        "first_response_at": iso_utc(row.first_response_at),
        "resolved_at": iso_utc(row.resolved_at),
        "breached_targets": targets,
    }


def iter_figure_items(db: Reader, name: str, scope: FigureScope, week: int | None = None,
                      *, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """The items behind a figure, by item_id, streamed from the database in batches."""
    condition = figure_condition(name, scope, week)
    result = db.execute(_items_query(condition, scope.window.now_us),
                        execution_options={"stream_results": True, "yield_per": batch})
    for row in result:
        yield _row(row)


def count_figure_items(db: Reader, name: str, scope: FigureScope,
                       week: int | None = None) -> int:
    condition = figure_condition(name, scope, week)
    query = sla.with_policy(select(func.count()).select_from(items)).where(condition)
    return int(db.execute(query).scalar_one())


def figure_items(db: Reader, name: str, scope: FigureScope,
                 week: int | None = None) -> dict[str, Any]:
    """`report items`: {"items": [row, ...], "count": N}."""
    rows = list(iter_figure_items(db, name, scope, week))
    return {"items": rows, "count": len(rows)}
