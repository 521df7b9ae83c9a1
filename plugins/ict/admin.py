"""ICT staff pages: repair tickets, the phone log, security reviews."""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.peewee.filters import BasePeeweeFilter, FilterEqual, FilterLike
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from markupsafe import Markup
from wtforms import validators

from portal.base import audit
from portal.forms import DigitsField
from portal.identity import access
from portal.models import Agency
from portal.staff.base import (
    PortalModelView,
    RequestDetailView,
    StaffAccess,
    be_date,
    be_datetime,
    status_column,
)
from portal.thai import utcnow

from .models import PhoneCall, RepairTicket
from .services import EQUIPMENT, SERVICES

ICT_CODES = {s.code for s in SERVICES}


def ict_agencies(user: Any) -> list[Agency]:
    """Agencies where ``user`` is an admin or handles an ICT service."""
    if user.is_system_admin:
        return list(Agency.select())
    out = []
    for m in access.memberships(user):
        handled = access.handled_services(user, m.agency_id)
        if handled is None or handled & ICT_CODES:
            out.append(m.agency)
    return out


class IctAccess(StaffAccess):
    def is_accessible(self) -> bool:
        return current_user.is_authenticated and bool(ict_agencies(current_user))


class RepairView(IctAccess, RequestDetailView):
    column_list = ("request.reference", "request.applicant_name", "equipment", "asset_number",
                   "location", "request.status")
    column_labels = {"request.reference": _l("Reference number"),
                     "request.applicant_name": _l("Requester"), "request.status": _l("Status"),
                     "equipment": _l("Type of equipment"), "asset_number": _l("Asset number"),
                     "location": _l("Where it is")}
    column_formatters = {"request.status": status_column,
                         "equipment": lambda v, c, m, n: dict(EQUIPMENT).get(m.equipment, "")}
    column_formatters_export = column_formatters
    column_searchable_list = (RepairTicket.asset_number, RepairTicket.location)
    search_hint = _l("Asset number or place")
    column_filters = (FilterEqual(RepairTicket.equipment, _l("Type of equipment"),
                                  options=lambda: EQUIPMENT[1:]),
                      FilterLike(RepairTicket.location, _l("Where it is")))


class OverdueCallbackFilter(BasePeeweeFilter):
    """Calls whose promised call-back time has passed without an answer."""

    def apply(self, query: Any, value: Any) -> Any:
        late = PhoneCall.closed_at.is_null() & (PhoneCall.callback_due < utcnow())
        return query.where(late if value == "1" else ~late)

    def operation(self) -> Any:
        return _l("is")


def call_state(view: Any, context: Any, model: PhoneCall, name: str) -> Markup:
    if model.closed_at:
        return Markup('<span class="badge status-completed">{}</span>').format(_l("Answered"))
    if model.callback_due and model.callback_due < utcnow():
        return Markup('<span class="badge status-returned">{}</span>').format(
            _l("Call-back overdue"))
    return Markup('<span class="badge status-in_progress">{}</span>').format(
        _l("Waiting for call-back"))


class AgencyRecordView(IctAccess, PortalModelView):
    """Rows kept per agency by its ICT staff; agency and author filled in."""

    can_export = True
    author_field = "recorded_by"

    def scope(self, query: Any) -> Any:
        return query.where(self.model.agency.in_([a.id for a in ict_agencies(current_user)]))

    def _own_agencies(self, form: Any) -> Any:
        ids = [a.id for a in ict_agencies(current_user)]
        form.agency.query = Agency.select().where(Agency.id.in_(ids))
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._own_agencies(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        return self._own_agencies(super().edit_form(obj))

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        allowed = {a.id for a in ict_agencies(current_user)}
        if is_created:
            setattr(model, self.author_field, current_user.id)
        if model.agency_id not in allowed:
            raise validators.ValidationError(str(_l("Choose your own agency.")))
        audit.record(f"{self.model._meta.table_name}_saved", f"agency:{model.agency_id}",
                     agency=model.agency_id)


class PhoneCallView(AgencyRecordView):
    column_list = ("received_at", "caller", "unit", "problem", "state", "callback_due")
    column_labels = {"received_at": _l("Received"), "caller": _l("Caller"),
                     "unit": _l("Group / school"), "phone": _l("Phone"),
                     "problem": _l("Problem"), "answered_at_once": _l("Answered at once"),
                     "answer": _l("Answer given"), "callback_due": _l("Call back by"),
                     "expert": _l("Expert consulted"), "state": _l("Status"),
                     "agency": _l("Agency")}
    column_formatters = {"received_at": be_datetime, "callback_due": be_datetime,
                         "state": call_state}
    column_formatters_export = {"received_at": be_datetime, "callback_due": be_datetime}
    column_default_sort = ("received_at", True)
    column_searchable_list = ("caller", "unit", "problem")
    search_hint = _l("Caller, group or problem")
    column_filters = (OverdueCallbackFilter(PhoneCall.callback_due, _l("Call-back overdue"),
                                            options=[("1", _l("Yes")), ("0", _l("No"))]),)
    form_columns = ("agency", "caller", "unit", "phone", "problem", "answered_at_once",
                    "answer", "callback_due", "expert")
    form_overrides = {"phone": DigitsField}
    form_args = {"caller": {"validators": [validators.InputRequired()]},
                 "unit": {"validators": [validators.InputRequired()]},
                 "problem": {"validators": [validators.InputRequired()]}}

    def on_model_change(self, form: Any, model: PhoneCall, is_created: bool) -> None:
        if not model.answered_at_once and not model.callback_due and not model.answer:
            raise validators.ValidationError(str(_l(
                "A call not answered at once needs the time promised for the call-back.")))
        if model.answer and model.closed_at is None:
            model.closed_at = model.received_at if model.answered_at_once else utcnow()
        super().on_model_change(form, model, is_created)


class SecurityReviewView(AgencyRecordView):
    author_field = "reviewer"
    column_list = ("review_date", "servers", "maintained", "repaired", "reviewer")
    column_labels = {"review_date": _l("Date of the review"), "servers": _l("Servers"),
                     "risks": _l("Risks and policies analysed"),
                     "items_checked": _l("Items checked"), "plan": _l("Plan of the review"),
                     "maintained": _l("Maintenance done"), "repaired": _l("Repairs done"),
                     "actions": _l("What was done"),
                     "report": lazy_pgettext("review result", "Report"),
                     "reviewer": _l("Reviewer"), "agency": _l("Agency")}
    column_formatters = {"review_date": be_date}
    column_default_sort = ("review_date", True)
    column_searchable_list = ("servers", "report")
    search_hint = _l("Servers or report")
    form_columns = ("agency", "review_date", "servers", "risks", "items_checked", "plan",
                    "maintained", "repaired", "actions", "report")
    form_args = {k: {"validators": [validators.InputRequired()]}
                 for k in ("review_date", "servers", "risks", "items_checked", "plan")}
