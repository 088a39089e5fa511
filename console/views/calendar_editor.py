"""The calendar editor: a week of open intervals, the zone, and the holidays (typed, filled
with a country's public holidays, or imported from an .ics file). A standalone widget:
load() a calendar, read values(), check() shows every reason next to its field."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import available_timezones

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.widgets.forms import error_label, show_error
from core.calendar_store import CalendarValues, check_calendar
from core.errors import BadInput
from core.holiday_sources import countries, ics_holidays, public_holidays
from core.schema import WEEKDAYS

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
INTERVALS_HINT = "e.g. 09:00-12:30 13:30-18:00; empty: closed"


class CalendarEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, default_zone: str = "UTC",
                 default_country: str = ""):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header(default_zone))
        layout.addWidget(self._build_week())
        layout.addWidget(self._build_holidays(), 1)
        if default_country in self._countries:
            self.country_combo.setCurrentText(default_country)

    # -- construction ------------------------------------------------------------------------
    def _build_header(self, default_zone: str) -> QFormLayout:
        form = QFormLayout()
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("office")
        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(sorted(available_timezones()))
        self.zone_combo.setCurrentText(default_zone)
        self.errors = {key: error_label() for key in ("id", "time_zone", *WEEKDAYS, "week",
                                                      "holidays")}
        form.addRow("Calendar:", self._with_error(self.id_edit, "id"))
        form.addRow("Time zone:", self._with_error(self.zone_combo, "time_zone"))
        return form

    def _with_error(self, field: QWidget, key: str) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 2)
        row.addWidget(self.errors[key], 3)
        return box

    def _build_week(self) -> QGroupBox:
        group = QGroupBox("Open hours (local time; a shift past midnight is two intervals)")
        grid = QGridLayout(group)
        self.day_edits: dict[str, QLineEdit] = {}
        for row, (day, name) in enumerate(zip(WEEKDAYS, DAY_NAMES, strict=True)):
            edit = QLineEdit()
            edit.setPlaceholderText(INTERVALS_HINT)
            edit.textEdited.connect(self.changed)
            self.day_edits[day] = edit
            grid.addWidget(QLabel(name), row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(self.errors[day], row, 2)
        grid.addWidget(self.errors["week"], len(WEEKDAYS), 1, 1, 2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 3)
        return group

    def _build_holidays(self) -> QGroupBox:
        group = QGroupBox("Holidays (closed all day)")
        layout = QVBoxLayout(group)
        self.holiday_table = QTableWidget(0, 2)
        self.holiday_table.setHorizontalHeaderLabels(["Date (YYYY-MM-DD)", "Name"])
        self.holiday_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.holiday_table.setColumnWidth(0, 170)
        self.holiday_table.verticalHeader().hide()
        layout.addWidget(self.holiday_table, 1)
        layout.addWidget(self.errors["holidays"])
        buttons = QHBoxLayout()
        add, remove = QPushButton("Add"), QPushButton("Remove")
        add.clicked.connect(lambda: self._add_holiday("", ""))
        remove.clicked.connect(self._remove_selected)
        self.country_combo, self.region_combo = QComboBox(), QComboBox()
        self._countries = countries()
        self.country_combo.addItems(list(self._countries))
        self.country_combo.currentTextChanged.connect(self._fill_regions)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2100)
        self.year_spin.setValue(date.today().year)
        fill = QPushButton("Fill public holidays")
        fill.clicked.connect(lambda: self.fill_public_holidays(
            self.country_combo.currentText(), self.region_combo.currentData(),
            self.year_spin.value()))
        ics = QPushButton("Import .ics…")
        ics.clicked.connect(self._choose_ics)
        for widget in (add, remove, QLabel("Country:"), self.country_combo, QLabel("Region:"),
                       self.region_combo, QLabel("Year:"), self.year_spin, fill, ics):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._fill_regions(self.country_combo.currentText())
        return group

    # -- values ------------------------------------------------------------------------------
    def load(self, values: CalendarValues) -> None:
        self.id_edit.setText(values.id)
        self.zone_combo.setCurrentText(values.time_zone)
        for day, edit in self.day_edits.items():
            edit.setText(values.days.get(day, ""))
        self.holiday_table.setRowCount(0)
        for day, name in values.holidays:
            self._add_holiday(str(day), name)
        self._clear_errors()

    def values(self) -> CalendarValues:
        holidays = []
        for row in range(self.holiday_table.rowCount()):
            day, name = (self.holiday_table.item(row, c) for c in (0, 1))
            holidays.append(((day.text() if day else "").strip(), name.text() if name else ""))
        return CalendarValues(self.id_edit.text().strip(), self.zone_combo.currentText().strip(),
                              {day: edit.text().strip() for day, edit in self.day_edits.items()},
                              holidays)

    def check(self) -> bool:
        """Every problem, next to its field (the same checks as the import); True: none."""
        self._clear_errors()
        problems = check_calendar(self.values())
        for key, reason in problems.items():
            show_error(self.errors[key], reason)
        return not problems

    # -- holidays ----------------------------------------------------------------------------
    @Slot(str, str, int)
    def fill_public_holidays(self, country: str, region: str | None, year: int) -> int:
        try:
            found = public_holidays(country, region, year)
        except BadInput as exc:
            show_error(self.errors["holidays"], str(exc))
            return 0
        return self._merge_holidays(found)

    def import_ics(self, path: str | Path) -> int:
        try:
            found = ics_holidays(Path(path).read_bytes(), Path(path).name)
        except (BadInput, OSError) as exc:
            show_error(self.errors["holidays"], str(exc))
            return 0
        return self._merge_holidays(found)

    def _merge_holidays(self, found: list[tuple[date, str]]) -> int:
        """Add the days not listed yet; returns how many were added."""
        listed = {day for day, _name in self.values().holidays}
        rows = sorted([(str(d), n) for d, n in self.values().holidays]
                      + [(d.isoformat(), n) for d, n in found if d.isoformat() not in listed])
        self.holiday_table.setRowCount(0)
        for day, name in rows:
            self._add_holiday(day, name)
        self.errors["holidays"].hide()
        self.changed.emit()
        return sum(1 for d, _n in found if d.isoformat() not in listed)

    def _add_holiday(self, day: str, name: str) -> None:
        row = self.holiday_table.rowCount()
        self.holiday_table.insertRow(row)
        self.holiday_table.setItem(row, 0, QTableWidgetItem(day))
        self.holiday_table.setItem(row, 1, QTableWidgetItem(name))

    def _remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.holiday_table.selectedIndexes()}, reverse=True):
            self.holiday_table.removeRow(row)
        self.changed.emit()

    def _fill_regions(self, country: str) -> None:
        self.region_combo.clear()
        self.region_combo.addItem("(whole country)", None)
        for region in self._countries.get(country, []):
            self.region_combo.addItem(region, region)

    def _choose_ics(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Import holidays", "",
                                                    "iCalendar (*.ics)")
        if path:
            self.import_ics(path)

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
