"""The jobs table (schedule, last run, outcome, next run) and one job's run history."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from console.models.table_model import Column, RowTableModel

OUTCOME_COLOURS = {"ok": "#1b7a34", "failed": "#b00020", "skipped": "#8a6d00",
                   "running": "#1d4ed8"}


def local_time(tz: ZoneInfo):
    def fmt(value: Any) -> str:
        return datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    return fmt


def counts_text(counts: dict[str, Any] | None) -> str:
    if not counts:
        return ""
    return ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in sorted(counts.items())
                     if not isinstance(value, (dict, list)))


def _outcome_colour(column: Column, value: Any) -> Any:
    if column.key in ("outcome", "last_outcome") and value in OUTCOME_COLOURS:
        return QColor(OUTCOME_COLOURS[value])
    return None


class JobsModel(RowTableModel):
    """One row per job (jobs.history.jobs_overview entries, flattened)."""

    JOB, SCHEDULE, LAST_RUN, OUTCOME, NEXT_RUN, RESULT = range(6)

    def __init__(self, tz: ZoneInfo, parent=None):
        super().__init__(parent)
        self.COLUMNS = (
            Column("job", "Job"),
            Column("schedule", "Schedule"),
            Column("last_started", "Last run", fmt=local_time(tz)),
            Column("last_outcome", "Outcome"),
            Column("next_run", "Next run", fmt=local_time(tz)),
            Column("last_result", "Result"),
        )

    def set_jobs(self, entries: list[dict[str, Any]], paused: set[str]) -> None:
        rows = []
        for entry in entries:
            last = entry.get("last_run") or {}
            result = last.get("error") or counts_text(last.get("counts"))
            rows.append({**entry, "last_started": last.get("started_at"),
                         "last_outcome": last.get("outcome"), "last_result": result,
                         "paused": entry["job"] in paused,
                         "next_run": None if entry["job"] in paused else entry.get("next_run")})
        self.set_rows(rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and index.isValid() \
                and self.COLUMNS[index.column()].key == "next_run" \
                and self.row_at(index.row()).get("paused"):
            return "paused"
        return super().data(index, role)

    def extra_data(self, row: dict[str, Any], column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            return _outcome_colour(column, row.get("last_outcome"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "job":
                return row.get("description")
            if column.key == "last_result":
                return row.get("last_result")
        return None


class RunHistoryModel(RowTableModel):
    """The newest runs of one job (jobs.history.recent_runs)."""

    STARTED, OUTCOME, TRIGGER, SECONDS, RESULT, HOST = range(6)

    def __init__(self, tz: ZoneInfo, parent=None):
        super().__init__(parent)
        self.COLUMNS = (
            Column("started_at", "Started", fmt=local_time(tz)),
            Column("outcome", "Outcome"),
            Column("trigger", "Trigger"),
            Column("seconds", "Seconds", numeric=True, fmt=lambda v: f"{v:.2f}"),
            Column("result", "Result"),
            Column("host", "Host"),
        )

    def set_runs(self, runs: list[dict[str, Any]]) -> None:
        self.set_rows([{**run, "result": run.get("error") or counts_text(run.get("counts"))}
                       for run in runs])

    def extra_data(self, row: dict[str, Any], column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            return _outcome_colour(column, row.get("outcome"))
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "result":
            return row.get("result")
        return None
