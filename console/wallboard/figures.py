"""What the wallboard shows, loaded on a worker: tiles with their previous values, breaches,
workload. Every figure comes from the reports (core.reports), as the command line gives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from core.db import read_scope
from core.reports import run_report
from core.settings import Settings
from core.timeutil import US_PER_DAY
from core.wallboard import DEFAULT_DAYS
from core.window import Window


@dataclass(frozen=True)
class TileFigure:
    name: str
    value: float | int | None
    state: str  # normal, caution, warning
    previous: float | int | None  # the same figure over the period before

    @property
    def trend(self) -> str:
        """up, down, flat, or '' when either value is missing."""
        if self.value is None or self.previous is None:
            return ""
        if self.value == self.previous:
            return "flat"
        return "up" if self.value > self.previous else "down"


@dataclass(frozen=True)
class WallboardFigures:
    as_of_us: int
    tiles: list[TileFigure]
    breaches: list[dict[str, Any]] = field(default_factory=list)  # most overdue first
    breach_count: int = 0
    workload: list[dict[str, Any]] = field(default_factory=list)  # per agent

    def tile(self, name: str) -> TileFigure:
        return next(tile for tile in self.tiles if tile.name == name)


def load_figures(engine: Engine, now_us: int, settings: Settings, tz: ZoneInfo,
                 actor_id: str | None = None, days: int = DEFAULT_DAYS) -> WallboardFigures:
    """On a worker thread: the wallboard now and over the period before, in one connection,
    asked by actor_id (None: the local operator, as `gui --wallboard` runs)."""
    window = Window(now_us, days, tz)
    before = Window(now_us - days * US_PER_DAY, days, tz)
    with read_scope(engine) as conn:
        def report(name: str, over: Window) -> dict[str, Any]:
            return run_report(conn, name, over, actor_id=actor_id, settings=settings)

        board = report("wallboard", window)
        previous = {tile["name"]: tile["value"] for tile in report("wallboard", before)["tiles"]}
        breach_list = report("breaches", window)
        workload = report("workload", window)["agents"]
    tiles = [TileFigure(tile["name"], tile["value"], tile["state"], previous.get(tile["name"]))
             for tile in board["tiles"]]
    return WallboardFigures(now_us, tiles, breach_list["breaches"][:10], breach_list["count"],
                            workload)
