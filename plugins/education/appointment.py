"""นัดหมายผู้บริหาร — appointment with an executive (SPEC §3a.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, ValidationError

from portal.forms import ApplicantForm, FieldError, ThaiDateField, required
from portal.models import Agency, Request, Resource
from portal.plugins import AttachmentSlot, Service
from portal.requests import fill_choices, hold, resource_field, resources_of, slot_at, slot_times
from portal.thai import local_today

from .common import other_slots

KIND = "executive"


class AppointmentForm(ApplicantForm):
    visitor = StringField(_l("Who asks to meet / group / agency"), [required(), Length(max=255)])
    subject = StringField(_l("Subject"), [required(), Length(max=500)])
    executive = resource_field(_l("Executive"))
    date = ThaiDateField(_l("Date of the appointment"), [required()])
    time = SelectField(_l("Time"), [required()], choices=[])

    def validate_date(self, field: Any) -> None:
        if field.data and field.data <= local_today():
            raise ValidationError(_l("Please choose a day from tomorrow on."))


def prepare(form: FlaskForm, agency: Agency) -> None:
    executives = resources_of(agency, KIND)
    fill_choices(form.executive, agency, KIND)
    times = sorted({t for r in executives for t in slot_times(r)})
    form.time.choices = [("", _l("— choose —"))] + [
        (t.strftime("%H:%M"), t.strftime("%H:%M น.")) for t in times]


def store(request: Request, answers: dict[str, Any]) -> None:
    executive = Resource.get_or_none(
        (Resource.id == answers["executive"]) & (Resource.kind == KIND)
        & (Resource.agency == request.agency_id) & Resource.active)
    if executive is None:
        raise FieldError("executive", str(_l("Please choose an executive.")))
    span = slot_at(executive, dt.date.fromisoformat(answers["date"]),
                   dt.time.fromisoformat(answers["time"]))
    if span is None:
        raise FieldError("time", str(_l(
            "%(name)s does not receive visitors at that time. Please pick a listed free time.",
            name=executive.name)))
    try:
        hold(request, answers, KIND, "executive", span=span)
    except FieldError as exc:
        raise FieldError("time", str(exc)) from exc


SERVICE = Service(
    forwardable=False,
    code="executive_appointment",
    title=_l("Appointment with an executive"),
    description=_l("Ask for a meeting with the director or a deputy at a free time."),
    form_class=AppointmentForm,
    ref_prefix="32",
    slots=(AttachmentSlot("letter", _l("Related official letter")), *other_slots(2)),
    target_days=3,
    print_template="education/booking_print.html",
    store=store,
    prepare_form=prepare,
    form_help_template="education/appointment_help.html",
)
