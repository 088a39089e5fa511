"""The benchmark at a tiny size, and the bulk-import path it relies on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

import core.bulk
from core.csv_reading import ImportFailed
from core.db import ensure_schema, make_engine
from core.demo import load_demo
from core.exporter import export_folder
from core.importer import import_folder
from core.schema import items

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-30T12:00:00+00:00"


def test_benchmark_smoke_run_prints_the_table_and_matches_the_floor(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--items", "2000", "--agents", "12",
         "--out", str(out), "--repeat", "1", "--skip", "jobs,gui",
         "--json", str(tmp_path / "result.json")],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    text = result.stdout
    assert "2,000 items, 12 agents" in text
    for task in ("floor", "import (support-console import)", "report comparison",
                 "report breaches", "report workload", "report imports (python -X importtime)"):
        assert task in text, task
    rows = json.loads((tmp_path / "result.json").read_text())[0]["rows"]
    comparison = next(r for r in rows if r["task"] == "report comparison")
    assert "same answer: yes" in comparison["note"], comparison["note"]
    assert comparison["floor"] and comparison["seconds"] and comparison["ratio"]
    imports = next(r for r in rows if r["task"] == "report imports (python -X importtime)")
    assert imports["ok"] is True, imports["note"]
    failed = [r for r in rows if r["note"].startswith("failed")]
    assert not failed, failed
    items = next(r for r in rows if r["task"] == "report items --figure sla_breached")
    assert "same rows: yes" in items["note"] and items["floor"], items["note"]
    assert any(r["task"] == "report sla --policies (what-if)" and r["seconds"] for r in rows)


@pytest.fixture
def floor_and_console(tmp_path, capsys):
    """One small data set loaded by the floor and by the console: (floor db, console url)."""
    sys.path.insert(0, str(ROOT))
    from benchmarks import floor
    from benchmarks.datagen import write_dataset
    from cli.main import main
    from core.timeutil import parse_now

    data = tmp_path / "data"
    write_dataset(data, items=3000, agents=15, seed=3, now_us=parse_now(NOW))
    floor.load(str(data), str(tmp_path / "floor.db"))
    url = f"sqlite:///{tmp_path / 'sc.db'}"
    assert main(["--db", url, "import", str(data)]) == 0
    capsys.readouterr()
    return str(tmp_path / "floor.db"), url


def test_floor_comparison_equals_the_report(floor_and_console, capsys):
    """The floor's one SQL statement and `report comparison` agree row for row."""
    from benchmarks import floor
    from benchmarks.run import same_comparison
    from cli.main import main

    floor_db, url = floor_and_console
    for days in ("7", "30", "90"):
        assert main(["--db", url, "report", "comparison", "--now", NOW, "--days", days]) == 0
        report = json.loads(capsys.readouterr().out)
        expected = floor.comparison(floor_db, NOW, days)
        equal, detail = same_comparison(report, expected)
        assert equal, detail
        assert len(report["agents"]) == 15


