"""The benchmark's data set: the demo generator at scale, written once as the import CSV folder.

The rows are exactly what `support-console demo` would store for the same seed and clock
(core.demo.demo_agents / demo_items), written in the format `support-console export` writes
(core.csv_format), so `support-console import` reads them back unchanged.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from core.csv_format import (
    AGENT_COLUMNS,
    AGENTS_FILE,
    ITEM_COLUMNS,
    ITEMS_FILE,
    POLICIES_FILE,
    POLICY_COLUMNS,
    TEAM_COLUMN,
    write_bool,
    write_time,
)
from core.demo import POLICIES, demo_agents, demo_items
from core.exporter import write_csv_file

DONE = "dataset.json"


def write_dataset(folder: Path, *, items: int, agents: int, seed: int, now_us: int) -> dict:
    """Generate (or reuse, when the same parameters were written before) the CSV folder."""
    folder.mkdir(parents=True, exist_ok=True)
    params = {"items": items, "agents": agents, "seed": seed, "now_us": now_us, "teams": True}
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

    counts = {
        "sla_policies": write_csv_file(folder / POLICIES_FILE, POLICY_COLUMNS, (
            (kind, priority, response, resolution)
            for kind, by_priority in POLICIES.items()
            for priority, (response, resolution) in by_priority.items())),
        "agents": write_csv_file(folder / AGENTS_FILE, AGENT_COLUMNS + (TEAM_COLUMN,), (
            (a[0], a[1], a[2] or "", a[3], write_bool(a[4]), t(a[5]),
             "" if a[6] is None else a[6], a[7] or "") for a in people)),
        "items": write_csv_file(folder / ITEMS_FILE, ITEM_COLUMNS + (TEAM_COLUMN,), (
            (i[0], i[1], i[2], i[3], i[4], i[5] or "", t(i[6]), t(i[7]), t(i[8]), i[9] or "")
            for i in demo_items(rng, items, people, now_us))),
    }
    info = {"params": params, "counts": counts,
            "bytes": sum((folder / f).stat().st_size for f in (POLICIES_FILE, AGENTS_FILE,
                                                                 ITEMS_FILE))}
    done.write_text(json.dumps(info))
    return info
