"""The settings dialog: one widget per tab, core's rules with the reason by the field, the
user's file kept as written, SLA policies on the task helper, and a database that is away."""

import threading

import pytest
from keyring.backends import fail
from sqlalchemy import event

from console.models.sla_policy_model import SlaPolicyModel
from console.tasks import TaskRunner
from console.views.settings.database_tab import DatabaseTab
from console.views.settings.email_tab import EmailTab
from console.views.settings.notifications_tab import NotificationsTab
from console.views.settings.policies_tab import PoliciesTab
from console.views.settings_dialog import SettingsDialog
from core.access import Actor
from core.db import make_engine, session_scope
from core.secrets import KeyringStore
from core.settings import load_settings, user_config_path
from core.sla_policies import list_policies
from tests.desktop_helpers import MemoryKeyring

pytestmark = pytest.mark.gui
ADMIN = Actor("admin", "admin", "Alex Admin")


def open_dialog(qtbot, settings, tasks, actor=ADMIN, store=None):
    """The dialog as the console opens it, once its SLA policies tab has had its answer."""
    dialog = SettingsDialog(settings, actor, store or KeyringStore(MemoryKeyring()), tasks=tasks)
    qtbot.addWidget(dialog)
    return dialog


def policies_loaded(qtbot, dialog):
    """Whether the policies tab shows the policies (True) or why not (False), once it knows."""
    tab = dialog.page(PoliciesTab)
    if tab.shown is None:  # signals arrive only inside waitSignal: none is missed here
        with qtbot.waitSignal(tab.loaded):
            pass
    return tab.shown


@pytest.fixture
def gui_thread_sql(context):
    """The statements the GUI thread ran on the console's database (none, is the rule)."""
    ran = []

    def record(_conn, _cursor, statement, *_args):
        if threading.current_thread() is threading.main_thread():
            ran.append(statement)

    event.listen(context.engine, "before_cursor_execute", record)
    yield ran
    event.remove(context.engine, "before_cursor_execute", record)


def test_settings_persist_and_reload_and_passwords_go_to_the_keyring(qtbot, context,
                                                                     gui_thread_sql):
    store = KeyringStore(MemoryKeyring())
    dialog = SettingsDialog(load_settings(), ADMIN, store, tasks=context.tasks)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.page(PoliciesTab).loaded) as loaded:
        pass
    assert loaded.args == [True]
    fields = dialog.fields
    fields["warn_percent"].widget.setValue(70)
    fields["check_sla_breaches_minutes"].widget.setValue(2)
    fields["smtp_host"].widget.setText("mail.example.com")
    fields["smtp_username"].widget.setText("alerts")
    dialog.page(EmailTab).password.setText("smtp-secret-42")
    fields["scheduler_enabled"].widget.setChecked(False)
    quiet = dialog.page(NotificationsTab)
    quiet.quiet_box.setChecked(True)
    quiet.quiet_start.setTime(quiet.quiet_start.time().fromString("22:00", "HH:mm"))
    quiet.quiet_end.setTime(quiet.quiet_end.time().fromString("07:00", "HH:mm"))
    model = dialog.page(PoliciesTab).model
    assert model.setData(model.index(0, 2), "45")  # ticket/low first response
    with qtbot.waitSignal(dialog.settings_saved):
        dialog.save()
    reloaded = load_settings()
    assert reloaded.warn_percent == 70.0 and reloaded.check_sla_breaches_minutes == 2
    assert reloaded.scheduler_enabled is False and reloaded.smtp_host == "mail.example.com"
    assert (reloaded.quiet_hours_start, reloaded.quiet_hours_end) == ("22:00", "07:00")
    assert store.smtp_password("alerts", "mail.example.com") == "smtp-secret-42"
    assert "smtp-secret-42" not in user_config_path().read_text()
    assert gui_thread_sql == [], "the dialog ran SQL on the GUI thread"
    with session_scope(context.engine) as session:
        assert list_policies(session)[0]["first_response_minutes"] == 45
    gui_thread_sql.clear()
    again = open_dialog(qtbot, reloaded, context.tasks, store=store)
    assert again.fields["warn_percent"].get() == 70.0
    assert again.page(NotificationsTab).quiet_box.isChecked()
    assert policies_loaded(qtbot, again) is True
    assert again.page(PoliciesTab).model.rows()[0]["first_response_minutes"] == 45
    assert gui_thread_sql == [], "the dialog ran SQL on the GUI thread"


