"""The database tab: the URL (never with its password), the password in the keyring, a test."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from console.views.settings.checks import CheckingTab
from console.views.settings.form import SettingsTab, TabEnv
from core.db import safe_url, url_has_password
from core.secrets import KeyringStore, url_with_password
from core.settings import Settings


def password_edit(store: KeyringStore) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    if store.available:
        edit.setPlaceholderText("unchanged (kept in the keyring)")
    else:
        edit.setEnabled(False)
        edit.setPlaceholderText("no keyring: cannot be stored")
        edit.setToolTip(store.unavailable_message)
    return edit


def keyring_note(tab: SettingsTab, store: KeyringStore, advice: str) -> QLabel:
    text = store.describe() if store.available else f"{store.unavailable_message} {advice}"
    note = tab.note(text)
    note.setObjectName("keyringNote")
    return note


class DatabaseTab(CheckingTab):
    title = "Database"

    def __init__(self, settings: Settings, env: TabEnv, parent: QWidget | None = None):
        super().__init__(settings, env, parent)
        self.store, self.tasks = env.store, env.tasks
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("empty: the SQLite file in your data folder")
        self.bind("db_url", "Database URL:", self.url_edit, self._url, self._show_url,
                  tip="sqlite:///PATH or postgresql://USER@HOST/DATABASE (no password here)")
        self.password = password_edit(self.store)
        self.form.addRow("Password:", self.password)
        self.test_button = QPushButton("Test connection")
        self.result = QLabel()
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.result, 1)
        self.form.addRow("", row)
        keyring_note(self, self.store, "Put the password in the URL's environment instead "
                                  "(SUPPORT_CONSOLE_DB).")
        self.note("A new database is used from the next start of the console.")
        self.test_button.clicked.connect(self.test_connection)

    def _show_url(self, url: str) -> None:
        # A URL that carries its password (SUPPORT_CONSOLE_DB) is shown with it masked.
        self.url_edit.setText(safe_url(url) if url and url_has_password(url) else url)

    def _url(self) -> str:
        """The URL as typed; the loaded one (with its password) while the masked text stands."""
        text = self.url_edit.text().strip()
        loaded = self.settings.db_url
        if loaded and url_has_password(loaded) and text == safe_url(loaded):
            return loaded
        return text

    def store_password(self, url: str) -> None:
        if self.password.text():
            self.store.set_database_password(url, self.password.text())
            self.password.clear()

    @Slot()
    def test_connection(self) -> None:
        from core.db import make_engine

        url = self._url() or self.settings.resolved_db_url()
        password = self.password.text() or self.store.database_password(url)

        def connect() -> str:
            from sqlalchemy import text

            engine = make_engine(url_with_password(url, password), create_folder=False)
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            finally:
                engine.dispose()
            return f"Connected to {safe_url(url)}."

        self.result.setText("Connecting…")
        self.run_check("database", self.result, connect, url)

