"""The staff's satisfaction report: average scores per service for a month."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask_admin import expose
from flask_login import current_user

from portal.files import render_pdf
from portal.forms import month_from_args
from portal.identity import access
from portal.models import Request
from portal.plugins import all_services
from portal.staff.base import PortalBaseView
from portal.thai import BE_OFFSET, MONTHS_LONG, day_start_utc, local_today, next_month, utcnow

from .models import SurveyResponse
from .views import QUESTIONS, averages


class SurveyReportView(PortalBaseView):
    """Average satisfaction per service for a month, with a bar chart."""

    @expose("/")
    def index(self) -> Any:
        return self.render("survey/report.html", **self._context())

    @expose("/print")
    def print_pdf(self) -> Any:
        html = self.render("survey/report_print.html", **self._context(), printed_at=utcnow())
        return Response(render_pdf(html), mimetype="application/pdf")

    def _context(self) -> dict[str, Any]:
        tz = current_app.config["PORTAL_TIMEZONE"]
        first = month_from_args(request.args, local_today(tz))
        query = (SurveyResponse.select(SurveyResponse, Request).join(Request)
                 .where((SurveyResponse.created_at >= day_start_utc(first, tz))
                        & (SurveyResponse.created_at < day_start_utc(next_month(first), tz))))
        clause = access.staff_scope(current_user)
        if clause is not None:
            query = query.where(clause)
        by_service: dict[str, list] = {}
        for row in query:
            by_service.setdefault(row.request.service_code, []).append(row)
        services = all_services()
        rows = [{"code": code, "title": services[code].title if code in services else code,
                 "count": len(items), "avg": averages(items),
                 "reopen": sum(1 for i in items if i.reopen_requested)}
                for code, items in sorted(by_service.items())]
        return {"rows": rows, "questions": QUESTIONS, "first": first,
                "month_label": f"{MONTHS_LONG[first.month - 1]} {first.year + BE_OFFSET}"}
