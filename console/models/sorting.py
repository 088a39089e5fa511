"""The proxy every table uses: filters here, sorts in the source model on raw values."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt

from console.models.table_model import SORT_ROLE, RowTableModel


class SortProxyModel(QSortFilterProxyModel):
    """A RowTableModel sorts itself in Python (fast); the proxy keeps the source's order and
    only filters. Other sources are sorted by the proxy on SORT_ROLE."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, RowTableModel):
            source.sort(column, order)
        else:
            super().sort(column, order)
