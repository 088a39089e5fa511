"""Breaches: active breaches and at-risk items to act on (reassign, details, acknowledge)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console import actions
from console.models.breach_model import (
    AT_RISK,
    BREACHED,
    TARGET_NAMES,
    BreachListModel,
)
from console.models.sorting import SortProxyModel
from console.views.base import ConsoleView
from console.views.item_actions import ItemActions
from console.views.item_details_dialog import ItemDetailsDialog
from console.views.reassign_dialog import ReassignDialog
from console.widgets.filter_bar import FilterBar
from console.widgets.tables import DataTable
from core.breach_list import breach_worklist
from core.schema import KINDS, PRIORITIES
from core.window import Window

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session


class BreachesView(ConsoleView):
    key = "breaches"
    title = "Breaches"

    item_reassigned = Signal(str, str)  # item id, new agent id
    breach_acknowledged = Signal(str)

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.model = BreachListModel(context.tz, self)
        self.proxy = SortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.addWidget(self.status)
        layout.addLayout(self._build_filters())
        self.table = DataTable()
        self.table.setModel(self.proxy)
        self.table.sortByColumn(BreachListModel.OVERDUE, Qt.SortOrder.DescendingOrder)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.item_actions = ItemActions(self, self.table, self.proxy, BreachListModel.ITEM)
        self.item_actions.item_reassigned.connect(self.item_reassigned)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._build_actions())
        self._update_buttons()

    # -- construction ------------------------------------------------------------------------
    def _build_filters(self) -> FilterBar:
        bar = FilterBar({"state": ("State", [(BREACHED, "breached"), (AT_RISK, "at risk")]),
                         "kind": ("Kind", [(k, k) for k in KINDS]),
                         "priority": ("Priority", [(p, p) for p in PRIORITIES]),
                         "assignee": ("Agent", []),
                         "target": ("Target", list(TARGET_NAMES.items()))},
                        "Search item, subject or agent", self._set_filter)
        self.filters, self.search = bar.combos, bar.search
        return bar

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.legend = QLabel("Row colour: yellow = at risk; the redder, the longer overdue "
                             "(under 1 h, under 24 h, under 7 days, 7 days or more)")
        self.legend.setObjectName("tileHint")
        row.addWidget(self.legend, 1)
        self.reassign_button = QPushButton("Reassign…")
        self.reassign_button.clicked.connect(self.reassign_selected)
        self.details_button = QPushButton("Details…")
        self.details_button.clicked.connect(self.show_selected_details)
        self.acknowledge_button = QPushButton("Acknowledge")
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        for button in (self.details_button, self.acknowledge_button, self.reassign_button):
            row.addWidget(button)
        return row

    # -- loading -----------------------------------------------------------------------------
    def fetch(self, session: Session, window: Window) -> dict[str, Any]:
        worklist = breach_worklist(session.connection(), window, actor_id=self.context.actor_id,
                                   settings=self.context.settings, team=self.context.team.name)
        rows = [{**entry, "state": BREACHED} for entry in worklist["breached"]]
        rows += [{**entry, "state": AT_RISK} for entry in worklist["at_risk"]]
        return {"rows": rows, "agents": worklist["agents"],
                "breached": len(worklist["breached"]), "at_risk": len(worklist["at_risk"])}

    def show_figures(self, result: dict[str, Any]) -> None:
        selected = self.selected_item_id()
        self.model.set_rows(result["rows"])
        self._fill_agent_filter(result["agents"])
        self.table.fit_columns(stretch_column=BreachListModel.SUBJECT, padding=4)
        self.counts = (result["breached"], result["at_risk"])
        self._update_count()
        if selected is not None:
            self.select_item(selected)
        self._update_buttons()

    def _fill_agent_filter(self, agents: list[tuple[str, str]]) -> None:
        combo = self.filters["assignee"]
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for name, agent_id in agents:
            combo.addItem(f"{name} ({agent_id})", agent_id)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _update_count(self) -> None:
        breached, at_risk = getattr(self, "counts", (0, 0))
        shown = self.proxy.rowCount()
        self.status.setText(f"{_count(breached, 'active breach', 'active breaches')} and "
                            f"{_count(at_risk, 'item', 'items')} at risk now; "
                            f"{shown:,} shown. Double-click a row for details.")

    def _set_filter(self, key: str, value: str | None) -> None:
        selected = self.selected_item_id()
        self.model.set_filter(key, value)
        if selected is not None:
            self.select_item(selected)
        self._update_count()

    # -- selection and actions ---------------------------------------------------------------
    def selected_item_id(self) -> str | None:
        return self.item_actions.selected_item_id()

    def select_item(self, item_id: str) -> bool:
        for source_row, row in enumerate(self.model.rows()):
            if row["item_id"] == item_id:
                index = self.proxy.mapFromSource(self.model.index(source_row, 0))
                if index.isValid():
                    self.table.selectRow(index.row())
                    return True
        return False

    def show_items(self, item_ids: tuple[str, ...]) -> None:
        """Every filter cleared, fresh figures, then these items selected."""
        self.search.clear()
        for combo in self.filters.values():
            combo.setCurrentIndex(0)
        wanted = set(item_ids)

        def select() -> None:
            self.figures_shown.disconnect(select)
            self._select_items(wanted)

        self.figures_shown.connect(select)
        self.refresh()

    def _select_items(self, wanted: set[str]) -> None:
        selection = QItemSelection()
        first = None
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, BreachListModel.ITEM)
            if index.data() in wanted:
                selection.select(index, index)
                first = first or index
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().select(selection, flags)
        if first is not None:
            self.table.scrollTo(first)
        self.status.setText(self.status.text() + f" Selected: {', '.join(sorted(wanted))}.")

    def _update_buttons(self, *_args) -> None:
        has = self.selected_item_id() is not None
        for button in (self.reassign_button, self.details_button, self.acknowledge_button):
            button.setEnabled(has)
        self.reassign_button.setVisible(self.context.supervisor)

    def _context_menu(self, position) -> None:
        if self.selected_item_id() is None:
            return
        menu = QMenu(self)
        menu.addAction("Details…", self.show_selected_details)
        menu.addAction("Acknowledge", self.acknowledge_selected)
        if self.context.supervisor:
            menu.addAction("Reassign…", self.reassign_selected)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def reassign_selected(self) -> None:
        self.item_actions.reassign_selected()

    @property
    def reassign_dialog(self) -> ReassignDialog | None:
        return self.item_actions.reassign_dialog

    @property
    def details_dialog(self) -> ItemDetailsDialog | None:
        return self.item_actions.details_dialog

    def acknowledge_selected(self) -> None:
        item_id = self.selected_item_id()
        if item_id is None:
            return
        actor_id, now = self.context.actor_id, self.context.clock()
        self.context.tasks.write(
            self, lambda session: actions.acknowledge(session, actor_id, item_id, now),
            lambda count: self._acknowledged(item_id, count), self._action_failed)

    def _acknowledged(self, item_id: str, count: int) -> None:
        self.context.bus.announce_local_change()
        self.notice.emit(f"{item_id}: {count} breach(es) acknowledged" if count
                         else f"{item_id} was acknowledged already")
        self.breach_acknowledged.emit(item_id)

    def show_selected_details(self) -> None:
        self.item_actions.show_selected_details()

    def _action_failed(self, error: BaseException) -> None:
        from console.tasks import describe_error

        self.load_failed.emit(describe_error(error))

    def tables(self):
        return [("breaches", self.proxy)]


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"
