"""จองห้องประชุม — meeting room booking (SPEC §3a.4), on the core's bookings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import Length, NumberRange, ValidationError

from portal.booking import BookingConflict, Span, reserve
from portal.forms import ApplicantForm, FieldError, ThaiDateField, required
from portal.models import Agency, Request, Resource
from portal.services import AttachmentSlot, Service
from portal.thai import local_today

from .common import other_slots

KIND = "meeting_room"


def agency_resources(agency: Agency, kind: str) -> list[Resource]:
    return list(Resource.select().where((Resource.agency == agency) & (Resource.kind == kind)
                                        & Resource.active).order_by(Resource.name))


class RoomBookingForm(ApplicantForm):
    organisation = StringField(_l("Agency / group"), [required(), Length(max=255)])
    attendees = IntegerField(_l("Number of attendees"), [required(), NumberRange(
        min=1, max=10000, message=_l("Please type a number of people from 1."))],
        render_kw={"inputmode": "numeric"})
    room = SelectField(_l("Meeting room"), [required()], coerce=int, choices=[])
    purpose = TextAreaField(_l("Purpose"), [required(), Length(max=1000)])
    start_date = ThaiDateField(_l("First day of use"), [required()])
    end_date = ThaiDateField(_l("Last day of use"), [required()])
    start_time = TimeField(_l("From"), [required()])
    end_time = TimeField(_l("To"), [required()])

    def validate_start_date(self, field: Any) -> None:
        if field.data and field.data < local_today():
            raise ValidationError(_l("The date has already passed."))

    def validate_end_date(self, field: Any) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date is before the start date."))

    def validate_end_time(self, field: Any) -> None:
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The end time must be after the start time."))

    def validate_attendees(self, field: Any) -> None:
        room = Resource.get_or_none(Resource.id == self.room.data)
        if room and room.capacity and field.data and field.data > room.capacity:
            raise ValidationError(_l("%(room)s holds at most %(n)s people.",
                                     room=room.name, n=room.capacity))


def prepare(form: FlaskForm, agency: Agency) -> None:
    form.room.choices = [(0, _l("— choose —"))] + [
        (r.id, f"{r.name} ({r.capacity} คน)" if r.capacity else r.name)
        for r in agency_resources(agency, KIND)]


def span_of(answers: dict[str, Any]) -> Span:
    return Span(dt.date.fromisoformat(answers["start_date"]),
                dt.date.fromisoformat(answers["end_date"]),
                dt.time.fromisoformat(answers["start_time"]),
                dt.time.fromisoformat(answers["end_time"]))


def store(request: Request, answers: dict[str, Any]) -> None:
    room = Resource.get_or_none((Resource.id == answers["room"]) & (Resource.kind == KIND)
                                & (Resource.agency == request.agency_id) & Resource.active)
    if room is None:
        raise FieldError("room", str(_l("Please choose a meeting room.")))
    try:
        reserve(room, span_of(answers), request)
    except BookingConflict as exc:
        raise FieldError("room", str(exc)) from exc


SERVICE = Service(
    code="meeting_room",
    title=_l("Meeting room booking"),
    description=_l("Book a meeting room of the office; see which times are free first."),
    form_class=RoomBookingForm,
    ref_prefix="31",
    slots=(AttachmentSlot("letter", _l("Request letter"), required=True), *other_slots(2)),
    target_days=3,
    print_template="education/booking_print.html",
    store=store,
    prepare_form=prepare,
    form_help_template="education/rooms_help.html",
)
