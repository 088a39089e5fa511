"""Tables meant for spreadsheets (CSV, XLSX): a text cell that a spreadsheet would run as a
formula is written as text. The CSV folder format (core.exporter) stays raw: it round-trips."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from core.files import replaced_when_done

# OWASP "CSV injection": a cell starting with one of these is a formula to a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula, prefixed with ' (so shown as text);
    numbers, booleans and None as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def report_table(result: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """A report's JSON object as a table: its list of rows (breaches, items, agents, weeks,
    tiles), or the report itself as one row when it has none. A list in a cell (a breach's
    targets) is joined with ';', anything else nested is written as JSON."""
    lists = [value for value in result.values()
             if isinstance(value, list) and all(isinstance(row, dict) for row in value)]
    records = lists[0] if lists else [result]
    headers: list[str] = []
    for record in records:
        headers.extend(key for key in record if key not in headers)
    rows = [[_flat(record.get(key)) for key in headers] for record in records]
    return headers, rows


def _flat(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(handle: IO[str], headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(handle)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])


def write_xlsx(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]],
               title: str = "Table") -> Path:
    """One sheet: bold header, numbers as numbers, every text cell as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.create_sheet(_sheet_title(title), 0)
    workbook.remove(workbook.worksheets[1])  # the default empty sheet
    sheet.append([safe_cell(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store a leading '=' as a formula
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    sheet.freeze_panes = "A2"
    path = Path(path)
    with replaced_when_done(path, "wb") as handle:
        workbook.save(handle)
    return path


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in a sheet's name, and names over 31 characters.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Table"
