"""บำเหน็จดำรงชีพ — living pension gratuity (SPEC §3a.3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import Length

from portal.forms import ApplicantForm, email_validator, required
from portal.models import Request
from portal.plugins import Service

from .common import id_card_slot, money_field, other_slots
from .models import PensionRequest

PLEDGE_CHOICES = [("no", _l("No")), ("yes", _l("Yes"))]


class PensionForm(ApplicantForm):
    email = StringField(_l("E-mail"), [required(), email_validator(), Length(max=255)],
                        render_kw={"inputmode": "email", "autocomplete": "email"})
    has_pledge = RadioField(_l("Gratuity pledged as loan guarantee"), [required()],
                            choices=PLEDGE_CHOICES)
    pledge_amount = money_field(_l("Amount pledged (baht)"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        # On the form, not the field: Optional() skips a field's checks when empty.
        if self.has_pledge.data == "yes" and not self.pledge_amount.data:
            self.pledge_amount.errors = [*self.pledge_amount.errors,
                                         str(_l("Please give the amount pledged."))]
            ok = False
        return ok


def store(request: Request, answers: dict[str, Any]) -> None:
    pledged = answers["has_pledge"] == "yes"
    values = {"email": answers["email"], "has_pledge": pledged,
              "pledge_amount": Decimal(answers["pledge_amount"]) if pledged else None}
    (PensionRequest.insert(request=request, **values)
     .on_conflict(conflict_target=[PensionRequest.request], update=values).execute())


SERVICE = Service(
    code="pension_gratuity",
    title=_l("Living pension gratuity"),
    description=_l("Request for the living pension gratuity of retired officials."),
    form_class=PensionForm,
    ref_prefix="21",
    slots=(id_card_slot(), *other_slots(2)),
    target_days=5,
    print_template="education/pension_print.html",
    store=store,
)
