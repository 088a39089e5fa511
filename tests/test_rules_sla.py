"""Black-box tests of the SLA rules (docs/rules.md, "SLA" and "SLA analytics"): breaches, at-risk, analytics."""

from __future__ import annotations

# tests/ is not a package and conftest.py is not ours: make the shared helpers importable
# whatever pytest's import mode is.
from tests.rules_helpers import (
    NOW,
    D,
    H,
    M,
    S,
    agent,
    instant,
    item,
    load,
    pct,
    policy,
    report,
)

BREACH_ENTRY_FIELDS = {
    "item_id", "kind", "priority", "subject", "assignee", "targets", "due_at", "overdue_minutes",
}


# ================================================================ active breaches

BREACH_POLICIES = [
    policy("ticket", "low", response=60),                 # first response only
    policy("ticket", "urgent", response=30, resolution=120),
    policy("dispute", "high", response=120, resolution=60),  # resolution due before response due
    policy("order", "low", resolution=60),                # resolution only
]


def breach_items():
    t0 = NOW - 3 * H
    rows = [
        # b01: response exactly at the due instant (created+60m): not breached; no resolution target.
        item("b01", t0, priority="low", first_response=t0 + 60 * M),
        # b02: response one second late: breached [first_response], due t0+60m = NOW-2h -> 120 min.
        item("b02", t0, priority="low", first_response=t0 + 60 * M + S),
        # b03: open, no response, due = NOW exactly: not breached yet.
        item("b03", NOW - 60 * M, priority="low"),
        # b04: open, no response, due = NOW-1s: breached, overdue floor(1s/60) = 0.
        item("b04", NOW - 60 * M - S, priority="low"),
        # b05: both targets breached: response due NOW-4h30 (earliest), resolution due NOW-3h.
        #      overdue = 4h30 = 270 min.
        item("b05", NOW - 5 * H, priority="urgent", assignee="a1"),
        # b06: response on time (+10m of 30), resolution due t0+120m = NOW-1h -> [resolution], 60 min.
        item("b06", t0, priority="urgent", first_response=t0 + 10 * M),
        # b07: dispute, response due NOW-1h, resolution due NOW-2h: both breached, targets still
        #      in the fixed order; due_at = earliest = NOW-2h -> 120 min (ties b02, id decides).
        item("b07", t0, kind="dispute", priority="high"),
        # b08: order, resolution only: due = NOW-150m30s+60m = NOW-90m30s -> floor(90.5) = 90.
        item("b08", NOW - 150 * M - 30 * S, kind="order", priority="low"),
        # b09: no policy for (ticket, medium): never tracked, never breached.
        item("b09", NOW - 40 * D, priority="medium"),
        # b10: created 40 days ago (outside any window: breaches have none), no response:
        #      due NOW-40d+60m -> 40*1440 - 60 = 57540 min.
        item("b10", NOW - 40 * D, priority="low", assignee="a2"),
        # b11: breached (late response +40m of 30) but resolved: not an active breach.
        item("b11", NOW - 5 * H, priority="urgent", first_response=NOW - 5 * H + 40 * M,
             resolved=NOW - H),
        # b12: response-only policy, responded on time long ago, still open: no resolution target.
        item("b12", NOW - 10 * D, priority="low", first_response=NOW - 10 * D + 5 * M),
    ]
    return list(reversed(rows))  # insertion order must not decide the sort


