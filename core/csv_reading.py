"""Reading the import's CSV files: rows in the rules' column order, and the file, line and
reason of every problem (core.importer validates the values)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.errors import BadInput

MAX_REPORTED = 200


class ImportFailed(BadInput):
    def __init__(self, errors: list[str], total: int):
        more = f"\n... and {total - len(errors)} more" if total > len(errors) else ""
        lines = "\n".join(errors)
        super().__init__(f"import refused, nothing was written: {total} bad row(s)\n{lines}{more}")
        self.errors = errors
        self.total = total


class ImportErrors:
    """Every bad row of an import, the first MAX_REPORTED of them in words."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.total = 0

    def add(self, file: str, line: int, reason: str) -> None:
        self.total += 1
        if len(self.lines) < MAX_REPORTED:
            self.lines.append(f"{file} line {line}: {reason}")


def csv_rows(path: Path, columns: tuple[str, ...], errors: ImportErrors,
          optional: tuple[str, ...] = ()) -> Iterator[tuple[int, list[Any]]]:
    """(line, values) pairs of a CSV file, values in the order of `columns` then `optional`
    (an optional column the file lacks reads as empty); file-level problems become errors."""
    name = path.name
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        errors.add(name, 0, f"cannot be read ({exc.strerror})")
        return
    nul_lines: list[int] = []  # lines holding a NUL byte, not yet reported
    with handle:
        # Watching every line costs seconds over a million rows: only when there is a NUL.
        reader = csv.reader(_watch_for_nul(handle, nul_lines) if _has_nul(path) else handle)
        try:
            header = next(reader, None)
            if header is None:
                errors.add(name, 1, "the file is empty (a header row is required)")
                return
            header = [h.strip() for h in header]
            if not _header_ok(header, columns, name, nul_lines, errors):
                return
            width = len(header)
            positions: list[int | None] = [header.index(c) for c in columns]
            positions += [header.index(c) if c in header else None for c in optional]
            in_order = positions == list(range(width))  # the usual case: no reshuffling
            # Optional columns ending the header may be left off a row: they read as empty.
            trailing = 0
            while trailing < width and header[width - 1 - trailing] in optional:
                trailing += 1
            for record in reader:
                if nul_lines:
                    # SQLite would store it, PostgreSQL refuses it: neither is data.
                    errors.add(name, nul_lines[0], "contains a NUL byte (\\0)")
                    del nul_lines[:]
                    continue
                if width - trailing <= len(record) < width:
                    record = record + [""] * (width - len(record))
                if len(record) != width:
                    if not record or record == [""]:
                        continue
                    errors.add(name, reader.line_num,
                               f"expected {width} fields, found {len(record)}")
                    continue
                if width == 1 and record == [""]:
                    continue
                yield reader.line_num, (record if in_order else
                                        ["" if p is None else record[p] for p in positions])
        except UnicodeDecodeError:
            errors.add(name, _first_undecodable_line(path), "not UTF-8 text (is this a CSV "
                       "file? save it as UTF-8)")
        except csv.Error as exc:
            errors.add(name, reader.line_num, f"not a readable CSV file ({exc})")


def _has_nul(path: Path) -> bool:
    with open(path, "rb") as raw:
        return any(b"\0" in block for block in iter(lambda: raw.read(1 << 20), b""))


def _watch_for_nul(lines: Iterator[str], found: list[int]) -> Iterator[str]:
    """The lines, noting the number of each one that holds a NUL byte."""
    for number, line in enumerate(lines, start=1):
        if "\0" in line:
            found.append(number)
        yield line


def _header_ok(header: list[str], columns: tuple[str, ...], name: str, nul_lines: list[int],
               errors: ImportErrors) -> bool:
    if nul_lines:
        errors.add(name, 1, "the header contains a NUL byte (\\0)")
        return False
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if twice:
        errors.add(name, 1, f"column(s) {', '.join(map(repr, twice))} appear more than once "
                            "in the header")
        return False
    missing = [c for c in columns if c not in header]
    if missing:
        errors.add(name, 1, f"missing column(s): {', '.join(missing)}")
        return False
    return True


def _first_undecodable_line(path: Path) -> int:
    """The text decoder reads ahead in blocks, so the reader's line count at the error is not
    the bad line: find it in the bytes, only once the file is known to be bad."""
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0
