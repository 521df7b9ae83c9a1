"""A built service's definition is checked before it is used: each refusal
names, in Thai, the question (page, step) it is about; a valid one loads
with its defaults; nothing thrown at it raises anything but the refusal."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.builder import compile as compiler
from plugins.builder import definition
from plugins.builder.definition import DefinitionError, Problem, load, problems, questions
from portal import create_app

from ..conftest import make_config

pytestmark = pytest.mark.once  # no database

THAI = re.compile("[\u0e00-\u0e7f]")
# What jsonschema says in English; an admin never reads it.
ENGLISH_SCHEMA = re.compile(r"is not of type|does not match|is a required property|"
                            r"was unexpected|is not one of \[|is too (long|short)|"
                            r"was expected|is not valid under")

VALID: dict[str, Any] = {
    "format": "eservice-portal/service-definition",
    "format_version": 1,
    "slug": "tree-cutting",
    "title": {"th": "ขออนุญาตตัดต้นไม้", "en": "Tree cutting"},
    "ref_prefix": "TC",
    "pages": [
        {"key": "about", "title": {"th": "ข้อมูลคำขอ"}, "questions": [
            {"key": "intro", "type": "heading", "label": {"th": "รายละเอียด"}},
            {"key": "kind", "type": "choice", "label": {"th": "ประเภทคำขอ"}, "required": True,
             "options": [{"value": "new", "label": {"th": "ขอใหม่"}},
                         {"value": "renew", "label": {"th": "ต่ออายุ"}}]},
            {"key": "tree_count", "type": "number", "label": {"th": "จำนวนต้นไม้"},
             "min": 1, "max": 50, "when": {"==": [{"var": "kind"}, "new"]}},
            {"key": "note", "type": "text", "label": {"th": "หมายเหตุ"}, "decimals": 3},
        ]},
        {"key": "costs", "title": {"th": "ค่าใช้จ่าย"},
         "when": {">=": [{"var": "tree_count"}, 1]}, "questions": [
            {"key": "items", "type": "table", "label": {"th": "รายการ"}, "columns": [
                {"key": "thing", "type": "text", "label": {"th": "สิ่งของ"}},
                {"key": "qty", "type": "number", "label": {"th": "จำนวน"}},
                {"key": "price", "type": "money", "label": {"th": "ราคา"}},
                {"key": "unit", "type": "choice", "label": {"th": "หน่วย"},
                 "options": [{"value": "piece", "label": {"th": "ชิ้น"}}]}]},
            {"key": "total", "type": "calculated", "label": {"th": "รวมเป็นเงิน"},
             "formula": {"reduce": [{"map": [{"var": "items"},
                                             {"*": [{"var": "qty"}, {"var": "price"}]}]},
                                    {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}},
            {"key": "fee", "type": "money", "label": {"th": "ค่าธรรมเนียม"}},
            {"key": "photo", "type": "file", "label": {"th": "ภาพถ่ายต้นไม้"}},
        ]},
    ],
    "steps": [
        {"code": "check", "label": {"th": "ตรวจสอบเอกสาร"}},
        {"code": "survey", "label": {"th": "ออกสำรวจ"},
         "outcomes": [{"code": "ok", "label": {"th": "ผ่าน"}},
                      {"code": "redo", "label": {"th": "ตรวจใหม่"}, "back_to": "check"}]},
        {"code": "permit", "label": {"th": "ออกใบอนุญาต"}, "when": ["survey", "ok"]},
    ],
}


def valid() -> dict[str, Any]:
    return copy.deepcopy(VALID)


def question(defn: dict[str, Any], key: str) -> dict[str, Any]:
    return next(q for page in defn["pages"] for q in page["questions"] if q["key"] == key)


@pytest.fixture(scope="module")
def app(migrated_db: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The portal, in Thai, with an app context for the whole module (the
    checks run outside any request)."""
    app = create_app(make_config(tmp_path_factory.mktemp("definition"), migrated=True))
    with app.app_context():
        yield app


def refused(defn: Any) -> list[Problem]:
    found = problems(defn)
    assert found, "expected the definition to be refused"
    with pytest.raises(DefinitionError) as caught:
        load(defn)
    assert caught.value.problems == found
    for p in found:
        assert isinstance(p, Problem) and THAI.search(p.message), p
        assert not ENGLISH_SCHEMA.search(p.message), p
    return found


