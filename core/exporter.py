"""Export: the same three CSV files the importer reads, streamed from the database."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import Engine, select

from core.csv_format import (
    AGENT_COLUMNS,
    AGENTS_FILE,
    ITEM_COLUMNS,
    ITEMS_FILE,
    POLICIES_FILE,
    POLICY_COLUMNS,
    write_bool,
    write_time,
)
from core.errors import BadInput
from core.models import Agent, Item, SlaPolicy


def write_csv_file(path: Path, header: tuple[str, ...], rows: Iterable[Sequence[object]]) -> int:
    """Write header and rows (None as an empty cell) to path, replacing it only when done."""
    tmp = path.with_name(path.name + ".part")
    count = 0
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    os.replace(tmp, path)
    return count


def export_folder(engine: Engine, folder: str | Path) -> dict[str, int]:
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"{folder}: cannot create the folder ({exc.strerror})")
    if not folder.is_dir():
        raise BadInput(f"{folder}: not a folder")
    with engine.connect() as conn:
        agents = conn.execute(select(Agent.id, Agent.name, Agent.email, Agent.role, Agent.active,
                                     Agent.last_activity_at, Agent.max_open).order_by(Agent.id))
        counts = {"agents": write_csv_file(folder / AGENTS_FILE, AGENT_COLUMNS, (
            (a.id, a.name, a.email, a.role, write_bool(a.active), write_time(a.last_activity_at),
             a.max_open) for a in agents))}
        items = conn.execution_options(yield_per=10_000).execute(
            select(Item.id, Item.kind, Item.subject, Item.priority, Item.status, Item.assignee_id,
                   Item.created_at, Item.first_response_at, Item.resolved_at).order_by(Item.id))
        counts["items"] = write_csv_file(folder / ITEMS_FILE, ITEM_COLUMNS, (
            (i.id, i.kind, i.subject, i.priority, i.status, i.assignee_id,
             write_time(i.created_at), write_time(i.first_response_at), write_time(i.resolved_at))
            for i in items))
        policies = conn.execute(select(SlaPolicy).order_by(SlaPolicy.kind, SlaPolicy.priority))
        counts["sla_policies"] = write_csv_file(folder / POLICIES_FILE, POLICY_COLUMNS, (
            (p.kind, p.priority, p.first_response_minutes, p.resolution_minutes)
            for p in policies))
    return counts
