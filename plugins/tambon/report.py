"""How long each request took, step by step, against the seed's 50 minutes."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from flask_admin import expose
from flask_login import current_user

from portal.forms import period_from_args
from portal.identity import access
from portal.models import Request, StepEvent
from portal.plugins import all_services
from portal.requests import Status
from portal.staff.base import PortalBaseView
from portal.thai import day_start_utc, local_today

from .services import FLOW, SERVICES, TARGET_MINUTES


@dataclass
class ServiceTime:
    code: str
    title: Any
    completed: int
    median_minutes: float | None
    within_target: int
    steps: dict[str, float | None] = field(default_factory=dict)


def _minutes(span: dt.timedelta) -> float:
    return span.total_seconds() / 60


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def service_times(user: Any, first: dt.date, last: dt.date, tz: str) -> list[ServiceTime]:
    """Requests completed from ``first`` to ``last`` (office days), per service."""
    clause = access.staff_scope(user)
    out = []
    services = all_services()
    for service in SERVICES:
        query = Request.select().where(
            (Request.service_code == service.code) & (Request.status == Status.COMPLETED)
            & (Request.status_changed_at >= day_start_utc(first, tz))
            & (Request.status_changed_at < day_start_utc(last + dt.timedelta(days=1), tz)))
        if clause is not None:
            query = query.where(clause)
        rows = list(query)
        totals = [_minutes(r.status_changed_at - r.submitted_at) for r in rows]
        per_step: dict[str, list[float]] = {s.code: [] for s in FLOW}
        ticks: dict[int, list[StepEvent]] = {}
        for tick in StepEvent.select().where(StepEvent.request.in_([r.id for r in rows])) \
                .order_by(StepEvent.at, StepEvent.id):
            ticks.setdefault(tick.request_id, []).append(tick)
        for row in rows:
            previous = row.submitted_at
            for tick in ticks.get(row.id, []):
                if tick.step in per_step:
                    per_step[tick.step].append(_minutes(tick.at - previous))
                previous = tick.at
        out.append(ServiceTime(
            code=service.code, title=services[service.code].title if service.code in services
            else service.title, completed=len(rows), median_minutes=_median(totals),
            within_target=sum(1 for t in totals if t <= TARGET_MINUTES),
            steps={code: _median(values) for code, values in per_step.items()}))
    return out


class ServiceTimeView(PortalBaseView):
    @expose("/")
    def index(self) -> Any:
        tz = current_app.config["PORTAL_TIMEZONE"]
        first, last, period = period_from_args(request.args, local_today(tz))
        rows = service_times(current_user, first, last, tz)
        return self.render("tambon/service_time.html", rows=rows, first=first, last=last,
                           period=period, flow=FLOW, target=TARGET_MINUTES)