def one(defn: Any, where: str, *parts: str) -> str:
    """The one problem of ``defn``: about ``where``, its message holding
    every one of ``parts``."""
    found = refused(defn)
    assert len(found) == 1, found
    assert found[0].where == where, found
    for part in parts:
        assert part in found[0].message, found[0].message
    return found[0].message


# ---------------------------------------------------------------- valid

def test_a_valid_definition_loads_with_its_defaults(app):
    assert problems(valid()) == []
    loaded = load(valid())
    assert loaded["target_days"] == 5 and loaded["target_minutes"] is None
    assert loaded["guest_allowed"] is False and loaded["open311"] is False
    assert loaded["opens_on"] is None and loaded["max_submissions"] is None
    kind = question(loaded, "kind")
    assert kind["required"] is True and kind["display"] == "radio"
    assert kind["personal"] is False and kind["when"] is None
    assert question(loaded, "tree_count")["decimals"] == 0
    assert question(loaded, "tree_count")["required"] is False
    assert question(loaded, "fee")["decimals"] == 2
    assert question(loaded, "total")["decimals"] == 2
    assert question(loaded, "photo")["kinds"] == ["pdf", "png", "jpg"]
    table = question(loaded, "items")
    assert (table["min_rows"], table["max_rows"]) == (0, 10)
    assert [c["required"] for c in table["columns"]] == [False] * 4
    assert [c.get("decimals") for c in table["columns"]] == [None, 0, 2, None]
    assert loaded["pages"][0]["when"] is None
    assert loaded["steps"][0]["outcomes"] == [] and loaded["steps"][0]["when"] is None
    assert loaded["steps"][1]["outcomes"][0]["back_to"] is None
    # Decimals on a text question mean nothing: left as they are, ignored.
    assert question(loaded, "note")["decimals"] == 3


def test_defaults_leave_what_is_given_and_the_argument_alone(app):
    given_ = valid()
    given_["target_days"] = 12
    question(given_, "kind")["display"] = "list"
    before = copy.deepcopy(given_)
    loaded = load(given_)
    assert loaded["target_days"] == 12 and question(loaded, "kind")["display"] == "list"
    assert given_ == before


def test_steps_default_to_none(app):
    defn = valid()
    del defn["steps"]
    assert load(defn)["steps"] == []


def test_questions_whose_type_identifies_a_person_are_personal(app):
    defn = valid()
    defn["pages"][0]["questions"].append(
        {"key": "contact", "type": "phone", "label": {"th": "เบอร์ติดต่อ"}, "personal": False})
    assert question(load(defn), "contact")["personal"] is True


def test_json_text_and_bytes_load(app):
    text = json.dumps(VALID, ensure_ascii=False)
    assert load(text) == load(valid()) == load(text.encode("utf-8"))


def test_questions_in_page_order(app):
    loaded = load(valid())
    assert [(page["key"], q["key"]) for page, q in questions(loaded)] == [
        ("about", "intro"), ("about", "kind"), ("about", "tree_count"), ("about", "note"),
        ("costs", "items"), ("costs", "total"), ("costs", "fee"), ("costs", "photo")]


def test_a_target_in_minutes_and_in_days_together_is_fine(app):
    defn = valid()
    defn.update(target_days=3, target_minutes=90)
    loaded = load(defn)
    assert (loaded["target_days"], loaded["target_minutes"]) == (3, 90)


def test_a_loaded_definition_compiles(app):
    form = compiler.form_class(load(valid()), "Tree")
    assert "tree_count" in form.placed_names and "file_photo" in form.placed_names


# ---------------------------------------------------------------- duplicates

def test_a_question_key_used_twice_across_pages(app):
    defn = valid()
    question(defn, "fee")["key"] = "kind"
    one(defn, "kind", "คำถาม «ค่าธรรมเนียม» (kind)", "คีย์ «kind» ซ้ำกับคำถาม «ประเภทคำขอ» (kind)",
        "หน้า «ข้อมูลคำขอ» (about)")


def test_a_page_key_used_twice(app):
    defn = valid()
    defn["pages"][1]["key"] = "about"
    one(defn, "about", "หน้า «ค่าใช้จ่าย» (about)", "คีย์ «about» ซ้ำกับหน้า «ข้อมูลคำขอ» (about)")


