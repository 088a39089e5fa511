"""Stop-gap for PySide6 6.12.0, whose discarded Signal.emit() result drops a reference to True."""

from __future__ import annotations

import ctypes
import logging
import sys

import PySide6

log = logging.getLogger("support_console.desktop")

# Measured: on 6.12.0 each `signal.emit()` whose result is discarded lowers True's reference
# count by one (6.11.3 does not), so a console running all day aborts with "bool_dealloc" /
# "none_dealloc" after a few minutes of signals. Python 3.12+ makes these objects immortal.
BROKEN_VERSIONS = {"6.12.0"}
BALLAST = 1 << 40
_applied = False


def keep_singletons_alive() -> bool:
    """Give None, True and False a reference count no emit() can use up (CPython < 3.12)."""
    global _applied
    if _applied or PySide6.__version__ not in BROKEN_VERSIONS:
        return False
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += BALLAST
    _applied = True
    log.warning("PySide6 %s loses references on Signal.emit(): applied the stop-gap; "
                "use another PySide6 release", PySide6.__version__)
    return True
