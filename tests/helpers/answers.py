"""Answers that pass each service's form on the demo office, derived from
the form's own fields (first real choice, smallest allowed number, a Thai
sentence) plus what a generic filler cannot know (free times, ages).

Used by the hostile-input tests and the browser suite, so one list covers
every service of every plugin — a new service is filled without new code
unless its form has a rule like these."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from flask import Flask
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FileField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TimeField,
)
from wtforms.validators import Email, NumberRange

from portal.forms.fields import build_request_form
from portal.models import Agency, AgencyService
from portal.plugins.services import Service
from portal.thai import local_today, national_id_check_digit

from .files import make_jpg, make_pdf

ELDER_ID = "310050012345" + national_id_check_digit("310050012345")


def _weekday_after(days: int, weekday: int = 1) -> dt.date:
    day = local_today() + dt.timedelta(days=days)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def _special(code: str, nth: int) -> dict[str, Any]:
    """Rules a generic filler cannot guess. ``nth`` moves bookings a week on,
    so many answers can be sent without taking each other's slot."""
    booking_day = _weekday_after(7 * (nth + 1)).isoformat()
    return {
        "staff_card": {"birth_date": "25/06/2510"},
        "meeting_room": {"start_date": booking_day, "end_date": booking_day,
                         "start_time": "09:00", "end_time": "11:00", "attendees": "5"},
        "executive_appointment": {"date": booking_day, "time": "13:00"},
        "hall_booking": {"start_date": booking_day, "end_date": booking_day,
                         "start_time": "09:00", "end_time": "11:00", "attendees": "20"},
        "elderly_allowance": {"birth_date": "01/01/2500", "applicant_national_id": ELDER_ID,
                              "account_number": "1234567890"},
        "pension_gratuity": {"has_pledge": "no", "pledge_amount": ""},
        "disaster": {"day": local_today().isoformat()},
        "nuisance": {"since": local_today().isoformat()},
        "street_light": {"latitude": "", "longitude": ""},
        "school_forms": {"qty_pp1_p": "2"},
    }.get(code, {})


def _value(field: Any) -> Any:
    if isinstance(field, (RadioField, SelectField)) and not isinstance(field, SelectMultipleField):
        # 0 or "" is the "— choose —" line.
        choices = [value for value, *_rest in field.iter_choices() if str(value) not in ("", "0")]
        return str(choices[0]) if choices else ""
    if isinstance(field, BooleanField):
        return None
    if isinstance(field, TimeField):
        return "10:00"
    if isinstance(field, DateField):
        return local_today().isoformat()
    if isinstance(field, (IntegerField, DecimalField)):
        low = next((v.min for v in field.validators
                    if isinstance(v, NumberRange) and v.min is not None), 1)
        return str(max(int(low), 1))
    if any(isinstance(v, Email) for v in field.validators):
        return "somchai@example.go.th"
    if field.name == "phone":
        return "0812345678"
    if field.name == "title":
        return "นาย"
    return "ข้อความทดสอบภาษาไทย"


def demo_agency_for(service: Service) -> Agency:
    """The demo office that really runs ``service``: the one whose demo data
    named an officer for it (the sub-district's), else the education office."""
    rows = (AgencyService.select(AgencyService, Agency).join(Agency)
            .where((AgencyService.service_code == service.code) & AgencyService.enabled)
            .order_by(AgencyService.officer_name.desc(), Agency.id))
    return rows.first().agency


def answers(app: Flask, service: Service, agency: Agency, guest: bool = False,
            nth: int = 0) -> dict[str, Any]:
    """Form data (files included) that the service's form accepts."""
    with app.test_request_context(method="POST"):
        form = build_request_form(service, guest=guest)(meta={"csrf": False})
        if service.prepare_form:
            service.prepare_form(form, agency)
        data: dict[str, Any] = {}
        for field in form:
            if field.name in ("csrf_token", "version", "national_id") or \
                    isinstance(field, HiddenField):
                continue
            if isinstance(field, FileField):
                continue
            value = _value(field)
            if value is not None:
                data[field.name] = value
    data.update(_special(service.code, nth))
    data.update(files(service))
    return data


def files(service: Service) -> dict[str, tuple[io.BytesIO, str]]:
    """A small real file for every required slot, of a kind the slot takes."""
    out = {}
    for slot in service.slots:
        if slot.required:
            if "pdf" in slot.kinds:
                out[f"file_{slot.name}"] = (io.BytesIO(make_pdf()), f"{slot.name}.pdf")
            else:
                out[f"file_{slot.name}"] = (io.BytesIO(make_jpg()), f"{slot.name}.jpg")
    return out
