"""Secrets (the SMTP and database passwords): the OS keyring first, then an environment
variable."""

from __future__ import annotations

import logging
import os

from core.errors import SupportConsoleError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "support-console"
SMTP_PASSWORD_ENV = "SUPPORT_CONSOLE_SMTP_PASSWORD"


class KeyringUnavailable(SupportConsoleError):
    """No usable OS keyring: the secret cannot be stored safely (never a plain file)."""


def smtp_key(username: str, host: str) -> str:
    """The keyring entry of an SMTP account, e.g. smtp:alerts@mail.example.com."""
    return f"smtp:{username}@{host}"


def database_key(url: str) -> str:
    """The keyring entry of a database URL (without any password in it)."""
    from core.db import safe_url

    return f"db:{safe_url(url)}"


def _keyring_password(key: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        log.info("the keyring package is not installed; reading secrets from the environment")
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, key)
    except KeyringError as exc:
        # Headless machines get keyring's "fail" backend; say so, never show the secret.
        log.info("no OS keyring available (%s); falling back to the environment",
                 type(exc).__name__)
        return None


def get_secret(key: str, env_var: str | None = None) -> str | None:
    """The secret stored under `key` in the keyring, else the value of env_var, else None."""
    value = _keyring_password(key)
    if value:
        return value
    if env_var:
        return os.environ.get(env_var) or None
    return None


def get_smtp_password(username: str, host: str) -> str | None:
    return get_secret(smtp_key(username, host), SMTP_PASSWORD_ENV)


def get_database_password(url: str) -> str | None:
    return get_secret(database_key(url))


def set_secret(key: str, value: str) -> None:
    """Store a secret in the OS keyring; refuse clearly when there is none."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        raise KeyringUnavailable("no OS keyring support installed: set "
                                 f"{SMTP_PASSWORD_ENV} in the service's environment instead")
    try:
        keyring.set_password(KEYRING_SERVICE, key, value)
    except KeyringError as exc:
        raise KeyringUnavailable(
            f"no OS keyring is available ({type(exc).__name__}): the password was not saved. "
            f"Unlock or install a keyring (e.g. GNOME Keyring, KWallet), or set "
            f"{SMTP_PASSWORD_ENV} in the environment")
