"""Black-box tests of SLA in business hours (rules.md: calendar, status history, SLA, At risk,
Import format) through the command line, on SQLite and PostgreSQL. Every expected instant
is worked out by hand beside it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.rules_helpers import (
    UTC,
    item,
    load,
    mentions_line,
    report,
    run,
    write_csv,
)

CALENDAR_HEADER = ["id", "time_zone", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
POLICY_HEADER = ["kind", "priority", "first_response_minutes", "resolution_minutes", "calendar"]
OFFICE = "09:00-12:30 13:30-18:00"
CALENDARS = [
    ["office", "Europe/Berlin", OFFICE, OFFICE, OFFICE, OFFICE, OFFICE, "", ""],
    ["night", "America/New_York", "22:00-24:00", "00:00-06:00 22:00-24:00",
     "00:00-06:00 22:00-24:00", "00:00-06:00 22:00-24:00", "00:00-06:00 22:00-24:00",
     "00:00-06:00", ""],
    ["berlin_sunday", "Europe/Berlin", "", "", "", "", "", "", "00:00-12:00"],
    ["berlin_dst", "Europe/Berlin", "", "", "", "", "", "", "02:30-04:00"],
    ["ny_sunday", "America/New_York", "", "", "", "", "", "", "00:00-12:00"],
    ["ny_dst", "America/New_York", "", "", "", "", "", "", "02:15-03:30"],
]
HOLIDAYS = [["office", "2024-03-29", "Good Friday"]]
POLICIES = [
    ["ticket", "medium", "60", "", "office"],
    ["ticket", "high", "120", "", "office"],
    ["ticket", "low", "600", "", "office"],
    ["dispute", "medium", "120", "", "night"],
    ["dispute", "high", "720", "", "berlin_sunday"],
    ["dispute", "low", "30", "", "berlin_dst"],
    ["order", "medium", "720", "", "ny_sunday"],
    ["order", "high", "15", "", "ny_dst"],
    ["order", "low", "60", "", ""],
    ["order", "urgent", "30", "", ""],
]


def t(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (item, its history, its expected first-response due instant; None: no due instant)
CASES = [
    (item("T1", t(2024, 3, 15, 18)), [], t(2024, 3, 18, 9)),  # Fri 19:00 CET: Mon 10:00 CET
    (item("T2", t(2024, 3, 18, 16)), [], t(2024, 3, 18, 17)),  # ends at closing, 18:00 CET
    (item("T3", t(2024, 3, 18, 11)), [], t(2024, 3, 18, 13)),  # 12:00: lunch, 14:00 CET
    # Thu 17:30 CET: 30 min, Good Friday, weekend, Mon 09:30 CEST (after the spring change).
    (item("T4", t(2024, 3, 28, 16, 30)), [], t(2024, 4, 1, 7, 30)),
    # Waiting at the creation instant (09:00 CET), open at 10:00: due 11:00 CET.
    (item("T5", t(2024, 3, 18, 8)), [("waiting", t(2024, 3, 18, 8)), ("open", t(2024, 3, 18, 9))],
     t(2024, 3, 18, 10)),
    # Waiting after 30 min and still waiting: no due instant, never breached.
    (item("T6", t(2024, 3, 18, 8), status="waiting"), [("waiting", t(2024, 3, 18, 8, 30))], None),
    # Mon 17:00 CET, waiting 17:30 to Tue 10:00 CET: 30 + 90 min, Tue 11:30 CET.
    (item("T7", t(2024, 3, 18, 16), priority="high", status="in_progress"),
     [("waiting", t(2024, 3, 18, 16, 30)), ("in_progress", t(2024, 3, 19, 9))],
     t(2024, 3, 19, 10, 30)),
    # 600 min: Mon 17-18 (60), Tue 09:00-12:30 (210), 13:30-18:00 (270), Wed 09-10 CET (60).
    (item("T8", t(2024, 3, 18, 16), priority="low"), [], t(2024, 3, 20, 9)),
    # Mon 23:00 EDT: one hour to midnight, one of Tuesday's early shift: 01:00 EDT.
    (item("D1", t(2024, 3, 19, 3), kind="dispute"), [], t(2024, 3, 19, 5)),
    # Sunday 2024-10-27 Berlin 00:00 CEST (22:00 UTC) - 12:00 CET (11:00 UTC) is 13 h open.
    (item("D2", t(2024, 10, 26, 22), kind="dispute", priority="high"), [], t(2024, 10, 27, 10)),
    # 02:30 skipped on 2024-03-31: read in CET, 01:30 UTC; 04:00 CEST is 02:00 UTC.
    (item("D3", t(2024, 3, 31), kind="dispute", priority="low"), [], t(2024, 3, 31, 2)),
    # 02:30 twice on 2024-10-27: the first one, 00:30 UTC; 30 min later.
    (item("D4", t(2024, 10, 27), kind="dispute", priority="low"), [], t(2024, 10, 27, 1)),
    # Sunday 2024-11-03 New York 00:00 EDT (04:00 UTC) - 12:00 EST (17:00 UTC).
    (item("O1", t(2024, 11, 3, 4), kind="order", priority="medium"), [], t(2024, 11, 3, 16)),
    # 02:15 skipped on 2024-03-10: read in EST, 07:15 UTC; 03:30 EDT is 07:30 UTC.
    (item("O2", t(2024, 3, 10, 5), kind="order", priority="high"), [], t(2024, 3, 10, 7, 30)),
    # No calendar, an hour waiting after 10 min: 60 + 60 min after creation.
    (item("O3", t(2024, 3, 18, 10), kind="order", priority="low", status="in_progress"),
     [("waiting", t(2024, 3, 18, 10, 10)), ("in_progress", t(2024, 3, 18, 11, 10))],
     t(2024, 3, 18, 12)),
    # No calendar, no history: created + minutes.
    (item("O4", t(2024, 3, 18, 10), kind="order", priority="urgent"), [], t(2024, 3, 18, 10, 30)),
]
LATER = t(2025, 1, 1)


def write_hours(folder: Path, *, calendars=CALENDARS, holidays=HOLIDAYS, policies=POLICIES,
                changes=None) -> None:
    write_csv(folder, "calendars.csv", CALENDAR_HEADER, calendars)
    write_csv(folder, "holidays.csv", ["calendar", "date", "name"], holidays)
    write_csv(folder, "sla_policies.csv", POLICY_HEADER, policies)
    if changes is None:
        changes = [[case[0]["id"], status, at.isoformat()] for case in CASES
                   for status, at in case[1]]
    write_csv(folder, "status_changes.csv", ["item_id", "status", "changed_at"], changes)


@pytest.fixture
def hours_db(capsys, db_url, tmp_path):
    folder = tmp_path / "hours"
    write_hours(folder)
    load(capsys, db_url, folder, items=[case[0] for case in CASES])
    return db_url


def breaches(capsys, db_url, now) -> dict[str, dict]:
    return {e["item_id"]: e for e in report(capsys, db_url, "breaches", now=now)["breaches"]}


def at_risk(capsys, db_url, now) -> dict[str, dict]:
    return {e["item_id"]: e for e in report(capsys, db_url, "at-risk", now=now)["items"]}


def test_every_due_instant_follows_the_rule(capsys, hours_db):
    listed = breaches(capsys, hours_db, LATER)
    for case, _history, expected in CASES:
        if expected is None:
            assert case["id"] not in listed
        else:
            entry = listed[case["id"]]
            assert datetime.fromisoformat(entry["due_at"]) == expected, case["id"]
            # Durations stay wall-clock: overdue from the due instant to now.
            assert entry["overdue_minutes"] == int((LATER - expected).total_seconds() // 60)


def test_exactly_at_the_due_instant_is_not_a_breach(capsys, hours_db):
    assert "T2" not in breaches(capsys, hours_db, t(2024, 3, 18, 17))
    assert "T2" in breaches(capsys, hours_db, t(2024, 3, 18, 17, 1))
    # After hours, a plain clock would call T1 late on Saturday; business hours do not.
    assert "T1" not in breaches(capsys, hours_db, t(2024, 3, 16, 10))


def test_at_risk_counts_business_minutes(capsys, hours_db):
    # T8: 80% of 600 min = 480 business minutes: 60 Mon + 210 + 210 on Tue, 17:00 CET.
    assert "T8" not in at_risk(capsys, hours_db, t(2024, 3, 19, 15, 59))
    entry = at_risk(capsys, hours_db, t(2024, 3, 19, 16))["T8"]
    assert entry["targets"] == ["first_response"]
    assert entry["overdue_minutes"] == -17 * 60  # wall-clock minutes to Wed 09:00 UTC
    # Paused for good: never at risk, whatever ran before.
    assert "T6" not in at_risk(capsys, hours_db, t(2024, 3, 18, 8, 29))
    assert "T6" not in at_risk(capsys, hours_db, t(2024, 3, 18, 9, 30))


def test_compliance_follows_the_due_instants(capsys, hours_db):
    # On Sat 2024-03-16 10:00 UTC, T1 (Fri 19:00 CET) is not late; O2 (due 2024-03-10) is.
    sla = report(capsys, hours_db, "sla", now=t(2024, 3, 16, 10))
    assert (sla["total_sla_tasks"], sla["breached_count"]) == (2, 1)
    # At LATER, 30 days window holds nothing: take 400 days. Every item but T6 is breached.
    sla = report(capsys, hours_db, "sla", now=LATER, days=400)
    assert (sla["total_sla_tasks"], sla["breached_count"]) == (len(CASES), len(CASES) - 1)


def test_a_policy_change_recomputes_exactly_the_affected_items(capsys, hours_db, tmp_path):
    folder = tmp_path / "policy"
    write_csv(folder, "sla_policies.csv", POLICY_HEADER, [["ticket", "medium", "60", "", ""]])
    code, _, err = run(capsys, "--db", hours_db, "import", folder)
    assert code == 0, err
    listed = breaches(capsys, hours_db, LATER)
    # T1 is now plain: created + 60 min; T7 (ticket/high) keeps its office-hours due.
    assert datetime.fromisoformat(listed["T1"]["due_at"]) == t(2024, 3, 15, 19)
    assert datetime.fromisoformat(listed["T7"]["due_at"]) == t(2024, 3, 19, 10, 30)
    # T5's pause is still honoured without the calendar: 60 min from 09:00 UTC.
    assert datetime.fromisoformat(listed["T5"]["due_at"]) == t(2024, 3, 18, 10)


def test_import_then_export_round_trips_the_new_files(capsys, hours_db, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert run(capsys, "--db", hours_db, "export", first)[0] == 0
    for name in ("calendars.csv", "holidays.csv", "status_changes.csv", "sla_policies.csv"):
        assert (first / name).is_file(), name
    header = (first / "sla_policies.csv").read_text().splitlines()[0]
    assert header == ",".join(POLICY_HEADER)
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert run(capsys, "--db", fresh, "init")[0] == 0
    assert run(capsys, "--db", fresh, "import", first)[0] == 0
    assert run(capsys, "--db", fresh, "export", second)[0] == 0
    for path in first.iterdir():
        assert (second / path.name).read_bytes() == path.read_bytes(), path.name


BAD = [
    ("calendars.csv", ["x", "Mars/Olympus", OFFICE, "", "", "", "", "", ""], "unknown time zone"),
    ("calendars.csv", ["x", "UTC", "9-17", "", "", "", "", "", ""], "malformed"),
    ("calendars.csv", ["x", "UTC", "17:00-09:00", "", "", "", "", "", ""], "ends before"),
    ("calendars.csv", ["x", "UTC", "09:00-12:00 11:00-13:00", "", "", "", "", "", ""], "overlap"),
    ("calendars.csv", ["x", "UTC", "", "", "", "", "", "", ""], "never open"),
    ("sla_policies.csv", ["ticket", "urgent", "10", "", "nowhere"], "unknown calendar"),
    ("holidays.csv", ["nowhere", "2024-12-25", "Christmas"], "unknown calendar"),
    ("holidays.csv", ["office", "2024-13-25", "Christmas"], "bad date"),
    ("status_changes.csv", ["NOPE", "open", "2024-03-18T10:00:00Z"], "unknown item"),
    ("status_changes.csv", ["O4", "pending", "2024-03-18T10:00:00Z"], "unknown status"),
    ("status_changes.csv", ["O4", "open", "2024-03-18T09:00:00Z"], "before"),
    ("status_changes.csv", ["O3", "in_progress", "2024-03-18T10:10:00Z"], "same instant"),
    ("status_changes.csv", ["O4", "waiting", "2024-03-18T10:05:00Z"], "ends with status"),
]


@pytest.mark.parametrize("name, row, reason", BAD, ids=[b[2] + "/" + b[0] for b in BAD])
def test_bad_rows_are_refused_with_file_line_and_reason(capsys, hours_db, tmp_path, name, row,
                                                       reason):
    before = report(capsys, hours_db, "breaches", now=LATER)
    folder = tmp_path / "bad"
    base = {"calendars.csv": CALENDARS, "holidays.csv": HOLIDAYS, "sla_policies.csv": POLICIES,
            "status_changes.csv": [[c[0]["id"], s, a.isoformat()] for c in CASES
                                   for s, a in c[1]]}
    rows = {key: list(value) for key, value in base.items()}
    rows[name] = rows[name] + [row]
    write_hours(folder, calendars=rows["calendars.csv"], holidays=rows["holidays.csv"],
                policies=rows["sla_policies.csv"], changes=rows["status_changes.csv"])
    code, _, err = run(capsys, "--db", hours_db, "import", folder)
    assert code == 2, err
    assert name in err and reason in err, err
    assert mentions_line(err, len(rows[name]) + 1), err
    assert "Traceback" not in err
    assert report(capsys, hours_db, "breaches", now=LATER) == before


def test_pause_statuses_setting_recomputes_every_stored_instant(capsys, hours_db, tmp_path,
                                                               monkeypatch):
    monkeypatch.setenv("SUPPORT_CONSOLE_PAUSE_STATUSES", "in_progress")
    folder = tmp_path / "nothing"
    write_csv(folder, "holidays.csv", ["calendar", "date", "name"], [])
    code, _, err = run(capsys, "--db", hours_db, "import", folder)
    assert code == 0, err
    listed = breaches(capsys, hours_db, LATER)
    # O3: waiting no longer pauses; in_progress from 11:10 does, for good, after 70 min.
    assert datetime.fromisoformat(listed["O3"]["due_at"]) == t(2024, 3, 18, 11)
    # T7: Mon 17-18 CET and Tue 09-10 CET make 120 min exactly when in_progress stops it.
    assert datetime.fromisoformat(listed["T7"]["due_at"]) == t(2024, 3, 19, 9)
    # T6 (waiting for good) runs again: office hours from 09:00 CET, due 10:00 CET.
    assert datetime.fromisoformat(listed["T6"]["due_at"]) == t(2024, 3, 18, 9)
    monkeypatch.setenv("SUPPORT_CONSOLE_PAUSE_STATUSES", "pending")
    code, _, err = run(capsys, "--db", hours_db, "import", folder)
    assert code == 2 and "pause_statuses" in err


def test_a_first_load_leaves_every_reference_sound_and_checked_after(capsys, sqlite_url,
                                                                      tmp_path):
    """The import skips SQLite's per-row foreign-key lookups (it checks every reference
    itself); the next transaction checks them again."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from core.db import make_engine, write_transaction
    from core.schema import status_changes

    folder = tmp_path / "hours"
    write_hours(folder)
    load(capsys, sqlite_url, folder, items=[case[0] for case in CASES])
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("SELECT count(*) FROM status_changes").scalar() == sum(
                len(case[1]) for case in CASES)
        with pytest.raises(IntegrityError), write_transaction(engine) as session:
            session.execute(insert(status_changes).values(item_id="nowhere", changed_at=0,
                                                          status="open"))
    finally:
        engine.dispose()


def test_recomputing_a_few_ids_at_a_time_gives_every_item_its_instants(hours_db,
                                                                        monkeypatch):
    """The walk reads the items and histories BATCH ids at a time (on PostgreSQL as one
    range of ids): with batches of two, wrong stored instants are all put right, none
    skipped, none taken twice."""
    from sqlalchemy import select, update

    import core.due_store
    from core.db import make_engine
    from core.schema import items

    engine = make_engine(hours_db)
    due = [items.c[name] for name in core.due_store.DUE_COLUMNS]
    stored = select(items.c.id, *due).order_by(items.c.id)
    try:
        with engine.begin() as conn:
            right = conn.execute(stored).all()
            assert sum(row[1] is not None for row in right) > 4  # several walked items
            conn.execute(update(items).values({column.name: 1 for column in due}))
            monkeypatch.setattr(core.due_store, "BATCH", 2)
            sqlite = conn.dialect.name == "sqlite"
            cache = conn.exec_driver_sql("PRAGMA cache_size").scalar() if sqlite else None
            assert core.due_store.recompute_due(conn) == len(right)
            assert conn.execute(stored).all() == right
            if sqlite:  # the larger page cache of the walk is given back
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == cache
            conn.rollback()
    finally:
        engine.dispose()
