"""What an SLA policy change would do, before it is saved: a widget for the policy editor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.context import ConsoleContext
from console.models.policy_preview_model import PolicyPreviewModel, preview_rows
from console.tasks import describe_error
from console.widgets.tables import DataTable
from core.what_if import preview_policies


class PolicyPreview(QWidget):
    """Compliance, breached and active breaches now, before and after, per kind and
    priority, over the console's period; computed on a worker (nothing is written).
    Feed it with `preview(rows)`: the (kind, priority, first_response_minutes,
    resolution_minutes) rows being edited."""

    preview_shown = Signal()
    preview_failed = Signal(str)

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.model = PolicyPreviewModel(self)
        self.summary = QLabel("Change a policy to see what it would do.")
        self.summary.setWordWrap(True)
        self.table = DataTable()
        self.table.setModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.result: dict[str, Any] | None = None

    @Slot(object)
    def preview(self, rows: Sequence[Sequence]) -> None:
        rows = [tuple(row) for row in rows]
        window, actor_id = self.context.window(), self.context.actor_id
        settings = self.context.settings
        self.summary.setText("Working out what the change would do…")
        self.context.tasks.read(
            self, lambda session: preview_policies(session.connection(), window, rows,
                                                   actor_id=actor_id, settings=settings),
            self._show, self._failed)

    def _show(self, result: dict[str, Any]) -> None:
        self.result = result
        self.model.set_rows(preview_rows(result))
        self.table.fit_columns()
        before, after = result["before"]["total"], result["after"]["total"]
        self.summary.setText(
            f"Over the last {self.context.period.days} days: compliance "
            f"{_pct(before['compliance_rate_percent'])} → {_pct(after['compliance_rate_percent'])}, "
            f"breached {before['breached']:,} → {after['breached']:,}; active breaches now "
            f"{before['active_breaches']:,} → {after['active_breaches']:,}. Nothing is saved "
            "until you save.")
        self.preview_shown.emit()

    def _failed(self, error: BaseException) -> None:
        message = describe_error(error)
        self.summary.setText(f"No preview: {message}")
        self.preview_failed.emit(message)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"