def test_core_refuses_bad_values_and_the_reason_shows_by_the_field(qtbot, tmp_path, monkeypatch):
    site = tmp_path / "site.toml"
    site.write_text('locked = ["smtp_host"]\nsmtp_host = "mail.corp"\n')
    monkeypatch.setenv("SUPPORT_CONSOLE_SITE_CONFIG", str(site))
    dialog = open_dialog(qtbot, load_settings(), None, Actor("lead01", "lead"),
                         KeyringStore(fail.Keyring()))
    fields = dialog.fields
    assert not fields["smtp_host"].widget.isEnabled() and fields["smtp_host"].get() == "mail.corp"
    email = dialog.page(EmailTab)
    assert not email.password.isEnabled()  # no keyring: said, not silently a file
    assert "cannot remember passwords safely" in email.password.toolTip()
    fields["weight_sla"].widget.setValue(0.9)
    fields["db_url"].widget.setText("postgresql://sc:hunter2@db/support")
    dialog.save()
    assert dialog.result() == 0 and not user_config_path().exists()
    for name in ("weight_resolution", "weight_response", "weight_sla"):
        problem = fields[name].problem
        assert not problem.isHidden() and "must add up to 1, not 1.60" in problem.text()
    db_problem = fields["db_url"].problem
    assert "no password inside the database URL" in db_problem.text()
    assert "hunter2" not in db_problem.text() + dialog.error_label.text()
    assert dialog.tabs.currentWidget() is dialog.page(DatabaseTab)
    fields["weight_sla"].widget.setValue(0.3)
    fields["db_url"].widget.setText("")
    with qtbot.waitSignal(dialog.settings_saved):
        dialog.save()
    assert fields["weight_sla"].problem.isHidden()


def test_a_commented_file_with_sections_survives_a_save_from_the_dialog(qtbot):
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('# Mine: keep this comment\ntimezone = "Europe/Berlin"  # the team\n\n'
                    '[smtp]\n# the office relay\nhost = "relay.example.com"\nport = 587\n',
                    encoding="utf-8")
    dialog = open_dialog(qtbot, load_settings(), None)
    dialog.fields["smtp_host"].widget.setText("relay2.example.com")
    dialog.fields["warn_percent"].widget.setValue(75)
    with qtbot.waitSignal(dialog.settings_saved):
        dialog.save()
    text = path.read_text(encoding="utf-8")
    assert text.startswith('# Mine: keep this comment\ntimezone = "Europe/Berlin"  # the team\n')
    assert '[smtp]\n# the office relay\nhost = "relay2.example.com"\nport = 587\n' in text
    assert "smtp_host" not in text and "warn_percent = 75.0" in text
    assert (load_settings().smtp_host, load_settings().warn_percent) == ("relay2.example.com", 75)


def test_with_the_database_away_the_dialog_opens_says_why_and_saves_the_rest(qtbot):
    away = TaskRunner(make_engine("postgresql://nobody@127.0.0.1:1/none"))
    try:
        dialog = open_dialog(qtbot, load_settings(), away)
        assert policies_loaded(qtbot, dialog) is False
        note = dialog.page(PoliciesTab).note.text()
        assert "cannot be read now" in note and "127.0.0.1" in note
        dialog.fields["inactive_hours"].widget.setValue(3)
        with qtbot.waitSignal(dialog.settings_saved):
            dialog.save()
        assert load_settings().inactive_hours == 3.0
    finally:
        away.wait_for_done()
        away.engine.dispose()


def test_a_password_in_support_console_db_is_masked_and_blocks_nothing(qtbot, monkeypatch):
    monkeypatch.setenv("SUPPORT_CONSOLE_DB", "postgresql://sc:hunter2@db.example/support")
    dialog = open_dialog(qtbot, load_settings(), None)
    shown = dialog.fields["db_url"].widget.text()
    assert "hunter2" not in shown and "***" in shown
    dialog.fields["inactive_hours"].widget.setValue(2)
    with qtbot.waitSignal(dialog.settings_saved) as saved:
        dialog.save()
    assert saved.args[0].db_url == "postgresql://sc:hunter2@db.example/support"
    assert "hunter2" not in user_config_path().read_text() and "db_url" not in \
        user_config_path().read_text()


def test_the_database_test_button_reports_in_plain_words(qtbot, context):
    dialog = open_dialog(qtbot, context.settings, context.tasks)
    dialog.fields["db_url"].widget.setText(str(context.engine.url))
    with qtbot.waitSignal(dialog.check_finished) as checked:
        dialog.page(DatabaseTab).test_connection()
    assert checked.args == ["database", True]
    assert dialog.page(DatabaseTab).result.text().startswith("Connected to sqlite")
    policies_loaded(qtbot, dialog)


