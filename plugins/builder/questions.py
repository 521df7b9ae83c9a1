"""Each question type of a definition as the form field a code-defined
service would use for it: the same validators, Thai messages and widgets,
so a built form validates exactly as a written one does."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

import nh3
from flask import render_template
from flask_babel import LazyString, get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import (
    DecimalField,
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import (
    NATIONAL_ID_HINT,
    PHONE_HINT,
    DigitsField,
    LocationField,
    NationalID,
    StructuredAnswer,
    ThaiAddressField,
    ThaiDateField,
    choose,
    clean_text,
    email_validator,
    phone_validator,
    required,
)
from portal.thai import format_date

# Help paragraphs: a small safe subset of formatting, nothing that loads or runs.
HELP_TAGS = {"b", "i", "strong", "em", "ul", "ol", "li", "p", "br"}
YES_NO = (("yes", lazy_pgettext("yes or no question", "Yes")),
          ("no", lazy_pgettext("yes or no question", "No")))
# The question types as the builder names them, in the order it offers them.
TYPE_NAMES = {
    "text": _l("Short text"), "textarea": _l("Long text"), "number": _l("Number"),
    "money": _l("Amount of money"), "date": _l("Date"),
    "time": lazy_pgettext("question type", "Time"),
    "choice": _l("Choice (one answer)"), "multichoice": _l("Choice (several answers)"),
    "yesno": _l("Yes or no"), "national_id": _l("National ID number"),
    "phone": _l("Phone number"), "email": _l("E-mail address"), "address": _l("Thai address"),
    "location": _l("Location (latitude and longitude)"), "file": _l("Attached file"),
    "table": _l("Table (several rows)"), "calculated": _l("Calculated value"),
    "heading": _l("Heading"), "paragraph": _l("Help paragraph"),
}
# One line each, for the list a new question's type is picked from.
TYPE_DESCRIPTIONS = {
    "text": _l("One line, such as a name or a document's number."),
    "textarea": _l("Several lines, such as a reason or what happened."),
    "number": _l("A number, with a smallest and largest value and decimal places if needed."),
    "money": _l("An amount in baht."),
    "date": _l("A day, month and year (Buddhist era)."),
    "time": _l("A time of day, such as 13.30."),
    "choice": _l("One option of a list, as buttons or a drop-down list."),
    "multichoice": _l("Any number of options of a list, as boxes to tick."),
    "yesno": _l("Yes or no."),
    "national_id": _l("A 13-digit national ID number; its check digit is checked."),
    "phone": _l("A Thai phone number."),
    "email": _l("An e-mail address."),
    "address": _l("House number, road, sub-district, district, province and postcode."),
    "location": _l("A place as latitude and longitude, such as a tree to cut."),
    "file": _l("A PDF, PNG or JPG file to attach."),
    "table": _l("Several rows of the same columns, such as a list of items."),
    "calculated": _l("A value worked out from earlier answers, such as a total."),
    "heading": _l("A heading that starts a part of the form; nothing is answered."),
    "paragraph": _l("A text that explains; nothing is answered."),
}
# Types whose answer always identifies a person.
PERSONAL_TYPES = frozenset({"national_id", "phone", "email", "address", "location"})
# Types that are not questions: nothing is answered.
TEXT_ONLY = frozenset({"heading", "paragraph"})


class DefinitionText(LazyString):
    """A text an admin typed: never markup. (flask-babel's LazyString says
    it is safe HTML through ``__html__``, which is right for our own
    translations and wrong for anything a definition holds.)"""

    def __html__(self) -> Markup:
        return escape(str(self))


def localised(text: dict[str, str] | None) -> Any:
    """A definition's ``{"th": ..., "en": ...}`` as a text that follows the
    reader's language, Thai when there is no English."""
    text = text or {}

    def pick() -> str:
        locale = get_locale()
        if locale is not None and locale.language == "en" and text.get("en"):
            return text["en"]
        return text.get("th", "")

    return DefinitionText(pick)


def help_html(text: dict[str, str] | None) -> Markup:
    """A paragraph's text, sanitised to :data:`HELP_TAGS` (no attributes)."""
    return Markup(nh3.clean(str(localised(text)), tags=HELP_TAGS, attributes={}))


