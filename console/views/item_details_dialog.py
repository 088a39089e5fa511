"""The item details dialog: the item's fields, its moves and its recorded breaches."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from core.timeutil import from_us


def local_time(value_us: int | None, tz: ZoneInfo) -> str:
    if value_us is None:
        return "—"
    return from_us(value_us).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def describe_clock(clock: dict[str, Any], tz: ZoneInfo) -> str:
    """Calendar, running or paused, and per target: running time against it, due."""
    since = clock["paused_since"]
    lines = [f"calendar: {clock['calendar'] or 'none (always open)'}",
             "running now" if since is None else f"paused since {local_time(since, tz)}"]
    for target, state in clock["targets"].items():
        due = ("no due instant (paused for good)" if state["due_at"] is None
               else f"due {local_time(state['due_at'], tz)}")
        lines.append(f"{target.replace('_', ' ')}: {state['running_minutes']} of "
                     f"{state['minutes']} business min, {due}")
    return "\n".join(lines)


class ItemDetailsDialog(QDialog):
    def __init__(self, details: dict[str, Any], tz: ZoneInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Item {details['item_id']}")
        self.setMinimumWidth(480)
        layout = QFormLayout(self)
        assignee = details["assignee"] or "(unassigned)"
        if details["assignee_name"]:
            assignee = f"{details['assignee_name']} ({details['assignee']})"
        rows = (
            ("Subject:", details["subject"]),
            ("Kind:", details["kind"]), ("Priority:", details["priority"]),
            ("Status:", details["status"]), ("Assignee:", assignee),
            (f"Created ({tz.key}):", local_time(details["created_at"], tz)),
            ("First response:", local_time(details["first_response_at"], tz)),
            ("Resolved:", local_time(details["resolved_at"], tz)),
        )
        for caption, value in rows:
            label = QLabel(str(value))
            label.setWordWrap(True)
            layout.addRow(caption, label)
        moves = [f"{local_time(m['moved_at'], tz)}: {m['from'] or '(unassigned)'} → {m['to']}"
                 f" ({m['reason']})" for m in details["moves"]] or ["none"]
        layout.addRow("Moves:", QLabel("\n".join(moves)))
        breaches = [f"{b['target'].replace('_', ' ')} due {local_time(b['due_at'], tz)}"
                    + (f", acknowledged by {b['acknowledged_by']}" if b["acknowledged_at"] else "")
                    for b in details["breaches"]] or ["none recorded yet"]
        layout.addRow("Recorded breaches:", QLabel("\n".join(breaches)))
        if details.get("clock"):
            layout.addRow("SLA clock:", QLabel(describe_clock(details["clock"], tz)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