def test_active_breaches_list(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2")],
         items=breach_items(), policies=BREACH_POLICIES)
    data = report(capsys, db_url, "breaches")

    entries = data["breaches"]
    assert data["count"] == len(entries) == 7
    # Sorted by overdue_minutes desc, then item_id: b10 57540, b05 270, b02 120, b07 120,
    # b08 90, b06 60, b04 0.
    assert [e["item_id"] for e in entries] == ["b10", "b05", "b02", "b07", "b08", "b06", "b04"]
    by_id = {e["item_id"]: e for e in entries}
    for entry in entries:
        assert BREACH_ENTRY_FIELDS <= set(entry)

    assert [by_id[i]["overdue_minutes"] for i in ["b10", "b05", "b02", "b07", "b08", "b06", "b04"]] == [
        57540, 270, 120, 120, 90, 60, 0]

    assert by_id["b05"]["targets"] == ["first_response", "resolution"]
    assert instant(by_id["b05"]["due_at"]) == NOW - 5 * H + 30 * M  # earliest: response due
    assert by_id["b05"]["assignee"] == "a1"
    assert by_id["b05"]["kind"] == "ticket"
    assert by_id["b05"]["priority"] == "urgent"
    assert by_id["b05"]["subject"] == "subject b05"

    assert by_id["b07"]["targets"] == ["first_response", "resolution"]  # fixed order, not by due
    assert instant(by_id["b07"]["due_at"]) == NOW - 2 * H  # resolution due (t0+60m) is earliest
    assert by_id["b07"]["kind"] == "dispute"

    assert by_id["b02"]["targets"] == ["first_response"]
    assert instant(by_id["b02"]["due_at"]) == NOW - 2 * H
    assert by_id["b02"]["assignee"] is None

    assert by_id["b06"]["targets"] == ["resolution"]
    assert instant(by_id["b06"]["due_at"]) == NOW - H

    assert by_id["b08"]["targets"] == ["resolution"]
    assert by_id["b08"]["kind"] == "order"
    assert instant(by_id["b08"]["due_at"]) == NOW - 90 * M - 30 * S

    assert by_id["b04"]["targets"] == ["first_response"]
    assert instant(by_id["b04"]["due_at"]) == NOW - S

    assert by_id["b10"]["assignee"] == "a2"


def test_breaches_narrowed_to_one_agent(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2")],
         items=breach_items(), policies=BREACH_POLICIES)
    data = report(capsys, db_url, "breaches", agent="a1")
    assert [e["item_id"] for e in data["breaches"]] == ["b05"]  # the only breach assigned to a1
    assert data["count"] == 1


def test_breaches_one_second_later(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2")],
         items=breach_items(), policies=BREACH_POLICIES)
    data = report(capsys, db_url, "breaches", now=NOW + S)
    by_id = {e["item_id"]: e for e in data["breaches"]}
    # b03's response was due exactly at NOW; one second later it is breached (0 whole minutes).
    assert "b03" in by_id
    assert by_id["b03"]["overdue_minutes"] == 0
    assert instant(by_id["b03"]["due_at"]) == NOW
    # b04: due NOW-1s, now NOW+1s -> 2s -> 0 min; still 8 entries in all.
    assert by_id["b04"]["overdue_minutes"] == 0
    assert data["count"] == 8


# ================================================================ at risk

RISK_POLICIES = [
    policy("ticket", "low", response=60),                     # warn at 48 min
    policy("ticket", "high", response=60, resolution=100),    # warn at 48 / 80 min
    policy("ticket", "urgent", response=100, resolution=110),  # warn at 80 / 88 min
]


