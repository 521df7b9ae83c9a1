"""รายงานสรุป: requests of the six education services per status for a month."""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee as pw
from flask import Response, current_app, request
from flask_admin import expose
from flask_login import current_user

from portal.files import render_pdf
from portal.forms import month_from_args
from portal.identity import access
from portal.models import Request
from portal.plugins import all_services
from portal.requests import STATUS_LABELS, Status
from portal.staff.base import PortalBaseView
from portal.thai import BE_OFFSET, MONTHS_LONG, day_start_utc, local_today, next_month, utcnow

SERVICE_CODES = ("staff_card", "certificate", "pension_gratuity", "meeting_room",
                 "executive_appointment", "school_forms")


def summary(user: Any, month: dt.date, tz: str) -> list[dict[str, Any]]:
    """One row per service: counts per status and the total, for the month."""
    start, end = day_start_utc(month, tz), day_start_utc(next_month(month), tz)
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


class SummaryReportView(PortalBaseView):
    def _context(self) -> dict[str, Any]:
        month = month_from_args(request.args,
                           local_today(current_app.config["PORTAL_TIMEZONE"]))
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
