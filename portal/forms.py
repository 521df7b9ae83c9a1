"""Form pieces every service shares: the applicant block, Thai validators,
attachment inputs and reading answers back for display."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, HiddenField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp, ValidationError

from .services import Service
from .thai import format_date, national_id_is_valid, normalise_national_id

TITLES = ("นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "ว่าที่ร้อยตรีหญิง", "ดร.",
          "ผศ.", "รศ.", "ศ.")
TITLE_CHOICES = [("", _l("— choose —"))] + [(t, t) for t in TITLES]


def required() -> InputRequired:
    return InputRequired(message=_l("Please fill in this field."))


def phone_validator() -> Regexp:
    return Regexp(r"^0\d{8,9}$", message=_l("A phone number is 9 or 10 digits starting with 0."))


def email_validator() -> Email:
    return Email(message=_l("This is not a valid e-mail address."), check_deliverability=False)


class NationalID:
    """13 digits with a valid check digit; dashes and spaces are dropped."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        field.data = normalise_national_id(field.data or "")
        if len(field.data) != 13:
            raise ValidationError(_l("A national ID has 13 digits."))
        if not national_id_is_valid(field.data):
            raise ValidationError(_l("This national ID is not valid (check digit)."))


class ApplicantForm(FlaskForm):
    """The identity block that opens every request form (seed 000)."""

    national_id = StringField(_l("National ID number"), render_kw={"readonly": True})
    phone = StringField(_l("Phone number"), [required(), phone_validator()],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    title = SelectField(_l("Title"), [required()], choices=TITLE_CHOICES)
    first_name = StringField(_l("First name"), [required(), Length(max=100)])
    last_name = StringField(_l("Last name"), [required(), Length(max=100)])

    applicant_fields = ("national_id", "phone", "title", "first_name", "last_name")


# Fields the core adds; never part of the stored answers.
_NOT_ANSWERS = {"csrf_token", "version", "submit"}


def build_request_form(service: Service, *, editing: bool = False) -> type[FlaskForm]:
    """The service's form plus one file input per attachment slot.

    On edit no file is required: an empty input keeps the file already sent.
    """
    attrs: dict[str, Any] = {"version": HiddenField()}
    for slot in service.slots:
        validators = [Optional()] if editing or not slot.required else [
            InputRequired(message=_l("Please attach this file."))]
        accept = ",".join({"pdf": ".pdf,application/pdf", "png": ".png,image/png",
                           "jpg": ".jpg,.jpeg,image/jpeg"}[k] for k in slot.kinds)
        attrs[f"file_{slot.name}"] = FileField(slot.label, validators,
                                               render_kw={"accept": accept})
    return type(f"{service.form_class.__name__}WithFiles", (service.form_class,), attrs)


def slot_fields(form: FlaskForm) -> list[Field]:
    return [f for f in form if f.name.startswith("file_")]


def answer_fields(form: FlaskForm) -> list[Field]:
    return [f for f in form if f.name not in _NOT_ANSWERS and not f.name.startswith("file_")]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def answers_from_form(form: FlaskForm) -> dict[str, Any]:
    """What the person answered, as JSON-safe values."""
    return {f.name: _plain(f.data) for f in answer_fields(form)}


def form_data(form_class: type[FlaskForm], payload: dict[str, Any]) -> dict[str, Any]:
    """Stored JSON answers back into the Python types the form's fields hold."""
    form = form_class(meta={"csrf": False}, formdata=None)
    data = dict(payload)
    for field in answer_fields(form):
        raw = data.get(field.name)
        if raw in (None, ""):
            continue
        if field.type == "DecimalField":
            data[field.name] = decimal.Decimal(str(raw))
        elif field.type == "DateField":
            data[field.name] = dt.date.fromisoformat(raw)
    return data


def display_answers(service: Service, payload: dict[str, Any],
                    locale: str = "th") -> list[tuple[Any, str]]:
    """(label, text) pairs in the form's order, for view, staff and print pages."""
    form = service.form_class(meta={"csrf": False}, formdata=None)
    rows: list[tuple[Any, str]] = []
    for field in answer_fields(form):
        raw = payload.get(field.name)
        if raw in (None, ""):
            text = "-"
        elif hasattr(field, "choices") and field.choices:
            choices = {str(k): str(v) for k, v in field.choices}
            if isinstance(raw, list):
                text = ", ".join(choices.get(str(r), str(r)) for r in raw)
            else:
                text = choices.get(str(raw), str(raw))
        elif field.type == "DateField":
            text = format_date(dt.date.fromisoformat(raw), locale)
        elif field.type in {"DecimalField", "IntegerField", "FloatField"}:
            text = f"{decimal.Decimal(str(raw)):,}"
        else:
            text = str(raw)
        rows.append((field.label.text, text))
    return rows


def changed_labels(service: Service, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    form = service.form_class(meta={"csrf": False}, formdata=None)
    return [str(f.label.text) for f in answer_fields(form)
            if before.get(f.name) != after.get(f.name)]
