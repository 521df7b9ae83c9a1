"""The builder's condition and formula pickers (plugins/builder/conditions.py):
each operator on each type of question it applies to, written as JsonLogic
the engine accepts, true and false on answers as the built form reads them,
read back for the editor, told in Thai; bad values refused in Thai."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from plugins.builder import conditions as c
from plugins.builder import logic
from portal import create_app

from .sample import SAMPLE, TOTAL

pytestmark = pytest.mark.once  # no database


@pytest.fixture(scope="module")
def th(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A Thai request context (the portal's default language)."""
    folder = tmp_path_factory.mktemp("conditions")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SERVER_NAME": "localhost",
                      "DATABASE_URL": f"sqlite:///{folder}/unused.db",
                      "UPLOAD_DIR": str(folder / "uploads")})
    with app.test_request_context():
        yield app


def _q(key: str, kind: str, label: str, **more: Any) -> dict[str, Any]:
    return {"key": key, "type": kind, "label": {"th": label}, **more}


OPTIONS = [{"value": "new", "label": {"th": "ขอใหม่", "en": "New"}},
           {"value": "renew", "label": {"th": "ต่ออายุ", "en": "Renewal"}}]
NEEDS = [{"value": "water", "label": {"th": "น้ำดื่ม"}},
         {"value": "rice", "label": {"th": "ข้าวสาร"}}]
QUESTIONS = [
    _q("request_type", "choice", "ประเภทคำขอ", options=OPTIONS),
    _q("age", "number", "อายุ"),
    _q("income", "money", "รายได้ต่อเดือน"),
    _q("born", "date", "วันเกิด"),
    _q("at", "time", "เวลาที่สะดวก"),
    _q("disabled", "yesno", "มีความพิการ"),
    _q("village", "text", "หมู่บ้าน"),
    _q("needs", "multichoice", "สิ่งที่ต้องการ", options=NEEDS),
    _q("items", "table", "รายการสิ่งของ", columns=[
        {"key": "qty", "type": "number", "label": {"th": "จำนวน"}},
        {"key": "price", "type": "money", "label": {"th": "ราคา"}}]),
    _q("total", "calculated", "รวมเป็นเงิน", formula=TOTAL),
    _q("home", "address", "ที่อยู่"),
    _q("photo", "file", "ภาพถ่าย"),
    _q("note", "paragraph", "", text={"th": "อ่านก่อนกรอก"}),
]
DEFINITION: dict[str, Any] = {**copy.deepcopy(SAMPLE), "pages": [
    {"key": "one", "title": {"th": "หน้าแรก"}, "questions": QUESTIONS[:6]},
    {"key": "two", "title": {"th": "หน้าสอง"}, "questions": QUESTIONS[6:]},
]}
BY_KEY = {q["key"]: q for q in QUESTIONS}
ROWS3 = [{"qty": 1, "price": 10.0}, {"qty": 2, "price": 5.0}, {"qty": 1, "price": 1.0}]

