"""pyqtgraph charts the views share: labelled axes, date axes, legends and hover values."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QFont
from PySide6.QtWidgets import QToolTip

KIND_COLOURS = {"ticket": "#4c78a8", "dispute": "#f58518", "order": "#54a24b"}
SERIES_COLOURS = ("#4c78a8", "#54a24b", "#e45756", "#b279a2", "#f58518", "#72b7b2")
AXIS_PEN = "#5a5a5a"

# Axes, grids and bars are straight lines: drawing them without antialiasing halves a
# repaint (measured: 30 ms to 13 ms for the dashboard); only lines ask for it (see `line`).
pg.setConfigOptions(antialias=False, background="w", foreground=AXIS_PEN)


def utc_offset_seconds(tz: ZoneInfo) -> float:
    """pyqtgraph's DateAxisItem wants seconds west of UTC (like time.timezone)."""
    offset = datetime.now(UTC).astimezone(tz).utcoffset()
    return -offset.total_seconds() if offset is not None else 0.0


class Chart(pg.PlotWidget):
    """A plot with a title, labelled axes (units in the label), a legend and hover values."""

    def __init__(self, title: str, left: str, bottom: str, *, tz: ZoneInfo | None = None,
                 legend_at: str = "top-right", parent=None):
        axis_items = {}
        if tz is not None:
            axis_items["bottom"] = pg.DateAxisItem(orientation="bottom",
                                                   utcOffset=utc_offset_seconds(tz))
        super().__init__(parent=parent, axisItems=axis_items)
        self.setObjectName(title)
        self.chart_title = title
        self.setMinimumHeight(220)
        item = self.getPlotItem()
        item.setTitle(title, color="#222", size="11pt", bold=True)
        item.setLabel("left", left)
        item.setLabel("bottom", bottom)
        item.showGrid(x=False, y=True, alpha=0.25)
        item.setMenuEnabled(False)
        item.hideButtons()
        self.setMouseEnabled(x=False, y=False)
        font = QFont()
        font.setPointSize(9)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setTickFont(font)
            axis.setPen(pg.mkPen(AXIS_PEN))
            axis.setTextPen(pg.mkPen(AXIS_PEN))
        item.getAxis("left").setWidth(62)
        offset = {"top-right": (-8, 8), "bottom-right": (-8, -8), "top-left": (8, 8),
                  "bottom-left": (8, -8)}[legend_at]
        self.legend = item.addLegend(offset=offset, labelTextColor="#333",
                                     brush=pg.mkBrush(255, 255, 255, 220),
                                     pen=pg.mkPen("#cccccc"))
        self._hover_text: Callable[[float, float], str | None] | None = None
        self.hover_value = ""  # the last hover text (tests read it)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._click: Callable[[float, float], None] | None = None
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self._empty_label: pg.TextItem | None = None
        # Hidden (its place kept) until first drawn: painting empty axes at the window's
        # first show, to paint them again with figures a moment later, slows the start.
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.setVisible(False)

    def reset(self) -> None:
        """Remove every series (before drawing fresh figures)."""
        self.setVisible(True)
        item = self.getPlotItem()
        item.clear()
        self.legend.clear()
        self.legend.setVisible(True)
        for name in ("left", "bottom"):
            item.showAxis(name)
        self._empty_label = None
        self._click = None
        self.setCursor(Qt.CursorShape.ArrowCursor)

    def legend_in_one_row(self) -> None:
        """Lay the legend out side by side: it then hides less of the plot."""
        self.legend.setColumnCount(max(1, len(self.legend.items)))

    def set_hover(self, text_at: Callable[[float, float], str | None]) -> None:
        """text_at(x, y) in data coordinates gives the tooltip (None: no tooltip)."""
        self._hover_text = text_at

    def set_click(self, pick: Callable[[float, float], None]) -> None:
        """pick(x, y) in data coordinates runs on a left click inside the plot (a bar, a
        point: the chart's values open the items behind them)."""
        self._click = pick
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def _on_mouse_clicked(self, event) -> None:
        item = self.getPlotItem()
        position = event.scenePos()
        if (self._click is None or event.button() != Qt.MouseButton.LeftButton
                or not item.sceneBoundingRect().contains(position)):
            return
        point = item.vb.mapSceneToView(position)
        self._click(point.x(), point.y())

    def set_category_ticks(self, labels: Sequence[str], axis: str = "bottom") -> None:
        """Text ticks at 0, 1, 2, ... (the left axis reads top-down when the view is inverted)."""
        self.getPlotItem().getAxis(axis).setTicks([[(i, text) for i, text in enumerate(labels)]])

    def set_week_ticks(self, xs: Sequence[float], week_starts: Sequence[str]) -> None:
        """One tick per week at its bars, labelled with the week's first day ("Nov 07")."""
        from datetime import date

        step = max(1, -(-len(xs) // 8))  # at most about 8 labels
        ticks = [(x, date.fromisoformat(day).strftime("%b %d"))
                 for i, (x, day) in enumerate(zip(xs, week_starts)) if i % step == 0]
        self.getPlotItem().getAxis("bottom").setTicks([ticks])

    def show_empty(self, message: str) -> None:
        """A readable note instead of an empty plot area."""
        self.reset()
        self.legend.setVisible(False)
        for name in ("left", "bottom"):
            self.getPlotItem().hideAxis(name)
        label = pg.TextItem(message, color="#555", anchor=(0.5, 0.5))
        font = QFont()
        font.setPointSize(10)
        label.setFont(font)
        self.getPlotItem().addItem(label)
        label.setPos(0.5, 0.5)
        self.getPlotItem().setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        self._empty_label = label

    def hover_at(self, x: float, y: float) -> str:
        text = self._hover_text(x, y) if self._hover_text else None
        self.hover_value = text or ""
        return self.hover_value

    def _on_mouse_moved(self, position: QPointF) -> None:
        item = self.getPlotItem()
        if not item.sceneBoundingRect().contains(position):
            QToolTip.hideText()
            return
        point = item.vb.mapSceneToView(position)
        text = self.hover_at(point.x(), point.y())
        if text:
            QToolTip.showText(QCursor.pos(), text, self)
        else:
            QToolTip.hideText()


def bars(x, height, width: float, colour: str, name: str | None, y0=None,
         **extra) -> pg.BarGraphItem:
    """A vertical bar series; y0 stacks it on another series."""
    options = dict(x=x, height=height, width=width, brush=pg.mkBrush(colour),
                   pen=pg.mkPen(QColor(colour).darker(120), width=1), name=name, **extra)
    if y0 is not None:
        options["y0"] = y0
    return pg.BarGraphItem(**options)


def horizontal_bars(y, length, thickness: float, colour: str, name: str,
                    x0=None) -> pg.BarGraphItem:
    """A horizontal bar series (long category names stay readable); x0 stacks it."""
    return pg.BarGraphItem(x0=x0 if x0 is not None else [0] * len(y), y=y, width=length,
                           height=thickness, brush=pg.mkBrush(colour),
                           pen=pg.mkPen(QColor(colour).darker(120), width=1), name=name)


def plot_line(chart: Chart, x, y, colour: str, name: str, *, dashed: bool = False) -> None:
    """Add a line with points; a series with no value at all is left out (pyqtgraph cannot
    bound an all-NaN series)."""
    if all(v is None or math.isnan(v) for v in y):
        return
    chart.addItem(line(x, y, colour, name, dashed=dashed))


def line(x, y, colour: str, name: str, *, dashed: bool = False) -> pg.PlotDataItem:
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.PlotDataItem(x=x, y=y, name=name, pen=pg.mkPen(colour, width=2, style=style),
                           symbol="o", symbolSize=7, symbolBrush=colour,
                           symbolPen=pg.mkPen("w", width=1), connect="finite", antialias=True)


def nearest_index(xs: Sequence[float], x: float, tolerance: float) -> int | None:
    """The index of the x value closest to x, if within tolerance."""
    if not xs:
        return None
    best = min(range(len(xs)), key=lambda i: abs(xs[i] - x))
    return best if abs(xs[best] - x) <= tolerance else None
