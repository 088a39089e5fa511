"""The items behind a figure (core.drilldown rows), with their SLA state, filterable."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from console.models.breach_model import TARGET_NAMES, zone_abbreviation
from console.models.table_model import Column, FilteredRowModel

BREACHED_COLOUR = "#fad8d0"
SLA_BREACHED, SLA_NOT_BREACHED = "breached", "not breached"


def sla_state(row: dict[str, Any]) -> str:
    targets = row["breached_targets"]
    if not targets:
        return SLA_NOT_BREACHED
    return "breached: " + ", ".join(TARGET_NAMES[t] for t in targets)


class ItemListModel(FilteredRowModel):
    ITEM, KIND, PRIORITY, STATUS, ASSIGNEE, SUBJECT, CREATED, RESPONDED, RESOLVED, SLA = range(10)

    def __init__(self, tz: ZoneInfo, parent=None):
        super().__init__(parent)
        self.tz = tz
        zone = zone_abbreviation(tz)
        self.COLUMNS = (
            Column("item_id", "Item"),
            Column("kind", "Kind"),
            Column("priority", "Priority"),
            Column("status", "Status"),
            Column("assignee", "Assignee", fmt=lambda a: a or "(unassigned)"),
            Column("subject", "Subject"),
            Column("created_at", f"Created ({zone})", fmt=self._local),
            Column("first_response_at", f"First response ({zone})", fmt=self._local),
            Column("resolved_at", f"Resolved ({zone})", fmt=self._local),
            Column("sla", "SLA now", tip="The SLA targets breached now (empty: none or "
                                         "untracked)"),
        )

    def _local(self, iso: str) -> str:
        return datetime.fromisoformat(iso).astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def value(self, row: dict[str, Any], column: Column) -> Any:
        if column.key == "sla":
            return sla_state(row)
        return row.get(column.key)

    def extra_data(self, row: dict[str, Any], column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and row["breached_targets"]:
            return QBrush(QColor(BREACHED_COLOUR))
        return None

    def accepts(self, row: dict[str, Any]) -> bool:
        """Filters: kind, priority, status, sla or text."""
        for key in ("kind", "priority", "status"):
            wanted = self.filters.get(key)
            if wanted is not None and row[key] != wanted:
                return False
        sla = self.filters.get("sla")
        if sla is not None and (sla == SLA_BREACHED) != bool(row["breached_targets"]):
            return False
        return self.text_matches(row, "assignee")
