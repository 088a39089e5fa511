"""The trust boundary on PostgreSQL (issue 13, item 10): `db grant-roles` and `db
create-role` give the consoles of agents and leads a role that runs reports and jobs but
cannot import, change accounts or alter the schema; an admin role does those."""

from __future__ import annotations

import io
import uuid

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from tests.rules_helpers import NOW, D, agent, item, load, policy, run, ts, write_folder


def test_every_table_has_a_grant_decision():
    from core.db_roles import ADMIN_WRITES, CONSOLE_WRITES
    from core.models import Base

    tables = set(Base.metadata.tables) | {"alembic_version"}
    assert set(CONSOLE_WRITES) | set(ADMIN_WRITES) == tables
    assert not set(CONSOLE_WRITES) & set(ADMIN_WRITES)


def test_roles_are_for_postgresql_only(capsys, sqlite_url):
    code, _, err = run(capsys, "--db", sqlite_url, "db", "grant-roles")
    assert code == 2 and "PostgreSQL" in err


@pytest.fixture
def roles(pg_url):
    """Role names of this test only (roles are shared by the whole server); dropped after."""
    tag = uuid.uuid4().hex[:10]
    names = {"admin": f"sc_admin_{tag}", "console": f"sc_users_{tag}",
             "lead": f"sc_lead_{tag}", "it": f"sc_it_{tag}"}
    yield names
    admin_url = make_url(pg_url).set(drivername="postgresql").render_as_string(
        hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in names.values():
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                conn.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(name)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def _as(pg_url: str, user: str) -> str:
    return make_url(pg_url).set(username=user, password=None).render_as_string(
        hide_password=False)


def test_a_console_role_runs_reports_and_jobs_but_cannot_import_or_alter(
        capsys, pg_url, roles, tmp_path, monkeypatch):
    load(capsys, pg_url, tmp_path / "in", agents=[agent("a1"), agent("lead1", "lead")],
         items=[item("i1", NOW - D, priority="high", assignee="a1")],
         policies=[policy("ticket", "high", 60, 240)])
    names = ("--admin-role", roles["admin"], "--console-role", roles["console"])
    code, granted, err = run(capsys, "--db", pg_url, "db", "grant-roles", *names)
    assert code == 0, err
    assert "items" in granted["console_writes"] and "agents" not in granted["console_writes"]
    code, made, err = run(capsys, "--db", pg_url, "db", "create-role", roles["lead"],
                          "--kind", "console", *names)
    assert code == 0 and made["member_of"] == roles["console"], err
    code, _, err = run(capsys, "--db", pg_url, "db", "create-role", roles["it"],
                       "--kind", "admin", *names)
    assert code == 0, err

    lead = _as(pg_url, roles["lead"])
    code, data, err = run(capsys, "--db", lead, "report", "breaches", "--now", ts(NOW))
    assert code == 0 and data["count"] == 1, err
    for job in ("check-sla-breaches", "refresh-support-dashboards",
                "update-support-workload-trackers", "auto-reassign-unresolved-tasks",
                "calculate-support-performance-metrics", "send-sla-breach-alerts"):
        code, _, err = run(capsys, "--db", lead, "jobs", "run", job, "--now", ts(NOW))
        assert code == 0, f"{job}: {err}"

    folder = write_folder(tmp_path / "more", agents=[agent("a2")])
    code, _, err = run(capsys, "--db", lead, "import", folder)
    assert code == 3 and "permission denied" in err and "Traceback" not in err, err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long new password\n"))
    code, _, err = run(capsys, "--db", lead, "users", "set-password", "a1", "--password-stdin")
    assert code == 3, err
    with psycopg.connect(make_url(lead).set(drivername="postgresql").render_as_string(
            hide_password=False)) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("ALTER TABLE items ADD COLUMN sneaky integer")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM items")

    admin = _as(pg_url, roles["it"])
    code, data, err = run(capsys, "--db", admin, "import", folder)
    assert code == 0 and data["imported"]["agents"] == 1, err