def test_a_step_code_used_twice(app):
    defn = valid()
    defn["steps"][2]["code"] = "check"
    one(defn, "check", "ขั้นตอนงาน «ออกใบอนุญาต» (check)",
        "รหัส «check» ซ้ำกับขั้นตอนงาน «ตรวจสอบเอกสาร» (check)")


def test_an_option_value_used_twice(app):
    defn = valid()
    question(defn, "kind")["options"][1]["value"] = "new"
    one(defn, "kind", "คำถาม «ประเภทคำขอ» (kind)", "«new»", "ซ้ำ")


def test_a_column_key_used_twice(app):
    defn = valid()
    question(defn, "items")["columns"][2]["key"] = "qty"
    one(defn, "items", "คำถาม «รายการ» (items) ช่อง qty", "«qty»", "ซ้ำ")


def test_an_option_value_used_twice_in_a_column(app):
    defn = valid()
    column = question(defn, "items")["columns"][3]
    column["options"].append(copy.deepcopy(column["options"][0]))
    one(defn, "items", "ช่อง unit", "«piece»")


# ---------------------------------------------------------------- keys and types

@pytest.mark.parametrize("key", ["national_id", "phone", "title", "first_name", "last_name",
                                 "email", "version", "submit", "captcha", "altcha", "channel",
                                 "confirm", "file_photo", "validate_kind", "data", "errors"])
def test_a_reserved_key(app, key):
    defn = valid()
    question(defn, "note")["key"] = key
    one(defn, key, f"คำถาม «หมายเหตุ» ({key})", f"คีย์ «{key}» สงวนไว้")


def test_every_name_a_built_form_has_is_reserved(app):
    """A question named like an attribute of the form (or a field the core
    adds to it) would replace it."""
    key = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
    form = compiler.form_class(load(valid()), "Tree")
    names = {n for n in dir(form) if key.match(n)} - set(form.placed_names)
    with app.test_request_context():
        names |= {n for n in vars(form(meta={"csrf": False})) if key.match(n)}
    names -= {"intro"}  # the definition's own text block has no field
    names -= set(form.placed_names)
    assert names - definition.RESERVED_KEYS == set()


def test_an_unknown_type_is_named(app):
    defn = valid()
    question(defn, "note")["type"] = "signature"
    one(defn, "note", "คำถาม «หมายเหตุ» (note)", "«signature»", "ไม่รู้จัก")


def test_an_unknown_column_type_is_named(app):
    defn = valid()
    question(defn, "items")["columns"][0]["type"] = "photo"
    one(defn, "items", "คำถาม «รายการ» (items) ช่อง thing", "«photo»")


def test_a_question_without_a_label(app):
    defn = valid()
    del question(defn, "note")["label"]
    one(defn, "note", "คำถาม note", "ไม่มีชื่อคำถาม")


# ---------------------------------------------------------------- conditions and formulas

def test_a_condition_naming_a_missing_question(app):
    defn = valid()
    question(defn, "tree_count")["when"] = {">=": [{"var": "age"}, 60]}
    message = one(defn, "tree_count")
    assert message == "คำถาม «จำนวนต้นไม้» (tree_count): เงื่อนไขอ้างถึงคำถาม «age» ที่ยังไม่มีในแบบฟอร์ม"


def test_a_formula_naming_a_missing_question(app):
    defn = valid()
    question(defn, "total")["formula"] = {"*": [{"var": "area"}, 2]}
    one(defn, "total", "คำถาม «รวมเป็นเงิน» (total)", "สูตรคำนวณอ้างถึงคำถาม «area» ที่ยังไม่มี")


def test_a_condition_naming_a_later_question(app):
    defn = valid()
    question(defn, "kind")["when"] = {"==": [{"var": "note"}, "x"]}
    one(defn, "kind", "คำถาม «ประเภทคำขอ» (kind)", "«note»", "อยู่หลัง")


def test_a_condition_reading_its_own_answer(app):
    defn = valid()
    question(defn, "note")["when"] = {"==": [{"var": "note"}, "x"]}
    one(defn, "note", "คำถาม «หมายเหตุ» (note)", "คำตอบของตัวเอง")


def test_a_page_condition_reading_its_own_page(app):
    defn = valid()
    defn["pages"][1]["when"] = {">": [{"var": "fee"}, 0]}
    one(defn, "costs", "หน้า «ค่าใช้จ่าย» (costs)", "«fee»", "หน้าก่อนหน้า")


