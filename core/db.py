"""Opening the database: engines, sessions, and bringing the schema up to date."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from core.errors import BadInput, DatabaseProblem, one_line
from core.private_files import create_private_file, private_dir

if TYPE_CHECKING:  # the ORM is imported only where objects are used (not by reports)
    from alembic.config import Config
    from sqlalchemy.orm import Session

    from core.settings import Settings

# Keep in step with the newest file in core/migrations/versions (a test checks it).
HEAD_REVISION = "0009"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
PasswordProvider = Callable[[str], str | None]
# PostgreSQL timeouts without settings (the defaults of Settings.db_*_timeout_seconds).
CONNECT_TIMEOUT_SECONDS, STATEMENT_TIMEOUT_SECONDS = 10, 120


def normalise_url(url: str) -> str:
    """Accept postgresql:// (use psycopg 3) and a bare file path (SQLite)."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def safe_url(url: str) -> str:
    """The URL without its password, for messages and window titles."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<bad database URL>"


def url_has_password(url: str) -> bool:
    """Whether a database URL carries a password (False for a file path or a bad URL)."""
    if "://" not in url:
        return False
    try:
        return bool(make_url(normalise_url(url)).password)
    except ArgumentError:
        return False


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    # Per transaction (the pragma is a no-op inside one): see write_transaction.
    checked = not options.get("sqlite_unchecked_references")
    conn.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if checked else 'OFF'}")
    conn.exec_driver_sql(options.get("sqlite_begin", "BEGIN"))


def make_engine(url: str, *, create_folder: bool = True,
                password_provider: PasswordProvider | None = None,
                settings: Settings | None = None) -> Engine:
    """An engine for the URL. A server URL without a password asks `password_provider(url)`
    (e.g. core.secrets.get_database_password) when the server wants one. PostgreSQL gets
    the settings' timeouts (default settings when none are given), so that an unreachable
    or stalled server is an error, not a hang."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadInput(f"not a database URL: {safe_url(url)}", subject="db_url")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and create_folder:
            path = Path(database).expanduser()
            if not path.parent.is_dir():
                private_dir(path.parent)
            create_private_file(path)
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise BadInput(f"unsupported database {parsed.get_backend_name()!r} "
                       "(use sqlite:///FILE or postgresql://USER@HOST/DB)", subject="db_url")
    try:
        # No hstore here: without it the first connection skips a catalogue lookup (10 ms).
        # A console's threads (two readers, one writer, the alert watcher) need at most a
        # few connections at once; a bounded pool keeps a whole team's consoles within
        # PostgreSQL's max_connections (README, "Many consoles on one PostgreSQL").
        engine = create_engine(url, pool_pre_ping=True, use_native_hstore=False,
                               connect_args=_postgresql_timeouts(parsed, settings),
                               pool_size=3, max_overflow=2)
    except ImportError as exc:
        raise DatabaseProblem(f"database driver missing: {exc}")
    if not parsed.password and password_provider is not None:
        event.listen(engine, "do_connect", _password_when_asked(url, password_provider))
    return engine


def _postgresql_timeouts(parsed: URL, settings: Settings | None) -> dict[str, object]:
    """libpq's connect_timeout, a server-side statement_timeout, and TCP keepalives (a
    vanished server is noticed within a minute); what the URL itself sets wins."""
    connect_s, statement_s = (CONNECT_TIMEOUT_SECONDS, STATEMENT_TIMEOUT_SECONDS) if (
        settings is None) else (settings.db_connect_timeout_seconds,
                                settings.db_statement_timeout_seconds)
    args: dict[str, object] = {"connect_timeout": max(1, int(connect_s)),
                               "keepalives": 1, "keepalives_idle": 30,
                               "keepalives_interval": 10, "keepalives_count": 3}
    statement_ms = max(0, int(statement_s * 1000))
    from_url = parsed.query.get("options")
    args["options"] = " ".join([f"-c statement_timeout={statement_ms}",
                                *([from_url] if isinstance(from_url, str) else from_url or ())])
    for key in list(args):
        if key in parsed.query and key != "options":
            del args[key]
    return args


# libpq's words when the server wants a password and was given none.
NO_PASSWORD_SUPPLIED = "no password supplied"


