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
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.utils import unset_value
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import DateTimeLocalInput, ListWidget

from ..i18n import local_tz
from ..plugins.services import Service
from ..thai import (
    BE_OFFSET,
    MONTHS_EN_LONG,
    MONTHS_LONG,
    YEAR_FIRST_BE,
    YEAR_FIRST_CE,
    YEAR_LAST_BE,
    YEAR_LAST_CE,
    DateProblem,
    ascii_digits,
    format_date,
    format_datetime,
    local_today,
    month_from,
    month_number,
    national_id_is_valid,
    normalise_national_id,
    normalise_phone,
    parse_date,
    parse_local_datetime,
    read_date_parts,
    to_local,
)
from .html import html_params

if TYPE_CHECKING:
    from ..models import Agency


class FieldError(ValueError):
    """A refusal found while saving that belongs to one form field (a taken
    room, a duplicate registration); the form shows it beside that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def show_on(self, form: Any) -> None:
        """Beside its field; a refusal of the whole form (``field`` "", or
        one the form does not have: the last seat just taken) goes on top
        of the page."""
        from flask import flash

        target = form._fields.get(self.field) if self.field else None
        if target is None:
            flash(str(self), "error")
        else:
            target.errors = [str(self)]


_MISSING = {
    ("day",): _l("Enter the day."),
    ("month",): _l("Choose the month."),
    ("year",): _l("Enter the year (B.E.)."),
    ("day", "month"): _l("Enter the day and choose the month."),
    ("day", "year"): _l("Enter the day and the year (B.E.)."),
    ("month", "year"): _l("Choose the month and enter the year (B.E.)."),
}
DATE_PARTS = ("day", "month", "year")


def _date_problem_message(problem: DateProblem) -> str:
    from flask_babel import gettext

    if problem.code == "missing":
        return str(_MISSING.get(problem.parts, _l("Enter the day, month and year (B.E.).")))
    if problem.code == "day":
        return gettext("The day must be a number from 1 to 31.")
    if problem.code == "month":
        return gettext("Choose a month from the list.")
    if problem.code == "year_digits":
        return gettext("The year must have 4 digits, e.g. 2508.")
    if problem.code == "year_range":
        return gettext("The year must be from %(first)s to %(last)s B.E. "
                       "(or %(first_ce)s to %(last_ce)s A.D.).",
                       first=YEAR_FIRST_BE, last=YEAR_LAST_BE,
                       first_ce=YEAR_FIRST_CE, last_ce=YEAR_LAST_CE)
    return gettext("This date does not exist: %(month)s %(year)s B.E. has %(days)s days.",
                   month=month_names()[problem.params["month"] - 1],
                   year=problem.params["year"], days=problem.params["days"])


def month_names() -> tuple[str, ...]:
    from ..i18n import current_locale

    return MONTHS_LONG if current_locale().startswith("th") else MONTHS_EN_LONG


class ThaiDateInput:
    """The three inputs of a :class:`ThaiDateField`: day (digits), month (a
    list of month names) and Buddhist-era year (digits), each with its own
    visible label. ``hint=False`` when the caller (the ``date_input`` macro)
    shows the hint itself; keyword arguments as a widget gets them (``class``
    goes on each input, ``aria-describedby`` too)."""

    def __call__(self, field: ThaiDateField, hint: bool = True, **kwargs: Any) -> Markup:
        from flask_babel import pgettext

        shown = field.shown_parts()
        css = kwargs.pop("class", kwargs.pop("class_", "input"))
        described = " ".join(filter(None, [kwargs.pop("aria-describedby", ""),
                                           field.hint_id if hint else ""]))
        kwargs.pop("id", None)
        common: dict[str, Any] = {k: v for k, v in kwargs.items()
                                  if k in ("disabled", "readonly", "required")}
        if described:
            common["aria-describedby"] = described
        ids = field.part_ids()
        auto = {p: f"bday-{p}" for p in DATE_PARTS} if field.birth else {}

        def marks(part: str) -> dict[str, Any]:
            out = dict(common)
            if part in field.bad_parts:
                out["aria-invalid"] = "true"
            if part in auto:
                out["autocomplete"] = auto[part]
            return out

        def item(part: str, label: str, control: str) -> str:
            return (f'<div class="date-input-item date-input-{part}">'
                    f'<label for="{ids[part]}">{escape(label)}</label>{control}</div>')

        def text_input(part: str, size: int) -> str:
            attrs = {"id": ids[part], "name": field.part_name(part), "type": "text",
                     "inputmode": "numeric", "size": size, "value": shown[part],
                     "class": f"{css} date-input-{part}-box", **marks(part)}
            return f"<input {html_params(**attrs)}>"

        chosen = month_number(shown["month"]) if shown["month"] else None
        options = [f'<option value="">{escape(str(CHOOSE))}</option>']
        for number, name in enumerate(month_names(), start=1):
            selected = " selected" if number == chosen else ""
            options.append(f'<option value="{number}"{selected}>{escape(name)}</option>')
        month_attrs = html_params(id=ids["month"], name=field.part_name("month"),
                                  class_=css + " date-input-month-box", **marks("month"))
        select = f"<select {month_attrs}>{''.join(options)}</select>"
        parts = [item("day", pgettext("date part", "Day"), text_input("day", 2)),
                 item("month", pgettext("date part", "Month"), select),
                 item("year", pgettext("date part", "Year (B.E.)"), text_input("year", 4))]
        hint_html = (f'<p class="hint date-input-hint" id="{field.hint_id}">'
                     f"{escape(field.hint_text())}</p>") if hint else ""
        note_html = (f'<p class="date-input-note" id="{field.note_id}" role="status">'
                     f"{escape(field.note)}</p>") if field.note and hint else ""
        return Markup(f'{hint_html}{note_html}<div class="date-input">{"".join(parts)}</div>')


class ThaiDateField(DateField):
    """The one input for a date a person gives: day, month (Thai month
    names) and year in the Buddhist era, after the GOV.UK "date input"
    pattern; rendered by the ``date_input`` macro of ``_macros.html`` (the
    ``field`` and ``staff_field`` macros call it) or, in Flask-Admin's forms,
    by its widget alone.

    - The inputs are named ``<name>-day``, ``<name>-month``, ``<name>-year``.
      **The day input's id is the field's id** (``birth_date``), so a label's
      ``for`` and an error summary's ``#birth_date`` link land on it; the
      month and year inputs are ``<id>-month`` and ``<id>-year``.
    - A Christian-era year (1965) is taken as such and converted (2508 B.E.);
      :attr:`note` then says so, for the page to show.
    - Thai digits are read as digits; what was typed is shown again after an
      error, exactly as typed.
    - A single value under ``<name>`` (``2024-06-25``, ``25/06/2567``) is still
      read: links that prefill a form, older clients and the JSON API.
    - ``birth=True``: a date of birth (the browser may fill it in, it cannot
      be after today, the hint's example is 2508); ``past_only=True``: not
      after today (the day a disaster happened).

    The value is a :class:`datetime.date`; stored answers stay ISO strings.
    """

    widget = ThaiDateInput()
    typed: dict[str, str] | None = None
    note: str | None = None
    bad_parts: tuple[str, ...] = ()

    def __init__(self, label: Any = None, validators: Any = None, *, birth: bool = False,
                 past_only: bool = False, hint: Any = None, **kwargs: Any) -> None:
        kwargs.pop("format", None)
        kwargs.pop("widget", None)  # Flask-Admin offers its date picker
        super().__init__(label, validators, **kwargs)
        self.birth = birth
        self.past_only = past_only or birth
        self.hint = hint

    # ---- names and ids the widget and the macros share ----
    def part_name(self, part: str) -> str:
        return f"{self.name}-{part}"

    def part_ids(self) -> dict[str, str]:
        return {"day": self.id, "month": f"{self.id}-month", "year": f"{self.id}-year"}

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def note_id(self) -> str:
        return f"{self.id}-note"

    def hint_text(self) -> str:
        from flask_babel import gettext

        if self.hint is not None:
            return str(self.hint)
        year = 2508 if self.birth else local_today(local_tz()).year + BE_OFFSET
        return gettext("Year in the Buddhist era (B.E.), e.g. %(year)s", year=year)

    def shown_parts(self) -> dict[str, str]:
        """What the three inputs show: what was typed, else the value."""
        if self.typed is not None:
            return dict(self.typed)
        if isinstance(self.data, dt.date):
            return {"day": str(self.data.day), "month": str(self.data.month),
                    "year": str(self.data.year + BE_OFFSET)}
        return {p: "" for p in DATE_PARTS}

    # ---- reading what was sent ----
    def process(self, formdata: Any, data: Any = unset_value,
                extra_filters: Any = None) -> None:
        self.typed, self.note, self.bad_parts = None, None, ()
        if formdata is not None and any(self.part_name(p) in formdata for p in DATE_PARTS):
            self.typed = {p: formdata.get(self.part_name(p)) or "" for p in DATE_PARTS}
        super().process(formdata, data, extra_filters)
        if self.typed is not None:
            # What validators such as InputRequired and Optional look at.
            typed = [v.strip() for v in self.typed.values()]
            self.raw_data = ["/".join(typed)] if any(typed) else []

    def process_formdata(self, valuelist: list[str]) -> None:
        if self.typed is not None:
            self.data = None
            if not any(v.strip() for v in self.typed.values()):
                return
            try:
                self.data, typed_ce = read_date_parts(**self.typed)
            except DateProblem as problem:
                self.bad_parts = problem.parts
                raise ValueError(_date_problem_message(problem)) from None
            if typed_ce is not None:
                from flask_babel import gettext

                self.note = gettext("Taken as %(ce)s A.D. = %(be)s B.E.", ce=typed_ce,
                                    be=typed_ce + BE_OFFSET)
            return
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(_l("Please type a date as day/month/year, e.g. 25/06/2567.")) \
                from None

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            # The parts were no date and the message says why; a "required"
            # validator (DataRequired clears the errors) must not replace it.
            raise StopValidation()
        if self.data is None and self.flags.required and not self.raw_data:
            self.bad_parts = DATE_PARTS
            raise StopValidation(_l("Enter the day, month and year (B.E.)."))
        if self.data is not None and self.past_only \
                and self.data > local_today(local_tz()):
            self.bad_parts = DATE_PARTS
            raise StopValidation(_l("A date of birth cannot be in the future.") if self.birth
                                 else _l("The date cannot be later than today."))

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, dt.date) else ""


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


def field_kind(field: Field) -> str:
    """How a person answers ``field``: ``radios``, ``checkboxes`` (a list of
    boxes), ``checkbox`` (one box), ``select``, ``file`` or ``text`` (typed:
    words, numbers, dates). The page's markup and the field's message follow it."""
    if isinstance(field, RadioField):
        return "radios"
    if isinstance(field, SelectMultipleField):
        return "checkboxes" if isinstance(field.widget, ListWidget) else "select"
    if isinstance(field, SelectField):
        return "select"
    if isinstance(field, BooleanField):
        return "checkbox"
    if isinstance(field, FileField):
        return "file"
    return "text"


# What to do, per kind of field (GOV.UK: "Select…", "Enter…", "Upload…"),
# so a message names both the field and the action instead of one
# "please fill in this field" for every kind of input.
_ASK = {
    "radios": _l("Select %(label)s"),
    "checkboxes": _l("Select %(label)s"),
    "select": _l("Select %(label)s"),
    "file": _l("Attach %(label)s"),
    "text": _l("Enter %(label)s"),
}


# A label that starts with its own verb is the message as it stands: no
# "แนบไฟล์แนบสำเนา…".
ASKING_VERBS = ("แนบ", "กรอก", "เลือก", "ระบุ", "Attach ", "Enter ", "Select ")


def ask_for(field: Field) -> str:
    """The message of a required ``field`` left empty: the action its kind
    asks for and its label ("เลือกคำนำหน้าชื่อ", "แนบไฟล์สำเนาบัตรประชาชน")."""
    from flask_babel import get_locale, gettext

    kind = field_kind(field)
    if kind == "checkbox":
        return gettext("Tick the box to confirm.")
    label = str(field.label.text).strip().rstrip(":")
    if label.startswith(ASKING_VERBS):  # "แนบสำเนาสลิปเงินเดือน" asks already
        return label
    locale = get_locale()
    # "Enter first name" in English; Thai has no capitals (and "ID" keeps its own).
    if locale is not None and locale.language == "en" and label[1:2].islower():
        label = label[0].lower() + label[1:]
    return str(_ASK[kind]) % {"label": label}


class Required(InputRequired):
    """Something was typed, and it is more than spaces or characters that
    clean_text() removes (a name of only control characters is no name).

    Without a ``message`` the message comes from the field (:func:`ask_for`)."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        given = bool(field.raw_data and field.raw_data[0])
        if given and not (isinstance(field.data, str) and not field.data.strip()):
            return
        field.errors[:] = []
        raise StopValidation(str(self.message) if self.message else ask_for(field))


def required(message: Any = None) -> InputRequired:
    """The field must be answered; ``message`` overrides the one worked out
    from the field's kind and label (say what to type: "13 หลัก")."""
    return Required(message=message)


def first_input_id(field: Field) -> str:
    """The id of the element a link to ``field`` (the error summary's)
    should reach: the first box of a group of radios or checkboxes. A field
    drawn as several inputs names its first with a ``first_input_id``
    attribute (a day-month-year date)."""
    own = getattr(field, "first_input_id", None)
    if own:
        return str(own)
    if field_kind(field) in ("radios", "checkboxes"):
        return f"{field.id}-0"
    return str(field.id)


# The robot check closes every form that has one (identity/_captcha.html).
_LAST = ("altcha", "captcha")


def in_page_order(form: FlaskForm) -> list[Field]:
    """The form's fields in the order the pages draw them: the form's own
    ``field_order`` or its ``applicant_fields`` first, then the answers,
    then the files, then the robot check; so an error summary reads in the
    order of the page."""
    order = list(getattr(form, "field_order", ()) or ())
    first = order or list(getattr(form, "applicant_fields", ()) or ())

    def rank(field: Field) -> tuple[int, int]:
        if field.name in _LAST:
            return (3, _LAST.index(field.name))
        if field.name in first:
            return (0, order.index(field.name) if order else 0)
        if field.name.startswith("file_"):
            return (2, 0)
        return (1, 0)

    return sorted((f for f in form if f.type != "CSRFTokenField"), key=rank)


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
    """9 or 10 ASCII digits starting with 0, kept in that one spelling
    however it was typed (``081-234-5678``, ``081 234 5678``, ``+66 81 234
    5678``, Thai digits; :func:`~portal.thai.normalise_phone`), so a form that
    kept a plain StringField is covered too."""

    def __init__(self) -> None:
        super().__init__(r"^0[0-9]{8,9}$",
                         message=_l("A phone number is 9 or 10 digits starting with 0."))

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if isinstance(field.data, str):
            field.data = normalise_phone(field.data)
        super().__call__(form, field)


# Hints under the inputs (GOV.UK: the format goes in hint text, never in a
# placeholder that disappears as soon as one types).
PHONE_HINT = _l("For example 081-234-5678 or 02-123-4567. Dashes and spaces are fine.")
NATIONAL_ID_HINT = _l("13 digits, as on the ID card. Dashes and spaces are fine.")
ASK_NATIONAL_ID = _l("Enter the 13-digit national ID number")


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
            from ..i18n import wtforms_translations

            return wtforms_translations


class ApplicantForm(PortalForm):
    """The identity block that opens every request form (seed 000)."""

    national_id = DigitsField(_l("National ID number"), render_kw={"readonly": True},
                              description=_l("From your account; it cannot be changed here."))
    phone = DigitsField(_l("Phone number"), [required(), phone_validator()],
                        description=PHONE_HINT,
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
    nor is one whose slot has a file ``held`` (portal.requests.drafts) from an earlier
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
            required()]
        accept = ",".join({"pdf": ".pdf,application/pdf", "png": ".png,image/png",
                           "jpg": ".jpg,.jpeg,image/jpeg"}[k] for k in slot.kinds)
        attrs[f"file_{slot.name}"] = FileField(slot.label, validators,
                                               description=file_hint(slot.kinds),
                                               render_kw={"accept": accept})
    return type(f"{service.form_class.__name__}WithFiles", (service.form_class,), attrs)


def file_hint(kinds: tuple[str, ...]) -> Any:
    """Which files an input takes and how large (the office's
    ``MAX_UPLOAD_BYTES``), worked out when the page is drawn."""
    from flask import current_app
    from flask_babel import LazyString, gettext

    def text() -> str:
        megabytes = current_app.config["MAX_UPLOAD_BYTES"] / 1048576
        return gettext("%(kinds)s files only, at most %(mb)s MB",
                       kinds=", ".join(k.upper() for k in kinds), mb=f"{megabytes:g}")

    return LazyString(text)


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


class StructuredAnswer:
    """A field whose answer is more than one value (a Thai address, a table
    of items, a place): mixed into the field, it says how its answer is
    stored, read, compared and put back into the form. The core's answer
    pages, printouts, check page, resubmission diff and exports use it."""

    def answer_value(self) -> Any:
        """The answer as JSON-safe data, for ``Request.payload``."""
        return getattr(self, "data", None)

    def answer_text(self, raw: Any, locale: str) -> str:
        """The stored answer as one text (lines joined by newlines)."""
        return str(raw)

    def stored_to_data(self, raw: Any) -> Any:
        """The stored answer as the field's ``data`` (the edit form)."""
        return raw

    def answer_is_empty(self, raw: Any) -> bool:
        return raw in (None, "", [], {})

    def comparable(self, raw: Any) -> Any:
        """One spelling of the answer, for "what changed" on resubmission."""
        import json

        return None if self.answer_is_empty(raw) else json.dumps(
            raw, sort_keys=True, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(timespec="minutes") if isinstance(value, dt.time) \
            else value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def answers_from_form(form: FlaskForm) -> dict[str, Any]:
    """What the person answered, as JSON-safe values."""
    # A question its conditions hid (a built service's) has no answer, even
    # when a crafted post gave it one.
    hidden = getattr(form, "hidden_names", ())
    return {f.name: f.answer_value() if isinstance(f, StructuredAnswer) else _plain(f.data)
            for f in answer_fields(form) if f.name not in hidden}


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
        if isinstance(field, StructuredAnswer):
            data[field.name] = field.stored_to_data(raw)
        elif isinstance(field, DecimalField):
            data[field.name] = decimal.Decimal(str(raw))
        elif isinstance(field, DateField):
            data[field.name] = dt.date.fromisoformat(raw)
        elif isinstance(field, LocalDateTimeField):
            data[field.name] = dt.datetime.fromisoformat(raw)
        elif isinstance(field, TimeField):
            data[field.name] = dt.time.fromisoformat(raw)
    return data


# By class, not by name: a subclass (a built service's amount) reads the same.
_NUMBER_FIELDS = (DecimalField, IntegerField, FloatField)


def is_placeholder(field: Field, raw: Any) -> bool:
    """``raw`` is the "— choose —" entry of a select, not an answer (some
    lists keep it under "" and some, such as the schools, under 0)."""
    choices = getattr(field, "choices", None)
    if not choices or isinstance(raw, list):
        return False
    placeholder = str(CHOOSE)
    return any(str(k) == str(raw) and str(v) == placeholder for k, v in choices)


def is_unanswered(field: Field, raw: Any) -> bool:
    if isinstance(field, StructuredAnswer):
        return field.answer_is_empty(raw)
    return (raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []
            or is_placeholder(field, raw))


def _normalised(field: Field, raw: Any) -> Any:
    """One spelling per answer, however it was stored or sent back: the edit
    form shows 35000 as 35000.00 and an empty list as its first option."""
    if is_unanswered(field, raw):
        return None
    if isinstance(field, StructuredAnswer):
        return field.comparable(raw)
    try:
        if isinstance(field, _NUMBER_FIELDS):
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
    # A question shown only on a condition, and not asked this time, is left
    # out rather than read as "-".
    conditional = getattr(form, "conditional_names", ())
    for field in answer_fields(form):
        if field.name in conditional and field.name not in payload:
            continue
        raw = payload.get(field.name)
        if is_unanswered(field, raw):
            text = "-"
        elif isinstance(field, StructuredAnswer):
            text = field.answer_text(raw, locale)
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
        elif isinstance(field, DecimalField) and getattr(field, "places", None):
            text = f"{decimal.Decimal(str(raw)):,.{field.places}f}"  # 35,210.50
        elif isinstance(field, _NUMBER_FIELDS):
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


def dates_form(source: Any, **labels: Any) -> PortalForm:
    """A form of optional :class:`ThaiDateField` s named as ``labels`` says,
    read from ``source`` (a page's query string): the from/to dates of a
    report or a search, typed like every other date. It is validated; a
    date that is no date is ``None`` with its message on the field."""
    form_class = type("DatesForm", (PortalForm,), {
        name: ThaiDateField(label, [Optional()]) for name, label in labels.items()})
    form = form_class(formdata=source, meta={"csrf": False})
    form.validate()
    return form


def month_from_args(source: Any, today: dt.date) -> dt.date:
    """A report's month (its first day) from the page's ``month_input``
    (``month-month`` and a B.E. or A.D. ``month-year``) or a link's
    ``month=2024-06``; this month when neither reads as one."""
    month, year = source.get("month-month", ""), source.get("month-year", "")
    if month or year:
        return month_from(f"{ascii_digits(year).strip()}-{month}", today)
    return month_from(source.get("month"), today)


def period_from_args(source: Any, today: dt.date) -> tuple[dt.date, dt.date, PortalForm]:
    """A report's period from its ``start`` and ``end`` dates (month to date
    when they are not given or are no dates), and the form that shows them.
    Old links that give ``start=2024-06-01`` are still read."""
    form = dates_form(source, start=_l("From date"), end=_l("To date"))
    first, last = form.start.data or today.replace(day=1), form.end.data or today
    if first > last:
        first, last = last, first
    for field, value in ((form.start, first), (form.end, last)):
        if not field.errors:  # what the report shows, in the inputs
            field.data, field.typed = value, None
    return first, last, form
