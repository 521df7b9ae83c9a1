"""หนังสือรับรอง — certificate of salary or employment (SPEC §3a.2)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from portal.forms import ApplicantForm, required
from portal.models import Request
from portal.plugins import AttachmentSlot, Service

from .common import (
    id_card_slot,
    money_field,
    official_type_field,
    other_slots,
    position_field,
    rank_field,
    work_unit_field,
)
from .models import CertificateRequest


class CertificateForm(ApplicantForm):
    official_type = official_type_field()
    work_unit = work_unit_field()
    position = position_field()
    rank = rank_field()
    salary = money_field(_l("Salary (baht)"), needed=True)
    academic_allowance = money_field(_l("Academic standing allowance (baht)"))
    compensation = money_field(_l("Compensation (baht)"))
    purpose = StringField(_l("Certificate requested"), [required(), Length(max=255)],
                          description=_l("For example, a certificate of salary"))
    intended_use = StringField(_l("To be used for"), [required(), Length(max=255)],
                               description=_l("For example, a bank loan"))


def store(request: Request, answers: dict[str, Any]) -> None:
    values = {k: answers.get(k) or "" for k in
              ("official_type", "work_unit", "position", "purpose", "intended_use")}
    values["salary"] = answers.get("salary") or 0
    (CertificateRequest.insert(request=request, **values)
     .on_conflict(conflict_target=[CertificateRequest.request], update=values).execute())


SERVICE = Service(
    code="certificate",
    title=_l("Certificate"),
    description=_l("Salary or employment certificate for a bank loan and similar uses."),
    form_class=CertificateForm,
    ref_prefix="12",
    slots=(id_card_slot(),
           AttachmentSlot("salary_slip", _l("Copy of last month's salary slip"), required=True),
           *other_slots(3)),
    target_days=5,
    print_template="education/certificate_print.html",
    store=store,
)
