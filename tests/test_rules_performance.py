"""Black-box tests of performance, metrics, trends, comparison and workload (docs/rules.md)."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

# tests/ is not a package and conftest.py is not ours: make the shared helpers importable
# whatever pytest's import mode is.
from tests.rules_helpers import (
    METRICS_FIELDS,
    NOW,
    PERFORMANCE_FIELDS,
    UTC,
    D,
    H,
    M,
    S,
    agent,
    hours,
    item,
    load,
    pct,
    policy,
    report,
)


def score(r, s_hours, c):
    """score = 100*(0.4R + 0.3S + 0.3C); S from the mean response in hours (None -> 0), C None -> 1."""
    s = 0.0 if s_hours is None else max(0.0, 1 - s_hours / 24)
    c = 1.0 if c is None else c
    return 100 * (0.4 * r + 0.3 * s + 0.3 * c)


# ================================================================ performance and metrics

PERF_AGENTS = [agent("a1"), agent("a2"), agent("a3"), agent("lead1", "lead")]
PERF_POLICIES = [policy("ticket", "high", response=60, resolution=480)]


def perf_items():
    return [
        # p1: a1, in window, response +30m, resolved +4h: tracked, on time.
        item("p1", NOW - 10 * D, priority="high", assignee="a1",
             first_response=NOW - 10 * D + 30 * M, resolved=NOW - 10 * D + 4 * H),
        # p2: a1, response +2h (late: breached), closed +10h.
        item("p2", NOW - 5 * D, priority="high", assignee="a1", status="closed",
             first_response=NOW - 5 * D + 2 * H, resolved=NOW - 5 * D + 10 * H),
        # p3: a1, created exactly at now: in the window; no policy, open, no response.
        item("p3", NOW, priority="medium", assignee="a1"),
        # p4: a1, created exactly at now - 30d: OUT of the window (would be breached).
        item("p4", NOW - 30 * D, priority="high", assignee="a1"),
        # p5: a1, a dispute: not a ticket, never handled.
        item("p5", NOW - D, kind="dispute", priority="high", assignee="a1",
             first_response=NOW - D + 5 * M, resolved=NOW - D + H),
        # p6: a1, created after now: OUT.
        item("p6", NOW + H, priority="medium", assignee="a1"),
        # p7: a1, created 1s after the window start: in; open, no response -> tracked, breached.
        item("p7", NOW - 30 * D + S, priority="high", assignee="a1"),
        # q1: a2, open, no response since NOW-20d: tracked, breached.
        item("q1", NOW - 20 * D, priority="high", assignee="a2"),
        # q2: unassigned, no policy, response +30m, open.
        item("q2", NOW - H, priority="low", first_response=NOW - 30 * M),
        # q3: assigned to a lead, no policy, resolved +6h without response (Wed 2024-03-13 18:00).
        item("q3", NOW - 2 * D, priority="medium", assignee="lead1", resolved=NOW - 2 * D + 6 * H),
    ]


def test_performance_of_one_agent(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=PERF_AGENTS, items=perf_items(),
         policies=PERF_POLICIES)
    data = report(capsys, db_url, "performance", agent="a1")
    assert PERFORMANCE_FIELDS <= set(data)
    assert data["tickets_handled"] == 4  # p1 p2 p3 p7 (not p4 at the start, p5 dispute, p6 future)
    assert data["tickets_resolved"] == 2  # p1 p2 (closed counts: it has resolved_at)
    assert data["resolution_rate_percent"] == pct(50.0)  # 100*2/4
    assert data["avg_resolution_time_hours"] == hours(7.0)  # (4 + 10) / 2
    assert data["avg_response_time_hours"] == hours(1.25)  # (0.5 + 2) / 2, p3 and p7 have none
    assert data["sla_compliance_rate_percent"] == pct(100 / 3)  # tracked p1 p2 p7, breached p2 p7


def test_metrics_of_one_agent(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=PERF_AGENTS, items=perf_items(),
         policies=PERF_POLICIES)
    data = report(capsys, db_url, "metrics", agent="a1")
    assert set(data) == METRICS_FIELDS
    assert data["tickets_handled"] == 4
    assert data["tickets_resolved"] == 2
    assert data["resolution_rate"] == pct(50.0)
    assert data["sla_compliance_rate"] == pct(100 / 3)
    assert data["avg_response_time_hours"] == hours(1.25)
    assert data["avg_resolution_time_hours"] == hours(7.0)
    # 100*(0.4*0.5 + 0.3*(1 - 1.25/24) + 0.3*(1/3)) = 20 + 28.4375 + 10 = 58.44
    assert data["performance_score"] == pct(score(0.5, 1.25, 1 / 3))
    assert data["performance_score"] == pct(58.4375)
    # UTC, now Fri 2024-03-15 12:00: p1 resolved 03-05 16:00, p2 resolved Sun 03-10 22:00;
    # p5 (dispute) resolved today but is not a ticket.
    assert data["tickets_resolved_today"] == 0
    assert data["tickets_resolved_this_week"] == 0  # week starts Mon 03-11 00:00
    assert data["tickets_resolved_this_month"] == 2  # p1 p2


def test_performance_and_metrics_of_the_team(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=PERF_AGENTS, items=perf_items(),
         policies=PERF_POLICIES)
    perf = report(capsys, db_url, "performance")
    assert perf["tickets_handled"] == 7  # p1 p2 p3 p7 q1 q2 q3: every ticket, assigned or not
    assert perf["tickets_resolved"] == 3  # p1 p2 q3
    assert perf["resolution_rate_percent"] == pct(300 / 7)  # 42.86
    assert perf["avg_resolution_time_hours"] == hours(20 / 3)  # (4 + 10 + 6) / 3 = 6.67
    assert perf["avg_response_time_hours"] == hours(1.0)  # (0.5 + 2 + 0.5) / 3
    assert perf["sla_compliance_rate_percent"] == pct(25.0)  # tracked p1 p2 p7 q1, breached p2 p7 q1

    metrics = report(capsys, db_url, "metrics")
    assert set(metrics) == METRICS_FIELDS
    # 100*(0.4*3/7 + 0.3*(1 - 1/24) + 0.3*0.25) = 17.14 + 28.75 + 7.5 = 53.39
    assert metrics["performance_score"] == pct(score(3 / 7, 1.0, 0.25))
    assert metrics["tickets_resolved_today"] == 0
    assert metrics["tickets_resolved_this_week"] == 1  # q3 (Wed 03-13 18:00)
    assert metrics["tickets_resolved_this_month"] == 3  # p1 p2 q3


def test_nothing_handled_gives_nulls(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=PERF_AGENTS, items=perf_items(),
         policies=PERF_POLICIES)
    perf = report(capsys, db_url, "performance", agent="a3")
    assert perf["tickets_handled"] == 0
    assert perf["tickets_resolved"] == 0
    assert perf["resolution_rate_percent"] is None
    assert perf["avg_resolution_time_hours"] is None
    assert perf["avg_response_time_hours"] is None
    assert perf["sla_compliance_rate_percent"] is None

    metrics = report(capsys, db_url, "metrics", agent="a3")
    assert metrics["performance_score"] is None
    assert metrics["resolution_rate"] is None
    assert metrics["sla_compliance_rate"] is None
    assert metrics["tickets_resolved_this_month"] == 0


def test_score_with_no_response_times_and_no_tracked_tickets(capsys, db_url, tmp_path):
    items = [
        # a1: resolved after 1h, never a first response, no policy -> R=1, S=0, C=1.
        item("e1", NOW - 2 * D, assignee="a1", resolved=NOW - 2 * D + H),
        # a2: first response after 48h, open, no policy -> R=0, S=max(0, 1-48/24)=0, C=1.
        item("e2", NOW - 3 * D, assignee="a2", first_response=NOW - D),
    ]
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2")], items=items)

    a1 = report(capsys, db_url, "metrics", agent="a1")
    assert a1["avg_response_time_hours"] is None
    assert a1["sla_compliance_rate"] is None
    assert a1["avg_resolution_time_hours"] == hours(1.0)
    assert a1["performance_score"] == pct(70.0)  # 100*(0.4*1 + 0 + 0.3*1)

    a2 = report(capsys, db_url, "metrics", agent="a2")
    assert a2["avg_response_time_hours"] == hours(48.0)
    assert a2["resolution_rate"] == pct(0.0)
    assert a2["avg_resolution_time_hours"] is None
    assert a2["performance_score"] == pct(30.0)  # 100*(0 + 0.3*0 + 0.3*1): S clamped at 0


def test_resolutions_today_week_month_in_new_york(capsys, db_url, tmp_path):
    # now = Fri 2024-03-15 12:00 EDT (-04:00) = 16:00 UTC.  Local starts:
    # today 03-15 00:00 EDT = 04:00Z; week Mon 03-11 00:00 EDT = 04:00Z; month 03-01 00:00 EST = 05:00Z.
    now = "2024-03-15T12:00:00-04:00"
    created = datetime(2023, 12, 1, tzinfo=UTC)  # far outside the window: the counts ignore it

    def z(*args):
        return datetime(*args, tzinfo=UTC)

    items = [
        item("m01", created, assignee="a1", resolved=z(2024, 3, 15, 4, 0)),       # T W M
        item("m02", created, assignee="a1", resolved=z(2024, 3, 15, 3, 59)),      # W M (03-14 23:59 local)
        item("m03", created, assignee="a1", resolved=z(2024, 3, 11, 4, 0)),       # W M (Mon 00:00)
        item("m04", created, assignee="a1", resolved=z(2024, 3, 11, 3, 59, 59)),  # M (Sun 23:59:59)
        item("m05", created, assignee="a1", resolved=z(2024, 3, 1, 5, 0)),        # M (03-01 00:00 EST)
        item("m06", created, assignee="a1", resolved=z(2024, 3, 1, 4, 59)),       # - (02-29 23:59)
        item("m07", created, assignee="a1", resolved=z(2024, 3, 15, 16, 1)),      # - (after now)
        item("m08", created, assignee="a1", resolved=z(2024, 3, 15, 16, 0)),      # T W M (= now)
        item("m09", created, kind="dispute", assignee="a1", resolved=z(2024, 3, 15, 10, 0)),  # not a ticket
        item("m10", created, assignee="a2", resolved=z(2024, 3, 15, 10, 0)),      # a2: T W M
    ]
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2")], items=items)

    a1 = report(capsys, db_url, "metrics", agent="a1", now=now, tz="America/New_York")
    assert a1["tickets_handled"] == 0  # none created in the window
    assert a1["performance_score"] is None
    assert a1["tickets_resolved_today"] == 2  # m01 m08
    assert a1["tickets_resolved_this_week"] == 4  # m01 m02 m03 m08
    assert a1["tickets_resolved_this_month"] == 6  # m01 m02 m03 m04 m05 m08

    team = report(capsys, db_url, "metrics", now=now, tz="America/New_York")
    assert team["tickets_resolved_today"] == 3  # + m10
    assert team["tickets_resolved_this_week"] == 5
    assert team["tickets_resolved_this_month"] == 7

    # The same instant read in UTC: today starts 03-15 00:00Z -> m01 m02 m08.
    utc = report(capsys, db_url, "metrics", agent="a1", now=now, tz="UTC")
    assert utc["tickets_resolved_today"] == 3


# ================================================================ trends

def trend_items():
    start = NOW - 30 * D  # 2024-02-14 12:00Z; weeks end 02-21, 02-28, 03-06, 03-13, (03-20 cut at now)
    return [
        item("w01", start, assignee="a1"),                 # at the window start: out
        item("w02", start + S, assignee="a1"),             # week 1
        # w03: the last instant of week 1; response +1h; resolved 8 days later (counted anyway).
        item("w03", start + 7 * D, assignee="a1", first_response=start + 7 * D + H,
             resolved=start + 15 * D),
        item("w04", start + 7 * D + S, assignee="a1"),     # week 2, open
        item("w05", start + 15 * D, kind="dispute", assignee="a1"),  # week 3, not a ticket
        # w06: week 4 (03-10 12:00), tracked, response +30m, resolved +2h: on time.
        item("w06", datetime(2024, 3, 10, 12, tzinfo=UTC), priority="high", assignee="a1",
             first_response=datetime(2024, 3, 10, 12, 30, tzinfo=UTC),
             resolved=datetime(2024, 3, 10, 14, tzinfo=UTC)),
        item("w07", NOW, assignee="a1"),                   # week 5, created at now
        item("w08", NOW + S, assignee="a1"),               # after now: out
        # w09: a2, week 5, resolved after 6h, no response.
        item("w09", datetime(2024, 3, 14, tzinfo=UTC), assignee="a2",
             resolved=datetime(2024, 3, 14, 6, tzinfo=UTC)),
    ]


TREND_POLICIES = [policy("ticket", "high", response=60, resolution=480)]


def test_trends_of_the_team(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2")], items=trend_items(),
         policies=TREND_POLICIES)
    weeks = report(capsys, db_url, "trends")["trends"]
    assert len(weeks) == 5  # ceil(30/7)
    assert [w["week"] for w in weeks] == [1, 2, 3, 4, 5]
    assert [w["week_start"] for w in weeks] == [
        "2024-02-14", "2024-02-21", "2024-02-28", "2024-03-06", "2024-03-13"]
    assert [w["week_end"] for w in weeks] == [
        "2024-02-21", "2024-02-28", "2024-03-06", "2024-03-13", "2024-03-20"]
    assert [w["tickets_created"] for w in weeks] == [2, 1, 0, 1, 2]  # w02 w03 | w04 | - | w06 | w07 w09
    assert [w["tickets_resolved"] for w in weeks] == [1, 0, 0, 1, 1]  # w03 | - | - | w06 | w09
    rates = [w["resolution_rate"] for w in weeks]
    assert rates[2] is None  # nothing created in week 3
    assert rates[0] == pct(50.0)  # 1/2
    assert rates[1] == pct(0.0)
    assert rates[3] == pct(100.0)
    assert rates[4] == pct(50.0)  # 1/2


def test_trends_of_one_agent(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2")], items=trend_items(),
         policies=TREND_POLICIES)
    weeks = report(capsys, db_url, "trends", agent="a1")["trends"]
    assert [w["tickets_created"] for w in weeks] == [2, 1, 0, 1, 1]  # week 5: w07 only
    assert [w["tickets_resolved"] for w in weeks] == [1, 0, 0, 1, 0]
    assert weeks[4]["resolution_rate"] == pct(0.0)


@pytest.mark.parametrize("days", [1, 7, 8, 14, 30])
def test_number_of_weeks_is_ceil_days_over_7(capsys, db_url, tmp_path, days):
    load(capsys, db_url, tmp_path / "in", items=[item("t1", NOW - H)])
    weeks = report(capsys, db_url, "trends", days=days)["trends"]
    assert len(weeks) == math.ceil(days / 7)
    start = NOW - days * D
    assert [w["week_start"] for w in weeks] == [
        (start + 7 * i * D).date().isoformat() for i in range(len(weeks))]
    assert weeks[-1]["tickets_created"] == 1  # t1 (NOW-1h) is always in the last week
    assert sum(w["tickets_created"] for w in weeks) == 1


def test_trends_across_the_dst_change_in_new_york(capsys, db_url, tmp_path):
    # Clocks go forward on Sun 2024-03-10 02:00 EST.  now = Wed 03-20 21:00 EDT = 03-21 01:00Z.
    # 14 days -> start = 03-07 01:00Z = Wed 03-06 20:00 EST (local date 03-06, UTC date 03-07);
    # week 2 starts 03-14 01:00Z = 03-13 21:00 EDT (local date 03-13, UTC date 03-14).
    now = "2024-03-20T21:00:00-04:00"

    def z(*args):
        return datetime(*args, tzinfo=UTC)

    items = [
        item("d1", z(2024, 3, 7, 1, 0)),   # the window start: out
        item("d2", z(2024, 3, 7, 3, 0)),   # week 1 (03-06 22:00 EST)
        item("d3", z(2024, 3, 10, 12, 0)),  # week 1, after the change
        item("d4", z(2024, 3, 18, 12, 0)),  # week 2
        item("d5", z(2024, 3, 21, 1, 0)),   # at now: week 2
    ]
    load(capsys, db_url, tmp_path / "in", items=items)
    weeks = report(capsys, db_url, "trends", days=14, now=now, tz="America/New_York")["trends"]
    assert [w["week_start"] for w in weeks] == ["2024-03-06", "2024-03-13"]
    assert [w["week_end"] for w in weeks] == ["2024-03-13", "2024-03-20"]
    assert [w["tickets_created"] for w in weeks] == [2, 2]


def test_trends_across_the_dst_change_in_berlin(capsys, db_url, tmp_path):
    # Clocks go forward on Sun 2024-03-31 02:00 CET.  now = Fri 04-05 01:30 CEST = 04-04 23:30Z.
    # 14 days -> start = 03-21 23:30Z = Fri 03-22 00:30 CET (local date 03-22, UTC date 03-21);
    # week 2 starts 03-28 23:30Z = 03-29 00:30 CET (local 03-29).
    now = "2024-04-05T01:30:00+02:00"

    def z(*args):
        return datetime(*args, tzinfo=UTC)

    items = [
        item("e1", z(2024, 3, 21, 23, 30)),  # the window start: out
        item("e2", z(2024, 3, 25, 10, 0)),   # week 1
        item("e3", z(2024, 4, 1, 10, 0)),    # week 2, after the change
        item("e4", z(2024, 4, 4, 23, 31)),   # after now: out
    ]
    load(capsys, db_url, tmp_path / "in", items=items)
    weeks = report(capsys, db_url, "trends", days=14, now=now, tz="Europe/Berlin")["trends"]
    assert [w["week_start"] for w in weeks] == ["2024-03-22", "2024-03-29"]
    assert [w["week_end"] for w in weeks] == ["2024-03-29", "2024-04-05"]
    assert [w["tickets_created"] for w in weeks] == [1, 1]


def test_performance_trends_of_the_team(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2")], items=trend_items(),
         policies=TREND_POLICIES)
    weeks = report(capsys, db_url, "performance-trends")["trends"]
    assert len(weeks) == 5
    assert [w["week"] for w in weeks] == [1, 2, 3, 4, 5]
    assert [w["week_start"] for w in weeks] == [
        "2024-02-14", "2024-02-21", "2024-02-28", "2024-03-06", "2024-03-13"]
    for w in weeks:
        assert PERFORMANCE_FIELDS | {"performance_score"} <= set(w)

    w1, w2, w3, w4, w5 = weeks
    # week 1: w02 (open) and w03 (response 1h, resolved after 8 days = 192h), no policy.
    assert w1["tickets_handled"] == 2
    assert w1["tickets_resolved"] == 1
    assert w1["resolution_rate_percent"] == pct(50.0)
    assert w1["avg_resolution_time_hours"] == hours(192.0)
    assert w1["avg_response_time_hours"] == hours(1.0)
    assert w1["sla_compliance_rate_percent"] is None
    assert w1["performance_score"] == pct(78.75)  # 100*(0.4*0.5 + 0.3*(23/24) + 0.3*1)
    # week 2: w04 open, nothing else: 100*(0 + 0 + 0.3) = 30.
    assert w2["tickets_handled"] == 1
    assert w2["avg_response_time_hours"] is None
    assert w2["performance_score"] == pct(30.0)
    # week 3: no ticket created (w05 is a dispute).
    assert w3["tickets_handled"] == 0
    assert w3["resolution_rate_percent"] is None
    assert w3["avg_resolution_time_hours"] is None
    assert w3["performance_score"] is None
    # week 4: w06 on time: R=1, S=1-0.5/24, C=1 -> 40 + 29.375 + 30 = 99.375.
    assert w4["tickets_handled"] == 1
    assert w4["sla_compliance_rate_percent"] == pct(100.0)
    assert w4["avg_response_time_hours"] == hours(0.5)
    assert w4["avg_resolution_time_hours"] == hours(2.0)
    assert w4["performance_score"] == pct(99.375)
    # week 5: w07 open, w09 resolved after 6h, no responses: R=0.5, S=0, C=1 -> 20 + 0 + 30 = 50.
    assert w5["tickets_handled"] == 2
    assert w5["tickets_resolved"] == 1
    assert w5["avg_resolution_time_hours"] == hours(6.0)
    assert w5["performance_score"] == pct(50.0)


def test_performance_trends_of_one_agent(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2")], items=trend_items(),
         policies=TREND_POLICIES)
    weeks = report(capsys, db_url, "performance-trends", agent="a2")["trends"]
    assert [w["tickets_handled"] for w in weeks] == [0, 0, 0, 0, 1]  # only w09
    assert [w["performance_score"] for w in weeks][:4] == [None] * 4
    assert weeks[4]["performance_score"] == pct(70.0)  # R=1, S=0, C=1


# ================================================================ comparison

def test_comparison_rows_and_order(capsys, db_url, tmp_path):
    agents = [  # written in an order that the result must not follow
        agent("a4"), agent("a1"), agent("a2", active=False), agent("a3"),
        agent("a0", active=False), agent("lead1", "lead"), agent("adm1", "admin"),
    ]
    items = [
        item("c1", NOW - 2 * D, assignee="a1", resolved=NOW - 2 * D + H),  # a1: 70.0
        item("c2", NOW - 2 * D, assignee="a4", resolved=NOW - 2 * D + H),  # a4: 70.0
        item("c3", NOW - 2 * D, assignee="a2"),                            # a2: 30.0 (open)
        item("c4", NOW - 2 * D, assignee="lead1", resolved=NOW - D),       # a lead: no row
    ]
    load(capsys, db_url, tmp_path / "in", agents=agents, items=items)
    rows = report(capsys, db_url, "comparison")["agents"]
    # score desc, nulls last, then agent_id: a1 70, a4 70, a2 30, a0 null, a3 null.
    assert [r["agent_id"] for r in rows] == ["a1", "a4", "a2", "a0", "a3"]
    scores = [r["performance_score"] for r in rows]
    assert scores[:3] == [pct(70.0), pct(70.0), pct(30.0)]
    assert scores[3:] == [None, None]
    by_id = {r["agent_id"]: r for r in rows}
    assert by_id["a1"]["agent_name"] == "Agent a1"
    assert by_id["a1"]["tickets_handled"] == 1
    assert by_id["a2"]["tickets_handled"] == 1
    assert by_id["a0"]["tickets_handled"] == 0
    for row in rows:
        assert PERFORMANCE_FIELDS <= set(row)


# ================================================================ workload

def test_workload_distribution(capsys, db_url, tmp_path):
    agents = [agent("a1"), agent("a2", active=False), agent("a3"), agent("lead1", "lead")]
    items = [
        item("w1", NOW - D, assignee="a1"),                                         # open ticket, in window
        item("w2", NOW - 40 * D, assignee="a1", status="in_progress"),              # open ticket
        item("w3", NOW - 2 * D, kind="dispute", assignee="a1", status="waiting"),   # open dispute, in window
        item("w4", NOW - 60 * D, kind="order", assignee="a1", status="in_progress"),  # open order
        item("w5", NOW - 3 * D, assignee="a1", resolved=NOW - 3 * D + H),           # resolved, in window
        item("w6", NOW - 10 * D, kind="order", assignee="a1", status="closed",
             resolved=NOW - 10 * D + H),                                            # closed, in window
        item("w7", NOW - 5 * D, kind="dispute", assignee="a1", resolved=NOW - 5 * D + H),  # in window
        item("x1", NOW - 31 * D, assignee="a2"),                                    # open, outside window
        item("u1", NOW - D),                                                        # unassigned open
        item("u2", NOW - 50 * D, kind="order", status="waiting"),                   # unassigned open
        item("u3", NOW - D, resolved=NOW - H),                                      # unassigned, resolved
    ]
    load(capsys, db_url, tmp_path / "in", agents=agents, items=items)
    data = report(capsys, db_url, "workload")
    assert data["unassigned_open"] == 2  # u1 u2
    rows = {r["agent_id"]: r for r in data["agents"]}
    assert set(rows) == {"a1", "a2", "a3"}  # role agent only, active or not
    assert len(data["agents"]) == 3

    a1 = rows["a1"]
    assert a1["agent_name"] == "Agent a1"
    assert (a1["open_tickets"], a1["open_disputes"], a1["open_orders"]) == (2, 1, 1)  # w1 w2 | w3 | w4
    assert a1["total_open"] == 4
    assert a1["share_percent"] == pct(80.0)  # 4 of 5 assigned open items
    assert a1["assigned_in_window"] == 5  # w1 w3 w5 w6 w7

    a2 = rows["a2"]
    assert (a2["open_tickets"], a2["open_disputes"], a2["open_orders"], a2["total_open"]) == (1, 0, 0, 1)
    assert a2["share_percent"] == pct(20.0)  # 1 of 5
    assert a2["assigned_in_window"] == 0  # x1 was created 31 days ago

    a3 = rows["a3"]
    assert (a3["open_tickets"], a3["open_disputes"], a3["open_orders"], a3["total_open"]) == (0, 0, 0, 0)
    assert a3["share_percent"] == pct(0.0)
    assert a3["assigned_in_window"] == 0
