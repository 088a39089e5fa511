"""The cyclic garbage collector waits while a process starts.

Loading the program (SQLAlchemy, the database driver, Qt, NumPy, pyqtgraph) allocates
hundreds of thousands of objects that live as long as the process and almost no garbage,
yet the collector keeps walking them: 57 ms of a 0.7 s `report comparison` on PostgreSQL,
80 ms of the console's imports (measured), and later full passes that pause the console's
GUI thread for 100 ms and more. So `support-console` turns the collector off on its first
line; once the program is loaded (its database open) everything alive is moved out of the
collector's reach for good (gc.freeze) and it collects again, walking only what is new.
"""

from __future__ import annotations

import gc


def pause_while_loading() -> None:
    gc.disable()


def program_loaded() -> None:
    # No gc.collect() first: that full pass would itself be the pause avoided here.
    gc.freeze()
    gc.enable()


def process_done() -> None:
    """For a caller that goes on after main() (the tests): the collector as before."""
    gc.unfreeze()
    gc.enable()
