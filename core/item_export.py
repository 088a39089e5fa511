"""The items behind a figure written to CSV or Excel: streamed, every row, cancellable,
spreadsheet-safe (core.spreadsheet)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from core.drilldown import ITEM_FIELDS, FigureScope, count_figure_items, iter_figure_items
from core.errors import BadInput
from core.files import replaced_when_done
from core.spreadsheet import safe_cell, write_csv
from core.sql_types import Reader

FORMATS = ("csv", "xlsx")
PROGRESS_EVERY = 5000


class ExportCancelled(Exception):
    """The person cancelled the export; nothing was left behind."""


def _cells(row: dict[str, Any]) -> list[Any]:
    return [";".join(row[f]) if f == "breached_targets" else row[f] for f in ITEM_FIELDS]


def _write_xlsx(handle: IO[bytes], rows: Iterator[list[Any]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # rows go straight to the file: no row limit
    sheet = workbook.create_sheet("items")
    sheet.append(list(ITEM_FIELDS))
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    workbook.save(handle)


def export_figure_items(db: Reader, name: str, scope: FigureScope, week: int | None,
                        path: str | Path, fmt: str, *,
                        progress: Callable[[int, int], None] | None = None,
                        cancelled: Callable[[], bool] = lambda: False) -> dict[str, Any]:
    """Write every item behind the figure to path (csv or xlsx), one row per item.

    progress(done, total) is called every few thousand rows; when cancelled() turns true the
    export stops and the partial file is removed (ExportCancelled)."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    path = Path(path)
    total = count_figure_items(db, name, scope, week)
    written = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal written
        for done, row in enumerate(iter_figure_items(db, name, scope, week), start=1):
            written = done
            if done % PROGRESS_EVERY == 0:
                if cancelled():
                    raise ExportCancelled
                if progress is not None:
                    progress(done, total)
            yield _cells(row)

    # Written to FILE.part, which replaces FILE only when complete (removed on cancel).
    if fmt == "csv":
        with replaced_when_done(path) as handle:
            write_csv(handle, ITEM_FIELDS, rows())
    else:
        with replaced_when_done(path, "wb") as handle:
            _write_xlsx(handle, rows())
    if progress is not None:
        progress(written, written)
    return {"path": str(path), "rows": written}
