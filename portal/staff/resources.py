"""Catalogues of bookable resources (rooms, halls, executives) and the lists
of their bookings: one implementation for every plugin that books time."""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.peewee.filters import FilterEqual
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, validators

from ..base import audit
from ..identity import access
from ..models import Agency, Booking, Request, Resource, ResourceHours
from ..requests.lifecycle import STATUS_LABELS
from ..thai import format_date
from .base import (
    REQUEST_ROW_ACTIONS,
    AgencyAdminAccess,
    LocalDateBetweenFilter,
    PortalModelView,
    live_options,
)

WEEKDAYS = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")),
            (4, _l("Friday")), (5, _l("Saturday")), (6, _l("Sunday"))]


def _managed_ids() -> list[int]:
    if current_user.is_system_admin:
        return [a.id for a in Agency.select(Agency.id)]
    return [a.id for a in access.admin_agencies(current_user)]


class ResourceView(AgencyAdminAccess, PortalModelView):
    """One kind of resource of the admin's agencies; build with ``kind``.

    ``with_hours`` adds the weekly hours (for appointments) inline.
    """

    column_list = ("name", "capacity", "details", "active", "agency")
    column_labels = {"name": _l("Name"), "capacity": _l("Capacity (people)"),
                     "details": _l("Details / equipment"), "active": _l("Open for booking"),
                     "agency": _l("Agency")}
    column_searchable_list = ("name",)
    delete_with = (ResourceHours.resource,)  # the weekly hours go with it
    search_hint = _l("Name")
    form_columns = ("agency", "name", "capacity", "details", "active")
    form_args = {"name": {"validators": [validators.InputRequired()]},
                 "capacity": {"validators": [validators.Optional(),
                                             validators.NumberRange(min=1, max=100000)]}}
    can_export = True

    def __init__(self, kind: str, *args: Any, with_hours: bool = False,
                 labels: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.kind = kind
        if labels:
            self.column_labels = {**self.column_labels, **labels}
        if with_hours:
            self.inline_models = ((ResourceHours, {
                # The hidden id of a new row is empty; it must not be required.
                "form_columns": ("id", "weekday", "start_time", "end_time", "slot_minutes"),
                "column_labels": {"weekday": _l("Day"), "start_time": _l("From"),
                                  "end_time": _l("To"), "slot_minutes": _l("Minutes a slot")},
                "form_overrides": {"weekday": SelectField},
                "form_args": {"weekday": {"choices": WEEKDAYS, "coerce": int},
                              "id": {"validators": [validators.Optional()]}},
            }),)
            self.column_list = ("name", "details", "active", "agency")
            self.form_columns = ("agency", "name", "details", "active")
        super().__init__(Resource, *args, **kwargs)

    def scope(self, query: Any) -> Any:
        return query.where((Resource.kind == self.kind) & Resource.agency.in_(_managed_ids()))

    def on_model_change(self, form: Any, model: Resource, is_created: bool) -> None:
        if model.agency_id not in _managed_ids():
            raise validators.ValidationError(str(_l("Choose your own agency.")))
        model.kind = self.kind
        audit.record("resource_saved", f"resource:{self.kind}", detail=model.name,
                     agency=model.agency_id)

    def on_model_delete(self, model: Resource) -> None:
        if model.agency_id not in _managed_ids():
            raise validators.ValidationError(str(_l("Choose your own agency.")))
        if Booking.select().where(Booking.resource == model).exists():
            raise validators.ValidationError(str(_l(
                "This has bookings; switch off 'Open for booking' instead of deleting it.")))


def _span(view: Any, context: Any, model: Booking, name: str) -> str:
    days = format_date(model.start_date)
    if model.end_date != model.start_date:
        days += " – " + format_date(model.end_date)
    return f"{days}, {model.start_time:%H:%M}–{model.end_time:%H:%M} น."


class BookingListView(PortalModelView):
    """Bookings of one kind of resource the staff member may see."""

    can_create = can_edit = can_delete = False
    can_export = True
    column_list = ("request.reference", "resource", "span", "request.applicant_name",
                   "request.status")
    column_labels = {"request.reference": _l("Reference number"), "resource": _l("Name"),
                     "span": _l("Date and time"), "request.applicant_name": _l("Requester"),
                     "request.status": _l("Status"), "start_date": _l("Date")}
    column_formatters = {
        "span": _span,
        "request.status": lambda v, c, m, n: STATUS_LABELS.get(m.request.status, ""),
    }
    column_formatters_export = column_formatters
    column_sortable_list = ("start_date",)
    column_default_sort = ("start_date", True)
    column_searchable_list = (Request.reference, Request.applicant_name)
    search_hint = _l("Reference number or requester's name")
    column_extra_row_actions = REQUEST_ROW_ACTIONS

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self.kind = kind
        self.column_filters = (
            FilterEqual(Booking.resource, _l("Name"), options=live_options(self._resource_options)),
            LocalDateBetweenFilter(Booking.start_date, _l("Date")),
        )
        super().__init__(Booking, *args, **kwargs)

    def _resource_options(self) -> list[tuple[int, str]]:
        query = Resource.select().where(Resource.kind == self.kind).order_by(Resource.name)
        return [(r.id, r.name) for r in query]

    def get_query(self) -> Any:
        query = (Booking.select(Booking, Request, Resource).join(Request)
                 .switch(Booking).join(Resource).where(Resource.kind == self.kind))
        clause = access.staff_scope(current_user)
        return query if clause is None else query.where(clause)

    def _handle_join(self, query: Any, field: Any, joins: Any) -> Any:
        if getattr(field, "model", None) in (Request, Resource):
            return query  # already joined by get_query
        return super()._handle_join(query, field, joins)


