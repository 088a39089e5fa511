"""Where a calendar's holidays come from: a country's (and region's) public holidays (the
`holidays` package, Open World Holidays) or an iCalendar file (the `icalendar` package)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.errors import BadInput


def countries() -> dict[str, list[str]]:
    """Country code -> its region codes, as the holidays package knows them."""
    import holidays

    return {code: list(regions) for code, regions
            in sorted(holidays.list_supported_countries().items())}


def public_holidays(country: str, region: str | None, year: int) -> list[tuple[date, str]]:
    import holidays

    try:
        found = holidays.country_holidays(country, subdiv=region or None, years=year)
    except NotImplementedError:
        raise BadInput(f"no public holidays known for country {country!r}")
    except ValueError as exc:  # an unknown region
        raise BadInput(f"{country}: {exc}")
    return sorted(found.items())


def ics_holidays(data: bytes, source: str = "the file") -> list[tuple[date, str]]:
    """Every day an iCalendar file's events cover (all-day events: DTEND exclusive)."""
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except ValueError as exc:
        raise BadInput(f"{source}: not an iCalendar file ({exc})")
    days: dict[date, str] = {}
    for event in calendar.walk("VEVENT"):
        start = event.get("DTSTART")
        if start is None:
            continue
        first = _day(start.dt)
        end = event.get("DTEND")
        last = first if end is None else max(first, _day(end.dt) - timedelta(days=1)) \
            if not isinstance(end.dt, datetime) else _day(end.dt)
        name = str(event.get("SUMMARY", "")).strip()
        day = first
        while day <= last:
            days.setdefault(day, name)
            day += timedelta(days=1)
    if not days:
        raise BadInput(f"{source}: no events with a date")
    return sorted(days.items())


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
