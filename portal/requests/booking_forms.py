"""Form pieces for services that book a resource (rooms, halls, executives):
shared by every plugin so there is one implementation of the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TimeField
from wtforms.validators import ValidationError

from ..forms.fields import FieldError, ThaiDateField, required
from ..models import Agency, Request, Resource
from ..thai import local_today
from .booking import BookingConflict, Span, reserve


def resources_of(agency: Agency | int, kind: str) -> list[Resource]:
    return list(Resource.select().where((Resource.agency == agency) & (Resource.kind == kind)
                                        & Resource.active).order_by(Resource.name))


def resource_field(label: Any) -> SelectField:
    return SelectField(label, [required()], coerce=int, choices=[])


def span_fields(first_day: Any, last_day: Any) -> tuple[ThaiDateField, ThaiDateField,
                                                        TimeField, TimeField]:
    """start_date, end_date, start_time, end_time — unpack them in a form."""
    return (ThaiDateField(first_day, [required()]), ThaiDateField(last_day, [required()]),
            TimeField(_l("From"), [required()]), TimeField(_l("To"), [required()]))


def validate_start_date(form: Any, field: Any) -> None:
    if field.data and field.data < local_today():
        raise ValidationError(_l("The date has already passed."))


def validate_end_date(form: Any, field: Any) -> None:
    if field.data and form.start_date.data and field.data < form.start_date.data:
        raise ValidationError(_l("The end date is before the start date."))


def validate_end_time(form: Any, field: Any) -> None:
    if field.data and form.start_time.data and field.data <= form.start_time.data:
        raise ValidationError(_l("The end time must be after the start time."))


def capacity_validator(resource_field_name: str) -> Any:
    """Checks a head count against the chosen resource's capacity."""

    def validate(form: Any, field: Any) -> None:
        chosen = Resource.get_or_none(Resource.id == getattr(form, resource_field_name).data)
        if chosen and chosen.capacity and field.data and field.data > chosen.capacity:
            raise ValidationError(_l("%(room)s holds at most %(n)s people.",
                                     room=chosen.name, n=chosen.capacity))
    return validate


def fill_choices(field: SelectField, agency: Agency, kind: str) -> None:
    field.choices = [(0, _l("— choose —"))] + [
        (r.id, f"{r.name} ({r.capacity} คน)" if r.capacity else
         (f"{r.name} ({r.details})" if r.details and kind != "meeting_room" else r.name))
        for r in resources_of(agency, kind)]


def span_of(answers: dict[str, Any]) -> Span:
    return Span(dt.date.fromisoformat(answers["start_date"]),
                dt.date.fromisoformat(answers["end_date"]),
                dt.time.fromisoformat(answers["start_time"]),
                dt.time.fromisoformat(answers["end_time"]))


def hold(request: Request, answers: dict[str, Any], kind: str, field: str,
         span: Span | None = None, missing: Any = None) -> None:
    """Reserve the chosen resource for the request inside its transaction,
    or refuse the whole submission beside ``field``."""
    chosen = Resource.get_or_none((Resource.id == answers.get(field)) & (Resource.kind == kind)
                                  & (Resource.agency == request.agency_id) & Resource.active)
    if chosen is None:
        raise FieldError(field, str(missing or _l("Please choose from the list.")))
    try:
        reserve(chosen, span or span_of(answers), request)
    except BookingConflict as exc:
        raise FieldError(field, str(exc)) from exc
