"""What people see of a form field does not move when the drawing of it
is made cheaper (issue 24): the HTML of the ``field`` and ``staff_field``
macros of ``templates/_macros.html``, pinned for every kind of field, for
every code-defined service's form and for a built form of every question
type, each blank, filled in and refused, in Thai and in English.

The pinned text is ``tests/field_html.golden``. A change of markup that is
meant (a new attribute, a reworded hint) is written there with
``UPDATE_FIELD_HTML=1`` and read in the diff of the commit like any other
change of what people see."""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask, get_template_attribute
from flask_wtf.file import FileField
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

from plugins.builder.compile import service as built_service
from portal.forms import (
    DigitsField,
    LocationField,
    PortalForm,
    ThaiAddressField,
    ThaiDateField,
    build_request_form,
    choose,
    required,
)
from portal.forms.html import WTFORMS_HTML_PARAMS, html_params

from .builder.fill import answers as built_answers
from .conftest import make_agency
from .helpers.answers import answers as service_answers

pytestmark = pytest.mark.once  # markup does not depend on the database

GOLDEN = Path(__file__).with_name("field_html.golden")
# A fixed day: a date's hint names this year, a booking's answers this week.
NOON_IN_BANGKOK = dt.datetime(2026, 3, 10, 5, 0, tzinfo=dt.UTC)


class Kinds(PortalForm):
    """One field of each kind a form of the portal draws."""

    text = StringField("Name", [required(), Length(max=40)], description="As on the card")
    optional_text = StringField("Nickname", [Optional(), Length(min=2, max=20)])
    digits = DigitsField("Phone", [required()], description="10 digits")
    email = EmailField("E-mail", [Optional()])
    long_text = TextAreaField("Story", [required(), Length(max=500)])
    number = IntegerField("People", [required(), NumberRange(min=1, max=30)],
                          widget=NumberInput())
    amount = DecimalField("Amount", [Optional(), NumberRange(min=0)], places=2,
                          widget=NumberInput(step="0.01"))
    time = TimeField("Time", [Optional()])
    plain_date = DateField("Plain date", [Optional()])
    date = ThaiDateField("Birth date", [required()], birth=True)
    select = SelectField("Kind", [required()], choices=[choose(), ("a", "A & B"),
                                                        ("b", 'Say "b"')])
    radios = RadioField("Pick one", [required()], choices=[("x", "Ex"), ("y", "Why")])
    boxes = SelectMultipleField("Pick some", [required()],
                                choices=[("1", "One"), ("2", "Two"), ("3", "<Three>")],
                                widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())
    agree = BooleanField("I agree", [required()])
    attachment = FileField("Copy of the card", [required()], description="PDF only",
                           render_kw={"accept": ".pdf,application/pdf"})
    fixed = StringField("Reference", [required()], render_kw={"readonly": True})
    data_attrs = StringField("Lookup", render_kw={"data-lookup": "/x?a=1&b=2",
                                                  "aria-label": 'the "lookup"'})
    address = ThaiAddressField("Address", [required()])
    place = LocationField("Where", [Optional()])
    secret = HiddenField(default="s&<>")


KINDS_FILLED = {
    "text": 'O\'Brien <script>&"', "optional_text": "x", "digits": "0812345678",
    "email": "a@example.org", "long_text": "line one\nline <two>", "number": "4",
    "amount": "12.5", "time": "09:30", "plain_date": "2026-02-01",
    "date-day": "5", "date-month": "10", "date-year": "2508",
    "select": "a", "radios": "y", "boxes": ["1", "3"], "agree": "y",
    "fixed": "REF-1", "data_attrs": "abc",
    "address-house_no": "12", "address-moo": "3", "address-road": "",
    "address-postcode": "84360", "address-subdistrict": "เกาะเต่า",
    "address-district": "เกาะพะงัน", "address-province": "84",
    "place-lat": "13.75", "place-lng": "100.5",
}