def test_floor_sla_breached_statement_lists_the_report_items(floor_and_console, capsys):
    """The floor's one statement and `report items --figure sla_breached` list the same rows."""
    from benchmarks import floor
    from cli.main import main

    floor_db, url = floor_and_console
    assert main(["--db", url, "report", "items", "--figure", "sla_breached", "--now", NOW]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["count"] > 0
    assert report == floor.sla_breached_items(floor_db, NOW)


def _index_definitions(engine) -> dict[str, list[str]]:
    return {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("items")}


def _foreign_keys(engine) -> list[dict]:
    """The foreign keys of the tables a bulk import loads (PostgreSQL drops and re-adds them)."""
    inspector = inspect(engine)
    return sorted((key for table in ("items", "status_changes")
                   for key in inspector.get_foreign_keys(table)), key=lambda key: key["name"])


@pytest.fixture
def bulk_always(monkeypatch):
    """Take the very-large-import path (indexes dropped and rebuilt) even for a few rows."""
    monkeypatch.setattr(core.bulk, "BULK_MIN_ROWS", 0)


def test_bulk_import_rebuilds_the_same_indexes_and_rows(tmp_path, bulk_always, db_url):
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    ensure_schema(source)
    load_demo(source, agents=6, items=500, seed=5)
    export_folder(source, tmp_path / "csv")

    target = make_engine(db_url)  # empty: on PostgreSQL the rows are COPYed straight in
    ensure_schema(target)
    before = _index_definitions(target)
    assert before == {ix.name: [c.name for c in ix.columns] for ix in items.indexes}
    keys = _foreign_keys(target)
    assert {key["name"] for key in keys} == {"fk_items_assignee_id_agents",
                                             "fk_status_changes_item_id_items"}
    assert import_folder(target, tmp_path / "csv")["items"] == 500
    assert _index_definitions(target) == before
    assert _foreign_keys(target) == keys
    export_folder(target, tmp_path / "back")
    for name in ("items.csv", "agents.csv", "sla_policies.csv"):
        assert (tmp_path / "back" / name).read_text() == (tmp_path / "csv" / name).read_text()
    # A second bulk import over the same rows (an upsert) changes nothing.
    import_folder(target, tmp_path / "csv")
    assert _foreign_keys(target) == keys
    export_folder(target, tmp_path / "again")
    assert (tmp_path / "again" / "items.csv").read_text() == \
        (tmp_path / "csv" / "items.csv").read_text()
    target.dispose()
    source.dispose()


def test_refused_bulk_import_keeps_the_indexes_and_writes_nothing(tmp_path, bulk_always,
                                                                  db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    load_demo(engine, agents=4, items=50, seed=1)
    export_folder(engine, tmp_path / "before")
    folder = tmp_path / "bad"
    folder.mkdir()
    lines = (tmp_path / "before" / "items.csv").read_text().splitlines()
    lines.append("X1,ticket,s,low,open,nobody,2026-11-01T00:00:00+00:00,,")
    (folder / "items.csv").write_text("\n".join(lines) + "\n")
    indexes = _index_definitions(engine)
    with pytest.raises(ImportFailed) as refused:
        import_folder(engine, folder)
    assert "items.csv line" in str(refused.value) and "'nobody' is not an agent" in str(refused.value)
    assert _index_definitions(engine) == indexes
    export_folder(engine, tmp_path / "after")
    assert (tmp_path / "after" / "items.csv").read_text() == \
        (tmp_path / "before" / "items.csv").read_text()
    engine.dispose()


def test_refused_first_bulk_import_leaves_the_table_empty(tmp_path, bulk_always, db_url):
    """The straight-in path (an empty table) is all or nothing too."""
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    ensure_schema(source)
    load_demo(source, agents=4, items=300, seed=2)
    export_folder(source, tmp_path / "csv")
    lines = (tmp_path / "csv" / "items.csv").read_text().splitlines()
    lines.append(lines[1])  # a duplicate id at the very end, after every batch was sent
    (tmp_path / "csv" / "items.csv").write_text("\n".join(lines) + "\n")
    engine = make_engine(db_url)
    ensure_schema(engine)
    keys = _foreign_keys(engine)
    with pytest.raises(ImportFailed, match="appears twice"):
        import_folder(engine, tmp_path / "csv")
    assert _foreign_keys(engine) == keys
    with engine.connect() as conn:
        assert conn.execute(items.select()).first() is None
    assert _index_definitions(engine) == {ix.name: [c.name for c in ix.columns]
                                          for ix in items.indexes}
    engine.dispose()
    source.dispose()


def test_fast_item_path_reads_what_the_general_parser_reads(tmp_path):
    """Rows off the fast path (naive times, blanks around values) give the same values."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    ensure_schema(engine)
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "agents.csv").write_text(
        "id,name,email,role,active,last_activity_at,max_open\n"
        "a1,Ann,a1@example.com,agent,true,2026-11-30T10:00:00Z,\n")
    (folder / "items.csv").write_text(
        "id,kind,subject,priority,status,assignee,created_at,first_response_at,resolved_at\n"
        "T1,ticket,fast,high,resolved,a1,2026-11-01T10:00:00+00:00,"
        "2026-11-01T10:30:00.250000+00:00,2026-11-01T12:00:00+00:00\n"
        "T2,ticket,naive, low ,open, a1 ,2026-11-01T10:00:00,,\n"
        " T3 ,order,zone,urgent, closed,,2026-11-01T10:00:00+01:00, 2026-11-01T10:05:00+01:00 ,"
        "2026-11-01T11:00:00Z\n")
    import_folder(engine, folder, "Europe/Berlin")
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(items.select())}
    assert rows["T1"].first_response_at - rows["T1"].created_at == 30 * 60_000_000 + 250_000
    assert rows["T2"].priority == "low" and rows["T2"].assignee_id == "a1"
    # Naive: read in the import's zone (Berlin, UTC+1 in November).
    assert rows["T2"].created_at == rows["T1"].created_at - 3600 * 1_000_000
    assert rows["T3"].status == "closed" and rows["T3"].assignee_id is None
    assert rows["T3"].first_response_at - rows["T3"].created_at == 5 * 60_000_000
