"""Demo business hours: an office calendar with a lunch break and the public holidays of the
demo's country, a 24x5 calendar, and status histories with waiting periods."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import holidays as public_holidays

from core.timeutil import US_PER_MINUTE, US_PER_SECOND, from_us

DEMO_ZONE = "Europe/Berlin"
DEMO_COUNTRY, DEMO_REGION = "DE", "BE"
OFFICE = "09:00-12:30 13:30-18:00"
ALL_DAY = "00:00-24:00"
CALENDARS = (
    ("office", DEMO_ZONE, OFFICE, OFFICE, OFFICE, OFFICE, OFFICE, "", ""),
    ("weekdays-24h", DEMO_ZONE, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, "", ""),
)
# Which policies follow which calendar (the others run around the clock).
POLICY_CALENDARS = {
    ("ticket", "low"): "office", ("ticket", "medium"): "office",
    ("dispute", "low"): "office", ("dispute", "medium"): "office", ("dispute", "high"): "office",
    ("order", "low"): "weekdays-24h", ("order", "medium"): "weekdays-24h",
}


def demo_holidays(now_us: int, history_days: int) -> list[tuple[str, str, str]]:
    """(calendar, date, name) of the office calendar: the region's public holidays over the
    demo's years and the next one."""
    last = from_us(now_us).year
    first = from_us(now_us - history_days * 86_400 * US_PER_SECOND).year
    found = public_holidays.country_holidays(DEMO_COUNTRY, subdiv=DEMO_REGION,
                                             years=range(first, last + 2))
    return [("office", day.isoformat(), name) for day, name in sorted(found.items())]


def demo_histories(rng: random.Random, items: list[tuple[Any, ...]],
                   now_us: int) -> Iterator[tuple[str, str, int]]:
    """(item_id, status, changed_at) histories for about a third of the items: picked up, a
    wait for the customer now and then, and the final status; an item's last change is
    its status."""
    for item_id, _kind, _subject, _priority, status, _assignee, created, responded, resolved, \
            *_teams in items:
        if status != "waiting" and rng.random() < 0.65:
            continue
        end = resolved if resolved is not None else now_us
        start = responded if responded is not None else created + (end - created) // 4
        if not created <= start < end:
            continue
        changes = [(start, "in_progress")]
        at = start
        for _ in range(rng.choice((1, 1, 2))):
            pause_start = at + int(rng.random() * (end - at) * 0.6)
            if pause_start <= at:
                break
            pause_end = pause_start + max(US_PER_MINUTE, int(rng.random() * (end - pause_start)))
            changes.append((pause_start, "waiting"))
            if pause_end >= end:
                break
            changes.append((pause_end, "in_progress"))
            at = pause_end
        last_status = changes[-1][1]
        if status in ("resolved", "closed"):
            changes.append((resolved, status))
        elif status != last_status:
            changes.append((max(changes[-1][0] + US_PER_SECOND, min(end, now_us)), status))
        by_second: dict[int, str] = {}  # a later change in the same second wins
        for changed_at, change in changes:
            by_second[max(created, changed_at - changed_at % US_PER_SECOND)] = change
        for changed_at in sorted(by_second):
            yield item_id, by_second[changed_at], changed_at
