"""สั่งซื้อแบบพิมพ์ทางการศึกษา ปพ.1–3 — order of official school forms (SPEC §3a.6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from portal.forms import ApplicantForm
from portal.models import Agency, Request
from portal.plugins import AttachmentSlot, Service

from .common import other_slots
from .models import FormOrder, FormPrice, School
from .pricing import ITEMS, SHIPPING_MINIMUM, SHIPPING_RATE, Quote, quote


def prices_for(agency: Agency | int) -> dict[str, Decimal]:
    prices = {item.code: item.default_price for item in ITEMS}
    for row in FormPrice.select().where(FormPrice.agency == agency):
        prices[row.code] = Decimal(row.price)
    return prices


def shipping_terms() -> tuple[Decimal, Decimal]:
    config = current_app.config
    return (Decimal(str(config.get("EDUCATION_SHIPPING_RATE", SHIPPING_RATE))),
            Decimal(str(config.get("EDUCATION_SHIPPING_MINIMUM", SHIPPING_MINIMUM))))


MAX_QTY = 100000


def _qty(label: str) -> IntegerField:
    return IntegerField(label, [Optional(), NumberRange(min=0, max=MAX_QTY, message=_l(
        "Please type a whole number from 0."))],
        render_kw={"inputmode": "numeric", "min": 0, "data-order-qty": ""})


class FormsOrderForm(ApplicantForm):
    school = SelectField(_l("School"), coerce=int, choices=[], default=0, validate_choice=False)
    other_affiliation = StringField(_l("Other affiliation (please specify)"),
                                    [Optional(), Length(max=255)])
    qty_pp1_p = _qty("ปพ.1-ป")
    qty_pp3_p = _qty("ปพ.3-ป")
    qty_pp1_b = _qty("ปพ.1-บ")
    qty_pp2_b = _qty("ปพ.2-บ")
    qty_pp3_b = _qty("ปพ.3-บ")

    def validate_school(self, field: Any) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Please choose a school from the list."))
        if not field.data and not (self.other_affiliation.data or "").strip():
            raise ValidationError(_l("Please choose a school or write the affiliation."))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        # Checked on the form: Optional() stops a field's own checks when empty.
        if not any((getattr(self, f"qty_{i.code}").data or 0) > 0 for i in ITEMS):
            self.qty_pp1_p.errors = [*self.qty_pp1_p.errors,
                                     str(_l("Please order at least one form."))]
            ok = False
        return ok


def prepare(form: FlaskForm, agency: Agency) -> None:
    schools = School.select().where((School.agency == agency) & School.active) \
        .order_by(School.name)
    form.school.choices = [(0, _l("— choose —"))] + [(s.id, s.name) for s in schools]
    rate, minimum = shipping_terms()
    form.shipping_note = str(_l(
        "Shipping is %(rate)s%% of the price, at least %(minimum)s baht. The office works "
        "out the amount to pay from these prices.",
        rate=f"{(rate * 100).normalize():f}", minimum=f"{minimum.normalize():f}"))
    prices = prices_for(agency)
    # What the form's answers cost, as the server works it out: shown under
    # the quantities and by the review button (order_total.html).
    form.order_quote = order_quote(agency, {f"qty_{i.code}": getattr(form, f"qty_{i.code}").data
                                            for i in ITEMS})
    for item in ITEMS:
        field = getattr(form, f"qty_{item.code}")
        field.label.text = str(_l("%(form)s, %(level)s (%(price)s baht a %(unit)s)",
                                  form=item.label, level=item.level,
                                  price=f"{prices[item.code]:,.2f}".rstrip("0").rstrip("."),
                                  unit=item.unit))


def quantities(answers: dict[str, Any]) -> dict[str, int]:
    """Quantities from stored answers or typed ones; what is not a whole
    number from 0 counts as none (the form refuses it anyway)."""
    out = {}
    for item in ITEMS:
        raw = answers.get(f"qty_{item.code}")
        try:
            qty = int(str(raw).strip()) if raw not in (None, "") else 0
        except ValueError:
            qty = 0
        out[item.code] = qty if 0 <= qty <= MAX_QTY else 0
    return out


def order_quote(agency: Agency | int, answers: dict[str, Any]) -> Quote:
    """The one place an order's amount to pay is worked out: the stored
    order (its PDF, pages and the staff list), the form's review and its
    live total all come from here, with the agency's prices."""
    rate, minimum = shipping_terms()
    return quote(quantities(answers), prices_for(agency), rate, minimum)


def store(request: Request, answers: dict[str, Any]) -> None:
    q = order_quote(request.agency_id, answers)
    school = School.get_or_none((School.id == answers.get("school"))
                                & (School.agency == request.agency_id))
    values = {"school": school, "other_affiliation": answers.get("other_affiliation") or "",
              "lines": q.lines, "total": q.total, "shipping": q.shipping,
              "grand_total": q.grand_total}
    (FormOrder.insert(request=request, **values)
     .on_conflict(conflict_target=[FormOrder.request],
                  update={getattr(FormOrder, k): v for k, v in values.items()}).execute())


SERVICE = Service(
    code="school_forms",
    title=_l("Order of official school forms (ปพ.1–3)"),
    description=_l("Order record books and transcripts for your school; pay by transfer and "
                   "attach the slip."),
    form_class=FormsOrderForm,
    ref_prefix="41",
    slots=(AttachmentSlot("payment_slip", _l("Payment slip"), required=True), *other_slots(2)),
    target_days=5,
    print_template="education/order_print.html",
    store=store,
    prepare_form=prepare,
    form_help_template="education/order_help.html",
    form_summary_template="education/order_total.html",
    details_template="education/order_details.html",
)
