"""A report's parameters: the clock, the window of days and the time zone."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.sql import ColumnElement

from core.errors import BadInput
from core.schema import items
from core.timeutil import US_PER_DAY

MAX_DAYS = 3650


@dataclass(frozen=True)
class Window:
    """The interval (now - days*24h, now]."""

    now_us: int
    days: int
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if isinstance(self.days, bool) or not isinstance(self.days, int):
            raise BadInput(f"the window must be a whole number of days, not {self.days!r}",
                           subject="days")
        if not 1 <= self.days <= MAX_DAYS:
            raise BadInput(f"the window must be between 1 and {MAX_DAYS} days, not {self.days}",
                           subject="days")

    @property
    def start_us(self) -> int:
        return self.now_us - self.days * US_PER_DAY

    def created_within(self) -> ColumnElement[bool]:
        return (items.c.created_at > self.start_us) & (items.c.created_at <= self.now_us)
