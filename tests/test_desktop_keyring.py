"""Sign-in and keyring honesty: remember me in a real keyring, plain words when there is none."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from keyring.backends import fail
from sqlalchemy.exc import OperationalError

from console.views.sign_in_dialog import SignInDialog, remember_choice, sign_in_before_window
from core.access import LOCAL_OPERATOR
from core.accounts import set_password
from core.db import make_engine
from core.secrets import (
    NO_KEYRING_MESSAGE,
    KeyringStore,
    KeyringUnavailable,
    get_database_password,
    url_with_password,
)
from core.settings import load_settings, user_config_path
from tests.desktop_helpers import MemoryKeyring, team_engine

pytestmark = pytest.mark.gui
PASSWORD = "correct horse 7f3a9c"


def files_containing(secret: str, *roots: Path) -> list[Path]:
    needle = secret.encode()
    found = []
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.is_file() and not path.is_symlink():
                try:
                    if needle in path.read_bytes():
                        found.append(path)
                except OSError:
                    pass
    return found


@pytest.fixture
def engine(sqlite_url):
    engine = team_engine(sqlite_url, demo=False)
    set_password(engine, LOCAL_OPERATOR, "lead01", PASSWORD)
    yield engine
    engine.dispose()


def test_without_a_keyring_it_says_so_and_never_writes_the_password(qtbot, engine, tmp_path):
    store = KeyringStore(fail.Keyring())
    assert not store.available
    with pytest.raises(KeyringUnavailable) as refused:
        store.remember_signin("lead01", PASSWORD)
    assert PASSWORD not in str(refused.value)
    dialog = SignInDialog(engine, load_settings(), store)
    qtbot.addWidget(dialog)
    assert not dialog.remember_box.isEnabled() and not dialog.remember_box.isChecked()
    assert not dialog.keyring_note.isHidden()
    assert "cannot remember passwords safely" in dialog.keyring_note.text()
    assert "asked for the password each time" in dialog.keyring_note.text()
    settings, note = remember_choice(load_settings(), store, "lead01", PASSWORD, True)
    assert note == NO_KEYRING_MESSAGE and settings.remember_user == ""
    assert files_containing(PASSWORD, tmp_path) == []


def test_sign_in_with_remember_me_keeps_the_password_in_the_keyring(qtbot, engine, tmp_path):
    store = KeyringStore(MemoryKeyring())
    dialog = SignInDialog(engine, load_settings(), store)
    qtbot.addWidget(dialog)
    dialog.id_edit.setText("lead01")
    dialog.password_edit.setText("wrong password")
    dialog.remember_box.setChecked(True)
    with qtbot.waitSignal(dialog.attempt_finished) as attempt:
        dialog.try_sign_in()
        assert not dialog.buttons.isEnabled()  # the check runs on a worker
    assert attempt.args == [False] and dialog.buttons.isEnabled()
    assert dialog.error_label.text() == "Wrong id or password"
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        dialog.try_sign_in()
    assert dialog.result_value.actor.id == "lead01"
    assert store.signin_password("lead01") == PASSWORD
    assert load_settings().remember_user == "lead01"
    assert PASSWORD not in user_config_path().read_text()
    again = sign_in_before_window(engine, load_settings(), store)  # no dialog this time
    assert again.actor.id == "lead01" and again.actor.role == "lead"
    assert files_containing(PASSWORD, tmp_path) == []


def test_a_demo_database_signs_the_admin_in_and_says_so(qtbot, sqlite_url):
    from console.desktop.integration import sign_in_for

    engine = team_engine(sqlite_url)
    signed_in = sign_in_for(engine, load_settings(), KeyringStore(fail.Keyring()))
    assert signed_in.actor.id == "admin" and signed_in.actor.is_admin
    assert "Demo database: signed in automatically" in signed_in.note
    assert signed_in.opened.demo and not signed_in.opened.empty  # read once, for the console
    engine.dispose()


def test_the_database_password_joins_the_url_only_in_memory():
    url = "postgresql://sc@db.example/support"
    assert url_with_password(url, "pw") == "postgresql+psycopg://sc:pw@db.example/support"
    assert url_with_password("postgresql://sc:own@h/d", "pw") == "postgresql://sc:own@h/d"
    assert url_with_password(url, None) == url


@pytest.mark.desktop
@pytest.mark.skipif(os.environ.get("SUPPORT_CONSOLE_DESKTOP_SESSION") != "1",
                    reason="needs the desktop session of .ci/gui-session.sh")
def test_a_remembered_password_is_in_the_real_secret_service_and_in_no_file(tmp_path):
    store = KeyringStore()
    assert store.available, f"no keyring: {store.backend!r}"
    chain = getattr(store.backend, "backends", [store.backend])
    assert any("SecretService" in type(b).__module__ for b in chain), chain
    try:
        store.remember_signin("lead01", PASSWORD)
        assert KeyringStore().signin_password("lead01") == PASSWORD
        roots = [tmp_path, os.environ["SUPPORT_CONSOLE_TEST_KEYRING_HOME"]]
        assert files_containing(PASSWORD, *roots) == []
    finally:
        store.forget_signin("lead01")
    assert KeyringStore().signin_password("lead01") is None


# .ci/run's pg_hba.conf makes the server ask this role (and only it) for a password.
PASSWORD_ROLE = "sc_password_asked"


@pytest.fixture
def asking_server_url(pg_url):
    """pg_url, as a role the server asks for a password; the password."""
    from sqlalchemy.engine import make_url

    password = secrets.token_urlsafe(12)
    admin = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                              (PASSWORD_ROLE,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(f"{verb} ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{password}'")
    url = make_url(pg_url).set(username=PASSWORD_ROLE).render_as_string(hide_password=False)
    try:
        psycopg.connect(make_url(url).set(drivername="postgresql")
                        .render_as_string(hide_password=False)).close()
    except psycopg.OperationalError as exc:
        assert "no password supplied" in str(exc)
    else:
        message = f"the server does not ask {PASSWORD_ROLE} for a password (see .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return url, password


@pytest.fixture
def system_keyring():
    """A MemoryKeyring as the keyring the keyring package hands out (as the OS one would)."""
    import keyring

    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


def test_a_server_that_asks_for_a_password_gets_the_keyrings_once(asking_server_url,
                                                                  system_keyring):
    url, password = asking_server_url
    KeyringStore(system_keyring).set_database_password(url, password)  # the settings dialog
    engine = make_engine(url, password_provider=get_database_password)
    try:
        with engine.connect() as first, engine.connect() as second:
            for conn in (first, second):
                assert conn.exec_driver_sql("SELECT current_user").scalar() == PASSWORD_ROLE
        assert system_keyring.reads == 1  # the second connection reused it, in memory
        assert password not in str(engine.url)
    finally:
        engine.dispose()


def test_without_a_stored_password_the_servers_refusal_is_reported(asking_server_url,
                                                                   system_keyring):
    url, _password = asking_server_url
    completed = subprocess.run([sys.executable, "-m", "cli", "--db", url, "report",
                                "comparison"], capture_output=True, text=True, timeout=60,
                               check=False)
    assert completed.returncode == 1
    assert "no password supplied" in completed.stderr and "Traceback" not in completed.stderr
    engine = make_engine(url, password_provider=get_database_password)
    try:
        with pytest.raises(OperationalError, match="no password supplied"):
            engine.connect()
        assert system_keyring.reads == 1
    finally:
        engine.dispose()


def test_a_server_that_trusts_the_machine_never_wakes_the_keyring(pg_url, system_keyring):
    KeyringStore(system_keyring).set_database_password(pg_url, "never needed")
    engine = make_engine(pg_url, password_provider=get_database_password)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
        assert system_keyring.reads == 0
    finally:
        engine.dispose()
