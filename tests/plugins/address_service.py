"""A throwaway plugin with one service that asks a Thai address and a
location (tests/test_address_field.py), as a code-defined or built service
would."""

from __future__ import annotations

from wtforms.validators import Optional

from portal import hookimpl
from portal.forms.address import LocationField, ThaiAddressField
from portal.forms.fields import ApplicantForm, required
from portal.plugins.services import Service


class AddressTestForm(ApplicantForm):
    home = ThaiAddressField("ที่อยู่ตามทะเบียนบ้าน", [required()])
    spot = LocationField("ตำแหน่งบ้าน", [Optional()])


@hookimpl
def register_services() -> list[Service]:
    return [Service(code="address_test", title="ทดสอบที่อยู่", form_class=AddressTestForm,
                    ref_prefix="58", target_days=3, guest_allowed=True)]
