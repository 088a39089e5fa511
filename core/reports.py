"""Every report by name: the one entry point the command line, the GUI and the jobs share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from core import breaches, drilldown, performance, sla_analytics, team, trends, wallboard
from core.access import Actor, require_supervisor, resolve_actor, scope_agent, scope_team
from core.errors import BadInput
from core.performance import ScoreWeights
from core.settings import Settings
from core.what_if import policies_swapped, policy_rows
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
    figure: str | None = None  # report items
    week: int | None = None

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


def _figure_scope(ctx: ReportContext) -> drilldown.FigureScope:
    if drilldown.figure_named(ctx.figure).supervisors_only:
        require_supervisor(ctx.actor, f"the figure {ctx.figure!r}")
    return drilldown.FigureScope(ctx.window, ctx.agent_id, ctx.settings.warn_percent,
                                 ctx.team)


def _items(ctx: ReportContext) -> dict[str, Any]:
    scope = _figure_scope(ctx)  # refuses a missing or unknown figure first
    return drilldown.figure_items(ctx.db, ctx.figure or "", scope, ctx.week)


def figure_scope(db: Connection, window: Window, figure: str, *, actor_id: str | None = None,
                 agent_id: str | None = None, settings: Settings | None = None,
                 team: str | None = None) -> drilldown.FigureScope:
    """The scope of a figure's items after the role rules (for the console's items view and
    its export, which read the items in pages rather than as one report)."""
    actor = resolve_actor(db, actor_id)
    ctx = ReportContext(db, window, actor, scope_agent(db, actor, agent_id),
                        settings or Settings(), scope_team(db, actor, team), figure)
    return _figure_scope(ctx)
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
    "items": _items,
    "wallboard": _wallboard,
}
WHAT_IF_REPORTS = ("performance", "metrics", "performance-trends", "sla", "comparison",
                   "breaches", "at-risk", "items")
DEFAULT_DAYS = 30
# Reports whose window is not the usual 30 days when --days is not given.
REPORT_DAYS = {"wallboard": wallboard.DEFAULT_DAYS}


def default_days(name: str) -> int:
    return REPORT_DAYS.get(name, DEFAULT_DAYS)


def run_report(db: Connection, name: str, window: Window, *, actor_id: str | None = None,
               agent_id: str | None = None, settings: Settings | None = None,
               team: str | None = None, figure: str | None = None, week: int | None = None,
               policies: str | Path | Sequence[Sequence[Any]] | None = None) -> dict[str, Any]:
    """Run a report on behalf of actor_id (None: the local operator, an admin), narrowed
    to a team's items and agents when team is given.

    figure and week: for `items`. policies (an sla_policies.csv, or policy rows): answer as
    if those were the SLA policies, writing nothing (supervisors only)."""
    if name not in REPORTS:
        raise BadInput(f"unknown report {name!r} (one of: {', '.join(REPORTS)})")
    if name != "items" and (figure is not None or week is not None):
        raise BadInput("--figure and --week are for `report items` only")
    if policies is not None and name not in WHAT_IF_REPORTS:
        raise BadInput(f"--policies: report {name!r} does not depend on SLA policies "
                       f"(one of: {', '.join(WHAT_IF_REPORTS)})")
    ctx = replace(report_context(db, window, actor_id=actor_id, agent_id=agent_id,
                                 settings=settings, team=team), figure=figure, week=week)
    if policies is None:
        return REPORTS[name](ctx)
    require_supervisor(ctx.actor, "a what-if over other SLA policies")
    with policies_swapped(db, policy_rows(db, policies), window):
        return REPORTS[name](ctx)


def report_context(db: Connection, window: Window, *, actor_id: str | None = None,
                   agent_id: str | None = None, settings: Settings | None = None,
                   team: str | None = None) -> ReportContext:
    """Who asks, about whom and which team, after the role rules (core.access)."""
    actor = resolve_actor(db, actor_id)
    return ReportContext(db, window, actor, scope_agent(db, actor, agent_id),
                         settings or Settings(), scope_team(db, actor, team))
