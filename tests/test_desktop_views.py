"""The alert list and the jobs panel (the settings dialog: test_desktop_settings_dialog.py)."""

import os

import pytest

from console.desktop.scheduler_bridge import SchedulerBridge
from console.models.alerts_model import AlertsModel
from console.models.jobs_model import JobsModel
from console.views.alerts_view import AlertsView
from console.views.jobs_panel import JobsPanel
from core.access import Actor
from core.settings import Settings
from jobs.check_sla_breaches import run_check_sla_breaches
from jobs.scheduler import JobScheduler
from tests.desktop_helpers import NOW, breach_now

pytestmark = pytest.mark.gui
ADMIN = Actor("admin", "admin", "Alex Admin")


def test_the_alert_list_reads_marks_read_and_acknowledges(qtbot, qtmodeltester, context):
    breach_now(context.engine, "T-A", assignee="agent001")
    run_check_sla_breaches(context.engine, NOW, context.settings)
    view = AlertsView(context)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.figures_shown):
        view.refresh()
    qtmodeltester.check(view.model)
    assert [row["item_id"] for row in view.model.rows()] == ["T-A"]
    assert view.model.index(0, AlertsModel.STATE).data() == "unread"
    view.table.selectRow(0)
    with qtbot.waitSignal(view.items_open_requested) as opened:
        view.open_selected()
    assert opened.args == [("T-A",)]
    with qtbot.waitSignal(view.unread_changed) as unread:
        view.acknowledge_selected()
    assert unread.args == [0]
    assert view.model.index(0, AlertsModel.STATE).data() == "acknowledged"


def test_the_unread_count_is_counted_by_the_database_beyond_the_rows_shown(qtbot, context):
    from console.views.alerts_view import SHOWN_ALERTS
    from core.db import write_transaction
    from core.models import Alert

    many = SHOWN_ALERTS + 25
    with write_transaction(context.engine) as session:
        session.add_all(Alert(recipient_id="admin", kind="unplaced", message=f"alert {n}",
                              created_at=NOW - n, read_at=NOW if n < 5 else None)
                        for n in range(many))
    view = AlertsView(context)
    qtbot.addWidget(view)
    unread = []
    view.unread_changed.connect(unread.append)
    with qtbot.waitSignal(view.figures_shown):
        view.refresh()
    assert unread == [many - 5]
    assert view.model.rowCount() == SHOWN_ALERTS
    assert view.status.text().startswith(f"{many - 5:,} unread")


class FakeScheduler:
    """Stands in for JobScheduler where only its controls matter."""

    def __init__(self, engine, settings, **kwargs):
        self.paused_names, self.ran, self.on_run = set(), [], kwargs["on_run"]

    def start(self):
        pass

    def shutdown(self, wait=True):
        pass

    def is_paused(self, name):
        return name in self.paused_names

    def pause(self, name):
        self.paused_names.add(name)

    def resume(self, name):
        self.paused_names.discard(name)

    def run_now(self, name):
        self.ran.append(name)

    def next_run_times(self):
        return {}


def test_the_jobs_panel_shows_runs_and_drives_the_scheduler(qtbot, qtmodeltester, context):
    bridge = SchedulerBridge(context.engine, context.settings, scheduler_factory=FakeScheduler)
    panel = JobsPanel(context)
    qtbot.addWidget(panel)
    panel.attach_scheduler(bridge)
    assert bridge.start()
    with qtbot.waitSignal(panel.figures_shown):
        panel.refresh()
    qtmodeltester.check(panel.jobs_model)
    names = [row["job"] for row in panel.jobs_model.rows()]
    assert "check-sla-breaches" in names
    panel.jobs_table.selectRow(names.index("check-sla-breaches"))
    qtbot.waitUntil(lambda: panel.pause_button.isEnabled())
    with qtbot.waitSignal(panel.figures_shown):
        panel.pause_selected()
    assert bridge.scheduler.is_paused("check-sla-breaches")
    row = names.index("check-sla-breaches")
    assert panel.jobs_model.index(row, JobsModel.NEXT_RUN).data() == "paused"
    assert panel.resume_button.isEnabled() and not panel.pause_button.isEnabled()
    panel.run_selected()
    assert bridge.scheduler.ran == ["check-sla-breaches"]
    bridge.stop()


