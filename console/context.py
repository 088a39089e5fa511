"""What every view shares: the database, the task helper, the data bus, the clock and the period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine

from console.data_bus import DataBus
from console.tasks import TaskRunner
from core.settings import Settings
from core.timeutil import parse_now, zone
from core.window import Window

Clock = Callable[[], int]
PERIOD_CHOICES = (7, 30, 90)


def system_clock() -> int:
    """Now, in integer microseconds UTC."""
    return parse_now(None)


class Period(QObject):
    """The number of days every view reports over (7, 30, 90 or custom)."""

    changed = Signal(int)

    def __init__(self, days: int = 30, parent: QObject | None = None):
        super().__init__(parent)
        self._days = days

    @property
    def days(self) -> int:
        return self._days

    def set_days(self, days: int) -> None:
        if days != self._days:
            self._days = days
            self.changed.emit(days)


class TeamChoice(QObject):
    """The team every view narrows to (None: all teams)."""

    changed = Signal(object)

    def __init__(self, name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._name = name

    @property
    def name(self) -> str | None:
        return self._name

    def set_name(self, name: str | None, *, announce: bool = True) -> None:
        """announce=False: before the first load, which follows anyway."""
        if name != self._name:
            self._name = name
            if announce:
                self.changed.emit(name)


@dataclass
class ConsoleContext:
    """Handed to every view: each view reaches the database only through `tasks`."""

    engine: Engine
    settings: Settings
    tasks: TaskRunner
    bus: DataBus
    period: Period
    clock: Clock = system_clock
    actor_id: str | None = None  # None: the local operator (sign-in comes later)
    supervisor: bool = True
    tz: ZoneInfo = field(default=None)  # type: ignore[assignment]
    team: TeamChoice = field(default_factory=TeamChoice)

    def __post_init__(self) -> None:
        if self.tz is None:
            self.tz = zone(self.settings.timezone)

    def window(self) -> Window:
        """The report window for now and the chosen period."""
        return Window(self.clock(), self.period.days, self.tz)
