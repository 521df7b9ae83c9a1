"""The builder's condition and formula pickers: what an agency admin picks
in the staff pages (a question, an operator, a value: "ประเภทคำขอ เท่ากับ
ขอใหม่", "อายุ มากกว่าหรือเท่ากับ 60"; "ราคา × จำนวน") made into the
JsonLogic a definition stores, read back for the editor, and told in words.

Conditions read answers as the built form works them out
(``plugins.builder.compile``): numbers as numbers, dates as ISO text, times
as ``HH:MM:SS``, yes/no as ``yes``/``no``, a multiple choice as its list of
values, a table as its rows, a hidden or unanswered question as null. The
engine, like every JsonLogic, reads null as 0 in a comparison (``null < 18``
holds): a comparison that would hold for an unanswered question is written
with "is answered" in front of it, so it holds only for an answer.

Rules of other shapes (hand-written JSON) are fine in a definition; the
editor shows them as JSON (:func:`from_rule` gives None) and
:func:`describe` calls them "เมื่อเข้าเงื่อนไขที่กำหนด".
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.thai import BE_OFFSET, ascii_digits, format_date, parse_date

from . import logic
from .questions import TEXT_ONLY, localised

# ---- Which questions a condition or formula may read ----------------------

NUMBER_TYPES = frozenset({"number", "money", "calculated"})
ORDERED_TYPES = NUMBER_TYPES | {"date", "time"}
# Answers held as a list: "answered" means "not empty".
LIST_TYPES = frozenset({"multichoice", "table"})
ANSWERABLE_TYPES = frozenset({
    "text", "textarea", "number", "money", "date", "time", "choice", "multichoice", "yesno",
    "national_id", "phone", "email", "address", "location", "file", "table", "calculated"})
EQUALITY_TYPES = ORDERED_TYPES | {"choice", "yesno", "text", "table"}


@dataclass(frozen=True)
class Operator:
    """One choice of the condition picker: its code (what the editor posts),
    its words, the JsonLogic operator it writes, and the question types it
    applies to. On a table the comparisons count its filled rows."""

    code: str
    label: Any
    logic: str | None
    types: frozenset[str]
    needs_value: bool = True


OPERATORS: tuple[Operator, ...] = (
    Operator("eq", _l("equals"), "==", EQUALITY_TYPES),
    Operator("ne", _l("does not equal"), "!=", EQUALITY_TYPES),
    Operator("gt", _l("is more than"), ">", ORDERED_TYPES | {"table"}),
    Operator("ge", _l("is at least"), ">=", ORDERED_TYPES | {"table"}),
    Operator("lt", _l("is less than"), "<", ORDERED_TYPES | {"table"}),
    Operator("le", _l("is at most"), "<=", ORDERED_TYPES | {"table"}),
    Operator("has", _l("includes the option"), "in", frozenset({"multichoice"})),
    Operator("answered", _l("is answered"), None, ANSWERABLE_TYPES, needs_value=False),
    Operator("unanswered", _l("is not answered"), None, ANSWERABLE_TYPES, needs_value=False),
)
BY_CODE = {o.code: o for o in OPERATORS}
_BY_LOGIC = {o.logic: o for o in OPERATORS if o.logic and o.code != "has"}
JOINERS = (("and", _l("and")), ("or", _l("or")))
YES_WORDS = ("yes", "y", "ใช่", "true", "1")
NO_WORDS = ("no", "n", "ไม่ใช่", "ไม่", "false", "0")


def operator_choices() -> list[tuple[str, Any]]:
    """(code, words) for the operator select."""
    return [(o.code, o.label) for o in OPERATORS]


def operators_for(question_type: str) -> list[Operator]:
    """The operators that apply to a question type."""
    return [o for o in OPERATORS if question_type in o.types]


def all_questions(definition: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every (page, question) of a definition, in order, text blocks too."""
    return [(page, q) for page in definition.get("pages", ())
            for q in page.get("questions", ())]


