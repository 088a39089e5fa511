"""The items behind a figure: one window per figure, scope and period (core.drilldown)."""

from __future__ import annotations

import threading
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from console.models.items_model import SLA_BREACHED, SLA_NOT_BREACHED, ItemListModel
from console.models.sorting import SortProxyModel
from console.tasks import describe_error
from console.views.base import ConsoleView, ItemsRequest
from console.views.item_actions import ItemActions
from console.widgets.filter_bar import FilterBar
from console.widgets.tables import DataTable
from core import schema
from core.db import read_scope
from core.drilldown import FIGURES, count_figure_items, iter_figure_items
from core.item_export import ExportCancelled, export_figure_items
from core.reports import figure_scope
from core.schema import KINDS, PRIORITIES, STATUSES
from core.trends import weeks
from core.window import Window

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session

# The window lists this many items (by id); the export always writes every one.
SHOWN_LIMIT = 20_000


class _ExportProgress(QObject):
    """Emitted from the export's worker; Qt queues it to the GUI thread."""

    advanced = Signal(int, int)


class ItemsView(ConsoleView):
    key = "items"
    title = "Items"

    export_finished = Signal(dict)  # {"path", "rows"}
    export_cancelled = Signal()

    def __init__(self, context, request: ItemsRequest, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.items_request = request
        self.total = 0
        self.model = ItemListModel(context.tz, self)
        self.proxy = SortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.progress: QProgressDialog | None = None
        self._cancel = threading.Event()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.addWidget(self.status)
        layout.addLayout(self._build_filters())
        self.table = DataTable()
        self.table.setModel(self.proxy)
        self.table.sortByColumn(ItemListModel.ITEM, Qt.SortOrder.AscendingOrder)
        self.item_actions = ItemActions(self, self.table, self.proxy, ItemListModel.ITEM)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._build_actions())
        self.setWindowTitle(self.describe())
        self.resize(1100, 640)
        self._update_buttons()

    def _build_filters(self) -> FilterBar:
        bar = FilterBar({"kind": ("Kind", [(k, k) for k in KINDS]),
                         "priority": ("Priority", [(p, p) for p in PRIORITIES]),
                         "status": ("Status", [(s, s) for s in STATUSES]),
                         "sla": ("SLA", [(s, s) for s in (SLA_BREACHED, SLA_NOT_BREACHED)])},
                        "Search item, subject or assignee", self._set_filter)
        self.filters, self.search = bar.combos, bar.search
        return bar

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.details_button = QPushButton("Details…")
        self.details_button.clicked.connect(lambda: self.item_actions.show_selected_details())
        self.reassign_button = QPushButton("Reassign…")
        self.reassign_button.clicked.connect(lambda: self.item_actions.reassign_selected())
        self.reassign_button.setVisible(self.context.supervisor)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.xlsx_button = QPushButton("Export Excel…")
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        for button in (self.details_button, self.reassign_button, self.csv_button,
                       self.xlsx_button):
            row.addWidget(button)
        return row

    # -- what it shows -----------------------------------------------------------------------
    def describe(self, agent_name: str | None = None) -> str:
        """The title: the figure, the scope and the period."""
        request = self.items_request
        figure = FIGURES[request.figure]
        who = agent_name or request.agent_id
        scope = f"agent {who}" if who else "team"
        if not figure.windowed:
            period = "now"
        else:
            period = f"last {self.context.period.days} days"
            if request.week is not None:
                week = weeks(self.context.window())[request.week - 1]
                period += f", week {request.week} ({week['week_start']} to {week['week_end']})"
        return f"{figure.title} — {scope} — {period}"

    def request(self) -> tuple[Window, ItemsRequest]:
        return self.context.window(), self.items_request

    def fetch(self, session: Session, request: tuple[Window, ItemsRequest]) -> dict[str, Any]:
        window, wanted = request
        scope = figure_scope(session, window, wanted.figure, actor_id=self.context.actor_id,
                             agent_id=wanted.agent_id, settings=self.context.settings)
        total = count_figure_items(session, wanted.figure, scope, wanted.week)
        rows = list(islice(iter_figure_items(session, wanted.figure, scope, wanted.week),
                           SHOWN_LIMIT))
        name = None
        if scope.agent_id is not None:
            name = session.execute(select(schema.agents.c.name)
                                   .where(schema.agents.c.id == scope.agent_id)).scalar()
        return {"rows": rows, "total": total, "agent_name": name}

    def show_figures(self, result: dict[str, Any]) -> None:
        self.model.set_rows(result["rows"])
        self.total = result["total"]
        self.setWindowTitle(self.describe(result["agent_name"]))
        self.table.fit_columns(stretch_column=ItemListModel.SUBJECT, padding=4)
        shown = len(result["rows"])
        more = (f" The first {shown:,} by item id are listed; the export writes all of them."
                if shown < self.total else "")
        self.status.setText(f"{self.windowTitle()}: {self.total:,} items.{more} "
                            "Double-click a row for details.")
        self._update_buttons()

    def item_ids(self) -> list[str]:
        """The item ids listed, in the table's order (after filters)."""
        return [self.proxy.index(r, ItemListModel.ITEM).data()
                for r in range(self.proxy.rowCount())]

    def _set_filter(self, key: str, value: str | None) -> None:
        self.model.set_filter(key, value)

    # -- acting on an item -------------------------------------------------------------------
    def _update_buttons(self, *_args) -> None:
        has = self.item_actions.selected_item_id() is not None
        self.details_button.setEnabled(has)
        self.reassign_button.setEnabled(has)


    # -- export ------------------------------------------------------------------------------
    def export(self, fmt: str, path: str | Path | None = None) -> None:
        """Every item (not only those listed) to CSV or Excel, streamed on a worker with a
        progress dialog; cancel removes the partial file."""
        if path is None:
            suffix = {"csv": "CSV files (*.csv)", "xlsx": "Excel workbooks (*.xlsx)"}[fmt]
            path, _ = QFileDialog.getSaveFileName(self, "Export items",
                                                  f"{self.items_request.figure}.{fmt}", suffix)
            if not path:
                return
        self._cancel.clear()
        self.progress = QProgressDialog("Exporting items…", "Cancel", 0, max(1, self.total), self)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self._cancel.set)
        relay = _ExportProgress(self)
        relay.advanced.connect(self._show_progress)
        engine, (window, wanted) = self.context.engine, self.request()
        actor_id, settings, cancelled = self.context.actor_id, self.context.settings, self._cancel

        def write() -> dict[str, Any]:  # on a worker
            with read_scope(engine) as conn:
                scope = figure_scope(conn, window, wanted.figure, actor_id=actor_id,
                                     agent_id=wanted.agent_id, settings=settings)
                return export_figure_items(conn, wanted.figure, scope, wanted.week, path, fmt,
                                           progress=relay.advanced.emit,
                                           cancelled=cancelled.is_set)

        self.context.tasks.run_in_background(self, write, self._exported, self._export_failed)

    def cancel_export(self) -> None:
        self._cancel.set()

    def _show_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(max(1, total))
            self.progress.setValue(min(done, max(1, total)))

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None

    def _exported(self, result: dict[str, Any]) -> None:
        self._close_progress()
        self.notice.emit(f"{result['rows']:,} items written to {result['path']}")
        self.export_finished.emit(result)

    def _export_failed(self, error: BaseException) -> None:
        self._close_progress()
        if isinstance(error, ExportCancelled):
            self.notice.emit("Export cancelled; no file was written")
            self.export_cancelled.emit()
            return
        self.load_failed.emit(f"Export: {describe_error(error)}")

    def tables(self):
        return [("items", self.proxy)]


def open_items_window(window, request: ItemsRequest) -> ItemsView:
    """An items window over the main window: its failures go to the window's banner and its
    notices to the status bar."""
    view = ItemsView(window.context, request, window)
    view.load_failed.connect(window.banner.show_error)
    view.notice.connect(lambda text: window.status_area.showMessage(text, 10_000))
    view.show()
    view.refresh()
    return view
