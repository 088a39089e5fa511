"""`report wallboard` (docs/rules.md, Wallboard): tiles, values, states and who may ask."""

from __future__ import annotations

import pytest

from core.errors import BadInput
from core.wallboard_thresholds import DEFAULT_THRESHOLDS, TILE_NAMES, Threshold, parse_thresholds
from tests.rules_helpers import (
    NOW,
    D,
    H,
    M,
    agent,
    item,
    load,
    policy,
    report,
    run,
    ts,
)

# ================================================================ states

# (tile, value, state) at, just below and just above each default threshold.
STATE_CASES = [
    ("unassigned_open", 4, "normal"), ("unassigned_open", 5, "caution"),
    ("unassigned_open", 19, "caution"), ("unassigned_open", 20, "warning"),
    ("unassigned_open", 21, "warning"),
    ("active_breaches", 0, "normal"), ("active_breaches", 1, "caution"),
    ("active_breaches", 9, "caution"), ("active_breaches", 10, "warning"),
    ("at_risk", 0, "normal"), ("at_risk", 1, "caution"), ("at_risk", 4, "caution"),
    ("at_risk", 5, "warning"),
    ("oldest_breach_hours", 3.99, "normal"), ("oldest_breach_hours", 4.0, "caution"),
    ("oldest_breach_hours", 23.99, "caution"), ("oldest_breach_hours", 24.0, "warning"),
    ("avg_first_response_hours", 1.99, "normal"), ("avg_first_response_hours", 2.0, "caution"),
    ("avg_first_response_hours", 3.99, "caution"), ("avg_first_response_hours", 4.0, "warning"),
    # Higher is better: at or below the threshold is the worse state.
    ("sla_compliance_percent", 100.0, "normal"), ("sla_compliance_percent", 90.1, "normal"),
    ("sla_compliance_percent", 90.0, "caution"), ("sla_compliance_percent", 80.1, "caution"),
    ("sla_compliance_percent", 80.0, "warning"), ("sla_compliance_percent", 0.0, "warning"),
]


@pytest.mark.parametrize(("tile", "value", "state"), STATE_CASES)
def test_state_at_and_around_each_default_threshold(tile, value, state):
    assert parse_thresholds("")[tile].state(value) == state


@pytest.mark.parametrize("tile", sorted(DEFAULT_THRESHOLDS))
def test_a_null_value_is_normal(tile):
    assert DEFAULT_THRESHOLDS[tile].state(None) == "normal"


def test_the_thresholds_setting_overrides_some_tiles_and_keeps_the_rest():
    thresholds = parse_thresholds("active_breaches=3:6, sla_compliance_percent=95:85")
    assert thresholds["active_breaches"] == Threshold(3, 6)
    assert thresholds["sla_compliance_percent"] == Threshold(95, 85, higher_is_better=True)
    assert thresholds["at_risk"] == DEFAULT_THRESHOLDS["at_risk"]
    assert [thresholds["active_breaches"].state(v) for v in (2, 3, 5, 6)] == \
        ["normal", "caution", "caution", "warning"]


@pytest.mark.parametrize(("text", "says"), [
    ("open_breaches=1:2", "unknown tile 'open_breaches'"),
    ("tickets_created=1:2", "tickets_created has no thresholds"),
    ("at_risk=1", "at_risk=CAUTION:WARNING"),
    ("at_risk=5:1", "warning (1) must be at or above its caution (5)"),
    ("sla_compliance_percent=80:90", "warning (90) must be at or below its caution (80)"),
])
def test_bad_thresholds_are_bad_input_naming_the_entry(text, says):
    with pytest.raises(BadInput, match="wallboard_thresholds") as caught:
        parse_thresholds(text)
    assert says in str(caught.value)


# ================================================================ the report

AGENTS = [agent("a1"), agent("a2"), agent("lead1", "lead")]
POLICIES = [policy("ticket", "high", response=60, resolution=480),
            policy("ticket", "urgent", response=60, resolution=2 * 24 * 60),
            policy("dispute", "urgent", response=30, resolution=240)]