def find_question(definition: dict[str, Any], key: str) -> dict[str, Any] | None:
    for _page, q in all_questions(definition):
        if q.get("key") == key:
            return q
    return None


def earlier_questions(definition: dict[str, Any], key_or_page_key: str | None, *,
                      new_in_page: bool = False
                      ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The (page, question) pairs a condition or formula at a place may read,
    in definition order, without headings and paragraphs.

    :param key_or_page_key: a question's key: the questions before it; a
        page's key (a page's own condition): the questions of earlier pages;
        None: every question (a new page goes last).
    :param new_in_page: with a page key, the place of a new question at the
        end of that page: the questions of that page count too.
    A question key is looked for before a page key."""
    pairs = all_questions(definition)
    question_keys = [q.get("key") for _p, q in pairs]
    if key_or_page_key is not None and key_or_page_key in question_keys and not new_in_page:
        pairs = pairs[:question_keys.index(key_or_page_key)]
    elif key_or_page_key is not None:
        pages = [p.get("key") for p in definition.get("pages", ())]
        if key_or_page_key in pages:
            stop = pages.index(key_or_page_key) + (1 if new_in_page else 0)
            allowed = {id(p) for p in definition["pages"][:stop]}
            pairs = [(p, q) for p, q in pairs if id(p) in allowed]
    return [(p, q) for p, q in pairs if q.get("type") not in TEXT_ONLY]


def question_choices(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]
                     ) -> list[tuple[str, str]]:
    """(key, "page › label") for a select of questions."""
    return [(q["key"], f"{localised(p.get('title'))} › {_label(q)}") for p, q in pairs]


def _label(question: dict[str, Any]) -> str:
    text = question.get("label") or {}
    return str(localised(text)) if text.get("th") else question.get("key", "")


# ---- Values as typed in the editor ---------------------------------------

LARGEST = decimal.Decimal(10) ** 15  # a number staff type; JSON keeps it exact


def parse_number(text: str) -> int | float:
    """A number typed by staff (commas, Thai digits) as an int when whole.
    Raises ValueError (Thai) when it is no number."""
    raw = ascii_digits(str(text or "")).strip().replace(",", "").replace(" ", "")
    try:
        value = decimal.Decimal(raw)
    except decimal.InvalidOperation:
        raise ValueError(str(_l("Enter a number, such as 60 or 1250.50."))) from None
    if not value.is_finite() or abs(value) > LARGEST:
        raise ValueError(str(_l("Enter a number, such as 60 or 1250.50.")))
    return int(value) if value == value.to_integral_value() else float(value)


def number_text(value: Any) -> str:
    """A number as the editor shows it: ``60``, ``1250.5``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def parse_be_date(text: str) -> str:
    """``1/6/2567`` (or ``1/6/2024``, or ISO) as ISO ``2024-06-01``."""
    try:
        return parse_date(str(text or "")).isoformat()
    except ValueError:
        raise ValueError(str(_l("Enter a date as day/month/Buddhist year, such as 1/6/2567."))
                         ) from None


