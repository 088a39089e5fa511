"""The user's own files stay private: folders 0700, the SQLite database and settings 0600.

On a shared workstation the team's data and password hashes must not be readable by
other local users. New folders and files are made private; existing ones in the
console's own folders are tightened on start, with a note in the log. Not on Windows,
whose per-user folders are private already (chmod there only sets read-only)."""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
_POSIX = sys.platform != "win32"


def private_dir(path: Path) -> Path:
    """Create the folder (and its parents) if needed; the folder itself is made 0700."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    tighten(path)
    return path


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (an existing one is made so)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    except FileExistsError:
        if _POSIX:
            path.chmod(PRIVATE_FILE)


def tighten(path: Path) -> bool:
    """Take group and other access away from an existing file or folder of this user;
    True (and a note in the log) when it had any."""
    if not _POSIX:
        return False
    try:
        status = path.stat()
        mode = status.st_mode
        if not mode & 0o077 or status.st_uid != os.getuid():
            return False
        private = PRIVATE_DIR if stat.S_ISDIR(mode) else PRIVATE_FILE
        path.chmod(private)
    except FileNotFoundError:
        return False
    except OSError as exc:
        log.warning("could not make %s private: %s", path, exc.strerror)
        return False
    log.warning("made %s private (it was %s, now %s): other local users could read it",
                path, oct(stat.S_IMODE(mode)), oct(private))
    return True


def tighten_sqlite_file(database: Path) -> None:
    """The database file and the journal files SQLite keeps beside it."""
    for path in (database, *(database.with_name(database.name + s) for s in SQLITE_COMPANIONS)):
        tighten(path)


def secure_user_files(folders: tuple[Path, ...], files: tuple[Path, ...]) -> None:
    """On start: the console's own folders and the files in them that hold data."""
    for folder in folders:
        tighten(folder)
    for path in files:
        tighten_sqlite_file(path) if path.suffix == ".db" else tighten(path)

