"""Every agent's, every team's and everyone's dashboard from a few statements grouped by
(assignee, effective team): counts and sums add up, so each scope's figures are the sum of
its cells (an agent: their cells; a team: the cells of its effective team; everyone: all),
computed exactly as core.dashboard.build_dashboard computes one scope."""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from typing import Any, TypeAlias

from sqlalchemy import and_, func, select

from core import sla
from core.breaches import breached_and_at_risk
from core.dashboard import (
    RESPONSE_BUCKETS,
    TILE_FIGURES,
    dashboard_payload,
    histogram_entries,
    response_bucket,
)
from core.performance import (
    NOTHING_RESOLVED,
    ScoreWeights,
    metrics_from,
    performance_aggregates,
    performance_fields,
    resolved_since,
    tickets_in_scope,
)
from core.schema import OPEN_STATUSES, items
from core.settings import Settings
from core.sql_types import AnyRow, Reader
from core.team import role_agents, workload_rows
from core.trends import performance_weeks, trend_weeks, week_number
from core.window import Window

Scope: TypeAlias = tuple[str, Any]  # ("all", None), ("agent", id) or ("team", name)
SUMMED = ("handled", "resolved", "tracked", "breached", "sum_resolution_us", "sum_response_us",
          "responded")


class Cell:
    """The performance aggregates of a set of tickets (the attributes performance_fields
    reads), added up from grouped rows (their SUMMED values, as ints)."""

    __slots__ = ("sums",)

    def __init__(self) -> None:
        self.sums = [0] * len(SUMMED)

    def add(self, values: tuple[int, ...]) -> None:
        self.sums = list(map(operator.add, self.sums, values))

    handled = property(lambda self: self.sums[0])
    resolved = property(lambda self: self.sums[1])
    tracked = property(lambda self: self.sums[2])
    breached = property(lambda self: self.sums[3])

    @property
    def avg_resolution_us(self) -> float | None:
        return self.sums[4] / self.sums[1] if self.sums[1] else None

    @property
    def avg_response_us(self) -> float | None:
        return self.sums[5] / self.sums[6] if self.sums[6] else None


def summed(row: Any) -> tuple[int, ...]:
    return tuple(int(row[index] or 0) for index in _positions(row._fields))


