"""When each job runs: APScheduler triggers from Settings, and the period a run belongs to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.settings import Settings
from core.timeutil import US_PER_MINUTE, from_us, to_us, zone
from jobs.registry import JobSpec

# Interval triggers count from the epoch, so every console fires at the same instants
# (:00, :05, ...) and the lease of a period is contended at once, not minutes apart.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _daily_at(spec: JobSpec, settings: Settings) -> tuple[int, int]:
    """(hour, minute) of a job run daily: every job is run every N minutes, weekly or daily."""
    at = spec.daily_at(settings)
    if at is None:
        raise ValueError(f"{spec.name} has no interval, weekly time or time of day")
    return at


def trigger_for(spec: JobSpec, settings: Settings) -> IntervalTrigger | CronTrigger:
    minutes = spec.interval_minutes(settings)
    if minutes is not None:
        return IntervalTrigger(minutes=minutes, start_date=EPOCH, timezone=UTC)
    weekly = spec.weekly_at(settings)
    if weekly is not None:
        weekday, hour, minute = weekly
        return CronTrigger(day_of_week=weekday, hour=hour, minute=minute,
                           timezone=zone(settings.timezone))
    hour, minute = _daily_at(spec, settings)
    return CronTrigger(hour=hour, minute=minute, timezone=zone(settings.timezone))


def describe_schedule(spec: JobSpec, settings: Settings) -> str:
    minutes = spec.interval_minutes(settings)
    if minutes is not None:
        return f"every {minutes} minutes"
    weekly = spec.weekly_at(settings)
    if weekly is not None:
        weekday, hour, minute = weekly
        return (f"weekly on {WEEKDAY_NAMES[weekday]} at {hour:02d}:{minute:02d} "
                f"({zone(settings.timezone).key})")
    hour, minute = _daily_at(spec, settings)
    return f"daily at {hour:02d}:{minute:02d} ({zone(settings.timezone).key})"


def current_period(spec: JobSpec, now_us: int, settings: Settings) -> tuple[str, int]:
    """(lease key, start) of the scheduled period `now` falls in: the latest fire instant
    at or before now. Every console computes the same key for the same period."""
    minutes = spec.interval_minutes(settings)
    if minutes is not None:
        length = minutes * US_PER_MINUTE
        start = now_us - now_us % length
        return from_us(start).isoformat(), start
    weekly = spec.weekly_at(settings)
    weekday: int | None = None
    if weekly is not None:
        weekday, hour, minute = weekly
    else:
        hour, minute = _daily_at(spec, settings)
    tz = zone(settings.timezone)
    local_now = from_us(now_us).astimezone(tz)
    fire = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if weekday is not None:
        fire = (fire - timedelta(days=(fire.weekday() - weekday) % 7)).replace(
            hour=hour, minute=minute)
    if fire > local_now:
        step = timedelta(days=1 if weekday is None else 7)
        fire = (fire - step).replace(hour=hour, minute=minute)
    return fire.date().isoformat(), to_us(fire)


def next_run_us(spec: JobSpec, settings: Settings, now_us: int) -> int | None:
    """The next fire instant strictly after now, from the same trigger the scheduler uses."""
    moment = from_us(now_us + 1)
    fire = trigger_for(spec, settings).get_next_fire_time(None, moment)
    return None if fire is None else to_us(fire)