def risk_items():
    rows = [
        # k01: exactly 48 of 60 min elapsed = 80%: at risk [first_response], due NOW+12m -> -12.
        item("k01", NOW - 48 * M, priority="low"),
        # k02: 47m59s of 60 min = 79.97%: not at risk.
        item("k02", NOW - 48 * M + S, priority="low"),
        # k03: responded; resolution 85 of 100 min = 85%: [resolution], due NOW+15m -> -15.
        item("k03", NOW - 85 * M, priority="high", first_response=NOW - 75 * M, assignee="a1"),
        # k04: response 50/60 = 83%, resolution 50/100 = 50%: [first_response], due NOW+10m -> -10.
        item("k04", NOW - 50 * M, priority="high"),
        # k05: response 90/100 = 90%, resolution 90/110 = 82%: both, due_at earliest = NOW+10m -> -10.
        item("k05", NOW - 90 * M, priority="urgent"),
        # k06: response due NOW-1m (breached), resolution 101/110 = 92%: breached, so not at risk.
        item("k06", NOW - 101 * M, priority="urgent"),
        # k07: resolved (no first response) at NOW-1m: not open, not at risk.
        item("k07", NOW - 50 * M, priority="low", resolved=NOW - M),
        # k08: responded at +5m; no resolution target: nothing left to be at risk.
        item("k08", NOW - 55 * M, priority="low", first_response=NOW - 50 * M),
        # k09: no policy: never at risk.
        item("k09", NOW - 10 * D, priority="medium"),
    ]
    return list(reversed(rows))


def test_at_risk_list(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1")], items=risk_items(),
         policies=RISK_POLICIES)
    data = report(capsys, db_url, "at-risk")
    entries = data["items"]
    assert data["count"] == len(entries) == 4
    # Sorted by due_at, then item_id: k04 (NOW+10m), k05 (NOW+10m), k01 (NOW+12m), k03 (NOW+15m).
    assert [e["item_id"] for e in entries] == ["k04", "k05", "k01", "k03"]
    by_id = {e["item_id"]: e for e in entries}
    for entry in entries:
        assert {"item_id", "kind", "priority", "subject", "assignee", "targets", "due_at",
                "overdue_minutes"} <= set(entry)

    assert by_id["k01"]["targets"] == ["first_response"]
    assert instant(by_id["k01"]["due_at"]) == NOW + 12 * M
    assert by_id["k01"]["overdue_minutes"] == -12

    assert by_id["k03"]["targets"] == ["resolution"]
    assert instant(by_id["k03"]["due_at"]) == NOW + 15 * M
    assert by_id["k03"]["overdue_minutes"] == -15
    assert by_id["k03"]["assignee"] == "a1"

    assert by_id["k04"]["targets"] == ["first_response"]
    assert instant(by_id["k04"]["due_at"]) == NOW + 10 * M
    assert by_id["k04"]["overdue_minutes"] == -10
    assert by_id["k04"]["assignee"] is None

    assert by_id["k05"]["targets"] == ["first_response", "resolution"]
    assert instant(by_id["k05"]["due_at"]) == NOW + 10 * M  # min(NOW+10m, NOW+20m)
    assert by_id["k05"]["overdue_minutes"] == -10


def test_breached_item_is_in_breaches_not_at_risk(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1")], items=risk_items(),
         policies=RISK_POLICIES)
    breaches = report(capsys, db_url, "breaches")
    # k06: response due NOW-101m+100m = NOW-1m, no response -> breached 1 min.
    assert [e["item_id"] for e in breaches["breaches"]] == ["k06"]
    assert breaches["breaches"][0]["overdue_minutes"] == 1


# ================================================================ SLA analytics

ANALYTICS_POLICIES = [
    policy("ticket", "high", response=60, resolution=480),
    policy("dispute", "high", response=120),
    policy("order", "urgent", resolution=60),
]


