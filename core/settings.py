"""One typed settings object: defaults < site file < user file < SUPPORT_CONSOLE_* < options."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from core.db import CONNECT_TIMEOUT_SECONDS, STATEMENT_TIMEOUT_SECONDS
from core.errors import BadInput
from core.private_files import create_private_file, private_dir, secure_user_files
from core.settings_rules import InvalidSettings, settings_problems, validate

__all__ = ["InvalidSettings", "Settings", "load_settings", "save_user_settings", "validate"]

log = logging.getLogger(__name__)
APP_NAME = "support-console"
SITE_CONFIG_ENV = "SUPPORT_CONSOLE_SITE_CONFIG"
STANDARD_SITE_CONFIG = "/etc/support-console/config.toml"  # Linux; see standard_site_config_path
USER_CONFIG_ENV = "SUPPORT_CONSOLE_USER_CONFIG"
ENV_PREFIX = "SUPPORT_CONSOLE_"
# Names the rules and the docs use that differ from the field name.
ENV_ALIASES = {"SUPPORT_CONSOLE_DB": "db_url"}
SECRET_ENV = {"SUPPORT_CONSOLE_SMTP_PASSWORD", "SUPPORT_CONSOLE_DB_PASSWORD"}


@dataclass
class Settings:
    db_url: str = ""  # empty: the SQLite file in the user's data folder
    # PostgreSQL behind a transaction-pooling PgBouncer: a URL that reaches PostgreSQL
    # directly (or a session-mode pool), for the console's one LISTEN connection.
    listen_db_url: str = ""  # empty: db_url
    timezone: str = ""  # empty: the machine's zone
    # PostgreSQL: give up connecting after this long; cancel a statement running longer (0: never)
    db_connect_timeout_seconds: int = CONNECT_TIMEOUT_SECONDS
    db_statement_timeout_seconds: int = STATEMENT_TIMEOUT_SECONDS
    # SLA and scoring
    warn_percent: float = 80.0
    # Statuses that stop SLA clocks (recorded status changes only); shared through the database
    pause_statuses: tuple[str, ...] = ("waiting",)
    inactive_hours: float = 6.0
    weight_resolution: float = 0.4
    weight_response: float = 0.3
    weight_sla: float = 0.3
    response_horizon_hours: float = 24.0
    # SMTP (the password lives in the keyring or SUPPORT_CONSOLE_SMTP_PASSWORD)
    smtp_host: str = ""
    smtp_port: int = 0  # 0: 25, 587 for starttls, 465 for ssl
    smtp_security: str = "none"  # none, starttls, ssl
    smtp_sender: str = "support-console@localhost"
    smtp_username: str = ""
    smtp_timeout_seconds: float = 10.0
    email_retry_minutes: int = 15  # a refused message waits this long, then twice as long...
    email_max_refusals: int = 5  # ...and is given up ("failed") at this many refusals
    # Jobs: every N minutes, and the daily metrics time (HH:MM, local to `timezone`)
    scheduler_enabled: bool = True
    check_sla_breaches_minutes: int = 5
    send_sla_breach_alerts_minutes: int = 15
    auto_reassign_unresolved_tasks_minutes: int = 30
    update_support_workload_trackers_minutes: int = 10
    refresh_support_dashboards_minutes: int = 15
    calculate_support_performance_metrics_at: str = "02:00"
    misfire_grace_seconds: int = 300
    # A failed scheduled run is retried after this long, then twice as long... (at most
    # job_retry_max_seconds), while its period lasts
    job_retry_first_seconds: int = 60
    job_retry_max_seconds: int = 1800
    send_team_digest_at: str = "mon 08:00"  # weekly: weekday and HH:MM, local to `timezone`
    # Wallboard: `tile=caution:warning` over the rules' defaults (admins change it)
    wallboard_thresholds: str = ""
    wallboard_screen: str = ""  # a screen's name or number; empty: the primary screen
    wallboard_refresh_seconds: int = 60
    wallboard_rotate_seconds: int = 0  # 0: stay on the tiles
    # Notifications on the desktop
    notifications_enabled: bool = True
    quiet_hours_start: str = ""  # HH:MM, empty: none
    quiet_hours_end: str = ""
    # Sign-in
    remember_user: str = ""
    # Which keys the site file locks (read-only for users).
    locked: tuple[str, ...] = field(default=())

    def resolved_db_url(self) -> str:
        return self.db_url or default_db_url()

    def with_overrides(self, **overrides: Any) -> Settings:
        clean = {k: v for k, v in overrides.items() if v is not None}
        return dataclasses.replace(self, **_from_mapping(clean, "option"))


FIELD_TYPES = {f.name: f.type for f in fields(Settings)}
EDITABLE = tuple(name for name in FIELD_TYPES if name != "locked")


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'support-console.db'}"


def standard_site_config_path() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("PROGRAMDATA", r"C:\ProgramData")
        return Path(base) / "SupportConsole" / "config.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/SupportConsole/config.toml")
    return Path(STANDARD_SITE_CONFIG)


def secure_own_files() -> None:
    """On every start: the console's data, config and log folders, the settings file and
    the default database are made private (other paths are the user's choice)."""
    database = Path(default_db_url().removeprefix("sqlite:///"))
    secure_user_files((data_dir(), config_dir(), log_dir()), (user_config_path(), database))


def site_config_path() -> Path:
    """The site file is the administrator's: SUPPORT_CONSOLE_SITE_CONFIG may name another
    one only where no standard site file exists (a test machine, a trial without a site
    setup); where it exists, the variable cannot point the console away from its locks."""
    standard = standard_site_config_path()
    chosen = os.environ.get(SITE_CONFIG_ENV)
    if not chosen or Path(chosen) == standard:
        return standard
    if standard.exists():
        log.warning("%s=%s ignored: the site file %s exists and its settings apply",
                    SITE_CONFIG_ENV, chosen, standard)
        return standard
    return Path(chosen)


def user_config_path() -> Path:
    if os.environ.get(USER_CONFIG_ENV):
        return Path(os.environ[USER_CONFIG_ENV])
    return config_dir() / "config.toml"


def _coerce(name: str, value: Any) -> Any:
    """The value as the field's type; ValueError says why not."""
    if name not in FIELD_TYPES:
        raise ValueError("unknown setting")
    kind = FIELD_TYPES[name]
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if kind == "float":
            return float(value)
        if kind.startswith("tuple"):
            if isinstance(value, str):  # from the environment: comma-separated
                value = [v.strip() for v in value.split(",") if v.strip()]
            return tuple(str(v) for v in value)
        return str(value)
    except (TypeError, ValueError):
        raise ValueError(f"bad value {value!r} (expected {kind})")


def read_toml(path: Path) -> dict[str, Any]:
    """A config file as a flat dict; [sections] are flattened as section_key."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not a valid TOML file: {exc}")
    except OSError as exc:
        raise BadInput(f"{path}: cannot be read: {exc.strerror}")
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                flat[f"{key}_{sub}"] = inner
        else:
            flat[key] = value
    return flat


def _coerced(mapping: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The values as their fields' types, and the reason for each that is not one."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, raw in mapping.items():
        try:
            values[name] = _coerce(name, raw)
        except ValueError as exc:
            problems[name] = str(exc)
    return values, problems


def _from_mapping(mapping: dict[str, Any], source: str) -> dict[str, Any]:
    values, problems = _coerced(mapping)
    if problems:
        raise InvalidSettings(problems, source)
    return values


def _from_environment(environ: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The settings in the environment, and the variable each came from."""
    raw: dict[str, str] = {}
    variables: dict[str, str] = {}
    for key, text in environ.items():
        if not key.startswith(ENV_PREFIX) or key in SECRET_ENV:
            continue
        name = ENV_ALIASES.get(key) or key[len(ENV_PREFIX):].lower()
        if name in EDITABLE:
            raw[name], variables[name] = text, key
    values, problems = _coerced(raw)
    if problems:
        raise InvalidSettings(problems, ", ".join(variables[name] for name in problems))
    return values, variables


def load_settings(
    environ: dict[str, str] | None = None, **options: Any
) -> Settings:
    """Read the layers in order; later wins, except that a locked key keeps the site value
    against the user's file and environment (an explicit command-line option still wins).
    The result is checked by `validate`, each problem named with the layer it came from."""
    environ = dict(os.environ if environ is None else environ)
    site_path = site_config_path()
    site = read_toml(site_path)
    locked = tuple(str(k) for k in site.pop("locked", ()))
    site_values = _from_mapping(site, str(site_path))
    user_path = user_config_path()
    user_values = _from_mapping(read_toml(user_path), str(user_path))
    user_values.pop("locked", None)
    env_values, env_variables = _from_environment(environ)
    option_values = _from_mapping({k: v for k, v in options.items() if v is not None}, "option")

    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for layer, where in ((site_values, str(site_path)), (user_values, str(user_path)),
                         (env_values, "environment"), (option_values, "option")):
        merged.update(layer)
        origin.update({name: where for name in layer})
    for key in locked:
        if key in site_values and key not in option_values:
            merged[key] = site_values[key]
            origin[key] = str(site_path)
    merged["locked"] = locked
    settings = Settings(**merged)
    problems = settings_problems(settings, url_password_allowed=origin.get("db_url") in
                                 ("environment", "option"))
    if problems:
        raise InvalidSettings(problems, _where(problems, origin, env_variables))
    return settings


def _where(problems: dict[str, str], origin: dict[str, str], env_variables: dict[str, str]) -> str:
    """Where the bad settings came from: a file, an environment variable or 'option'."""
    places: list[str] = []
    for name in problems:
        where = origin.get(name)
        if where == "environment":
            where = env_variables[name]
        if where and where not in places:
            places.append(where)
    return ", ".join(places) or "settings"


def settings_as_json(settings: Settings) -> str:
    """Every setting, for a process of ours that must work with exactly these."""
    return json.dumps(dataclasses.asdict(settings))


def settings_from_json(text: str, source: str = "settings") -> Settings:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BadInput(f"{source}: not JSON: {exc}")
    if not isinstance(data, dict):
        raise BadInput(f"{source}: expected an object of settings")
    return Settings(**_from_mapping(data, source))



def save_user_settings(settings: Settings, keys: tuple[str, ...] | None = None) -> Path:
    """Write the given (or every non-default) editable setting to the user's file, where it
    already is (top level or its [section]), keeping the file's layout and comments.
    Secrets are never settings, so nothing secret can land here."""
    import tomlkit

    path = user_config_path()
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() \
            else tomlkit.document()
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not a valid TOML file: {exc}")
    if not document.body:
        document.add(tomlkit.comment("Support Console user settings (written by the console)"))
    defaults = Settings()
    for name in keys or EDITABLE:
        if name in settings.locked:
            continue
        value = getattr(settings, name)
        table, key = _place_of(document, name)
        if keys is None and value == getattr(defaults, name):
            table.pop(key, None)
        else:
            table[key] = list(value) if isinstance(value, tuple) else value
    private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    create_private_file(tmp)
    tmp.write_text(tomlkit.dumps(document), encoding="utf-8")
    tmp.replace(path)
    return path


def _place_of(document: Any, name: str) -> tuple[Any, str]:
    """The table and key that hold a setting: `[smtp] host` for smtp_host when the file has
    that section, else the top level."""
    for section, table in document.items():
        if isinstance(table, dict) and name.startswith(f"{section}_"):
            return table, name[len(section) + 1:]
    return document, name