# (question, operator, as typed, as the editor shows it again, the stored
#  value, answers where it holds, answers where it does not)
CASES = [
    ("request_type", "eq", "renew", "renew", "renew", "renew", "new"),
    ("request_type", "eq", "ต่ออายุ", "renew", "renew", "renew", "new"),
    ("request_type", "ne", "new", "new", "new", "renew", "new"),
    ("age", "eq", "60", "60", 60, 60.0, 61.0),
    ("age", "eq", "0", "0", 0, 0.0, 1.0),
    ("age", "ne", "๖๐", "60", 60, 59.0, 60.0),
    ("age", "gt", "60", "60", 60, 61.0, 60.0),
    ("age", "ge", "60", "60", 60, 60.0, 59.0),
    ("age", "lt", "18", "18", 18, 17.0, 18.0),
    ("age", "le", "18", "18", 18, 18.0, 19.0),
    ("income", "ge", "1,250.50", "1250.5", 1250.5, 1250.5, 1250.49),
    ("income", "lt", "5000", "5000", 5000, 0.0, 5000.0),
    ("total", "gt", "10000", "10000", 10000, 10000.01, 10000.0),
    ("born", "lt", "1/6/2567", "1/6/2567", "2024-06-01", "2024-05-31", "2024-06-01"),
    ("born", "ge", "1/6/2024", "1/6/2567", "2024-06-01", "2024-06-01", "2024-05-31"),
    ("born", "eq", "๑/๖/๒๕๖๗", "1/6/2567", "2024-06-01", "2024-06-01", "2024-06-02"),
    ("at", "ge", "13:30", "13:30", "13:30:00", "14:00:00", "09:00:00"),
    ("at", "lt", "9.00", "09:00", "09:00:00", "08:59:00", "09:00:00"),
    ("disabled", "eq", "ใช่", "ใช่", "yes", "yes", "no"),
    ("disabled", "eq", "no", "ไม่ใช่", "no", "no", "yes"),
    ("disabled", "ne", "yes", "ใช่", "yes", "no", "yes"),
    ("village", "eq", "บ้านหนองบัว", "บ้านหนองบัว", "บ้านหนองบัว", "บ้านหนองบัว", "บ้านโคก"),
    ("needs", "has", "rice", "rice", "rice", ["water", "rice"], ["water"]),
    ("needs", "has", "น้ำดื่ม", "water", "water", ["water"], []),
    ("items", "ge", "3", "3", 3, ROWS3, ROWS3[:2]),
    ("items", "lt", "2", "2", 2, ROWS3[:1], ROWS3[:2]),
    ("items", "eq", "0", "0", 0, [], ROWS3[:1]),
    ("age", "answered", "", "", None, 0.0, None),
    ("age", "unanswered", "", "", None, None, 0.0),
    ("village", "answered", "", "", None, "0", None),
    ("needs", "answered", "", "", None, ["water"], []),
    ("needs", "unanswered", "", "", None, [], ["rice"]),
    ("items", "answered", "", "", None, ROWS3[:1], []),
    ("home", "answered", "", "", None, {"house_no": "1"}, None),
    ("photo", "answered", "", "", None, True, None),
    ("photo", "unanswered", "", "", None, None, True),
]


@pytest.mark.parametrize(("key", "op", "typed", "shown", "stored", "true", "false"), CASES)
def test_each_operator_is_written_read_back_and_holds(th, key, op, typed, shown, stored,
                                                      true, false):
    question = BY_KEY[key]
    rule = c.to_rule(question, op, typed)
    assert logic.problem(rule) is None
    assert logic.reads(rule) == {key}
    assert stored is None or stored in _values(rule)
    assert logic.holds(rule, {key: true})
    assert not logic.holds(rule, {key: false})
    # Read back for the editor: the rows, with the value as staff type it.
    assert c.from_rule(rule, DEFINITION) == ([(key, op, shown)], "and")
    assert c.to_rule(question, op, shown) == rule
    words = c.describe(rule, DEFINITION)
    assert words.startswith(question["label"]["th"]) or "จำนวนแถวของ" in words
    assert str(c.BY_CODE[op].label) in words


def _values(rule: Any) -> list[Any]:
    if isinstance(rule, dict):
        return [v for args in rule.values() for v in _values(args)]
    if isinstance(rule, list):
        return [v for item in rule for v in _values(item)]
    return [rule]


@pytest.mark.parametrize(("key", "op", "typed"), [
    (k, op, typed) for k, op, typed, *_ in CASES if op not in ("unanswered",)])
def test_a_comparison_never_holds_for_a_question_left_unanswered_or_hidden(th, key, op, typed):
    """The engine reads null as 0 ("age < 18" would hold before anyone
    typed an age); to_rule puts "is answered" in front when it would."""
    rule = c.to_rule(BY_KEY[key], op, typed)
    if BY_KEY[key]["type"] == "table" and op not in ("answered",):
        # A table left empty or hidden has 0 rows, and is counted so.
        assert logic.holds(rule, {key: None}) == logic.holds(rule, {key: []})
        return
    assert not logic.holds(rule, {key: None})
    assert not logic.holds(rule, {})


