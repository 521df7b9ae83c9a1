"""Form pieces every service shares: the applicant block, Thai validators,
attachment inputs and reading answers back for display."""

from __future__ import annotations

import datetime as dt
import decimal
import unicodedata
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeField,
    Field,
    HiddenField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import DateTimeLocalInput

from .i18n import local_tz
from .services import Service
from .thai import (
    ascii_digits,
    format_date,
    format_datetime,
    national_id_is_valid,
    normalise_national_id,
    parse_date,
    parse_local_datetime,
    to_local,
)

if TYPE_CHECKING:
    from .models import Agency


class FieldError(ValueError):
    """A refusal found while saving that belongs to one form field (a taken
    room, a duplicate registration); the form shows it beside that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ThaiDateField(DateField):
    """A date typed as 25/06/2567 (Buddhist era), 25/06/2024 or picked in the
    browser's date input (ISO)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(_l("Please type a date as day/month/year, e.g. 25/06/2567.")) \
                from None


class LocalDateTimeField(DateTimeField):
    """The one field for a moment a person types (a promised call-back, an
    appointment): typed and shown in office time (Asia/Bangkok), kept as the
    naive UTC every timestamp column stores.

    The browser's own date-and-time picker (``datetime-local``) sends
    ``2026-12-02T10:00``; typed text may also be ``02/12/2569 10:00`` (Buddhist
    or Christian era, Thai digits)."""

    widget = DateTimeLocalInput()
    INPUT_FORMAT = "%Y-%m-%dT%H:%M"

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.pop("format", None)  # Flask-Admin passes its own; ours is the browser's
        super().__init__(label, validators, format=self.INPUT_FORMAT, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return to_local(self.data, local_tz()).strftime(self.INPUT_FORMAT)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_local_datetime(valuelist[0], local_tz())
        except ValueError:
            self.data = None
            raise ValueError(_l("Please type a date and time as day/month/year "
                                "hours:minutes, e.g. 25/06/2567 13:30.")) from None


TITLES = ("นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "ว่าที่ร้อยตรีหญิง", "ดร.",
          "ผศ.", "รศ.", "ศ.")
# The first entry of every list: the rendering code knows it is no answer.
CHOOSE = _l("— choose —")


def choose(key: Any = "") -> tuple[Any, Any]:
    """The "— choose —" entry to put first in a select's choices."""
    return (key, CHOOSE)


TITLE_CHOICES = [choose()] + [(t, t) for t in TITLES]


class Required(InputRequired):
    """Something was typed, and it is more than spaces or characters that
    clean_text() removes (a name of only control characters is no name)."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data.strip():
            field.errors[:] = []
            raise StopValidation(self.message)


def required() -> InputRequired:
    return Required(message=_l("Please fill in this field."))


# Control characters, and the bidirectional overrides that make a name read
# differently on screen from what is stored ("Trojan Source"). Tab and
# newline stay: people type them in long answers.
_UNSAFE = {c: None for c in range(32) if c not in (9, 10)}
_UNSAFE.update({0x7F: None, **{c: None for c in range(0x80, 0xA0)},
                **{c: None for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}})


def clean_text(value: Any) -> Any:
    r"""Every text a person types, before any validator sees it: ``\r\n`` as
    ``\n`` and the characters above removed. PostgreSQL refuses NUL in text,
    PDFs and CSV files mangle the rest."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").translate(_UNSAFE)


class ReadableName:
    """A name starts with a letter: a lone Thai vowel or tone mark (่ ั ิ) has
    nothing to sit on and prints as a dotted circle."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        text = (field.data or "").strip()
        if text and (unicodedata.category(text[0]).startswith("M")
                     or not any(ch.isalpha() for ch in text)):
            raise ValidationError(_l("Please type a name that starts with a letter."))


def digits_filter(value: Any) -> Any:
    """A WTForms filter: :func:`~portal.thai.ascii_digits` on typed text."""
    return ascii_digits(value) if isinstance(value, str) else value


class DigitsField(StringField):
    """Text that is a number to the office: a national ID, a phone, a
    reference or account number. Digits of any script (a Thai keyboard's
    ``๐``-``๙``) reach the validators, the database and every lookup as ASCII,
    whichever form the field is on."""

    def __init__(self, label: Any = None, validators: Any = None,
                 filters: tuple[Any, ...] = (), **kwargs: Any) -> None:
        super().__init__(label, validators, filters=(digits_filter, *filters), **kwargs)


class Phone(Regexp):
    """9 or 10 ASCII digits starting with 0; other scripts' digits are made
    ASCII first, so a form that kept a plain StringField is covered too."""

    def __init__(self) -> None:
        super().__init__(r"^0[0-9]{8,9}$",
                         message=_l("A phone number is 9 or 10 digits starting with 0."))

    def __call__(self, form: FlaskForm, field: Field) -> None:
        field.data = digits_filter(field.data)
        super().__call__(form, field)


def phone_validator() -> Phone:
    return Phone()


def email_validator() -> Email:
    return Email(message=_l("This is not a valid e-mail address."), check_deliverability=False)


class NationalID:
    """13 digits with a valid check digit; dashes and spaces are dropped and
    other scripts' digits made ASCII (one spelling per person, whatever the
    field type)."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        field.data = normalise_national_id(field.data or "")
        if len(field.data) != 13:
            raise ValidationError(_l("A national ID has 13 digits."))
        if not national_id_is_valid(field.data):
            raise ValidationError(_l("This national ID is not valid (check digit)."))


