"""Dashboard figures of the team or one agent: tiles and chart series, from the services."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from core import breaches, performance, team, trends
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


def response_bucket() -> ColumnElement[int]:
    """The index in RESPONSE_BUCKETS of a ticket's first-response time."""
    elapsed = items.c.first_response_at - items.c.created_at
    return case(*(
        (elapsed < high * US_PER_HOUR, index)
        for index, (_, high) in enumerate(RESPONSE_BUCKETS) if high is not None
    ), else_=len(RESPONSE_BUCKETS) - 1)


def histogram_entries(counts: dict[int, int]) -> list[dict[str, Any]]:
    return [{"bucket": bucket_label(low, high), "low_hours": low, "high_hours": high,
             "count": counts.get(index, 0)}
            for index, (low, high) in enumerate(RESPONSE_BUCKETS)]


def response_histogram(db: Connection, window: Window, agent_id: str | None,
                       team: str | None = None) -> list[dict[str, Any]]:
    """Handled tickets by first-response time bucket (tickets with a first response)."""
    bucket = response_bucket().label("bucket")
    query = (select(bucket, func.count().label("n"))
             .where(tickets_in_scope(agent_id, team), window.created_within(),
                    items.c.first_response_at.is_not(None))
             .group_by(bucket))
    return histogram_entries({int(row.bucket): int(row.n) for row in db.execute(query)})


def open_items(db: Connection, agent_id: str | None, team: str | None = None) -> dict[str, int]:
    query = narrow(select(func.count().label("open"),
                          func.count(case((items.c.assignee_id.is_(None), 1))).label("unassigned")
                          ).where(items.c.status.in_(OPEN_STATUSES)), team)
    if agent_id is not None:
        query = query.where(items.c.assignee_id == agent_id)
    row = db.execute(query).one()
    return {"open_items": int(row.open), "unassigned_open": int(row.unassigned)}


TEAM_SCOPE = "team"  # everyone (the name predates teams)


def dashboard_scope(agent_id: str | None, team: str | None = None) -> str:
    """The snapshot key: 'team' (everyone), 'agent:<id>' or 'team:<name>' (so that no id
    can collide with another scope)."""
    if agent_id is not None:
        return f"agent:{agent_id}"
    return TEAM_SCOPE if team is None else f"team:{team}"


def read_dashboard_snapshot(db: Connection, agent_id: str | None,
                            team: str | None = None) -> dict[str, Any] | None:
    """The stored dashboard (see the refresh-support-dashboards job) of everyone, an agent
    or a team: {computed_at, computed_at_us, payload}, or None before the job's first run."""
    row = db.execute(select(dashboard_snapshots.c.computed_at, dashboard_snapshots.c.payload)
                     .where(dashboard_snapshots.c.scope == dashboard_scope(agent_id, team))
                     ).first()
    if row is None:
        return None
    return {"computed_at": iso_utc(row.computed_at), "computed_at_us": row.computed_at,
            "payload": json.loads(row.payload)}


TILE_FIGURES = ("resolution_rate_percent", "avg_response_time_hours",
                "avg_resolution_time_hours", "sla_compliance_rate_percent", "performance_score",
                "tickets_handled", "tickets_resolved")


def dashboard_payload(window: Window, agent_id: str | None, team_name: str | None,
                      tiles: dict[str, Any], weekly: list[dict[str, Any]],
                      weekly_performance: list[dict[str, Any]], histogram: list[dict[str, Any]],
                      details: dict[str, Any]) -> dict[str, Any]:
    """A dashboard's JSON-ready payload from its parts; details: {"workload": ...} for
    everyone or a team, {"metrics": ...} for an agent."""
    payload: dict[str, Any] = {
        "scope": agent_id or "team",
        "computed_at": iso_utc(window.now_us),
        "days": window.days,
        "timezone": window.tz.key,
        "tiles": tiles,
        "trends": weekly,
        "performance_trends": weekly_performance,
        "response_histogram": histogram,
        **details,
    }
    if team_name is not None:
        payload["team"] = team_name
    return payload


def build_dashboard(db: Connection, window: Window, settings: Settings,
                    agent_id: str | None = None, team_name: str | None = None) -> dict[str, Any]:
    """Everything a dashboard shows, as plain JSON-ready data (stored by the refresh job),
    of an agent, of a team (agent_id None) or of everyone (both None).

    The caller has applied the role rules already."""
    weights = ScoreWeights.from_settings(settings)
    figures = performance.performance(db, window, agent_id, weights, team_name)
    tiles = {
        **open_items(db, agent_id, team_name),
        **breaches.open_sla_counts(db, window.now_us, agent_id, settings.warn_percent,
                                   team_name),
        **{k: figures[k] for k in TILE_FIGURES},
    }
    details = ({"workload": team.workload(db, window, None, team_name)} if agent_id is None
               else {"metrics": performance.metrics(db, window, agent_id, weights, team_name)})
    return dashboard_payload(
        window, agent_id, team_name, tiles,
        trends.trends(db, window, agent_id, team_name)["trends"],
        trends.performance_trends(db, window, agent_id, weights, team_name)["trends"],
        response_histogram(db, window, agent_id, team_name), details)
