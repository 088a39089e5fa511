"""The SLA rule, once, as SQL expressions over items LEFT JOIN sla_policies.

Instants are integer microseconds, so due instants are plain integer sums and the same
SQL runs on SQLite and PostgreSQL. An item whose clock follows a calendar or pauses has
its due and warn instants stored (core.due_store); the others have NULL there and get the
plain rule, created_at + minutes, computed here.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, and_, case, func, literal, or_
from sqlalchemy.sql import ColumnElement

from core.schema import items, sla_policies
from core.sql_types import AnySelect
from core.timeutil import US_PER_MINUTE


def _us(value: int) -> ColumnElement[int]:
    return literal(value, BigInteger)


def response_due() -> ColumnElement[int]:
    return func.coalesce(
        items.c.response_due_at,
        items.c.created_at + sla_policies.c.first_response_minutes * _us(US_PER_MINUTE))


def resolution_due() -> ColumnElement[int]:
    return func.coalesce(
        items.c.resolution_due_at,
        items.c.created_at + sla_policies.c.resolution_minutes * _us(US_PER_MINUTE))


def effective_response() -> ColumnElement[int]:
    """The first response, or the resolution when none was recorded."""
    return func.coalesce(items.c.first_response_at, items.c.resolved_at)


def with_policy(query: AnySelect) -> AnySelect:
    """Join each item to the policy of its (kind, priority), if any."""
    return query.outerjoin(
        sla_policies, and_(sla_policies.c.kind == items.c.kind, sla_policies.c.priority == items.c.priority)
    )


def is_tracked() -> ColumnElement[bool]:
    return sla_policies.c.kind.is_not(None)


def response_breached(now_us: int) -> ColumnElement[bool]:
    """Later than due, or none yet and now is past due (exactly at due is not a breach):
    the response - or now, while there is none - is after due. Never NULL, so NOT works."""
    return and_(
        sla_policies.c.first_response_minutes.is_not(None),
        func.coalesce(items.c.first_response_at, items.c.resolved_at, _us(now_us))
        > response_due(),
    )


def resolution_breached(now_us: int) -> ColumnElement[bool]:
    return and_(
        sla_policies.c.resolution_minutes.is_not(None),
        func.coalesce(items.c.resolved_at, _us(now_us)) > resolution_due(),
    )


def is_breached(now_us: int) -> ColumnElement[bool]:
    return or_(response_breached(now_us), resolution_breached(now_us))


def _reached(minutes: ColumnElement[int], warn_at: ColumnElement[int], now_us: int,
             warn_percent: float) -> ColumnElement[bool]:
    """Running time has reached warn_percent of the target. Stored: now is at or after the
    stored warn instant (computed with the database's warn percent, core.due_store). Plain:
    elapsed*100 >= warn*target, kept in integers (warn in tenths of a percent) so the
    boundary is exact. Never NULL."""
    warn_tenths = round(warn_percent * 10)
    elapsed = _us(now_us) - items.c.created_at
    plain = elapsed * 1000 >= minutes * _us(US_PER_MINUTE * warn_tenths)
    return or_(and_(warn_at.is_(None), plain),
               and_(warn_at.is_not(None), warn_at <= _us(now_us)))


def response_at_risk(now_us: int, warn_percent: float) -> ColumnElement[bool]:
    return and_(
        sla_policies.c.first_response_minutes.is_not(None),
        effective_response().is_(None),
        _us(now_us) <= response_due(),
        _reached(sla_policies.c.first_response_minutes, items.c.response_warn_at, now_us,
                 warn_percent),
    )


def resolution_at_risk(now_us: int, warn_percent: float) -> ColumnElement[bool]:
    return and_(
        sla_policies.c.resolution_minutes.is_not(None),
        items.c.resolved_at.is_(None),
        _us(now_us) <= resolution_due(),
        _reached(sla_policies.c.resolution_minutes, items.c.resolution_warn_at, now_us,
                 warn_percent),
    )


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END): portable conditional count."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)