def test_the_operators_offered_per_type(th):
    codes = {t: [o.code for o in c.operators_for(t)] for t in ("number", "choice", "multichoice",
                                                                "yesno", "table", "phone")}
    assert codes["number"] == ["eq", "ne", "gt", "ge", "lt", "le", "answered", "unanswered"]
    assert codes["choice"] == ["eq", "ne", "answered", "unanswered"]
    assert codes["multichoice"] == ["has", "answered", "unanswered"]
    assert codes["table"] == ["eq", "ne", "gt", "ge", "lt", "le", "answered", "unanswered"]
    assert codes["phone"] == ["answered", "unanswered"]
    assert [str(label) for _code, label in c.operator_choices()] == [
        "เท่ากับ", "ไม่เท่ากับ", "มากกว่า", "มากกว่าหรือเท่ากับ", "น้อยกว่า",
        "น้อยกว่าหรือเท่ากับ", "มีตัวเลือก", "ตอบแล้ว", "ยังไม่ตอบ"]


def test_two_conditions_joined_read_back_and_told(th):
    kind = c.to_rule(BY_KEY["request_type"], "eq", "renew")
    age = c.to_rule(BY_KEY["age"], "ge", "60")
    both = c.combine([kind, age], "and")
    either = c.combine([kind, age], "or")
    assert both == {"and": [kind, age]} and either == {"or": [kind, age]}
    assert logic.holds(both, {"request_type": "renew", "age": 60})
    assert not logic.holds(both, {"request_type": "renew", "age": 59})
    assert logic.holds(either, {"request_type": "new", "age": 60})
    assert not logic.holds(either, {"request_type": "new", "age": None})
    assert c.from_rule(both, DEFINITION) == (
        [("request_type", "eq", "renew"), ("age", "ge", "60")], "and")
    assert c.from_rule(either, DEFINITION)[1] == "or"
    assert c.describe(both, DEFINITION) == \
        "ประเภทคำขอ เท่ากับ ต่ออายุ และ อายุ มากกว่าหรือเท่ากับ 60"
    assert c.describe(either, DEFINITION) == \
        "ประเภทคำขอ เท่ากับ ต่ออายุ หรือ อายุ มากกว่าหรือเท่ากับ 60"
    # A guarded comparison is one row, even joined with others.
    young = c.to_rule(BY_KEY["age"], "lt", "18")
    assert c.from_rule(c.combine([kind, young], "or"), DEFINITION) == (
        [("request_type", "eq", "renew"), ("age", "lt", "18")], "or")
    # "answered" and a bare comparison of the same question are two rows.
    pair = c.combine([c.to_rule(BY_KEY["age"], "answered"), age])
    assert c.from_rule(pair, DEFINITION) == ([("age", "answered", ""), ("age", "ge", "60")],
                                             "and")
    assert c.combine([], "and") is None and c.combine([kind]) == kind


def test_the_samples_conditions_read_back(th):
    for page in SAMPLE["pages"]:
        for q in page["questions"]:
            if q.get("when"):
                rows, joiner = c.from_rule(q["when"], SAMPLE)
                again = c.combine([c.to_rule(c.find_question(SAMPLE, k), op, v)
                                   for k, op, v in rows], joiner)
                assert again == q["when"]
    assert c.describe({">": [{"var": "total"}, 10000]}, SAMPLE) == "รวมเป็นเงิน มากกว่า 10000"


def test_dates_are_told_in_thai(th):
    rule = c.to_rule(BY_KEY["born"], "lt", "1/6/2567")
    assert c.describe(rule, DEFINITION) == "วันเกิด น้อยกว่า 1 มิ.ย. 2567"
    rule = c.to_rule(BY_KEY["disabled"], "eq", "yes")
    assert c.describe(rule, DEFINITION) == "มีความพิการ เท่ากับ ใช่"
    rule = c.to_rule(BY_KEY["items"], "ge", "3")
    assert c.describe(rule, DEFINITION) == "จำนวนแถวของ รายการสิ่งของ มากกว่าหรือเท่ากับ 3"
    assert c.describe(c.to_rule(BY_KEY["needs"], "has", "rice"), DEFINITION) == \
        "สิ่งที่ต้องการ มีตัวเลือก ข้าวสาร"


