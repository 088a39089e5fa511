"""Medians and P90s (docs/rules.md, Distributions) against hand-computed lists."""

from __future__ import annotations

from tests.rules_helpers import NOW, D, H, M, agent, hours, item, load, report

AGENTS = [agent("odd"), agent("even"), agent("one"), agent("none"), agent("lead1", "lead")]


def with_responses(prefix, assignee, response_minutes, created=NOW - 3 * D):
    """Open tickets answered after the given minutes (no resolution)."""
    return [item(f"{prefix}{i}", created, assignee=assignee, first_response=created + m * M)
            for i, m in enumerate(response_minutes)]


def with_resolutions(prefix, assignee, resolution_hours, created=NOW - 3 * D):
    return [item(f"{prefix}{i}", created, assignee=assignee, resolved=created + h * H)
            for i, h in enumerate(resolution_hours)]


def spread_items():
    return [
        # odd: responses 60, 120, 180, 240, 600 minutes (given out of order).
        *with_responses("o", "odd", [240, 60, 600, 120, 180]),
        # even: resolutions 1, 2, 3, 10 hours.
        *with_resolutions("e", "even", [10, 1, 3, 2]),
        # one: a single response of 90 minutes and a single resolution of 5 hours.
        *with_responses("r", "one", [90]),
        *with_resolutions("s", "one", [5]),
        # none: an open ticket without any response; and a dispute (not handled).
        item("n0", NOW - D, assignee="none"),
        item("n1", NOW - D, kind="dispute", assignee="none", first_response=NOW - D + H),
    ]


def test_percentiles_of_odd_and_even_counts_one_value_and_none(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=AGENTS, items=spread_items())

    odd = report(capsys, db_url, "performance", agent="odd")
    # sorted 1, 2, 3, 4, 10 h: median at h = 2 -> 3 h; p90 at h = 3.6 -> 4 + 0.6 * 6 = 7.6 h
    assert odd["median_response_time_hours"] == hours(3.0)
    assert odd["p90_response_time_hours"] == hours(7.6)
    assert odd["median_resolution_time_hours"] is None
    assert odd["p90_resolution_time_hours"] is None

    even = report(capsys, db_url, "performance", agent="even")
    # sorted 1, 2, 3, 10 h: median at h = 1.5 -> 2.5 h; p90 at h = 2.7 -> 3 + 0.7 * 7 = 7.9 h
    assert even["median_resolution_time_hours"] == hours(2.5)
    assert even["p90_resolution_time_hours"] == hours(7.9)
    # a resolved ticket without a response: no response time, like the mean
    assert even["median_response_time_hours"] is None

    one = report(capsys, db_url, "performance", agent="one")
    assert one["median_response_time_hours"] == hours(1.5)
    assert one["p90_response_time_hours"] == hours(1.5)
    assert one["median_resolution_time_hours"] == hours(5.0)
    assert one["p90_resolution_time_hours"] == hours(5.0)

    none = report(capsys, db_url, "performance", agent="none")
    assert none["tickets_handled"] == 1
    for field in ("median_response_time_hours", "p90_response_time_hours",
                  "median_resolution_time_hours", "p90_resolution_time_hours"):
        assert none[field] is None

    team = report(capsys, db_url, "performance")
    # responses 1, 1.5, 2, 3, 4, 10 h: median at 2.5 -> 2.5 h; p90 at 4.5 -> 4 + 0.5 * 6 = 7 h
    assert team["median_response_time_hours"] == hours(2.5)
    assert team["p90_response_time_hours"] == hours(7.0)
    # resolutions 1, 2, 3, 5, 10 h: median 3 h; p90 at 3.6 -> 5 + 0.6 * 5 = 8 h
    assert team["median_resolution_time_hours"] == hours(3.0)
    assert team["p90_resolution_time_hours"] == hours(8.0)


def test_comparison_rows_carry_each_agents_percentiles(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=AGENTS, items=spread_items())
    rows = {row["agent_id"]: row for row in report(capsys, db_url, "comparison")["agents"]}
    assert set(rows) == {"odd", "even", "one", "none"}
    assert rows["odd"]["median_response_time_hours"] == hours(3.0)
    assert rows["odd"]["p90_response_time_hours"] == hours(7.6)
    assert rows["even"]["p90_resolution_time_hours"] == hours(7.9)
    assert rows["one"]["median_resolution_time_hours"] == hours(5.0)
    assert rows["none"]["median_response_time_hours"] is None


def test_each_week_of_performance_trends_has_its_own_percentiles(capsys, db_url, tmp_path):
    # days=14: week 1 is (NOW-14d, NOW-7d], week 2 (NOW-7d, NOW].
    week1 = with_responses("w1-", "odd", [30, 90], created=NOW - 10 * D)
    week2 = with_responses("w2-", "odd", [60, 120, 600], created=NOW - 2 * D)
    load(capsys, db_url, tmp_path / "in", agents=AGENTS, items=week1 + week2)
    weeks = report(capsys, db_url, "performance-trends", days=14)["trends"]
    assert [w["week"] for w in weeks] == [1, 2]
    # week 1: 0.5, 1.5 h -> median 1 h, p90 at 0.9 -> 0.5 + 0.9 = 1.4 h
    assert weeks[0]["median_response_time_hours"] == hours(1.0)
    assert weeks[0]["p90_response_time_hours"] == hours(1.4)
    # week 2: 1, 2, 10 h -> median 2 h, p90 at 1.8 -> 2 + 0.8 * 8 = 8.4 h
    assert weeks[1]["median_response_time_hours"] == hours(2.0)
    assert weeks[1]["p90_response_time_hours"] == hours(8.4)
    assert weeks[1]["median_resolution_time_hours"] is None
