"""A non-blocking message strip at the top of the window (errors never open a dialog)."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class Banner(QFrame):
    """Shows one message at a time; Retry asks for a refresh, Details shows what went wrong
    at length (an unexpected failure's traceback), Copy puts it all on the clipboard."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("banner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.details_button = QPushButton("Details")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._show_details)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the message and its details, e.g. for a bug report")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.retry = QPushButton("Retry")
        self.retry.clicked.connect(self.retry_requested)
        self.close_button = QPushButton("×")
        self.close_button.setObjectName("bannerClose")
        self.close_button.setFixedWidth(28)
        self.close_button.setToolTip("Hide this message")
        self.close_button.clicked.connect(self.hide)
        self.details = QPlainTextEdit()
        self.details.setObjectName("bannerDetails")
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setMaximumHeight(180)
        self.details.hide()
        row = QHBoxLayout()
        row.addWidget(self.label, 1)
        for button in (self.details_button, self.copy_button, self.retry, self.close_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.addLayout(row)
        layout.addWidget(self.details)
        self.hide()

    @Slot(str)
    @Slot(str, str)
    def show_error(self, message: str, details: str = "") -> None:
        self._show(message, "error", details)

    @Slot(str)
    def show_info(self, message: str) -> None:
        self._show(message, "info", "")

    def _show(self, message: str, level: str, details: str) -> None:
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(message)
        self.details.setPlainText(details)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(details))
        self.copy_button.setVisible(level == "error")
        self.retry.setVisible(level == "error")
        self.show()

    @Slot(bool)
    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Details")

    @Slot()
    def copy_to_clipboard(self) -> None:
        details = self.details.toPlainText()
        text = self.label.text() + (f"\n\n{details}" if details else "")
        QGuiApplication.clipboard().setText(text)

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
