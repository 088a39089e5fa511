"""Exports: any table model to CSV or XLSX, any widget (chart) to PNG."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QWidget

from console.models.table_model import SORT_ROLE


def table_rows(model: QAbstractItemModel) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows as shown (in the proxy's order); numbers stay numbers."""
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal)).replace("\n", " ")
               for c in range(model.columnCount())]
    rows = []
    for r in range(model.rowCount()):
        row = []
        for c in range(model.columnCount()):
            index = model.index(r, c)
            raw = model.data(index, SORT_ROLE)
            shown = model.data(index, Qt.ItemDataRole.DisplayRole)
            if isinstance(raw, float):
                row.append(_shown_number(shown))  # the unit of the header, as shown
            else:
                row.append(shown)
        rows.append(row)
    return headers, rows


def export_csv(model: QAbstractItemModel, path: str | Path) -> Path:
    headers, rows = table_rows(model)
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else _plain(v) for v in row])
    return path


def export_xlsx(model: QAbstractItemModel, path: str | Path, title: str = "Table") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, rows = table_rows(model)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_plain(v) for v in row])
    for index, header in enumerate(headers, start=1):
        width = max([len(header)] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(60, width + 2)
    sheet.freeze_panes = "A2"
    path = Path(path)
    workbook.save(path)
    return path


def export_png(widget: QWidget, path: str | Path) -> Path:
    path = Path(path)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def _shown_number(text: Any) -> float | None:
    try:
        return float(str(text).replace(",", "").replace("−", "-"))
    except ValueError:
        return None  # "—": no value


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