def board_items():
    return [
        # w1: breached (response due NOW-3h, none yet): overdue 180 min at NOW.
        item("w1", NOW - 4 * H, priority="high", assignee="a1"),
        # w2: unassigned, open, responded +30m: resolution due NOW-2h+8h: at risk from NOW+4h24m.
        item("w2", NOW - 2 * H, priority="high", first_response=NOW - 90 * M),
        # w3: unassigned dispute, open, no response: response due NOW-10m: breached 10 min.
        item("w3", NOW - 40 * M, kind="dispute", priority="urgent"),
        # w4: created 30 h ago, resolved 2 h ago on time (due in 2 days): resolved in the last day.
        item("w4", NOW - 30 * H, priority="urgent", assignee="a2",
             first_response=NOW - 30 * H + 20 * M, resolved=NOW - 2 * H),
        # w5: untracked ticket created 5 h ago, responded +3h, open.
        item("w5", NOW - 5 * H, priority="low", assignee="a2", first_response=NOW - 2 * H),
        # w6: created 3 days ago, closed, no policy.
        item("w6", NOW - 3 * D, priority="medium", assignee="a1", resolved=NOW - 2 * D),
    ]


@pytest.fixture
def board(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "board", agents=AGENTS, items=board_items(), policies=POLICIES)
    return db_url


def tiles(data) -> dict:
    assert [t["name"] for t in data["tiles"]] == list(TILE_NAMES)
    assert all(set(t) == {"name", "value", "state"} for t in data["tiles"])
    return {t["name"]: (t["value"], t["state"]) for t in data["tiles"]}


def wallboard(capsys, db_url, now=NOW, days=None, as_=None, **env) -> dict:
    argv = ["--db", db_url, "report", "wallboard", "--now", ts(now), "--tz", "UTC"]
    if days is not None:
        argv += ["--days", days]
    if as_ is not None:
        argv += ["--as", as_]
    code, data, err = run(capsys, *argv)
    assert code == 0, err
    return data


def test_wallboard_tiles_by_hand_at_now_over_the_default_day(capsys, board):
    data = wallboard(capsys, board)

    assert data["as_of"] == NOW.isoformat()
    assert tiles(data) == {
        "open_items": (4, "normal"),  # w1, w2, w3, w5
        "unassigned_open": (2, "normal"),  # w2, w3
        "active_breaches": (2, "caution"),  # w1, w3
        "at_risk": (0, "normal"),
        "oldest_breach_hours": (3.0, "normal"),  # w1: 180 min
        "tickets_created": (3, "normal"),  # w1, w2, w5 (w4 is 30 h old, w3 a dispute)
        "tickets_resolved": (1, "normal"),  # w4, created before the day
        # Tracked items of the day: w1 (breached), w2, w3 (breached): 1 of 3.
        "sla_compliance_percent": (33.3, "warning"),
        # Responses over the day's tickets: w2 0.5 h, w5 3 h.
        "avg_first_response_hours": (1.75, "normal"),
    }


def test_wallboard_at_a_later_clock_and_a_wider_window(capsys, board):
    later = NOW + 5 * H  # w1 overdue 8 h, w3 5 h10m, w2 at risk (elapsed 7 h >= 80% of 8 h)
    data = tiles(wallboard(capsys, board, now=later, days=2))
    assert data["active_breaches"] == (2, "caution")
    assert data["at_risk"] == (1, "caution")
    assert data["oldest_breach_hours"] == (8.0, "caution")
    # Tickets of the 2 days: w1, w2, w4, w5; resolved in them: w4.
    assert data["tickets_created"] == (4, "normal")
    assert data["tickets_resolved"] == (1, "normal")
    # Tracked: w1 (breached), w2, w3 (breached), w4: 2 of 4.
    assert data["sla_compliance_percent"] == (50.0, "warning")

    much_later = NOW + 30 * H  # w2's resolution breached too: three breaches, w1 33 h over
    data = tiles(wallboard(capsys, board, now=much_later, days=1))
    assert data["active_breaches"] == (3, "caution")
    assert data["oldest_breach_hours"] == (33.0, "warning")
    assert data["tickets_created"] == (0, "normal")
    assert data["sla_compliance_percent"] == (None, "normal")  # nothing tracked: null
    assert data["avg_first_response_hours"] == (None, "normal")