@functools.cache
def _positions(fields: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(fields.index(name) for name in SUMMED)


def handled_cells(db: Reader, now_us: int, start_us: int, end_us: int,
                  *extra: Any, more: tuple[Any, ...] = ()) -> list[AnyRow]:
    """The performance aggregates (and the `more` ones) of the tickets created in
    (start, end], grouped by assignee, effective team and the extra columns (labelled)."""
    keys = (items.c.assignee_id, items.c.effective_team, *extra)
    query = sla.with_policy(select(*keys, *performance_aggregates(now_us), *more)
                            .select_from(items))
    return list(db.execute(query.where(tickets_in_scope(None), items.c.created_at > start_us,
                                       items.c.created_at <= end_us).group_by(*keys)))


def scopes_of(row: Any) -> tuple[Scope, ...]:
    """The scopes a (assignee, team) cell adds to."""
    return (("all", None), ("agent", row.assignee_id), ("team", row.effective_team))


def build_all_dashboards(db: Reader, window: Window, settings: Settings,
                         agent_ids: list[str],
                         team_names: list[str]) -> dict[Scope, dict[str, Any]]:
    """{("all", None) | ("agent", id) | ("team", name): payload} in five statements."""
    weights = ScoreWeights.from_settings(settings)
    wanted = [("all", None)] + [("agent", a) for a in agent_ids] + [("team", t) for t in team_names]
    week = week_number(window).label("week")
    totals: dict[Scope, Cell] = defaultdict(Cell)
    by_week: dict[Scope, dict[int, Cell]] = defaultdict(lambda: defaultdict(Cell))
    histograms: dict[Scope, list[int]] = defaultdict(lambda: [0] * len(RESPONSE_BUCKETS))
    # The response histogram's buckets ride along as counts (first_response_at set).
    bucket = response_bucket()
    buckets = [sla.count_if(and_(items.c.first_response_at.is_not(None), bucket == index))
               .label(f"bucket_{index}") for index in range(len(RESPONSE_BUCKETS))]
    for row in handled_cells(db, window.now_us, window.start_us, window.now_us, week,
                             more=tuple(buckets)):
        values, week_no = summed(row), int(row.week)
        counts = [int(getattr(row, f"bucket_{index}")) for index in range(len(RESPONSE_BUCKETS))]
        for scope in scopes_of(row):
            totals[scope].add(values)
            by_week[scope][week_no].add(values)
            histogram = histograms[scope]
            for index, count in enumerate(counts):
                histogram[index] += count
    opened, open_kinds, in_window = _open_work(db, window, settings)
    since = resolved_since(db, window, None, None, items.c.assignee_id)
    members: dict[Scope, list[AnyRow]] = defaultdict(list)
    for agent in role_agents(db):
        members[("all", None)].append(agent)
        members[("team", agent.team)].append(agent)
    payloads = {}
    for scope in wanted:
        kind, key = scope
        figures = performance_fields(totals.get(scope) or Cell(), weights)
        weeks = by_week.get(scope, {})
        tiles = {**opened[scope], **{k: figures[k] for k in TILE_FIGURES}}
        details = ({"metrics": metrics_from(figures, since.get(key, NOTHING_RESOLVED))}
                   if kind == "agent" else
                   {"workload": workload_rows(members[scope], open_kinds[scope],
                                              in_window[scope])})
        payloads[scope] = dashboard_payload(
            window, key if kind == "agent" else None, key if kind == "team" else None, tiles,
            trend_weeks(window, {n: (c.handled, c.resolved) for n, c in weeks.items()}),
            performance_weeks(window, weeks, weights),
            histogram_entries(dict(enumerate(histograms[scope]))), details)
    return payloads


def _open_work(db: Reader, window: Window, settings: Settings) -> tuple[Any, Any, Any]:
    """Per scope: the open-item tiles, open items per assignee and kind (for the workload),
    and the window's assigned items per assignee; two statements."""
    breached, at_risk = breached_and_at_risk(window.now_us, settings.warn_percent)
    tiles: dict[Scope, dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("open_items", "unassigned_open", "active_breaches", "at_risk"), 0))
    kinds: dict[Scope, Any] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    query = sla.with_policy(select(
        items.c.assignee_id, items.c.effective_team, items.c.kind, func.count().label("n"),
        sla.count_if(breached).label("breached"), sla.count_if(at_risk).label("at_risk"),
    ).select_from(items)).where(items.c.status.in_(OPEN_STATUSES)).group_by(
        items.c.assignee_id, items.c.effective_team, items.c.kind)
    for row in db.execute(query):
        for scope in scopes_of(row):
            counts = tiles[scope]
            counts["open_items"] += int(row.n)
            counts["unassigned_open"] += int(row.n) if row.assignee_id is None else 0
            counts["active_breaches"] += int(row.breached)
            counts["at_risk"] += int(row.at_risk)
            kinds[scope][row.assignee_id][row.kind] += int(row.n)
    in_window: dict[Scope, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for assignee, team, count in db.execute(
            select(items.c.assignee_id, items.c.effective_team, func.count())
            .where(window.created_within(), items.c.assignee_id.is_not(None))
            .group_by(items.c.assignee_id, items.c.effective_team)):
        for scope in (("all", None), ("team", team)):
            in_window[scope][assignee] += int(count)
    return tiles, kinds, in_window


def day_cells(db: Reader, now_us: int, start_us: int, end_us: int
              ) -> dict[Scope, Cell]:
    """Every scope's performance aggregates over the tickets created in [start, end)."""
    totals: dict[Scope, Cell] = defaultdict(Cell)
    for row in handled_cells(db, now_us, start_us - 1, end_us - 1):
        values = summed(row)
        for scope in scopes_of(row):
            totals[scope].add(values)
    return totals

