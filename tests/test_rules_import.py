"""Black-box tests of import and export (docs/rules.md, "Import format")."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

# tests/ is not a package and conftest.py is not ours: make the shared helpers importable
# whatever pytest's import mode is.
from tests.rules_helpers import (
    AGENT_HEADER,
    ITEM_HEADER,
    NOW,
    POLICY_HEADER,
    UTC,
    agent,
    item,
    load,
    mentions_line,
    policy,
    read_csv,
    report,
    run,
    run_raw,
    write_csv,
    write_folder,
)

TIME_COLUMNS = {"last_activity_at", "created_at", "first_response_at", "resolved_at"}
INT_COLUMNS = {"max_open", "first_response_minutes", "resolution_minutes"}
FILES = {
    "agents.csv": (AGENT_HEADER + ["team"], ("id",)),
    "items.csv": (ITEM_HEADER + ["team"], ("id",)),
    "sla_policies.csv": (POLICY_HEADER, ("kind", "priority")),
}


def normal(column: str, value: str):
    """A cell as a comparable value: times as UTC instants, numbers as ints, booleans lower case."""
    if value == "":
        return ""
    if column in TIME_COLUMNS:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:  # export writes UTC
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    if column in INT_COLUMNS:
        return int(value)
    if column == "active":
        return value.lower()
    return value


def table(folder: Path, name: str) -> dict:
    """The rows of an exported (or written) CSV file, keyed like the upsert."""
    header, key = FILES[name]
    found_header, rows = read_csv(folder / name)
    # A written file may leave out the optional team column (read as empty); export writes it.
    assert found_header in (header, [c for c in header if c != "team"]), f"{name} header"
    result = {}
    for row in rows:
        k = tuple(row[c] for c in key)
        assert k not in result, f"duplicate {k} in {name}"
        result[k] = {c: normal(c, row.get(c, "")) for c in header}
    return result


def export(capsys, db_url, folder: Path) -> dict:
    code, _, err = run(capsys, "--db", db_url, "export", folder)
    assert code == 0, err
    return {name: table(folder, name) for name in FILES}


# ================================================================ round trip and upsert

ROUND_TRIP_AGENTS = [
    agent("a1", max_open=5, last_activity="2024-03-01T10:00:00+02:00"),
    agent("a2", active=False),
    agent("lead1", "lead", last_activity="2024-03-01T08:00:00Z"),
    agent("adm1", "admin", name="Zoë Ädmin, Sr.", max_open=0),
]
ROUND_TRIP_ITEMS = [
    item("i1", "2024-03-01T09:00:00+01:00", priority="high", assignee="a1",
         subject='Refund, "urgent" – café'),
    item("i2", "2024-03-02T10:00:00", kind="dispute", priority="low", status="waiting",
         first_response="2024-03-02T11:30:00"),  # no offset: read in --tz UTC
    item("i3", "2024-03-03T10:00:00+00:00", kind="order", priority="urgent", status="closed",
         assignee="lead1", first_response="2024-03-03T10:05:00+00:00",
         resolved="2024-03-04T10:00:00-05:00"),
    item("i4", "2024-03-04T10:00:00+00:00", status="in_progress", assignee="a2"),
    item("i5", "2024-03-05T10:00:00+00:00", resolved="2024-03-05T12:00:00+00:00"),
]
ROUND_TRIP_POLICIES = [
    policy("ticket", "high", response=60, resolution=480),
    policy("dispute", "low", resolution=1440),
    policy("order", "urgent", response=30),
]


def test_import_then_export_gives_the_same_rows(capsys, db_url, tmp_path):
    source = tmp_path / "in"
    load(capsys, db_url, source, agents=ROUND_TRIP_AGENTS, items=ROUND_TRIP_ITEMS,
         policies=ROUND_TRIP_POLICIES)
    exported = export(capsys, db_url, tmp_path / "out")
    for name in FILES:
        assert exported[name] == table(source, name), name


def test_export_is_importable_and_stable(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=ROUND_TRIP_AGENTS, items=ROUND_TRIP_ITEMS,
         policies=ROUND_TRIP_POLICIES)
    first = export(capsys, db_url, tmp_path / "out1")
    code, _, err = run(capsys, "--db", db_url, "import", tmp_path / "out1", "--tz", "UTC")
    assert code == 0, err
    assert export(capsys, db_url, tmp_path / "out2") == first


def test_times_without_offset_are_read_in_the_import_time_zone(capsys, db_url, tmp_path):
    items = [
        item("n1", "2024-01-10T09:00:00"),  # EST: 14:00Z
        item("n2", "2024-07-10T09:00:00"),  # EDT: 13:00Z
        item("n3", "2024-07-10T09:00:00+00:00"),  # explicit offset wins
    ]
    load(capsys, db_url, tmp_path / "in", items=items, tz="America/New_York")
    rows = export(capsys, db_url, tmp_path / "out")["items.csv"]
    assert rows[("n1",)]["created_at"] == datetime(2024, 1, 10, 14, tzinfo=UTC)
    assert rows[("n2",)]["created_at"] == datetime(2024, 7, 10, 13, tzinfo=UTC)
    assert rows[("n3",)]["created_at"] == datetime(2024, 7, 10, 9, tzinfo=UTC)


def test_import_is_an_upsert(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in1", agents=ROUND_TRIP_AGENTS, items=ROUND_TRIP_ITEMS,
         policies=ROUND_TRIP_POLICIES)
    write_folder(
        tmp_path / "in2",
        agents=[agent("a1", name="Renamed One", max_open=7)],
        items=[
            item("i1", "2024-03-01T09:00:00+01:00", priority="high", assignee="a2",
                 subject="changed subject", status="resolved",
                 first_response="2024-03-01T09:10:00+01:00", resolved="2024-03-01T12:00:00+01:00"),
            item("i6", "2024-03-06T10:00:00+00:00", kind="order"),
        ],
        policies=[policy("ticket", "high", response=90, resolution=480)],
    )
    code, _, err = run(capsys, "--db", db_url, "import", tmp_path / "in2", "--tz", "UTC")
    assert code == 0, err
    out = export(capsys, db_url, tmp_path / "out")

    assert len(out["agents.csv"]) == 4  # updated, not duplicated
    assert out["agents.csv"][("a1",)]["name"] == "Renamed One"
    assert out["agents.csv"][("a1",)]["max_open"] == 7
    assert out["agents.csv"][("lead1",)]["name"] == "Agent lead1"  # untouched

    assert set(out["items.csv"]) == {("i1",), ("i2",), ("i3",), ("i4",), ("i5",), ("i6",)}
    i1 = out["items.csv"][("i1",)]
    assert i1["subject"] == "changed subject"
    assert i1["assignee"] == "a2"
    assert i1["status"] == "resolved"
    assert i1["resolved_at"] == datetime(2024, 3, 1, 11, tzinfo=UTC)
    assert out["items.csv"][("i2",)]["subject"] == "subject i2"  # untouched

    assert len(out["sla_policies.csv"]) == 3  # upsert by (kind, priority)
    assert out["sla_policies.csv"][("ticket", "high")]["first_response_minutes"] == 90


# ================================================================ bad input: nothing written

BASE_AGENTS = [agent("a1"), agent("a2")]
BASE_ITEMS = [item("i1", "2024-03-01T10:00:00+00:00", priority="high", assignee="a1")]
BASE_POLICIES = [policy("ticket", "high", response=60, resolution=480)]


@pytest.fixture
def base_db(capsys, db_url, tmp_path):
    """A loaded database and its export, to check that a failed import changes nothing."""
    load(capsys, db_url, tmp_path / "base", agents=BASE_AGENTS, items=BASE_ITEMS,
         policies=BASE_POLICIES)
    return db_url, export(capsys, db_url, tmp_path / "before")


def assert_unchanged(capsys, db_url, tmp_path, before):
    assert export(capsys, db_url, tmp_path / "after") == before
    # i1 (created NOW-14d) is the only ticket; the bad folders also carry a valid new ticket
    # i7 created at NOW-1h, which must not have been written.
    assert report(capsys, db_url, "performance", now=NOW)["tickets_handled"] == 1
    assert report(capsys, db_url, "performance", now=NOW, days=1)["tickets_handled"] == 0


GOOD_NEW_ITEM = item("i7", "2024-03-15T11:00:00+00:00", assignee="a1")  # NOW-1h
BAD_ITEM_BASE = dict(item("i5", "2024-03-02T10:00:00+00:00", assignee="a1"))

BAD_ITEMS = {
    "unknown-kind": {"kind": "incident"},
    "unknown-priority": {"priority": "critical"},
    "unknown-status": {"status": "done"},
    "impossible-date": {"created_at": "2024-02-30T10:00:00+00:00"},
    "bad-time-text": {"first_response_at": "soon"},
    "unknown-assignee": {"assignee": "ghost"},
    "resolved-without-resolved-at": {"status": "resolved"},
    "closed-without-resolved-at": {"status": "closed"},
    "open-with-resolved-at": {"resolved_at": "2024-03-03T10:00:00+00:00"},
    "first-response-before-creation": {"first_response_at": "2024-03-02T09:59:00+00:00"},
}
BAD_AGENTS = {
    "bad-boolean": {"active": "yes"},
    "unknown-role": {"role": "boss"},
    "bad-last-activity": {"last_activity_at": "yesterday"},
    "bad-max-open": {"max_open": "many"},
}
BAD_POLICIES = {
    "policy-unknown-kind": {"kind": "incident"},
    "policy-unknown-priority": {"priority": "critical"},
    "policy-bad-minutes": {"first_response_minutes": "abc"},
}


def bad_folder(folder: Path, target: str, override: dict) -> Path:
    """A folder with valid changes everywhere and one bad row on line 3 of `target`.

    Line 1 is the header, line 2 a valid row, line 3 the bad row, line 4 a valid row.
    """
    agents = [agent("a1", name="Renamed"), dict(agent("a9")), agent("a8")]
    items = [dict(item("i1", "2024-03-01T10:00:00+00:00", priority="high", assignee="a1",
                       subject="changed")), dict(BAD_ITEM_BASE), GOOD_NEW_ITEM]
    policies = [policy("ticket", "high", response=5, resolution=10), policy("dispute", "low", 60, 120),
                policy("order", "low", 30, 60)]
    rows = {"agents.csv": agents, "items.csv": items, "sla_policies.csv": policies}[target]
    rows[1] = {**rows[1], **override}
    return write_folder(folder, agents=agents, items=items, policies=policies)


CASES = (
    [pytest.param("items.csv", o, id=k) for k, o in BAD_ITEMS.items()]
    + [pytest.param("agents.csv", o, id=k) for k, o in BAD_AGENTS.items()]
    + [pytest.param("sla_policies.csv", o, id=k) for k, o in BAD_POLICIES.items()]
)


@pytest.mark.parametrize("target, override", CASES)
def test_a_bad_row_is_reported_and_nothing_is_written(capsys, base_db, tmp_path, target, override):
    db_url, before = base_db
    folder = bad_folder(tmp_path / "bad", target, override)
    code, out, err = run_raw(capsys, "--db", db_url, "import", folder, "--tz", "UTC")
    assert code == 2
    assert "Traceback" not in err
    assert target in err, f"the file must be named: {err!r}"
    assert mentions_line(err, 3), f"line 3 must be named: {err!r}"
    assert_unchanged(capsys, db_url, tmp_path, before)


def test_the_valid_changes_alone_are_accepted(capsys, base_db, tmp_path):
    # Control for the test above: without the bad row, the same folder imports and changes data.
    db_url, before = base_db
    folder = bad_folder(tmp_path / "good", "items.csv", {})
    code, _, err = run(capsys, "--db", db_url, "import", folder, "--tz", "UTC")
    assert code == 0, err
    after = export(capsys, db_url, tmp_path / "after")
    assert after != before
    assert after["items.csv"][("i1",)]["subject"] == "changed"
    assert report(capsys, db_url, "performance", days=1)["tickets_handled"] == 1  # i7


def test_every_bad_row_is_reported(capsys, base_db, tmp_path):
    db_url, before = base_db
    items = [
        item("g1", "2024-03-02T10:00:00+00:00"),                    # line 2: good
        item("x1", "2024-03-02T10:00:00+00:00", kind="incident"),   # line 3: bad kind
        item("g2", "2024-03-02T10:00:00+00:00"),                    # line 4: good
        item("x2", "2024-03-02T10:00:00+00:00", assignee="ghost"),  # line 5: unknown assignee
    ]
    write_folder(tmp_path / "bad", items=items)
    code, _, err = run_raw(capsys, "--db", db_url, "import", tmp_path / "bad", "--tz", "UTC")
    assert code == 2
    assert "items.csv" in err
    assert mentions_line(err, 3) and mentions_line(err, 5), err
    assert not mentions_line(err, 2) and not mentions_line(err, 4), err
    assert_unchanged(capsys, db_url, tmp_path, before)


def test_at_least_fifty_bad_rows_are_reported(capsys, base_db, tmp_path):
    db_url, before = base_db
    items = [item(f"x{n:02d}", "2024-03-02T10:00:00+00:00", kind="incident") for n in range(60)]
    write_folder(tmp_path / "bad", items=items)
    code, _, err = run_raw(capsys, "--db", db_url, "import", tmp_path / "bad", "--tz", "UTC")
    assert code == 2
    missing = [line for line in range(2, 52) if not mentions_line(err, line)]
    assert not missing, f"lines not reported: {missing}"
    assert_unchanged(capsys, db_url, tmp_path, before)


@pytest.mark.parametrize("name, header, missing", [
    ("items.csv", [c for c in ITEM_HEADER if c != "priority"], "priority"),
    ("agents.csv", [c for c in AGENT_HEADER if c != "role"], "role"),
])
def test_a_missing_column_is_reported(capsys, base_db, tmp_path, name, header, missing):
    db_url, before = base_db
    rows = {"items.csv": [GOOD_NEW_ITEM], "agents.csv": [agent("a9")]}[name]
    write_csv(tmp_path / "bad", name, header, rows)
    code, _, err = run_raw(capsys, "--db", db_url, "import", tmp_path / "bad", "--tz", "UTC")
    assert code == 2
    assert "Traceback" not in err
    assert name in err
    assert missing in err
    assert_unchanged(capsys, db_url, tmp_path, before)


def test_a_binary_file_is_refused(capsys, base_db, tmp_path):
    db_url, before = base_db
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "items.csv").write_bytes(b"id,kind\n\x00\xff\xfe" + bytes(range(256)) * 8 + b"\x00\n")
    code, _, err = run_raw(capsys, "--db", db_url, "import", folder, "--tz", "UTC")
    assert code == 2
    assert "Traceback" not in err
    assert "items.csv" in err
    assert_unchanged(capsys, db_url, tmp_path, before)


def test_a_missing_folder_is_refused(capsys, base_db, tmp_path):
    db_url, before = base_db
    code, _, err = run_raw(capsys, "--db", db_url, "import", tmp_path / "nowhere", "--tz", "UTC")
    assert code == 2
    assert err.strip()
    assert "Traceback" not in err
    assert_unchanged(capsys, db_url, tmp_path, before)