def test_a_calculated_value_referring_to_itself(app):
    defn = valid()
    question(defn, "total")["formula"] = {"+": [{"var": "total"}, 1]}
    one(defn, "total", "คำถาม «รวมเป็นเงิน» (total)", "สูตรคำนวณใช้ค่าของตัวเอง")


def test_a_cycle_between_calculated_values(app):
    defn = valid()
    costs = defn["pages"][1]["questions"]
    costs.insert(2, {"key": "vat", "type": "calculated", "label": {"th": "ภาษี"},
                     "formula": {"*": [{"var": "total"}, 0.07]}})
    question(defn, "total")["formula"] = {"+": [{"var": "vat"}, 1]}
    one(defn, "total", "คำถาม «รวมเป็นเงิน» (total)", "คำถาม «ภาษี» (vat)",
        "วนกัน", "total → vat → total")


def test_a_formula_reading_a_later_plain_question(app):
    defn = valid()
    question(defn, "total")["formula"] = {"+": [{"var": "fee"}, 1]}
    one(defn, "total", "คำถาม «รวมเป็นเงิน» (total)", "«fee»", "อยู่หลัง")


def test_a_condition_reading_a_heading(app):
    defn = valid()
    question(defn, "kind")["when"] = {"==": [{"var": "intro"}, "x"]}
    one(defn, "kind", "คำถาม «ประเภทคำขอ» (kind)", "«intro»", "หัวข้อหรือข้อความ")


def test_a_condition_reading_a_page(app):
    defn = valid()
    question(defn, "fee")["when"] = {"==": [{"var": "about"}, "x"]}
    one(defn, "fee", "คำถาม «ค่าธรรมเนียม» (fee)", "หน้า «about»")


def test_a_condition_reading_a_table_column_directly(app):
    defn = valid()
    question(defn, "fee")["when"] = {">": [{"var": "qty"}, 1]}
    one(defn, "fee", "คำถาม «ค่าธรรมเนียม» (fee)", "«qty»", "คำถาม «รายการ» (items)")


@pytest.mark.parametrize("rule, says", [
    ({"log": [1]}, "«log»"),
    ({"==": [1, 1], "!=": [1, 2]}, "ตัวดำเนินการเดียว"),
    ({"!": [{"!": [{"!": [{"!": [{"!": [{"!": [{"!": [{"!": [{"!": [True]}]}]}]}]}]}]}]}]},
     "ซ้อนกันเกิน 8 ชั้น"),
    ({"in": ["x" * 501, {"var": "kind"}]}, "500"),
    ({"==": [{"var": {"if": [True, "kind", "note"]}}, 1]}, "ชื่อคำตอบ"),
    ({"==": [{"var": ""}, 1]}, "ทุกคำตอบ"),
    ({"or": [{"==": [{"var": "kind"}, str(n)]} for n in range(60)]}, "200"),
])
def test_a_condition_the_engine_refuses(app, rule, says):
    defn = valid()
    question(defn, "note")["when"] = rule
    one(defn, "note", "คำถาม «หมายเหตุ» (note)", "เงื่อนไข", says)


def test_a_condition_nested_beyond_the_stack_is_refused_not_raised(app):
    rule: Any = 1
    for _ in range(50_000):
        rule = [rule]
    defn = valid()
    question(defn, "note")["when"] = {"==": [rule, 1]}
    assert refused(defn)


# ---------------------------------------------------------------- per type

def test_min_more_than_max(app):
    defn = valid()
    question(defn, "tree_count").update(min=60, max=50)
    one(defn, "tree_count", "คำถาม «จำนวนต้นไม้» (tree_count)", "60", "50")


def test_min_more_than_max_in_a_column(app):
    defn = valid()
    question(defn, "items")["columns"][1].update(min=5, max=1)
    one(defn, "items", "ช่อง qty", "5", "1")


@pytest.mark.parametrize("kind", ["choice", "multichoice"])
def test_a_choice_without_options(app, kind):
    defn = valid()
    q = question(defn, "kind")
    q["type"] = kind
    del q["options"]
    one(defn, "kind", "คำถาม «ประเภทคำขอ» (kind)", "ไม่มีตัวเลือก")
    q["options"] = []
    one(defn, "kind", "คำถาม «ประเภทคำขอ» (kind)", "ไม่มีตัวเลือก")