def test_the_sla_policy_model_is_a_sound_table_that_takes_only_minutes(qtmodeltester):
    model = SlaPolicyModel()
    model.set_rows([{"kind": "ticket", "priority": "low", "first_response_minutes": 60,
                     "resolution_minutes": None},
                    {"kind": "ticket", "priority": "high", "first_response_minutes": None,
                     "resolution_minutes": 240}])
    qtmodeltester.check(model)
    assert not model.setData(model.index(0, 2), "45")  # read-only until allowed
    model.editable = True
    assert not model.setData(model.index(0, 0), "order")  # the pair is not editable
    for bad in ("abc", "-5", "0", "1.5"):
        assert not model.setData(model.index(0, 2), bad)
    assert model.setData(model.index(1, 3), "") and model.setData(model.index(0, 2), " 30 ")
    assert model.changed_rows() == [
        {"kind": "ticket", "priority": "low", "first_response_minutes": 30,
         "resolution_minutes": None},
        {"kind": "ticket", "priority": "high", "first_response_minutes": None,
         "resolution_minutes": None}]
    qtmodeltester.check(model)


def test_a_refused_setting_no_tab_shows_is_named_in_the_dialog(qtbot):
    from core.settings import Settings

    dialog = open_dialog(qtbot, Settings(timezone="Mars/Olympus"), None)
    dialog.save()
    assert dialog.result() == 0 and not dialog.error_label.isHidden()
    assert dialog.error_label.text().startswith("timezone: unknown time zone 'Mars/Olympus'")


def test_an_admin_saves_a_calendar_a_policy_runs_in_and_hears_what_it_changed(qtbot, context,
                                                                               gui_thread_sql):
    from console.views.settings.calendars_tab import NEW_CALENDAR, CalendarsTab
    from core.calendar_store import list_calendars

    dialog = open_dialog(qtbot, load_settings(), context.tasks)
    tab = dialog.page(CalendarsTab)
    with qtbot.waitSignal(tab.loaded) as loaded:
        pass
    assert loaded.args == [True]
    assert policies_loaded(qtbot, dialog)
    tab.picker.setCurrentText(NEW_CALENDAR)
    qtbot.keyClicks(tab.editor.id_edit, "weekdays")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        qtbot.keyClicks(tab.editor.day_edits[day], "09:00-17:00")
    model = dialog.page(PoliciesTab).model
    row = next(n for n, r in enumerate(model.rows())
               if (r["kind"], r["priority"]) == ("ticket", "medium"))
    assert model.setData(model.index(row, 4), "weekdays")
    with qtbot.waitSignal(dialog.saved_note) as note:
        dialog.save()
    assert "Calendar 'weekdays' saved" in note.args[0]
    assert "due instants changed" in note.args[0]
    assert gui_thread_sql == []  # read and written on the task helper
    with session_scope(context.engine) as session:
        saved = {c.id: c for c in list_calendars(session.connection())}
        policy = next(p for p in list_policies(session)
                      if (p["kind"], p["priority"]) == ("ticket", "medium"))
    assert saved["weekdays"].days["mon"] == "09:00-17:00" and saved["weekdays"].days["sat"] == ""
    assert policy["calendar"] == "weekdays"


def test_the_policy_editor_previews_an_edit_before_it_is_saved(qtbot, context, gui_thread_sql):
    from core.timeutil import US_PER_MINUTE
    from tests.desktop_helpers import NOW, add_item

    for item_id in ("T1", "T2"):  # urgent tickets, 30 minutes old: due in 60, fine now
        add_item(context.engine, item_id, created_us=NOW - 30 * US_PER_MINUTE)
    dialog = SettingsDialog(load_settings(), ADMIN, KeyringStore(MemoryKeyring()),
                            tasks=context.tasks, context=context)
    qtbot.addWidget(dialog)
    assert policies_loaded(qtbot, dialog)
    tab = dialog.page(PoliciesTab)
    model = tab.model
    with session_scope(context.engine) as session:
        stored = list_policies(session)
    gui_thread_sql.clear()
    rows = [n for n, r in enumerate(model.rows()) if r["first_response_minutes"] is not None]
    with qtbot.waitSignal(tab.preview.preview_shown, timeout=30_000):
        for row in rows:  # every first response due within a minute: far more breaches
            assert model.setData(model.index(row, 2), "1")
    before, after = tab.preview.result["before"]["total"], tab.preview.result["after"]["total"]
    assert (before["tracked"], before["breached"], before["active_breaches"]) == (2, 0, 0)
    assert (after["tracked"], after["breached"], after["active_breaches"]) == (2, 2, 2)
    assert gui_thread_sql == []
    with session_scope(context.engine) as session:
        assert list_policies(session) == stored  # a preview writes nothing
