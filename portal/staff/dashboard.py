"""Staff home: requests per service and status, and how many are overdue."""

from __future__ import annotations

from typing import Any

import peewee as pw
from flask import current_app, request
from flask_admin import expose
from flask_login import current_user

from ..base.paging import paginate
from ..identity import access
from ..models import Request, RequestCount
from ..plugins.manager import all_services, collect, plugin_manager
from ..requests import clock
from ..requests.lifecycle import STATUS_LABELS, Status
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
