"""The sign-in dialog says when an id is locked, and grows instead of clipping its notes."""

import pytest
from keyring.backends import fail

from console.views.sign_in_dialog import SignInDialog
from core.access import LOCAL_OPERATOR
from core.accounts import FREE_ATTEMPTS
from core.secrets import KeyringStore
from core.settings import Settings
from tests.desktop_helpers import team_engine

# Offscreen Qt cannot pass a dialog's new minimum size on to a window manager: it says so.
pytestmark = [pytest.mark.gui,
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]
PASSWORD = "correct horse 7f3a9c"


@pytest.fixture
def dialog(qtbot, sqlite_url):
    from core.accounts import set_password

    engine = team_engine(sqlite_url, demo=False)
    set_password(engine, LOCAL_OPERATOR, "agent001", PASSWORD)
    dialog = SignInDialog(engine, Settings(timezone="Europe/Berlin"), KeyringStore(fail.Keyring()))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    engine.dispose()


def _try(qtbot, dialog, password):
    dialog.password_edit.setText(password)
    with qtbot.waitSignal(dialog.attempt_finished):
        dialog.try_sign_in()


def _fits(label) -> bool:
    return label.height() >= label.heightForWidth(label.width())


def test_an_error_grows_the_dialog_instead_of_clipping_the_keyring_note(qtbot, dialog):
    assert dialog.keyring_note.isVisible() and _fits(dialog.keyring_note)
    dialog.id_edit.setText("agent001")
    _try(qtbot, dialog, "wrong password")
    assert dialog.error_label.text() == "Wrong id or password"
    assert _fits(dialog.keyring_note) and _fits(dialog.error_label)


def test_a_locked_id_is_told_until_when(qtbot, dialog):
    dialog.id_edit.setText("agent001")
    for attempt in range(FREE_ATTEMPTS):
        _try(qtbot, dialog, f"guess {attempt}")
    message = dialog.error_label.text()
    assert "locked until" in message and "(Europe/Berlin)" in message
    _try(qtbot, dialog, PASSWORD)  # the right password waits for the lock too
    assert dialog.result() != dialog.DialogCode.Accepted and "locked until" in message
    assert _fits(dialog.keyring_note) and _fits(dialog.error_label)
