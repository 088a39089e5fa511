"""What-if (docs/rules.md): `report NAME --policies FILE` answers as if the file's SLA policies
were stored, and writes nothing, on both databases, even when the report fails half-way."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_rules_cli import NOW, POLICY_HEADER, load, policy, run, write_csv
from test_rules_drilldown import AGENTS, POLICIES, mixed_items

OTHER_POLICIES = [policy("ticket", "high", response=180, resolution=60),
                  policy("ticket", "low", response=60),
                  policy("order", "medium", resolution=600)]
WHAT_IF_REPORTS = ["performance", "metrics", "performance-trends", "sla", "comparison",
                   "breaches", "at-risk"]


def dump(db_url: str) -> dict[str, list]:
    """Every row of every table, in a stable order."""
    engine = create_engine(db_url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {name: sorted(map(tuple, conn.execute(select(table))), key=repr)
                    for name, table in meta.tables.items()}
    finally:
        engine.dispose()


def answer(capsys, db_url, name, *extra):
    code, data, err = run(capsys, "--db", db_url, "report", name, "--days", "14",
                          "--now", NOW.isoformat(), *extra)
    assert code == 0, err
    return data


@pytest.fixture
def stored(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=AGENTS, items=mixed_items(), policies=POLICIES)
    return db_url


@pytest.fixture
def other_file(tmp_path):
    return write_csv(tmp_path / "other", "sla_policies.csv", POLICY_HEADER, OTHER_POLICIES)


@pytest.fixture
def reference(capsys, tmp_path):
    """The same data with the other policies really stored."""
    url = f"sqlite:///{tmp_path / 'reference.db'}"
    load(capsys, url, tmp_path / "ref", agents=AGENTS, items=mixed_items(),
         policies=OTHER_POLICIES)
    # an import is an upsert: the policies the other file does not name must go too
    code, _, err = run(capsys, "--db", url, "init")
    assert code == 0, err
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM sla_policies WHERE kind = 'dispute'")
    engine.dispose()
    return url


def test_every_report_answers_for_the_other_policies_and_nothing_is_written(
        capsys, stored, other_file, reference):
    before = dump(stored)
    for name in WHAT_IF_REPORTS:
        what_if = answer(capsys, stored, name, "--policies", other_file)
        assert what_if == answer(capsys, reference, name), name
    for figure in ("sla_tracked", "sla_breached", "resolved_on_time", "active_breaches",
                   "at_risk"):
        what_if = answer(capsys, stored, "items", "--figure", figure, "--policies", other_file)
        assert what_if == answer(capsys, reference, "items", "--figure", figure), figure
    assert answer(capsys, stored, "sla", "--policies", other_file) != answer(capsys, stored, "sla")
    assert dump(stored) == before


def test_an_agent_is_refused_and_nothing_is_written(capsys, stored, other_file):
    before = dump(stored)
    code, data, err = run(capsys, "--db", stored, "report", "sla", "--as", "a1",
                          "--policies", other_file)
    assert code == 3, err
    assert data is None and "permission denied" in err
    assert dump(stored) == before


def test_a_bad_file_is_bad_input_naming_the_line(capsys, stored, tmp_path):
    bad = write_csv(tmp_path / "bad", "sla_policies.csv", POLICY_HEADER,
                    [policy("ticket", "high", response=60), ["ticket", "extreme", "5", ""]])
    before = dump(stored)
    code, _, err = run(capsys, "--db", stored, "report", "sla", "--policies", bad)
    assert code == 2
    assert "line 3" in err and "priority" in err
    code, _, err = run(capsys, "--db", stored, "report", "sla", "--policies",
                       tmp_path / "missing.csv")
    assert code == 2 and "missing.csv" in err
    code, _, err = run(capsys, "--db", stored, "report", "workload", "--policies", bad)
    assert code == 2 and "workload" in err
    assert dump(stored) == before


def test_a_report_failing_half_way_writes_nothing(capsys, stored, other_file, monkeypatch):
    from core import reports

    real_sla = reports.REPORTS["sla"]

    def fails_after_reading(ctx):
        real_sla(ctx)  # the swapped policies are in place and have been read
        raise RuntimeError("the disk caught fire")

    stored_answer = answer(capsys, stored, "sla")
    before = dump(stored)
    monkeypatch.setitem(reports.REPORTS, "sla", fails_after_reading)
    code, data, err = run(capsys, "--db", stored, "report", "sla", "--policies", other_file)
    assert code == 1 and data is None and "the disk caught fire" in err
    monkeypatch.setitem(reports.REPORTS, "sla", real_sla)
    assert dump(stored) == before
    assert answer(capsys, stored, "sla") == stored_answer
