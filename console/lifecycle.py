"""When the console counts as started: from then on its GUI thread runs no SQL (tests check it)."""

from __future__ import annotations

import threading

_started = threading.Event()


def mark_started() -> None:
    """Called once the main window shows: every database call must now go through the tasks."""
    _started.set()


def has_started() -> bool:
    return _started.is_set()


def forget_started() -> None:
    """Back to "not started" (each test starts a console of its own)."""
    _started.clear()
