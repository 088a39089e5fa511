"""A user's data stays theirs: private folders and files; the site file's locks hold."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import core.settings as settings_module
from core.db import backup_sqlite, make_engine, upgrade_schema
from core.settings import (
    Settings,
    config_dir,
    data_dir,
    load_settings,
    save_user_settings,
    site_config_path,
    user_config_path,
)
from tests.jobs_helpers import ROOT, cli_env


def cli_without_db(*argv: str) -> subprocess.CompletedProcess:
    """`support-console ARGV` on the user's default database (no --db)."""
    return subprocess.run([sys.executable, "-m", "cli", *argv], cwd=ROOT, env=cli_env(),
                          check=False, capture_output=True, text=True, timeout=120)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def everyday_umask():
    previous = os.umask(0o022)  # what a desktop session has: new files 0644, folders 0755
    yield
    os.umask(previous)


def test_a_fresh_users_database_settings_and_folders_are_private():
    database = data_dir() / "support-console.db"
    result = cli_without_db("init")
    assert result.returncode == 0, result.stderr
    assert database.is_file()
    assert (mode(data_dir()), mode(database)) == (0o700, 0o600)
    for companion in database.parent.glob(database.name + "-*"):  # the WAL, if still there
        assert mode(companion) == 0o600

    save_user_settings(Settings(warn_percent=70.0))
    assert (mode(config_dir()), mode(user_config_path())) == (0o700, 0o600)


def test_existing_open_files_are_tightened_on_start_with_a_note():
    data_dir().mkdir(parents=True, mode=0o755)
    database = data_dir() / "support-console.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade_schema(engine)
    engine.dispose()
    database.chmod(0o644)
    data_dir().chmod(0o755)
    user_config_path().parent.mkdir(parents=True, mode=0o755)
    user_config_path().write_text("warn_percent = 70\n")
    user_config_path().chmod(0o644)

    result = cli_without_db("report", "sla")

    assert result.returncode == 0, result.stderr
    assert (mode(data_dir()), mode(database)) == (0o700, 0o600)
    assert (mode(config_dir()), mode(user_config_path())) == (0o700, 0o600)
    assert f"made {database} private (it was 0o644, now 0o600)" in result.stderr
    assert f"made {data_dir()} private (it was 0o755, now 0o700)" in result.stderr


def test_a_database_backup_is_private_too(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'x.db'}")
    upgrade_schema(engine)
    assert mode(tmp_path / "data") == 0o700 and mode(tmp_path / "data" / "x.db") == 0o600
    backup = backup_sqlite(engine)
    engine.dispose()
    assert mode(backup) == 0o600


# ---------------------------------------------------------------- the site file's locks

@pytest.fixture
def standard_site(tmp_path, monkeypatch):
    """The standard site file (/etc/support-console/config.toml), here in a tmp folder."""
    path = tmp_path / "etc" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setattr(settings_module, "STANDARD_SITE_CONFIG", str(path))
    return path


def test_the_environment_cannot_point_away_from_an_existing_site_file(
        standard_site, monkeypatch, caplog):
    standard_site.write_text('locked = ["db_url"]\ndb_url = "postgresql://team/db"\n')
    monkeypatch.setenv("SUPPORT_CONSOLE_DB", "sqlite:////tmp/mine.db")
    for elsewhere in ("/dev/null", str(standard_site.parent / "other.toml")):
        monkeypatch.setenv(settings_module.SITE_CONFIG_ENV, elsewhere)
        with caplog.at_level(logging.WARNING, logger=settings_module.__name__):
            settings = load_settings()
        assert settings.db_url == "postgresql://team/db" and settings.locked == ("db_url",)
        assert site_config_path() == standard_site
        assert f"SUPPORT_CONSOLE_SITE_CONFIG={elsewhere} ignored" in caplog.text


def test_without_a_standard_site_file_the_variable_names_the_site_file(
        standard_site, tmp_path, monkeypatch):
    standard_site.unlink(missing_ok=True)
    chosen = tmp_path / "trial-site.toml"
    chosen.write_text('locked = ["warn_percent"]\nwarn_percent = 60\n')
    monkeypatch.setenv(settings_module.SITE_CONFIG_ENV, str(chosen))
    monkeypatch.setenv("SUPPORT_CONSOLE_WARN_PERCENT", "90")
    assert site_config_path() == chosen
    assert load_settings().warn_percent == 60.0
