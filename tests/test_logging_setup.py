"""One logging setup (core.logging_setup) for the console, the command line and the jobs."""

import logging

from cli.main import main
from core.logging_setup import log_file, setup_logging
from core.settings import log_dir


def test_records_land_in_the_rotating_file_of_the_log_folder_tagged_with_the_program(capsys):
    assert setup_logging("gui") == log_file()
    assert log_file().parent == log_dir()
    assert not log_file().exists()  # opened on the first record only
    logging.getLogger("support_console.test").info("first")
    setup_logging("cli report")  # again: replaces its handler, never a second one
    logging.getLogger("support_console.test").warning("second")
    lines = log_file().read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert "[gui] INFO support_console.test: first" in lines[0]
    assert "[cli report] WARNING support_console.test: second" in lines[1]
    assert (log_dir().stat().st_mode & 0o777) == 0o700
    assert capsys.readouterr().err == "second\n"  # warnings are said on stderr too, bare


def test_a_job_run_from_the_command_line_logs_to_the_same_file(sqlite_url, capsys):
    assert main(["--db", sqlite_url, "jobs", "run", "update-support-workload-trackers",
                 "--now", "2026-11-30T10:00:00+00:00"]) == 0
    capsys.readouterr()
    text = log_file().read_text(encoding="utf-8")
    assert "[jobs run] INFO jobs.runner: job update-support-workload-trackers ok" in text


def test_a_log_folder_that_cannot_be_made_is_said_once_and_nothing_breaks(tmp_path, monkeypatch,
                                                                           capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    assert setup_logging("cli") is None
    assert "no log file" in capsys.readouterr().err
    logging.getLogger("support_console.test").error("still fine")
