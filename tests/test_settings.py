"""Settings layers: defaults < site file < user file < environment < options; locks."""

import pytest

from core.errors import BadInput
from core.settings import (
    InvalidSettings,
    Settings,
    load_settings,
    save_user_settings,
    user_config_path,
    validate,
)
from core.timeutil import local_zone, parse_hhmm


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
    with pytest.raises(BadInput, match=r"config.toml: warn_percent: bad value 'lots'"):
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
    with pytest.raises(BadInput, match="colour: unknown setting"):
        settings_from_json('{"colour": "blue"}')


def _user_file(text: str):
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_names_every_bad_setting_with_its_reason():
    bad = Settings(weight_resolution=0.5, weight_response=0.3, weight_sla=0.3,
                   warn_percent=0, smtp_port=70000, smtp_security="tls",
                   calculate_support_performance_metrics_at="25:00",
                   quiet_hours_start="22:00", check_sla_breaches_minutes=0,
                   timezone="Mars/Olympus", db_url="postgresql://sc:hunter2@db/support")
    with pytest.raises(InvalidSettings) as caught:
        validate(bad)
    problems = caught.value.problems
    assert set(problems) == {"weight_resolution", "weight_response", "weight_sla", "warn_percent",
                             "smtp_port", "smtp_security", "calculate_support_performance_metrics_at",
                             "quiet_hours_start", "quiet_hours_end", "check_sla_breaches_minutes",
                             "timezone", "db_url"}
    assert problems["weight_sla"] == "the three score weights must add up to 1, not 1.10"
    assert "not a time of day (HH:MM): '25:00'" in problems["calculate_support_performance_metrics_at"]
    assert "no password inside the database URL" in problems["db_url"]
    assert "hunter2" not in str(caught.value)
    assert isinstance(caught.value, BadInput)
    validate(Settings())
    validate(Settings(db_url="postgresql://sc:pw@db/support"), url_password_allowed=True)


def test_files_environment_and_options_get_the_same_rules_and_say_where(site_file, monkeypatch):
    path = _user_file("weight_sla = 0.5\n")
    with pytest.raises(InvalidSettings, match=f"^{path}: weight_resolution, weight_response, "
                                              "weight_sla: the three score weights must add up"):
        load_settings()
    _user_file('db_url = "postgresql://sc:hunter2@db/support"\n')
    with pytest.raises(InvalidSettings) as caught:
        load_settings()
    assert set(caught.value.problems) == {"db_url"} and "hunter2" not in str(caught.value)
    _user_file("")
    monkeypatch.setenv("SUPPORT_CONSOLE_QUIET_HOURS_START", "7pm")
    monkeypatch.setenv("SUPPORT_CONSOLE_QUIET_HOURS_END", "07:00")
    with pytest.raises(InvalidSettings, match="^SUPPORT_CONSOLE_QUIET_HOURS_START: "
                                              "quiet_hours_start: not a time of day"):
        load_settings()
    monkeypatch.delenv("SUPPORT_CONSOLE_QUIET_HOURS_START")
    monkeypatch.delenv("SUPPORT_CONSOLE_QUIET_HOURS_END")
    with pytest.raises(InvalidSettings, match="^option: warn_percent: must be between 1 and 100"):
        load_settings(warn_percent=150)
    # The no-keyring advice: the password in SUPPORT_CONSOLE_DB (or an option) is accepted.
    monkeypatch.setenv("SUPPORT_CONSOLE_DB", "postgresql://sc:pw@db/support")
    assert load_settings().db_url == "postgresql://sc:pw@db/support"


COMMENTED_FILE = """\
# My console settings: keep the comments
timezone = "Europe/Berlin"  # where the team sits

[smtp]
# the office relay
host = "relay.example.com"
port = 587
"""


def test_a_save_keeps_sections_comments_and_layout(site_file):
    path = _user_file(COMMENTED_FILE)
    before = load_settings()
    assert (before.smtp_host, before.smtp_port) == ("relay.example.com", 587)
    changed = before.with_overrides(smtp_host='mail "two".example.com', warn_percent=70.0)
    save_user_settings(changed, ("smtp_host", "warn_percent"))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# My console settings: keep the comments\n"
                           'timezone = "Europe/Berlin"  # where the team sits\n')
    assert "[smtp]\n# the office relay\nhost = " in text
    assert "smtp_host" not in text
    assert text.index("warn_percent") < text.index("[smtp]")
    after = load_settings()
    assert (after.smtp_host, after.smtp_port, after.warn_percent) == (
        'mail "two".example.com', 587, 70.0)


def test_hh_mm_is_parsed_once_strictly():
    assert parse_hhmm("07:05").hour == 7 and parse_hhmm("23:59").minute == 59
    for text in ("24:00", "7:5", "07:60", "0705", "07:05:00", ""):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_hhmm(text)


def test_the_machine_zone_comes_from_tzlocal(monkeypatch):
    import tzlocal

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    tzlocal.reload_localzone()
    try:
        assert local_zone().key == "Asia/Tokyo"
    finally:
        monkeypatch.undo()
        tzlocal.reload_localzone()
