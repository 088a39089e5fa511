"""Keeps None, True and False from being freed under PySide6 6.12 on Python 3.11 (a shiboken bug).

Measured here: with PySide6/shiboken6 6.12.0 on CPython 3.11 every call of a void Qt method
from Python (`widget.resize(...)`, `super().paintEvent(ev)`, ...) takes one reference from
None that it never gave, and pyqtgraph's painting does the same to True. The count falls by
about a thousand per chart refresh; at zero CPython aborts ("Fatal Python error:
none_dealloc"). From Python 3.12 these objects are immortal and nothing here is needed.
Raising their count by a large margin, and topping it up now and then, makes them
immortal here too; they are static objects that are never meant to be freed anyway.
"""

from __future__ import annotations

import ctypes
import sys
import threading

MARGIN = 1 << 40  # far more than any session can leak
CHECK_SECONDS = 30.0
_started = False


def needs_guard() -> bool:
    return sys.version_info < (3, 12) and sys.implementation.name == "cpython"


def top_up() -> None:
    """Raise the reference count of None, True and False back above MARGIN."""
    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < MARGIN:
            count.value += MARGIN


def protect_singletons() -> None:
    """Top up once now, then every CHECK_SECONDS on a daemon thread. Idempotent."""
    global _started
    if not needs_guard() or _started:
        return
    _started = True
    top_up()

    def keep_topping_up() -> None:
        stop = threading.Event()
        while not stop.wait(CHECK_SECONDS):
            top_up()

    threading.Thread(target=keep_topping_up, name="refcount-guard", daemon=True).start()