def be_date_text(iso: str) -> str:
    """ISO ``2024-06-01`` as the editor shows it: ``1/6/2567``."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day}/{day.month}/{day.year + BE_OFFSET}"


def _parse_time(text: str) -> str:
    m = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?", ascii_digits(str(text or "")).strip())
    try:
        if not m:
            raise ValueError
        return dt.time(int(m[1]), int(m[2]), int(m[3] or 0)).isoformat()
    except ValueError:
        raise ValueError(str(_l("Enter a time as hours:minutes, such as 13:30."))) from None


def _option_value(question: dict[str, Any], text: str) -> str:
    typed = str(text or "").strip()
    options = question.get("options") or ()
    for o in options:
        if o["value"] == typed:
            return o["value"]
    for o in options:
        if typed and typed in (o["label"].get("th"), o["label"].get("en")):
            return o["value"]
    raise ValueError(_("“%(value)s” is not an option of %(question)s. Options: %(options)s.",
                           value=typed, question=_label(question),
                           options=", ".join(f"{o['value']} ({localised(o['label'])})"
                                             for o in options)))


def typed_value(question: dict[str, Any], op: str, text: str) -> Any:
    """The value of a condition row typed for the question it compares."""
    kind = question["type"]
    if kind == "table" or kind in NUMBER_TYPES:
        value = parse_number(text)
        if kind == "table" and (not isinstance(value, int) or value < 0):
            raise ValueError(str(_l("Enter a number of rows: 0 or more.")))
        return value
    if kind == "date":
        return parse_be_date(text)
    if kind == "time":
        return _parse_time(text)
    if kind == "yesno":
        word = str(text or "").strip().lower()
        if word in YES_WORDS:
            return "yes"
        if word in NO_WORDS:
            return "no"
        raise ValueError(str(_l("Enter ใช่ or ไม่ใช่.")))
    if kind in ("choice", "multichoice"):
        return _option_value(question, text)
    value = str(text or "").strip()
    if not value:
        raise ValueError(str(_l("Enter the value to compare with.")))
    if len(value) > 500:
        raise ValueError(str(_l("The value is too long (500 characters at most).")))
    return value


def editor_value(question: dict[str, Any] | None, value: Any) -> str:
    """A stored value as the editor's value box shows it."""
    kind = (question or {}).get("type")
    if value is None:
        return ""
    if kind == "date" and isinstance(value, str):
        try:
            return be_date_text(value)
        except ValueError:
            return value
    if kind == "time" and isinstance(value, str):
        return value[:5] if value.endswith(":00") and len(value) == 8 else value
    if kind == "yesno":
        return {"yes": "ใช่", "no": "ไม่ใช่"}.get(value, str(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(value)
    return str(value)


# ---- Conditions ------------------------------------------------------------

def _var(key: str) -> dict[str, Any]:
    return {"var": key}


def _rows(key: str) -> dict[str, Any]:
    """How many rows a table has (0 when it is unanswered or hidden)."""
    return {"reduce": [_var(key), {"+": [1, {"var": "accumulator"}]}, 0]}


def _answered(key: str, kind: str) -> dict[str, Any]:
    if kind in LIST_TYPES:
        return {"!!": [_var(key)]}
    return {"!==": [_var(key), None]}


def _unanswered(key: str, kind: str) -> dict[str, Any]:
    if kind in LIST_TYPES:
        return {"!": [_var(key)]}
    return {"===": [_var(key), None]}


def to_rule(question: dict[str, Any], op: str, value: str | None = None) -> dict[str, Any]:
    """The JsonLogic of one picked condition on ``question``.

    :param op: a code of :data:`OPERATORS`.
    :param value: as typed in the editor ("60", "1/6/2567", "ใช่", an
        option's value or words); not read for answered/unanswered.
    :raises ValueError: with a Thai message, when the operator does not
        apply to the question or the value is not one it can have."""
    kind = question.get("type")
    key = question["key"]
    operator = BY_CODE.get(op)
    if operator is None or kind not in operator.types:
        raise ValueError(_("“%(op)s” cannot be used with the question %(question)s.",
                               op=operator.label if operator else op, question=_label(question)))
    if op == "answered":
        return _answered(key, kind)
    if op == "unanswered":
        return _unanswered(key, kind)
    typed = typed_value(question, op, value or "")
    if op == "has":
        return {"in": [typed, _var(key)]}
    if kind == "table":
        return {operator.logic: [_rows(key), typed]}
    bare = {operator.logic: [_var(key), typed]}
    # The engine reads null as 0 or "": guard what would hold unanswered.
    if logic.holds(bare, {key: None}):
        return {"and": [_answered(key, kind), bare]}
    return bare


def combine(rules: Sequence[dict[str, Any] | None], joiner: str = "and") -> dict[str, Any] | None:
    """Several conditions as one: all of them (``and``) or any (``or``);
    None for none, the rule itself for one."""
    if joiner not in ("and", "or"):
        raise ValueError(str(_l("Join conditions with and or or.")))
    present = [r for r in rules if r]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return {joiner: list(present)}


Condition = tuple[str, str, str]


def _single(rule: Any) -> tuple[str, str, Any] | None:
    """(key, op, stored value) of one condition shape to_rule makes."""
    if not isinstance(rule, dict) or len(rule) != 1:
        return None
    (name, args), = rule.items()
    if not isinstance(args, list):
        return None
    if name == "and" and len(args) == 2:
        guard, inner = args
        found = _single(inner)
        key = _var_key(inner, 0) if isinstance(inner, dict) else None
        if found and key and guard in (_answered(key, "text"), _answered(key, "table")) \
                and found[1] not in ("answered", "unanswered", "has"):
            return found
        return None
    if name in ("!==", "===") and len(args) == 2 and args[1] is None and _var_key(rule, 0):
        return (_var_key(rule, 0), "answered" if name == "!==" else "unanswered", None)
    if name in ("!!", "!") and len(args) == 1 and _is_var(args[0]):
        return (args[0]["var"], "answered" if name == "!!" else "unanswered", None)
    if name == "in" and len(args) == 2 and isinstance(args[0], str) and _is_var(args[1]):
        return (args[1]["var"], "has", args[0])
    operator = _BY_LOGIC.get(name)
    if operator is None or len(args) != 2 or not _scalar(args[1]):
        return None
    left = args[0]
    if _is_var(left):
        return (left["var"], operator.code, args[1])
    if isinstance(left, dict) and "reduce" in left:
        key = (left["reduce"][0] or {}).get("var") if isinstance(left["reduce"], list) and \
            isinstance(left["reduce"][0], dict) else None
        if isinstance(key, str) and left == _rows(key):
            return (key, operator.code, args[1])
    return None


def _scalar(value: Any) -> bool:
    return value is not None and isinstance(value, str | int | float) and \
        not isinstance(value, bool)


def _is_var(value: Any) -> bool:
    return isinstance(value, dict) and list(value) == ["var"] and \
        isinstance(value["var"], str) and bool(re.fullmatch(r"[a-z][a-z0-9_]{0,39}", value["var"]))


def _var_key(rule: dict[str, Any], index: int) -> str | None:
    (_name, args), = rule.items()
    if isinstance(args, list) and len(args) > index and _is_var(args[index]):
        return args[index]["var"]
    return None


def _readings(rule: Any) -> list[tuple[list[tuple[str, str, Any]], str]]:
    """The ways ``rule`` reads as picked rows: one condition (a guarded
    comparison is one), or several joined by and/or."""
    out = []
    found = _single(rule)
    if found:
        out.append(([found], "and"))
    if isinstance(rule, dict) and len(rule) == 1:
        (name, args), = rule.items()
        if name in ("and", "or") and isinstance(args, list) and len(args) >= 2:
            parts = [_single(a) for a in args]
            if all(parts):
                out.append(([p for p in parts if p], name))
    return out


def _parts(rule: Any) -> tuple[list[tuple[str, str, Any]], str] | None:
    readings = _readings(rule)
    return readings[0] if readings else None


def from_rule(rule: Any, definition: dict[str, Any] | None = None
              ) -> tuple[list[Condition], str] | None:
    """A stored condition as the editor's rows: ([(key, op, value as typed),
    …], joiner), or None when it is not a shape :func:`to_rule` and
    :func:`combine` make (the editor then shows the JSON). No condition
    (None) is ([], "and").

    With ``definition`` the values are shown as typed (``1/6/2567``,
    ``ใช่``), and a rule naming a question it does not have, or that
    to_rule would not write so, gives None: what the rows say is then
    exactly the rule."""
    if rule is None:
        return [], "and"
    readings = _readings(rule)
    if not readings:
        return None
    if definition is None:
        rows, joiner = readings[0]
        return [(k, op, editor_value(None, v)) for k, op, v in rows], joiner
    for rows, joiner in readings:
        out: list[Condition] = []
        questions = [find_question(definition, key) for key, _op, _v in rows]
        if any(q is None for q in questions):
            continue
        out = [(key, op, editor_value(q, value))
               for (key, op, value), q in zip(rows, questions, strict=True)]
        try:
            again = combine([to_rule(q or {}, op, v)
                             for (_k, op, v), q in zip(out, questions, strict=True)], joiner)
        except (ValueError, KeyError):
            continue
        if again == rule:
            return out, joiner
    return None


def _shown_value(question: dict[str, Any] | None, value: Any) -> str:
    kind = (question or {}).get("type")
    if kind in ("choice", "multichoice"):
        for o in (question or {}).get("options") or ():
            if o["value"] == value:
                return str(localised(o["label"]))
    if kind == "date" and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value), "th")
        except ValueError:
            return value
    return editor_value(question, value)