class PortalForm(FlaskForm):
    """Base of every form: Flask-WTF's CSRF, WTForms' messages in Thai, and
    clean_text() on every text input of every plugin's form."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            if issubclass(unbound_field.field_class, StringField):
                filters = (clean_text, *unbound_field.kwargs.get("filters", ()))
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)

        def get_translations(self, form: Any) -> Any:
            from .i18n import wtforms_translations

            return wtforms_translations


class ApplicantForm(PortalForm):
    """The identity block that opens every request form (seed 000)."""

    national_id = DigitsField(_l("National ID number"), render_kw={"readonly": True})
    phone = DigitsField(_l("Phone number"), [required(), phone_validator()],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    title = SelectField(_l("Title"), [required()], choices=TITLE_CHOICES)
    first_name = StringField(_l("First name"), [required(), Length(max=100), ReadableName()])
    last_name = StringField(_l("Last name"), [required(), Length(max=100), ReadableName()])

    applicant_fields = ("national_id", "phone", "title", "first_name", "last_name", "email")


# Fields the core adds; never part of the stored answers.
_NOT_ANSWERS = {"csrf_token", "version", "submit", "captcha", "altcha", "channel"}


def build_request_form(service: Service, *, editing: bool = False,
                       guest: bool = False, held: frozenset[str] = frozenset()
                       ) -> type[FlaskForm]:
    """The service's form plus one file input per attachment slot.

    On edit no file is required: an empty input keeps the file already sent;
    nor is one whose slot has a file ``held`` (portal.drafts) from an earlier
    round. A guest (no account, or a request recorded on someone's behalf)
    gives no national ID but may leave an e-mail for follow-up.
    """
    attrs: dict[str, Any] = {"version": HiddenField()}
    if guest:
        attrs["national_id"] = None  # removes the field
        attrs["email"] = StringField(_l("E-mail (optional, for news of the request)"),
                                     [Optional(), email_validator(), Length(max=255)])
    for slot in service.slots:
        validators = [Optional()] if editing or not slot.required or slot.name in held else [
            InputRequired(message=_l("Please attach this file."))]
        accept = ",".join({"pdf": ".pdf,application/pdf", "png": ".png,image/png",
                           "jpg": ".jpg,.jpeg,image/jpeg"}[k] for k in slot.kinds)
        attrs[f"file_{slot.name}"] = FileField(slot.label, validators,
                                               render_kw={"accept": accept})
    return type(f"{service.form_class.__name__}WithFiles", (service.form_class,), attrs)


def review_only(service: Service) -> bool:
    """The person pressed the form's ``review`` button (see
    ``Service.form_summary_template``): show the form again with what the
    server works out from it, and send nothing."""
    from flask import request

    return bool(service.form_summary_template and request.method == "POST"
                and "review" in request.form)


def prefill_from_args(form: FlaskForm, args: Any) -> None:
    """Fill answer fields from query arguments (``?room=3&start_date=...``);
    what does not parse is left empty for the person to fill."""
    for field in answer_fields(form):
        if field.name in args and field.name not in ApplicantForm.applicant_fields:
            try:
                field.process_formdata([args[field.name]])
            except ValueError:
                field.data = None


def slot_fields(form: FlaskForm) -> list[Field]:
    return [f for f in form if f.name.startswith("file_")]


def answer_fields(form: FlaskForm) -> list[Field]:
    return [f for f in form if f.name not in _NOT_ANSWERS and not f.name.startswith("file_")]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(timespec="minutes") if isinstance(value, dt.time) \
            else value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def answers_from_form(form: FlaskForm) -> dict[str, Any]:
    """What the person answered, as JSON-safe values."""
    return {f.name: _plain(f.data) for f in answer_fields(form)}


def blank_form(service: Service, agency: Agency | None) -> FlaskForm:
    """The service's form with no input, its choices filled for ``agency``."""
    form = service.form_class(meta={"csrf": False}, formdata=None)
    if service.prepare_form and agency is not None:
        service.prepare_form(form, agency)
    return form


