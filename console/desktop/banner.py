"""The in-app alert banner: the notification that cannot fail."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from core.notify_policy import Notice


class AlertBanner(QFrame):
    """A strip at the top of the window: the newest notice, a Show button and a close button."""

    open_requested = Signal(tuple)  # item ids

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("alertBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#alertBanner { background: #fff4ce; border: 1px solid #e0c060; }")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.show_button = QPushButton("Show", self)
        self.dismiss_button = QPushButton("Dismiss", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.show_button)
        layout.addWidget(self.dismiss_button)
        self.show_button.clicked.connect(self._on_show)
        self.dismiss_button.clicked.connect(self.hide)
        self._items: tuple[str, ...] = ()
        self.notice: Notice | None = None
        self.hide()

    @Slot(object)
    def show_notice(self, notice: Notice) -> None:
        self.notice = notice
        self._items = notice.item_ids
        text = f"<b>{_escape(notice.summary)}</b>"
        if notice.body:
            text += " — " + _escape(notice.body.replace("\n", " · "))
        self.label.setText(text)
        self.show_button.setVisible(bool(notice.item_ids))
        self.show()

    @Slot()
    def _on_show(self) -> None:
        self.hide()
        self.open_requested.emit(self._items)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
