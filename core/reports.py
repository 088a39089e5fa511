"""Every report by name: the one entry point the command line, the GUI and the jobs share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from core import breaches, performance, sla_analytics, team, trends, wallboard
from core.access import Actor, require_supervisor, resolve_actor, scope_agent, scope_team
from core.errors import BadInput
from core.performance import ScoreWeights
from core.settings import Settings
from core.window import Window


@dataclass(frozen=True)
class ReportContext:
    db: Connection
    window: Window
    actor: Actor
    agent_id: str | None  # after the role rules; None means the team
    settings: Settings = field(default_factory=Settings)
    # After the role rules: a report narrows to the items of this effective team, and its
    # per-agent rows to the team's agents (None: no narrowing).
    team: str | None = None

    @property
    def weights(self) -> ScoreWeights:
        return ScoreWeights.from_settings(self.settings)


def _performance(ctx: ReportContext) -> dict[str, Any]:
    return performance.performance(ctx.db, ctx.window, ctx.agent_id, ctx.weights, ctx.team)


def _metrics(ctx: ReportContext) -> dict[str, Any]:
    return performance.metrics(ctx.db, ctx.window, ctx.agent_id, ctx.weights, ctx.team)


def _trends(ctx: ReportContext) -> dict[str, Any]:
    return trends.trends(ctx.db, ctx.window, ctx.agent_id, ctx.team)


def _performance_trends(ctx: ReportContext) -> dict[str, Any]:
    return trends.performance_trends(ctx.db, ctx.window, ctx.agent_id, ctx.weights, ctx.team)


def _sla(ctx: ReportContext) -> dict[str, Any]:
    return sla_analytics.sla_analytics(ctx.db, ctx.window, ctx.agent_id, ctx.team)


def _comparison(ctx: ReportContext) -> dict[str, Any]:
    require_supervisor(ctx.actor, "the agent comparison")
    return team.comparison(ctx.db, ctx.window, ctx.weights, ctx.team)


def _workload(ctx: ReportContext) -> dict[str, Any]:
    require_supervisor(ctx.actor, "the workload distribution")
    return team.workload(ctx.db, ctx.window, ctx.agent_id, ctx.team)


def _breaches(ctx: ReportContext) -> dict[str, Any]:
    entries = breaches.breach_entries(ctx.db, ctx.window.now_us, ctx.agent_id, ctx.team)
    return {"breaches": breaches.public(entries), "count": len(entries)}


def _at_risk(ctx: ReportContext) -> dict[str, Any]:
    entries = breaches.at_risk_entries(ctx.db, ctx.window.now_us, ctx.agent_id,
                                       ctx.settings.warn_percent, ctx.team)
    return {"items": breaches.public(entries), "count": len(entries)}


def _wallboard(ctx: ReportContext) -> dict[str, Any]:
    require_supervisor(ctx.actor, "the wallboard")
    return wallboard.wallboard(ctx.db, ctx.window, ctx.settings, ctx.team)


REPORTS: dict[str, Callable[[ReportContext], dict[str, Any]]] = {
    "performance": _performance,
    "metrics": _metrics,
    "trends": _trends,
    "performance-trends": _performance_trends,
    "sla": _sla,
    "comparison": _comparison,
    "workload": _workload,
    "breaches": _breaches,
    "at-risk": _at_risk,
    "wallboard": _wallboard,
}
DEFAULT_DAYS = 30
# Reports whose window is not the usual 30 days when --days is not given.
REPORT_DAYS = {"wallboard": wallboard.DEFAULT_DAYS}


def default_days(name: str) -> int:
    return REPORT_DAYS.get(name, DEFAULT_DAYS)


def run_report(db: Connection, name: str, window: Window, *, actor_id: str | None = None,
               agent_id: str | None = None, settings: Settings | None = None,
               team: str | None = None) -> dict[str, Any]:
    """Run a report on behalf of actor_id (None: the local operator, an admin), narrowed
    to a team's items and agents when team is given."""
    if name not in REPORTS:
        raise BadInput(f"unknown report {name!r} (one of: {', '.join(REPORTS)})")
    return REPORTS[name](report_context(db, window, actor_id=actor_id, agent_id=agent_id,
                                        settings=settings, team=team))


def report_context(db: Connection, window: Window, *, actor_id: str | None = None,
                   agent_id: str | None = None, settings: Settings | None = None,
                   team: str | None = None) -> ReportContext:
    """Who asks, about whom and which team, after the role rules (core.access)."""
    actor = resolve_actor(db, actor_id)
    return ReportContext(db, window, actor, scope_agent(db, actor, agent_id),
                         settings or Settings(), scope_team(db, actor, team))
