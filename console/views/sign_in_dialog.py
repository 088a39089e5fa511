"""Sign-in before the main window: id and password, "remember me" in the OS keyring."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PySide6.QtCore import Slot
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
from sqlalchemy import Engine, select

from console.widgets.forms import error_label, show_error
from core.access import Actor
from core.accounts import SignInLocked, sign_in
from core.db import is_sqlite, read_scope
from core.demo import holds_demo_data
from core.errors import PermissionDenied, SupportConsoleError
from core.schema import agents
from core.secrets import KeyringUnavailable
from core.settings import Settings, save_user_settings
from core.timeutil import from_us, zone


@dataclass(frozen=True)
class SignedIn:
    """Who signed in, and a line to show about how (e.g. the demo's automatic sign-in)."""

    actor: Actor
    note: str = ""


def demo_admin(engine: Engine) -> Actor | None:
    """On a SQLite demo database: its admin, signed in without a password."""
    if not is_sqlite(engine):
        return None
    with read_scope(engine) as conn:
        if not holds_demo_data(conn):
            return None
        agent = conn.execute(select(agents).where(agents.c.role == "admin", agents.c.active)
                             .order_by(agents.c.id)).first()
        return None if agent is None else Actor(id=agent.id, role=agent.role, name=agent.name)


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
    """Asks for the team member's id and password; says plainly when nothing can be remembered."""

    def __init__(self, engine: Engine, settings: Settings, store, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = engine
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Id:", self.id_edit)
        form.addRow("Password:", self.password_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.remember_box)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        (self.password_edit if settings.remember_user else self.id_edit).setFocus()

    @Slot()
    def try_sign_in(self) -> None:
        agent_id = self.id_edit.text().strip()
        password = self.password_edit.text()
        try:
            actor = sign_in(self.engine, agent_id, password)
        except SignInLocked as exc:
            self._show_error(locked_message(exc.until_us, zone(self.settings.timezone)))
            return
        except PermissionDenied as exc:
            self._show_error(str(exc).removeprefix("permission denied: ").capitalize())
            return
        except SupportConsoleError as exc:
            self._show_error(str(exc))
            return
        self.settings, note = remember_choice(self.settings, self.store, agent_id, password,
                                              self.remember_box.isChecked())
        self.password_edit.clear()
        self.result_value = SignedIn(actor, note)
        self.accept()

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
                          parent: QWidget | None = None) -> SignedIn | None:
    """The demo admin, a remembered password that still works, or the dialog (None: cancelled)."""
    admin = demo_admin(engine)
    if admin is not None:
        return SignedIn(admin, f"Demo database: signed in automatically as {admin.id} "
                               f"({admin.name}).")
    remembered = settings.remember_user
    password = store.signin_password(remembered) if remembered else None
    if password:
        try:
            return SignedIn(sign_in(engine, remembered, password))
        except PermissionDenied:
            pass  # changed since: ask again
    dialog = SignInDialog(engine, settings, store, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.result_value


class SetPasswordDialog(QDialog):
    """An admin sets a team member's password (stored as a salted scrypt hash)."""

    def __init__(self, engine: Engine, actor: Actor, agent_ids: list[str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtWidgets import QComboBox

        self.engine = engine
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Set password")
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Person:", self.person)
        form.addRow("New password:", self.password_edit)
        form.addRow("Again:", self.again_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    @Slot()
    def apply(self) -> None:
        from core.accounts import set_password

        if self.password_edit.text() != self.again_edit.text():
            self._fail("The two passwords differ.")
            return
        try:
            set_password(self.engine, self.actor, self.person.currentText().strip(),
                         self.password_edit.text())
        except SupportConsoleError as exc:
            self._fail(str(exc))
            return
        self.password_edit.clear()
        self.again_edit.clear()
        self.accept()

    def _fail(self, message: str) -> None:
        show_error(self.error_label, message)
