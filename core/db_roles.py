"""PostgreSQL roles for least privilege: an admin role that owns the schema (imports,
accounts, SLA policies, migrations) and a console role for the consoles of agents and leads
and the jobs (reads everything, writes only what reports, breaches, alerts, reassignments
and job runs write). Anyone holding the admin role is an admin on the command line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine

from core.errors import BadInput

if TYPE_CHECKING:  # loaded only when a role command runs
    import psycopg

ADMIN_ROLE = "support_console"
CONSOLE_ROLE = "support_console_users"
KINDS = ("console", "admin")

# What the console role may write, table by table (everything else it may only read).
# Every table of core.schema is in exactly one of CONSOLE_WRITES and ADMIN_WRITES (a test
# checks it), so a new table cannot be forgotten.
CONSOLE_WRITES: dict[str, str] = {
    # reassignment, by hand or by the job (the effective team follows the assignee)
    "items": "UPDATE (assignee_id, effective_team)",
    "reassignments": "INSERT",
    "breach_records": "INSERT, UPDATE",
    "alerts": "INSERT, UPDATE",
    "job_runs": "INSERT, UPDATE, DELETE",
    "job_leases": "INSERT, UPDATE, DELETE",
    "workload_snapshots": "INSERT, UPDATE",
    "daily_metrics": "INSERT, UPDATE",
    "daily_team_metrics": "INSERT, UPDATE",
    "dashboard_snapshots": "INSERT, UPDATE, DELETE",
    "sign_in_failures": "INSERT, UPDATE, DELETE",
    "digest_deliveries": "INSERT, UPDATE",  # send-team-digest's queue
}
ADMIN_WRITES = ("agents", "sla_policies", "meta", "alembic_version", "calendars", "holidays",
                "status_changes")  # business hours: import and the admin's calendar editor
NOTIFY_FUNCTION = "support_console_notify_changed()"  # migration 0002


@dataclass(frozen=True)
class RoleNames:
    admin: str = ADMIN_ROLE
    console: str = CONSOLE_ROLE


def grant_roles(engine: Engine, names: RoleNames = RoleNames()) -> dict[str, Any]:
    """Create both roles (NOLOGIN) when missing, give the schema to the admin role and the
    console role its grants. Idempotent: run it again after every upgrade (new tables).
    Needs a superuser, or the schema's owner with CREATEROLE."""
    from psycopg import sql

    _require_postgres(engine)
    with _driver_connection(engine) as conn:
        created = [name for name in (names.admin, names.console) if _create_group(conn, name)]
        admin, console = sql.Identifier(names.admin), sql.Identifier(names.console)
        database = sql.Identifier(_value(conn, "SELECT current_database()"))
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        sequences = [row[0] for row in conn.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]
        for statement in (
            "GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {admin}, {console}",
            "GRANT USAGE, CREATE ON SCHEMA public TO {admin}",
            "GRANT USAGE ON SCHEMA public TO {console}",
        ):
            conn.execute(sql.SQL(statement).format(db=database, admin=admin, console=console))
        for table in tables:
            conn.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(table),
                                                                     admin))
        for sequence in sequences:
            conn.execute(sql.SQL("ALTER SEQUENCE {} OWNER TO {}").format(
                sql.Identifier(sequence), admin))
        if _value(conn, "SELECT to_regprocedure(%s)", NOTIFY_FUNCTION):
            conn.execute(sql.SQL("ALTER FUNCTION " + NOTIFY_FUNCTION + " OWNER TO {}")
                         .format(admin))
        conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(console))
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(console))
        conn.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}")
                     .format(console))
        written = []
        for table, privileges in CONSOLE_WRITES.items():
            if table in tables:
                conn.execute(sql.SQL("GRANT " + privileges + " ON TABLE {} TO {}").format(
                    sql.Identifier(table), console))
                written.append(table)
        for kind in ("TABLES", "SEQUENCES"):
            privileges = "SELECT" if kind == "TABLES" else "USAGE, SELECT"
            conn.execute(sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT "
                                 + privileges + " ON " + kind + " TO {}").format(admin, console))
    return {"admin_role": names.admin, "console_role": names.console, "created": created,
            "console_writes": written, "tables": len(tables)}


def create_login(engine: Engine, name: str, kind: str, password: str | None = None,
                 names: RoleNames = RoleNames()) -> dict[str, Any]:
    """A login role for one person or machine, member of the console or the admin role (an
    admin's sessions act as the admin role, so what one migrates the next can change)."""
    from psycopg import sql

    _require_postgres(engine)
    if kind not in KINDS:
        raise BadInput(f"db create-role: --kind must be one of {', '.join(KINDS)}")
    if not name or len(name) > 63:
        raise BadInput("db create-role: a role name has 1 to 63 characters")
    group = names.admin if kind == "admin" else names.console
    with _driver_connection(engine) as conn:
        if not _role_exists(conn, group):
            raise BadInput(f"role {group!r} does not exist: run `support-console db grant-roles`"
                           " first")
        role = sql.Identifier(name)
        created = not _role_exists(conn, name)
        if created:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        if password:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(password)))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), role))
        database = sql.Identifier(_value(conn, "SELECT current_database()"))
        if kind == "admin":
            conn.execute(sql.SQL("ALTER ROLE {} IN DATABASE {} SET role = {}").format(
                role, database, sql.Literal(group)))
        else:
            conn.execute(sql.SQL("ALTER ROLE {} IN DATABASE {} RESET role").format(role, database))
    return {"role": name, "kind": kind, "member_of": group, "created": created}


def _require_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise BadInput("database roles are for PostgreSQL: an SQLite file is guarded by its "
                       "file permissions")


@contextmanager
def _driver_connection(engine: Engine) -> Iterator[psycopg.Connection[Any]]:
    """psycopg's own connection (role DDL is composed with psycopg.sql), committed at the end;
    rolled back by the pool on an error."""
    raw = engine.raw_connection()
    try:
        conn = cast("psycopg.Connection[Any]", raw.driver_connection)
        yield conn
        conn.commit()
    finally:
        raw.close()


def _value(conn: psycopg.Connection[Any], query: str, *params: str) -> Any:
    row = conn.execute(query, params or None).fetchone()
    return None if row is None else row[0]


def _role_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def _create_group(conn: psycopg.Connection[Any], name: str) -> bool:
    from psycopg import sql

    if _role_exists(conn, name):
        return False
    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
    return True
