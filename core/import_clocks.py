"""The stored due instants of items as the import writes them (core.due_store's rule, for a
batch of parsed rows at once), so that a first load never walks its items a second time.

Used when the items table is empty before the import: then every item is in the file and
its whole history (if any) in status_changes.csv, already read."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.due import SegmentTable
from core.due_store import DUE_COLUMNS, all_clocks, clock_settings, policy_instant_arrays
from core.histories import NO_HISTORY
from core.history_file import STATUS_CODE, HistoryFile
from core.schema import sla_policies

# Positions in the importer's parsed item rows.
ID, KIND, PRIORITY, STATUS, CREATED = 0, 1, 3, 4, 6


class ClockStamp:
    """Appends its columns to parsed item rows (DUE_COLUMNS; none when no policy has a
    calendar and there is no history: every item follows the plain rule); tells the history
    file what it learns of the items (for its checks)."""

    columns: tuple[str, ...] = DUE_COLUMNS

    def __init__(self, conn: Connection, history: HistoryFile | None):
        pauses, self.warn_percent = clock_settings(conn)
        self.clocks = all_clocks(conn)
        self.history = history
        self.histories = history.histories(pauses) if history is not None else None
        self.policies = {(row.kind, row.priority): (row.first_response_minutes,
                                                    row.resolution_minutes, row.calendar_id)
                         for row in conn.execute(select(sla_policies))}
        self.policy_numbers = {pair: n for n, pair in enumerate(self.policies)}
        if self.histories is None and all(p[2] is None for p in self.policies.values()):
            # Every item follows the plain rule: nothing to store (NULL, the columns' default).
            self.columns = ()

    def __call__(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        count = len(rows)
        if not count or not self.columns:
            return list(rows)
        columns = list(zip(*rows, strict=True))  # one pass in C, then a column at a time
        number = self.policy_numbers.get
        policy = np.array(list(map(number, zip(columns[KIND], columns[PRIORITY]),
                                   repeat(-1, count))), dtype=np.int64)
        created = np.array(columns[CREATED], dtype=np.int64)
        ks = np.full(count, NO_HISTORY, dtype=np.int64)
        if self.history is not None and self.history.ids:
            ks = np.array(list(map(self.history.ids.get, columns[ID], repeat(NO_HISTORY, count))),
                          dtype=np.int64)
            self.history.learn(ks, created, np.array(list(map(STATUS_CODE.__getitem__,
                                                              columns[STATUS])), dtype=np.int8))
        paused = (self.histories.pauses(ks) if self.histories is not None
                  else np.zeros(count, dtype=bool))
        due = np.zeros((len(DUE_COLUMNS), count), dtype=np.int64)
        known = np.zeros((len(DUE_COLUMNS), count), dtype=bool)  # False: NULL
        for n, (first_response, resolution, calendar_id) in enumerate(self.policies.values()):
            members = policy == n
            if calendar_id is None:
                members &= paused  # without calendar or pause: NULL, the plain rule
            chosen = np.flatnonzero(members)
            if not len(chosen):
                continue
            table = (SegmentTable.steady(created[chosen]) if self.histories is None
                     else self.histories.segments(ks[chosen], created[chosen]))
            found = policy_instant_arrays(self.clocks[calendar_id], first_response,
                                          resolution, table, self.warn_percent)
            for c, values in enumerate(found):
                if values is not None:
                    due[c, chosen], known[c, chosen] = values, True
        stored = []
        for values, set_ in zip(due, known, strict=True):
            column = values.astype(object)
            column[~set_] = None
            stored.append(column.tolist())
        return list(zip(*columns, *stored, strict=True))
