"""The sort proxy every table uses: sorts on raw values, so numbers sort as numbers."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel

from console.models.table_model import SORT_ROLE


class SortProxyModel(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
