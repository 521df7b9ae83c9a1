from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, RadioField, StringField
from wtforms.validators import Length, NumberRange, Optional

from portal.forms import ApplicantForm, required

OFFICIAL_TYPES = [
    ("teacher", _l("Teachers and educational personnel (civil servant)")),
    ("permanent_employee", _l("Permanent employee")),
    ("government_employee", _l("Government employee")),
    ("pensioner", _l("Pensioner")),
    ("other", _l("Other")),
]


def money(label: object, needed: bool = False) -> DecimalField:
    checks = [required()] if needed else [Optional()]
    return DecimalField(label, checks + [NumberRange(min=0, max=10_000_000, message=_l(
        "Please type an amount in baht between 0 and 10,000,000."))], places=2,
        render_kw={"inputmode": "decimal"})


class CertificateForm(ApplicantForm):
    official_type = RadioField(_l("Type of state official"), [required()],
                               choices=OFFICIAL_TYPES)
    work_unit = StringField(_l("Work group / school"), [required(), Length(max=255)])
    position = StringField(_l("Position"), [required(), Length(max=255)])
    rank = StringField(_l("Academic standing / rank / level"), [Optional(), Length(max=255)])
    salary = money(_l("Salary (baht)"), needed=True)
    academic_allowance = money(_l("Academic standing allowance (baht)"))
    compensation = money(_l("Compensation (baht)"))
    purpose = StringField(_l("Certificate requested"), [required(), Length(max=255)],
                          render_kw={"placeholder": "รับรองเงินเดือน"})
    intended_use = StringField(_l("To be used for"), [required(), Length(max=255)],
                               render_kw={"placeholder": "กู้เงินธนาคาร"})
