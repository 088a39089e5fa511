"""Connection checks (database, mail server) run on the task helper, reported in a label."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel

from console.tasks import TaskRunner
from console.views.settings.form import SettingsTab
from core.errors import one_line


class CheckingTab(SettingsTab):
    """A tab with a check button whose outcome shows in a label."""

    check_finished = Signal(str, bool)  # which check ("database", "smtp"), ok

    tasks: TaskRunner | None = None

    def run_check(self, which: str, label: QLabel, fn: Callable[[], str], url: str = "") -> None:
        def done(message: str) -> None:
            label.setText(message)
            self.check_finished.emit(which, True)

        def failed(error: BaseException) -> None:
            label.setText(describe_check_error(error, url))
            self.check_finished.emit(which, False)

        if self.tasks is None:
            label.setText("Checks need the console's database connection.")
            self.check_finished.emit(which, False)
            return
        self.tasks.run_in_background(self, fn, done, failed)


def describe_check_error(error: BaseException, url: str) -> str:
    """One line without the password (SQLAlchemy's messages can carry the URL)."""
    from sqlalchemy.exc import SQLAlchemyError

    from core.db import describe_db_error

    if isinstance(error, SQLAlchemyError):
        return describe_db_error(error, url)
    return one_line(error)
