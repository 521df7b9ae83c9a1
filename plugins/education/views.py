"""Pages of the education plugin outside the staff area: an executive's free
appointment times."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, render_template
from flask_login import login_required

from portal.booking import free_slots
from portal.catalogue import offered_or_404
from portal.lifecycle import holidays_between
from portal.models import Resource
from portal.thai import local_today

from .appointment import KIND

bp = Blueprint("education", __name__)
DAYS_AHEAD = 14


@bp.get("/appointments/<agency_code>/free")
@login_required
def free_times(agency_code: str) -> str:
    agency, service = offered_or_404(agency_code, "executive_appointment")
    first = local_today() + dt.timedelta(days=1)
    holidays = holidays_between(agency, first, first + dt.timedelta(days=DAYS_AHEAD))
    executives = list(Resource.select().where((Resource.agency == agency)
                                              & (Resource.kind == KIND) & Resource.active)
                      .order_by(Resource.name))
    if not executives:
        abort(404)
    table = [(r, free_slots(r, first, DAYS_AHEAD, holidays)) for r in executives]
    return render_template("education/free_times.html", agency=agency, service=service,
                           table=table)
