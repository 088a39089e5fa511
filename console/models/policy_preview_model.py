"""Before and after an SLA policy change, per kind and priority (core.what_if.preview_policies)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from console.models.table_model import Column, RowTableModel, fixed, whole

FIGURES = (("tracked", "Tracked", whole), ("breached", "Breached", whole),
           ("compliance_rate_percent", "Compliance %", fixed(1)),
           ("active_breaches", "Active now", whole))
WORSE, BETTER = "#fad8d0", "#d9f2d9"


def preview_rows(preview: dict[str, Any]) -> list[dict[str, Any]]:
    """One row for all items, then one per (kind, priority) tracked before or after."""
    before, after = preview["before"], preview["after"]
    empty = dict.fromkeys(key for key, _h, _f in FIGURES)
    rows = [_row("all", "", before["total"], after["total"])]
    for kind, priority in sorted(set(before["groups"]) | set(after["groups"])):
        rows.append(_row(kind, priority, before["groups"].get((kind, priority), empty),
                         after["groups"].get((kind, priority), empty)))
    return rows


def _row(kind: str, priority: str, before: dict, after: dict) -> dict[str, Any]:
    row: dict[str, Any] = {"kind": kind, "priority": priority}
    for key, _header, _fmt in FIGURES:
        row[f"{key}_before"], row[f"{key}_after"] = before[key], after[key]
    return row


class PolicyPreviewModel(RowTableModel):
    COLUMNS = (Column("kind", "Kind"), Column("priority", "Priority"), *(
        Column(f"{key}_{when}", f"{header}\n{when}", numeric=True, fmt=fmt)
        for key, header, fmt in FIGURES for when in ("before", "after")))

    def extra_data(self, row: dict[str, Any], column: Column, role: int) -> Any:
        if role != Qt.ItemDataRole.BackgroundRole or not column.key.endswith("_after"):
            return None
        key = column.key.removesuffix("_after")
        before, after = row[f"{key}_before"], row[column.key]
        if before is None or after is None or before == after or key == "tracked":
            return None
        better = after > before if key == "compliance_rate_percent" else after < before
        return QBrush(QColor(BETTER if better else WORSE))