def form_data(service: Service, agency: Agency, payload: dict[str, Any]) -> dict[str, Any]:
    """Stored JSON answers back into the Python types the form's fields hold."""
    data = dict(payload)
    for field in answer_fields(blank_form(service, agency)):
        raw = data.get(field.name)
        if raw in (None, ""):
            continue
        if field.type == "DecimalField":
            data[field.name] = decimal.Decimal(str(raw))
        elif isinstance(field, DateField):
            data[field.name] = dt.date.fromisoformat(raw)
        elif isinstance(field, LocalDateTimeField):
            data[field.name] = dt.datetime.fromisoformat(raw)
        elif isinstance(field, TimeField):
            data[field.name] = dt.time.fromisoformat(raw)
    return data


def is_placeholder(field: Field, raw: Any) -> bool:
    """``raw`` is the "— choose —" entry of a select, not an answer (some
    lists keep it under "" and some, such as the schools, under 0)."""
    choices = getattr(field, "choices", None)
    if not choices or isinstance(raw, list):
        return False
    placeholder = str(CHOOSE)
    return any(str(k) == str(raw) and str(v) == placeholder for k, v in choices)


def is_unanswered(field: Field, raw: Any) -> bool:
    return (raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []
            or is_placeholder(field, raw))


def _normalised(field: Field, raw: Any) -> Any:
    """One spelling per answer, however it was stored or sent back: the edit
    form shows 35000 as 35000.00 and an empty list as its first option."""
    if is_unanswered(field, raw):
        return None
    try:
        if field.type in {"DecimalField", "IntegerField", "FloatField"}:
            return decimal.Decimal(str(raw)).normalize()
        if isinstance(field, DateField):
            return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
        if isinstance(field, TimeField):
            return str(raw)[:5]
    except (ValueError, ArithmeticError):
        pass
    if isinstance(raw, list):
        return sorted(str(r) for r in raw)
    if isinstance(raw, str):
        return raw.replace("\r\n", "\n").strip()
    return str(raw)


def display_answers(service: Service, payload: dict[str, Any], agency: Agency | None = None,
                    locale: str = "th") -> list[tuple[Any, str]]:
    """(label, text) pairs in the form's order, for view, staff and print pages.

    An empty answer, the placeholder of a list included, reads "-"."""
    return [(f.label.text, text)
            for f, text in answer_texts(blank_form(service, agency), payload, locale)]


def answer_texts(form: FlaskForm, payload: dict[str, Any],
                 locale: str = "th") -> list[tuple[Field, str]]:
    """(field, text) of each answer field of ``form``, as display_answers
    reads them; the check page uses it on the very form the person filled."""
    rows: list[tuple[Field, str]] = []
    for field in answer_fields(form):
        raw = payload.get(field.name)
        if is_unanswered(field, raw):
            text = "-"
        elif hasattr(field, "choices") and field.choices:
            choices = {str(k): str(v) for k, v in field.choices}
            if isinstance(raw, list):
                text = ", ".join(choices.get(str(r), str(r)) for r in raw)
            else:
                text = choices.get(str(raw), str(raw))
        elif isinstance(field, DateField):
            text = format_date(dt.date.fromisoformat(raw), locale)
        elif isinstance(field, LocalDateTimeField):
            text = format_datetime(dt.datetime.fromisoformat(raw), locale, local_tz())
        elif isinstance(field, TimeField):
            text = raw[:5] + (" น." if locale.startswith("th") else "")
        elif field.type == "DecimalField" and getattr(field, "places", None):
            text = f"{decimal.Decimal(str(raw)):,.{field.places}f}"  # 35,210.50
        elif field.type in {"DecimalField", "IntegerField", "FloatField"}:
            text = f"{decimal.Decimal(str(raw)):,}"
        else:
            text = str(raw)
        rows.append((field, text))
    return rows


def changed_labels(service: Service, agency: Agency, before: dict[str, Any],
                   after: dict[str, Any]) -> list[str]:
    """Labels of the answers the requester really changed on a resubmission."""
    form = blank_form(service, agency)
    return [str(f.label.text) for f in answer_fields(form)
            if _normalised(f, before.get(f.name)) != _normalised(f, after.get(f.name))]
