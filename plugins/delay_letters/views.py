"""The staff's page that issues a delay letter, one of the request pages
(``/admin/requests/delay/<id>``)."""

from __future__ import annotations

from typing import Any

import peewee as pw
from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError

from portal.base import audit
from portal.forms import PortalForm, ThaiDateField, required
from portal.identity import access
from portal.models import Request
from portal.requests import OPEN_STATUSES
from portal.staff.base import PortalBaseView
from portal.thai import local_today

from .letters import send_delay_letter


class DelayForm(PortalForm):
    reason = TextAreaField(_l("Why the request is late"), [required(), Length(max=2000)])
    new_date = ThaiDateField(_l("New expected date"), [required()])

    def validate_new_date(self, field: Any) -> None:
        if field.data and field.data <= local_today():
            raise ValidationError(_l("Please choose a date after today."))


def open_request_or_404(id: int) -> Request:
    """The open request ``id`` if the signed-in staff member may process it;
    404 otherwise, as the request list's own pages answer."""
    try:
        req = Request.get_or_none(Request.id == id)
    except (pw.DataError, OverflowError, ValueError):
        req = None  # an id no row can have (too long)
    if req is None or not access.can_process(current_user, req) \
            or req.status not in OPEN_STATUSES:
        abort(404)
    return req


class DelayLetterView(PortalBaseView):
    """หนังสือแจ้งเรื่องล่าช้า, drawn as a page of the request list."""

    part_of = "requests"

    @expose("/")
    def index(self) -> Any:
        # Flask-Admin wants a page at the view's root; a letter is about one
        # request, so this is the list to pick it from.
        return redirect(url_for("requests.index_view"))

    @expose("/<int:id>", methods=("GET", "POST"))
    def delay(self, id: int) -> Any:
        """A letter to the requester with the reason and the new date, kept
        with the request, recorded in its history, e-mailed."""
        req = open_request_or_404(id)
        form = DelayForm()
        if form.validate_on_submit():
            send_delay_letter(req, current_user._get_current_object(),
                              form.reason.data.strip(), form.new_date.data)
            audit.record("delay_letter", f"request:{req.reference}", agency=req.agency_id)
            flash(_("The delay notice has been issued and sent."), "success")
            return redirect(url_for("requests.process", id=id))
        return self.render("staff/delay.html", form=form, request_=req)
