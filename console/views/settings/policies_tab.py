"""The SLA policies tab: read on the task helper, edited by admins, the reason when away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QWidget

from console.models.sla_policy_model import SlaPolicyModel
from console.tasks import describe_error
from console.views.policy_preview import PolicyPreview
from console.views.settings.form import SettingsTab, TabEnv
from core.settings import Settings

EDIT_NOTE = "Empty: no target. Changes apply to every console on this database."
ADMIN_NOTE = "Only an admin can change the SLA policies."


class PoliciesTab(SettingsTab):
    """The policies live in the database, not in the settings file."""

    title = "SLA policies"

    loaded = Signal(bool)  # True: the policies are shown; False: the reason is

    def __init__(self, settings: Settings, env: TabEnv, parent: QWidget | None = None):
        super().__init__(settings, env, parent)
        self.model = SlaPolicyModel(self)
        self.shown: bool | None = None  # as `loaded` said, None while reading
        self.note = QLabel("Loading the SLA policies…" if env.tasks else
                           "No database connection: the SLA policies cannot be shown.")
        self.note.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.form.addRow(self.note)
        self.form.addRow(self.table)
        self.preview: PolicyPreview | None = None
        if env.context is not None and env.actor.is_admin:
            # What the edits would do, before they are saved (after a pause in typing).
            self.preview = PolicyPreview(env.context)
            self.form.addRow(self.preview)
            self._preview_timer = QTimer(self, singleShot=True, interval=600)
            self._preview_timer.timeout.connect(self.preview_edits)
            self.model.dataChanged.connect(self._preview_timer.start)

    def load(self, settings: Settings) -> None:
        """Read the policies on a worker; the table or the reason shows when they arrive."""
        from core.sla_policies import list_policies

        super().load(settings)
        if self.env.tasks is not None:
            self.env.tasks.read(self, list_policies, self._show, self._show_failure)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.model.editable = self.env.actor.is_admin
        self.model.set_rows(rows)
        self.note.setText(EDIT_NOTE if self.env.actor.is_admin else ADMIN_NOTE)
        self.shown = True
        self.loaded.emit(True)

    def preview_edits(self) -> None:
        """The edited policies, as a what-if over the console's period (nothing written)."""
        if self.preview is not None and self.model.changed_rows():
            self.preview.preview([
                (r["kind"], r["priority"], r["first_response_minutes"], r["resolution_minutes"],
                 r.get("calendar")) for r in self.model.rows()
                if r["first_response_minutes"] is not None or r["resolution_minutes"] is not None])

    def _show_failure(self, error: BaseException) -> None:
        self.note.setText(f"The SLA policies cannot be read now ({describe_error(error)}); "
                          "your other settings can still be saved.")
        self.table.setEnabled(False)
        self.shown = False
        self.loaded.emit(False)

    def database_write(self) -> Callable[[], None] | None:
        from core.sla_policies import save_policies

        changed, tasks, actor = self.model.changed_rows(), self.env.tasks, self.env.actor
        if not changed or tasks is None or tasks.engine is None:
            return None
        engine = tasks.engine
        return lambda: save_policies(engine, actor, changed)

    def saved(self) -> None:
        self.model.set_rows(self.model.rows())
