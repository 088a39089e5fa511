"""Exports: any table model to CSV or XLSX, any widget (chart) to PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QWidget

from console.models.table_model import SORT_ROLE
from core.files import replaced_when_done
from core.spreadsheet import write_csv, write_xlsx


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
    with replaced_when_done(path) as handle:
        write_csv(handle, headers, [[_plain(v) for v in row] for row in rows])
    return path


def export_xlsx(model: QAbstractItemModel, path: str | Path, title: str = "Table") -> Path:
    headers, rows = table_rows(model)
    return write_xlsx(path, headers, [[_plain(v) for v in row] for row in rows], title)


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
