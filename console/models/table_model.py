"""A small read-only table model over a list of dict rows, described by column constants."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value, for sorting and export
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the whole row dict

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    numeric: bool = False
    fmt: Callable[[Any], str] | None = None
    tip: str = ""

    def text(self, value: Any) -> str:
        if value is None:
            return "—"
        if self.fmt is not None:
            return self.fmt(value)
        return str(value)


def fixed(digits: int) -> Callable[[Any], str]:
    return lambda value: f"{value:,.{digits}f}"


def whole(value: Any) -> str:
    return f"{int(value):,}"


class RowTableModel(QAbstractTableModel):
    """Rows are dicts; COLUMNS says which keys are shown, how, and with which header."""

    COLUMNS: tuple[Column, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._sort_order: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort_order is not None:
            self._rows = [self._rows[i] for i in self._sorted_positions(*self._sort_order)]
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python (thousands of rows in milliseconds; a proxy would call data() for
        every comparison on the GUI thread). Nulls sort below every value."""
        if not 0 <= column < len(self.COLUMNS):
            return
        self._sort_order = (column, order)
        self.layoutAboutToBeChanged.emit()
        positions = self._sorted_positions(column, order)
        new_row_of = {old: new for new, old in enumerate(positions)}
        self._rows = [self._rows[i] for i in positions]
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(persistent, [
            self.index(new_row_of[i.row()], i.column()) if i.isValid() else i for i in persistent])
        self.layoutChanged.emit()

    def _sorted_positions(self, column: int, order: Qt.SortOrder) -> list[int]:
        spec = self.COLUMNS[column]
        keys = [_sortable(self.value(row, spec), spec.numeric) for row in self._rows]
        return sorted(range(len(keys)), key=keys.__getitem__,
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def row_at(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def value(self, row: dict[str, Any], column: Column) -> Any:
        return row.get(column.key)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.COLUMNS):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        value = self.value(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(value)
        if role == SORT_ROLE:
            return _sortable(value, column.numeric)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return self.extra_data(row, column, role)

    def extra_data(self, row: dict[str, Any], column: Column, role: int) -> Any:
        """Hook for colours and tooltips."""
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        column = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole and column.tip:
            return column.tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class FilteredRowModel(RowTableModel):
    """A RowTableModel that shows the rows its filters accept. Filtered here, in one pass
    over the rows, not by a proxy: a proxy calls back into Python for every row on the GUI
    thread (thousands of calls per refresh). Subclasses give `accepts(row)`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._all_rows: list[dict[str, Any]] = []
        self.filters: dict[str, str | None] = {}

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self._all_rows = list(rows)
        self._show_accepted()

    def set_filter(self, key: str, value: str | None) -> None:
        """value None or '': any."""
        self.filters[key] = value or None
        self._show_accepted()

    def _show_accepted(self) -> None:
        super().set_rows([row for row in self._all_rows if self.accepts(row)])

    def accepts(self, row: dict[str, Any]) -> bool:
        raise NotImplementedError

    def text_matches(self, row: dict[str, Any], person_key: str) -> bool:
        """The `text` filter (none: any row) found in the item id, subject or person."""
        text = self.filters.get("text")
        if not text:
            return True
        haystack = f"{row['item_id']} {row['subject']} {row.get(person_key) or ''}"
        return text.lower() in haystack.lower()


def _sortable(value: Any, numeric: bool) -> Any:
    """Nulls sort below every number (and before every text)."""
    if numeric:
        return float("-inf") if value is None else float(value)
    return "" if value is None else str(value).lower()