def _password_when_asked(url: str, password_provider: PasswordProvider) -> Callable[..., Any]:
    """A server URL without a password: the provider (the OS keyring) is asked only when
    the server wants one - as psql prompts only then - and the password kept in memory for
    the engine's later connections. Servers that trust the machine, or find the password
    in ~/.pgpass or PGPASSWORD, never wake the keyring, whose start alone takes 0.15-0.3 s
    and may ask to unlock it."""
    found: dict[str, str] = {}

    def connect(dialect: Any, _record: object, cargs: list[Any], cparams: dict[str, Any]) -> Any:
        if "password" in found:
            cparams["password"] = found["password"]
            return None  # SQLAlchemy connects, with the password added
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as exc:
            if NO_PASSWORD_SUPPLIED not in str(exc):
                raise
            password = password_provider(url)
            if not password:
                raise
            found["password"] = cparams["password"] = password
            return dialect.connect(*cargs, **cparams)

    return connect


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    if not is_sqlite(engine) or not engine.url.database or engine.url.database == ":memory:":
        return None
    return Path(engine.url.database)


# The driver's words for each timeout, and the setting a person can change.
TIMEOUT_SETTINGS = {"connection timeout expired": "db_connect_timeout_seconds",
                    "statement timeout": "db_statement_timeout_seconds"}


def describe_db_error(exc: BaseException, url: str) -> str:
    """One line a person can act on, never a traceback, never a password."""
    original = getattr(exc, "orig", None) or exc
    message = one_line(original)
    if "file is not a database" in message or "not a database" in message:
        return f"{safe_url(url)} is not a Support Console database (file is not a database)"
    for words, setting in TIMEOUT_SETTINGS.items():
        if words in message:
            message += f" (the limit is the setting {setting})"
    return f"database {safe_url(url)}: {message}"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:  # one statement on the way of every start; the catalogue only when it fails
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            conn.rollback()
            if inspect(conn).has_table("alembic_version"):
                raise
            return None


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def backup_sqlite(engine: Engine) -> Path | None:
    """Copy the SQLite file aside before a migration touches it."""
    path = sqlite_path(engine)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    serial = 1
    while backup.exists():
        serial += 1
        backup = path.with_name(f"{path.name}.{stamp}-{serial}.bak")
    create_private_file(backup)  # VACUUM INTO fills an empty file, keeping its mode
    raw = engine.raw_connection()  # VACUUM cannot run inside SQLAlchemy's transaction
    try:  # a consistent copy even while others write
        driver: Any = raw.driver_connection
        driver.execute("VACUUM INTO ?", (backup.as_posix(),))
    finally:
        raw.close()
    return backup


def upgrade_schema(engine: Engine) -> dict[str, Any]:
    """Create the schema or bring it to the newest revision. Idempotent."""
    try:
        before = current_revision(engine)
        if before == HEAD_REVISION:
            return {"revision": before, "upgraded": False, "backup": None}
        backup = backup_sqlite(engine) if before is not None else None
        from alembic import command
        from alembic.util import CommandError

        try:
            command.upgrade(_alembic_config(engine), "head")
        except CommandError as exc:
            raise DatabaseProblem(f"cannot upgrade {safe_url(str(engine.url))} from schema "
                                  f"revision {before!r}: {exc} (is it from a newer version?)")
        return {"revision": HEAD_REVISION, "upgraded": True, "from": before,
                "backup": str(backup) if backup else None}
    except (DBAPIError, OperationalError) as exc:
        raise DatabaseProblem(describe_db_error(exc, str(engine.url)))


def ensure_schema(engine: Engine) -> None:
    """Migrations run on start: a cheap version check first, Alembic only when needed."""
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        raise DatabaseProblem(describe_db_error(exc, str(engine.url)))
    if revision != HEAD_REVISION:
        upgrade_schema(engine)


@contextmanager
def read_scope(engine: Engine) -> Iterator[Connection]:
    """A connection for the queries of the rules (they need no ORM), rolled back after."""
    with engine.connect() as conn:
        yield conn


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    from sqlalchemy.orm import Session

    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def write_transaction(engine: Engine, *, references_checked: bool = False
                      ) -> Iterator[Session]:
    """Like session_scope, but on SQLite take the write lock up front (BEGIN IMMEDIATE),
    so two writers queue instead of failing half-way with 'database is locked'.
    references_checked: the caller checks every reference it writes (the importer), so
    SQLite skips its own per-row foreign-key lookups (millions of them in a first load)."""
    bind = engine.execution_options(sqlite_begin="BEGIN IMMEDIATE",
                                    sqlite_unchecked_references=references_checked
                                    ) if is_sqlite(engine) else engine
    with session_scope(bind) as session:
        yield session
