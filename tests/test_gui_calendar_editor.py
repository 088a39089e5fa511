"""The calendar editor: checks as on import with the reason next to the field, holidays from
the holidays package and from an .ics file, and saving recomputes the affected due instants."""

from datetime import date

import pytest

from console.views.calendar_editor import CalendarEditor
from core.access import LOCAL_OPERATOR
from core.calendar_store import CalendarValues, InvalidCalendar, list_calendars, save_calendar
from core.db import make_engine
from core.due import NO_DUE_AT
from tests.gui_helpers import build_demo_database

pytestmark = pytest.mark.gui
OFFICE = "09:00-12:30 13:30-18:00"
ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:1
DTSTART;VALUE=DATE:20261224
DTEND;VALUE=DATE:20261227
SUMMARY:Christmas break
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def editor(qtbot):
    widget = CalendarEditor(default_zone="Europe/Berlin")
    qtbot.addWidget(widget)
    widget.load(CalendarValues("office", "Europe/Berlin",
                               {d: OFFICE for d in ("mon", "tue", "wed", "thu", "fri")},
                               [(date(2026, 12, 25), "Christmas Day")]))
    return widget


def test_values_round_trip_and_reasons_show_next_to_the_field(editor):
    assert editor.check()
    values = editor.values()
    assert values.days["mon"] == OFFICE and values.days["sat"] == ""
    assert values.holidays == [("2026-12-25", "Christmas Day")]
    editor.day_edits["tue"].setText("18:00-09:00")
    editor.zone_combo.setCurrentText("Mars/Olympus")
    assert not editor.check()
    assert editor.errors["tue"].isVisibleTo(editor)
    assert "ends before it starts" in editor.errors["tue"].text()
    assert "unknown time zone" in editor.errors["time_zone"].text()
    assert not editor.errors["mon"].isVisibleTo(editor)


def test_public_holidays_and_ics_fill_the_list_once(editor, tmp_path):
    added = editor.fill_public_holidays("DE", "BE", 2026)
    days = [day for day, _name in editor.values().holidays]
    assert added >= 9 and "2026-10-03" in days  # German Unity Day
    assert days.count("2026-12-25") == 1 and days == sorted(days)
    path = tmp_path / "break.ics"
    path.write_bytes(ICS)
    assert editor.import_ics(path) == 1  # the 24th; the 25th and 26th were there already
    assert ("2026-12-24", "Christmas break") in editor.values().holidays
    path.write_bytes(b"not a calendar")
    assert editor.import_ics(path) == 0
    assert "iCalendar" in editor.errors["holidays"].text()


def test_saving_recomputes_the_items_of_the_policies_using_it(sqlite_url):
    build_demo_database(sqlite_url)
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        office = next(c for c in list_calendars(conn) if c.id == "office")
        before = dict(conn.exec_driver_sql("SELECT id, response_due_at FROM items").all())
    office.days = {**office.days, "sat": "10:00-14:00"}
    changed = save_calendar(engine, LOCAL_OPERATOR, office)
    with engine.connect() as conn:
        after = dict(conn.exec_driver_sql("SELECT id, response_due_at FROM items").all())
    moved = {i for i in after if after[i] != before[i]}
    assert changed >= len(moved) > 0
    assert all(after[i] is None or after[i] <= (before[i] or NO_DUE_AT) for i in moved)
    office.days = {d: "" for d in office.days}
    with pytest.raises(InvalidCalendar) as refused:
        save_calendar(engine, LOCAL_OPERATOR, office)
    assert refused.value.problems == {"week": "the calendar is never open"}
    engine.dispose()
