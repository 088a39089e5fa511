"""The CSV folder format of the rules: file names, columns, and how each value is read."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from core.timeutil import iso_utc, parse_time, to_us

AGENTS_FILE = "agents.csv"
ITEMS_FILE = "items.csv"
POLICIES_FILE = "sla_policies.csv"

AGENT_COLUMNS = ("id", "name", "email", "role", "active", "last_activity_at", "max_open")
ITEM_COLUMNS = ("id", "kind", "subject", "priority", "status", "assignee",
                "created_at", "first_response_at", "resolved_at")
TEAM_COLUMN = "team"  # optional last column of agents.csv and items.csv; export writes it
POLICY_COLUMNS = ("kind", "priority", "first_response_minutes", "resolution_minutes")
POLICY_CALENDAR = "calendar"  # optional: empty or absent means always open


# Times outside these years are typing slips, and some could not be written back at all
# (year 9999 with a negative offset is past datetime's range once in UTC).
EARLIEST_YEAR, LATEST_YEAR = 1970, 2200
EARLIEST_US = to_us(datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC))
LATEST_US = to_us(datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC)) - 1


class RowError(ValueError):
    """One reason a row is bad (the importer adds file and line)."""


def time_out_of_range(column: str, value: str) -> RowError:
    return RowError(f"{column}: {value!r} is outside the years {EARLIEST_YEAR} to "
                    f"{LATEST_YEAR} (UTC)")


def choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise RowError(f"unknown {what} {value!r} (expected one of: {', '.join(allowed)})")
    return value


def identifier(value: str, what: str = "id") -> str:
    value = value.strip()
    if not value:
        raise RowError(f"{what} is empty")
    if len(value) > 64:
        raise RowError(f"{what} {value[:20]!r}... is longer than 64 characters")
    return value


def optional_time(value: str, zone: ZoneInfo, column: str) -> int | None:
    if not value.strip():
        return None
    try:
        moment = to_us(parse_time(value, zone))
    except (ValueError, OverflowError):
        raise RowError(f"{column}: bad time {value!r} (expected ISO 8601, e.g. 2026-11-30T09:15:00Z)")
    if not EARLIEST_US <= moment <= LATEST_US:
        raise time_out_of_range(column, value)
    return moment


def required_time(value: str, zone: ZoneInfo, column: str) -> int:
    moment = optional_time(value, zone, column)
    if moment is None:
        raise RowError(f"{column} is empty")
    return moment


def boolean(value: str, column: str) -> bool:
    text = value.strip().lower()
    if text == "true":
        return True
    if text == "false":
        return False
    raise RowError(f"{column}: bad boolean {value!r} (expected true or false)")


def optional_count(value: str, column: str) -> int | None:
    if not value.strip():
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowError(f"{column}: {value!r} is not a whole number")
    if number < 0:
        raise RowError(f"{column}: {number} is negative")
    return number


def write_time(value: int | None) -> str:
    return iso_utc(value) or ""


def write_bool(value: bool) -> str:
    return "true" if value else "false"


def has_column(path: Path, column: str) -> bool:
    """Whether the CSV file's header names the column (unreadable: False, _rows says why)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return header is not None and column in (h.strip() for h in header)
