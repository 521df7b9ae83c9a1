"""The service-level clock: when a request is due, how the clock pauses, and
which requests are late.

Most services count working days (seed 000: "within 3-5 working days"); the
sub-district services count minutes of office hours (seed 004: 50 minutes).
A day target sets ``Request.due_date``; a minute target also sets
``Request.due_at`` (the moment, naive UTC) and ``due_date`` is that moment's
office date, so one index serves both in lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import peewee as pw
from flask import current_app
from flask_babel import gettext as _

from ..models import AgencyService, Request
from ..thai import UTC, to_local, utcnow
from .lifecycle import (
    WAITING_ON_STAFF,
    add_working_days,
    due_date,
    holidays_between,
    working_days_between,
)

if TYPE_CHECKING:
    from ..models import Agency
    from ..plugins.services import Service

DEFAULT_OFFICE_HOURS = "08:30-16:30"


def office_hours() -> tuple[dt.time, dt.time]:
    """Opening and closing time from ``OFFICE_HOURS`` (``08:30-16:30``)."""
    raw = current_app.config.get("OFFICE_HOURS") or DEFAULT_OFFICE_HOURS
    opens, closes = (dt.time.fromisoformat(p.strip()) for p in raw.split("-"))
    return opens, closes


def add_office_minutes(start: dt.datetime, minutes: int, is_workday: Callable[[dt.date], bool],
                       opens: dt.time, closes: dt.time) -> dt.datetime:
    """The moment ``minutes`` of office time after ``start`` (local, naive):
    a request sent at night starts counting when the office opens."""
    moment, left = start, dt.timedelta(minutes=minutes)
    while True:
        day = moment.date()
        if not is_workday(day) or moment.time() >= closes:
            moment = dt.datetime.combine(day + dt.timedelta(days=1), opens)
            continue
        moment = max(moment, dt.datetime.combine(day, opens))
        available = dt.datetime.combine(day, closes) - moment
        if left <= available:
            return moment + left
        left -= available
        moment = dt.datetime.combine(day + dt.timedelta(days=1), opens)


def office_minutes_between(first: dt.datetime, last: dt.datetime,
                           is_workday: Callable[[dt.date], bool],
                           opens: dt.time, closes: dt.time) -> int:
    """Minutes of office time from ``first`` to ``last`` (local, naive)."""
    total = dt.timedelta()
    day = first.date()
    while day <= last.date():
        if is_workday(day):
            start = max(first, dt.datetime.combine(day, opens))
            end = min(last, dt.datetime.combine(day, closes))
            if end > start:
                total += end - start
        day += dt.timedelta(days=1)
    return int(total.total_seconds() // 60)


def _workdays(agency: Agency, first: dt.date, span_days: int) -> Callable[[dt.date], bool]:
    off = holidays_between(agency, first, first + dt.timedelta(days=span_days))
    return lambda day: day.weekday() < 5 and day not in off


def _naive_local(moment: dt.datetime, tz: str) -> dt.datetime:
    return to_local(moment, tz).replace(tzinfo=None)


def _as_utc(local: dt.datetime, tz: str) -> dt.datetime:
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def targets(agency: Agency, service: Service) -> tuple[int, int | None]:
    """(working days, minutes or None): the agency's own figures over the
    service's defaults."""
    row = AgencyService.get_or_none((AgencyService.agency == agency)
                                    & (AgencyService.service_code == service.code))
    days = row.target_days if row and row.target_days else service.target_days
    minutes = row.target_minutes if row and row.target_minutes else service.target_minutes
    return days, minutes


def due_for(agency: Agency, service: Service, start: dt.datetime | None = None,
            ) -> tuple[dt.date, dt.datetime | None]:
    """(due date, due moment or None) for work starting at ``start`` (naive
    UTC, default now): on submission, forward and reopening."""
    tz = current_app.config["PORTAL_TIMEZONE"]
    local = _naive_local(start or utcnow(), tz)
    days, minutes = targets(agency, service)
    if not minutes:
        return due_date(agency, local.date(), days), None
    opens, closes = office_hours()
    # A 50-minute target never spans more than a long holiday; a month of
    # look-ahead covers any minute target that fits in office hours at all.
    span = 31 + minutes // 60
    due_local = add_office_minutes(local, minutes, _workdays(agency, local.date(), span),
                                   opens, closes)
    return due_local.date(), _as_utc(due_local, tz)


def paused(request: Request, returned_at: dt.datetime, back_at: dt.datetime,
           ) -> tuple[dt.date | None, dt.datetime | None]:
    """The due date (and moment) moved by the office time the request spent
    with the requester (both arguments naive UTC)."""
    if request.due_date is None:
        return None, None
    tz = current_app.config["PORTAL_TIMEZONE"]
    first, last = _naive_local(returned_at, tz), _naive_local(back_at, tz)
    agency = request.agency
    if request.due_at is not None:
        opens, closes = office_hours()
        span = (last.date() - first.date()).days
        lost = office_minutes_between(first, last, _workdays(agency, first.date(), span + 1),
                                      opens, closes)
        due_local = _naive_local(request.due_at, tz)
        moved = add_office_minutes(due_local, lost,
                                   _workdays(agency, due_local.date(), span + 31),
                                   opens, closes) if lost else due_local
        return moved.date(), _as_utc(moved, tz)
    lost = working_days_between(agency, first.date(), last.date())
    holidays = holidays_between(agency, request.due_date,
                                request.due_date + dt.timedelta(days=lost * 2 + 14))
    return add_working_days(request.due_date, lost, holidays), None


# ------------------------------------------------------------- lateness ---

_WAITING_ON_STAFF = [s.value for s in WAITING_ON_STAFF]


def late_clause(today: dt.date, now: dt.datetime) -> Any:
    """Open requests past due: an earlier due date, or today's due moment gone."""
    return (Request.status.in_(_WAITING_ON_STAFF)
            & ((Request.due_date < today)
               | ((Request.due_date == today) & (Request.due_at < now))))


def due_soon_query(today: dt.date, scope: Any) -> pw.ModelSelect:
    """Requests waiting on staff that are late or due by tomorrow, most
    urgent first, within ``scope`` (a staff scope clause or None for all)."""
    query = (Request.select()
             .where(Request.status.in_(_WAITING_ON_STAFF)
                    & (Request.due_date <= today + dt.timedelta(days=1)))
             .order_by(Request.due_date, Request.due_at, Request.id))
    return query.where(scope) if scope is not None else query


def lateness(request: Request, today: dt.date, now: dt.datetime) -> str:
    """How late, for people: "3 days" or "1 h 20 min"; "" when not late."""
    if request.due_at is not None and request.due_at < now:
        minutes = int((now - request.due_at).total_seconds() // 60)
        if minutes >= 24 * 60:
            return _("%(n)s days", n=minutes // (24 * 60))
        hours, minutes = divmod(minutes, 60)
        return (_("%(h)s h %(m)s min", h=hours, m=minutes) if hours
                else _("%(m)s min", m=minutes))
    if request.due_at is None and request.due_date is not None and request.due_date < today:
        return _("%(n)s days", n=(today - request.due_date).days)
    return ""
