"""The SLA clock of a few items as a person reads it: calendar, running time against each
target, due instant, and whether the clock is paused now (and since when)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from core import sla
from core.due import NO_DUE_AT, AlwaysOpen, Clock, running_segments, running_time
from core.due_store import BATCH, clock_settings, load_clocks
from core.schema import items, sla_policies, status_changes
from core.timeutil import US_PER_MINUTE

TARGET_COLUMNS = (("first_response", "first_response_minutes", "response_due"),
                  ("resolution", "resolution_minutes", "resolution_due"))


def item_clocks(conn: Connection, item_ids: Sequence[str],
                now_us: int) -> dict[str, dict[str, Any]]:
    """{item_id: clock} for the SLA-tracked items among item_ids. A clock: `calendar` (id or
    None: always open), `paused_since` (instant or None: running now) and `targets`:
    {target: {minutes, running_minutes, left_minutes, due_at (None: no due instant)}};
    running and left are business minutes up to now (left never below 0)."""
    pauses, _warn = clock_settings(conn)
    clocks: dict[str | None, Clock] = {None: AlwaysOpen()}
    clocks.update(load_clocks(conn))
    found: dict[str, dict[str, Any]] = {}
    ids = list(dict.fromkeys(item_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        histories: dict[str, list[tuple[int, str]]] = {}
        for item_id, changed_at, status in conn.execute(
                select(status_changes.c.item_id, status_changes.c.changed_at,
                       status_changes.c.status)
                .where(status_changes.c.item_id.in_(chunk))
                .order_by(status_changes.c.item_id, status_changes.c.changed_at)):
            histories.setdefault(item_id, []).append((changed_at, status))
        query = sla.with_policy(select(
            items.c.id, items.c.created_at, sla_policies.c.calendar_id,
            sla_policies.c.first_response_minutes, sla_policies.c.resolution_minutes,
            sla.response_due().label("response_due"),
            sla.resolution_due().label("resolution_due"),
        ).select_from(items)).where(and_(items.c.id.in_(chunk), sla.is_tracked()))
        for row in conn.execute(query):
            history = histories.get(row.id, [])
            found[row.id] = _clock(row, history, clocks[row.calendar_id], pauses, now_us)
    return found


def _clock(row: Any, history: list[tuple[int, str]], clock: Clock, pauses: Sequence[str],
           now_us: int) -> dict[str, Any]:
    segments = running_segments(row.created_at, history, pauses)
    ran = running_time(clock, segments, now_us) // US_PER_MINUTE
    targets: dict[str, dict[str, Any]] = {}
    for target, minutes_column, due_column in TARGET_COLUMNS:
        minutes = getattr(row, minutes_column)
        if minutes is None:
            continue
        due = getattr(row, due_column)
        targets[target] = {"minutes": minutes, "running_minutes": ran,
                           "left_minutes": max(0, minutes - ran),
                           "due_at": None if due is None or due >= NO_DUE_AT else int(due)}
    return {"calendar": row.calendar_id, "paused_since": _paused_since(history, pauses, now_us),
            "targets": targets}


def _paused_since(history: list[tuple[int, str]], pauses: Sequence[str],
                  now_us: int) -> int | None:
    """When the clock stopped, if the status at now is a pause status."""
    since = None
    for changed_at, status in history:
        if changed_at > now_us:
            break
        if status in pauses:
            since = changed_at if since is None else since
        else:
            since = None
    return since