def _presence(q: dict[str, Any]) -> list[Any]:
    return [required()] if q.get("required") else [Optional()]


def _range(q: dict[str, Any]) -> list[Any]:
    low, high = q.get("min"), q.get("max")
    if low is None and high is None:
        return []
    if low is not None and high is not None:
        message = _l("Enter a number from %(min)s to %(max)s.", min=low, max=high)
    elif low is not None:
        message = _l("Enter a number of at least %(min)s.", min=low)
    else:
        message = _l("Enter a number of at most %(max)s.", max=high)
    return [NumberRange(min=low, max=high, message=message)]


class WholeNumberField(IntegerField):
    """An integer typed in any script's digits, with Thai messages."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip().replace(",", ""))
            except ValueError as exc:
                self.data = None
                raise ValueError(_l("Enter a whole number, such as 12.")) from exc
        else:
            self.data = None


class AmountField(DecimalField):
    """A number with ``places`` decimals (baht and satang for money); commas
    and any script's digits are fine; more decimals than allowed is refused,
    not rounded away."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0].strip():
            raw = valuelist[0].strip().replace(",", "")
            try:
                value = decimal.Decimal(raw)
            except decimal.InvalidOperation as exc:
                self.data = None
                raise ValueError(_l("Enter a number, such as 1250.50.")) from exc
            if not value.is_finite():
                self.data = None
                raise ValueError(_l("Enter a number, such as 1250.50."))
            if self.places is not None and -value.as_tuple().exponent > self.places:
                self.data = None
                raise ValueError(_l("Use at most %(n)s decimal places.", n=self.places))
            # One spelling per amount: 12 baht is stored as 12.00.
            self.data = value.quantize(decimal.Decimal(1).scaleb(-self.places)) \
                if self.places is not None else value
        else:
            self.data = None


class CalculatedField(StructuredAnswer, Field):
    """A value the form works out from other answers (a formula); whatever
    a post says for it is ignored. ``compute`` is set by the form."""

    def __init__(self, label: Any = None, validators: Any = None, *, places: int = 2,
                 **kwargs: Any) -> None:
        super().__init__(label, validators or [], **kwargs)
        self.places = places

    def process_formdata(self, valuelist: list[str]) -> None:
        pass  # never typed

    def set_value(self, value: Any) -> None:
        try:
            number = decimal.Decimal(str(value))
        except (decimal.InvalidOperation, ValueError, TypeError):
            self.data = None
            return
        self.data = number.quantize(decimal.Decimal(1).scaleb(-self.places)) \
            if number.is_finite() else None

    def answer_value(self) -> Any:
        return None if self.data is None else str(self.data)

    def answer_text(self, raw: Any, locale: str) -> str:
        return f"{decimal.Decimal(str(raw)):,.{self.places}f}"

    def comparable(self, raw: Any) -> Any:
        return None if raw in (None, "") else decimal.Decimal(str(raw)).normalize()

    def __call__(self, **kwargs: Any) -> Markup:
        shown = (self.answer_text(self.data, "th") if self.data is not None
                 else str(_l("Worked out when you continue")))
        return Markup('<output id="{}" class="calculated" aria-live="polite">{}</output>').format(
            self.id, shown)


def _row_field(column: dict[str, Any]) -> Any:
    kind = column["type"]
    label = localised(column["label"])
    presence = [Optional()]  # a required cell is checked per filled row
    if kind == "text":
        return StringField(label, presence + [Length(max=column.get("max_length", 200))])
    if kind in ("number", "money"):
        places = 2 if kind == "money" else column.get("decimals", 0)
        if places == 0:
            return WholeNumberField(label, presence + _range(column),
                                    render_kw={"inputmode": "numeric"})
        return AmountField(label, presence + _range(column), places=places,
                           render_kw={"inputmode": "decimal"})
    if kind == "date":
        return ThaiDateField(label, presence)
    if kind == "choice":
        return SelectField(label, presence, choices=[choose()] + [
            (o["value"], localised(o["label"])) for o in column["options"]])
    raise ValueError(f"unknown column type {kind!r}")


def _cell_value(field: Field) -> Any:
    value = field.data
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if value not in ("",) else None


