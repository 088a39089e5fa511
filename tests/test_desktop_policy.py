"""Which alerts are news, quiet hours, the pause and the summary (core.notify_policy, no Qt)."""

from zoneinfo import ZoneInfo

import pytest

from core.access import Actor
from core.db import session_scope
from core.notify_policy import (
    SUMMARY_THRESHOLD,
    active_breach_count,
    in_quiet_hours,
    latest_alert_id,
    new_alerts,
    notices_for,
    silenced_reason,
)
from core.settings import Settings
from core.timeutil import US_PER_MINUTE, parse_now
from jobs.check_sla_breaches import run_check_sla_breaches
from tests.desktop_helpers import NOW, breach_now, team_engine

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("when, start, end, quiet", [
    ("2026-11-30T21:30:00+00:00", "22:00", "07:00", True),  # 22:30 in Berlin
    ("2026-11-30T05:59:00+00:00", "22:00", "07:00", True),  # 06:59
    ("2026-11-30T06:00:00+00:00", "22:00", "07:00", False),  # 07:00: over
    ("2026-11-30T11:00:00+00:00", "12:00", "13:00", True),
    ("2026-11-30T11:00:00+00:00", "", "13:00", False),
    ("2026-11-30T11:00:00+00:00", "12:00", "12:00", False),
])
def test_quiet_hours_are_local_and_may_wrap_past_midnight(when, start, end, quiet):
    assert in_quiet_hours(parse_now(when), start, end, BERLIN) is quiet


def test_silenced_reasons():
    common = {"quiet_start": "", "quiet_end": "", "tz": BERLIN}
    assert silenced_reason(NOW, enabled=False, paused_until_us=None, **common)
    assert silenced_reason(NOW, enabled=True, paused_until_us=NOW + US_PER_MINUTE,
                           **common) == "notifications are paused"
    assert silenced_reason(NOW, enabled=True, paused_until_us=NOW, **common) is None


def test_many_alerts_make_one_summary():
    alerts = [{"id": n, "kind": "breach", "item_id": f"T{n}", "message": "m"}
              for n in range(1, SUMMARY_THRESHOLD + 3)]
    assert len(notices_for(alerts[:SUMMARY_THRESHOLD])) == SUMMARY_THRESHOLD
    (summary,) = notices_for(alerts)
    assert summary.summary == f"{len(alerts)} new SLA breaches"
    assert summary.item_ids == tuple(f"T{n}" for n in range(1, len(alerts) + 1))
    (one,) = notices_for(alerts[:1])
    assert one.summary == "SLA breach: T1" and one.item_ids == ("T1",)
    both_targets = [{"id": 1, "kind": "breach", "item_id": "T1", "message": "first response"},
                    {"id": 2, "kind": "breach", "item_id": "T1", "message": "resolution"}]
    (grouped,) = notices_for(both_targets)
    assert grouped.body == "first response\nresolution" and grouped.alert_ids == (1, 2)


def test_new_alerts_are_those_after_the_watermark_for_that_person(sqlite_url):
    engine = team_engine(sqlite_url)
    with session_scope(engine) as session:
        seen = latest_alert_id(session, "admin")
    breach_now(engine, "T-NEW", assignee="agent001")
    run_check_sla_breaches(engine, NOW, Settings())
    with session_scope(engine) as session:
        fresh = new_alerts(session, "admin", seen)
        assert [(a["kind"], a["item_id"]) for a in fresh] == [("breach", "T-NEW")]
        assert new_alerts(session, "admin", latest_alert_id(session, "admin")) == []
        assert [a["item_id"] for a in new_alerts(session, "agent001", 0)] == ["T-NEW"]
        assert new_alerts(session, "agent002", 0) == []
        lead = Actor("admin", "admin")
        assert active_breach_count(session, lead, NOW, 80.0) == 1
        assert active_breach_count(session, Actor("agent002", "agent"), NOW, 80.0) == 0
    engine.dispose()
