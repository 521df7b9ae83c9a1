"""Thailand's public holidays ship with the install and drive the clock."""

from __future__ import annotations

import datetime as dt

from portal.models import Holiday
from portal.requests.holidays import ensure_national_holidays, national_holidays
from portal.requests.lifecycle import due_date

from .conftest import make_agency


def test_the_calendar_has_the_days_thai_offices_close():
    days = dict(national_holidays(2026))
    assert days[dt.date(2026, 4, 13)] == "วันสงกรานต์"
    assert dt.date(2026, 4, 15) in days
    assert "ปิยมหาราช" in days[dt.date(2026, 10, 23)]
    assert "พืชมงคล" in days[dt.date(2026, 5, 13)]            # government offices only
    # Lunar days move every year: Makha Bucha 2027 falls on a Sunday, so the
    # Monday after is the substitution day.
    days_2027 = dict(national_holidays(2027))
    assert "มาฆบูชา" in days_2027[dt.date(2027, 2, 21)]
    assert "ชดเชย" in days_2027[dt.date(2027, 2, 22)]


def test_each_year_is_written_once_and_edits_stay(app):
    with app.app_context():
        added = ensure_national_holidays([2026, 2027])
        assert added == len(national_holidays(2026)) + len(national_holidays(2027))
        assert Holiday.select().where(Holiday.agency.is_null()).count() == added
        # A clerk removes a day the cabinet moved; the next run must not bring it back.
        Holiday.delete().where(Holiday.day == dt.date(2026, 5, 13)).execute()
        assert ensure_national_holidays([2026, 2027]) == 0
        assert not Holiday.select().where(Holiday.day == dt.date(2026, 5, 13)).exists()


def test_the_shipped_holidays_move_due_dates(app):
    with app.app_context():
        agency = make_agency()
        ensure_national_holidays([2026, 2027])
        # Thu 9 Apr 2026 + 3 working days: Fri 10, (Sat, Sun), Mon 13–Wed 15
        # Songkran off → Thu 16 is day two, Fri 17 day three.
        assert due_date(agency, dt.date(2026, 4, 9), 3) == dt.date(2026, 4, 17)
        # Across the year end: Wed 30 Dec 2026 + 2: 31 Dec and 1 Jan off, weekend,
        # Mon 4 Jan, Tue 5 Jan.
        assert due_date(agency, dt.date(2026, 12, 30), 2) == dt.date(2027, 1, 5)


def test_upgrade_command_loads_this_year_and_next(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "public holidays added" in result.output
    with app.app_context():
        years = {h.day.year for h in Holiday.select().where(Holiday.agency.is_null())}
    from portal.thai import local_today

    this_year = local_today().year
    assert years == {this_year, this_year + 1}
    # BE years are accepted by the load command.
    result = runner.invoke(args=["holidays", "load", str(this_year + 2 + 543)])
    assert result.exit_code == 0 and "added: " in result.output
    assert not result.output.strip().endswith("added: 0")