def describe(rule: Any, definition: dict[str, Any]) -> str:
    """A condition in words for people, in the reader's language:
    "ประเภทคำขอ เท่ากับ ต่ออายุ และ อายุ มากกว่าหรือเท่ากับ 60"."""
    if rule is None:
        return str(_l("Always shown"))
    parts = _parts(rule)
    if parts is None:
        return str(_l("When the set condition holds"))
    rows, joiner = parts
    words = []
    for key, op, value in rows:
        question = find_question(definition, key)
        name = _label(question) if question else key
        if question is not None and question.get("type") == "table" and op not in (
                "answered", "unanswered"):
            name = _("the number of rows of %(table)s", table=name)
        text = f"{name} {BY_CODE[op].label}"
        if BY_CODE[op].needs_value:
            text += f" {_shown_value(question, value)}"
        words.append(text)
    return f" {dict(JOINERS)[joiner]} ".join(words)


# ---- Formulas of calculated values ----------------------------------------

FORMULA_KINDS = (
    ("sum_product", _l("Total over a table's rows (a column, or a column × another)")),
    ("product", _l("Multiply (an answer × an answer or a number)")),
    ("sum", _l("Add up answers")),
)
_SUM = {"+": [{"var": "current"}, {"var": "accumulator"}]}


def formula_choices(definition: dict[str, Any], key_or_page_key: str | None, *,
                    new_in_page: bool = False) -> dict[str, list[tuple[str, str]]]:
    """What a formula at a place may read, for the picker's selects:
    ``numbers``: (key, words) of earlier number, money and calculated
    questions; ``columns``: ("table.column", words) of the number and money
    columns of earlier tables."""
    pairs = earlier_questions(definition, key_or_page_key, new_in_page=new_in_page)
    numbers = [(k, w) for (k, w), (_p, q) in zip(question_choices(pairs), pairs, strict=True)
               if q["type"] in NUMBER_TYPES]
    columns = [(f"{q['key']}.{c['key']}", f"{_label(q)} › {localised(c['label'])}")
               for _p, q in pairs if q["type"] == "table"
               for c in q.get("columns", ()) if c.get("type") in ("number", "money")]
    return {"numbers": numbers, "columns": columns}


