"""The calendars tab (admins): business hours and holidays that SLA policies run their clocks
in, read and saved on the task helper; a save says how many items' due instants changed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from console.tasks import describe_error
from console.views.calendar_editor import CalendarEditor
from console.views.settings.form import SettingsTab, TabEnv
from core.calendar_store import CalendarValues
from core.errors import BadInput
from core.settings import Settings
from core.timeutil import zone

NEW_CALENDAR = "New calendar…"
ADMIN_NOTE = "Only an admin can change calendars."


def _default_zone(settings: Settings) -> str:
    """A new calendar starts in the console's zone (UTC while that setting is refused)."""
    try:
        return zone(settings.timezone).key
    except BadInput:
        return "UTC"


class CalendarsTab(SettingsTab):
    """Pick a calendar (or a new one) and edit it; the edited one is saved with the dialog."""

    title = "Calendars"

    loaded = Signal(bool)  # True: the calendars are listed; False: the reason is shown

    def __init__(self, settings: Settings, env: TabEnv, parent: QWidget | None = None):
        super().__init__(settings, env, parent)
        self.calendars: dict[str, CalendarValues] = {}
        self.dirty = False
        self.summary: str | None = None  # what the last save changed, in words
        self.note = QLabel("Loading the calendars…" if env.tasks else
                           "No database connection: the calendars cannot be shown.")
        self.note.setWordWrap(True)
        self.picker = QComboBox()
        self.picker.currentTextChanged.connect(self._pick)
        self.editor = CalendarEditor(default_zone=_default_zone(settings))
        self.editor.changed.connect(self._edited)
        self.editor.id_edit.textEdited.connect(self._edited)
        self.editor.zone_combo.currentTextChanged.connect(self._edited)
        self.editor.setEnabled(env.actor.is_admin)
        self.form.addRow(self.note)
        self.form.addRow("Calendar", self.picker)
        self.form.addRow(self.editor)

    def load(self, settings: Settings) -> None:
        from core.calendar_store import list_calendars

        super().load(settings)
        if self.env.tasks is not None:
            self.env.tasks.read(self, list_calendars, self._show, self._show_failure)

    def _show(self, calendars: list[CalendarValues]) -> None:
        self.calendars = {calendar.id: calendar for calendar in calendars}
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.addItems([*self.calendars, NEW_CALENDAR])
        self.picker.blockSignals(False)
        self._pick(self.picker.currentText())
        self.note.setText("A policy runs its clock in the calendar named in its row of the "
                          "SLA policies tab." if self.env.actor.is_admin else ADMIN_NOTE)
        self.loaded.emit(True)

    def _show_failure(self, error: BaseException) -> None:
        self.note.setText(f"The calendars cannot be read now ({describe_error(error)}); "
                          "your other settings can still be saved.")
        self.editor.setEnabled(False)
        self.loaded.emit(False)

    def _pick(self, calendar_id: str) -> None:
        chosen = self.calendars.get(calendar_id)
        self.editor.load(chosen or CalendarValues("", _default_zone(self.settings), {}))
        self.dirty = False

    def _edited(self) -> None:
        self.dirty = True

    def database_write(self) -> Callable[[], None] | None:
        from core.calendar_store import save_calendar

        tasks, actor = self.env.tasks, self.env.actor
        if not self.dirty or tasks is None or tasks.engine is None:
            return None
        self.editor.check()  # the reasons next to the fields; core refuses the same on save
        engine, values = tasks.engine, self.editor.values()

        def write() -> None:
            changed = save_calendar(engine, actor, values)
            self.summary = (f"Calendar {values.id!r} saved: {changed} item(s)' due instants "
                            "changed")

        return write

    def saved(self) -> None:
        self.dirty = False