class TableField(StructuredAnswer, FieldList):
    """Rows of the same few answers ("รายการสิ่งของ / จำนวน"). Rows left
    blank do not count; a required cell is required in each filled row.
    Without a script the form shows the filled rows and one more (up to
    ``max_rows``); the page's script adds rows in place. It draws its own
    fieldset, legend, hint and error (``draws_own_group``: the core's field
    macros then add no label that would say its title twice)."""

    draws_own_group = True

    def __init__(self, label: Any, columns: list[dict[str, Any]], *, min_rows: int,
                 max_rows: int, required_table: bool, **kwargs: Any) -> None:
        attrs = {c["key"]: _row_field(c) for c in columns}
        row_form = type("TableRow", (Form,), attrs)
        self.columns = columns
        self.min_rows = max(min_rows, 1 if required_table else 0)
        self.max_rows = max_rows
        super().__init__(FormField(row_form), label, min_entries=min(max(self.min_rows, 1),
                                                                     max_rows),
                         max_entries=max_rows, **kwargs)

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        filled = len(self.filled_rows())
        while len(self.entries) < min(self.max_rows, max(self.min_rows, filled + 1, 3)):
            self.append_entry()

    @property
    def first_input_id(self) -> str:
        """Where an error summary's link lands: the first refused cell, else
        the first cell (the fieldset itself takes no focus)."""
        cells = [cell for entry in self.entries for cell in entry.form]
        refused = [cell for cell in cells if cell.errors]
        return str((refused or cells)[0].id) if cells else str(self.id)

    def filled_rows(self) -> list[Any]:
        return [e for e in self.entries
                if any(_cell_value(f) not in (None, "", []) for f in e.form)]

    def validate(self, form: Any, extra_validators: Any = ()) -> bool:
        self.errors = []
        rows = self.filled_rows()
        for number, entry in enumerate(rows, start=1):
            entry.form.validate()
            for column in self.columns:
                cell = entry.form[column["key"]]
                if column.get("required") and _cell_value(cell) in (None, ""):
                    cell.errors = [*cell.errors, str(_l("Required"))]
                for message in cell.errors:
                    self.errors.append(str(_l("Row %(n)s, %(column)s: %(message)s", n=number,
                                              column=cell.label.text, message=message)))
        if len(rows) < self.min_rows:
            self.errors.append(str(_l("Fill in at least %(n)s rows.", n=self.min_rows)))
        return not self.errors

    def answer_value(self) -> Any:
        return [{c["key"]: _cell_value(e.form[c["key"]]) for c in self.columns}
                for e in self.filled_rows()]

    def stored_to_data(self, raw: Any) -> Any:
        rows = []
        for row in raw or []:
            out = dict(row)
            for c in self.columns:
                value = out.get(c["key"])
                if value in (None, ""):
                    continue
                if c["type"] == "date":
                    out[c["key"]] = dt.date.fromisoformat(value)
                elif c["type"] in ("number", "money"):
                    out[c["key"]] = decimal.Decimal(str(value))
            rows.append(out)
        return rows

    def answer_text(self, raw: Any, locale: str) -> str:
        labels = {o["value"]: o["label"] for c in self.columns for o in c.get("options", ())}
        lines = []
        for number, row in enumerate(raw or [], start=1):
            parts = []
            for c in self.columns:
                value = row.get(c["key"])
                if value in (None, ""):
                    continue
                if c["type"] == "date":
                                value = format_date(dt.date.fromisoformat(value), locale)
                elif c["type"] == "choice":
                    value = str(localised(labels.get(value, {"th": value})))
                elif c["type"] == "money":
                    value = f"{decimal.Decimal(str(value)):,.2f}"
                parts.append(f"{localised(c['label'])} {value}")
            lines.append(f"{number}. " + ", ".join(parts))
        return "\n".join(lines)

    def __call__(self, **kwargs: Any) -> Markup:
        return Markup(render_template("builder/_table_field.html", field=self))


