"""The notifications tab: desktop notifications on or off, and quiet hours."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QTimeEdit, QWidget

from console.views.settings.form import LOCKED_TIP, SettingsTab, TabEnv, to_qtime
from core.settings import Settings

QUIET_HOURS = ("quiet_hours_start", "quiet_hours_end")


class NotificationsTab(SettingsTab):
    title = "Notifications"

    def __init__(self, settings: Settings, env: TabEnv, parent: QWidget | None = None):
        super().__init__(settings, env, parent)
        self.check("notifications_enabled", "Desktop notifications:",
                   "Tell me about new breaches and items reassigned to me")
        self.quiet_box = QCheckBox("No notifications between")
        self.quiet_start, self.quiet_end = QTimeEdit(), QTimeEdit()
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.quiet_box)
        row.addWidget(self.quiet_start)
        row.addWidget(QLabel("and"))
        row.addWidget(self.quiet_end)
        row.addStretch(1)
        self.form.addRow("Quiet hours:", holder)
        for name, edit in zip(QUIET_HOURS, (self.quiet_start, self.quiet_end), strict=True):
            edit.setDisplayFormat("HH:mm")
            self.quiet_box.toggled.connect(edit.setEnabled)
            self._bind_quiet(name, edit)
        if set(QUIET_HOURS) & set(settings.locked):
            holder.setEnabled(False)
            holder.setToolTip(LOCKED_TIP)
        self.note("Alerts that arrive during quiet hours or a pause stay in the alert list.")

    def _bind_quiet(self, name: str, edit: QTimeEdit) -> None:
        def get() -> str:
            return edit.time().toString("HH:mm") if self.quiet_box.isChecked() else ""

        def put(value: str) -> None:
            if name == QUIET_HOURS[0]:
                self.quiet_box.setChecked(bool(value))
            edit.setEnabled(bool(value))
            edit.setTime(to_qtime(value))

        self.bind(name, "", edit, get, put, placed=True)
