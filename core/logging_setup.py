"""One logging setup for the console, the command line and the jobs: a rotating file in the
user's log folder (core.settings.log_dir), so that a failure leaves its traceback somewhere."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

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


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


def setup_logging(program: str, level: int = logging.INFO) -> Path | None:
    """Log records of `level` and above from every logger to the log file, tagged with
    `program` ("gui", "cli", "jobs"...). Called again (another folder, another program), it
    replaces its handler. The file opens on the first record.
    Returns the file, or None when its folder cannot be made (said once on stderr)."""
    stop_logging()
    path = log_file()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        print(f"support-console: no log file: {path.parent}: {exc.strerror or exc}",
              file=sys.stderr)
        return None
    root = logging.getLogger()
    root.addHandler(_ConsoleLogFile(path, program, level))
    for name, quieter in QUIETER.items():
        logging.getLogger(name).setLevel(max(level, quieter))
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return path


def stop_logging() -> None:
    """Removes and closes the handler setup_logging installed, if any."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _ConsoleLogFile)]:
        root.removeHandler(handler)
        handler.close()