def test_a_choice_column_without_options(app):
    defn = valid()
    del question(defn, "items")["columns"][3]["options"]
    one(defn, "items", "ช่อง unit", "ไม่มีตัวเลือก")


def test_a_table_without_columns(app):
    defn = valid()
    del question(defn, "items")["columns"]
    one(defn, "items", "คำถาม «รายการ» (items)", "ไม่มีช่อง")
    question(defn, "items")["columns"] = []
    one(defn, "items", "คำถาม «รายการ» (items)", "ไม่มีช่อง")


def test_a_table_with_more_rows_asked_than_allowed(app):
    defn = valid()
    question(defn, "items").update(min_rows=6, max_rows=4)
    one(defn, "items", "คำถาม «รายการ» (items)", "6", "4")
    del question(defn, "items")["max_rows"]
    question(defn, "items")["min_rows"] = 12  # more than the 10 rows a table has at most
    one(defn, "items", "คำถาม «รายการ» (items)", "12", "10")


def test_a_calculated_value_without_a_formula(app):
    defn = valid()
    del question(defn, "total")["formula"]
    one(defn, "total", "คำถาม «รวมเป็นเงิน» (total)", "ไม่มีสูตรคำนวณ")


def test_a_file_with_no_kinds(app):
    defn = valid()
    question(defn, "photo")["kinds"] = []
    one(defn, "photo", "คำถาม «ภาพถ่ายต้นไม้» (photo)", "ชนิดไฟล์")


# ---------------------------------------------------------------- steps

def test_back_to_a_missing_step(app):
    defn = valid()
    defn["steps"][1]["outcomes"][1]["back_to"] = "inspect"
    one(defn, "survey", "ขั้นตอนงาน «ออกสำรวจ» (survey)", "«inspect»", "ไม่มี")


def test_back_to_a_later_step(app):
    defn = valid()
    defn["steps"][1]["outcomes"][1]["back_to"] = "permit"
    one(defn, "survey", "ขั้นตอนงาน «ออกสำรวจ» (survey)", "«permit»", "อยู่หลัง")


def test_a_step_after_a_missing_step(app):
    defn = valid()
    defn["steps"][2]["when"] = ["visit", "ok"]
    one(defn, "permit", "ขั้นตอนงาน «ออกใบอนุญาต» (permit)", "«visit»")


def test_a_step_after_a_missing_outcome(app):
    defn = valid()
    defn["steps"][2]["when"] = ["survey", "maybe"]
    one(defn, "permit", "ขั้นตอนงาน «ออกใบอนุญาต» (permit)", "«maybe»", "«survey»")


def test_a_step_after_a_later_step(app):
    defn = valid()
    defn["steps"][0]["when"] = ["survey", "ok"]
    one(defn, "check", "ขั้นตอนงาน «ตรวจสอบเอกสาร» (check)", "«survey»")


# ---------------------------------------------------------------- limits

def test_at_most_200_questions_columns_counted(app):
    defn = valid()
    # 8 questions and 4 columns; 18 pages of 10 more, and 10 on the last, make 202.
    for n in range(18):
        defn["pages"].append({"key": f"p{n}", "title": {"th": f"หน้า {n}"}, "questions": [
            {"key": f"q{n}_{i}", "type": "text", "label": {"th": "ข้อ"}}
            for i in range(20 if n == 17 else 10)]})
    one(defn, "", "202", "200")
    defn["pages"][-1]["questions"].pop()
    defn["pages"][-1]["questions"].pop()
    assert problems(defn) == []


def test_at_most_20_pages(app):
    defn = valid()
    for n in range(19):
        defn["pages"].append({"key": f"p{n}", "title": {"th": f"หน้า {n}"}, "questions": []})
    one(defn, "", "21", "20")


