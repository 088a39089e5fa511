"""SLA policies per kind and priority: read by anyone, changed by admins only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.access import Actor, require_admin
from core.db import write_transaction
from core.due_store import recompute_due
from core.errors import BadInput
from core.models import KINDS, PRIORITIES, Calendar, SlaPolicy


def list_policies(session: Session) -> list[dict[str, Any]]:
    """Every (kind, priority) pair, with None where no target is set."""
    stored = {(p.kind, p.priority): p for p in session.scalars(select(SlaPolicy))}
    rows = []
    for kind in KINDS:
        for priority in PRIORITIES:
            policy = stored.get((kind, priority))
            rows.append({
                "kind": kind, "priority": priority,
                "first_response_minutes": policy.first_response_minutes if policy else None,
                "resolution_minutes": policy.resolution_minutes if policy else None,
                "calendar": policy.calendar_id if policy else None,
            })
    return rows


def save_policies(engine: Engine, actor: Actor, rows: list[dict[str, Any]]) -> int:
    """Replace the targets (and calendar, when a row names the key) of the given pairs; a
    pair with no target at all is removed. The affected items' due instants are recomputed
    in the same transaction. Returns how many items' stored due instants changed."""
    require_admin(actor, "changing SLA policies")
    for row in rows:
        if row["kind"] not in KINDS or row["priority"] not in PRIORITIES:
            raise BadInput(f"unknown kind or priority: {row['kind']}/{row['priority']}")
        for key in ("first_response_minutes", "resolution_minutes"):
            value = row.get(key)
            if value is not None and int(value) <= 0:
                raise BadInput(f"{row['kind']}/{row['priority']}: {key} must be positive")
    with write_transaction(engine) as session:
        calendar_ids = set(session.scalars(select(Calendar.id)))
        for row in rows:
            if row.get("calendar") and row["calendar"] not in calendar_ids:
                raise BadInput(f"{row['kind']}/{row['priority']}: unknown calendar "
                               f"{row['calendar']!r}")
        for row in rows:
            response, resolution = row.get("first_response_minutes"), row.get("resolution_minutes")
            existing = session.get(SlaPolicy, (row["kind"], row["priority"]))
            if response is None and resolution is None:
                if existing is not None:
                    session.delete(existing)
                continue
            if existing is None:
                existing = SlaPolicy(kind=row["kind"], priority=row["priority"])
                session.add(existing)
            existing.first_response_minutes = response
            existing.resolution_minutes = resolution
            if "calendar" in row:
                existing.calendar_id = row["calendar"] or None
        session.flush()
        return recompute_due(session.connection(),
                             pairs=[(row["kind"], row["priority"]) for row in rows])