def analytics_items():
    t = NOW - 2 * D
    return [
        # s1: on time (response +30m <= 60, resolved +3h <= 8h): resolved on time.
        item("s1", t, priority="high", assignee="a1", first_response=t + 30 * M, resolved=t + 3 * H),
        # s2: no first response, resolved +61m: effective response = resolved_at > +60m -> breached.
        item("s2", t, priority="high", assignee="a1", resolved=t + 61 * M),
        # s3: no first response, resolved +59m: effective response in time -> resolved on time.
        item("s3", t, priority="high", assignee="a2", resolved=t + 59 * M),
        # s4: dispute, response +3h > 120m -> breached (open).
        item("s4", NOW - D, kind="dispute", priority="high", assignee="a1",
             first_response=NOW - D + 3 * H),
        # s5: dispute, created NOW-1h, response due NOW+1h: not breached, not resolved.
        item("s5", NOW - H, kind="dispute", priority="high", assignee="a2"),
        # s6: order, resolution due NOW-1h, open -> breached; unassigned.
        item("s6", NOW - 2 * H, kind="order", priority="urgent"),
        # s7: breached but created 40 days ago: outside the window.
        item("s7", NOW - 40 * D, kind="order", priority="urgent", assignee="a1"),
        # s8, s9: no policy: not SLA-tracked.
        item("s8", NOW - D, priority="medium", assignee="a1"),
        item("s9", NOW - D, kind="order", priority="low"),
        # s10: order, resolution due NOW+30m: not breached.
        item("s10", NOW - 30 * M, kind="order", priority="urgent", assignee="a2"),
    ]


def test_sla_analytics_team_and_agents(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("a2"), agent("a3")],
         items=analytics_items(), policies=ANALYTICS_POLICIES)

    team = report(capsys, db_url, "sla")
    assert team["total_sla_tasks"] == 7  # s1 s2 s3 s4 s5 s6 s10
    assert team["breached_count"] == 3  # s2 s4 s6
    assert team["resolved_on_time"] == 2  # s1 s3
    assert team["compliance_rate_percent"] == pct(400 / 7)  # 100*(7-3)/7 = 57.14
    assert team["breach_rate_percent"] == pct(300 / 7)  # 100*3/7 = 42.86

    a1 = report(capsys, db_url, "sla", agent="a1")
    assert a1["total_sla_tasks"] == 3  # s1 s2 s4
    assert a1["breached_count"] == 2  # s2 s4
    assert a1["resolved_on_time"] == 1  # s1
    assert a1["compliance_rate_percent"] == pct(100 / 3)  # 100*(3-2)/3 = 33.3
    assert a1["breach_rate_percent"] == pct(200 / 3)  # 100*2/3 = 66.7

    a2 = report(capsys, db_url, "sla", agent="a2")
    assert a2["total_sla_tasks"] == 3  # s3 s5 s10
    assert a2["breached_count"] == 0
    assert a2["resolved_on_time"] == 1  # s3
    assert a2["compliance_rate_percent"] == pct(100.0)
    assert a2["breach_rate_percent"] == pct(0.0)

    a3 = report(capsys, db_url, "sla", agent="a3")
    assert a3["total_sla_tasks"] == 0
    assert a3["breached_count"] == 0
    assert a3["resolved_on_time"] == 0
    assert a3["compliance_rate_percent"] is None  # nothing to divide by
    assert a3["breach_rate_percent"] is None


def test_sla_analytics_window_and_due_edges(capsys, db_url, tmp_path):
    policies = [policy("ticket", "high", response=60, resolution=480)]
    t = NOW - D
    items = [
        item("e1", NOW - 30 * D, priority="high"),      # exactly at window start: out
        item("e2", NOW - 30 * D + S, priority="high"),  # just inside: in, breached
        item("e3", NOW, priority="high"),               # created at now: in, not breached
        # e4: response and resolution exactly at their due instants: resolved on time.
        item("e4", t, priority="high", first_response=t + 60 * M, resolved=t + 480 * M),
        # e5: resolved one second after the resolution due: breached.
        item("e5", t, priority="high", first_response=t + 60 * M, resolved=t + 480 * M + S),
    ]
    load(capsys, db_url, tmp_path / "in", items=items, policies=policies)
    data = report(capsys, db_url, "sla")
    assert data["total_sla_tasks"] == 4  # e2 e3 e4 e5
    assert data["breached_count"] == 2  # e2 e5
    assert data["resolved_on_time"] == 1  # e4
    assert data["compliance_rate_percent"] == pct(50.0)  # 100*(4-2)/4
    assert data["breach_rate_percent"] == pct(50.0)  # 100*2/4
