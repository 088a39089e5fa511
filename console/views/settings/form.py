"""What every settings tab has: fields bound to settings, locks, and a reason per field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from console.tasks import TaskRunner
from console.widgets.forms import error_label, show_error
from core.access import Actor
from core.secrets import KeyringStore
from core.settings import Settings
from core.timeutil import parse_hhmm

LOCKED_TIP = "Set for everyone by your organisation (site settings): read-only here"


@dataclass(frozen=True)
class TabEnv:
    """What tabs may need besides the settings: the keyring, who is editing, the task helper
    (None: no database connection)."""

    store: KeyringStore
    actor: Actor
    tasks: TaskRunner | None = None
    context: Any = None  # the console's ConsoleContext, for previews over its period


@dataclass
class Field:
    """A setting bound to its widget, with the label that shows why its value is refused."""

    name: str
    widget: QWidget
    get: Callable[[], Any]
    set: Callable[[Any], None]
    problem: QLabel


def spin(minimum: int, maximum: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setSuffix(suffix)
    box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.PlusMinus)
    return box


def double(minimum: float, maximum: float, step: float, decimals: int,
           suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    return box


def to_qtime(text: str) -> QTime:
    """An HH:MM setting for a time editor (midnight when empty or not a time)."""
    try:
        at = parse_hhmm(text)
    except ValueError:
        return QTime(0, 0)
    return QTime(at.hour, at.minute)


class SettingsTab(QWidget):
    """A tab of the settings dialog. Subclasses bind their fields in __init__ with the
    helpers below; a tab that edits the database rather than the settings file gives
    `database_write`."""

    title = ""

    def __init__(self, settings: Settings, env: TabEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings, self.env = settings, env
        self.fields: dict[str, Field] = {}
        self.form = QFormLayout(self)

    def load(self, settings: Settings) -> None:
        self.settings = settings
        for field in self.fields.values():
            field.set(getattr(settings, field.name))

    def values(self) -> dict[str, Any]:
        """The tab's settings as edited (raw: core.settings checks and coerces them)."""
        return {name: field.get() for name, field in self.fields.items()}

    def database_write(self) -> Callable[[], None] | None:
        """The change to write to the database on save (run on the task helper), or None."""
        return None

    def saved(self) -> None:
        """The save went through (a tab may take its edits as the new starting point)."""

    def show_problems(self, problems: dict[str, str]) -> bool:
        """Each refused setting's reason next to its field; True when this tab has one."""
        for name, field in self.fields.items():
            if name in problems:
                show_error(field.problem, problems[name])
            else:
                field.problem.hide()
        return bool(problems.keys() & self.fields.keys())

    # -- binding -------------------------------------------------------------------------------
    def bind(self, name: str, label: str, widget: QWidget, get: Callable[[], Any],
             put: Callable[[Any], None], tip: str = "", *, placed: bool = False) -> QWidget:
        """Bind a setting to a widget, added as a row labelled `label` unless `placed`
        elsewhere by the tab; the reason it is refused shows under it."""
        problem = error_label()
        problem.setObjectName(f"problem-{name}")
        self.fields[name] = Field(name, widget, get, put, problem)
        if tip:
            widget.setToolTip(tip)
        if name in self.settings.locked:
            widget.setEnabled(False)
            widget.setToolTip(LOCKED_TIP)
            label = f"{label} 🔒"
        if not placed:
            self.form.addRow(label, widget)
        self.form.addRow("", problem)
        return widget

    def line(self, name: str, label: str, tip: str = "", placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self.bind(name, label, edit, edit.text, lambda v: edit.setText(str(v)), tip)
        return edit

    def number(self, name: str, label: str, box: QSpinBox | QDoubleSpinBox,
               tip: str = "") -> QWidget:
        return self.bind(name, label, box, box.value, box.setValue, tip)

    def check(self, name: str, label: str, text: str) -> QCheckBox:
        box = QCheckBox(text)
        self.bind(name, label, box, box.isChecked, box.setChecked)
        return box

    def note(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        self.form.addRow("", label)
        return label