class MultiChoiceField(SelectMultipleField):
    """Boxes to tick, any number of them."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class YesNoField(RadioField):
    """Yes or no; stored as ``yes``/``no`` so conditions read it plainly."""


def _choice(q: dict[str, Any], label: Any, hint: Any) -> Field:
    options = [(o["value"], localised(o["label"])) for o in q["options"]]
    if q.get("display") == "list":
        return SelectField(label, _presence(q), choices=[choose()] + options, description=hint)
    return RadioField(label, _presence(q), choices=options, description=hint)


def _multichoice(q: dict[str, Any], label: Any, hint: Any) -> Field:
    options = [(o["value"], localised(o["label"])) for o in q["options"]]

    def at_least_one(form: Any, field: Field) -> None:
        if q.get("required") and not field.data:
            raise ValidationError(_l("Select at least one."))

    return MultiChoiceField(label, [at_least_one], choices=options, description=hint)


def _number(q: dict[str, Any], label: Any, hint: Any) -> Field:
    places = q.get("decimals", 0)
    if places == 0:
        return WholeNumberField(label, _presence(q) + _range(q), description=hint,
                                render_kw={"inputmode": "numeric"})
    return AmountField(label, _presence(q) + _range(q), places=places, description=hint,
                       render_kw={"inputmode": "decimal"})


def _money(q: dict[str, Any], label: Any, hint: Any) -> Field:
    q = {"min": 0, **q}
    return AmountField(label, _presence(q) + _range(q), places=2,
                       description=hint or _l("In baht, for example 1250.50"),
                       render_kw={"inputmode": "decimal"})


def _address(q: dict[str, Any], label: Any, hint: Any) -> Field:
    return ThaiAddressField(label, _presence(q), description=hint)


def _location(q: dict[str, Any], label: Any, hint: Any) -> Field:
    return LocationField(label, _presence(q), description=hint)


def _table(q: dict[str, Any], label: Any, hint: Any) -> Field:
    return TableField(label, q["columns"], min_rows=q.get("min_rows", 0),
                      max_rows=q.get("max_rows", 10), required_table=bool(q.get("required")),
                      description=hint)


_FACTORIES: dict[str, Callable[[dict[str, Any], Any, Any], Field]] = {
    "text": lambda q, label, hint: StringField(
        label, _presence(q) + [Length(max=q.get("max_length", 255))], description=hint),
    "textarea": lambda q, label, hint: TextAreaField(
        label, _presence(q) + [Length(max=q.get("max_length", 2000))], description=hint,
        filters=(clean_text,)),
    "number": _number,
    "money": _money,
    "date": lambda q, label, hint: ThaiDateField(label, _presence(q), description=hint or None),
    "time": lambda q, label, hint: TimeField(label, _presence(q), description=hint,
                                             format=["%H:%M", "%H.%M"]),
    "choice": _choice,
    "multichoice": _multichoice,
    "yesno": lambda q, label, hint: YesNoField(label, _presence(q), choices=list(YES_NO),
                                               description=hint),
    "national_id": lambda q, label, hint: DigitsField(
        label, _presence(q) + [NationalID()], description=hint or NATIONAL_ID_HINT,
        render_kw={"inputmode": "numeric"}),
    "phone": lambda q, label, hint: DigitsField(
        label, _presence(q) + [phone_validator()], description=hint or PHONE_HINT,
        render_kw={"inputmode": "tel"}),
    "email": lambda q, label, hint: StringField(
        label, _presence(q) + [email_validator(), Length(max=255)], description=hint,
        render_kw={"inputmode": "email"}),
    "address": _address,
    "location": _location,
    "table": _table,
    "calculated": lambda q, label, hint: CalculatedField(label, places=q.get("decimals", 2),
                                                         description=hint),
}


def field_for(question: dict[str, Any]) -> Field:
    """The unbound form field of one question (not files nor text blocks)."""
    hint = localised(question.get("hint")) if (question.get("hint") or {}).get("th") else None
    return _FACTORIES[question["type"]](question, localised(question.get("label")), hint)


def text_block(question: dict[str, Any]) -> Markup:
    """A heading or help paragraph, as the page draws it."""
    if question["type"] == "heading":
        return Markup('<h2 class="h5 form-heading">{}</h2>').format(
            localised(question.get("label") or question.get("text")))
    return Markup('<div class="form-help">{}</div>').format(help_html(question.get("text")))


__all__ = ["field_for", "text_block", "localised", "help_html", "escape"]
