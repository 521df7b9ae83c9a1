"""จองห้องประชุม — meeting room booking (SPEC §3a.4), on the core's bookings."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange

from portal.forms import ApplicantForm, required
from portal.models import Agency, Request
from portal.plugins import AttachmentSlot, Service
from portal.requests import (
    capacity_validator,
    fill_choices,
    hold,
    resource_field,
    span_fields,
    validate_end_date,
    validate_end_time,
    validate_start_date,
)

from .common import other_slots

KIND = "meeting_room"


class RoomBookingForm(ApplicantForm):
    organisation = StringField(_l("Agency / group"), [required(), Length(max=255)])
    attendees = IntegerField(_l("Number of attendees"), [required(), NumberRange(
        min=1, max=10000, message=_l("Please type a number of people from 1."))],
        render_kw={"inputmode": "numeric"})
    room = resource_field(_l("Meeting room"))
    purpose = TextAreaField(_l("Purpose"), [required(), Length(max=1000)])
    start_date, end_date, start_time, end_time = span_fields(_l("First day of use"),
                                                             _l("Last day of use"))
    validate_start_date = validate_start_date
    validate_end_date = validate_end_date
    validate_end_time = validate_end_time
    validate_attendees = capacity_validator("room")


def prepare(form: FlaskForm, agency: Agency) -> None:
    fill_choices(form.room, agency, KIND)


def store(request: Request, answers: dict[str, Any]) -> None:
    hold(request, answers, KIND, "room", missing=_l("Please choose a meeting room."))


SERVICE = Service(
    forwardable=False,
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
