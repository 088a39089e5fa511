"""The period selector (7, 30, 90 days or custom) that every view shares."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from console.context import PERIOD_CHOICES, Period
from core.window import MAX_DAYS

CUSTOM = "custom"


class PeriodSelector(QWidget):
    """Writes the chosen number of days into the shared Period."""

    def __init__(self, period: Period, parent: QWidget | None = None):
        super().__init__(parent)
        self.period = period
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Period:"))
        self.choice = QComboBox()
        for days in PERIOD_CHOICES:
            self.choice.addItem(f"Last {days} days", days)
        self.choice.addItem("Custom…", CUSTOM)
        self.custom_days = QSpinBox()
        self.custom_days.setRange(1, MAX_DAYS)
        self.custom_days.setSuffix(" days")
        self.custom_days.setKeyboardTracking(False)
        layout.addWidget(self.choice)
        layout.addWidget(self.custom_days)
        self.show_days(period.days)
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.custom_days.valueChanged.connect(self._custom_changed)
        period.changed.connect(self.show_days)

    def show_days(self, days: int) -> None:
        index = self.choice.findData(days)
        custom = index < 0
        self.choice.blockSignals(True)
        self.choice.setCurrentIndex(self.choice.findData(CUSTOM) if custom else index)
        self.choice.blockSignals(False)
        self.custom_days.blockSignals(True)
        self.custom_days.setValue(days)
        self.custom_days.blockSignals(False)
        self.custom_days.setVisible(custom)

    def _choice_changed(self, _index: int) -> None:
        data = self.choice.currentData()
        if data == CUSTOM:
            self.custom_days.setVisible(True)
            self.custom_days.setFocus()
            self.period.set_days(self.custom_days.value())
        else:
            self.custom_days.setVisible(False)
            self.period.set_days(int(data))

    def _custom_changed(self, days: int) -> None:
        self.period.set_days(days)
