"""The wallboard: the team's figures as tiles, each with a state from its thresholds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from core import breaches, dashboard, performance, sla_analytics
from core.schema import items
from core.settings import Settings
from core.timeutil import iso_utc
from core.wallboard_thresholds import TILE_NAMES, parse_thresholds, tile_state
from core.window import Window

DEFAULT_DAYS = 1


def tickets_resolved_within(db: Connection, window: Window, team: str | None = None) -> int:
    """Tickets whose resolved_at falls in the window, whenever they were created."""
    query = select(func.count()).select_from(items).where(
        performance.tickets_in_scope(None, team),
        items.c.resolved_at > window.start_us, items.c.resolved_at <= window.now_us)
    return int(db.scalar(query) or 0)


def tile_values(db: Connection, window: Window, settings: Settings,
                team: str | None = None) -> dict[str, Any]:
    """Each tile's value, from the services that compute the same figure elsewhere
    (team: over the items whose effective team it is; None: everyone's)."""
    weights = performance.ScoreWeights.from_settings(settings)
    handled = performance.performance(db, window, None, weights, team)
    active = breaches.breach_entries(db, window.now_us, None, team)
    counts = breaches.open_sla_counts(db, window.now_us, None, settings.warn_percent, team)
    return {
        **dashboard.open_items(db, None, team),
        "active_breaches": len(active),
        "at_risk": counts["at_risk"],
        "oldest_breach_hours": round(active[0]["overdue_minutes"] / 60, 2) if active else 0,
        "tickets_created": handled["tickets_handled"],
        "tickets_resolved": tickets_resolved_within(db, window, team),
        "sla_compliance_percent": sla_analytics.sla_analytics(
            db, window, None, team)["compliance_rate_percent"],
        "avg_first_response_hours": handled["avg_response_time_hours"],
    }


def wallboard(db: Connection, window: Window, settings: Settings,
              team: str | None = None) -> dict[str, Any]:
    """{"tiles": [{"name", "value", "state"}, ...], "as_of": now} in the rule's order."""
    thresholds = parse_thresholds(settings.wallboard_thresholds)
    values = tile_values(db, window, settings, team)
    return {"tiles": [{"name": name, "value": values[name],
                       "state": tile_state(name, values[name], thresholds)}
                      for name in TILE_NAMES],
            "as_of": iso_utc(window.now_us)}
