"""The builder's editors (plugins/builder/editor_forms.py): a question, a
page and a step shown in their forms and posted back as a browser would
send them give the same definition back; what is wrong is refused on the
field, in Thai; settings of other types are ignored."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, render_template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectField, SelectMultipleField

from plugins.builder import conditions, logic
from plugins.builder import editor_forms as ef
from plugins.builder.definition import RESERVED_KEYS, RESERVED_PREFIXES
from portal import create_app

from .sample import SAMPLE, TOTAL

pytestmark = pytest.mark.once  # no database


@pytest.fixture(scope="module")
def th(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("editor")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SERVER_NAME": "localhost",
                      "DATABASE_URL": f"sqlite:///{folder}/unused.db",
                      "UPLOAD_DIR": str(folder / "uploads")})
    with app.test_request_context():
        yield app


def posted(form: Any) -> MultiDict:
    """What a browser sends for the form as drawn."""
    data = MultiDict()
    for f in form:
        if f.name == "csrf_token":
            continue
        if isinstance(f, ef.RowsField):  # the rows as drawn, the empty ones too
            for name, value in f.pairs():
                data.add(name, value)
        elif isinstance(f, BooleanField):
            if f.data:
                data.add(f.name, "y")
        elif isinstance(f, SelectMultipleField):
            for value in f.data or ():
                data.add(f.name, value)
        elif isinstance(f, SelectField):
            data.add(f.name, f.data or "")
        else:
            data.add(f.name, f._value())
    return data


def editor(cls: type, formdata: MultiDict | None = None) -> Any:
    return cls(formdata=formdata if formdata is not None else MultiDict(), meta={"csrf": False})


def question_form(definition: dict[str, Any], key: str | None, page_key: str | None = None,
                  formdata: MultiDict | None = None) -> ef.QuestionForm:
    form = editor(ef.QuestionForm, formdata)
    ef.prepare(form, definition, key, page_key)
    return form


def round_trip(question: dict[str, Any], definition: dict[str, Any], *, key: str | None = None,
               page_key: str | None = None) -> dict[str, Any] | None:
    """``question`` filled into the editor at a place, posted, read."""
    shown = question_form(definition, key, page_key)
    ef.fill(shown, question)
    again = question_form(definition, key, page_key, posted(shown))
    read = ef.read(again, definition)
    assert read is not None, again.errors
    return read


def errors(form: Any) -> dict[str, list[str]]:
    return {f.name: list(f.errors) for f in form if f.errors}


def post(definition: dict[str, Any], key: str | None = None, page_key: str | None = "one",
         **fields: Any) -> tuple[ef.QuestionForm, dict[str, Any] | None]:
    data = MultiDict()
    values = {"type": "text", "label_th": "คำถาม", **fields}
    if "key_" in values:  # the key field; ``key`` is the place
        values["key"] = values.pop("key_")
    for name, value in values.items():
        if name in ("options", "columns"):  # rows, each a dict of its parts
            value = [value] if isinstance(value, dict) else value
            for n, row in enumerate(value):
                for part, v in row.items():
                    if part == "options":
                        for m, sub in enumerate(v):
                            for p, w in sub.items():
                                data.add(f"{name}-{n}-options-{m}-{p}", w)
                    else:
                        data.add(f"{name}-{n}-{part}", v)
            continue
        for v in value if isinstance(value, list) else [value]:
            data.add(name, v)
    form = question_form(definition, key, page_key, data)
    return form, ef.read(form, definition)


# ---- One question of each type -------------------------------------------

EARLIER = [
    {"key": "request_type", "type": "choice", "label": {"th": "ประเภทคำขอ"}, "required": True,
     "options": [{"value": "new", "label": {"th": "ขอใหม่"}},
                 {"value": "renew", "label": {"th": "ต่ออายุ", "en": "Renewal"}}]},
    {"key": "age", "type": "number", "label": {"th": "อายุ"}, "min": 0, "max": 120},
    {"key": "price", "type": "money", "label": {"th": "ราคา"}},
    {"key": "qty", "type": "number", "label": {"th": "จำนวน"}},
    {"key": "items", "type": "table", "label": {"th": "รายการ"}, "columns": [
        {"key": "thing", "type": "text", "label": {"th": "สิ่งของ"}, "required": True},
        {"key": "n", "type": "number", "label": {"th": "จำนวน"}, "required": True, "min": 1},
        {"key": "cost", "type": "money", "label": {"th": "ราคาต่อหน่วย"}}]},
]
ONE_OF_EACH = [
    {"key": "name", "type": "text", "label": {"th": "ชื่อร้าน", "en": "Shop name"},
     "hint": {"th": "ตามป้าย"}, "required": True, "personal": True, "max_length": 120},
    {"key": "story", "type": "textarea", "label": {"th": "เล่าเหตุการณ์"}, "max_length": 3000,
     "when": {"==": [{"var": "request_type"}, "renew"]}},
    {"key": "area", "type": "number", "label": {"th": "พื้นที่ (ตร.ม.)"}, "min": 0.5,
     "max": 10000, "decimals": 2, "hint": {"th": "ทศนิยมได้", "en": "Decimals are fine"}},
    {"key": "fee", "type": "money", "label": {"th": "ค่าธรรมเนียม"}, "min": 0, "required": True},
    {"key": "day", "type": "date", "label": {"th": "วันที่จัดงาน"}, "required": True,
     "when": {"and": [{"!==": [{"var": "age"}, None]}, {"<": [{"var": "age"}, 18]}]}},
    {"key": "starts", "type": "time", "label": {"th": "เวลาเริ่ม"}},
    {"key": "size", "type": "choice", "label": {"th": "ขนาด"}, "display": "list", "options": [
        {"value": "s", "label": {"th": "เล็ก", "en": "Small"}},
        {"value": "l", "label": {"th": "ใหญ่"}}]},
    {"key": "needs", "type": "multichoice", "label": {"th": "สิ่งที่ต้องการ"}, "required": True,
     "options": [{"value": "water", "label": {"th": "น้ำดื่ม"}},
                 {"value": "rice-bag", "label": {"th": "ข้าวสาร"}}]},
    {"key": "disabled", "type": "yesno", "label": {"th": "มีความพิการหรือไม่"}},
    {"key": "nid", "type": "national_id", "label": {"th": "เลขประจำตัวประชาชนผู้ดูแล"},
     "personal": True},
    {"key": "tel", "type": "phone", "label": {"th": "เบอร์โทรผู้ดูแล"}, "required": True},
    {"key": "mail", "type": "email", "label": {"th": "อีเมล"}},
    {"key": "home", "type": "address", "label": {"th": "ที่อยู่"}, "required": True},
    {"key": "spot", "type": "location", "label": {"th": "พิกัดที่ตั้ง"}},
    {"key": "drawing", "type": "file", "label": {"th": "แบบแปลน"}, "required": True,
     "kinds": ["pdf", "jpg"]},
    {"key": "goods", "type": "table", "label": {"th": "รายการสิ่งของ"}, "required": True,
     "min_rows": 1, "max_rows": 20, "columns": [
         {"key": "what", "type": "text", "label": {"th": "สิ่งของ", "en": "Item"},
          "required": True, "max_length": 80},
         {"key": "count", "type": "number", "label": {"th": "จำนวน"}, "min": 1, "max": 99,
          "decimals": 1},
         {"key": "unit_price", "type": "money", "label": {"th": "ราคา"}, "min": 0},
         {"key": "bought", "type": "date", "label": {"th": "วันที่ซื้อ"}},
         {"key": "kind", "type": "choice", "label": {"th": "ประเภท"}, "required": True,
          "options": [{"value": "food", "label": {"th": "อาหาร"}},
                      {"value": "tool", "label": {"th": "เครื่องมือ = อุปกรณ์"}}]}]},
    {"key": "total", "type": "calculated", "label": {"th": "รวม"}, "decimals": 2,
     "formula": {"reduce": [{"map": [{"var": "items"}, {"*": [{"var": "n"}, {"var": "cost"}]}]},
                            {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}},
    {"key": "title1", "type": "heading", "label": {"th": "ส่วนที่ 2", "en": "Part 2"},
     "when": {"or": [{"==": [{"var": "request_type"}, "new"]}, {">=": [{"var": "age"}, 60]}]}},
    {"key": "intro", "type": "paragraph", "text": {"th": "<b>อ่าน</b>ก่อน\nกรอก", "en": "Read"}},
]
FORMULAS = [
    {"*": [{"var": "price"}, {"var": "qty"}]},
    {"*": [{"var": "price"}, 1.07]},
    {"*": [{"var": "price"}, {"var": "qty"}, 2]},
    {"+": [{"var": "age"}, {"var": "price"}, {"var": "qty"}]},
    {"+": [{"var": "price"}, 50]},
    {"reduce": [{"map": [{"var": "items"}, {"var": "n"}]},
                {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]},
    {"-": [{"var": "price"}, {"var": "qty"}]},             # advanced JSON
    {"+": [{"var": "qty"}, {"var": "price"}]},             # not in the form's order: JSON
]


def _definition(questions: list[dict[str, Any]]) -> dict[str, Any]:
    return {**copy.deepcopy(SAMPLE), "pages": [
        {"key": "one", "title": {"th": "หน้าแรก"}, "questions": copy.deepcopy(EARLIER)},
        {"key": "two", "title": {"th": "หน้าสอง"}, "questions": copy.deepcopy(questions)}]}


def test_every_question_of_the_sample_reads_back_as_it_was(th):
    for page in SAMPLE["pages"]:
        for q in page["questions"]:
            assert round_trip(q, SAMPLE, key=q["key"]) == q


@pytest.mark.parametrize("question", ONE_OF_EACH, ids=[q["type"] for q in ONE_OF_EACH])
def test_one_question_of_each_type_reads_back_as_it_was(th, question):
    assert len({q["type"] for q in ONE_OF_EACH}) == len(ef.QUESTION_TYPES) == 19
    definition = _definition(ONE_OF_EACH)
    assert round_trip(question, definition, key=question["key"]) == question
    # And as a new question at the end of the first page.
    fresh = {**question, "key": question["key"] + "_2"}
    assert round_trip(fresh, definition, page_key="one") == fresh


@pytest.mark.parametrize("formula", FORMULAS)
def test_formulas_read_back_picked_or_as_json(th, formula):
    q = {"key": "calc", "type": "calculated", "label": {"th": "ค่าที่คำนวณ"}, "formula": formula}
    definition = _definition([q])
    shown = question_form(definition, "calc")
    ef.fill(shown, q)
    picked = conditions.from_formula(formula) is not None and formula != FORMULAS[-1]
    assert bool(shown.formula_kind.data) == picked
    assert bool(shown.formula_json.data) == (not picked)
    assert round_trip(q, definition, key="calc") == q
    assert logic.problem(formula) is None


def test_conditions_read_back_as_rows_or_as_json(th):
    definition = _definition([])
    rules = [{"==": [{"var": "request_type"}, "renew"]},
             {"and": [{"==": [{"var": "request_type"}, "renew"]}, {">=": [{"var": "age"}, 60]}]},
             {"or": [{"!!": [{"var": "items"}]},
                     {">": [{"reduce": [{"var": "items"}, {"+": [1, {"var": "accumulator"}]},
                                        0]}, 2]}]},
             {"and": [{"==": [{"var": "request_type"}, "renew"]}, {">=": [{"var": "age"}, 60]},
                      {"===": [{"var": "price"}, None]}]},  # three rows: JSON
             {"<": [{"var": "age"}, 18]},                    # not as to_rule writes it: JSON
             {"if": [{"var": "age"}, True, False]}]
    for number, rule in enumerate(rules):
        q = {"key": "later", "type": "text", "label": {"th": "คำถาม"}, "when": rule}
        shown = question_form(definition, None, "two")
        ef.fill(shown, q)
        assert bool(shown.when_json.data) == (number >= 3), rule
        assert bool(shown.when_key_1.data) == (number < 3)
        assert round_trip(q, definition, page_key="two") == q


# ---- Conditions picked ---------------------------------------------------------

def test_a_condition_is_picked_from_earlier_questions(th):
    definition = _definition([])
    form, q = post(definition, page_key="two", key_="x", when_key_1="request_type",
                   when_op_1="eq", when_value_1="ต่ออายุ", when_joiner="and", when_key_2="age",
                   when_op_2="ge", when_value_2="60")
    assert q["when"] == {"and": [{"==": [{"var": "request_type"}, "renew"]},
                                 {">=": [{"var": "age"}, 60]}]}
    assert conditions.describe(q["when"], definition) == \
        "ประเภทคำขอ เท่ากับ ต่ออายุ และ อายุ มากกว่าหรือเท่ากับ 60"
    form, q = post(definition, page_key="two", key_="x", when_key_1="items",
                   when_op_1="answered", when_value_1="")
    assert q["when"] == {"!!": [{"var": "items"}]}
    # A question's condition reads only the questions before it.
    choices = [k for k, _w in question_form(definition, "age").when_key_1.choices]
    assert choices == ["", "request_type"]


@pytest.mark.parametrize(("fields", "where", "words"), [
    ({"when_key_1": "age", "when_op_1": "ge", "when_value_1": "หกสิบ"}, "when_value_1", "ตัวเลข"),
    ({"when_key_1": "age", "when_op_1": "ge", "when_value_1": ""}, "when_value_1",
     "ค่าที่จะเปรียบเทียบ"),
    ({"when_key_1": "request_type", "when_op_1": "gt", "when_value_1": "new"}, "when_op_1",
     "ใช้กับคำถาม ประเภทคำขอ ไม่ได้"),
    ({"when_key_1": "request_type", "when_op_1": "eq", "when_value_1": "other"}, "when_value_1",
     "ไม่ใช่ตัวเลือก"),
    ({"when_key_1": "age", "when_op_1": "", "when_value_1": "1"}, "when_op_1", "เลือก"),
    ({"when_key_1": "later", "when_op_1": "answered"}, "when_key_1", "คำถามที่อยู่ก่อน"),
    ({"when_json": "{\"==\": [1"}, "when_json", "ไม่ใช่ JSON"),
    ({"when_json": "{\"log\": [1]}"}, "when_json", "ใช้ไม่ได้"),
    ({"when_json": "{\"==\": [{\"var\": \"later\"}, 1]}"}, "when_json", "later"),
])
def test_bad_conditions_are_refused_on_their_field(th, fields, where, words):
    definition = _definition([{"key": "later", "type": "text", "label": {"th": "ทีหลัง"}}])
    form, q = post(definition, page_key="one", key_="x", **fields)
    assert q is None
    assert words in " ".join(errors(form)[where]), errors(form)


def test_advanced_json_wins_over_the_rows(th):
    definition = _definition([])
    form, q = post(definition, page_key="two", key_="x", when_key_1="age", when_op_1="ge",
                   when_value_1="60", when_json='{"in": ["a", ["a", "b"]]}')
    assert q["when"] == {"in": ["a", ["a", "b"]]}


# ---- Settings ------------------------------------------------------------------

def test_settings_of_other_types_are_ignored(th):
    definition = _definition([])
    form, q = post(definition, key_="name", type="text", label_th="ชื่อ", min="abc",
                   options={"value": "bad value", "th": "x"},
                   columns={"key": "???", "th": ""}, kinds=["pdf"], decimals="9",
                   formula_json="{", text_th="ข้อความ", display="list", max_length="50",
                   required="y")
    assert q == {"key": "name", "type": "text", "label": {"th": "ชื่อ"}, "max_length": 50,
                 "required": True}, errors(form)
    form, q = post(definition, key_="part", type="heading", label_th="ส่วนที่ 1",
                   hint_th="ไม่ใช้", required="y", personal="y")
    assert q == {"key": "part", "type": "heading", "label": {"th": "ส่วนที่ 1"}}
    form, q = post(definition, key_="calc", type="calculated", label_th="รวม", required="y",
                   formula_kind="product", formula_left="price", formula_right="qty")
    assert q == {"key": "calc", "type": "calculated", "label": {"th": "รวม"},
                 "formula": {"*": [{"var": "price"}, {"var": "qty"}]}}


@pytest.mark.parametrize(("fields", "where", "words"), [
    ({"key_": "Bad Key"}, "key", "ตัวอักษรภาษาอังกฤษตัวเล็ก"),
    ({"key_": "1abc"}, "key", "ตัวอักษรภาษาอังกฤษตัวเล็ก"),
    ({"key_": "age"}, "key", "ใช้แล้ว"),
    ({"key_": "phone"}, "key", "สงวนไว้"),
    ({"key_": "file_plan"}, "key", "สงวนไว้"),
    ({"key_": "x", "label_th": ""}, "label_th", "ภาษาไทย"),
    ({"key_": "x", "type": "number", "min": "สิบ"}, "min", "ตัวเลข"),
    ({"key_": "x", "type": "number", "min": "10", "max": "5"}, "max", "น้อยกว่า"),
    ({"key_": "x", "type": "number", "decimals": "5"}, "decimals", "0 ถึง 4"),
    ({"key_": "x", "type": "text", "max_length": "1.5"}, "max_length", "1 ถึง 5000"),
    ({"key_": "x", "type": "table", "columns": {"th": "ก"}, "min_rows": "5", "max_rows": "2"},
     "max_rows", "น้อยกว่า"),
    ({"key_": "x", "type": "table", "columns": {"th": "", "type": "text"}}, "columns",
     "อย่างน้อยหนึ่งคอลัมน์"),
    ({"key_": "x", "type": "table", "columns": {"th": "ก", "type": "choice"}}, "columns",
     "คอลัมน์ที่ 1: ใส่ตัวเลือก"),
    ({"key_": "x", "type": "table", "columns": {"th": "ก", "type": "number", "min": "สิบ"}},
     "columns", "ตัวเลข"),
    ({"key_": "x", "type": "table", "columns": {"th": "ก", "type": "photo"}}, "columns",
     "text, number"),
    ({"key_": "x", "type": "table", "columns": {"key": "Bad", "th": "ก"}}, "columns",
     "รหัสคอลัมน์"),
    ({"key_": "x", "type": "choice", "options": {"th": "", "en": ""}}, "options",
     "อย่างน้อยหนึ่งตัวเลือก"),
    ({"key_": "x", "type": "choice", "options": {"value": "a b", "th": "ก"}}, "options",
     "ตัวเลือกที่ 1"),
    ({"key_": "x", "type": "choice", "options": [{"value": "a", "th": "ก"},
                                                 {"value": "a", "th": "ข"}]}, "options", "ซ้ำ"),
    ({"key_": "x", "type": "choice", "options": {"value": "a", "en": "A"}}, "options",
     "ข้อความของตัวเลือก"),
    ({"key_": "x", "type": "paragraph", "text_th": ""}, "text_th", "ภาษาไทย"),
    ({"key_": "x", "type": "calculated"}, "formula_kind", "วิธีคำนวณ"),
    ({"key_": "x", "type": "calculated", "formula_kind": "product", "formula_left": "price"},
     "formula_right", "ตัวเลข"),
    ({"key_": "x", "type": "calculated", "formula_kind": "product", "formula_left": "nope",
      "formula_constant": "2"}, "formula_left", "ก่อนคำถามนี้"),
    ({"key_": "x", "type": "calculated", "formula_kind": "sum_product",
      "formula_column": "items.thing"}, "formula_column", "คอลัมน์"),
    ({"key_": "x", "type": "calculated", "formula_kind": "sum", "formula_keys": ["age"]},
     "formula_keys", "สองข้อ"),
    ({"key_": "x", "type": "calculated", "formula_json": '{"var": "later"}'}, "formula_json",
     "later"),
    ({"key_": "x", "type": "sparkle"}, "type", ""),
])
def test_bad_settings_are_refused_in_thai(th, fields, where, words):
    definition = _definition([{"key": "later", "type": "number", "label": {"th": "ทีหลัง"}}])
    form, q = post(definition, **fields)
    assert q is None
    assert where in errors(form), errors(form)
    assert words in " ".join(errors(form)[where]), errors(form)


def test_a_code_that_others_read_cannot_change(th):
    definition = _definition([{"key": "later", "type": "text", "label": {"th": "ทีหลัง"},
                               "when": {">=": [{"var": "age"}, 60]}}])
    form, q = post(definition, key="age", key_="years", type="number", label_th="อายุ")
    assert q is None and "later" in errors(form)["key"][0]
    form, q = post(definition, key="price", key_="cost", type="money", label_th="ราคา")
    assert q is not None and q["key"] == "cost"  # nothing reads it
    form, q = post(definition, key="age", key_="age", type="number", label_th="อายุ (ปี)")
    assert q == {"key": "age", "type": "number", "label": {"th": "อายุ (ปี)"}}


def test_option_rows_keep_their_values_and_make_new_ones_from_words(th):
    before = {"key": "kind", "type": "choice", "label": {"th": "ประเภท"},
              "options": [{"value": "new", "label": {"th": "ขอใหม่", "en": "New"}},
                          {"value": "renew", "label": {"th": "ต่ออายุ"}},
                          {"value": "gone", "label": {"th": "ยกเลิก"}}]}
    definition = _definition([before])
    rows = [{"value": "renew", "th": "ต่ออายุใบอนุญาต"},       # reworded: its value stays
            {"value": "new", "th": "ขอใหม่", "en": ""},        # English taken out
            {"value": "gone", "th": "", "en": ""},             # emptied: the option goes
            {"th": "แก้ไขข้อมูล"}, {"th": "Other things"},
            {"th": "ย้ายที่อยู่", "en": "Moved house"}, {"th": "", "en": ""}]
    form, q = post(definition, key="kind", key_="kind", type="choice", label_th="ประเภท",
                   options=rows)
    assert q["options"] == [
        {"value": "renew", "label": {"th": "ต่ออายุใบอนุญาต"}},
        {"value": "new", "label": {"th": "ขอใหม่"}},
        {"value": "option_1", "label": {"th": "แก้ไขข้อมูล"}},
        {"value": "other_things", "label": {"th": "Other things"}},
        {"value": "moved_house", "label": {"th": "ย้ายที่อยู่", "en": "Moved house"}}], errors(form)
    # Saved, shown again and posted again: the same values.
    definition["pages"][1]["questions"] = [q]
    assert round_trip(q, definition, key="kind") == q
    # A row typed again with an option's words (its row emptied) gets its value back.
    form, again = post(definition, key="kind", key_="kind", type="choice", label_th="ประเภท",
                       options=[{"th": "แก้ไขข้อมูล"}, {"value": "renew", "th": "ต่อ"}])
    assert [o["value"] for o in again["options"]] == ["option_1", "renew"]
    # The lines the editor once took are still read the same way.
    typed = "ต่ออายุ\nขอใหม่\nแก้ไขข้อมูล\nOther things\n\nmoved|ย้ายที่อยู่|Moved"
    options, problems = ef.read_options(typed, before["options"])
    assert problems == [] and options[:2] == [
        {"value": "renew", "label": {"th": "ต่ออายุ"}},
        {"value": "new", "label": {"th": "ขอใหม่", "en": "New"}}]  # its English stays
    assert options[4] == {"value": "moved", "label": {"th": "ย้ายที่อยู่", "en": "Moved"}}
    assert ef.read_options("ก\nข\nก")[0][2]["value"] == "option_3"  # same words, new value
    assert ef.read_options("ก\nข\nก")[1] == []


def test_column_rows_make_codes_keep_options_and_draw_their_types_settings(th):
    before = {"key": "goods", "type": "table", "label": {"th": "รายการ"}, "columns": [
        {"key": "size", "type": "choice", "label": {"th": "ขนาด"},
         "options": [{"value": "s", "label": {"th": "เล็ก"}},
                     {"value": "l", "label": {"th": "ใหญ่", "en": "Large"}}]}]}
    definition = _definition([before])
    rows = [{"key": "size", "type": "choice", "th": "ขนาดสินค้า", "required": "y",
             "options": [{"value": "l", "th": "ใหญ่มาก", "en": "Large"},
                         {"value": "s", "th": "เล็ก"}, {"th": "กลาง", "en": "Medium"}]},
            {"type": "number", "th": "จำนวน", "en": "Quantity", "min": "1", "max": "99",
             "decimals": "0", "max_length": "7"},   # max_length is not a number's: ignored
            {"type": "text", "th": "หมายเหตุ"}, {"type": "text", "th": ""}]
    form, q = post(definition, key="goods", key_="goods", type="table", label_th="รายการ",
                   columns=rows)
    assert q["columns"] == [
        {"key": "size", "type": "choice", "label": {"th": "ขนาดสินค้า"}, "required": True,
         "options": [{"value": "l", "label": {"th": "ใหญ่มาก", "en": "Large"}},
                     {"value": "s", "label": {"th": "เล็ก"}},
                     {"value": "medium", "label": {"th": "กลาง", "en": "Medium"}}]},
        {"key": "quantity", "type": "number", "label": {"th": "จำนวน", "en": "Quantity"},
         "min": 1, "max": 99, "decimals": 0},
        {"key": "column_1", "type": "text", "label": {"th": "หมายเหตุ"}}], errors(form)
    definition["pages"][1]["questions"] = [q]
    assert round_trip(q, definition, key="goods") == q
    shown = question_form(definition, "goods")
    ef.fill(shown, q)
    html = render_template("builder/_question_form.html", form=shown)
    assert 'name="columns-1-min"' in html and 'name="columns-1-max_length"' not in html
    assert 'name="columns-0-options-2-th"' in html and 'name="columns-1-options-0-th"' \
        not in html
    assert "<code>quantity</code>" in html and "<code>medium</code>" in html


def test_columns_are_read_from_lines(th):
    columns, problems = ef.read_columns(
        "thing|text|สิ่งของ|*\n"
        "qty | number | จำนวน | * | min=1 | decimals=0\n"
        "price|money|ราคาต่อหน่วย||en=Unit price|max=100000\n"
        "size|choice|ขนาด|*|s=เล็ก;l=ใหญ่\n"
        "colour|choice|สี||แดง;เขียว\n"
        "when|date|วันที่")
    assert problems == []
    assert columns == [
        {"key": "thing", "type": "text", "label": {"th": "สิ่งของ"}, "required": True},
        {"key": "qty", "type": "number", "label": {"th": "จำนวน"}, "required": True, "min": 1,
         "decimals": 0},
        {"key": "price", "type": "money", "label": {"th": "ราคาต่อหน่วย", "en": "Unit price"},
         "max": 100000},
        {"key": "size", "type": "choice", "label": {"th": "ขนาด"}, "required": True,
         "options": [{"value": "s", "label": {"th": "เล็ก"}},
                     {"value": "l", "label": {"th": "ใหญ่"}}]},
        {"key": "colour", "type": "choice", "label": {"th": "สี"},
         "options": [{"value": "option_1", "label": {"th": "แดง"}},
                     {"value": "option_2", "label": {"th": "เขียว"}}]},
        {"key": "when", "type": "date", "label": {"th": "วันที่"}}]
    assert ef.read_columns(ef.columns_text(columns), columns) == (columns, [])
    # The made values of a choice column stay when its words are read again.
    again, _problems = ef.read_columns("colour|choice|สี||เขียว;แดง", columns)
    assert [o["value"] for o in again[0]["options"]] == ["option_2", "option_1"]


@pytest.mark.parametrize(("text", "words"), [
    ("qty|number", "รหัส|ประเภท|ข้อความ"),
    ("Qty|number|จำนวน", "รหัสคอลัมน์"),
    ("a|text|ก\na|text|ข", "ซ้ำ"),
    ("a|photo|ก", "text, number, money, date, choice"),
    ("a|text|", "ข้อความของคอลัมน์"),
    ("a|text|ก|min=1", "ไม่ใช่การตั้งค่าของคอลัมน์"),
    ("a|number|ก|min=x", "ตัวเลข"),
    ("a|number|ก|decimals=7", "decimals"),
    ("a|number|ก|min=5|max=1", "min มากกว่า max"),
    ("a|choice|ก|*", "ตัวเลือก"),
    ("a|choice|ก|*|bad value=ก", "ค่าของตัวเลือก"),
    ("\n".join(f"c{i}|text|ก" for i in range(11)), "ไม่เกิน 10 คอลัมน์"),
])
def test_bad_columns_are_refused_in_thai(th, text, words):
    _columns, problems = ef.read_columns(text)
    assert problems and words in " ".join(problems), problems


def test_file_kinds_keep_their_order_and_default_to_all(th):
    definition = _definition([{"key": "drawing", "type": "file", "label": {"th": "แบบ"},
                               "kinds": ["jpg", "png"]}])
    form, q = post(definition, key="drawing", key_="drawing", type="file", label_th="แบบ",
                   kinds=["png", "jpg"])
    assert q["kinds"] == ["jpg", "png"]
    form, q = post(definition, key="drawing", key_="drawing", type="file", label_th="แบบ",
                   kinds=["pdf", "jpg"])
    assert q["kinds"] == ["pdf", "jpg"]
    form, q = post(definition, key="drawing", key_="drawing", type="file", label_th="แบบ")
    assert "kinds" not in q


# ---- Pages and steps -----------------------------------------------------------

def test_pages_read_back_as_they_were(th):
    definition = _definition([])
    definition["pages"][1]["when"] = {"and": [{"!==": [{"var": "age"}, None]},
                                              {"<=": [{"var": "age"}, 15]}]}
    definition["pages"][1]["title"]["en"] = "Page two"
    for page in definition["pages"] + SAMPLE["pages"]:
        source = definition if page in definition["pages"] else SAMPLE
        shown = editor(ef.PageForm)
        ef.prepare_page(shown, source, page["key"])
        ef.fill(shown, page)
        again = editor(ef.PageForm, posted(shown))
        ef.prepare_page(again, source, page["key"])
        assert ef.read(again, source) == page, errors(again)
    # A page's condition reads only earlier pages' questions.
    form = editor(ef.PageForm)
    ef.prepare_page(form, definition, "one")
    assert [k for k, _w in form.when_key_1.choices] == [""]
    ef.prepare_page(form, definition, None)
    assert len(form.when_key_1.choices) == 1 + len(EARLIER)


def test_a_new_page_and_bad_pages(th):
    definition = _definition([])
    form = editor(ef.PageForm, MultiDict({"key": "three", "title_th": "หน้าสาม",
                                          "when_key_1": "age", "when_op_1": "ge",
                                          "when_value_1": "60"}))
    ef.prepare_page(form, definition, None)
    assert ef.read(form, definition) == {"key": "three", "title": {"th": "หน้าสาม"},
                                         "when": {">=": [{"var": "age"}, 60]}, "questions": []}
    form = editor(ef.PageForm, MultiDict({"key": "two", "title_th": ""}))
    ef.prepare_page(form, definition, None)
    assert ef.read(form, definition) is None
    assert "ใช้แล้ว" in errors(form)["key"][0] and "ภาษาไทย" in errors(form)["title_th"][0]


STEPS = [
    {"code": "check", "label": {"th": "ตรวจสอบเอกสาร", "en": "Check"},
     "outcomes": [{"code": "ok", "label": {"th": "ครบ"}},
                  {"code": "fix", "label": {"th": "ไม่ครบ", "en": "Incomplete"},
                   "back_to": "check"}]},
    {"code": "visit", "label": {"th": "ออกตรวจพื้นที่"}, "when": ["check", "ok"],
     "tells_requester": True, "told_as": {"th": "เจ้าหน้าที่จะออกตรวจ", "en": "A visit"}},
    {"code": "decide", "label": {"th": "พิจารณา"}, "tells_requester": True,
     "outcomes": [{"code": "yes", "label": {"th": "อนุมัติ"}},
                  {"code": "again", "label": {"th": "ตรวจใหม่"}, "back_to": "visit"}]},
]


def test_steps_read_back_as_they_were(th):
    definition = {**copy.deepcopy(SAMPLE), "steps": copy.deepcopy(STEPS)}
    for source in (definition, SAMPLE):
        for step in source["steps"]:
            shown = editor(ef.StepForm)
            ef.prepare_step(shown, source, step["code"])
            ef.fill(shown, step)
            again = editor(ef.StepForm, posted(shown))
            ef.prepare_step(again, source, step["code"])
            assert ef.read(again, source) == step, errors(again)
    form = editor(ef.StepForm)
    ef.prepare_step(form, definition, "visit")
    assert [v for v, _w in form.when_outcome.choices] == ["", "check:ok", "check:fix"]


@pytest.mark.parametrize(("fields", "where", "words"), [
    ({"code": "check"}, "code", "ใช้แล้ว"),
    ({"code": "new step"}, "code", "ตัวอักษรภาษาอังกฤษตัวเล็ก"),
    ({"label_th": ""}, "label_th", "ภาษาไทย"),
    ({"outcomes-0-th": "ผ่าน", "outcomes-0-back_to": "nowhere"}, "outcomes",
     "ไม่มีขั้นตอน nowhere"),
    ({"outcomes-0-code": "ok", "outcomes-0-th": "ผ่าน", "outcomes-1-code": "ok",
      "outcomes-1-th": "ซ้ำ"}, "outcomes", "ซ้ำ"),
    ({"outcomes-0-code": "OK", "outcomes-0-th": "ผ่าน"}, "outcomes", "ผลการพิจารณาที่ 1"),
    ({"outcomes-0-code": "ok", "outcomes-0-en": "Passed"}, "outcomes",
     "ข้อความของผลการพิจารณา"),
    ({"when_outcome": "decide:yes"}, "when_outcome", "ขั้นตอนก่อนหน้า"),
])
def test_bad_steps_are_refused_in_thai(th, fields, where, words):
    definition = {**copy.deepcopy(SAMPLE), "steps": copy.deepcopy(STEPS)}
    form = editor(ef.StepForm, MultiDict({"code": "pay", "label_th": "ชำระเงิน", **fields}))
    ef.prepare_step(form, definition, "visit" if where == "when_outcome" else None)
    if where == "when_outcome":
        form.code.data = "visit"
    assert ef.read(form, definition) is None
    assert words in " ".join(errors(form)[where]), errors(form)


def test_a_new_step_may_go_back_to_itself(th):
    form = editor(ef.StepForm, MultiDict({"code": "pay", "label_th": "ชำระเงิน",
                                          "outcomes-0-th": "ชำระแล้ว",
                                          "outcomes-0-en": "Paid",
                                          "outcomes-1-code": "late",
                                          "outcomes-1-th": "ยังไม่ชำระ",
                                          "outcomes-1-back_to": "@self",
                                          "when_outcome": "decide:yes"}))
    ef.prepare_step(form, SAMPLE, None)
    assert ef.read(form, SAMPLE) == {
        "code": "pay", "label": {"th": "ชำระเงิน"}, "when": ["decide", "yes"],
        "outcomes": [{"code": "paid", "label": {"th": "ชำระแล้ว", "en": "Paid"}},
                     {"code": "late", "label": {"th": "ยังไม่ชำระ"}, "back_to": "pay"}]}


# ---- The partial -----------------------------------------------------------------

@pytest.mark.parametrize("question", ONE_OF_EACH, ids=[q["type"] for q in ONE_OF_EACH])
def test_the_question_editor_draws_only_its_types_settings_labelled(th, question):
    definition = _definition(ONE_OF_EACH)
    form = question_form(definition, question["key"])
    ef.fill(form, question)
    html = render_template("builder/_question_form.html", form=form)
    assert "<script" not in html and ">ทั่วไป</legend>" in html
    assert ">เงื่อนไขการแสดง</legend>" in html
    kind = question["type"]
    for setting, names in ef.SETTING_FIELDS.items():
        for name in names:
            if isinstance(form[name], ef.RowsField):
                drawn = f'name="{name}-0-th"' in html
            else:
                drawn = f'name="{name}"' in html and f'for="{form[name].id}"' in html or (
                    f'name="{name}"' in html and form[name].type == "MultiCheckboxField")
            assert drawn == (kind in ef.APPLIES[setting]), (setting, name)
    for legend, setting in (("ค่าที่รับได้", "min"), ("ตัวเลือก", "options"),
                            ("ตาราง", "columns"), ("สูตรคำนวณ", "formula")):
        shown = f">{legend}</legend>" in html
        assert shown == (kind in ef.APPLIES[setting] or (
            setting == "min" and (kind in ef.APPLIES["decimals"] + ef.APPLIES["max_length"]
                                  + ef.APPLIES["kinds"]))), legend
    for name in ("key", "type", "when_key_1", "when_json"):
        assert f'for="{form[name].id}"' in html, name


def test_a_changed_type_keeps_the_other_types_settings_hidden(th):
    definition = _definition(ONE_OF_EACH)
    form = question_form(definition, "size")
    ef.fill(form, ONE_OF_EACH[6])  # a choice shown as a list
    form.type.data = "text"
    form.max_length.data = ""
    html = render_template("builder/_question_form.html", form=form)
    assert 'name="options-0-th"' not in html.replace('type="hidden" name="options-0-th"', "")
    assert '<input type="hidden" name="options-0-value" value="s">' in html
    assert '<input type="hidden" name="options-0-th" value="เล็ก">' in html
    assert '<input type="hidden" name="display" value="list">' in html
    assert "ไม่ใช้กับคำถามประเภทนี้" in html and "ตัวเลือก" in html
    # Sent back as a choice: the options as they were.
    data = MultiDict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    data.update({"key": "size", "type": "choice", "label_th": "ขนาด"})
    again = question_form(definition, "size", formdata=data)
    assert ef.read(again, definition) == ONE_OF_EACH[6], errors(again)


def test_the_formula_picks_keep_their_choice_and_words_are_never_markup(th):
    definition = _definition(ONE_OF_EACH)
    form = question_form(definition, "total")
    ef.fill(form, ONE_OF_EACH[16])
    html = render_template("builder/_question_form.html", form=form)
    assert 'value="items.n" selected' in html or 'selected value="items.n"' in html
    # Words of a definition are text, never markup, in the selects too.
    definition["pages"][0]["questions"][1]["label"]["th"] = "อายุ <i>ปี</i>"
    form = question_form(definition, "total")
    form.type.data = "calculated"
    html = render_template("builder/_question_form.html", form=form)
    assert "อายุ &lt;i&gt;ปี&lt;/i&gt;" in html and "<i>ปี" not in html


def test_the_thai_names_of_the_types(th):
    assert [str(name) for _t, name in ef.QUESTION_TYPES] == [
        "ข้อความสั้น", "ข้อความยาว", "ตัวเลข", "จำนวนเงิน", "วันที่", "เวลา",
        "ตัวเลือก (เลือกได้ข้อเดียว)", "ตัวเลือก (เลือกได้หลายข้อ)", "ใช่/ไม่ใช่",
        "เลขประจำตัวประชาชน", "เบอร์โทรศัพท์", "อีเมล", "ที่อยู่", "พิกัดที่ตั้ง (ละติจูด ลองจิจูด)",
        "ไฟล์แนบ",
        "ตาราง (หลายแถว)", "ค่าที่คำนวณ", "หัวข้อ", "ข้อความอธิบาย"]


# ---- Random questions ------------------------------------------------------------

THAI = "กขคงจฉชซญดตถทนบปผพฟภมยรลวศสหอฮะาิีุูเแโใไ่้๊๋็์ำ"
words = st.text(alphabet=THAI + " abcXYZ0123456789.,()-/:", min_size=1, max_size=30) \
    .map(str.strip).filter(bool)
english = st.text(alphabet="abcdefXYZ 0123456789.,()-", min_size=1, max_size=20) \
    .map(str.strip).filter(bool)
keys = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
    lambda k: k not in {q["key"] for q in EARLIER} and k not in RESERVED_KEYS
    and not k.startswith(RESERVED_PREFIXES))


@st.composite
def texts(draw: Any, optional: bool = False) -> dict[str, str]:
    out = {"th": draw(words)}
    if draw(st.booleans()):
        out["en"] = draw(english)
    return out


def _number_values(draw: Any, whole: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    number = st.integers(-10**6, 10**6) if whole else st.one_of(
        st.integers(-10**6, 10**6), st.decimals(-10**5, 10**5, places=2).map(float))
    low = draw(st.none() | number)
    high = draw(st.none() | number)
    if low is not None:
        out["min"] = low
    if high is not None:
        out["max"] = high if low is None else max(low, high)
    return out


@st.composite
def option_lists(draw: Any, max_size: int = 8, english_too: bool = True) -> list[dict[str, Any]]:
    values = draw(st.lists(st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True), min_size=1,
                           max_size=max_size, unique=True))
    labels = draw(st.lists(words, min_size=len(values), max_size=len(values)))
    out = []
    for value, label in zip(values, labels, strict=True):
        text = {"th": label}
        if english_too and draw(st.booleans()):
            text["en"] = draw(english)
        out.append({"value": value, "label": text})
    return out


@st.composite
def column_lists(draw: Any) -> list[dict[str, Any]]:
    names = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1,
                          max_size=4, unique=True))
    out = []
    for name in names:
        kind = draw(st.sampled_from(ef.COLUMN_TYPES))
        column: dict[str, Any] = {"key": name, "type": kind, "label": draw(texts())}
        if draw(st.booleans()):
            column["required"] = True
        if kind in ("number", "money"):
            column.update(_number_values(draw))
        if kind == "number" and draw(st.booleans()):
            column["decimals"] = draw(st.integers(0, 4))
        if kind == "text" and draw(st.booleans()):
            column["max_length"] = draw(st.integers(1, 500))
        if kind == "choice":
            column["options"] = draw(option_lists(max_size=5, english_too=False))
        out.append(column)
    return out


CONDITIONS = [("request_type", "eq", "new"), ("request_type", "ne", "ต่ออายุ"),
              ("age", "ge", "60"), ("age", "lt", "18"), ("age", "unanswered", ""),
              ("price", "gt", "1,000.50"), ("items", "ge", "2"), ("items", "answered", "")]
PICKED_FORMULAS = [("product", {"keys": ["price", "qty"]}),
                   ("product", {"keys": ["price"], "constant": 0.07}),
                   ("sum", {"keys": ["age", "price", "qty"], "constant": 5}),
                   ("sum_product", {"table": "items", "columns": ["n", "cost"]}),
                   ("sum_product", {"table": "items", "columns": ["cost"]})]


@st.composite
def questions(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from([t for t, _w in ef.QUESTION_TYPES]))
    q: dict[str, Any] = {"key": draw(keys), "type": kind}

    def maybe(setting: str) -> bool:
        return kind in ef.APPLIES[setting] and draw(st.booleans())

    if kind != "paragraph":
        q["label"] = draw(texts())
    if maybe("hint"):
        q["hint"] = draw(texts())
    if maybe("required"):
        q["required"] = True
    if maybe("personal"):
        q["personal"] = True
    if kind in ("number", "money"):
        q.update(_number_values(draw))
    if maybe("decimals"):
        q["decimals"] = draw(st.integers(0, 4))
    if maybe("max_length"):
        q["max_length"] = draw(st.integers(1, 5000))
    if kind == "choice" and draw(st.booleans()):
        q["display"] = "list"
    if kind in ("choice", "multichoice"):
        q["options"] = draw(option_lists())
    if maybe("kinds"):
        q["kinds"] = draw(st.lists(st.sampled_from(["pdf", "png", "jpg"]), min_size=1,
                                   unique=True))
    if kind == "table":
        q["columns"] = draw(column_lists())
        low = draw(st.none() | st.integers(0, 50))
        high = draw(st.none() | st.integers(max(1, low or 0), 50))
        if low is not None:
            q["min_rows"] = low
        if high is not None:
            q["max_rows"] = high
    if kind == "paragraph":
        q["text"] = {"th": draw(words).replace("  ", " ") + "\n<b>" + draw(words) + "</b>"}
    if kind == "calculated":
        formula_kind, params = draw(st.sampled_from(PICKED_FORMULAS))
        q["formula"] = conditions.to_formula(formula_kind, **params)
    if draw(st.booleans()):
        picked = draw(st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=2))
        rules = [conditions.to_rule(conditions.find_question(DEFINITION_FOR_RANDOM, k), op, v)
                 for k, op, v in picked]
        q["when"] = conditions.combine(rules, draw(st.sampled_from(["and", "or"])))
    return q


DEFINITION_FOR_RANDOM = _definition([])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(question=questions())
def test_any_question_reads_back_as_it_was(th, question):
    definition = _definition([question])
    assert round_trip(question, definition, key=question["key"]) == question
    # As a new question: the same, file kinds in the boxes' order.
    fresh = round_trip(question, DEFINITION_FOR_RANDOM, page_key="two")
    if "kinds" in question:
        assert fresh.pop("kinds") == [k for k in ("pdf", "png", "jpg") if k in question["kinds"]]
    assert fresh == {k: v for k, v in question.items() if k != "kinds"}
    if question.get("when"):
        assert logic.problem(question["when"]) is None
    # The JSON the editor shows for other conditions reads back too.
    rule = {"in": [{"var": "request_type"}, ["new", "renew"]]}
    odd = {**question, "when": rule}
    assert round_trip(odd, _definition([odd]), key=question["key"]) == odd
    assert json.loads(json.dumps(question)) == question


def test_the_sample_total_is_a_picked_formula(th):
    q = SAMPLE["pages"][1]["questions"][2]
    assert q["formula"] == TOTAL
    form = question_form(SAMPLE, "total")
    ef.fill(form, q)
    assert (form.formula_kind.data, form.formula_column.data, form.formula_times_column.data) \
        == ("sum_product", "items.qty", "items.price")
    assert form.formula_json.data == ""
