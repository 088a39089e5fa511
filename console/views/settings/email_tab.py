"""The e-mail tab: the SMTP server, its password in the keyring, and a test message."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from console.views.settings.checks import CheckingTab
from console.views.settings.database_tab import keyring_note, password_edit
from console.views.settings.form import TabEnv, spin
from core.errors import BadInput, SupportConsoleError
from core.settings import Settings
from core.settings_rules import SMTP_SECURITY_MODES


class EmailTab(CheckingTab):
    title = "E-mail"

    def __init__(self, settings: Settings, env: TabEnv, parent: QWidget | None = None):
        super().__init__(settings, env, parent)
        self.store, self.tasks = env.store, env.tasks
        self.line("smtp_host", "SMTP server:", placeholder="empty: no e-mail alerts")
        port = spin(0, 65535)
        port.setSpecialValueText("default for the security")
        self.number("smtp_port", "Port:", port,
                    tip="0: the usual port for the security (25, 587 or 465)")
        security = QComboBox()
        security.addItems(list(SMTP_SECURITY_MODES))
        self.bind("smtp_security", "Security:", security, security.currentText,
                  lambda v: security.setCurrentText(str(v)))
        self.line("smtp_sender", "Sender address:")
        self.line("smtp_username", "User name:", placeholder="empty: no login")
        self.password = password_edit(self.store)
        self.form.addRow("Password:", self.password)
        self.test_recipient = QLineEdit()
        self.test_recipient.setPlaceholderText("address for the test message")
        self.send_test_button = QPushButton("Send test message")
        self.result = QLabel()
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.test_recipient, 1)
        row.addWidget(self.send_test_button)
        self.form.addRow("Test:", row)
        self.form.addRow("", self.result)
        keyring_note(self, self.store, "Set SUPPORT_CONSOLE_SMTP_PASSWORD in the environment instead.")
        self.send_test_button.clicked.connect(self.send_test_mail)

    def load(self, settings: Settings) -> None:
        super().load(settings)
        if settings.smtp_sender and not self.test_recipient.text():
            self.test_recipient.setText(settings.smtp_sender)

    def store_password(self, settings: Settings) -> None:
        if not self.password.text():
            return
        if not settings.smtp_host or not settings.smtp_username:
            raise BadInput("an SMTP password needs a server and a user name")
        self.store.set_smtp_password(settings.smtp_username, settings.smtp_host,
                                     self.password.text())
        self.password.clear()

    @Slot()
    def send_test_mail(self) -> None:
        from email.message import EmailMessage

        from core.mailer import MailProblem, SmtpConfig, SmtpConnection

        try:
            edited = self.settings.with_overrides(**self.values())
            config = SmtpConfig.from_settings(edited)
        except (SupportConsoleError, MailProblem) as exc:
            self.result.setText(str(exc))
            return
        if config is None:
            self.result.setText("Enter an SMTP server first.")
            return
        recipient = self.test_recipient.text().strip() or config.sender
        password = self.password.text() or None

        def send() -> str:
            message = EmailMessage()
            message["Subject"] = "Support Console test message"
            message["From"] = config.sender
            message["To"] = recipient
            message.set_content("This is a test message from Support Console's settings.\n")
            with SmtpConnection(config, password) as smtp:
                smtp.send(message)
            return f"Sent a test message to {recipient}."

        self.result.setText("Sending…")
        self.run_check("smtp", self.result, send)
