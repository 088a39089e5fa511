"""Shared fixtures: an isolated user environment per test and database URLs (SQLite, PostgreSQL)."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

import gc
import sys
import threading
import traceback
import uuid

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url

from console import lifecycle

PG_URL_ENV = "SUPPORT_CONSOLE_TEST_PG_URL"
# SUPPORT_CONSOLE_* variables that describe the test machine, not the user: kept.
KEPT_ENV = {PG_URL_ENV, "SUPPORT_CONSOLE_DESKTOP_SESSION", "SUPPORT_CONSOLE_TEST_KEYRING_HOME"}


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Fresh XDG dirs, no site config and no stray SUPPORT_CONSOLE_* settings for each test."""
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        path = tmp_path / f"xdg-{name.lower()}"
        path.mkdir()
        monkeypatch.setenv(f"XDG_{name}_HOME", str(path))
    for name in list(os.environ):
        if name.startswith("SUPPORT_CONSOLE_") and name not in KEPT_ENV:
            monkeypatch.delenv(name)
    monkeypatch.setenv(
        "SUPPORT_CONSOLE_SITE_CONFIG", str(tmp_path / "site" / "support-console.toml")
    )
    yield
    from core.logging_setup import stop_logging

    stop_logging()  # the command line, run in-process, logs to this test's folder


def _console_frame_on_stack() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("console.") and module != "console.lifecycle":
            return True
        frame = frame.f_back
    return False


@pytest.fixture(autouse=True)
def no_sql_on_the_gui_thread():
    """Fails the test when, after the console has started (console.lifecycle), console code
    runs SQL on the GUI thread. Test code itself may query there (to set up or to compare)."""
    lifecycle.forget_started()
    offences: list[str] = []

    def check(_conn, _cursor, statement, *_args) -> None:
        if (threading.current_thread() is threading.main_thread() and lifecycle.has_started()
                and _console_frame_on_stack()):
            ours = [f for f in traceback.extract_stack()[:-1] if "site-packages" not in f.filename]
            where = "".join(traceback.format_list(ours[-8:]))
            offences.append(f"{statement.strip()[:200]}\n{where}")

    event.listen(Engine, "before_cursor_execute", check)
    yield offences
    event.remove(Engine, "before_cursor_execute", check)
    lifecycle.forget_started()
    if offences:
        pytest.fail(f"the console ran SQL on the GUI thread after it started "
                    f"({len(offences)} statements); the first:\n{offences[0]}", pytrace=False)


def pytest_collection_modifyitems(items):
    for item in items:
        if "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def sqlite_url(tmp_path):
    """URL of a SQLite database file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'support.db'}"


@pytest.fixture
def pg_url():
    """URL of a fresh, empty PostgreSQL database, dropped after the test."""
    base = os.environ.get(PG_URL_ENV)
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_URL_ENV} is not set: CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(f"{PG_URL_ENV} is not set")
    url = make_url(base)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"sc_{uuid.uuid4().hex}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield url.set(database=name).render_as_string(hide_password=False)
    gc.collect()  # a connection the test left open warns here, not in some later test
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request):
    """Each test using it runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue({"sqlite": "sqlite_url", "postgres": "pg_url"}[request.param])


@pytest.fixture
def open_console(qtbot, tmp_path):
    """open_console(url, ...) -> a Console with its window state in tmp_path, started (the
    database open, every view built) unless start=False; each is shut down after the test.
    Options: watch_changes (False), clock (the fixed now), settings (db_url and the zone),
    and Console's own (actor, load_demo...)."""
    from PySide6.QtCore import QSettings

    from console.app import Console
    from core.settings import Settings
    from tests.gui_helpers import FIXED_NOW, TZ

    opened = []

    def open_(url: str, *, watch_changes: bool = False, clock=None, settings=None,
              start: bool = True, **options):
        state = QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)
        console = Console(settings or Settings(db_url=url, timezone=TZ),
                          clock=clock or (lambda: FIXED_NOW), state=state,
                          watch_changes=watch_changes, **options)
        opened.append(console)
        if start:
            with qtbot.waitSignal(console.startup.ready, timeout=30_000):
                console.start()
            console.window.build_all_views()  # tests reach into every view at once
        return console

    yield open_
    for console in reversed(opened):
        console.shutdown()


@pytest.fixture
def open_desktop(open_console):
    """open_desktop(url, actor, **settings) -> the DesktopIntegration of a console (not started)
    that `support-console gui` would open for actor: a keyring in memory, no D-Bus, the zone
    UTC, the desktop tests' fixed now; `.console` is the console."""
    from console.desktop.integration import DesktopIntegration
    from console.views.sign_in_dialog import SignedIn
    from core.secrets import KeyringStore
    from core.settings import Settings
    from tests.desktop_helpers import NOW, MemoryKeyring

    def open_(url: str, actor, **settings):
        console = open_console(url, settings=Settings(db_url=url, timezone="UTC", **settings),
                               clock=lambda: NOW, actor=actor, start=False)
        console.desktop = DesktopIntegration(console, SignedIn(actor),
                                             KeyringStore(MemoryKeyring()), use_dbus=False)
        return console.desktop

    return open_


@pytest.fixture
def context(sqlite_url):
    """A console context (no window) on a demo team, as the signed-in admin."""
    from console.context import ConsoleContext, Period
    from console.data_bus import DataBus
    from console.tasks import TaskRunner
    from core.settings import Settings
    from tests.desktop_helpers import NOW, team_engine

    engine = team_engine(sqlite_url)
    tasks = TaskRunner(engine)
    context = ConsoleContext(engine=engine, settings=Settings(timezone="UTC"), tasks=tasks,
                             bus=DataBus(), period=Period(30), clock=lambda: NOW,
                             actor_id="admin")
    lifecycle.mark_started()  # the views built on this context run as in a started console
    yield context
    tasks.wait_for_done()
    engine.dispose()


@pytest.fixture
def engine(db_url):
    """A migrated, empty database (SQLite file and PostgreSQL), disposed after the test."""
    from core.db import make_engine, upgrade_schema

    eng = make_engine(db_url)
    upgrade_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def mail_sink():
    """A real SMTP server on loopback (aiosmtpd), stopped after the test."""
    from tests.jobs_helpers import MailSink

    sink = MailSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def known_url(sqlite_url):
    """A SQLite file with the demo data around the fixed clock of tests.gui_helpers."""
    from tests.gui_helpers import build_demo_database

    build_demo_database(sqlite_url)
    return sqlite_url


@pytest.fixture
def console(qtbot, known_url, open_console):
    """A console open on known_url, every view loaded (a test module may define its own)."""
    from tests.gui_helpers import wait_all_loaded

    console = open_console(known_url)
    wait_all_loaded(qtbot, console)
    return console
