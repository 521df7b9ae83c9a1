"""Staff home: requests per service and status, and how many are overdue."""

from __future__ import annotations

from typing import Any

import peewee as pw
from flask import current_app, request
from flask_admin import expose
from flask_login import current_user

from .. import access, clock
from ..lifecycle import STATUS_LABELS, Status
from ..models import Request, RequestCount
from ..paging import paginate
from ..plugins import all_services, collect, plugin_manager
from ..thai import local_today, utcnow
from .base import PortalBaseView, PortalIndexView


def status_counts(user: Any) -> dict[str, dict[str, int]]:
    """{service_code: {status: n}} over the requests ``user`` may handle."""
    # From the trigger-kept counts: counting the requests themselves read
    # 50,000 index entries per view for one agency at a million requests.
    clause = access.staff_scope(user, RequestCount)
    query = (RequestCount.select(RequestCount.service_code, RequestCount.status,
                                 pw.fn.SUM(RequestCount.n).alias("n"))
             .group_by(RequestCount.service_code, RequestCount.status))
    if clause is not None:
        query = query.where(clause)
    counts: dict[str, dict[str, int]] = {}
    for row in query.namedtuples():
        if row.n:
            counts.setdefault(row.service_code, {})[row.status] = int(row.n)
    return counts


def overdue_count(user: Any) -> int:
    clause = access.staff_scope(user)
    today = local_today(current_app.config["PORTAL_TIMEZONE"])
    query = Request.select().where(clock.late_clause(today, utcnow()))
    if clause is not None:
        query = query.where(clause)
    return query.count()


class DashboardView(PortalIndexView):
    @expose("/")
    def index(self) -> Any:
        user = current_user._get_current_object()
        counts = status_counts(user)
        services = all_services()
        rows = [(services[code].title if code in services else code, by_status,
                 sum(by_status.values())) for code, by_status in sorted(counts.items())]
        cards = sorted(collect(plugin_manager(), "dashboard_cards", user=user),
                       key=lambda c: c.order)
        return self.render("staff/dashboard.html", rows=rows, statuses=list(Status),
                           status_labels=STATUS_LABELS, overdue=overdue_count(user),
                           cards=cards)


class OverdueView(PortalBaseView):
    """Requests past their due date or due within a day, latest first."""

    @expose("/")
    def index(self) -> Any:
        today = local_today(current_app.config["PORTAL_TIMEZONE"])
        query = clock.due_soon_query(today, access.staff_scope(current_user))
        page = paginate(query, request.args)
        return self.render("staff/overdue.html", page=page, today=today, now=utcnow(),
                           lateness=clock.lateness, services=all_services(),
                           status_labels=STATUS_LABELS)


class SurveyReportView(PortalBaseView):
    """Average satisfaction per service for a month, with a bar chart."""

    @expose("/")
    def index(self) -> Any:
        return self.render("staff/satisfaction.html", **self._context())

    @expose("/print")
    def print_pdf(self) -> Any:
        from flask import Response

        from ..printing import render_pdf
        from ..thai import utcnow

        html = self.render("staff/satisfaction_print.html", **self._context(),
                           printed_at=utcnow())
        return Response(render_pdf(html), mimetype="application/pdf")

    def _context(self) -> dict[str, Any]:
        from ..forms import month_from_args
        from ..models import SurveyResponse
        from ..survey import QUESTIONS, averages
        from ..thai import BE_OFFSET, MONTHS_LONG, day_start_utc, next_month

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
