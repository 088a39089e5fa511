"""The Help menu's entries: the log folder (where failures leave their details) and About."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from core.private_files import private_dir
from core.settings import log_dir


def open_log_folder() -> str:
    """Opens the log folder in the desktop's file manager; '' when it did, else why not."""
    folder = log_dir()
    try:
        private_dir(folder)
    except OSError as exc:
        return f"The log folder {folder} cannot be made: {exc.strerror or exc}"
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return f"No program opened the log folder; it is {folder}"
    return ""


def show_about(parent: QWidget, database_label: str) -> None:
    from core import __version__

    QMessageBox.about(parent, "About Support Console",
                      f"Support Console {__version__}\n\nDashboards, SLA breaches and "
                      f"workload for support team leads.\n\nDatabase: {database_label}\n"
                      f"Log folder: {log_dir()}")