@pytest.mark.parametrize("clock", [NOW - 3 * D, NOW, NOW + 5 * H, NOW + 2 * D])
@pytest.mark.parametrize("days", [1, 7])
def test_wallboard_equals_the_other_reports_at_several_clocks(capsys, board, clock, days):
    data = tiles(wallboard(capsys, board, now=clock, days=days))
    common = {"now": clock, "days": days}
    breach_list = report(capsys, board, "breaches", **common)
    performance = report(capsys, board, "performance", **common)
    workload = report(capsys, board, "workload", **common)
    assert data["active_breaches"][0] == breach_list["count"]
    assert data["at_risk"][0] == report(capsys, board, "at-risk", **common)["count"]
    oldest = max((b["overdue_minutes"] for b in breach_list["breaches"]), default=0)
    assert data["oldest_breach_hours"][0] == pytest.approx(oldest / 60, abs=0.005)
    assert data["sla_compliance_percent"][0] == \
        report(capsys, board, "sla", **common)["compliance_rate_percent"]
    assert data["avg_first_response_hours"][0] == performance["avg_response_time_hours"]
    assert data["tickets_created"][0] == performance["tickets_handled"]
    assert data["unassigned_open"][0] == workload["unassigned_open"]


def test_thresholds_from_the_setting_change_the_states(capsys, board, monkeypatch):
    monkeypatch.setenv("SUPPORT_CONSOLE_WALLBOARD_THRESHOLDS", "active_breaches=5:2")
    code, _, err = run(capsys, "--db", board, "report", "wallboard", "--now", ts(NOW))
    assert code == 2 and "active_breaches" in err and "Traceback" not in err

    monkeypatch.setenv("SUPPORT_CONSOLE_WALLBOARD_THRESHOLDS",
                       "active_breaches=1:2 oldest_breach_hours=1:3")
    data = tiles(wallboard(capsys, board))
    assert data["active_breaches"] == (2, "warning")
    assert data["oldest_breach_hours"] == (3.0, "warning")


def test_wallboard_is_for_supervisors_only(capsys, board):
    code, data, err = run(capsys, "--db", board, "report", "wallboard", "--as", "a1",
                          "--now", ts(NOW))
    assert code == 3 and data is None
    assert "permission denied" in err
    assert tiles(wallboard(capsys, board, as_="lead1"))["open_items"] == (4, "normal")


def test_the_wallboard_and_digest_settings_are_checked_with_the_others(site_file_env):
    from core.settings import InvalidSettings, load_settings

    site_file_env.write_text('wallboard_thresholds = "at_risk=5:1"\n'
                             'send_team_digest_at = "someday 08:00"\n'
                             "wallboard_refresh_seconds = 1\n", encoding="utf-8")
    with pytest.raises(InvalidSettings) as caught:
        load_settings()
    assert set(caught.value.problems) == {"wallboard_thresholds", "send_team_digest_at",
                                          "wallboard_refresh_seconds"}
    assert "at_risk's warning (1) must be at or above" in caught.value.problems[
        "wallboard_thresholds"]
    assert "'someday 08:00'" in caught.value.problems["send_team_digest_at"]

    site_file_env.write_text('wallboard_thresholds = "at_risk=2:6"\n'
                             'send_team_digest_at = "Friday 17:30"\n', encoding="utf-8")
    settings = load_settings()
    assert parse_thresholds(settings.wallboard_thresholds)["at_risk"] == Threshold(2, 6)


@pytest.fixture
def site_file_env(tmp_path, monkeypatch):
    path = tmp_path / "site-config.toml"
    monkeypatch.setenv("SUPPORT_CONSOLE_SITE_CONFIG", str(path))
    return path
