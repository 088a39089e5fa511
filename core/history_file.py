"""status_changes.csv, read whole into compact arrays before the items (so that the import
can compute each item's due instants as it writes the item), checked, then written.

A million items' histories take a few tens of MB here: per change an item number, an
instant, a status code and a line; each item id is held once.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.csv_format import RowError, choice, identifier, required_time
from core.histories import NO_HISTORY, Histories
from core.schema import STATUSES, items

STATUS_CHANGES_FILE = "status_changes.csv"
STATUS_CHANGE_COLUMNS = ("item_id", "status", "changed_at")
STATUS_CODE = {status: code for code, status in enumerate(STATUSES)}
UNKNOWN_ITEM = np.iinfo(np.int64).min  # created_at of an item not (yet) seen
WRITE_BATCH = 50_000
LOOKUP_BATCH = 5_000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
AddError = Callable[[str, int, str], None]


class HistoryFile:
    """The recorded histories of status_changes.csv: item k (ids[k]) changed to a status
    at an instant, on a line of the file."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self._item, self._at, self._line = array("q"), array("q"), array("q")
        self._status = array("b")
        self._sorted: tuple[Any, Any, Any, Any] | None = None
        self.count = 0
        # What the import learns of each item (created_at, status code), for the checks.
        self.created = np.empty(0, dtype=np.int64)
        self.status_of = np.empty(0, dtype=np.int8)

    def read(self, rows: Iterator[tuple[int, list[str]]], add_error: AddError,
             tz: tzinfo) -> None:
        ids, codes = self.ids, STATUS_CODE
        item, at, line_of, status_of = (self._item.append, self._at.append, self._line.append,
                                        self._status.append)
        fromiso = datetime.fromisoformat
        for line, (item_id, status, changed_at) in rows:
            try:
                if not item_id or item_id != item_id.strip() or len(item_id) > 64:
                    item_id = identifier(item_id, "item_id")
                code = codes.get(status)
                if code is None:
                    code = codes[choice(status.strip(), STATUSES, "status")]
                try:  # the common case, an aware ISO time, quickly; anything else below
                    changed = (fromiso(changed_at) - _EPOCH) // _ONE_US
                    if changed_at[-1].isspace():
                        raise ValueError
                except (ValueError, TypeError, OverflowError, IndexError):
                    changed = required_time(changed_at, cast(ZoneInfo, tz), "changed_at")
            except RowError as exc:
                add_error(STATUS_CHANGES_FILE, line, str(exc))
                continue
            k = ids.get(item_id)
            if k is None:
                k = ids[item_id] = len(ids)
            item(k)
            at(changed)
            line_of(line)
            status_of(code)
        self.count = len(self._item)
        self.created = np.full(len(ids), UNKNOWN_ITEM, dtype=np.int64)
        self.status_of = np.zeros(len(ids), dtype=np.int8)

    def arrays(self) -> tuple[Any, Any, Any, Any]:
        """(item, at, status code, line) sorted by item, then instant, then line."""
        if self._sorted is None:
            item, at = np.frombuffer(self._item, np.int64), np.frombuffer(self._at, np.int64)
            line = np.frombuffer(self._line, np.int64)
            order = np.lexsort((line, at, item))
            self._sorted = (item[order], at[order], np.frombuffer(self._status, np.int8)[order],
                            line[order])
            self._item, self._at, self._line, self._status = (array("q"), array("q"),
                                                              array("q"), array("b"))
        return self._sorted

    def histories(self, pause_statuses: Sequence[str]) -> Histories:
        item, at, status, _line = self.arrays()
        pause_codes = [STATUS_CODE[s] for s in pause_statuses if s in STATUS_CODE]
        keep = np.ones(len(item), dtype=bool)  # one change per instant (a second is an error)
        keep[1:] = (item[1:] != item[:-1]) | (at[1:] != at[:-1])
        return Histories(item[keep], at[keep], np.isin(status[keep], pause_codes),
                         len(self.ids))

    def learn(self, ks: Any, created: Any, status_codes: Any) -> None:
        """Items ks (NO_HISTORY: none) were imported, created then, with these statuses."""
        known = ks != NO_HISTORY
        self.created[ks[known]] = created[known]
        self.status_of[ks[known]] = status_codes[known]

    def learn_from_database(self, conn: Connection) -> None:
        """Look up the items the import did not bring (they must exist already)."""
        names = list(self.ids)
        missing = [names[k] for k in np.flatnonzero(self.created == UNKNOWN_ITEM)]
        for start in range(0, len(missing), LOOKUP_BATCH):
            chunk = missing[start:start + LOOKUP_BATCH]
            for item_id, created_at, status in conn.execute(
                    select(items.c.id, items.c.created_at, items.c.status)
                    .where(items.c.id.in_(chunk))):
                k = self.ids[item_id]
                self.created[k], self.status_of[k] = created_at, STATUS_CODE[status]

    def problems(self, check_items: bool, limit: int) -> list[tuple[int, str]]:
        """(line, reason) of the changes that break the rules, in line order (the first
        `limit` of each kind)."""
        item, at, status, line = self.arrays()
        names = list(self.ids)
        found: list[tuple[int, str]] = []

        def report(where: Any, reason: Callable[[int], str]) -> None:
            for n in np.flatnonzero(where)[:limit]:
                found.append((int(line[n]), reason(int(n))))

        same = np.zeros(len(item), dtype=bool)
        same[1:] = (item[1:] == item[:-1]) & (at[1:] == at[:-1])
        report(same, lambda n: f"two changes of item {names[item[n]]!r} at the same instant")
        if check_items:
            created = self.created[item]
            unknown = created == UNKNOWN_ITEM
            report(unknown, lambda n: f"a change of unknown item {names[item[n]]!r}")
            report(~unknown & (at < created),
                   lambda n: f"the change is before item {names[item[n]]!r} was created")
            last = np.ones(len(item), dtype=bool)  # the last change of each item
            last[:-1] = item[1:] != item[:-1]
            tied = np.zeros(len(item), dtype=bool)  # ... or tied with it
            tied[:-1] = same[1:] & last[1:]
            report((last | tied) & ~unknown & (status != self.status_of[item]),
                   lambda n: (f"the history of item {names[item[n]]!r} ends with status "
                              f"{STATUSES[status[n]]!r} but the item's status is "
                              f"{STATUSES[self.status_of[item[n]]]!r}"))
        found.sort()
        return found

    def rows(self, batch: int = WRITE_BATCH) -> Iterator[list[tuple[str, int, str]]]:
        """The changes to write, (item_id, changed_at, status), in batches, in key order."""
        item, at, status, _line = self.arrays()
        names = list(self.ids)
        for start in range(0, len(item), batch):
            end = start + batch
            yield list(zip(map(names.__getitem__, item[start:end].tolist()),
                           at[start:end].tolist(),
                           map(STATUSES.__getitem__, status[start:end].tolist()), strict=True))
