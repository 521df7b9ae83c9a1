"""Staff lists of the education office's services, and the catalogues its
admins keep (rooms, executives, schools, form prices)."""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.peewee.filters import FilterEqual, FilterLike
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, validators

from portal.base import audit
from portal.identity import access
from portal.models import Agency, Request
from portal.staff.base import (
    AgencyAdminAccess,
    PortalModelView,
    RequestDetailView,
    baht,
    live_options,
    status_column,
)
from portal.staff.resources import BookingListView, ResourceView

from .common import OFFICIAL_TYPES, label_of
from .models import (
    CertificateRequest,
    FormOrder,
    FormPrice,
    PensionRequest,
    School,
    StaffCardRequest,
)
from .pricing import ITEMS
from .staff_card import REASONS

COMMON_LABELS = {"request.reference": _l("Reference number"),
                 "request.applicant_name": _l("Requester"), "request.status": _l("Status"),
                 "work_unit": _l("Work group / school"), "position": _l("Position"),
                 "official_type": _l("Type of state official")}


def _official(view: Any, context: Any, model: Any, name: str) -> str:
    return label_of(OFFICIAL_TYPES, model.official_type)


class CertificateView(RequestDetailView):
    column_list = ("request.reference", "request.applicant_name", "official_type",
                   "work_unit", "position", "salary", "purpose", "intended_use",
                   "request.status")
    column_labels = {**COMMON_LABELS, "salary": _l("Salary (baht)"),
                     "purpose": _l("Certificate requested"), "intended_use": _l("To be used for")}
    column_formatters = {"official_type": _official, "request.status": status_column,
                         "salary": baht}
    column_formatters_export = column_formatters
    column_searchable_list = (CertificateRequest.work_unit, CertificateRequest.position,
                              Request.reference, Request.applicant_name)
    search_hint = _l("Reference number, name, school or position")
    column_filters = (
        FilterEqual(CertificateRequest.official_type, _l("Type of state official"),
                    options=lambda: OFFICIAL_TYPES),
        FilterLike(CertificateRequest.work_unit, _l("Work group / school")),
        FilterLike(CertificateRequest.purpose, _l("Certificate requested")),
    )


class StaffCardView(RequestDetailView):
    column_list = ("request.reference", "request.applicant_name", "official_type",
                   "work_unit", "position", "reason", "request.status")
    column_labels = {**COMMON_LABELS, "reason": _l("Reason for the card")}
    column_formatters = {"official_type": _official, "request.status": status_column,
                         "reason": lambda v, c, m, n: label_of(REASONS, m.reason)}
    column_formatters_export = column_formatters
    column_searchable_list = (StaffCardRequest.work_unit, Request.reference,
                              Request.applicant_name)
    column_filters = (
        FilterEqual(StaffCardRequest.reason, _l("Reason for the card"), options=lambda: REASONS),
        FilterEqual(StaffCardRequest.official_type, _l("Type of state official"),
                    options=lambda: OFFICIAL_TYPES),
        FilterLike(StaffCardRequest.work_unit, _l("Work group / school")),
    )


class PensionView(RequestDetailView):
    column_list = ("request.reference", "request.applicant_name", "email", "has_pledge",
                   "pledge_amount", "request.status")
    column_labels = {**COMMON_LABELS, "email": _l("E-mail"),
                     "has_pledge": _l("Gratuity pledged as loan guarantee"),
                     "pledge_amount": _l("Amount pledged (baht)")}
    column_formatters = {"request.status": status_column, "pledge_amount": baht}
    column_formatters_export = column_formatters
    column_searchable_list = (Request.reference, Request.applicant_name)
    column_filters = (FilterEqual(PensionRequest.has_pledge, _l("Gratuity pledged as loan "
                                                               "guarantee"),
                                  options=lambda: [("1", _l("Yes")), ("0", _l("No"))]),)


