"""The in-app alert list: every alert of the signed-in person, read/unread and acknowledge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from console.models.alerts_model import AlertsModel
from console.models.sorting import SortProxyModel
from console.models.table_model import ROW_ROLE
from console.views.base import ConsoleView
from console.widgets.tables import DataTable
from core.access import resolve_actor

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session


SHOWN_ALERTS = 1000


class AlertsView(ConsoleView):
    """Newest first; 'Show items' opens the breaches view on the selected alerts' items."""

    key = "alerts"
    title = "Alerts"

    unread_changed = Signal(int)
    items_open_requested = Signal(tuple)

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.model = AlertsModel(context.tz, self)
        self.proxy = SortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.unread_only = QCheckBox("Unread only")
        self.read_button = QPushButton("Mark read")
        self.all_read_button = QPushButton("Mark all read")
        self.ack_button = QPushButton("Acknowledge")
        self.ack_button.setToolTip("You have seen to it; a breach is marked as taken in hand")
        self.open_button = QPushButton("Show items")
        self.table = DataTable()
        self.table.setModel(self.proxy)
        self.table.sortByColumn(AlertsModel.RECEIVED, Qt.SortOrder.DescendingOrder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unread_only)
        buttons.addStretch(1)
        for button in (self.read_button, self.all_read_button, self.ack_button,
                       self.open_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.unread_only.toggled.connect(self.refresh)
        self.read_button.clicked.connect(self.mark_selected_read)
        self.all_read_button.clicked.connect(self.mark_all_read)
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.open_button.clicked.connect(self.open_selected)
        self.table.doubleClicked.connect(self.open_selected)

    @property
    def recipient(self) -> str | None:
        return self.context.actor_id

    def request(self) -> bool:
        return self.unread_only.isChecked()

    def fetch(self, session: Session, unread_only: bool) -> dict[str, Any]:
        if self.recipient is None:
            return {"rows": [], "unread": 0}
        return {"rows": _alerts().list_alerts(session, self.recipient, unread_only=unread_only,
                                              limit=SHOWN_ALERTS),
                "unread": _alerts().unread_count(session, self.recipient)}

    def show_figures(self, figures: dict[str, Any]) -> None:
        rows, unread = figures["rows"], figures["unread"]
        self.model.set_rows(rows)
        self.table.fit_columns(stretch_column=AlertsModel.MESSAGE)
        if self.recipient is None:
            self.status.setText("Sign in to see your alerts.")
        elif not rows:
            self.status.setText("No alerts.")
        else:
            shown = f"the newest {len(rows):,}" if len(rows) == SHOWN_ALERTS else f"{len(rows):,}"
            self.status.setText(f"{unread:,} unread; {shown} alerts shown (newest first).")
        self.unread_changed.emit(unread)

    def tables(self):
        return [("alerts", self.model)]

    def selected_rows(self) -> list[dict[str, Any]]:
        rows = {index.row(): index.data(ROW_ROLE)
                for index in self.table.selectionModel().selectedRows()}
        return [rows[key] for key in sorted(rows)]

    @Slot()
    def mark_selected_read(self) -> None:
        ids = [row["id"] for row in self.selected_rows()]
        if ids:
            self._write(lambda session, now: _alerts().mark_read(session, self.recipient, ids, now))

    @Slot()
    def mark_all_read(self) -> None:
        self._write(lambda session, now: _alerts().mark_read(session, self.recipient, None, now))

    @Slot()
    def acknowledge_selected(self) -> None:
        rows = self.selected_rows()
        def acknowledge(session: Session, now: int) -> None:
            actor = resolve_actor(session, self.recipient)  # the role as the database says
            for row in rows:
                if row.get("breach_id") is not None:
                    _alerts().acknowledge_breach(session, actor, row["breach_id"], now)
                _alerts().acknowledge_alert(session, self.recipient, row["id"], now)

        if rows:
            self._write(acknowledge)

    @Slot()
    def open_selected(self) -> None:
        items = tuple(dict.fromkeys(row["item_id"] for row in self.selected_rows()
                                    if row.get("item_id")))
        if items:
            self.items_open_requested.emit(items)

    def _write(self, change) -> None:
        if self.recipient is None:
            return
        clock = self.context.clock
        self.context.tasks.write(self, lambda session: change(session, clock()),
                                 lambda _result: self.context.bus.announce_local_change(),
                                 lambda error: self.load_failed.emit(str(error)))


def _alerts():
    """core.alerts works with the ORM, which loads on first use (not before the window shows)."""
    from core import alerts

    return alerts