def test_a_text_over_the_size_limit_is_refused_before_it_is_read(app, monkeypatch):
    def no(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(json, "loads", no)
    text = json.dumps({**VALID, "source": "ก" * 90_000}, ensure_ascii=False)
    assert len(text.encode()) > definition.MAX_DEFINITION_BYTES
    assert one(text, "", "256") == one(text.encode(), "", "256")


def test_a_definition_over_the_size_limit(app):
    defn = valid()
    for page in range(2):
        for q in defn["pages"][page]["questions"]:
            q["hint"] = {"th": "ข" * 4000, "en": "x" * 4000}
    defn["pages"] += [copy.deepcopy(defn["pages"][0]) for _ in range(8)]
    for n, page in enumerate(defn["pages"][2:]):
        page["key"] = f"copy{n}"
        for q in page["questions"]:
            q["key"] = f"{q['key']}_{n}"
    found = refused(defn)
    assert [p.where for p in found] == [""] and "256 KiB" in found[0].message


def test_opening_after_closing(app):
    defn = valid()
    defn.update(opens_on="2027-01-10", closes_on="2027-01-09")
    one(defn, "", "10 ม.ค. 2570", "9 ม.ค. 2570")
    defn["closes_on"] = "2027-01-10"
    assert problems(defn) == []


# ---------------------------------------------------------------- what the schema refuses

@pytest.mark.parametrize("change, where, says", [
    (lambda d: question(d, "note").update(key="Note"), "Note", "(key)"),
    (lambda d: question(d, "note").update(label="หมายเหตุ"), "note", "(label)"),
    (lambda d: question(d, "note").update(colour="red"), "note", "«colour»"),
    (lambda d: question(d, "note").update(max_length=0), "note", "(max_length)"),
    (lambda d: question(d, "kind")["options"][0].update(value="ใหม่"), "kind", "ตัวเลือก ใหม่"),
    (lambda d: question(d, "items")["columns"][0].update(max_length=900), "items",
     "ช่อง thing"),
    (lambda d: d["pages"][0]["title"].update(th=""), "about", "หน้า about"),
    (lambda d: d["steps"][1]["outcomes"][0].pop("label"), "survey", "ผลลัพธ์ ok"),
    (lambda d: d.update(ref_prefix="tc"), "", "(ref_prefix)"),
    (lambda d: d.update(opens_on="2027-02-30"), "", "(opens_on)"),
    (lambda d: d.pop("slug"), "", "(slug)"),
    (lambda d: d.update(format_version=2), "", "(format_version)"),
])
def test_what_the_schema_refuses_is_said_in_thai(app, change, where, says):
    defn = valid()
    change(defn)
    found = refused(defn)
    assert [p.where for p in found] == [where], found
    assert says in found[0].message, found[0].message


def test_the_page_is_named_when_the_question_has_no_key(app):
    defn = valid()
    del question(defn, "note")["key"]
    one(defn, "about", "คำถามข้อที่ 4 ในหน้า «ข้อมูลคำขอ» (about)", "(key)")


def test_not_a_definition_at_all(app):
    assert [p.where for p in refused([1, 2])] == [""]
    assert len(refused({})) == 6  # each required setting named
    assert "JSON" in one("{not json", "")
    assert "«slug»" in one('{"slug": "a", "slug": "b"}', "")
    assert one(json.dumps(VALID).replace('"min": 1', '"min": NaN'), "")
    bad = valid()
    question(bad, "tree_count")["min"] = float("nan")
    assert one(bad, "")
    assert one(b"\xff\xfe\x00", "")


def test_problems_come_in_definition_order(app):
    defn = valid()
    defn["steps"][2]["code"] = "check"
    question(defn, "fee")["key"] = "tree_count"
    question(defn, "kind")["options"] = []
    defn["title"]["th"] = ""
    assert [p.where for p in refused(defn)] == ["", "kind", "tree_count", "check"]


def test_the_error_carries_its_problems(app):
    defn = valid()
    question(defn, "note")["key"] = "kind"
    with pytest.raises(DefinitionError) as caught:
        load(defn)
    assert isinstance(caught.value, ValueError)
    assert [p.where for p in caught.value.problems] == ["kind"]
    assert caught.value.problems[0].message in str(caught.value)


def test_messages_follow_the_language(app):
    from flask_babel import force_locale

    defn = valid()
    question(defn, "tree_count")["when"] = {">=": [{"var": "age"}, 60]}
    with force_locale("en"):
        assert problems(defn)[0].message == (
            "Question «จำนวนต้นไม้» (tree_count): the condition names a missing question «age»")


def test_problems_work_outside_any_app():
    """A CLI or a script without the app: English, and no error."""
    defn = valid()
    question(defn, "note")["type"] = "signature"
    assert problems(defn)[0].where == "note"


def test_the_schema_is_a_valid_schema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(json.loads(definition.SCHEMA_PATH.read_text()))


# ---------------------------------------------------------------- anything at all

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
    | st.text(max_size=12) | st.sampled_from(["kind", "note", "total", "check", "about",
                                               "choice", "calculated", "file_x", "x" * 41]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["var", "==", "+", "key", "type", "th", "when", "log", "options"])
        | st.text(max_size=6), inner, max_size=3),
    max_leaves=8)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _paths(value, (*path, name))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