ALL_TYPES: dict[str, Any] = {
    "format": "eservice-portal/service-definition",
    "format_version": 1,
    "slug": "all-types",
    "title": {"th": "ทุกชนิดคำถาม", "en": "Every question type"},
    "ref_prefix": "AT",
    "target_days": 5,
    "pages": [{"key": "p1", "title": {"th": "หน้าเดียว"}, "questions": [
        {"key": "head", "type": "heading", "label": {"th": "หัวข้อ"}},
        {"key": "help", "type": "paragraph", "text": {"th": "<b>อ่าน</b>ก่อน"}},
        {"key": "t", "type": "text", "label": {"th": "ข้อความ", "en": "Text"},
         "hint": {"th": "คำอธิบาย", "en": "A hint"}, "required": True},
        {"key": "ta", "type": "textarea", "label": {"th": "ข้อความยาว"}},
        {"key": "n", "type": "number", "label": {"th": "จำนวน"}, "min": 1, "max": 9,
         "required": True},
        {"key": "m", "type": "money", "label": {"th": "เงิน"}},
        {"key": "d", "type": "date", "label": {"th": "วันที่"}, "required": True},
        {"key": "tm", "type": "time", "label": {"th": "เวลา"}},
        {"key": "c", "type": "choice", "label": {"th": "เลือกหนึ่ง"}, "required": True,
         "options": [{"value": "a", "label": {"th": "ก", "en": "A"}},
                     {"value": "b", "label": {"th": "ข"}}]},
        {"key": "cl", "type": "choice", "label": {"th": "เลือกจากรายการ"}, "display": "list",
         "options": [{"value": "a", "label": {"th": "ก"}}, {"value": "b", "label": {"th": "ข"}}]},
        {"key": "mc", "type": "multichoice", "label": {"th": "เลือกหลายข้อ"}, "required": True,
         "options": [{"value": "a", "label": {"th": "ก"}}, {"value": "b", "label": {"th": "ข"}}]},
        {"key": "yn", "type": "yesno", "label": {"th": "ใช่หรือไม่"}, "required": True},
        {"key": "nid", "type": "national_id", "label": {"th": "เลขประจำตัว"}},
        {"key": "ph", "type": "phone", "label": {"th": "โทรศัพท์"}},
        {"key": "em", "type": "email", "label": {"th": "อีเมล"}},
        {"key": "addr", "type": "address", "label": {"th": "ที่อยู่"}},
        {"key": "loc", "type": "location", "label": {"th": "พิกัด"}},
        {"key": "items", "type": "table", "label": {"th": "รายการ"}, "required": True,
         "max_rows": 3, "columns": [
             {"key": "thing", "type": "text", "label": {"th": "สิ่งของ"}, "required": True},
             {"key": "qty", "type": "number", "label": {"th": "จำนวน"}, "min": 1},
             {"key": "price", "type": "money", "label": {"th": "ราคา"}}]},
        {"key": "total", "type": "calculated", "label": {"th": "รวม"},
         "formula": {"reduce": [{"map": [{"var": "items"},
                                         {"*": [{"var": "qty"}, {"var": "price"}]}]},
                                {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}},
        {"key": "f", "type": "file", "label": {"th": "ไฟล์"}, "required": True,
         "kinds": ["pdf", "jpg"]},
    ]}],
    "steps": [],
}


ALL_WAYS = ("field", "field with a hint", "staff_field")


def _drawn(form: Any, case: str, ways: tuple[str, ...]) -> Iterator[str]:
    field = get_template_attribute("_macros.html", "field")
    staff_field = get_template_attribute("_macros.html", "staff_field")
    draw = {"field": field, "field with a hint": lambda f: field(f, hint="A <given> hint"),
            "staff_field": staff_field}
    for f in form:
        if f.name == "csrf_token":
            continue
        if isinstance(f, HiddenField):  # drawn as it stands (form.version)
            yield f"=== {case} / {f.name} / as is\n{f}"
            continue
        for way in ways:
            yield f"=== {case} / {f.name} / {way}\n{draw[way](f)}"


STATES = ("blank", "filled", "refused")


def _states(app: Flask, form_class: type, filled: dict[str, Any], case: str,
            prepare: Any = None, lang: str = "th", ways: tuple[str, ...] = ("field",),
            states: tuple[str, ...] = STATES) -> Iterator[str]:
    """The form blank (as the page first shows it), filled in and checked,
    and refused (sent empty)."""
    headers = {"Cookie": f"lang={lang}"}
    for state in states:
        method, data = {"blank": ("GET", None), "filled": ("POST", filled),
                        "refused": ("POST", {})}[state]
        with app.test_request_context("/", method=method, data=data, headers=headers):
            form = form_class(meta={"csrf": False})
            if prepare is not None:
                prepare(form)
            if method == "POST":
                form.validate()
            yield from _drawn(form, f"{case} / {lang} / {state}", ways)


def _everything(app: Flask) -> str:
    parts: list[str] = []
    with app.app_context():
        codes = sorted(app.extensions["portal"].services)
        agency = make_agency("fieldhtml", services=tuple(codes))
        parts += _states(app, Kinds, KINDS_FILLED, "kinds", ways=ALL_WAYS)
        parts += _states(app, Kinds, KINDS_FILLED, "kinds", lang="en", ways=ALL_WAYS)
        for code in codes:
            service = app.extensions["portal"].services[code]
            data = {k: v for k, v in service_answers(app, service, agency).items()
                    if not k.startswith("file_")}

            def prepare(form: Any, service: Any = service) -> None:
                if service.prepare_form:
                    service.prepare_form(form, agency)

            parts += _states(app, build_request_form(service), data, code, prepare)
            parts += _states(app, build_request_form(service, guest=True), data,
                             f"{code} (guest)", prepare, states=("blank",))
        built = built_service(ALL_TYPES, code="all-types", agency_code=agency.code, version=1)
        data = {k: v for k, v in built_answers(ALL_TYPES).items() if not k.startswith("file_")}
        for lang in ("th", "en"):
            parts += _states(app, build_request_form(built), data, "built", lang=lang,
                             ways=("field", "staff_field"))
    return "\n".join(parts) + "\n"


def test_the_html_of_every_field_is_as_pinned(app):
    with time_machine.travel(NOON_IN_BANGKOK, tick=False):
        drawn = _everything(app)
    if os.environ.get("UPDATE_FIELD_HTML"):
        GOLDEN.write_bytes(drawn.encode())
    pinned = GOLDEN.read_bytes().decode()  # as written: a textarea starts with "\r\n"
    if drawn != pinned:
        diff = difflib.unified_diff(pinned.splitlines(), drawn.splitlines(), "pinned", "drawn",
                                    lineterm="", n=2)
        pytest.fail("the fields' HTML changed:\n" + "\n".join(list(diff)[:80]))


KEYS = st.sampled_from(["id", "name", "class_", "class", "for_", "data_lookup_url",
                        "data-when", "aria_describedby", "aria-invalid", "value", "x<y",
                        'q"k', "a&b", "required", "min", "step"])
VALUES = st.one_of(st.booleans(), st.none(), st.integers(), st.floats(allow_nan=False),
                   st.text(), st.text().map(Markup),
                   st.sampled_from(['"', "&quot;", "<b>", Markup('<b class="x">')]))


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_attributes_are_written_as_wtforms_writes_them(attrs):
    assert html_params(**attrs) == WTFORMS_HTML_PARAMS(**attrs)
    assert type(html_params(**attrs)) is Markup
