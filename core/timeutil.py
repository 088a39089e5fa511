"""Time helpers: instants are stored as integer microseconds since the epoch (UTC)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import BadInput

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch (exact, no float)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * US_PER_SECOND + delta.microseconds


def from_us(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(value))


def iso_utc(value: int | None) -> str | None:
    """Microseconds as an ISO 8601 string in UTC, e.g. 2026-11-30T10:00:00+00:00."""
    return None if value is None else from_us(value).isoformat()


def zone(name: str | None) -> ZoneInfo:
    """The named IANA time zone; None means the machine's zone."""
    if not name:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise BadInput(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)")


def local_zone() -> ZoneInfo:
    """The machine's time zone (tzlocal reads TZ, /etc/localtime or Windows' registry),
    UTC when it cannot be told."""
    import warnings

    import tzlocal

    try:
        with warnings.catch_warnings():
            # It warns when the zone's offset and the system clock's differ: not ours to fix.
            warnings.simplefilter("ignore")
            found = tzlocal.get_localzone()
        key = getattr(found, "key", None)
        return ZoneInfo(key) if key else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError, LookupError, OSError):
        return ZoneInfo("UTC")


def parse_hhmm(text: str) -> time:
    """'22:30' as a time of day; anything else (also '24:00' or '7:5') is refused."""
    try:
        if len(text.strip()) != 5:
            raise ValueError(text)
        return datetime.strptime(text.strip(), "%H:%M").time()
    except (ValueError, AttributeError):
        raise ValueError(f"not a time of day (HH:MM): {text!r}")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_weekly(text: str) -> tuple[int, time]:
    """'mon 08:00' (or 'Monday 08:00') as (weekday, 0 = Monday; time of day)."""
    day, _, hhmm = text.strip().partition(" ")
    if day.lower()[:3] not in WEEKDAYS:
        raise ValueError(f"not a weekday and HH:MM (e.g. 'mon 08:00'): {text!r}")
    return WEEKDAYS.index(day.lower()[:3]), parse_hhmm(hhmm)


def parse_time(text: str, default_zone: ZoneInfo | timezone = UTC) -> datetime:
    """ISO 8601 to an aware datetime; a time without offset is read in default_zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"not an ISO 8601 time: {text!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_zone)
    return moment


def parse_now(text: str | None) -> int:
    """The --now option (or the real clock) as microseconds."""
    if text is None:
        return to_us(datetime.now(UTC))
    try:
        return to_us(parse_time(text))
    except ValueError as exc:
        raise BadInput(f"the clock: {exc}", subject="now")


def local_midnight_us(day: date, tz: ZoneInfo) -> int:
    """The instant local midnight starts on `day` in tz."""
    return to_us(datetime(day.year, day.month, day.day, tzinfo=tz))


def local_date(value_us: int, tz: ZoneInfo) -> date:
    return from_us(value_us).astimezone(tz).date()


def period_starts(now_us: int, tz: ZoneInfo) -> dict[str, int]:
    """Start of today, of this week (Monday 00:00) and of this month, local to tz."""
    today = local_date(now_us, tz)
    monday = today - timedelta(days=today.weekday())
    return {
        "today": local_midnight_us(today, tz),
        "week": local_midnight_us(monday, tz),
        "month": local_midnight_us(today.replace(day=1), tz),
    }


def round_or_none(value: float | None, digits: int) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)
