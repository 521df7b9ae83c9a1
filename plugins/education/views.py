"""Pages of the education plugin outside the staff area: an executive's free
appointment times, and the amount an order of ปพ. forms comes to."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from portal.models import Resource
from portal.requests import free_slots, holidays_between, offered_or_404
from portal.thai import local_today

from .appointment import KIND
from .forms_order import order_quote

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


@bp.get("/orders/<agency_code>/amounts")
@login_required
def order_amounts(agency_code: str) -> str:
    """The amounts table for the quantities in the query, worked out by the
    server (order-total.js shows it live on the form)."""
    agency, _service = offered_or_404(agency_code, "school_forms")
    return render_template("education/order_amounts_fragment.html",
                           q=order_quote(agency, request.args.to_dict()))
