"""Which alerts are new for a person, when not to notify, and how many become one summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from core.access import Actor
from core.breaches import open_sla_counts
from core.timeutil import from_us, parse_hhmm

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

NOTIFIED_KINDS = ("breach", "reassigned")
SUMMARY_THRESHOLD = 3  # more new alerts than this at once: one summary notification
PAUSE_MINUTES = 60


@dataclass(frozen=True)
class Notice:
    """One desktop notification: what it says and which items a click opens."""

    summary: str
    body: str
    item_ids: tuple[str, ...] = field(default=())
    alert_ids: tuple[int, ...] = field(default=())


def _quiet_bound(text: str) -> time | None:
    return parse_hhmm(text) if (text or "").strip() else None


def in_quiet_hours(now_us: int, start: str, end: str, tz: ZoneInfo) -> bool:
    """True inside [start, end) local time; a window may wrap past midnight."""
    begin, finish = _quiet_bound(start), _quiet_bound(end)
    if begin is None or finish is None or begin == finish:
        return False
    local = from_us(now_us).astimezone(tz).time().replace(tzinfo=None)
    if begin < finish:
        return begin <= local < finish
    return local >= begin or local < finish


def silenced_reason(now_us: int, *, enabled: bool, quiet_start: str, quiet_end: str,
                    tz: ZoneInfo, paused_until_us: int | None) -> str | None:
    """Why no desktop notification may be shown now, or None when one may."""
    if not enabled:
        return "notifications are turned off in the settings"
    if paused_until_us is not None and now_us < paused_until_us:
        return "notifications are paused"
    if in_quiet_hours(now_us, quiet_start, quiet_end, tz):
        return "quiet hours"
    return None


def latest_alert_id(session: Session, recipient_id: str | None) -> int:
    """The newest alert id of a person (0 for none): alerts up to it are not news."""
    if recipient_id is None:
        return 0
    from core.alerts import list_alerts  # the ORM: not on the console's way to its window

    newest = list_alerts(session, recipient_id, limit=1)
    return int(newest[0]["id"]) if newest else 0


def new_alerts(session: Session, recipient_id: str | None, after_id: int) -> list[dict[str, Any]]:
    """The person's breach and reassignment alerts newer than after_id, oldest first."""
    if recipient_id is None:
        return []
    from core.alerts import list_alerts

    fresh = list_alerts(session, recipient_id, after_id=after_id, limit=1000)
    return [alert for alert in reversed(fresh) if alert["kind"] in NOTIFIED_KINDS]


def _one(alerts: list[dict[str, Any]]) -> Notice:
    """One item's alerts (e.g. both targets breached at once) as one notice."""
    first = alerts[0]
    item = first.get("item_id") or "an item"
    if first["kind"] == "reassigned":
        summary = f"Reassigned to you: {item}"
    else:
        summary = f"SLA breach: {item}"
    body = "\n".join(dict.fromkeys(a.get("message") or "" for a in alerts if a.get("message")))
    items = (first["item_id"],) if first.get("item_id") else ()
    return Notice(summary, body, items, tuple(a["id"] for a in alerts))


def notices_for(alerts: list[dict[str, Any]]) -> list[Notice]:
    """One notice per item, or one summary when more than SUMMARY_THRESHOLD items are new."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for alert in alerts:
        key = (alert["kind"], alert.get("item_id") or f"alert-{alert['id']}")
        groups.setdefault(key, []).append(alert)
    if len(groups) <= SUMMARY_THRESHOLD:
        return [_one(group) for group in groups.values()]
    breaches = sum(1 for kind, _item in groups if kind == "breach")
    moved = len(groups) - breaches
    parts = []
    if breaches:
        parts.append(f"{breaches} new SLA breach{'es' if breaches != 1 else ''}")
    if moved:
        parts.append(f"{moved} item{'s' if moved != 1 else ''} reassigned to you")
    items = tuple(dict.fromkeys(a["item_id"] for a in alerts if a.get("item_id")))
    shown = ", ".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")
    return [Notice(" and ".join(parts), shown, items, tuple(a["id"] for a in alerts))]


def breach_scope(actor: Actor) -> str | None:
    """Whose breaches the tray counts: a lead's the team's, an agent's their own."""
    return None if actor.is_supervisor else actor.id


def active_breach_count(session: Session, actor: Actor, now_us: int, warn_percent: float) -> int:
    """Open items breached now that the signed-in person is responsible for."""
    counts = open_sla_counts(session, now_us, breach_scope(actor), warn_percent)
    return counts["active_breaches"]
