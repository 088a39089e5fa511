"""The jobs panel: each job's schedule, last run, outcome, next run and history; run-now, pause."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from console.models.jobs_model import JobsModel, RunHistoryModel
from console.models.table_model import ROW_ROLE
from console.views.base import ConsoleView
from console.widgets.tables import DataTable

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session


class JobsPanel(ConsoleView):
    """Works with the embedded scheduler when it runs; without it, run-now still works."""

    key = "jobs"
    title = "Jobs"
    supervisor_only = True

    run_requested = Signal(str)

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.bridge = None
        self.jobs_model = JobsModel(context.tz, self)
        self.history_model = RunHistoryModel(context.tz, self)
        self.status.setWordWrap(True)
        self.run_button = QPushButton("Run now")
        self.pause_button = QPushButton("Pause")
        self.resume_button = QPushButton("Resume")
        self.jobs_table = DataTable()
        self.jobs_table.setSortingEnabled(False)
        self.jobs_table.setModel(self.jobs_model)
        self.history_label = QLabel("Recent runs")
        self.history_table = DataTable()
        self.history_table.setSortingEnabled(False)
        self.history_table.setModel(self.history_model)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.run_button, self.pause_button, self.resume_button):
            buttons.addWidget(button)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 6, 0, 0)
        history_layout.addWidget(self.history_label)
        history_layout.addWidget(self.history_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.jobs_table)
        splitter.addWidget(history)
        splitter.setSizes([260, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        self.run_button.clicked.connect(self.run_selected)
        self.pause_button.clicked.connect(self.pause_selected)
        self.resume_button.clicked.connect(self.resume_selected)
        self.jobs_table.selectionModel().selectionChanged.connect(self._on_selection)
        self._update_buttons()

    def attach_scheduler(self, bridge) -> None:
        """Show the live scheduler's next runs and let pause/resume reach it."""
        self.bridge = bridge
        bridge.run_finished.connect(self.refresh)
        bridge.state_changed.connect(self.refresh)
        self._update_buttons()

    # -- loading ---------------------------------------------------------------------------
    def request(self) -> dict[str, Any]:
        live = self.bridge is not None and self.bridge.running
        return {"job": self.selected_job(), "now": self.context.clock(),
                "next_runs": self.bridge.next_runs() if live else None,
                "paused": self.bridge.paused() if live else set(), "live": live}

    def fetch(self, session: Session, request: dict[str, Any]) -> dict[str, Any]:
        from jobs.history import jobs_overview, recent_runs

        jobs = jobs_overview(self.context.engine, self.context.settings, request["now"],
                             request["next_runs"])
        job = request["job"] or (jobs[0]["job"] if jobs else None)
        return {**request, "jobs": jobs, "job": job,
                "history": recent_runs(session, job, 30) if job else []}

    def show_figures(self, result: dict[str, Any]) -> None:
        selected = result["job"]
        self.jobs_model.set_jobs(result["jobs"], result["paused"])
        self.jobs_table.fit_columns(stretch_column=JobsModel.RESULT)
        names = [row["job"] for row in self.jobs_model.rows()]
        if selected in names and self.selected_job() != selected:
            # Restoring the selection after the reset must not count as a new choice
            # (that would refresh, reset and select again, for ever).
            selection = self.jobs_table.selectionModel()
            selection.blockSignals(True)
            self.jobs_table.selectRow(names.index(selected))
            selection.blockSignals(False)
            self.jobs_table.viewport().update()
        self.history_model.set_runs(result["history"])
        self.history_table.fit_columns(stretch_column=RunHistoryModel.RESULT)
        self.history_label.setText(f"Recent runs of {selected}" if selected else "Recent runs")
        if result["live"]:
            self.status.setText("The scheduler runs inside this console. When several consoles "
                                "share the database, each period's run happens once.")
        elif self.context.settings.scheduler_enabled:
            self.status.setText("The scheduler is not running in this console.")
        else:
            self.status.setText("The scheduler is turned off in the settings: jobs run only "
                                "when you press Run now (or elsewhere, e.g. `jobs serve`).")
        self._update_buttons()

    def tables(self):
        return [("jobs", self.jobs_model), ("job-runs", self.history_model)]

    # -- actions ---------------------------------------------------------------------------
    def selected_job(self) -> str | None:
        rows = self.jobs_table.selectionModel().selectedRows() if self.jobs_table.model() else []
        return rows[0].data(ROW_ROLE)["job"] if rows else None

    @Slot()
    def run_selected(self) -> None:
        name = self.selected_job()
        if name is None:
            return
        self.run_requested.emit(name)
        if self.bridge is not None and self.bridge.running:
            self.bridge.run_now(name)
            return
        from jobs.runner import run_job

        engine, settings, now = self.context.engine, self.context.settings, self.context.clock()
        self.context.tasks.run_in_background(
            self, lambda: run_job(engine, name, now, settings, trigger="manual"),
            lambda _outcome: self.context.bus.announce_local_change(),
            lambda error: self.load_failed.emit(str(error)), serial=True)

    @Slot()
    def pause_selected(self) -> None:
        name = self.selected_job()
        if name and self.bridge is not None and self.bridge.running:
            self.bridge.pause(name)

    @Slot()
    def resume_selected(self) -> None:
        name = self.selected_job()
        if name and self.bridge is not None and self.bridge.running:
            self.bridge.resume(name)

    def _on_selection(self, *_args) -> None:
        self._update_buttons()
        self.refresh()

    def _update_buttons(self) -> None:
        name = self.selected_job()
        live = self.bridge is not None and self.bridge.running
        paused = live and name in self.bridge.paused()
        self.run_button.setEnabled(name is not None)
        self.pause_button.setEnabled(live and name is not None and not paused)
        self.resume_button.setEnabled(live and name is not None and paused)
        tip = "" if live else "The scheduler does not run in this console"
        self.pause_button.setToolTip(tip)
        self.resume_button.setToolTip(tip)
