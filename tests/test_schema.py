"""The schema: migrations match the models, run on start, and back up SQLite first."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.db import (
    HEAD_REVISION,
    MIGRATIONS_DIR,
    _alembic_config,
    current_revision,
    ensure_schema,
    make_engine,
    upgrade_schema,
)
from core.errors import DatabaseProblem
from core.models import Base


def test_head_revision_constant_matches_the_newest_migration(sqlite_url):
    script = ScriptDirectory.from_config(_alembic_config(make_engine(sqlite_url)))
    assert script.get_current_head() == HEAD_REVISION
    assert (MIGRATIONS_DIR / "env.py").is_file()


def test_migrated_schema_equals_the_models(db_url):
    engine = make_engine(db_url)
    upgrade_schema(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_upgrade_is_idempotent_and_ensure_schema_is_cheap(db_url):
    engine = make_engine(db_url)
    first = upgrade_schema(engine)
    assert first["upgraded"] is True and first["revision"] == HEAD_REVISION
    assert upgrade_schema(engine)["upgraded"] is False
    ensure_schema(engine)
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()


def test_sqlite_file_is_copied_aside_before_a_migration(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    with engine.begin() as conn:  # pretend the file is at an older revision
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
        conn.exec_driver_sql("CREATE TABLE marker (x INTEGER)")
    engine.dispose()
    # An unknown older revision cannot be upgraded, but the backup must be made first.
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(DatabaseProblem, match="revision 'older'"):
        upgrade_schema(engine)  # alembic refuses the unknown revision, after the backup
    backups = list(tmp_path.glob("old.db.*.bak"))
    assert len(backups) == 1
    check = make_engine(f"sqlite:///{backups[0]}")
    with check.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "older"
    check.dispose()
    engine.dispose()
