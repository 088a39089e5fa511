"""The SLA policies as an editable table: one row per (kind, priority), targets in minutes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Kind", "Priority", "First response (min)", "Resolution (min)", "Calendar")
KEYS = ("kind", "priority", "first_response_minutes", "resolution_minutes", "calendar")
FIRST_TARGET = 2  # the columns from here on are editable; the ones before name the pair
CALENDAR = 4  # a calendar's id; empty: always open


class SlaPolicyModel(QAbstractTableModel):
    """Rows as core.sla_policies.list_policies gives them; targets editable when allowed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._loaded: list[dict[str, Any]] = []
        self.editable = False

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = [dict(row) for row in rows]
        self._loaded = [dict(row) for row in rows]
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self._rows]

    def changed_rows(self) -> list[dict[str, Any]]:
        """The rows edited since they were loaded (what a save must write)."""
        return [dict(row) for row, old in zip(self._rows, self._loaded, strict=True) if row != old]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value = self._rows[index.row()][KEYS[index.column()]]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == CALENDAR:
            return "The business hours the clock runs in (a calendar's id); empty: always open"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() >= FIRST_TARGET:
            return "Minutes; empty: no target"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and index.column() >= FIRST_TARGET:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A target is a whole number of minutes above 0, or empty for none; a calendar is an
        id (core checks that it exists when the policies are saved); else refused."""
        if (role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable
                or index.column() < FIRST_TARGET):
            return False
        text = str(value if value is not None else "").strip()
        if index.column() == CALENDAR:
            self._rows[index.row()]["calendar"] = text or None
        elif text and not (text.isdigit() and int(text) > 0):
            return False
        else:
            self._rows[index.row()][KEYS[index.column()]] = int(text) if text else None
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole,
                                             Qt.ItemDataRole.EditRole])
        return True
