"""ขอมีบัตรประจำตัวหรือขอบัตรประจำตัวใหม่ — staff ID card (SPEC §3a.1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from portal.forms import ApplicantForm, ThaiDateField, required
from portal.models import Request
from portal.plugins import AttachmentSlot, Service
from portal.thai import age_years

from .common import (
    id_card_slot,
    official_type_field,
    other_slots,
    position_field,
    rank_field,
    work_unit_field,
)
from .models import StaffCardRequest

BLOOD_GROUPS = [("", _l("— choose —")), ("A", "A"), ("B", "B"), ("AB", "AB"), ("O", "O"),
                ("unknown", _l("Not known"))]
REASONS = [("new", _l("First card")), ("lost", _l("Card lost or damaged")),
           ("expired", _l("Card expired")), ("changed", _l("Name or position changed"))]


class StaffCardForm(ApplicantForm):
    birth_date = ThaiDateField(_l("Date of birth"), [required()], birth=True)
    nationality = StringField(_l("Nationality"), [required(), Length(max=60)], default="ไทย")
    blood_group = SelectField(_l("Blood group"), [required()], choices=BLOOD_GROUPS)
    registered_address = TextAreaField(_l("Address in the house registration"),
                                       [required(), Length(max=500)])
    contact_address = TextAreaField(_l("Contact address"), [required(), Length(max=500)])
    work_unit = work_unit_field()
    position = position_field()
    rank = rank_field()
    reason = RadioField(_l("Reason for the card"), [required()], choices=REASONS)
    official_type = official_type_field()

    def validate_birth_date(self, field: ThaiDateField) -> None:
        if field.data and not 15 <= age_years(field.data) <= 100:
            raise ValidationError(_l("Please check the date of birth (age 15 to 100)."))


def store(request: Request, answers: dict[str, Any]) -> None:
    values = {"official_type": answers["official_type"], "work_unit": answers["work_unit"],
              "position": answers["position"], "reason": answers["reason"],
              "birth_date": dt.date.fromisoformat(answers["birth_date"])}
    (StaffCardRequest.insert(request=request, **values)
     .on_conflict(conflict_target=[StaffCardRequest.request], update=values).execute())


SERVICE = Service(
    code="staff_card",
    title=_l("Staff ID card, new or replacement"),
    description=_l("Identity card for teachers, educational personnel and employees."),
    form_class=StaffCardForm,
    ref_prefix="11",
    slots=(id_card_slot(),
           AttachmentSlot("photo", _l("Photo (jpg or png)"), required=True,
                          kinds=("jpg", "png")),
           *other_slots(2)),
    target_days=5,
    print_template="education/staff_card_print.html",
    store=store,
)
