"""What-if (docs/rules.md): `report NAME --policies FILE` answers as if the file's SLA policies
were stored, and writes nothing, on both databases, even when the report fails half-way."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, create_engine, select

from tests.drilldown_data import AGENTS, POLICIES, mixed_items
from tests.rules_helpers import NOW, POLICY_HEADER, load, policy, run, write_csv

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


def test_the_policy_preview_gives_before_and_after_per_kind_and_priority(stored, other_file):
    from core.db import make_engine, read_scope
    from core.errors import PermissionDenied
    from core.timeutil import to_us, zone
    from core.what_if import preview_policies
    from core.window import Window

    before_dump = dump(stored)
    engine = make_engine(stored)
    try:
        with read_scope(engine) as conn:
            window = Window(to_us(NOW), 14, zone("UTC"))
            preview = preview_policies(conn, window, other_file)
            with pytest.raises(PermissionDenied):
                preview_policies(conn, window, other_file, actor_id="a1")
    finally:
        engine.dispose()
    before, after = preview["before"], preview["after"]
    # stored: ticket/high t1 t2 t3 t4 (breached t2 t3), dispute/urgent d1 d2; t6 active.
    assert before["groups"][("ticket", "high")] == {
        "tracked": 4, "breached": 2, "active_breaches": 2, "compliance_rate_percent": 50.0}
    assert before["groups"][("dispute", "urgent")]["tracked"] == 2
    assert before["total"]["tracked"] == 6 and before["total"]["breached"] == 2
    # other: ticket/high resolution 60 min: t1 (4 h) t2 (5 h) t3 t4 t6 open -> all breached;
    # ticket/low t5 (open a day, no response after 60 min) breached; no dispute policy.
    assert after["groups"][("ticket", "high")] == {
        "tracked": 4, "breached": 4, "active_breaches": 3, "compliance_rate_percent": 0.0}
    assert after["groups"][("ticket", "low")]["breached"] == 1
    assert ("dispute", "urgent") not in after["groups"]
    # order/medium within 600 min: o1 resolved after a day
    assert after["groups"][("order", "medium")] == {
        "tracked": 1, "breached": 1, "active_breaches": 0, "compliance_rate_percent": 0.0}
    assert after["total"] == {"tracked": 6, "breached": 6, "active_breaches": 4,
                              "compliance_rate_percent": 0.0}
    assert dump(stored) == before_dump
