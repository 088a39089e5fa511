"""Helpers of the contract tests (tests/test_rules_*.py): CSV folders made by hand, the
command line run in-process (`cli.main.main`), its JSON read back."""
from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)
S = timedelta(seconds=1)

# The clock of most tests: Friday 2024-03-15 12:00 UTC.
NOW = datetime(2024, 3, 15, 12, 0, tzinfo=UTC)

AGENT_HEADER = ["id", "name", "email", "role", "active", "last_activity_at", "max_open"]
ITEM_HEADER = [
    "id", "kind", "subject", "priority", "status", "assignee",
    "created_at", "first_response_at", "resolved_at",
]
POLICY_HEADER = ["kind", "priority", "first_response_minutes", "resolution_minutes"]

PERFORMANCE_FIELDS = {
    "tickets_handled", "tickets_resolved", "resolution_rate_percent",
    "avg_resolution_time_hours", "avg_response_time_hours", "sla_compliance_rate_percent",
}
METRICS_FIELDS = {
    "performance_score", "tickets_handled", "tickets_resolved", "resolution_rate",
    "avg_response_time_hours", "avg_resolution_time_hours", "sla_compliance_rate",
    "tickets_resolved_today", "tickets_resolved_this_week", "tickets_resolved_this_month",
}


# ---------------------------------------------------------------- value helpers

def pct(x: float):
    """A percentage printed with 1 decimal."""
    return pytest.approx(x, abs=0.051)


def hours(x: float):
    """Hours printed with 2 decimals."""
    return pytest.approx(x, abs=0.0051)


def ts(value) -> str:
    """A CSV / --now time: datetimes become ISO 8601 with offset, None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def instant(text: str) -> datetime:
    """Parse an ISO time printed by the implementation; compare as instants."""
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, f"time without offset: {text!r}"
    return value


# ---------------------------------------------------------------- CSV helpers

def agent(id, role="agent", active=True, *, name=None, last_activity="", max_open=""):
    return {
        "id": id, "name": name or f"Agent {id}", "email": f"{id}@example.com",
        "role": role, "active": "true" if active else "false",
        "last_activity_at": ts(last_activity), "max_open": str(max_open),
    }


def item(id, created, *, kind="ticket", priority="medium", status=None, assignee="",
         first_response=None, resolved=None, subject=None):
    """An item row; status defaults to `resolved` when resolved_at is given, else `open`."""
    if status is None:
        status = "resolved" if resolved is not None else "open"
    return {
        "id": id, "kind": kind, "subject": subject or f"subject {id}", "priority": priority,
        "status": status, "assignee": assignee, "created_at": ts(created),
        "first_response_at": ts(first_response), "resolved_at": ts(resolved),
    }


def policy(kind, priority, response=None, resolution=None):
    return {
        "kind": kind, "priority": priority,
        "first_response_minutes": "" if response is None else str(response),
        "resolution_minutes": "" if resolution is None else str(resolution),
    }


def write_csv(folder: Path, name: str, header: list[str], rows) -> Path:
    """Write one CSV file with `header`; rows are dicts (by header) or lists."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(col, "") for col in header] if isinstance(row, dict) else row)
    return path


def write_folder(folder: Path, agents=None, items=None, policies=None) -> Path:
    """Write the import files that are given (None: the file is left out)."""
    folder.mkdir(parents=True, exist_ok=True)
    if agents is not None:
        write_csv(folder, "agents.csv", AGENT_HEADER, agents)
    if items is not None:
        write_csv(folder, "items.csv", ITEM_HEADER, items)
    if policies is not None:
        write_csv(folder, "sla_policies.csv", POLICY_HEADER, policies)
    return folder


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


# ---------------------------------------------------------------- running the CLI

def run_raw(capsys, *argv) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr)."""
    from cli.main import main

    capsys.readouterr()  # drop anything printed before
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse-style exits still give an exit code
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def run(capsys, *argv):
    """Run the command line: (exit code, parsed JSON from stdout or None, stderr)."""
    code, out, err = run_raw(capsys, *argv)
    try:
        data = json.loads(out) if out.strip() else None
    except ValueError:
        data = None
    return code, data, err


def load(capsys, db_url, folder: Path, *, agents=None, items=None, policies=None, tz="UTC"):
    """init the empty database and import the given rows; both must succeed."""
    write_folder(folder, agents, items, policies)
    code, _, err = run(capsys, "--db", db_url, "init")
    assert code == 0, err
    code, _, err = run(capsys, "--db", db_url, "import", folder, "--tz", tz)
    assert code == 0, err
    assert "Traceback" not in err


def report(capsys, db_url, name, *, now=NOW, days=30, tz="UTC", agent=None, as_=None) -> dict:
    """Run a report that must succeed and return its JSON object."""
    argv = ["--db", db_url, "report", name, "--days", days, "--now", ts(now), "--tz", tz]
    if agent is not None:
        argv += ["--agent", agent]
    if as_ is not None:
        argv += ["--as", as_]
    code, data, err = run(capsys, *argv)
    assert code == 0, f"exit {code}: {err}"
    assert isinstance(data, dict), f"stdout is not one JSON object: {data!r}"
    return data


def mentions_line(err: str, line: int) -> bool:
    """stderr names line `line` ("line 3", "row 3" or "file.csv:3")."""
    return re.search(rf"(?:line|row)\s*:?\s*{line}\b|:{line}\b", err, re.IGNORECASE) is not None