class FormOrderView(RequestDetailView):
    column_list = ("request.reference", "request.applicant_name", "school",
                   "other_affiliation", "total", "shipping", "grand_total", "request.status")
    column_labels = {**COMMON_LABELS, "school": _l("School"),
                     "other_affiliation": _l("Other affiliation (please specify)"),
                     "total": _l("Price of the forms (baht)"), "shipping": _l("Shipping (baht)"),
                     "grand_total": _l("Total to pay (baht)")}
    column_formatters = {"request.status": status_column, "total": baht, "shipping": baht,
                         "grand_total": baht}
    column_formatters_export = column_formatters
    column_sortable_list = ("grand_total",)
    column_searchable_list = (Request.reference, Request.applicant_name,
                              FormOrder.other_affiliation)
    column_filters = (FilterEqual(FormOrder.school, _l("School"), options=live_options(
        lambda: [(s.id, s.name) for s in School.select().order_by(School.name)])),)


def _managed_ids() -> list[int]:
    if current_user.is_system_admin:
        return [a.id for a in Agency.select(Agency.id)]
    return [a.id for a in access.admin_agencies(current_user)]


class AgencyCatalogueView(AgencyAdminAccess, PortalModelView):
    """Rows that belong to one of the admin's agencies."""

    can_export = True

    def scope(self, query: Any) -> Any:
        return query.where(self.model.agency.in_(_managed_ids()))

    def _check_own(self, model: Any, action: str) -> None:
        if model.agency_id not in _managed_ids():
            raise validators.ValidationError(str(_l("Choose your own agency.")))
        audit.record(f"{self.model._meta.table_name}_{action}", f"agency:{model.agency_id}",
                     detail=str(model), agency=model.agency_id)

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        self._check_own(model, "saved")

    def on_model_delete(self, model: Any) -> None:
        self._check_own(model, "deleted")


class SchoolView(AgencyCatalogueView):
    column_list = ("name", "active", "agency")
    column_labels = {"name": _l("School"), "active": _l("In the list"), "agency": _l("Agency")}
    column_searchable_list = ("name",)
    search_hint = _l("School")
    form_columns = ("agency", "name", "active")
    form_args = {"name": {"validators": [validators.InputRequired()]}}


class FormPriceView(AgencyCatalogueView):
    column_list = ("code", "price", "agency")
    column_labels = {"code": _l("Form"), "price": _l("Unit price (baht)"),
                     "agency": _l("Agency")}
    column_formatters = {"code": lambda v, c, m, n: next(
        (f"{i.label} ({i.level})" for i in ITEMS if i.code == m.code), m.code)}
    form_columns = ("agency", "code", "price")
    form_overrides = {"code": SelectField}
    form_args = {"code": {"choices": [(i.code, f"{i.label} ({i.level})") for i in ITEMS]},
                 "price": {"validators": [validators.InputRequired(),
                                          validators.NumberRange(min=0)]}}


def views() -> list[Any]:
    services, settings = _l("Education services"), _l("Education settings")
    return [
        StaffCardView(StaffCardRequest, name=_l("Staff ID cards"), endpoint="staff_cards",
                      category=services),
        CertificateView(CertificateRequest, name=_l("Certificates"), endpoint="certificates",
                        category=services),
        PensionView(PensionRequest, name=_l("Living pension gratuity"), endpoint="pensions",
                    category=services),
        BookingListView("meeting_room", name=_l("Meeting room bookings"),
                        endpoint="room_bookings", category=services),
        BookingListView("executive", name=_l("Appointments"), endpoint="appointments",
                        category=services),
        FormOrderView(FormOrder, name=_l("Orders of ปพ. forms"), endpoint="form_orders",
                      category=services),
        ResourceView("meeting_room", name=_l("Meeting rooms"), endpoint="rooms",
                     category=settings),
        ResourceView("executive", name=_l("Executives"), endpoint="executives",
                     category=settings, with_hours=True,
                     labels={"name": _l("Executive"), "details": _l("Position")}),
        SchoolView(School, name=_l("Schools"), endpoint="schools", category=settings),
        FormPriceView(FormPrice, name=_l("Prices of ปพ. forms"), endpoint="form_prices",
                      category=settings),
    ]
