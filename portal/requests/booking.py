"""Booking rooms, halls and executives' time without double booking.

A booking holds its resource while its request is pending or completed; a
returned or cancelled request frees the time at once, because the check reads
the request's status instead of a flag that could drift from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw
from flask_babel import lazy_gettext as _l

from ..db import database, supports_row_locks
from ..models import Booking, Request, Resource, ResourceHours
from .lifecycle import Status

HOLDING = (Status.SUBMITTED, Status.IN_PROGRESS, Status.RESUBMITTED, Status.COMPLETED)


class BookingConflict(ValueError):
    """The time asked for is taken; ``str()`` is the message for the person."""


@dataclass(frozen=True)
class Span:
    """Every day from ``start_date`` to ``end_date``, ``start_time``–``end_time``."""

    start_date: dt.date
    end_date: dt.date
    start_time: dt.time
    end_time: dt.time

    def problem(self) -> str | None:
        if self.end_date < self.start_date:
            return str(_l("The end date is before the start date."))
        if self.end_time <= self.start_time:
            return str(_l("The end time must be after the start time."))
        return None


def overlapping(resource: Resource | int, span: Span) -> pw.ModelSelect:
    """Bookings that share at least one minute with ``span``. Touching
    (one ends 12:00, the next starts 12:00) is not overlapping."""
    return (Booking.select(Booking, Request).join(Request)
            .where((Booking.resource == resource)
                   & Request.status.in_([s.value for s in HOLDING])
                   & (Booking.start_date <= span.end_date)
                   & (Booking.end_date >= span.start_date)
                   & (Booking.start_time < span.end_time)
                   & (Booking.end_time > span.start_time)))


def reserve(resource: Resource, span: Span, request: Request) -> Booking:
    """Hold ``span`` on ``resource`` for ``request`` or raise BookingConflict.

    Must run inside the submit transaction, so the check and the insert are
    one step: SQLite's write transactions begin IMMEDIATE (one writer at a
    time), and on PostgreSQL the resource row is locked first.
    """
    problem = span.problem()
    if problem:
        raise BookingConflict(problem)
    with database.atomic():
        if supports_row_locks():
            Resource.select().where(Resource.id == resource.id).for_update().get()
        clash = overlapping(resource, span).where(Booking.request != request.id).first()
        if clash is not None:
            raise BookingConflict(str(_l(
                "%(name)s is already booked at that time. Please choose another time "
                "or see the week view.", name=resource.name)))
        Booking.delete().where(Booking.request == request.id).execute()
        return Booking.create(resource=resource, request=request,
                              start_date=span.start_date, end_date=span.end_date,
                              start_time=span.start_time, end_time=span.end_time)


def week_bookings(resource: Resource, monday: dt.date) -> dict[dt.date, list[Booking]]:
    """The holding bookings of each day of the week starting ``monday``."""
    sunday = monday + dt.timedelta(days=6)
    span = Span(monday, sunday, dt.time(0, 0), dt.time(23, 59, 59))
    days: dict[dt.date, list[Booking]] = {monday + dt.timedelta(days=i): [] for i in range(7)}
    for booking in overlapping(resource, span).order_by(Booking.start_time):
        for day in days:
            if booking.start_date <= day <= booking.end_date:
                days[day].append(booking)
    return days


def _slots(hours: Iterable[ResourceHours], day: dt.date) -> list[tuple[dt.time, dt.time]]:
    out = []
    for window in hours:
        if window.weekday != day.weekday():
            continue
        start = dt.datetime.combine(day, window.start_time)
        end = dt.datetime.combine(day, window.end_time)
        step = dt.timedelta(minutes=window.slot_minutes or 30)
        while start + step <= end:
            out.append((start.time(), (start + step).time()))
            start += step
    return sorted(out)


def slot_times(resource: Resource) -> list[dt.time]:
    """Every start time the resource's weekly hours offer, for a picker."""
    hours = list(ResourceHours.select().where(ResourceHours.resource == resource))
    monday = dt.date(2024, 1, 1)
    found = {s for i in range(7) for s, _e in _slots(hours, monday + dt.timedelta(days=i))}
    return sorted(found)


def slot_at(resource: Resource, day: dt.date, start: dt.time) -> Span | None:
    """The offered slot that starts at ``start`` on ``day``, if there is one."""
    hours = list(ResourceHours.select().where(ResourceHours.resource == resource))
    for s, e in _slots(hours, day):
        if s == start:
            return Span(day, day, s, e)
    return None


def free_slots(resource: Resource, first: dt.date, days: int,
               holidays: set[dt.date] = frozenset()) -> list[Span]:
    """Open slots of the next ``days`` days that nobody holds."""
    hours = list(ResourceHours.select().where(ResourceHours.resource == resource))
    last = first + dt.timedelta(days=days - 1)
    taken = list(overlapping(resource, Span(first, last, dt.time(0), dt.time(23, 59, 59))))
    out = []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        if day in holidays:
            continue
        for s, e in _slots(hours, day):
            if not any(b.start_date <= day <= b.end_date and b.start_time < e and b.end_time > s
                       for b in taken):
                out.append(Span(day, day, s, e))
    return out