def test_other_shapes_are_left_to_the_json_editor(th):
    for rule in ({"if": [{"var": "age"}, True, False]},
                 {"==": [{"var": "age"}, {"var": "income"}]},
                 {"and": [{"==": [{"var": "age"}, 1]}, {"if": [True, 1, 2]}]},
                 {"!": {"var": "age"}}, {"==": [1, 1]}, [1, 2]):
        assert c.from_rule(rule, DEFINITION) is None
        assert c.describe(rule, DEFINITION) == "เมื่อเข้าเงื่อนไขที่กำหนด"
    # A shape to_rule makes, but of a question the definition does not
    # have, or not as to_rule writes it (an unguarded "less than").
    assert c.from_rule({"==": [{"var": "gone"}, 1]}, DEFINITION) is None
    assert c.from_rule({"<": [{"var": "age"}, 18]}, DEFINITION) is None
    assert c.from_rule({"<": [{"var": "age"}, 18]}) == ([("age", "lt", "18")], "and")
    assert c.from_rule(None, DEFINITION) == ([], "and")
    assert c.describe(None, DEFINITION) == "แสดงเสมอ"


@pytest.mark.parametrize(("key", "op", "typed", "words"), [
    ("age", "eq", "หกสิบ", "ตัวเลข"),
    ("age", "ge", "", "ตัวเลข"),
    ("income", "gt", "1e999999", "ตัวเลข"),
    ("born", "lt", "31/2/2567", "วันที่"),
    ("born", "lt", "พรุ่งนี้", "วันที่"),
    ("at", "lt", "25:00", "เวลา"),
    ("request_type", "eq", "other", "ไม่ใช่ตัวเลือกของ ประเภทคำขอ"),
    ("needs", "has", "gold", "ไม่ใช่ตัวเลือกของ สิ่งที่ต้องการ"),
    ("disabled", "eq", "maybe", "ใช่ หรือ ไม่ใช่"),
    ("items", "ge", "2.5", "จำนวนแถว"),
    ("items", "ge", "-1", "จำนวนแถว"),
    ("village", "eq", "", "ค่าที่จะเปรียบเทียบ"),
    ("age", "has", "1", "ใช้กับคำถาม อายุ ไม่ได้"),
    ("request_type", "gt", "new", "ใช้กับคำถาม ประเภทคำขอ ไม่ได้"),
    ("home", "eq", "x", "ใช้กับคำถาม ที่อยู่ ไม่ได้"),
    ("age", "like", "1", "ใช้กับคำถาม อายุ ไม่ได้"),
])
def test_bad_values_are_refused_in_thai(th, key, op, typed, words):
    with pytest.raises(ValueError) as caught:
        c.to_rule(BY_KEY[key], op, typed)
    assert words in str(caught.value)


def test_the_questions_a_condition_may_read(th):
    def keys(*args: Any, **kwargs: Any) -> list[str]:
        return [q["key"] for _p, q in c.earlier_questions(DEFINITION, *args, **kwargs)]

    assert keys("request_type") == []
    assert keys("age") == ["request_type"]
    assert keys("village") == ["request_type", "age", "income", "born", "at", "disabled"]
    assert keys("two") == keys("village")  # a page's condition: earlier pages
    assert keys("one") == []
    assert keys("one", new_in_page=True) == keys("village")  # a new question on page one
    everything = keys(None)
    assert "note" not in everything and everything[-1] == "photo"  # no text blocks
    assert keys("two", new_in_page=True) == everything
    pages = {p["key"] for p, _q in c.earlier_questions(DEFINITION, None)}
    assert pages == {"one", "two"}
    assert c.question_choices(c.earlier_questions(DEFINITION, "income")) == [
        ("request_type", "หน้าแรก › ประเภทคำขอ"), ("age", "หน้าแรก › อายุ")]


