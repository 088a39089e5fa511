"""The settings dialog: database, e-mail, jobs, rules, SLA policies and notifications."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTime, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from console.widgets.forms import error_label, show_error
from core.access import Actor
from core.errors import BadInput, SupportConsoleError, one_line
from core.secrets import KeyringUnavailable
from core.settings import Settings, _coerce, save_user_settings

LOCKED_TIP = "Set for everyone by your organisation (site settings): read-only here"
JOB_MINUTES = (
    ("check_sla_breaches_minutes", "Check SLA breaches every"),
    ("send_sla_breach_alerts_minutes", "E-mail breach alerts every"),
    ("auto_reassign_unresolved_tasks_minutes", "Reassign inactive agents' work every"),
    ("update_support_workload_trackers_minutes", "Snapshot workload every"),
    ("refresh_support_dashboards_minutes", "Refresh dashboards every"),
)


@dataclass
class Field:
    """A setting bound to its widget."""

    name: str
    widget: QWidget
    get: Callable[[], Any]
    set: Callable[[Any], None]


def _spin(minimum: int, maximum: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setSuffix(suffix)
    box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.PlusMinus)
    return box


def _double(minimum: float, maximum: float, step: float, decimals: int,
            suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    return box


def _hhmm(text: str) -> QTime:
    time = QTime.fromString(text or "", "HH:mm")
    return time if time.isValid() else QTime(0, 0)


class SettingsDialog(QDialog):
    """Edits the user's settings file; passwords go to the keyring; locked keys are read-only."""

    settings_saved = Signal(object)  # the new Settings
    check_finished = Signal(str, bool)  # which check ("database", "smtp"), ok

    def __init__(self, settings: Settings, actor: Actor, store, *, engine=None, tasks=None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.actor = actor
        self.store = store
        self.engine = engine
        self.tasks = tasks
        self.fields: dict[str, Field] = {}
        self.policy_rows: list[dict] = []
        self.setWindowTitle("Settings — Support Console")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._database_tab(), "Database")
        self.tabs.addTab(self._email_tab(), "E-mail")
        self.tabs.addTab(self._jobs_tab(), "Jobs")
        self.tabs.addTab(self._rules_tab(), "Rules")
        self.policies_tab_index = self.tabs.addTab(self._policies_tab(), "SLA policies")
        self.tabs.addTab(self._notifications_tab(), "Notifications")
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.load(settings)
        self.resize(760, 560)

    # -- tabs --------------------------------------------------------------------------------
    def _bind(self, form: QFormLayout, name: str, label: str, widget: QWidget,
              get: Callable[[], Any], put: Callable[[Any], None], tip: str = "") -> QWidget:
        self.fields[name] = Field(name, widget, get, put)
        if tip:
            widget.setToolTip(tip)
        if name in self.settings.locked:
            widget.setEnabled(False)
            widget.setToolTip(LOCKED_TIP)
            label = f"{label} 🔒"
        form.addRow(label, widget)
        return widget

    def _line(self, form, name, label, tip="", placeholder="") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        return self._bind(form, name, label, edit, edit.text, lambda v: edit.setText(str(v)), tip)

    def _number(self, form, name, label, box, tip="") -> QWidget:
        return self._bind(form, name, label, box, box.value, box.setValue, tip)

    def _check(self, form, name, label, text) -> QCheckBox:
        box = QCheckBox(text)
        return self._bind(form, name, label, box, box.isChecked, box.setChecked)

    def _password_edit(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        if self.store.available:
            edit.setPlaceholderText(placeholder)
        else:
            edit.setEnabled(False)
            edit.setPlaceholderText("no keyring: cannot be stored")
            edit.setToolTip(self.store.unavailable_message)
        return edit

    def _keyring_note(self, extra: str = "") -> QLabel:
        text = self.store.describe() if self.store.available else self.store.unavailable_message
        note = QLabel(text + (" " + extra if extra and not self.store.available else ""))
        note.setWordWrap(True)
        note.setObjectName("keyringNote")
        return note

    def _database_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self._line(form, "db_url", "Database URL:",
                   placeholder="empty: the SQLite file in your data folder",
                   tip="sqlite:///PATH or postgresql://USER@HOST/DATABASE (no password here)")
        self.db_password = self._password_edit("unchanged (kept in the keyring)")
        form.addRow("Password:", self.db_password)
        self.test_db_button = QPushButton("Test connection")
        self.db_result = QLabel()
        self.db_result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.test_db_button)
        row.addWidget(self.db_result, 1)
        form.addRow("", row)
        form.addRow("", self._keyring_note("Put the password in the URL's environment "
                                           "instead (SUPPORT_CONSOLE_DB)."))
        note = QLabel("A new database is used from the next start of the console.")
        note.setWordWrap(True)
        form.addRow("", note)
        self.test_db_button.clicked.connect(self.test_database)
        return page

    def _email_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self._line(form, "smtp_host", "SMTP server:", placeholder="empty: no e-mail alerts")
        self._number(form, "smtp_port", "Port:", _spin(0, 65535),
                     tip="0: the usual port for the security (25, 587 or 465)")
        self.fields["smtp_port"].widget.setSpecialValueText("default for the security")
        security = QComboBox()
        security.addItems(["none", "starttls", "ssl"])
        self._bind(form, "smtp_security", "Security:", security, security.currentText,
                   lambda v: security.setCurrentText(str(v)))
        self._line(form, "smtp_sender", "Sender address:")
        self._line(form, "smtp_username", "User name:", placeholder="empty: no login")
        self.smtp_password = self._password_edit("unchanged (kept in the keyring)")
        form.addRow("Password:", self.smtp_password)
        self.test_recipient = QLineEdit()
        self.test_recipient.setPlaceholderText("address for the test message")
        self.send_test_button = QPushButton("Send test message")
        self.smtp_result = QLabel()
        self.smtp_result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.test_recipient, 1)
        row.addWidget(self.send_test_button)
        form.addRow("Test:", row)
        form.addRow("", self.smtp_result)
        form.addRow("", self._keyring_note("Set SUPPORT_CONSOLE_SMTP_PASSWORD in the "
                                           "environment instead."))
        self.send_test_button.clicked.connect(self.send_test_mail)
        return page

    def _jobs_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self._check(form, "scheduler_enabled", "Scheduler:",
                    "Run the jobs inside this console (from the next start)")
        for name, label in JOB_MINUTES:
            self._number(form, name, label + ":", _spin(1, 1440, " min"))
        daily = QTimeEdit()
        daily.setDisplayFormat("HH:mm")
        self._bind(form, "calculate_support_performance_metrics_at", "Daily metrics at:", daily,
                   lambda: daily.time().toString("HH:mm"), lambda v: daily.setTime(_hhmm(v)),
                   tip="Local time in the console's time zone")
        self._number(form, "misfire_grace_seconds", "Late run allowed for:",
                     _spin(0, 86_400, " s"), tip="A run missed by more than this is skipped")
        return page

    def _rules_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self._number(form, "warn_percent", "At risk from:", _double(1, 100, 5, 1, " % of the target"),
                     tip="An open item is at risk once this share of its SLA time has passed")
        self._number(form, "inactive_hours", "Inactive after:", _double(0.5, 720, 0.5, 1, " h"),
                     tip="An agent without activity this long has their open work reassigned")
        self._number(form, "response_horizon_hours", "Response horizon:",
                     _double(1, 720, 1, 1, " h"))
        for name, label in (("weight_resolution", "Score weight, resolution rate:"),
                            ("weight_response", "Score weight, response time:"),
                            ("weight_sla", "Score weight, SLA compliance:")):
            self._number(form, name, label, _double(0, 1, 0.05, 2))
        note = QLabel("The three score weights must add up to 1.")
        form.addRow("", note)
        return page

    def _policies_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.policies_note = QLabel()
        self.policies_note.setWordWrap(True)
        self.policies = QTableWidget(0, 4)
        self.policies.setHorizontalHeaderLabels(
            ["Kind", "Priority", "First response (min)", "Resolution (min)"])
        self.policies.verticalHeader().setVisible(False)
        self.policies.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.policies_note)
        layout.addWidget(self.policies, 1)
        editable = self.actor.is_admin and self.engine is not None
        self.policies_note.setText(
            "Empty: no target. Changes apply to every console on this database."
            if editable else "Only an admin can change the SLA policies.")
        self.policies.setEnabled(True)
        self._policies_editable = editable
        return page

    def _notifications_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self._check(form, "notifications_enabled", "Desktop notifications:",
                    "Tell me about new breaches and items reassigned to me")
        self.quiet_box = QCheckBox("No notifications between")
        self.quiet_start = QTimeEdit()
        self.quiet_end = QTimeEdit()
        for edit in (self.quiet_start, self.quiet_end):
            edit.setDisplayFormat("HH:mm")
        row = QHBoxLayout()
        row.addWidget(self.quiet_box)
        row.addWidget(self.quiet_start)
        row.addWidget(QLabel("and"))
        row.addWidget(self.quiet_end)
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form.addRow("Quiet hours:", holder)
        self.fields["quiet_hours_start"] = Field(
            "quiet_hours_start", self.quiet_start,
            lambda: self.quiet_start.time().toString("HH:mm") if self.quiet_box.isChecked() else "",
            self._set_quiet_start)
        self.fields["quiet_hours_end"] = Field(
            "quiet_hours_end", self.quiet_end,
            lambda: self.quiet_end.time().toString("HH:mm") if self.quiet_box.isChecked() else "",
            lambda v: self.quiet_end.setTime(_hhmm(v)))
        if {"quiet_hours_start", "quiet_hours_end"} & set(self.settings.locked):
            holder.setEnabled(False)
            holder.setToolTip(LOCKED_TIP)
        self.quiet_box.toggled.connect(self.quiet_start.setEnabled)
        self.quiet_box.toggled.connect(self.quiet_end.setEnabled)
        note = QLabel("Alerts that arrive during quiet hours or a pause stay in the alert list.")
        note.setWordWrap(True)
        form.addRow("", note)
        return page

    def _set_quiet_start(self, value: str) -> None:
        self.quiet_box.setChecked(bool(value))
        self.quiet_start.setEnabled(bool(value))
        self.quiet_end.setEnabled(bool(value))
        self.quiet_start.setTime(_hhmm(value))

    # -- values ------------------------------------------------------------------------------
    def load(self, settings: Settings) -> None:
        for field in self.fields.values():
            field.set(getattr(settings, field.name))
        if self.settings.smtp_sender and not self.test_recipient.text():
            self.test_recipient.setText(self.settings.smtp_sender)
        if self.engine is not None:
            self._load_policies()

    def values(self) -> dict[str, Any]:
        """The edited settings, checked and coerced (BadInput names the bad one)."""
        values = {}
        for name, field in self.fields.items():
            values[name] = _coerce(name, field.get(), "settings")
        if values["smtp_security"] not in ("none", "starttls", "ssl"):
            raise BadInput("security must be none, starttls or ssl")
        total = values["weight_resolution"] + values["weight_response"] + values["weight_sla"]
        if abs(total - 1.0) > 1e-6:
            raise BadInput(f"the three score weights add up to {total:.2f}, not 1")
        if _url_has_password(values["db_url"]):
            raise BadInput("put the database password in the Password field (it goes to the "
                           "keyring), not in the URL")
        return values

    def edited_settings(self) -> tuple[Settings, tuple[str, ...]]:
        values = self.values()
        changed = tuple(name for name, value in values.items()
                        if value != getattr(self.settings, name) and name not in self.settings.locked)
        return dataclasses.replace(self.settings, **values), changed

    @Slot()
    def save(self) -> None:
        try:
            new, changed = self.edited_settings()
            self._store_passwords(new)
            if changed:
                save_user_settings(new, changed)
            if self._policies_editable:
                self._save_policies()
        except (SupportConsoleError, KeyringUnavailable, OSError) as exc:
            show_error(self.error_label, str(exc))
            return
        self.settings = new
        self.settings_saved.emit(new)
        self.accept()

    def _store_passwords(self, new: Settings) -> None:
        if self.db_password.text():
            self.store.set_database_password(new.resolved_db_url(), self.db_password.text())
            self.db_password.clear()
        if self.smtp_password.text():
            if not new.smtp_host or not new.smtp_username:
                raise BadInput("an SMTP password needs a server and a user name")
            self.store.set_smtp_password(new.smtp_username, new.smtp_host,
                                         self.smtp_password.text())
            self.smtp_password.clear()

    # -- SLA policies ------------------------------------------------------------------------
    def _load_policies(self) -> None:
        from core.db import session_scope
        from core.sla_policies import list_policies

        with session_scope(self.engine) as session:
            self.policy_rows = list_policies(session)
        self.policies.setRowCount(len(self.policy_rows))
        for row, policy in enumerate(self.policy_rows):
            for column, key in enumerate(("kind", "priority", "first_response_minutes",
                                          "resolution_minutes")):
                value = policy[key]
                item = QTableWidgetItem("" if value is None else str(value))
                if column < 2 or not self._policies_editable:
                    item.setFlags(item.flags() & ~_editable_flag())
                self.policies.setItem(row, column, item)

    def policy_values(self) -> list[dict]:
        rows = []
        for row, policy in enumerate(self.policy_rows):
            entry = dict(policy)
            for column, key in ((2, "first_response_minutes"), (3, "resolution_minutes")):
                text = self.policies.item(row, column).text().strip()
                try:
                    entry[key] = int(text) if text else None
                except ValueError:
                    raise BadInput(f"SLA policy {policy['kind']}/{policy['priority']}: "
                                   f"{text!r} is not a whole number of minutes")
            rows.append(entry)
        return rows

    def _save_policies(self) -> None:
        from core.sla_policies import save_policies

        rows = self.policy_values()
        changed = [row for row, old in zip(rows, self.policy_rows) if row != old]
        if changed:
            save_policies(self.engine, self.actor, changed)
            self.policy_rows = rows

    # -- checks ------------------------------------------------------------------------------
    @Slot()
    def test_database(self) -> None:
        from core.db import make_engine, safe_url
        from core.secrets import url_with_password

        url = self.fields["db_url"].get().strip() or self.settings.resolved_db_url()
        password = self.db_password.text() or self.store.database_password(url)

        def connect() -> str:
            from sqlalchemy import text

            engine = make_engine(url_with_password(url, password), create_folder=False)
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            finally:
                engine.dispose()
            return f"Connected to {safe_url(url)}."

        self.db_result.setText("Connecting…")
        self._check_in_background("database", self.db_result, connect, url)

    @Slot()
    def send_test_mail(self) -> None:
        from email.message import EmailMessage

        from core.mailer import MailProblem, SmtpConfig, SmtpConnection

        try:
            new, _changed = self.edited_settings()
            config = SmtpConfig.from_settings(new)
        except (SupportConsoleError, MailProblem) as exc:
            self.smtp_result.setText(str(exc))
            return
        if config is None:
            self.smtp_result.setText("Enter an SMTP server first.")
            return
        recipient = self.test_recipient.text().strip() or config.sender
        password = self.smtp_password.text() or None

        def send() -> str:
            message = EmailMessage()
            message["Subject"] = "Support Console test message"
            message["From"] = config.sender
            message["To"] = recipient
            message.set_content("This is a test message from Support Console's settings.\n")
            with SmtpConnection(config, password) as smtp:
                smtp.send(message)
            return f"Sent a test message to {recipient}."

        self.smtp_result.setText("Sending…")
        self._check_in_background("smtp", self.smtp_result, send, "")

    def _check_in_background(self, which: str, label: QLabel, fn: Callable[[], str],
                             url: str) -> None:
        def done(message: str) -> None:
            label.setText(message)
            self.check_finished.emit(which, True)

        def failed(error: BaseException) -> None:
            label.setText(_describe_check_error(error, url))
            self.check_finished.emit(which, False)

        if self.tasks is None:
            try:
                done(fn())
            except Exception as exc:  # noqa: BLE001 - shown in the label, never a traceback
                failed(exc)
            return
        self.tasks.run_in_background(self, fn, done, failed)


def _editable_flag():
    from PySide6.QtCore import Qt

    return Qt.ItemFlag.ItemIsEditable


def _url_has_password(url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from core.db import normalise_url

    if "://" not in url:
        return False
    try:
        return bool(make_url(normalise_url(url)).password)
    except ArgumentError:
        return False


def _describe_check_error(error: BaseException, url: str) -> str:
    """One line without the password (SQLAlchemy's messages can carry the URL)."""
    from sqlalchemy.exc import SQLAlchemyError

    from core.db import describe_db_error

    if isinstance(error, SQLAlchemyError):
        return describe_db_error(error, url)
    return one_line(error)