def test_the_embedded_scheduler_hands_runs_to_the_gui(qtbot, context):
    bridge = SchedulerBridge(context.engine, context.settings, clock=lambda: NOW,
                             scheduler_factory=lambda e, s, **kw: JobScheduler(
                                 e, s, catch_up_on_start=False, **kw))
    assert bridge.start()
    try:
        with qtbot.waitSignal(bridge.run_finished, timeout=20_000) as finished:
            bridge.run_now("update-support-workload-trackers")
        assert finished.args[0]["job"] == "update-support-workload-trackers"
        assert finished.args[0]["outcome"] == "ok"
        assert set(bridge.next_runs()) >= {"check-sla-breaches"}
    finally:
        bridge.stop()
    disabled = SchedulerBridge(context.engine, Settings(scheduler_enabled=False))
    assert disabled.start() is False and not disabled.running


def test_the_consoles_scheduler_runs_each_job_in_a_process_of_its_own(qtbot, context):
    """A job's work never shares the window's process (jobs.child_process)."""
    from sqlalchemy.orm import Session

    from core.models import JobRun

    bridge = SchedulerBridge(context.engine, context.settings, clock=lambda: NOW)
    assert bridge.start()
    try:
        with qtbot.waitSignal(bridge.run_finished, timeout=60_000,
                              check_params_cb=lambda o: o["trigger"] == "manual") as finished:
            bridge.run_now("update-support-workload-trackers")
    finally:
        bridge.stop()  # waits for the run under way only: queued catch-up runs are dropped
    outcome = finished.args[0]
    assert (outcome["job"], outcome["outcome"]) == ("update-support-workload-trackers", "ok")
    with Session(context.engine) as session:
        run = session.get(JobRun, outcome["run_id"])
        assert run.host.rsplit(":", 1)[1] != str(os.getpid())


def test_the_scheduler_starts_after_the_first_load_and_never_after_quitting(
        qtbot, sqlite_url, open_desktop):
    """Its catch-up runs would slow the first load; an answer that arrives after quitting
    must not start it again (APScheduler would then fail at interpreter exit)."""
    from tests.desktop_helpers import team_engine

    team_engine(sqlite_url).dispose()
    desktop = open_desktop(sqlite_url, ADMIN)
    console = desktop.console
    with qtbot.waitSignal(console.window.first_load_done, timeout=30_000):
        console.start()
    qtbot.waitUntil(lambda: desktop.bridge.scheduler is not None, timeout=10_000)
    console.shutdown()
    assert desktop.bridge.scheduler is None
    desktop._watch_from(0)  # the newest-alert read answering after the quit
    assert desktop.bridge.scheduler is None


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_set_password_action_reads_the_team_and_writes_the_hash_off_the_gui_thread(
        qtbot, sqlite_url, open_desktop):
    from sqlalchemy import select

    from console.views.sign_in_dialog import SetPasswordDialog
    from core.accounts import sign_in
    from core.schema import agents
    from tests.desktop_helpers import team_engine

    engine = team_engine(sqlite_url)
    with engine.connect() as conn:
        team = list(conn.scalars(select(agents.c.id).order_by(agents.c.id)))
    desktop = open_desktop(sqlite_url, ADMIN, scheduler_enabled=False)
    console = desktop.console
    with qtbot.waitSignal(console.startup.ready, timeout=30_000):
        console.start()
    desktop.password_action.trigger()
    assert not console.window.findChildren(SetPasswordDialog)  # the read is under way
    qtbot.waitUntil(lambda: bool(console.window.findChildren(SetPasswordDialog)),
                    timeout=10_000)
    dialog = console.window.findChildren(SetPasswordDialog)[0]
    assert [dialog.person.itemText(i) for i in range(dialog.person.count())] == team
    assert len(team) > 1
    dialog.person.setCurrentText("agent002")
    dialog.password_edit.setText("a new password")
    dialog.again_edit.setText("a new password")
    with qtbot.waitSignal(dialog.password_set, timeout=10_000) as done:
        dialog.apply()
        assert not dialog.buttons.isEnabled()  # hashing and writing on the writer thread
    assert done.args == ["agent002"] and dialog.result() == dialog.DialogCode.Accepted
    assert sign_in(engine, "agent002", "a new password").id == "agent002"
    engine.dispose()
