"""Status histories of many items at once, as numpy arrays: each item's recorded changes
reduced to the instants at which its SLA clock stops (a pause status begins) or runs again,
and from those the running segments (core.due.SegmentTable) of any set of items.

The import and the recomputation of stored due instants both go through here, so that a
million items' clocks are a few array operations, not a Python loop per item.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from core.due import OPEN_END, Instants, SegmentTable

NO_HISTORY = -1


class Histories:
    """Changes of items 0..items-1: item[i] changed to a status (pause[i]: one that stops
    the clock) at at[i]. An item's changes are at distinct instants."""

    def __init__(self, item: Instants, at: Instants, pause: NDArray[np.bool_], items: int):
        order = np.lexsort((at, item))
        item, at, pause = item[order], at[order], pause[order]
        after_pause = np.zeros(len(item), dtype=bool)
        after_pause[1:] = pause[:-1] & (item[1:] == item[:-1])
        flips = pause != after_pause  # the clock stops or runs again here
        flip_item = item[flips]
        self.flip_at = at[flips]
        every = np.arange(items)
        self.first = np.searchsorted(flip_item, every, side="left")
        self.flips = np.searchsorted(flip_item, every, side="right") - self.first
        self.has_pause = np.zeros(items, dtype=bool)
        self.has_pause[item[pause]] = True

    def pauses(self, ks: Instants) -> NDArray[np.bool_]:
        """Whether each item's history holds a pause status (NO_HISTORY: no)."""
        return (ks >= 0) & self.has_pause[np.maximum(ks, 0)]

    def segments(self, ks: Instants, created: Instants) -> SegmentTable:
        """The running segments of items ks (NO_HISTORY: runs from creation), created at
        created: from creation, ended by each pause, started again when it ends; a change
        before creation counts from creation."""
        known = ks >= 0
        safe = np.maximum(ks, 0)
        flips = np.where(known, self.flips[safe], 0)
        first = self.first[safe]
        count = flips // 2 + 1
        width = int(count.max()) if len(ks) else 1
        starts = np.zeros((len(ks), width), dtype=np.int64)
        ends = np.full((len(ks), width), OPEN_END, dtype=np.int64)
        starts[:, 0] = created
        last = max(len(self.flip_at) - 1, 0)
        for j in range(width):
            if j:
                rows = np.flatnonzero(j < count)
                flip = np.minimum(first[rows] + 2 * j - 1, last)
                starts[rows, j] = np.maximum(self.flip_at[flip], created[rows])
            rows = np.flatnonzero(2 * j < flips)
            flip = np.minimum(first[rows] + 2 * j, last)
            ends[rows, j] = np.maximum(self.flip_at[flip], created[rows])
        return SegmentTable(starts, ends, count)
