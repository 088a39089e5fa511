"""Failures are visible: an exception in a slot or a Qt error shows the banner (Details, Copy)
and lands in the log file; Help > Open log folder opens it."""

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot, qCritical, qWarning
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QPushButton

from console.failures import report_failures_in
from core.logging_setup import log_file, setup_logging
from core.settings import log_dir
from tests.gui_helpers import build_demo_database

pytestmark = pytest.mark.gui


@pytest.fixture
def console(qtbot, sqlite_url, open_console):
    build_demo_database(sqlite_url, agents=3, items=50)
    setup_logging("gui")
    return open_console(sqlite_url)


@pytest.fixture
def reporter(console):
    reporter = report_failures_in(console.window)
    yield reporter
    reporter.uninstall()


@pytest.mark.qt_no_exception_capture  # the console's own hook is under test
def test_an_exception_in_a_slot_shows_the_banner_and_lands_in_the_log(qtbot, console, reporter):
    def broken_slot() -> None:
        raise ValueError("the answer was 41")

    button = QPushButton("Break")
    qtbot.addWidget(button)
    button.clicked.connect(broken_slot)
    with qtbot.waitSignal(reporter.failure):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    banner = console.window.banner
    qtbot.waitUntil(banner.isVisible)
    assert "ValueError: the answer was 41" in banner.text
    assert "Help > Open log folder" in banner.text and "Traceback" not in banner.text
    assert banner.property("level") == "error"
    assert banner.details_button.isVisibleTo(banner) and not banner.details.isVisibleTo(banner)
    banner.details_button.click()
    assert banner.details.isVisibleTo(banner)
    assert "Traceback" in banner.details.toPlainText()
    assert "broken_slot" in banner.details.toPlainText()
    banner.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(banner.label.text()) and "raise ValueError" in copied
    logged = log_file().read_text(encoding="utf-8")
    assert "[gui] ERROR support_console.failures: uncaught exception" in logged
    assert "ValueError: the answer was 41" in logged and "broken_slot" in logged


@pytest.mark.qt_log_ignore("a harmless Qt warning", "a Qt error")
def test_qt_warnings_are_logged_and_qt_errors_also_shown(qtbot, console, reporter):
    qWarning("a harmless Qt warning")
    assert not console.window.banner.isVisible()
    with qtbot.waitSignal(reporter.failure):
        qCritical("a Qt error")
    qtbot.waitUntil(console.window.banner.isVisible)
    assert "Qt error: a Qt error" in console.window.banner.text
    logged = log_file().read_text(encoding="utf-8")
    assert "WARNING support_console.qt: a harmless Qt warning" in logged
    assert "ERROR support_console.qt: a Qt error" in logged


class FileOpener(QObject):
    """Stands in for the desktop's file manager (QDesktopServices' URL handler hook)."""

    def __init__(self):
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


def test_help_open_log_folder_opens_the_log_folder(console):
    opener = FileOpener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    try:
        help_menu = console.window.menus["help"]
        action = next(a for a in help_menu.actions() if a.text() == "Open &log folder")
        action.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in opener.opened] == [str(log_dir())]
    assert log_dir().is_dir()
    assert not console.window.banner.isVisible()
