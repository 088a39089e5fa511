"""Sign-in before the main window: id and password, "remember me" in the OS keyring."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from console.tasks import TaskRunner, describe_error
from console.widgets.forms import error_label, show_error
from core.access import Actor
from core.accounts import SignInLocked, sign_in
from core.errors import PermissionDenied
from core.secrets import KeyringUnavailable
from core.settings import Settings, save_user_settings
from core.timeutil import from_us, zone


@dataclass(frozen=True)
class SignedIn:
    """Who signed in, and a line to show about how (e.g. the demo's automatic sign-in);
    `opened`: the console.startup.DatabaseState read before the window, if it was."""

    actor: Actor
    note: str = ""
    opened: Any = None


def remember_choice(settings: Settings, store, agent_id: str, password: str,
                    remember: bool) -> tuple[Settings, str]:
    """Keep or forget the password after a sign-in; returns new settings and a note."""
    note = ""
    if remember:
        try:
            store.remember_signin(agent_id, password)
        except KeyringUnavailable as exc:
            remember, note = False, str(exc)
    if not remember:
        store.forget_signin(agent_id)
    wanted = agent_id if remember else ""
    if settings.remember_user != wanted:
        settings = dataclasses.replace(settings, remember_user=wanted)
        save_user_settings(settings, ("remember_user",))
    return settings, note


def locked_message(until_us: int, tz) -> str:
    until = from_us(until_us).astimezone(tz)
    return (f"Too many failed sign-ins: this id is locked until {until:%H:%M:%S} "
            f"on {until:%Y-%m-%d} ({tz.key}). Try again then.")


class SignInDialog(QDialog):
    """Asks for the team member's id and password; says plainly when nothing can be remembered.
    The check (a scrypt hash, and the failed-attempt count it may write) runs on a worker."""

    attempt_finished = Signal(bool)  # signed in

    def __init__(self, engine: Engine, settings: Settings, store, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = engine
        self.tasks = TaskRunner(engine, self)
        self.settings = settings
        self.store = store
        self.result_value: SignedIn | None = None
        self.setWindowTitle("Sign in to Support Console")
        self.id_edit = QLineEdit(settings.remember_user)
        self.id_edit.setPlaceholderText("your id on the team, e.g. lead01")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox("Remember me on this computer (password in the keyring)")
        self.keyring_note = QLabel(store.unavailable_message)
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(not store.available)
        self.remember_box.setEnabled(store.available)
        self.remember_box.setChecked(store.available and bool(settings.remember_user))
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Id:", self.id_edit)
        form.addRow("Password:", self.password_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.remember_box)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        (self.password_edit if settings.remember_user else self.id_edit).setFocus()

    @Slot()
    def try_sign_in(self) -> None:
        """Checks on a worker; attempt_finished says how it went."""
        engine, agent_id, password = self.engine, self.id_edit.text().strip(), \
            self.password_edit.text()
        self.buttons.setEnabled(False)
        self.tasks.run_in_background(
            self, lambda: sign_in(engine, agent_id, password),
            lambda actor: self._signed_in(actor, agent_id, password), self._refused,
            serial=True)

    def _signed_in(self, actor: Actor, agent_id: str, password: str) -> None:
        self.buttons.setEnabled(True)
        self.settings, note = remember_choice(self.settings, self.store, agent_id, password,
                                              self.remember_box.isChecked())
        self.password_edit.clear()
        self.result_value = SignedIn(actor, note)
        self.accept()
        self.attempt_finished.emit(True)

    def _refused(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, SignInLocked):
            self._show_error(locked_message(error.until_us, zone(self.settings.timezone)))
        elif isinstance(error, PermissionDenied):
            self._show_error(str(error).removeprefix("permission denied: ").capitalize())
        else:
            self._show_error(describe_error(error))
        self.attempt_finished.emit(False)

    def _show_error(self, message: str) -> None:
        show_error(self.error_label, message)
        self._grow_to_fit()
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def _grow_to_fit(self) -> None:
        """Wrapped labels need more height at this width than the window was given when it
        first showed: grow (never squeeze the keyring note to make room for the error)."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)


def sign_in_before_window(engine: Engine, settings: Settings, store,
                          parent: QWidget | None = None,
                          demo_admin: Actor | None = None) -> SignedIn | None:
    """The demo admin, a remembered password that still works, or the dialog (None: cancelled)."""
    if demo_admin is not None:
        return SignedIn(demo_admin, f"Demo database: signed in automatically as "
                                    f"{demo_admin.id} ({demo_admin.name}).")
    remembered = settings.remember_user
    password = store.signin_password(remembered) if remembered else None
    dialog = SignInDialog(engine, settings, store, parent)
    if password:
        try:
            return SignedIn(dialog.tasks.run_and_wait(lambda: sign_in(engine, remembered,
                                                                      password)))
        except PermissionDenied:
            pass  # changed since: ask again
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.result_value


class SetPasswordDialog(QDialog):
    """An admin sets a team member's password (stored as a salted scrypt hash, on a worker:
    the hash takes a noticeable moment and the write is a database call)."""

    password_set = Signal(str)  # the person's id

    def __init__(self, tasks: TaskRunner, actor: Actor, agent_ids: list[str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtWidgets import QComboBox

        self.tasks = tasks
        self.actor = actor
        self.setWindowTitle("Set a password")
        self.person = QComboBox()
        self.person.addItems(agent_ids)
        self.person.setEditable(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit = QLineEdit()
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Set password")
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Person:", self.person)
        form.addRow("New password:", self.password_edit)
        form.addRow("Again:", self.again_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    @Slot()
    def apply(self) -> None:
        from core.accounts import set_password

        if self.password_edit.text() != self.again_edit.text():
            self._fail("The two passwords differ.")
            return
        engine, actor = self.tasks.engine, self.actor
        person, password = self.person.currentText().strip(), self.password_edit.text()
        self.buttons.setEnabled(False)
        self.tasks.run_in_background(
            self, lambda: set_password(engine, actor, person, password),
            lambda _none: self._done(person), self._failed, serial=True)

    def _done(self, person: str) -> None:
        self.buttons.setEnabled(True)
        self.password_edit.clear()
        self.again_edit.clear()
        self.password_set.emit(person)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self._fail(describe_error(error))

    def _fail(self, message: str) -> None:
        show_error(self.error_label, message)
