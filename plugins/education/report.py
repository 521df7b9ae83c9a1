"""รายงานสรุป: requests of the six education services per status for a month."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import peewee as pw
from flask import Response, current_app, request
from flask_admin import expose
from flask_login import current_user

from portal import access
from portal.lifecycle import STATUS_LABELS, Status
from portal.models import Request
from portal.plugins import all_services
from portal.printing import render_pdf
from portal.staff.base import PortalBaseView
from portal.thai import BE_OFFSET, MONTHS_LONG, local_today, utcnow

SERVICE_CODES = ("staff_card", "certificate", "pension_gratuity", "meeting_room",
                 "executive_appointment", "school_forms")


def month_bounds(month: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """The month in the office's time zone, as naive UTC for the query."""
    zone = ZoneInfo(tz)
    start = dt.datetime(month.year, month.month, 1, tzinfo=zone)
    following = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1,
                            tzinfo=zone)
    return (start.astimezone(dt.UTC).replace(tzinfo=None),
            following.astimezone(dt.UTC).replace(tzinfo=None))


def summary(user: Any, month: dt.date, tz: str) -> list[dict[str, Any]]:
    """One row per service: counts per status and the total, for the month."""
    start, end = month_bounds(month, tz)
    query = (Request.select(Request.service_code, Request.status,
                            pw.fn.COUNT(Request.id).alias("n"))
             .where(Request.service_code.in_(SERVICE_CODES)
                    & (Request.submitted_at >= start) & (Request.submitted_at < end))
             .group_by(Request.service_code, Request.status))
    clause = access.staff_scope(user)
    if clause is not None:
        query = query.where(clause)
    counts: dict[str, dict[str, int]] = {code: {} for code in SERVICE_CODES}
    for row in query.namedtuples():
        counts[row.service_code][row.status] = row.n
    services = all_services()
    return [{"code": code, "title": services[code].title if code in services else code,
             "by_status": counts[code], "total": sum(counts[code].values())}
            for code in SERVICE_CODES]


def parse_month(raw: str | None) -> dt.date:
    try:
        year, month = (int(p) for p in (raw or "").split("-"))
        if year > 2400:
            year -= BE_OFFSET
        return dt.date(year, month, 1)
    except ValueError:
        return local_today().replace(day=1)


class SummaryReportView(PortalBaseView):
    def _context(self) -> dict[str, Any]:
        month = parse_month(request.args.get("month"))
        rows = summary(current_user, month, current_app.config["PORTAL_TIMEZONE"])
        totals = {s: sum(r["by_status"].get(s, 0) for r in rows) for s in Status}
        return {"rows": rows, "month": month, "statuses": list(Status),
                "status_labels": STATUS_LABELS, "totals": totals,
                "grand_total": sum(totals.values()),
                "month_label": f"{MONTHS_LONG[month.month - 1]} {month.year + BE_OFFSET}"}

    @expose("/")
    def index(self) -> Any:
        return self.render("education/summary.html", **self._context())

    @expose("/print")
    def print_pdf(self) -> Response:
        ctx = self._context()
        html = self.render("education/summary_print.html", **ctx, printed_at=utcnow())
        response = Response(render_pdf(html), mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f'inline; filename="summary-{ctx["month"]:%Y-%m}.pdf"')
        return response
