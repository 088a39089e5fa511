"""Active breaches and at-risk items in one table, coloured by how overdue they are."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from console.models.table_model import Column, FilteredRowModel
from core.timeutil import from_us

BREACHED, AT_RISK = "breached", "at risk"
TARGET_NAMES = {"first_response": "first response", "resolution": "resolution"}
# Background by minutes overdue (at risk items have negative minutes: time left).
OVERDUE_COLOURS = ((7 * 24 * 60, "#f7c9c9"), (24 * 60, "#fad8d0"), (60, "#fce4d6"),
                   (0, "#fdeee2"))
AT_RISK_COLOUR = "#fff5cc"
STATE_COLOURS = {"breached": "#c62828", "at risk": "#9a6700"}


def zone_abbreviation(tz: ZoneInfo) -> str:
    """'CET' for Europe/Berlin in winter; the zone name when it has no abbreviation."""
    from datetime import datetime

    name = datetime.now(tz).strftime("%Z")
    return name if name and not name.startswith(("+", "-")) else tz.key


def overdue_hours(minutes: Any) -> str:
    hours = int(minutes) / 60
    return f"{hours:,.1f}".replace("-", "−")


def overdue_colour(state: str, minutes: int) -> str:
    if state == AT_RISK:
        return AT_RISK_COLOUR
    return next(colour for limit, colour in OVERDUE_COLOURS if minutes >= limit)


def describe_minutes(minutes: int) -> str:
    amount = abs(int(minutes))
    days, rest = divmod(amount, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours or days:
        parts.append(f"{hours} h")
    if not days:
        parts.append(f"{mins} min")
    text = " ".join(parts)
    return f"overdue by {text}" if minutes >= 0 else f"due in {text}"


def clock_text(row: dict[str, Any], tz: ZoneInfo) -> str:
    """'paused since 11-30 14:05' or 'running', and for an at-risk item the business minutes
    left (row["clock"] from core.item_clock; empty when unknown)."""
    clock = row.get("clock")
    if not clock:
        return ""
    since = clock["paused_since"]
    text = "running" if since is None else \
        f"paused since {from_us(since).astimezone(tz).strftime('%m-%d %H:%M')}"
    if row["state"] == AT_RISK:
        left = [clock["targets"][t]["left_minutes"] for t in row["targets"]
                if t in clock["targets"]]
        if left:
            text += f", {min(left)} business min left"
    return text


def calendar_text(row: dict[str, Any]) -> str:
    clock = row.get("clock")
    if not clock:
        return ""
    return clock["calendar"] or "always open"


class BreachListModel(FilteredRowModel):
    (STATE, ITEM, KIND, PRIORITY, SUBJECT, ASSIGNEE, TARGETS, DUE, OVERDUE, ACKNOWLEDGED,
     CLOCK, CALENDAR) = range(12)

    def __init__(self, tz: ZoneInfo, parent=None):
        super().__init__(parent)
        self.tz = tz
        self.COLUMNS = (
            Column("state", "State"),
            Column("item_id", "Item"),
            Column("kind", "Kind"),
            Column("priority", "Priority"),
            Column("subject", "Subject"),
            Column("assignee_name", "Assignee"),
            Column("targets", "Targets", fmt=lambda t: ", ".join(TARGET_NAMES[x] for x in t)),
            Column("due_at_us", f"Due ({zone_abbreviation(tz)})", fmt=self._local_time,
                   tip=f"Local time, {tz.key}"),
            Column("overdue_minutes", "Overdue (h)", numeric=True, fmt=overdue_hours,
                   tip="Hours past the due time; negative: hours left before the breach"),
            Column("acknowledged", "Ack.", fmt=lambda done: "yes" if done else "",
                   tip="Acknowledged by a lead or the assignee"),
            Column("clock_text", "SLA clock",
                   tip="Running or paused (waiting on the customer) now; at risk: business "
                       "minutes left"),
            Column("calendar_text", "Calendar", tip="The business hours the clock runs in"),
        )

    def _local_time(self, value_us: int) -> str:
        return from_us(value_us).astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def value(self, row: dict[str, Any], column: Column) -> Any:
        if column.key == "assignee_name":
            return row.get("assignee_name") or row.get("assignee") or "(unassigned)"
        if column.key == "clock_text":
            return clock_text(row, self.tz)
        if column.key == "calendar_text":
            return calendar_text(row)
        return row.get(column.key)

    def extra_data(self, row: dict[str, Any], column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(overdue_colour(row["state"], row["overdue_minutes"])))
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = STATE_COLOURS[row["state"]] if column.key == "state" else "#1d1d1f"
            return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row['item_id']}: {describe_minutes(row['overdue_minutes'])}"
        return None

    def accepts(self, row: dict[str, Any]) -> bool:
        """Filters: state, kind, priority, assignee, target or text."""
        for key, wanted in self.filters.items():
            if wanted is None or key == "text":
                continue
            if key == "target":
                if wanted not in row["targets"]:
                    return False
            elif key == "assignee":
                if (row.get("assignee") or "") != wanted:
                    return False
            elif row.get(key) != wanted:
                return False
        return self.text_matches(row, "assignee_name")
