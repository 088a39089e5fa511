"""The wallboard's pages: big tiles, the breach list and the workload chart, sized to the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from console.wallboard.figures import TileFigure, WallboardFigures
from core.mailer import overdue_text

# Each state differs in colour, in the badge's shape and in its word (colour-blind viewers).
STATE_BADGES = {"normal": "● OK", "caution": "▲ CAUTION", "warning": "■ WARNING"}
TREND_ARROWS = {"up": "▲", "down": "▼", "flat": "▶", "": ""}


def _count(value: Any) -> str:
    return "—" if value is None else f"{value:,}"


def _hours(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value / 24:.1f} d" if value >= 48 else f"{value:.1f} h"


def _percent(value: Any) -> str:
    return "—" if value is None else f"{value:.1f} %"


TILES: dict[str, tuple[str, Callable[[Any], str]]] = {
    "open_items": ("Open items", _count),
    "unassigned_open": ("Unassigned", _count),
    "active_breaches": ("Active breaches", _count),
    "at_risk": ("At risk", _count),
    "oldest_breach_hours": ("Oldest breach", _hours),
    "tickets_created": ("Tickets created", _count),
    "tickets_resolved": ("Tickets resolved", _count),
    "sla_compliance_percent": ("SLA compliance", _percent),
    "avg_first_response_hours": ("First response", _hours),
}


def pixel_font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(8, pixels))
    font.setBold(bold)
    return font


class BigTile(QFrame):
    """One figure for a room: label, value, state badge and the trend against before."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.caption, self.fmt = TILES[name]
        self.state = "normal"
        self.setObjectName("wallTile")
        self.setProperty("state", self.state)
        layout = QVBoxLayout(self)
        self.label = QLabel(self.caption)
        self.value = QLabel("…")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge = QLabel(STATE_BADGES[self.state])
        self.trend = QLabel("")
        for widget in (self.label, self.value, self.badge, self.trend):
            layout.addWidget(widget, 1 if widget is self.value else 0)
        self.label.setObjectName("wallTileLabel")
        self.value.setObjectName("wallTileValue")
        self.badge.setObjectName("wallTileBadge")
        self.trend.setObjectName("wallTileTrend")

    def show_figure(self, figure: TileFigure) -> None:
        self.value.setText(self.fmt(figure.value))
        arrow = TREND_ARROWS[figure.trend]
        self.trend.setText(f"{arrow} from {self.fmt(figure.previous)} the day before"
                           if arrow else "")
        if figure.state != self.state:
            self.state = figure.state
            self.setProperty("state", figure.state)
            self.badge.setText(STATE_BADGES[figure.state])
            for widget in (self, self.label, self.value, self.badge, self.trend):
                widget.style().unpolish(widget)  # the state's colours, children included
                widget.style().polish(widget)

    def scale(self, height: int) -> None:
        self.label.setFont(pixel_font(height // 9, bold=True))
        self.value.setFont(pixel_font(height * 2 // 5, bold=True))
        self.badge.setFont(pixel_font(height // 10, bold=True))
        self.trend.setFont(pixel_font(height // 12))


class TilesPage(QWidget):
    title = "Figures"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(16)
        self.tiles = {name: BigTile(name) for name in TILES}
        for index, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, index // 3, index % 3)

    def show_figures(self, figures: WallboardFigures) -> None:
        for figure in figures.tiles:
            self.tiles[figure.name].show_figure(figure)

    def scale(self, height: int) -> None:
        for tile in self.tiles.values():
            tile.scale(height // 3 - 24)


class BreachPage(QWidget):
    """The most overdue active breaches, one line each."""

    title = "Active breaches"
    ROWS = 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setHorizontalSpacing(32)
        self.heading = QLabel("Active breaches")
        self.heading.setObjectName("wallHeading")
        self._grid.addWidget(self.heading, 0, 0, 1, 3)
        self.cells = [[QLabel("") for _ in range(3)] for _ in range(self.ROWS)]
        for row, cells in enumerate(self.cells, start=1):
            for column, cell in enumerate(cells):
                cell.setObjectName("wallBreachCell")
                self._grid.addWidget(cell, row, column)
        self._grid.setColumnStretch(1, 1)
        self._grid.setRowStretch(self.ROWS + 1, 1)

    def show_figures(self, figures: WallboardFigures) -> None:
        self.heading.setText(f"Active breaches: {figures.breach_count}"
                             + (" (most overdue first)" if figures.breach_count else " — none"))
        for index, cells in enumerate(self.cells):
            entry = figures.breaches[index] if index < len(figures.breaches) else None
            texts = ((entry["item_id"], entry["subject"] or "",
                      "overdue " + overdue_text(entry["overdue_minutes"]))
                     if entry else ("", "", ""))
            for cell, text in zip(cells, texts, strict=True):
                cell.setText(text)

    def scale(self, height: int) -> None:
        self.heading.setFont(pixel_font(height // 14, bold=True))
        for cells in self.cells:
            for cell in cells:
                cell.setFont(pixel_font(height // 20))


class WorkloadPage(QWidget):
    """Open items of the busiest agents, as labelled horizontal bars a room can read."""

    title = "Workload"
    AGENTS = 12

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.heading = QLabel("Open items per agent")
        self.heading.setObjectName("wallHeading")
        self.plot = pg.PlotWidget(background="#0d1117")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.getPlotItem().setMenuEnabled(False)
        self.plot.getPlotItem().invertY(True)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen("#8b949e"))
            axis.setTextPen(pg.mkPen("#e6edf3"))
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7, brush="#5b9bd5")
        self.plot.addItem(self.bars)
        self.labels: list[pg.TextItem] = []
        layout.addWidget(self.heading)
        layout.addWidget(self.plot, 1)
        self.agents: list[str] = []
        self._font = pixel_font(16)

    def show_figures(self, figures: WallboardFigures) -> None:
        rows = sorted(figures.workload, key=lambda r: (-r["total_open"], r["agent_id"]))
        rows = rows[:self.AGENTS]
        self.heading.setText(f"Open items per agent (the {len(rows)} busiest)"
                             if len(figures.workload) > len(rows) else "Open items per agent")
        self.agents = [row["agent_name"] or row["agent_id"] for row in rows]
        totals = [row["total_open"] for row in rows]
        positions = list(range(len(rows)))
        self.bars.setOpts(x0=[0] * len(rows), y=positions, width=totals, height=0.7)
        self.plot.getAxis("left").setTicks([list(zip(positions, self.agents, strict=True))])
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        for position, total in zip(positions, totals, strict=True):
            label = pg.TextItem(str(total), color="#e6edf3", anchor=(0, 0.5))
            label.setFont(self._font)
            label.setPos(total, position)
            self.plot.addItem(label)
            self.labels.append(label)
        self.plot.setXRange(0, max(totals, default=0) * 1.1 + 1, padding=0)
        self.plot.setYRange(-0.6, max(len(rows), 1) - 0.4, padding=0)

    def scale(self, height: int) -> None:
        self.heading.setFont(pixel_font(height // 14, bold=True))
        self._font = pixel_font(height // 30, bold=True)
        for label in self.labels:
            label.setFont(self._font)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setTickFont(pixel_font(height // 30))