ALL_PATHS = list(_paths(VALID))[1:]


@st.composite
def mutated(draw: Any) -> dict[str, Any]:
    defn = valid()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent: Any = defn
        try:
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        what = draw(st.sampled_from(["replace", "delete", "copy", "swap"]))
        last = path[-1]
        if what == "replace":
            parent[last] = draw(JSON)
        elif what == "delete":
            del parent[last]
        elif what == "copy" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        elif what == "copy":
            other = draw(st.sampled_from([p for p in ALL_PATHS if p[-1] == last] or [path]))
            target: Any = defn
            try:
                for part in other[:-1]:
                    target = target[part]
                target[last] = copy.deepcopy(parent[last])
            except (KeyError, IndexError, TypeError):
                pass
        elif isinstance(parent, list) and len(parent) > 1:
            parent.reverse()
    return defn


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_a_mutated_definition_loads_or_is_refused_never_raises(app, defn):
    try:
        loaded = load(defn)
    except DefinitionError as exc:
        assert exc.problems
        for p in exc.problems:
            assert isinstance(p.where, str)
            assert THAI.search(p.message) and not ENGLISH_SCHEMA.search(p.message), p
        return
    assert problems(defn) == []
    # What loads compiles, and its conditions and formulas work out.
    form_class = compiler.form_class(loaded, "Mutated")
    with app.test_request_context(method="POST", data={"kind": "new", "tree_count": "3"}):
        form_class(meta={"csrf": False}).work_out()


# ---------------------------------------------------------------- one request per national ID

def _per_answer(**question_changes: Any) -> dict[str, Any]:
    """A definition taking one request per the national ID answered in
    question ``elder_id`` (a carer applies for an elderly person)."""
    defn = valid()
    elder = {"key": "elder_id", "type": "national_id", "label": {"th": "เลขประจำตัวผู้สูงอายุ"},
             "required": True, **question_changes}
    defn["pages"][0]["questions"].insert(2, elder)
    defn["one_per_national_id"] = "elder_id"
    return defn


def test_one_request_per_the_national_id_of_a_question_loads(app):
    loaded = load(_per_answer())
    assert loaded["one_per_national_id"] == "elder_id"
    built = compiler.service(loaded, code="allowance-1", agency_code="a", version=1)
    assert built.one_per_person is False  # the requester's account is not what counts


def test_one_request_per_a_question_that_is_not_there(app):
    defn = valid()
    defn["one_per_national_id"] = "elder_id"
    one(defn, "", "«elder_id»", "ไม่มีในแบบฟอร์ม")


def test_one_request_per_a_question_that_is_not_a_national_id(app):
    defn = valid()
    defn["one_per_national_id"] = "note"
    one(defn, "note", "คำถาม «หมายเหตุ» (note)", "เลขประจำตัวประชาชน")


def test_one_request_per_a_national_id_that_may_be_left_empty(app):
    one(_per_answer(required=False), "elder_id", "(elder_id)", "ต้องตอบ")


def test_one_request_per_a_national_id_that_a_condition_may_hide(app):
    one(_per_answer(when={"==": [{"var": "kind"}, "new"]}), "elder_id", "(elder_id)",
        "เงื่อนไข")


def test_one_request_per_a_national_id_on_a_page_that_a_condition_may_hide(app):
    defn = _per_answer()
    question(defn, "elder_id")  # on the first page; move it to the conditional one
    defn["pages"][0]["questions"] = [q for q in defn["pages"][0]["questions"]
                                     if q["key"] != "elder_id"]
    defn["pages"][1]["questions"].insert(0, {
        "key": "elder_id", "type": "national_id", "label": {"th": "เลขประจำตัวผู้สูงอายุ"},
        "required": True})
    one(defn, "elder_id", "(elder_id)", "เงื่อนไข")


@pytest.mark.parametrize("value", [5, "Not A Key", ["elder_id"]])
def test_one_request_per_something_that_is_neither_a_flag_nor_a_key(app, value):
    defn = valid()
    defn["one_per_national_id"] = value
    one(defn, "", "one_per_national_id")
