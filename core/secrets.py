"""Passwords (sign-in, database, SMTP) in the OS keyring, never a file nor a log line; an
environment variable where the keyring cannot be used. Plain-text keyring backends are
refused, for the console, the jobs and the engine alike."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from core.db import normalise_url, safe_url
from core.errors import SupportConsoleError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger("support_console.keyring")

KEYRING_SERVICE = "support-console"
SMTP_PASSWORD_ENV = "SUPPORT_CONSOLE_SMTP_PASSWORD"
NO_KEYRING_MESSAGE = (
    "This computer has no password keyring that Support Console can use (such as GNOME "
    "Keyring, KWallet, the macOS Keychain or the Windows Credential Manager), so it cannot "
    "remember passwords safely. It will not write them to a file: you will be asked for "
    "the password each time instead.")
# keyrings.alt's file backends only encode: as good as a plain file.
PLAIN_FILE_BACKENDS = ("PlaintextKeyring", "EncryptedKeyring", "Windows.EncryptedKeyring")


class KeyringUnavailable(SupportConsoleError):
    """No usable OS keyring: the secret cannot be stored safely (never a plain file)."""


def smtp_key(username: str, host: str) -> str:
    """The keyring entry of an SMTP account, e.g. smtp:alerts@mail.example.com."""
    return f"smtp:{username}@{host}"


def database_key(url: str) -> str:
    """The keyring entry of a database URL (without any password in it)."""
    return f"db:{safe_url(url)}"


def signin_key(agent_id: str) -> str:
    return f"signin:{agent_id}"


def url_with_password(url: str, password: str | None) -> str:
    """The URL to connect with: the password added when the URL has none (the settings
    dialog's connection test, with the password typed or stored)."""
    if not password or "://" not in url:
        return url
    parsed = make_url(normalise_url(url))
    if parsed.password or parsed.get_backend_name() == "sqlite":
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


class KeyringStore:
    """The secrets in one keyring backend (the system's, unless one is given)."""

    def __init__(self, backend: KeyringBackend | None = None):
        self._backend = backend

    @property
    def backend(self) -> KeyringBackend:
        # Found on first use: finding it loads every keyring plugin (0.2 s, measured), too
        # slow for the console's way to its first window.
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        return self._backend

    @property
    def available(self) -> bool:
        """A real keyring: not keyring's 'fail' backend, nor one that writes a plain file."""
        if type(self.backend).__name__ in PLAIN_FILE_BACKENDS:
            return False
        try:
            return float(self.backend.priority) > 0
        except Exception:  # noqa: BLE001 - a backend that cannot say is not trusted
            return False

    @property
    def unavailable_message(self) -> str:
        return NO_KEYRING_MESSAGE

    def describe(self) -> str:
        """Which keyring holds the secrets, for the settings dialog."""
        if not self.available:
            return "No keyring available: passwords are not remembered."
        name = getattr(self.backend, "name", type(self.backend).__name__)
        return f"Passwords are kept in the system keyring ({name})."

    def _set(self, key: str, value: str) -> None:
        from keyring.errors import KeyringError

        if not self.available:
            raise KeyringUnavailable(NO_KEYRING_MESSAGE)
        try:
            self.backend.set_password(KEYRING_SERVICE, key, value)
        except KeyringError as exc:
            log.info("keyring refused to store %s: %s", key, type(exc).__name__)
            raise KeyringUnavailable(f"The keyring refused to store the password "
                                     f"({type(exc).__name__}); it was not remembered. "
                                     "Unlock the keyring and try again.")

    def _get(self, key: str) -> str | None:
        from keyring.errors import KeyringError

        if not self.available:
            return None
        try:
            password: str | None = self.backend.get_password(KEYRING_SERVICE, key)
            return password
        except KeyringError as exc:
            log.info("keyring could not read %s: %s", key, type(exc).__name__)
            return None

    def _delete(self, key: str) -> None:
        from keyring.errors import KeyringError, PasswordDeleteError

        if not self.available:
            return
        try:
            self.backend.delete_password(KEYRING_SERVICE, key)
        except PasswordDeleteError:
            pass  # nothing stored: nothing to forget
        except KeyringError as exc:
            log.info("keyring could not forget %s: %s", key, type(exc).__name__)

    # Sign-in ("remember me")
    def remember_signin(self, agent_id: str, password: str) -> None:
        self._set(signin_key(agent_id), password)

    def signin_password(self, agent_id: str) -> str | None:
        return self._get(signin_key(agent_id)) if agent_id else None

    def forget_signin(self, agent_id: str) -> None:
        self._delete(signin_key(agent_id))

    # Database
    def set_database_password(self, url: str, password: str) -> None:
        self._set(database_key(url), password)

    def database_password(self, url: str) -> str | None:
        return self._get(database_key(url))

    # SMTP
    def set_smtp_password(self, username: str, host: str, password: str) -> None:
        self._set(smtp_key(username, host), password)

    def smtp_password(self, username: str, host: str) -> str | None:
        """The keyring's entry, else SUPPORT_CONSOLE_SMTP_PASSWORD (a headless server)."""
        return self._get(smtp_key(username, host)) or os.environ.get(SMTP_PASSWORD_ENV) or None


def get_smtp_password(username: str, host: str) -> str | None:
    """The SMTP password the jobs send with (the system's keyring, else the environment)."""
    return KeyringStore().smtp_password(username, host)


def get_database_password(url: str) -> str | None:
    """The password the settings dialog stored for a database URL: the engine's password
    provider (core.db.make_engine(url, password_provider=get_database_password))."""
    return KeyringStore().database_password(url)
