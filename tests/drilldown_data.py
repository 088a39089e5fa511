"""The mixed data set of the drill-down and what-if tests (tickets, disputes and an order
over two weeks, with breaches, at-risk items and unassigned work)."""

from tests.rules_helpers import NOW, D, H, M, agent, item, policy

AGENTS = [agent("a1"), agent("a2"), agent("lead1", "lead")]
POLICIES = [policy("ticket", "high", response=60, resolution=480),
            policy("dispute", "urgent", response=30)]


def mixed_items():
    return [
        # week 1 of 14 days is (NOW-14d, NOW-7d], week 2 (NOW-7d, NOW].
        item("t1", NOW - 10 * D, priority="high", assignee="a1",
             first_response=NOW - 10 * D + 30 * M, resolved=NOW - 10 * D + 4 * H),  # on time
        item("t2", NOW - 9 * D, priority="high", assignee="a1",
             first_response=NOW - 9 * D + 2 * H, resolved=NOW - 9 * D + 5 * H),  # late response
        item("t3", NOW - 2 * D, priority="high", assignee="a2"),  # open, breached
        item("t4", NOW - 7 * H, priority="high", assignee="a1",
             first_response=NOW - 7 * H + 10 * M),  # open, at risk (7 of 8 h)
        item("t5", NOW - D, priority="low"),  # untracked, unassigned, open
        item("t6", NOW - 20 * D, priority="high", assignee="a2"),  # out of the window, breached
        item("d1", NOW - 3 * D, kind="dispute", priority="urgent", assignee="a2",
             first_response=NOW - 3 * D + 10 * M, resolved=NOW - 2 * D),  # on time, not a ticket
        item("d2", NOW - 25 * M, kind="dispute", priority="urgent"),  # open, at risk (25 of 30)
        item("o1", NOW - 12 * D, kind="order", priority="medium", assignee="lead1",
             resolved=NOW - 11 * D),
    ]