def to_formula(kind: str, *, table: str | None = None, columns: Sequence[str] = (),
               keys: Sequence[str] = (), constant: int | float | str | None = None
               ) -> dict[str, Any]:
    """A calculated value's JsonLogic from the picker.

    - ``sum_product``: over the rows of ``table``, the first of ``columns``
      (× the second, when there are two), summed;
    - ``product``: the answers ``keys`` multiplied (× ``constant``);
    - ``sum``: the answers ``keys`` added (+ ``constant``).
    A constant may be typed ("1,5", "๒") or a number. Raises ValueError
    (Thai) for a pick that makes no formula."""
    if constant is not None and not isinstance(constant, int | float):
        constant = parse_number(constant) if str(constant).strip() else None
    if kind == "sum_product":
        if not table or not 1 <= len(columns) <= 2:
            raise ValueError(str(_l("Pick a column of a table (and another to multiply it by).")))
        row = {"var": columns[0]} if len(columns) == 1 else \
            {"*": [{"var": columns[0]}, {"var": columns[1]}]}
        return {"reduce": [{"map": [_var(table), row]}, _SUM, 0]}
    if kind in ("product", "sum"):
        factors: list[Any] = [_var(k) for k in keys]
        if constant is not None:
            factors.append(constant)
        if not keys or len(factors) < 2:
            raise ValueError(str(_l("Pick two answers, or an answer and a number.")))
        return {"*" if kind == "product" else "+": factors}
    raise ValueError(str(_l("Pick how the value is worked out.")))


