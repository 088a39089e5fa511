"""Acting on one item from any list: its details, and reassigning it (supervisors)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Signal
from PySide6.QtWidgets import QTableView

from console import actions
from console.tasks import describe_error
from console.views.base import ConsoleView
from console.views.item_details_dialog import ItemDetailsDialog
from console.views.reassign_dialog import ReassignDialog


class ItemActions(QObject):
    """Details and reassignment for the items a view's table lists (the item id in
    `item_column`; a double-click opens the details); database work on workers."""

    item_reassigned = Signal(str, str)  # item id, new agent id

    def __init__(self, view: ConsoleView, table: QTableView, proxy: QSortFilterProxyModel,
                 item_column: int):
        super().__init__(view)
        self.view = view
        self.context = view.context
        self.table, self.proxy, self.item_column = table, proxy, item_column
        self.reassign_dialog: ReassignDialog | None = None
        self.details_dialog: ItemDetailsDialog | None = None
        table.doubleClicked.connect(lambda _index: self.show_selected_details())

    def selected_item_id(self) -> str | None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        return self.proxy.index(rows[0].row(), self.item_column).data() if rows else None

    def show_selected_details(self) -> None:
        item_id = self.selected_item_id()
        if item_id is not None:
            self.show_details(item_id)

    def reassign_selected(self) -> None:
        item_id = self.selected_item_id()
        if item_id is not None:
            self.reassign(item_id)

    def show_details(self, item_id: str) -> None:
        self.context.tasks.read(self.view, lambda session: actions.item_details(session, item_id),
                                self._open_details, self._failed)

    def _open_details(self, details: dict[str, Any]) -> None:
        dialog = ItemDetailsDialog(details, self.context.tz, self.view)
        dialog.finished.connect(dialog.deleteLater)
        self.details_dialog = dialog
        dialog.open()

    def reassign(self, item_id: str) -> None:
        now, settings = self.context.clock(), self.context.settings
        self.context.tasks.read(
            self.view, lambda session: actions.reassign_proposal(session, item_id, now, settings),
            self._open_reassign_dialog, self._failed)

    def _open_reassign_dialog(self, proposal: dict[str, Any]) -> None:
        dialog = ReassignDialog(proposal, self.view)
        dialog.finished.connect(lambda result: self._reassign_chosen(dialog, result))
        self.reassign_dialog = dialog
        dialog.open()

    def _reassign_chosen(self, dialog: ReassignDialog, result: int) -> None:
        self.reassign_dialog = None
        dialog.deleteLater()
        to_agent = dialog.chosen_agent
        if result != ReassignDialog.DialogCode.Accepted or to_agent is None:
            return
        item_id, actor_id = dialog.proposal["item_id"], self.context.actor_id
        now = self.context.clock()
        self.context.tasks.write(
            self.view, lambda session: actions.reassign(session, actor_id, item_id, to_agent, now),
            self._reassigned, self._failed)

    def _reassigned(self, move: dict[str, Any]) -> None:
        self.context.bus.announce_local_change()
        self.view.notice.emit(f"{move['item_id']} moved from {move['from'] or '(unassigned)'} "
                              f"to {move['to']}")
        self.item_reassigned.emit(move["item_id"], move["to"])

    def _failed(self, error: BaseException) -> None:
        self.view.load_failed.emit(describe_error(error))
