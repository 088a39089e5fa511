"""The alert list: a person's breach, reassignment and unplaced-item alerts (core.alerts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from console.models.table_model import Column, RowTableModel

KIND_LABELS = {"breach": "SLA breach", "reassigned": "Reassigned", "unplaced": "Not reassigned"}


def _local(tz: ZoneInfo):
    def fmt(value: Any) -> str:
        return datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return fmt


class AlertsModel(RowTableModel):
    """Unread rows are bold; the raw alert dict stays available through ROW_ROLE."""

    RECEIVED, KIND, ITEM, MESSAGE, STATE = range(5)

    def __init__(self, tz: ZoneInfo, parent=None):
        super().__init__(parent)
        self.COLUMNS = (
            Column("created_at", "Received", fmt=_local(tz)),
            Column("kind", "Kind", fmt=lambda kind: KIND_LABELS.get(kind, kind)),
            Column("item_id", "Item"),
            Column("message", "Message"),
            Column("state", "State"),
        )

    def value(self, row: dict[str, Any], column: Column) -> Any:
        if column.key == "state":
            if row.get("acknowledged_at"):
                return "acknowledged"
            return "read" if row.get("read") else "unread"
        return super().value(row, column)

    def extra_data(self, row: dict[str, Any], column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and not row.get("read"):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "message":
            return row.get("message")
        return None
