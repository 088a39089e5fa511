"""Performance: the handled-ticket figures, the 0-100 score and the performance metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from core import sla
from core.schema import items
from core.settings import Settings
from core.sql_types import AnySelect, Reader
from core.timeutil import US_PER_HOUR, period_starts, round_or_none
from core.window import Window

PERFORMANCE_FIELDS = (
    "tickets_handled",
    "tickets_resolved",
    "resolution_rate_percent",
    "avg_resolution_time_hours",
    "avg_response_time_hours",
    "sla_compliance_rate_percent",
)


@dataclass(frozen=True)
class ScoreWeights:
    resolution: float = 0.4
    response: float = 0.3
    sla: float = 0.3
    response_horizon_hours: float = 24.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ScoreWeights:
        return cls(settings.weight_resolution, settings.weight_response,
                   settings.weight_sla, settings.response_horizon_hours)


def tickets_in_scope(agent_id: str | None, team: str | None = None) -> ColumnElement[bool]:
    """Tickets of the agent, or every ticket (assigned or not) for everyone; with a team,
    of those the ones whose effective team it is."""
    condition = items.c.kind == "ticket"
    if team is not None:
        condition = and_(condition, items.c.effective_team == team)
    if agent_id is not None:
        condition = and_(condition, items.c.assignee_id == agent_id)
    return condition


def performance_aggregates(now_us: int) -> tuple[ColumnElement[Any], ...]:
    """The SQL aggregates behind the performance fields, over any grouping."""
    return (
        func.count().label("handled"),
        func.count(items.c.resolved_at).label("resolved"),
        func.avg(items.c.resolved_at - items.c.created_at).label("avg_resolution_us"),
        func.avg(items.c.first_response_at - items.c.created_at).label("avg_response_us"),
        # The sums behind the means, so that groups add up (core.dashboard_rollup).
        func.sum(items.c.resolved_at - items.c.created_at).label("sum_resolution_us"),
        func.sum(items.c.first_response_at - items.c.created_at).label("sum_response_us"),
        func.count(items.c.first_response_at).label("responded"),
        sla.count_if(sla.is_tracked()).label("tracked"),
        sla.count_if(sla.is_breached(now_us)).label("breached"),
    )


def handled_query(window: Window, agent_id: str | None, *group_by: ColumnElement[Any],
                  team: str | None = None) -> AnySelect:
    query = select(*group_by, *performance_aggregates(window.now_us)).select_from(items)
    query = sla.with_policy(query).where(tickets_in_scope(agent_id, team),
                                         window.created_within())
    return query.group_by(*group_by) if group_by else query


class _NothingHandled:
    """The aggregate row of a group with no tickets (an agent or week with none)."""

    handled = resolved = tracked = breached = 0
    avg_resolution_us = avg_response_us = None


NOTHING_HANDLED = _NothingHandled()


def _ratio(part: float, whole: float) -> float | None:
    return None if not whole else 100.0 * part / whole


def _hours(value_us: Any) -> float | None:
    return None if value_us is None else float(value_us) / US_PER_HOUR


def performance_fields(row: Any, weights: ScoreWeights) -> dict[str, Any]:
    """From an aggregate row to the rounded fields plus performance_score."""
    handled, resolved = int(row.handled or 0), int(row.resolved or 0)
    tracked, breached = int(row.tracked or 0), int(row.breached or 0)
    rate = _ratio(resolved, handled)
    response_h = _hours(row.avg_response_us)
    compliance = _ratio(tracked - breached, tracked)
    return {
        "tickets_handled": handled,
        "tickets_resolved": resolved,
        "resolution_rate_percent": round_or_none(rate, 1),
        "avg_resolution_time_hours": round_or_none(_hours(row.avg_resolution_us), 2),
        "avg_response_time_hours": round_or_none(response_h, 2),
        "sla_compliance_rate_percent": round_or_none(compliance, 1),
        "performance_score": performance_score(handled, rate, response_h, compliance, weights),
    }


def score_factors(handled: int | None, rate: float | None, response_hours: float | None,
                  compliance: float | None,
                  weights: ScoreWeights) -> tuple[float, float, float] | None:
    """The score's R, S and C (each 0 to 1); None when nothing was handled."""
    if not handled:
        return None
    r = (rate or 0.0) / 100.0
    s = 0.0 if response_hours is None else max(0.0, 1.0 - response_hours / weights.response_horizon_hours)
    c = 1.0 if compliance is None else compliance / 100.0
    return r, s, c


def performance_score(handled: int, rate: float | None, response_hours: float | None,
                      compliance: float | None, weights: ScoreWeights) -> float | None:
    """score = 100 * (0.4 R + 0.3 S + 0.3 C); null when nothing was handled."""
    factors = score_factors(handled, rate, response_hours, compliance, weights)
    if factors is None:
        return None
    r, s, c = factors
    return round(100.0 * (weights.resolution * r + weights.response * s + weights.sla * c), 1)


def performance(db: Connection, window: Window, agent_id: str | None,
                weights: ScoreWeights, team: str | None = None) -> dict[str, Any]:
    """The performance fields (and score) of an agent, a team or everyone."""
    row = db.execute(handled_query(window, agent_id, team=team)).one()
    return performance_fields(row, weights)


def resolved_since(db: Reader, window: Window, agent_id: str | None,
                   team: str | None = None, *group_by: ColumnElement[Any]) -> Any:
    """Tickets resolved since the start of today, this week and this month (local); with
    group_by (one column), {group: counts} for the groups that resolved any."""
    starts = period_starts(window.now_us, window.tz)
    resolved_by_now = and_(tickets_in_scope(agent_id, team),
                           items.c.resolved_at <= window.now_us)
    query = select(*group_by, *(
        sla.count_if(items.c.resolved_at >= start).label(name) for name, start in starts.items()
    )).where(resolved_by_now, items.c.resolved_at >= min(starts.values()))
    if not group_by:
        row = db.execute(query).one()
        return {name: int(getattr(row, name)) for name in starts}
    return {row[0]: {name: int(getattr(row, name)) for name in starts}
            for row in db.execute(query.group_by(*group_by))}


def metrics(db: Connection, window: Window, agent_id: str | None,
            weights: ScoreWeights, team: str | None = None) -> dict[str, Any]:
    """The performance metrics report (the seed's field names)."""
    return metrics_from(performance(db, window, agent_id, weights, team),
                        resolved_since(db, window, agent_id, team))


NOTHING_RESOLVED = {"today": 0, "week": 0, "month": 0}


def metrics_from(fields: dict[str, Any], since: dict[str, int]) -> dict[str, Any]:
    """The metrics report from the performance fields and resolved_since's counts."""
    return {
        "performance_score": fields["performance_score"],
        "tickets_handled": fields["tickets_handled"],
        "tickets_resolved": fields["tickets_resolved"],
        "resolution_rate": fields["resolution_rate_percent"],
        "avg_response_time_hours": fields["avg_response_time_hours"],
        "avg_resolution_time_hours": fields["avg_resolution_time_hours"],
        "sla_compliance_rate": fields["sla_compliance_rate_percent"],
        "tickets_resolved_today": since["today"],
        "tickets_resolved_this_week": since["week"],
        "tickets_resolved_this_month": since["month"],
    }
