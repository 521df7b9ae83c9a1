"""Thailand's public holidays for the service-level clock.

The dates come from the ``holidays`` package (its lunar Buddhist days and
substitution days follow the cabinet's announcements), written once per year
into the editable ``holiday`` table: the clock reads only the table, so a
clerk's correction or a cabinet's extra day off counts at once, and a year is
never written twice — a day an admin deleted stays deleted.
"""

from __future__ import annotations

import datetime as dt

import holidays as holiday_calendars

from ..db import database
from ..models import Holiday
from ..thai import local_today

# Government offices close on public holidays and on the government-only
# days (วันพืชมงคล).
CATEGORIES = ("public", "government")


def national_holidays(year: int) -> list[tuple[dt.date, str]]:
    """(day, Thai name) of every nationwide day off in ``year`` (CE)."""
    calendar = holiday_calendars.country_holidays(
        "TH", years=year, categories=CATEGORIES, language="th")
    return sorted((day, name[:255]) for day, name in calendar.items())


def ensure_national_holidays(years: list[int] | None = None) -> int:
    """Write each year's nationwide holidays unless that year has some
    already; ``years`` defaults to this year and next. Returns rows added."""
    if years is None:
        this_year = local_today().year
        years = [this_year, this_year + 1]
    added = 0
    for year in years:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        with database.atomic():
            if Holiday.select().where(Holiday.agency.is_null()
                                      & Holiday.day.between(start, end)).exists():
                continue
            rows = [{"agency": None, "day": day, "name": name}
                    for day, name in national_holidays(year)]
            Holiday.insert_many(rows).execute()
            added += len(rows)
    return added
