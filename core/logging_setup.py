"""One logging setup for the console, the command line and the jobs: a rotating file in the
user's log folder (core.settings.log_dir), so that a failure leaves its traceback somewhere."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from core.private_files import private_dir
from core.settings import log_dir

LOG_FILE_NAME = "support-console.log"
MAX_BYTES = 1_000_000
BACKUPS = 4
FORMAT = "%(asctime)s %(process)d [{program}] %(levelname)s %(name)s: %(message)s"
# Chatter at INFO: APScheduler's two lines per run (jobs.runner writes one of its own) and
# Alembic's plugin list on every migration.
QUIETER = {"apscheduler": logging.WARNING, "alembic.runtime.plugins": logging.WARNING}


class _ConsoleLogFile(logging.Handler):
    """A RotatingFileHandler made on the first record: a quiet command (most reports) then
    neither imports logging.handlers (14 ms, measured) nor opens the file."""

    def __init__(self, path: Path, program: str, level: int):
        super().__init__(level)
        self.path = path
        self.setFormatter(logging.Formatter(FORMAT.format(program=program)))
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            from logging.handlers import RotatingFileHandler

            try:
                self._file = RotatingFileHandler(self.path, maxBytes=MAX_BYTES,
                                                 backupCount=BACKUPS, encoding="utf-8")
            except OSError:
                self.handleError(record)  # one line on stderr, as logging does
                return
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


class _Stderr(logging.Handler):
    """Writes to whatever sys.stderr is when a record comes (as logging's last resort does,
    which a handler on the root logger turns off)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - logging must never raise at its caller
            self.handleError(record)


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


def setup_logging(program: str, level: int = logging.INFO,
                  stderr_level: int = logging.WARNING) -> Path | None:
    """Log records of `level` and above from every logger to the log file, tagged with
    `program` ("gui", "cli", "jobs"...), and those of `stderr_level` and above to stderr too
    (warnings alone: as bare lines, as before any setup). Called again (another folder,
    another program), it replaces its handlers. The file opens on the first record.
    Returns the file, or None when its folder cannot be made (said once on stderr)."""
    stop_logging()
    root = logging.getLogger()
    echo = _Stderr(stderr_level)
    if stderr_level < logging.WARNING:
        echo.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(echo)
    path = log_file()
    try:
        private_dir(path.parent)
    except OSError as exc:
        print(f"support-console: no log file: {path.parent}: {exc.strerror or exc}",
              file=sys.stderr)
        return None
    root.addHandler(_ConsoleLogFile(path, program, level))
    for name, quieter in QUIETER.items():
        logging.getLogger(name).setLevel(max(level, quieter))
    if root.level > min(level, stderr_level) or root.level == logging.NOTSET:
        root.setLevel(min(level, stderr_level))
    return path


def stop_logging() -> None:
    """Removes and closes the handlers setup_logging installed, if any."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _ConsoleLogFile | _Stderr)]:
        root.removeHandler(handler)
        handler.close()
