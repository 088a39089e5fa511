"""Failures made visible: an uncaught exception (a slot, a thread) or a Qt error goes to the
log file (core.logging_setup) and to the window's banner, with its details and a Copy button."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QObject, QtMsgType, Signal, qInstallMessageHandler

from console.tasks import describe_error

log = logging.getLogger("support_console.failures")
qt_log = logging.getLogger("support_console.qt")

QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
             QtMsgType.QtFatalMsg: logging.CRITICAL}
LOG_HINT = "Details are in the log (Help > Open log folder)."


class FailureReporter(QObject):
    """`install()` makes it the process's sys.excepthook, threading.excepthook and Qt message
    handler (the previous Qt handler still called after it); `uninstall()` puts them back.
    Qt's warnings are logged only: they are rarely the user's business."""

    failure = Signal(str, str)  # one line for the banner, the details (traceback)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._previous: tuple | None = None

    def install(self) -> None:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook, None)
            sys.excepthook = self.report_exception
            threading.excepthook = self._thread_exception
            self._previous = (*self._previous[:2], qInstallMessageHandler(self.qt_message))

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook, qt_handler = self._previous
            qInstallMessageHandler(qt_handler)
            self._previous = None

    def report_exception(self, kind: type[BaseException], error: BaseException,
                         trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        details = "".join(traceback.format_exception(kind, error, trace))
        log.error("uncaught exception\n%s", details.rstrip())
        message = describe_error(error)
        self.failure.emit(f"{message[:1].upper()}{message[1:]}. {LOG_HINT}", details)

    def _thread_exception(self, args: threading.ExceptHookArgs) -> None:
        self.report_exception(args.exc_type, args.exc_value, args.exc_traceback)

    def qt_message(self, mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        where = f" ({context.file}:{context.line})" if context.file else ""
        qt_log.log(QT_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)
        if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            self.failure.emit(f"Qt error: {message}. {LOG_HINT}", message + where)
        previous = self._previous[2] if self._previous else None
        if previous is not None:
            previous(mode, context, message)


def report_failures_in(window) -> FailureReporter:
    """Installs a reporter whose failures show in `window`'s banner (the console's start)."""
    reporter = FailureReporter(window)
    reporter.failure.connect(window.banner.show_error)
    reporter.install()
    return reporter
