"""The reassign dialog: proposes the least-loaded active agent, the lead may pick another."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget


class ReassignDialog(QDialog):
    def __init__(self, proposal: dict[str, Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Reassign {proposal['item_id']}")
        self.proposal = proposal
        layout = QFormLayout(self)
        layout.addRow("Item:", QLabel(f"{proposal['item_id']} — {proposal['subject']}"))
        layout.addRow("Kind / priority:", QLabel(f"{proposal['kind']} / {proposal['priority']}"))
        layout.addRow("Assigned to:", QLabel(proposal["assignee"] or "(unassigned)"))
        self.agent_choice = QComboBox()
        for agent in proposal["candidates"]:
            if agent["agent_id"] == proposal["assignee"]:
                continue
            limit = "" if agent["max_open"] is None else f" of {agent['max_open']}"
            state = "" if agent["active"] else ", inactive"
            self.agent_choice.addItem(
                f"{agent['agent_name']} — {agent['agent_id']} ({agent['open']}{limit} open{state})",
                agent["agent_id"])
        proposed = proposal["proposed"]
        if proposed is not None:
            self.agent_choice.setCurrentIndex(self.agent_choice.findData(proposed))
        layout.addRow("Move to:", self.agent_choice)
        hint = ("Proposed: the active agent with the fewest open items and room left."
                if proposed else "No active agent has room: pick one to go over capacity.")
        note = QLabel(hint)
        note.setWordWrap(True)
        layout.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Reassign")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    @property
    def chosen_agent(self) -> str | None:
        return self.agent_choice.currentData()
