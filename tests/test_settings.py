"""Settings layers: defaults < site file < user file < environment < options; locks."""

import pytest

from core.errors import BadInput
from core.settings import Settings, load_settings, save_user_settings, user_config_path


@pytest.fixture
def site_file(tmp_path, monkeypatch):
    path = tmp_path / "site" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setenv("SUPPORT_CONSOLE_SITE_CONFIG", str(path))
    return path


def test_defaults_point_at_a_sqlite_file_in_the_data_folder(tmp_path):
    settings = load_settings()
    assert settings.warn_percent == 80.0
    assert settings.resolved_db_url().startswith("sqlite:///")
    assert settings.resolved_db_url().endswith("support-console/support-console.db")


def test_layers_later_wins(site_file, monkeypatch):
    site_file.write_text('db_url = "postgresql://site/db"\ninactive_hours = 4\nwarn_percent = 70\n')
    user = user_config_path()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("inactive_hours = 8\nwarn_percent = 75\n")
    monkeypatch.setenv("SUPPORT_CONSOLE_WARN_PERCENT", "90")
    settings = load_settings()
    assert settings.db_url == "postgresql://site/db"
    assert settings.inactive_hours == 8.0
    assert settings.warn_percent == 90.0
    assert load_settings(warn_percent=95).warn_percent == 95.0
    monkeypatch.setenv("SUPPORT_CONSOLE_DB", "sqlite:////tmp/env.db")
    assert load_settings().db_url == "sqlite:////tmp/env.db"


def test_a_locked_site_setting_beats_user_file_and_environment(site_file, monkeypatch):
    site_file.write_text('locked = ["db_url"]\ndb_url = "postgresql://team/db"\n')
    user = user_config_path()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text('db_url = "sqlite:////tmp/mine.db"\n')
    monkeypatch.setenv("SUPPORT_CONSOLE_DB", "sqlite:////tmp/env.db")
    settings = load_settings()
    assert settings.db_url == "postgresql://team/db"
    assert settings.locked == ("db_url",)
    assert load_settings(db_url="sqlite:////tmp/option.db").db_url == "sqlite:////tmp/option.db"


def test_bad_values_name_the_file_and_the_setting(site_file):
    site_file.write_text('warn_percent = "lots"\n')
    with pytest.raises(BadInput, match=r"config.toml: setting 'warn_percent' has a bad value"):
        load_settings()
    site_file.write_text("this is = = not toml\n")
    with pytest.raises(BadInput, match="not a valid TOML file"):
        load_settings()


def test_saved_user_settings_reload_and_skip_locked_keys(site_file):
    site_file.write_text('locked = ["timezone"]\ntimezone = "Europe/Berlin"\n')
    settings = load_settings().with_overrides(inactive_hours=3.5, smtp_host="mail.example.com",
                                              timezone="Asia/Tokyo")
    path = save_user_settings(settings)
    text = path.read_text()
    assert "Asia/Tokyo" not in text
    reloaded = load_settings()
    assert reloaded.inactive_hours == 3.5
    assert reloaded.smtp_host == "mail.example.com"
    assert reloaded.timezone == "Europe/Berlin"
    assert Settings().inactive_hours == 6.0


def test_settings_travel_whole_to_a_process_of_ours_and_bad_ones_are_named():
    from core.settings import settings_as_json, settings_from_json

    chosen = Settings(db_url="postgresql://db.example/support", timezone="Europe/Berlin",
                      warn_percent=72.5, smtp_port=587, scheduler_enabled=False,
                      locked=("db_url", "timezone"))
    assert settings_from_json(settings_as_json(chosen)) == chosen
    with pytest.raises(BadInput, match="the settings on standard input: not JSON"):
        settings_from_json("{", "the settings on standard input")
    with pytest.raises(BadInput, match="unknown setting 'colour'"):
        settings_from_json('{"colour": "blue"}')