def from_formula(formula: Any) -> tuple[str, dict[str, Any]] | None:
    """(kind, the keyword arguments of :func:`to_formula`) of a formula the
    picker makes, or None for any other (shown as JSON)."""
    if not isinstance(formula, dict) or len(formula) != 1:
        return None
    (name, args), = formula.items()
    if name == "reduce" and isinstance(args, list) and len(args) == 3 \
            and args[1:] == [_SUM, 0] and isinstance(args[0], dict) and "map" in args[0]:
        mapped = args[0]["map"]
        if isinstance(mapped, list) and len(mapped) == 2 and _is_var(mapped[0]):
            row = mapped[1]
            if _is_var(row):
                params = {"table": mapped[0]["var"], "columns": [row["var"]]}
            elif isinstance(row, dict) and list(row) == ["*"] and isinstance(row["*"], list) \
                    and len(row["*"]) == 2 and all(_is_var(v) for v in row["*"]):
                params = {"table": mapped[0]["var"], "columns": [v["var"] for v in row["*"]]}
            else:
                return None
            return ("sum_product", params) if to_formula("sum_product", **params) == formula \
                else None
        return None
    if name in ("*", "+") and isinstance(args, list):
        keys = [a["var"] for a in args if _is_var(a)]
        rest = args[len(keys):]
        if len(rest) > 1 or any(not _is_var(a) for a in args[:len(keys)]) or \
                (rest and not _scalar(rest[0])) or (rest and isinstance(rest[0], str)):
            return None
        params: dict[str, Any] = {"keys": keys}
        if rest:
            params["constant"] = rest[0]
        kind = "product" if name == "*" else "sum"
        try:
            return (kind, params) if to_formula(kind, **params) == formula else None
        except ValueError:
            return None
    return None


def describe_formula(formula: Any, definition: dict[str, Any]) -> str:
    """A formula in words: "ผลรวมของ จำนวน × ราคาต่อหน่วย ทุกแถวของ
    รายการสิ่งของ", "ราคา × จำนวน"; a formula of another shape in general."""
    found = from_formula(formula)
    if found is None:
        return str(_l("A formula set in JSON"))
    kind, params = found

    def name(key: str) -> str:
        q = find_question(definition, key)
        return _label(q) if q else key

    if kind == "sum_product":
        table = find_question(definition, params["table"]) or {}
        labels = {c["key"]: str(localised(c["label"])) for c in table.get("columns", ())}
        row = " × ".join(labels.get(c, c) for c in params["columns"])
        return _("the total of %(row)s over the rows of %(table)s", row=row,
                     table=name(params["table"]))
    parts = [name(k) for k in params["keys"]]
    if "constant" in params:
        parts.append(number_text(params["constant"]))
    return (" × " if kind == "product" else " + ").join(parts)


__all__ = [
    "OPERATORS", "Operator", "JOINERS", "FORMULA_KINDS", "operator_choices", "operators_for",
    "earlier_questions", "question_choices", "formula_choices", "find_question",
    "to_rule", "combine", "from_rule", "describe", "typed_value", "editor_value",
    "to_formula", "from_formula", "describe_formula", "parse_number", "parse_be_date",
]
