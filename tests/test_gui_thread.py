"""No database on the GUI thread: the check itself (tests/conftest.py), and start-up's schema
check and emptiness test done once, on a worker, for the sign-in and the console together."""

import threading

import pytest
from sqlalchemy import Engine, event

from console.desktop.integration import sign_in_for
from console.startup import read_state
from core.db import make_engine, read_scope
from core.schema import agents
from core.settings import Settings, load_settings
from tests.desktop_helpers import NOW, MemoryKeyring, team_engine

pytestmark = pytest.mark.gui


def test_the_check_fails_console_sql_on_the_gui_thread_once_started(
        qtbot, sqlite_url, open_console, no_sql_on_the_gui_thread):
    offences = no_sql_on_the_gui_thread
    team_engine(sqlite_url).dispose()
    console = open_console(sqlite_url, start=False)
    read_state(console.engine)  # console code, but the console has not started yet
    assert offences == []
    with qtbot.waitSignal(console.startup.ready, timeout=30_000):
        console.start()
    with read_scope(console.engine) as conn:  # the test's own query: allowed
        assert conn.scalar(agents.select().with_only_columns(agents.c.id).limit(1))
    assert offences == []
    read_state(console.engine)  # console code on the GUI thread after the start: caught
    assert offences and "agents" in offences[0] and "console/startup.py" in offences[0]
    offences.clear()  # this test made it on purpose


def test_start_up_checks_the_schema_once_and_never_on_the_gui_thread(qtbot, sqlite_url,
                                                                     open_console):
    from core.secrets import KeyringStore

    team_engine(sqlite_url).dispose()
    statements: list[tuple[str, bool]] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append((statement, threading.current_thread() is threading.main_thread()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        engine = make_engine(sqlite_url)
        signed_in = sign_in_for(engine, load_settings(), KeyringStore(MemoryKeyring()))
        engine.dispose()
        assert signed_in.actor.id == "admin" and signed_in.opened.demo
        console = open_console(sqlite_url, settings=Settings(db_url=sqlite_url, timezone="UTC"),
                               clock=lambda: NOW, actor=signed_in.actor,
                               opened=signed_in.opened)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    schema_checks = [s for s, _main in statements if "alembic_version" in s]
    assert len(schema_checks) == 1, schema_checks
    assert not [s for s, on_main in statements if on_main]
    assert console.database is not None and console.database.demo
