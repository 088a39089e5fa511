"""The settings dialog: a shell around its tabs (console/views/settings/), which saves the
user's settings file, the passwords to the keyring and the tabs' database changes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from console.views.settings.calendars_tab import CalendarsTab
from console.views.settings.checks import CheckingTab
from console.views.settings.database_tab import DatabaseTab
from console.views.settings.email_tab import EmailTab
from console.views.settings.form import Field, SettingsTab, TabEnv
from console.views.settings.jobs_tab import JobsTab
from console.views.settings.notifications_tab import NotificationsTab
from console.views.settings.policies_tab import PoliciesTab
from console.views.settings.rules_tab import RulesTab
from console.widgets.forms import error_label, show_error
from core.access import Actor
from core.errors import SupportConsoleError
from core.secrets import KeyringStore, KeyringUnavailable
from core.settings import InvalidSettings, Settings, save_user_settings, validate

# The tabs in their order; a new tab is one more SettingsTab subclass here.
# Calendars before policies: a save writes a new calendar before the policy that names it.
TABS: tuple[type[SettingsTab], ...] = (DatabaseTab, EmailTab, JobsTab, RulesTab, CalendarsTab,
                                       PoliciesTab, NotificationsTab)


class SettingsDialog(QDialog):
    """Edits the user's settings file; passwords go to the keyring; locked keys are read-only."""

    settings_saved = Signal(object)  # the new Settings
    saved_note = Signal(str)  # what the save changed in the database, in words ("" if nothing)
    check_finished = Signal(str, bool)  # which check ("database", "smtp"), ok

    def __init__(self, settings: Settings, actor: Actor, store: KeyringStore, *, tasks=None,
                 context=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Settings — Support Console")
        self.env = env = TabEnv(store=store, actor=actor, tasks=tasks, context=context)
        self.tabs = QTabWidget()
        self.pages: dict[type[SettingsTab], SettingsTab] = {}
        for tab_class in TABS:
            page = tab_class(settings, env)
            self.pages[tab_class] = page
            self.tabs.addTab(page, tab_class.title)
            if isinstance(page, CheckingTab):
                page.check_finished.connect(self.check_finished)
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.load(settings)
        self.resize(760, 560)

    def page(self, tab_class: type[SettingsTab]) -> Any:
        return self.pages[tab_class]

    @property
    def fields(self) -> dict[str, Field]:
        return {name: field for page in self.pages.values() for name, field in page.fields.items()}

    def load(self, settings: Settings) -> None:
        for page in self.pages.values():
            page.load(settings)

    def values(self) -> dict[str, Any]:
        """Every tab's settings, as edited (unchecked)."""
        values: dict[str, Any] = {}
        for page in self.pages.values():
            values.update(page.values())
        return values

    def edited_settings(self) -> tuple[Settings, tuple[str, ...]]:
        """The edited settings, checked by core's rules (InvalidSettings names the bad ones),
        and the names of those that changed."""
        values = {name: value for name, value in self.values().items()
                  if name not in self.settings.locked}
        new = self.settings.with_overrides(**values)
        # A URL that came with its password (SUPPORT_CONSOLE_DB) and is left as it is stays.
        validate(new, url_password_allowed=new.db_url == self.settings.db_url)
        changed = tuple(name for name in values if getattr(new, name) != getattr(self.settings, name))
        return new, changed

    @Slot()
    def save(self) -> None:
        try:
            new, changed = self.edited_settings()
        except InvalidSettings as exc:
            self._show_problems(exc.problems)
            return
        except SupportConsoleError as exc:
            show_error(self.error_label, str(exc))
            return
        self._show_problems({})
        writes = [write for page in self.pages.values() if (write := page.database_write())]
        tasks = self.env.tasks
        if not writes or tasks is None:
            self._save_locally(new, changed)
            return
        self.buttons.setEnabled(False)

        def write_all() -> None:
            for write in writes:
                write()

        def failed(error: BaseException) -> None:
            from console.tasks import describe_error

            self.buttons.setEnabled(True)
            show_error(self.error_label, f"Nothing was saved: {describe_error(error)}")

        def written(_result: object) -> None:
            self.buttons.setEnabled(True)
            self._save_locally(new, changed)

        tasks.run_in_background(self, write_all, written, failed, serial=True)

    def _save_locally(self, new: Settings, changed: tuple[str, ...]) -> None:
        try:
            self.page(DatabaseTab).store_password(new.resolved_db_url())
            self.page(EmailTab).store_password(new)
            if changed:
                save_user_settings(new, changed)
        except (SupportConsoleError, KeyringUnavailable, OSError) as exc:
            show_error(self.error_label, str(exc))
            return
        note = "; ".join(page.summary for page in self.pages.values()
                         if isinstance(page, CalendarsTab) and page.summary)
        for page in self.pages.values():
            page.saved()
        self.settings = new
        self.settings_saved.emit(new)
        self.saved_note.emit(note)
        self.accept()

    def _show_problems(self, problems: dict[str, str]) -> None:
        """Each reason by its field (the first tab with one comes forward); the reasons of
        settings no tab shows (e.g. from the environment) in the dialog's error line."""
        first = None
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if isinstance(page, SettingsTab) and page.show_problems(problems) and first is None:
                first = index
        if first is not None:
            self.tabs.setCurrentIndex(first)
        elsewhere = {name: reason for name, reason in problems.items() if name not in self.fields}
        if elsewhere:
            show_error(self.error_label, "; ".join(f"{name}: {reason}"
                                                   for name, reason in elsewhere.items()))
        elif problems:
            show_error(self.error_label, "Some settings need another value: see the reasons "
                                         "under them.")
        else:
            self.error_label.hide()
