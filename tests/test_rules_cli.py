"""Black-box tests of the command line (docs/rules.md).

These tests are written from the contract only: they drive `cli.main.main` in-process
with CSV folders and read the JSON it prints. Every expected number is worked out by
hand in a comment beside it.
"""

from __future__ import annotations

import gc
import sqlite3
import warnings

import pytest

from tests.rules_helpers import (
    NOW,
    D,
    agent,
    item,
    load,
    report,
    run_raw,
    ts,
)

# ================================================================ usage errors

@pytest.fixture
def loaded(capsys, db_url, tmp_path):
    """A small valid database: two agents, one ticket."""
    load(capsys, db_url, tmp_path / "base",
         agents=[agent("a1"), agent("lead1", "lead")],
         items=[item("i1", NOW - D, assignee="a1")])
    return db_url


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(["performance", "--days", "-5"], id="negative-days"),
        pytest.param(["velocity"], id="unknown-report"),
        pytest.param(["performance", "--now", "yesterday"], id="bad-now-text"),
        pytest.param(["performance", "--now", "2024-13-01T00:00:00+00:00"], id="bad-now-month"),
        pytest.param(["performance", "--tz", "Mars/Olympus"], id="bad-tz"),
    ],
)
def test_bad_report_arguments_exit_2_with_reason(capsys, loaded, extra):
    argv = ["--db", loaded, "report", *extra]
    if "--now" not in extra:
        argv += ["--now", ts(NOW)]
    code, out, err = run_raw(capsys, *argv)
    assert code == 2
    assert out.strip() == ""
    assert err.strip(), "the reason must be on stderr"
    assert "Traceback" not in err


@pytest.mark.parametrize(("extra", "said"), [
    (["report", "performance", "--days", "0"], "--days: the window must be between 1 and"),
    (["report", "performance", "--agent", "nobody"], "--agent: no agent with id 'nobody'"),
    (["report", "performance", "--now", "yesterday"], "--now: the clock: not an ISO 8601"),
])
def test_core_speaks_of_the_domain_and_the_command_line_names_its_option(
        capsys, loaded, extra, said):
    code, _out, err = run_raw(capsys, "--db", loaded, *extra)
    assert code == 2 and f"support-console: {said}" in err, err


def test_a_bad_database_url_names_the_option(capsys, tmp_path):
    code, _out, err = run_raw(capsys, "--db", "mysql://h/d", "init")
    assert code == 2 and "--db: unsupported database 'mysql'" in err, err


def test_good_arguments_work_on_the_same_database(capsys, loaded):
    # Control for the test above: the same database answers a valid report.
    data = report(capsys, loaded, "performance")
    assert data["tickets_handled"] == 1  # i1, created NOW-1d, is in the 30-day window


def test_import_of_a_missing_folder_exits_2(capsys, loaded, tmp_path):
    code, out, err = run_raw(capsys, "--db", loaded, "import", tmp_path / "no-such-folder", "--tz", "UTC")
    assert code == 2
    assert err.strip()
    assert "Traceback" not in err
    assert report(capsys, loaded, "performance")["tickets_handled"] == 1  # unchanged


@pytest.mark.parametrize("command", [["init"], ["report", "performance", "--now", ts(NOW)]])
def test_a_file_that_is_not_a_database_exits_1_with_one_line(capsys, tmp_path, command):
    textfile = tmp_path / "notes.txt"
    textfile.write_text("These are my notes, not a database.\n" * 200, encoding="utf-8")
    code, out, err = run_raw(capsys, "--db", f"sqlite:///{textfile}", *command)
    assert code == 1
    assert out.strip() == ""
    assert "Traceback" not in err
    reason = err.strip()
    assert reason, "a one-line reason is required"
    assert "\n" not in reason, f"expected one line, got: {err!r}"


# ================================================================ resources

def _open_connections() -> dict[int, object]:
    """DB-API connections (sqlite3, psycopg) that are still open, by id."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a test dependency
        psycopg = None
    found = {}
    for obj in gc.get_objects():
        if isinstance(obj, sqlite3.Connection):
            try:
                obj.total_changes  # raises on a closed connection
            except sqlite3.ProgrammingError:
                continue
            found[id(obj)] = obj
        elif psycopg is not None and isinstance(obj, psycopg.Connection) and not obj.closed:
            found[id(obj)] = obj
    return found


def test_main_closes_its_database_connections(capsys, db_url, tmp_path):
    # main() is called in-process by scripts and checks: when it returns, the connections it
    # opened must be closed, not left to the garbage collector (psycopg then warns
    # "ResourceWarning: ... was deleted while still open").
    gc.collect()
    before = set(_open_connections())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load(capsys, db_url, tmp_path / "in", agents=[agent("a1")], items=[item("i1", NOW - D)])
        report(capsys, db_url, "performance")
        leaked = [repr(c) for i, c in _open_connections().items() if i not in before]
        gc.collect()
    for connection in _open_connections().values():  # keep later tests free of our leftovers
        if id(connection) not in before:
            connection.close()
    assert leaked == [], f"{len(leaked)} connection(s) still open after main() returned"
    resource = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert resource == []
