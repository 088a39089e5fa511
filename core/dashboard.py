"""Dashboard figures of the team or one agent: tiles and chart series, from the services."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from core import breaches, performance, trends
from core import team as team_module
from core.grouping import key_columns, key_of, rows_by_key
from core.performance import ScoreWeights, tickets_in_scope
from core.schema import OPEN_STATUSES, dashboard_snapshots, items
from core.settings import Settings
from core.teams import narrow
from core.timeutil import US_PER_HOUR, iso_utc
from core.window import Window

# First-response time buckets, in hours: [low, high).
RESPONSE_BUCKETS = ((0, 1), (1, 2), (2, 4), (4, 8), (8, 24), (24, 48), (48, None))


def bucket_label(low: int, high: int | None) -> str:
    return f"{low}-{high} h" if high is not None else f"{low}+ h"


def response_histogram(db: Connection, window: Window, agent_id: str | None,
                       team: str | None = None, by=None, keys: tuple = (None,)):
    """Handled tickets by first-response time bucket (tickets with a first response); with
    `by` (core.grouping), {key: buckets} for keys."""
    elapsed = items.c.first_response_at - items.c.created_at
    bucket = case(*(
        (elapsed < high * US_PER_HOUR, index)
        for index, (_, high) in enumerate(RESPONSE_BUCKETS) if high is not None
    ), else_=len(RESPONSE_BUCKETS) - 1).label("bucket")
    query = (select(*key_columns(by), bucket, func.count().label("n"))
             .where(tickets_in_scope(agent_id, team), window.created_within(),
                    items.c.first_response_at.is_not(None))
             .group_by(*key_columns(by), bucket))
    grouped = rows_by_key(db.execute(query), by)
    result = {}
    for key in keys:
        counts = {int(row.bucket): int(row.n) for row in grouped.get(key, ())}
        result[key] = [{"bucket": bucket_label(low, high), "low_hours": low,
                        "high_hours": high, "count": counts.get(index, 0)}
                       for index, (low, high) in enumerate(RESPONSE_BUCKETS)]
    return result if by is not None else result[None]


def open_items(db: Connection, agent_id: str | None, team: str | None = None, by=None,
               keys: tuple = (None,)) -> dict:
    """Open and unassigned open items; with `by` (core.grouping), {key: counts} for keys."""
    query = narrow(select(*key_columns(by), func.count().label("open"),
                          func.count(case((items.c.assignee_id.is_(None), 1))).label("unassigned")
                          ).where(items.c.status.in_(OPEN_STATUSES)), team)
    if agent_id is not None:
        query = query.where(items.c.assignee_id == agent_id)
    rows = {key_of(row, by): row for row in db.execute(query.group_by(*key_columns(by)))}
    result = {key: {"open_items": int(row.open) if row else 0,
                    "unassigned_open": int(row.unassigned) if row else 0}
              for key in keys for row in (rows.get(key),)}
    return result if by is not None else result[None]


TEAM_SCOPE = "team"  # everyone (the name predates teams)


def dashboard_scope(agent_id: str | None, team: str | None = None) -> str:
    """The snapshot key: 'team' (everyone), 'agent:<id>' or 'team:<name>' (so that no id
    can collide with another scope)."""
    if agent_id is not None:
        return f"agent:{agent_id}"
    return TEAM_SCOPE if team is None else f"team:{team}"


def read_dashboard_snapshot(db: Connection, agent_id: str | None,
                            team: str | None = None) -> dict[str, Any] | None:
    """The stored dashboard (see the refresh-support-dashboards job) of everyone, an agent or
    a team: {computed_at, computed_at_us, payload}, or None before the job's first run."""
    row = db.execute(select(dashboard_snapshots.c.computed_at, dashboard_snapshots.c.payload)
                     .where(dashboard_snapshots.c.scope == dashboard_scope(agent_id, team))
                     ).first()
    if row is None:
        return None
    return {"computed_at": iso_utc(row.computed_at), "computed_at_us": row.computed_at,
            "payload": json.loads(row.payload)}


def build_dashboard(db: Connection, window: Window, settings: Settings,
                    agent_id: str | None = None, team: str | None = None) -> dict[str, Any]:
    """Everything a dashboard shows, as plain JSON-ready data (stored by the refresh job):
    of an agent, of a team (agent_id None), or of everyone (both None).

    The caller has applied the role rules already."""
    return build_dashboards(db, window, settings, agent_id=agent_id, team=team)[None]


PER = {"agent": items.c.assignee_id, "team": items.c.effective_team}


def build_dashboards(db: Connection, window: Window, settings: Settings, *,
                     per: str | None = None, keys: tuple = (None,),
                     agent_id: str | None = None,
                     team: str | None = None) -> dict[Any, dict[str, Any]]:
    """The dashboards of many scopes in a few grouped statements (core.grouping): per
    "agent", of the agents of keys; per "team", of the teams of keys; without `per`, the
    one scope of agent_id and team, under the key None."""
    weights = ScoreWeights.from_settings(settings)
    by = PER[per] if per is not None else None
    agents_view = agent_id is not None or per == "agent"
    scoped = {"team": team, "by": by, "keys": keys}
    if by is None:
        figures = {None: performance.performance(db, window, agent_id, weights, team)}
    else:
        found = performance.performance_by(db, window, weights, by, team)
        nothing = performance.performance_fields(performance.NOTHING_HANDLED, weights)
        figures = {key: found.get(key, nothing) for key in keys}
    opened = open_items(db, agent_id, **scoped)
    sla_counts = breaches.open_sla_counts(db, window.now_us, agent_id, settings.warn_percent,
                                          **scoped)
    weekly = trends.trends(db, window, agent_id, **scoped)
    weekly_performance = trends.performance_trends(db, window, agent_id, weights, **scoped)
    histogram = response_histogram(db, window, agent_id, **scoped)
    if agents_view:
        since = performance.resolved_since(db, window, agent_id, team, by)
    elif by is None:
        workloads = {None: team_module.workload(db, window, None, team)}
    else:
        workloads = team_module.workloads_by_team(db, window, keys)
    if by is None:
        opened, sla_counts, weekly, weekly_performance, histogram = (
            {None: part} for part in (opened, sla_counts, weekly, weekly_performance, histogram))
        since = {None: since} if agents_view else None
    payloads = {}
    for key in keys:
        scope_agent = key if by is not None and agents_view else agent_id
        scope_team = key if by is not None and not agents_view else team
        tiles = {
            **opened[key], **sla_counts[key],
            **{k: figures[key][k] for k in (
                "resolution_rate_percent", "avg_response_time_hours",
                "avg_resolution_time_hours", "sla_compliance_rate_percent",
                "performance_score", "tickets_handled", "tickets_resolved")},
        }
        payload: dict[str, Any] = {
            "scope": scope_agent or "team",
            "computed_at": iso_utc(window.now_us),
            "days": window.days,
            "timezone": window.tz.key,
            "tiles": tiles,
            "trends": weekly[key]["trends"],
            "performance_trends": weekly_performance[key]["trends"],
            "response_histogram": histogram[key],
        }
        if scope_team is not None:
            payload["team"] = scope_team
        if agents_view:
            payload["metrics"] = performance.metrics_from(
                figures[key], since.get(key) or performance.NOTHING_RESOLVED)
        else:
            payload["workload"] = workloads[key]
        payloads[key] = payload
    return payloads
