"""The ICT Service Center's yearly plan (fiscal year October–September, by
quarter) with the work received each month, and figures per process."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

import peewee as pw
from flask import Response, current_app, request
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.files import render_pdf
from portal.forms import period_from_args
from portal.identity import access
from portal.models import Request
from portal.requests import OPEN_STATUSES, Status
from portal.staff.base import PortalBaseView
from portal.thai import BE_OFFSET, MONTHS_SHORT, day_start_utc, local_today, to_local, utcnow

from .admin import IctAccess, ict_agencies
from .models import PhoneCall
from .services import SERVICES

PHONE = "ict_phone"
# The plan's rows, in the manual's order (seed 001 §8).
PLAN_ROWS: list[tuple[str, Any]] = [
    (PHONE, _l("Phone consultation")),
    ("ict_repair", _l("Computer and peripheral repair")),
    ("ict_website", _l("Website maintenance")),
    ("ict_software", _l("Software installation")),
    ("ict_news", _l("News publishing on the website")),
    ("ict_appdev", _l("Application and database development")),
    ("ict_edoc", _l("E-document system account")),
]


def fiscal_year_of(day: dt.date) -> int:
    """Thai fiscal year (Buddhist era) that ``day`` falls in: from 1 October."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def fiscal_months(year_be: int) -> list[dt.date]:
    first = dt.date(year_be - BE_OFFSET - 1, 10, 1)
    return [dt.date(first.year + (first.month + i - 1) // 12, (first.month + i - 1) % 12 + 1, 1)
            for i in range(12)]


def _month_key(moment: dt.datetime, tz: str) -> tuple[int, int]:
    local = to_local(moment, tz)
    return local.year, local.month


def _scope_requests(user: Any) -> pw.Expression | None:
    return access.staff_scope(user)


def plan_counts(user: Any, year_be: int, tz: str) -> dict[str, dict[tuple[int, int], int]]:
    """{process: {(year, month): requests received}} over the fiscal year."""
    months = fiscal_months(year_be)
    start = day_start_utc(months[0], tz)
    end = day_start_utc(dt.date(months[-1].year + 1, 1, 1) if months[-1].month == 12
               else dt.date(months[-1].year, months[-1].month + 1, 1), tz)
    counts: dict[str, dict[tuple[int, int], int]] = {code: {} for code, _ in PLAN_ROWS}
    query = (Request.select(Request.service_code, Request.submitted_at)
             .where(Request.service_code.in_([s.code for s in SERVICES])
                    & (Request.submitted_at >= start) & (Request.submitted_at < end)))
    clause = _scope_requests(user)
    if clause is not None:
        query = query.where(clause)
    for row in query.namedtuples():
        key = _month_key(row.submitted_at, tz)
        counts[row.service_code][key] = counts[row.service_code].get(key, 0) + 1
    calls = PhoneCall.select(PhoneCall.received_at).where(
        (PhoneCall.received_at >= start) & (PhoneCall.received_at < end)
        & PhoneCall.agency.in_([a.id for a in ict_agencies(user)]))
    for call in calls:
        key = _month_key(call.received_at, tz)
        counts[PHONE][key] = counts[PHONE].get(key, 0) + 1
    return counts


@dataclass
class ProcessFigures:
    code: str
    title: Any
    received: int
    completed: int
    median_hours: float | None
    overdue: int


def _median_hours(spans: list[dt.timedelta]) -> float | None:
    if not spans:
        return None
    return round(statistics.median(s.total_seconds() for s in spans) / 3600, 1)


def process_figures(user: Any, first: dt.date, last: dt.date, tz: str) -> list[ProcessFigures]:
    """Received, completed, median hours to complete and overdue now, for the
    requests submitted (calls received) from ``first`` to ``last``."""
    start, end = day_start_utc(first, tz), day_start_utc(last + dt.timedelta(days=1), tz)
    today = local_today(tz)
    clause = _scope_requests(user)
    out = []
    titles = dict(PLAN_ROWS)
    for service in SERVICES:
        query = Request.select(Request.status, Request.submitted_at, Request.status_changed_at,
                               Request.due_date).where(
            (Request.service_code == service.code) & (Request.submitted_at >= start)
            & (Request.submitted_at < end))
        if clause is not None:
            query = query.where(clause)
        rows = list(query.namedtuples())
        done = [r.status_changed_at - r.submitted_at for r in rows
                if r.status == Status.COMPLETED]
        overdue = sum(1 for r in rows if r.status in OPEN_STATUSES and r.due_date
                      and r.due_date < today)
        out.append(ProcessFigures(service.code, titles[service.code], len(rows), len(done),
                                  _median_hours(done), overdue))
    calls = list(PhoneCall.select().where(
        (PhoneCall.received_at >= start) & (PhoneCall.received_at < end)
        & PhoneCall.agency.in_([a.id for a in ict_agencies(user)])))
    answered = [c.closed_at - c.received_at for c in calls if c.closed_at]
    late = sum(1 for c in calls if not c.closed_at and c.callback_due
               and c.callback_due < utcnow())
    out.insert(0, ProcessFigures(PHONE, titles[PHONE], len(calls), len(answered),
                                 _median_hours(answered), late))
    return out


class IctReportView(IctAccess, PortalBaseView):
    def _year(self) -> int:
        try:
            year = int(request.args.get("year", ""))
            return year + BE_OFFSET if year < 2400 else year
        except ValueError:
            return fiscal_year_of(local_today(current_app.config["PORTAL_TIMEZONE"]))

    def _plan(self) -> dict[str, Any]:
        year = self._year()
        tz = current_app.config["PORTAL_TIMEZONE"]
        months = fiscal_months(year)
        counts = plan_counts(current_user, year, tz)
        return {"year": year, "months": months, "rows": PLAN_ROWS, "counts": counts,
                "month_names": MONTHS_SHORT, "be": BE_OFFSET}

    @expose("/")
    def index(self) -> Any:
        return self.render("ict/plan.html", **self._plan())

    @expose("/print")
    def print_pdf(self) -> Response:
        ctx = self._plan()
        html = self.render("ict/plan_print.html", **ctx, printed_at=utcnow())
        response = Response(render_pdf(html), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="ict-plan-{ctx["year"]}.pdf"'
        return response

    @expose("/figures")
    def figures(self) -> Any:
        tz = current_app.config["PORTAL_TIMEZONE"]
        first, last, period = period_from_args(request.args, local_today(tz))
        rows = process_figures(current_user, first, last, tz)
        return self.render("ict/figures.html", rows=rows, first=first, last=last, period=period)