# ---- Formulas ----------------------------------------------------------------

def test_the_table_total_formula_is_the_samples(th):
    formula = c.to_formula("sum_product", table="items", columns=["qty", "price"])
    assert formula == TOTAL
    assert c.from_formula(TOTAL) == ("sum_product", {"table": "items",
                                                     "columns": ["qty", "price"]})
    assert logic.evaluate(formula, {"items": ROWS3}) == 21
    assert logic.evaluate(formula, {"items": []}) == 0
    assert c.describe_formula(TOTAL, SAMPLE) == \
        "ผลรวมของ จำนวน × ราคาต่อหน่วย ทุกแถวของ รายการสิ่งของ"
    one_column = c.to_formula("sum_product", table="items", columns=["qty"])
    assert logic.problem(one_column) is None
    assert logic.evaluate(one_column, {"items": ROWS3}) == 4
    assert c.from_formula(one_column) == ("sum_product", {"table": "items", "columns": ["qty"]})
    assert c.describe_formula(one_column, SAMPLE) == "ผลรวมของ จำนวน ทุกแถวของ รายการสิ่งของ"


def test_products_and_sums(th):
    price_qty = c.to_formula("product", keys=["income", "age"])
    assert price_qty == {"*": [{"var": "income"}, {"var": "age"}]}
    assert logic.evaluate(price_qty, {"income": 12.5, "age": 4}) == 50
    fee = c.to_formula("product", keys=["age"], constant="1.5")
    assert fee == {"*": [{"var": "age"}, 1.5]}
    assert logic.evaluate(fee, {"age": 10}) == 15
    total = c.to_formula("sum", keys=["age", "income", "total"], constant=50)
    assert logic.evaluate(total, {"age": 1, "income": 2.5, "total": 10}) == 63.5
    for formula in (price_qty, fee, total):
        assert logic.problem(formula) is None
        kind, params = c.from_formula(formula)
        assert c.to_formula(kind, **params) == formula
    assert c.describe_formula(price_qty, DEFINITION) == "รายได้ต่อเดือน × อายุ"
    assert c.describe_formula(fee, DEFINITION) == "อายุ × 1.5"
    assert c.describe_formula(total, DEFINITION) == "อายุ + รายได้ต่อเดือน + รวมเป็นเงิน + 50"


def test_other_formulas_and_bad_picks(th):
    for formula in ({"-": [{"var": "a"}, 1]}, {"*": [2, {"var": "a"}]}, {"+": ["1", {"var": "a"}]},
                    {"reduce": [{"var": "items"}, {"+": [1, {"var": "accumulator"}]}, 0]}, 5,
                    {"*": [{"var": "a"}, True]}, {"+": [{"var": "a"}]}):
        assert c.from_formula(formula) is None
        assert c.describe_formula(formula, DEFINITION) == "สูตรที่กำหนดเป็น JSON"
    for kind, params in (("product", {"keys": ["age"]}), ("sum", {"keys": []}),
                         ("sum_product", {"table": "items", "columns": []}),
                         ("sum_product", {"table": "items", "columns": ["a", "b", "c"]}),
                         ("product", {"keys": ["age"], "constant": "สอง"}),
                         ("divide", {})):
        with pytest.raises(ValueError) as caught:
            c.to_formula(kind, **params)
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in str(caught.value))


def test_what_a_formula_may_read(th):
    picks = c.formula_choices(DEFINITION, "total")
    assert [k for k, _w in picks["numbers"]] == ["age", "income"]
    assert picks["columns"] == [("items.qty", "รายการสิ่งของ › จำนวน"),
                                ("items.price", "รายการสิ่งของ › ราคา")]
    assert [k for k, _w in c.formula_choices(DEFINITION, "two", new_in_page=True)["numbers"]] \
        == ["age", "income", "total"]
