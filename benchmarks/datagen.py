"""The benchmark's data set: the demo generator at scale, written once as the import CSV folder.

The rows are exactly what `support-console demo` would store for the same seed and clock
(core.demo.demo_agents / demo_items), written in the format `support-console export` writes
(core.csv_format), so `support-console import` reads them back unchanged.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from core import import_hours as fmt
from core.csv_format import (
    AGENT_COLUMNS,
    AGENTS_FILE,
    ITEM_COLUMNS,
    ITEMS_FILE,
    POLICIES_FILE,
    POLICY_CALENDAR,
    POLICY_COLUMNS,
    TEAM_COLUMN,
    write_bool,
    write_time,
)
from core.demo import HISTORY_DAYS, POLICIES, demo_agents, demo_items
from core.demo_hours import CALENDARS, POLICY_CALENDARS, demo_histories, demo_holidays
from core.exporter import write_csv_file

DONE = "dataset.json"


def write_dataset(folder: Path, *, items: int, agents: int, seed: int, now_us: int,
                  hours: bool = False) -> dict:
    """Generate (or reuse, when the same parameters were written before) the CSV folder.
    hours: with the demo's calendars, holidays and status histories (core.demo_hours)."""
    folder.mkdir(parents=True, exist_ok=True)
    params = {"items": items, "agents": agents, "seed": seed, "now_us": now_us, "teams": True}
    if hours:
        params["hours"] = True
    done = folder / DONE
    if done.is_file():
        try:
            if json.loads(done.read_text())["params"] == params:
                return json.loads(done.read_text())
        except (ValueError, KeyError):
            pass
    rng = random.Random(seed)
    people = demo_agents(rng, agents, now_us)

    def t(value):
        return write_time(value)

    calendar = (POLICY_CALENDAR,) if hours else ()
    counts = {
        "sla_policies": write_csv_file(folder / POLICIES_FILE, POLICY_COLUMNS + calendar, (
            (kind, priority, response, resolution)
            + ((POLICY_CALENDARS.get((kind, priority), ""),) if hours else ())
            for kind, by_priority in POLICIES.items()
            for priority, (response, resolution) in by_priority.items())),
        "agents": write_csv_file(folder / AGENTS_FILE, AGENT_COLUMNS + (TEAM_COLUMN,), (
            (a[0], a[1], a[2] or "", a[3], write_bool(a[4]), t(a[5]),
             "" if a[6] is None else a[6], a[7] or "") for a in people)),
    }
    made = demo_items(rng, items, people, now_us)
    files = [POLICIES_FILE, AGENTS_FILE, ITEMS_FILE]
    if hours:
        made, histories = _with_histories(made, folder, seed, now_us, counts)
        files += list(fmt.HOURS_FILES)
        counts["calendars"] = write_csv_file(folder / fmt.CALENDARS_FILE, fmt.CALENDAR_COLUMNS,
                                             CALENDARS)
        counts["holidays"] = write_csv_file(folder / fmt.HOLIDAYS_FILE, fmt.HOLIDAY_COLUMNS,
                                            demo_holidays(now_us, HISTORY_DAYS))
    counts["items"] = write_csv_file(folder / ITEMS_FILE, ITEM_COLUMNS + (TEAM_COLUMN,), (
        (i[0], i[1], i[2], i[3], i[4], i[5] or "", t(i[6]), t(i[7]), t(i[8]), i[9] or "")
        for i in made))
    if hours:
        histories.close()
        counts["status_changes"] = counts.pop("_changes")
    info = {"params": params, "counts": counts,
            "bytes": sum((folder / f).stat().st_size for f in files)}
    done.write_text(json.dumps(info))
    return info


def _with_histories(made, folder: Path, seed: int, now_us: int, counts: dict):
    """The items, passing through, while their status histories go to status_changes.csv
    (in one pass: a million items are never held in memory)."""
    handle = open(folder / fmt.STATUS_CHANGES_FILE, "w", newline="", encoding="utf-8")  # noqa: SIM115
    writer = csv.writer(handle, lineterminator="\r\n")  # as core.exporter writes
    writer.writerow(fmt.STATUS_CHANGE_COLUMNS)
    rng = random.Random(seed + 1)
    counts["_changes"] = 0

    def items():
        for item in made:
            for item_id, status, changed_at in demo_histories(rng, [item], now_us):
                writer.writerow((item_id, status, write_time(changed_at)))
                counts["_changes"] += 1
            yield item

    return items(), handle
