"""Settings dialog (persist and reload, locks, keyring), the alert list and the jobs panel."""

import os

import pytest
from keyring.backends import fail

from console.desktop.keyring_store import KeyringStore
from console.desktop.scheduler_bridge import SchedulerBridge
from console.models.alerts_model import AlertsModel
from console.models.jobs_model import JobsModel
from console.views.alerts_view import AlertsView
from console.views.jobs_panel import JobsPanel
from console.views.settings_dialog import SettingsDialog
from core.access import Actor
from core.db import session_scope
from core.errors import BadInput
from core.settings import Settings, load_settings, user_config_path
from core.sla_policies import list_policies
from jobs.check_sla_breaches import run_check_sla_breaches
from jobs.scheduler import JobScheduler
from tests.desktop_helpers import NOW, MemoryKeyring, breach_now

pytestmark = pytest.mark.gui
ADMIN = Actor("admin", "admin", "Alex Admin")


@pytest.mark.allow_gui_thread_sql  # SettingsDialog's policies: house-core moves them
def test_settings_persist_and_reload_and_passwords_go_to_the_keyring(qtbot, context):
    store = KeyringStore(MemoryKeyring())
    dialog = SettingsDialog(load_settings(), ADMIN, store, engine=context.engine)
    qtbot.addWidget(dialog)
    dialog.fields["warn_percent"].widget.setValue(70)
    dialog.fields["check_sla_breaches_minutes"].widget.setValue(2)
    dialog.fields["smtp_host"].widget.setText("mail.example.com")
    dialog.fields["smtp_username"].widget.setText("alerts")
    dialog.smtp_password.setText("smtp-secret-42")
    dialog.fields["scheduler_enabled"].widget.setChecked(False)
    dialog.quiet_box.setChecked(True)
    dialog.quiet_start.setTime(dialog.quiet_start.time().fromString("22:00", "HH:mm"))
    dialog.quiet_end.setTime(dialog.quiet_end.time().fromString("07:00", "HH:mm"))
    dialog.policies.item(0, 2).setText("45")  # ticket/low first response
    with qtbot.waitSignal(dialog.settings_saved):
        dialog.save()
    reloaded = load_settings()
    assert reloaded.warn_percent == 70.0 and reloaded.check_sla_breaches_minutes == 2
    assert reloaded.scheduler_enabled is False and reloaded.smtp_host == "mail.example.com"
    assert (reloaded.quiet_hours_start, reloaded.quiet_hours_end) == ("22:00", "07:00")
    assert store.smtp_password("alerts", "mail.example.com") == "smtp-secret-42"
    assert "smtp-secret-42" not in user_config_path().read_text()
    with session_scope(context.engine) as session:
        assert list_policies(session)[0]["first_response_minutes"] == 45
    again = SettingsDialog(reloaded, ADMIN, store, engine=context.engine)
    qtbot.addWidget(again)
    assert again.fields["warn_percent"].get() == 70.0 and again.quiet_box.isChecked()


def test_locked_settings_are_read_only_and_bad_values_are_refused(qtbot, tmp_path,
                                                                  monkeypatch):
    site = tmp_path / "site.toml"
    site.write_text('locked = ["smtp_host"]\nsmtp_host = "mail.corp"\n')
    monkeypatch.setenv("SUPPORT_CONSOLE_SITE_CONFIG", str(site))
    store = KeyringStore(fail.Keyring())
    dialog = SettingsDialog(load_settings(), Actor("lead01", "lead"), store)
    qtbot.addWidget(dialog)
    assert not dialog.fields["smtp_host"].widget.isEnabled()
    assert dialog.fields["smtp_host"].get() == "mail.corp"
    assert not dialog.smtp_password.isEnabled()  # no keyring: said, not silently a file
    assert "cannot remember passwords safely" in dialog.smtp_password.toolTip()
    assert "Only an admin" in dialog.policies_note.text()
    dialog.fields["weight_sla"].widget.setValue(0.9)
    with pytest.raises(BadInput, match="add up to"):
        dialog.values()
    dialog.fields["weight_sla"].widget.setValue(0.3)
    dialog.fields["db_url"].widget.setText("postgresql://sc:hunter2@db/support")
    dialog.save()
    assert "Password field" in dialog.error_label.text() and "hunter2" not in dialog.error_label.text()


def test_the_database_test_button_reports_in_plain_words(qtbot, context):
    dialog = SettingsDialog(context.settings, ADMIN, KeyringStore(MemoryKeyring()),
                            tasks=context.tasks)
    qtbot.addWidget(dialog)
    dialog.fields["db_url"].widget.setText(str(context.engine.url))
    with qtbot.waitSignal(dialog.check_finished) as checked:
        dialog.test_database()
    assert checked.args == ["database", True]
    assert dialog.db_result.text().startswith("Connected to sqlite")


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
        qtbot, sqlite_url, open_console):
    """Its catch-up runs would slow the first load; an answer that arrives after quitting
    must not start it again (APScheduler would then fail at interpreter exit)."""
    from console.desktop.integration import DesktopIntegration
    from console.views.sign_in_dialog import SignedIn
    from tests.desktop_helpers import team_engine

    team_engine(sqlite_url).dispose()
    console = open_console(sqlite_url, settings=Settings(db_url=sqlite_url, timezone="UTC"),
                           clock=lambda: NOW, actor=ADMIN, start=False)
    desktop = DesktopIntegration(console, SignedIn(ADMIN), KeyringStore(MemoryKeyring()),
                                 use_dbus=False)
    console.desktop = desktop
    with qtbot.waitSignal(console.window.first_load_done, timeout=30_000):
        console.start()
    qtbot.waitUntil(lambda: desktop.bridge.scheduler is not None, timeout=10_000)
    console.shutdown()
    assert desktop.bridge.scheduler is None
    desktop._watch_from(0)  # the newest-alert read answering after the quit
    assert desktop.bridge.scheduler is None


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_set_password_action_reads_the_team_and_writes_the_hash_off_the_gui_thread(
        qtbot, sqlite_url, open_console):
    from sqlalchemy import select

    from console.desktop.integration import DesktopIntegration
    from console.views.sign_in_dialog import SetPasswordDialog, SignedIn
    from core.accounts import sign_in
    from core.schema import agents
    from tests.desktop_helpers import team_engine

    engine = team_engine(sqlite_url)
    with engine.connect() as conn:
        team = list(conn.scalars(select(agents.c.id).order_by(agents.c.id)))
    console = open_console(sqlite_url, settings=Settings(db_url=sqlite_url, timezone="UTC",
                                                         scheduler_enabled=False),
                           clock=lambda: NOW, actor=ADMIN, start=False)
    desktop = DesktopIntegration(console, SignedIn(ADMIN), KeyringStore(MemoryKeyring()),
                                 use_dbus=False)
    console.desktop = desktop
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
