"""The builder's editors as plain forms, usable without JavaScript: a
question (:class:`QuestionForm`), a page (:class:`PageForm`) and a staff
work step (:class:`StepForm`).

Each goes the same way in a view::

    form = QuestionForm()
    prepare(form, definition, key, page_key)   # the selects; key None = new
    if request.method == "POST":
        question = read(form, definition)      # None: errors are on the fields
        if question is not None: ...save it...
    else:
        fill(form, existing_question)          # when editing

``read`` validates the form (its CSRF token too) and gives only the keys
that apply to the chosen type, in the canonical form of a definition (a
false flag or a default left out), so ``read`` of a ``fill``-ed form gives
the question back. Settings of other types are ignored. Messages are Thai.

The page draws only the settings that apply to the type picked
(``form.applies``, from ``APPLIES``); what was typed for other settings
goes along hidden (``form.carried``). Options, columns and outcomes are
rows (:mod:`.editor_rows`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import PortalForm, choose

from . import conditions, logic
from .conditions import editor_value, find_question, number_text, parse_number
from .definition import RESERVED_KEYS, RESERVED_PREFIXES
from .editor_rows import (
    COLUMN_SETTINGS,
    COLUMN_TYPES,
    KEY,
    MAX_OPTIONS,
    SELF,
    RowsField,
    column_rows,
    columns_field,
    columns_text,
    option_rows,
    options_field,
    options_text,
    outcome_rows,
    outcomes_field,
    read_column_rows,
    read_columns,
    read_option_rows,
    read_options,
    read_outcome_rows,
)
from .questions import TEXT_ONLY, TYPE_DESCRIPTIONS, TYPE_NAMES, localised

# The 19 types as the builder names them (questions.TYPE_NAMES), in its order.
QUESTION_TYPES: tuple[tuple[str, Any], ...] = tuple(TYPE_NAMES.items())
FILE_KINDS = (("pdf", "PDF"), ("png", "PNG"), ("jpg", "JPG"))

# What each setting of the question editor applies to.
ANSWERABLE = tuple(t for t, _w in QUESTION_TYPES if t not in TEXT_ONLY)
APPLIES: dict[str, tuple[str, ...]] = {
    "label": tuple(t for t, _w in QUESTION_TYPES if t != "paragraph"),
    "hint": ANSWERABLE,
    "required": tuple(t for t in ANSWERABLE if t != "calculated"),
    "personal": tuple(t for t in ANSWERABLE if t != "calculated"),
    "min": ("number", "money"),
    "max": ("number", "money"),
    "decimals": ("number", "calculated"),
    "max_length": ("text", "textarea"),
    "display": ("choice",),
    "options": ("choice", "multichoice"),
    "kinds": ("file",),
    "columns": ("table",),
    "min_rows": ("table",),
    "max_rows": ("table",),
    "text": ("paragraph",),
    "formula": ("calculated",),
}
LIMITS = {"decimals": (0, 4), "max_length": (1, 5000), "min_rows": (0, 50), "max_rows": (1, 50)}
# The fields of each setting: the editor draws only those of settings that
# apply to the question's type (the others travel hidden, see ``carried``).
SETTING_FIELDS: dict[str, tuple[str, ...]] = {
    "label": ("label_th", "label_en"), "hint": ("hint_th", "hint_en"),
    "text": ("text_th", "text_en"),
    "formula": ("formula_kind", "formula_column", "formula_times_column", "formula_left",
                "formula_right", "formula_keys", "formula_constant", "formula_json"),
    **{name: (name,) for name in APPLIES if name not in ("label", "hint", "text", "formula")},
}
# What a field holds when nothing was set (a hidden copy of it says nothing).
_UNSET: dict[str, Any] = {"display": "radio"}


def applies(setting: str, kind: str | None) -> bool:
    """Whether ``setting`` (a key of APPLIES) applies to the type ``kind``."""
    return kind in APPLIES[setting]


class MultiCheckboxField(SelectMultipleField):
    """Boxes to tick, any number of them."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _picker_select(label: Any, **kwargs: Any) -> SelectField:
    """A select whose choices ``prepare`` gives; checked by ``read``, not
    by WTForms, so a select of a type that does not apply never fails."""
    return SelectField(label, choices=[choose()], validate_choice=False, **kwargs)


class ConditionFields(PortalForm):
    """The condition picker: up to two rows of (question, operator, value)
    joined by and/or, or a JsonLogic condition typed as JSON."""

    when_key_1 = _picker_select(_l("Question"))
    when_op_1 = _picker_select(_l("Comparison"))
    when_value_1 = StringField(_l("Value"), description=_l(
        "A number, a date as 1/6/2567, ใช่ or ไม่ใช่, or an option's value or words. "
        "Leave empty for “is answered”."))
    when_joiner = SelectField(_l("Join the two conditions with"), validate_choice=False,
                              choices=list(conditions.JOINERS), default="and")
    when_key_2 = _picker_select(_l("Question"))
    when_op_2 = _picker_select(_l("Comparison"))
    when_value_2 = StringField(_l("Value"))
    when_json = TextAreaField(_l("Condition in JSON (advanced)"), render_kw={"rows": 4},
                              description=_l(
        "JsonLogic over earlier answers. When filled in, it is used instead of the rows above."))

    condition_rows = (("when_key_1", "when_op_1", "when_value_1"),
                      ("when_key_2", "when_op_2", "when_value_2"))


class QuestionForm(ConditionFields):
    """One question of a definition, any of the 19 types."""

    key = StringField(_l("Question code"), description=_l(
        "Small English letters, digits and _; starts with a letter, such as house_no. "
        "Conditions and exports use it."))
    type = SelectField(_l("Question type"), choices=list(QUESTION_TYPES), default="text")
    label_th = StringField(_l("Question (Thai)"))
    label_en = StringField(_l("Question (English, optional)"))
    hint_th = StringField(_l("Hint (Thai, optional)"))
    hint_en = StringField(_l("Hint (English, optional)"))
    required = BooleanField(_l("An answer is required"))
    personal = BooleanField(_l("The answer identifies a person (erased on a PDPA request)"),
                            description=_l("National ID, phone, e-mail, address and location "
                                           "always are."))
    # Allowed values
    min = StringField(_l("Smallest value"), render_kw={"inputmode": "decimal"})
    max = StringField(_l("Largest value"), render_kw={"inputmode": "decimal"})
    decimals = StringField(_l("Decimal places (0–4)"), render_kw={"inputmode": "numeric"})
    max_length = StringField(_l("Most characters"), render_kw={"inputmode": "numeric"})
    # Choices
    display = SelectField(_l("Show the options as"), default="radio", validate_choice=False,
                          choices=[
        ("radio", _l("Buttons to pick one (radio)")), ("list", _l("A drop-down list"))])
    options = options_field(_l("Options"), description=_l(
        "One option a row. A new option's stored value is made from its English words "
        "(if any); once saved it stays the same when the words change. Empty a row's "
        "words to take the option out."))
    # Files
    kinds = MultiCheckboxField(_l("File kinds allowed"), choices=list(FILE_KINDS),
                               description=_l("None ticked: PDF, PNG and JPG."))
    # Tables
    columns = columns_field(_l("Columns"), description=_l(
        "One column a row. After picking a column's type, press “Add rows” to get the "
        "settings of that type (a choice column's options, a number's limits). Empty a "
        "row's words to take the column out."))
    min_rows = StringField(_l("Fewest rows"), render_kw={"inputmode": "numeric"})
    max_rows = StringField(_l("Most rows (up to 50)"), render_kw={"inputmode": "numeric"})
    # Paragraphs
    text_th = TextAreaField(_l("Text (Thai)"), render_kw={"rows": 5}, description=_l(
        "Plain text; bold, italics, lists, paragraphs and line breaks may be used "
        "(the tags b, i, ul, ol, li, p, br)."))
    text_en = TextAreaField(_l("Text (English, optional)"), render_kw={"rows": 5})
    # Calculated values
    formula_kind = SelectField(_l("How the value is worked out"), validate_choice=False,
                               choices=[choose()] + list(conditions.FORMULA_KINDS))
    formula_column = _picker_select(_l("Table column to add up"))
    formula_times_column = _picker_select(_l("… multiplied by the column (optional)"))
    formula_left = _picker_select(_l("Answer"))
    formula_right = _picker_select(_l("… multiplied by the answer (optional)"))
    formula_keys = MultiCheckboxField(_l("Answers to add up"), choices=[], validate_choice=False)
    formula_constant = StringField(_l("… and the number (optional)"),
                                   description=_l("Multiplied by it (multiply) or added (add up)."),
                                   render_kw={"inputmode": "decimal"})
    formula_json = TextAreaField(_l("Formula in JSON (advanced)"), render_kw={"rows": 4},
                                 description=_l("JsonLogic over earlier answers. When filled in, "
                                                "it is used instead of the picks above."))

    # A column row's type select and the settings of each column type.
    column_types = [(t, TYPE_NAMES[t]) for t in COLUMN_TYPES]
    column_settings = COLUMN_SETTINGS

    def applies(self, setting: str) -> bool:
        """Whether the editor draws ``setting`` for the type picked."""
        return applies(setting, self.type.data)

    def carried(self) -> list[Any]:
        """Fields holding something for settings that do not apply to the
        type picked: drawn as hidden inputs, so changing the type back
        brings them back; saving ignores them."""
        out = []
        for setting, names in SETTING_FIELDS.items():
            if not self.applies(setting):
                out.extend(self[n] for n in names if _holds_something(self[n]))
        return out

    def type_description(self) -> Any:
        return TYPE_DESCRIPTIONS.get(self.type.data, "")


def _holds_something(field: Any) -> bool:
    data = field.data
    return data not in (None, "", [], False) and data != _UNSET.get(field.name)


class PageForm(ConditionFields):
    """A page of the form: its code, title and the condition it shows on."""

    key = StringField(_l("Page code"), description=_l(
        "Small English letters, digits and _; starts with a letter."))
    title_th = StringField(_l("Page title (Thai)"))
    title_en = StringField(_l("Page title (English, optional)"))


class StepForm(PortalForm):
    """A staff work step and its outcomes."""

    code = StringField(_l("Step code"), description=_l(
        "Small English letters, digits and _; starts with a letter."))
    label_th = StringField(_l("Step name (Thai)"))
    label_en = StringField(_l("Step name (English, optional)"))
    outcomes = outcomes_field(_l("Outcomes"), description=_l(
        "What staff decide at this step, one a row, such as อนุมัติ and ส่งกลับแก้ไข. "
        "No outcomes: the step is simply done. Empty a row's words to take it out."))
    when_outcome = _picker_select(_l("Only after the outcome"))
    tells_requester = BooleanField(_l("Tell the requester when this step is done"))
    told_as_th = StringField(_l("What the requester is told (Thai, optional)"))
    told_as_en = StringField(_l("What the requester is told (English, optional)"))


# ---- Helpers ----------------------------------------------------------------

class _Problems:
    def __init__(self) -> None:
        self.found = False

    def add(self, field: Any, message: str) -> None:
        field.errors = [*field.errors, message]
        self.found = True


def _stripped(field: Any) -> str:
    return (field.data or "").strip()


def _text(th_field: Any, en_field: Any) -> dict[str, str]:
    out = {"th": _stripped(th_field)}
    if _stripped(en_field):
        out["en"] = _stripped(en_field)
    return {k: v for k, v in out.items() if v}


def _set_text(th_field: Any, en_field: Any, text: dict[str, str] | None) -> None:
    th_field.data = (text or {}).get("th", "")
    en_field.data = (text or {}).get("en", "")


def _good_key(form_field: Any, taken: Iterable[str], problems: _Problems, *,
              reserved: bool = False) -> str:
    key = _stripped(form_field)
    if not KEY.fullmatch(key):
        problems.add(form_field, _("Use small English letters, digits and _, starting with a "
                                   "letter, at most 40 characters (such as house_no)."))
    elif key in taken:
        problems.add(form_field, _("The code %(key)s is already used here; choose another.",
                                   key=key))
    elif reserved and (key in RESERVED_KEYS or key.startswith(RESERVED_PREFIXES)):
        problems.add(form_field, _("The code %(key)s is kept for the portal's own use; "
                                   "choose another.", key=key))
    return key


def _whole(field: Any, name: str, problems: _Problems) -> int | None:
    raw = _stripped(field)
    if not raw:
        return None
    low, high = LIMITS[name]
    try:
        value = parse_number(raw)
    except ValueError as exc:
        problems.add(field, str(exc))
        return None
    if not isinstance(value, int) or not low <= value <= high:
        problems.add(field, _("Enter a whole number from %(low)s to %(high)s.", low=low,
                              high=high))
        return None
    return value


def _number(field: Any, problems: _Problems) -> int | float | None:
    raw = _stripped(field)
    if not raw:
        return None
    try:
        return parse_number(raw)
    except ValueError as exc:
        problems.add(field, str(exc))
        return None


# ---- Conditions in a form --------------------------------------------------

def _prepare_condition(form: ConditionFields, pairs: list[tuple[dict[str, Any], dict[str, Any]]]
                       ) -> None:
    choices = [choose()] + conditions.question_choices(pairs)
    operators = [choose()] + conditions.operator_choices()
    for key_name, op_name, _value in form.condition_rows:
        form[key_name].choices = choices
        form[op_name].choices = operators
    form.earlier = pairs


def _fill_condition(form: ConditionFields, rule: Any, definition: dict[str, Any]) -> None:
    for names in form.condition_rows:
        for name in names:
            form[name].data = ""
    form.when_joiner.data = "and"
    form.when_json.data = ""
    rows = conditions.from_rule(rule, definition) if rule is not None else ([], "and")
    if rows is None or len(rows[0]) > len(form.condition_rows):
        form.when_json.data = json.dumps(rule, ensure_ascii=False, indent=1)
        return
    picked, joiner = rows
    form.when_joiner.data = joiner
    for (key, op, value), names in zip(picked, form.condition_rows, strict=False):
        for name, data in zip(names, (key, op, value), strict=True):
            form[name].data = data


def _advanced(field: Any, allowed: set[str], problems: _Problems) -> Any:
    """The JSON of an advanced condition or formula, or None when bad."""
    try:
        rule = json.loads(field.data)
    except (ValueError, RecursionError):  # nested deeper than Python reads
        problems.add(field, _("This is not JSON (check brackets, quotes and commas)."))
        return None
    why = logic.problem(rule)
    if why is not None:
        problems.add(field, _("This cannot be used: %(why)s.", why=why))
        return None
    unknown = sorted(logic.reads(rule) - allowed)
    if unknown:
        problems.add(field, _("It reads %(keys)s, which is not a question before this one.",
                              keys=", ".join(unknown)))
        return None
    return rule


def _read_condition(form: ConditionFields, definition: dict[str, Any],
                    problems: _Problems) -> Any:
    allowed = {q["key"]: q for _p, q in getattr(form, "earlier", ())}
    if _stripped(form.when_json):
        return _advanced(form.when_json, set(allowed), problems)
    rules = []
    for key_name, op_name, value_name in form.condition_rows:
        key, op = form[key_name].data or "", form[op_name].data or ""
        value = _stripped(form[value_name])
        if not key and not op and not value:
            continue
        question = allowed.get(key)
        if question is None:
            problems.add(form[key_name], _("Pick a question before this one."))
            continue
        if op not in conditions.BY_CODE:
            problems.add(form[op_name], _("Pick how to compare."))
            continue
        if conditions.BY_CODE[op].needs_value and not value:
            problems.add(form[value_name], _("Enter the value to compare with."))
            continue
        try:
            rules.append(conditions.to_rule(question, op, value))
        except ValueError as exc:
            target = value_name if conditions.BY_CODE[op].needs_value and question.get(
                "type") in conditions.BY_CODE[op].types else op_name
            problems.add(form[target], str(exc))
    joiner = form.when_joiner.data if form.when_joiner.data in ("and", "or") else "and"
    return conditions.combine(rules, joiner)


# ---- Questions ---------------------------------------------------------------

def _place_pairs(definition: dict[str, Any], key: str | None, page_key: str | None
                 ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    if key is not None and find_question(definition, key) is not None:
        return conditions.earlier_questions(definition, key)
    return conditions.earlier_questions(definition, page_key, new_in_page=True)


def prepare(form: QuestionForm, definition: dict[str, Any], key: str | None,
            page_key: str | None = None) -> None:
    """Fill the question editor's selects for the question ``key`` (None:
    a new question at the end of the page ``page_key``): the questions its
    condition and formula may read are the ones before it."""
    pairs = _place_pairs(definition, key, page_key)
    _prepare_condition(form, pairs)
    form.original_key = key if key is not None and find_question(definition, key) else None
    form.page_key = page_key
    form.definition = definition
    picks = conditions.formula_choices(definition, key if form.original_key else page_key,
                                       new_in_page=form.original_key is None)
    numbers, columns = picks["numbers"], picks["columns"]
    form.formula_column.choices = [choose()] + columns
    form.formula_times_column.choices = [("", _l("— not multiplied —"))] + columns
    form.formula_left.choices = [choose()] + numbers
    form.formula_right.choices = [("", _l("— not multiplied —"))] + numbers
    form.formula_keys.choices = numbers


def _original(form: Any, definition: dict[str, Any]) -> dict[str, Any]:
    key = getattr(form, "original_key", None)
    return (find_question(definition, key) if key else None) or {}


def fill(form: Any, item: dict[str, Any], definition: dict[str, Any] | None = None) -> None:
    """Show a question (a page, a step) in its editor, after ``prepare``.
    ``definition`` (for conditions shown as picked rows) defaults to the one
    given to prepare."""
    if isinstance(form, PageForm):
        return fill_page(form, item, definition)
    if isinstance(form, StepForm):
        return fill_step(form, item)
    definition = definition if definition is not None else getattr(form, "definition", {})
    q = item
    form.key.data = q.get("key", "")
    form.type.data = q.get("type", "text")
    _set_text(form.label_th, form.label_en, q.get("label"))
    _set_text(form.hint_th, form.hint_en, q.get("hint"))
    form.required.data = bool(q.get("required"))
    form.personal.data = bool(q.get("personal"))
    for name in ("min", "max", "decimals", "max_length", "min_rows", "max_rows"):
        form[name].data = number_text(q[name]) if q.get(name) is not None else ""
    form.display.data = q.get("display") or "radio"
    form.options.data = option_rows(q.get("options") or [])
    form.kinds.data = list(q.get("kinds") or [])
    form.columns.data = column_rows(q.get("columns") or [])
    _set_text(form.text_th, form.text_en, q.get("text"))
    _fill_formula(form, q.get("formula"), definition)
    _fill_condition(form, q.get("when"), definition)
    return None


def _fill_formula(form: QuestionForm, formula: Any, definition: dict[str, Any]) -> None:
    for name in ("formula_kind", "formula_column", "formula_times_column", "formula_left",
                 "formula_right", "formula_constant", "formula_json"):
        form[name].data = ""
    form.formula_keys.data = []
    if formula is None:
        return
    found = conditions.from_formula(formula)
    shown = False
    if found is not None:
        kind, params = found
        form.formula_kind.data = kind
        if kind == "sum_product":
            table, cols = params["table"], params["columns"]
            form.formula_column.data = f"{table}.{cols[0]}"
            form.formula_times_column.data = f"{table}.{cols[1]}" if len(cols) > 1 else ""
            shown = True
        elif kind == "product" and 1 <= len(params["keys"]) <= 2:
            form.formula_left.data = params["keys"][0]
            form.formula_right.data = params["keys"][1] if len(params["keys"]) > 1 else ""
            shown = True
        elif kind == "sum":
            form.formula_keys.data = list(params["keys"])
            shown = True
        if "constant" in params:
            form.formula_constant.data = number_text(params["constant"])
        # The picks must say exactly the formula (an order they cannot keep,
        # a key they do not offer): otherwise the JSON shows it.
        if shown:
            problems = _Problems()
            try:
                shown = _read_formula_picks(form, problems) == formula and not problems.found
            except ValueError:
                shown = False
            _clear_errors(form)
    if not shown:
        for name in ("formula_kind", "formula_column", "formula_times_column", "formula_left",
                     "formula_right", "formula_constant"):
            form[name].data = ""
        form.formula_keys.data = []
        form.formula_json.data = json.dumps(formula, ensure_ascii=False, indent=1)


def _clear_errors(form: Any) -> None:
    for f in form:
        f.errors = []


def _read_formula_picks(form: QuestionForm, problems: _Problems) -> Any:
    kind = form.formula_kind.data
    columns = {v for v, _w in form.formula_column.choices if v}
    numbers = {v for v, _w in form.formula_left.choices if v}
    constant = None
    if _stripped(form.formula_constant) and kind in ("product", "sum"):
        constant = _number(form.formula_constant, problems)
        if constant is None:
            return None
    if kind == "sum_product":
        first, second = form.formula_column.data or "", form.formula_times_column.data or ""
        if first not in columns:
            problems.add(form.formula_column, _("Pick a number or money column of a table "
                                                "before this question."))
            return None
        if second and (second not in columns or second.split(".")[0] != first.split(".")[0]):
            problems.add(form.formula_times_column, _("Pick a column of the same table."))
            return None
        table = first.split(".")[0]
        cols = [first.split(".", 1)[1]] + ([second.split(".", 1)[1]] if second else [])
        return conditions.to_formula("sum_product", table=table, columns=cols)
    if kind == "product":
        left, right = form.formula_left.data or "", form.formula_right.data or ""
        if left not in numbers:
            problems.add(form.formula_left, _("Pick a number, money or calculated question "
                                              "before this one."))
            return None
        if right and right not in numbers:
            problems.add(form.formula_right, _("Pick a number, money or calculated question "
                                               "before this one."))
            return None
        if not right and constant is None:
            problems.add(form.formula_right, _("Pick a second answer or enter a number."))
            return None
        return conditions.to_formula("product", keys=[left] + ([right] if right else []),
                                     constant=constant)
    if kind == "sum":
        keys = [k for k in form.formula_keys.data or [] if k]
        if any(k not in numbers for k in keys):
            problems.add(form.formula_keys, _("Pick number, money or calculated questions "
                                              "before this one."))
            return None
        if not keys or len(keys) + (constant is not None) < 2:
            problems.add(form.formula_keys, _("Pick two answers, or an answer and a number."))
            return None
        order = [v for v, _w in form.formula_keys.choices]
        picked = [k for k in order if k in keys]  # in the order of the form
        return conditions.to_formula("sum", keys=picked, constant=constant)
    problems.add(form.formula_kind, _("Pick how the value is worked out, or write the formula "
                                      "in JSON."))
    return None


def _read_formula(form: QuestionForm, problems: _Problems) -> Any:
    if _stripped(form.formula_json):
        allowed = {q["key"] for _p, q in getattr(form, "earlier", ())}
        return _advanced(form.formula_json, allowed, problems)
    return _read_formula_picks(form, problems)


def _readers_of(definition: dict[str, Any], key: str) -> list[str]:
    """Questions and pages whose condition or formula reads ``key``."""
    out = []
    for page in definition.get("pages", ()):
        if key in logic.reads(page.get("when")):
            out.append(page["key"])
        for q in page.get("questions", ()):
            if key in logic.reads(q.get("when")) | logic.reads(q.get("formula")):
                out.append(q["key"])
    return out


def read(form: Any, definition: dict[str, Any]) -> dict[str, Any] | None:
    """The question (page, step) the editor says, or None with Thai
    messages on the fields that are wrong. Validates the form first."""
    if isinstance(form, PageForm):
        return read_page(form, definition)
    if isinstance(form, StepForm):
        return read_step(form, definition)
    problems = _Problems()
    if not form.validate():
        problems.found = True
    original = _original(form, definition)
    taken = {q["key"] for _p, q in conditions.all_questions(definition)} - {original.get("key")}
    key = _good_key(form.key, taken, problems, reserved=True)
    kind = form.type.data
    if original and key != original.get("key") and KEY.fullmatch(key or ""):
        readers = _readers_of(definition, original["key"])
        if readers:
            problems.add(form.key, _("The code cannot change: %(keys)s read this question's "
                                     "answer.", keys=", ".join(readers)))
    if kind not in TYPE_NAMES:
        return None

    def applies(setting: str) -> bool:
        return kind in APPLIES[setting]

    q: dict[str, Any] = {"key": key, "type": kind}
    if applies("label"):
        label = _text(form.label_th, form.label_en)
        if "th" not in label:
            problems.add(form.label_th, _("Write the question in Thai."))
        q["label"] = label
    if applies("hint"):
        hint = _text(form.hint_th, form.hint_en)
        if hint:
            q["hint"] = hint
    if applies("required") and form.required.data:
        q["required"] = True
    if applies("personal") and form.personal.data:
        q["personal"] = True
    for name in ("min", "max"):
        if applies(name):
            value = _number(form[name], problems)
            if value is not None:
                q[name] = value
    if "min" in q and "max" in q and q["min"] > q["max"]:
        problems.add(form.max, _("The largest value is less than the smallest."))
    for name in ("decimals", "max_length", "min_rows", "max_rows"):
        if applies(name):
            value = _whole(form[name], name, problems)
            if value is not None:
                q[name] = value
    if "min_rows" in q and "max_rows" in q and q["min_rows"] > q["max_rows"]:
        problems.add(form.max_rows, _("The most rows is less than the fewest."))
    if applies("display") and form.display.data == "list":
        q["display"] = "list"
    if applies("options"):
        options = read_option_rows(form.options, original.get("options") or [])
        problems.found = problems.found or bool(form.options.errors)
        if not options and not form.options.errors:
            problems.add(form.options, _("Give at least one option."))
        q["options"] = options
    if applies("kinds") and form.kinds.data:
        picked = [k for k in form.kinds.data if k in dict(FILE_KINDS)]
        before = original.get("kinds") or []
        if set(picked) == set(before):
            picked = list(before)  # the order it had
        else:
            picked = [k for k, _w in FILE_KINDS if k in picked]
        if picked:
            q["kinds"] = picked
    if applies("columns"):
        columns = read_column_rows(form.columns, original.get("columns") or [])
        problems.found = problems.found or bool(form.columns.errors)
        if not columns and not form.columns.errors:
            problems.add(form.columns, _("Give at least one column."))
        q["columns"] = columns
    if applies("text"):
        text = _text(form.text_th, form.text_en)
        if "th" not in text:
            problems.add(form.text_th, _("Write the text in Thai."))
        q["text"] = text
    if applies("formula"):
        formula = _read_formula(form, problems)
        if formula is not None:
            q["formula"] = formula
    when = _read_condition(form, definition, problems)
    if when is not None:
        q["when"] = when
    return None if problems.found else q


# ---- Pages -------------------------------------------------------------------

def prepare_page(form: PageForm, definition: dict[str, Any], page_key: str | None) -> None:
    """The page editor's selects for the page ``page_key`` (None: a new page
    at the end): its condition may read the questions of earlier pages."""
    pages = [p["key"] for p in definition.get("pages", ())]
    form.original_key = page_key if page_key in pages else None
    form.definition = definition
    _prepare_condition(form, conditions.earlier_questions(definition, form.original_key))


def fill_page(form: PageForm, page: dict[str, Any], definition: dict[str, Any] | None = None
              ) -> None:
    definition = definition if definition is not None else getattr(form, "definition", {})
    form.key.data = page.get("key", "")
    _set_text(form.title_th, form.title_en, page.get("title"))
    _fill_condition(form, page.get("when"), definition)


def read_page(form: PageForm, definition: dict[str, Any]) -> dict[str, Any] | None:
    """The page the editor says (its questions as they were; none for a new
    page), or None with messages on the fields."""
    problems = _Problems()
    if not form.validate():
        problems.found = True
    original_key = getattr(form, "original_key", None)
    pages = definition.get("pages", ())
    taken = {p["key"] for p in pages} - {original_key}
    key = _good_key(form.key, taken, problems)
    title = _text(form.title_th, form.title_en)
    if "th" not in title:
        problems.add(form.title_th, _("Write the page title in Thai."))
    page: dict[str, Any] = {"key": key, "title": title}
    when = _read_condition(form, definition, problems)
    if when is not None:
        page["when"] = when
    before = next((p for p in pages if p["key"] == original_key), None)
    page["questions"] = list(before["questions"]) if before else []
    return None if problems.found else page


# ---- Steps -------------------------------------------------------------------

def prepare_step(form: StepForm, definition: dict[str, Any], code: str | None) -> None:
    """The step editor's select of outcomes the step may follow: those of
    the steps before it (every step, for a new one)."""
    steps = list(definition.get("steps", ()))
    codes = [s["code"] for s in steps]
    form.original_code = code if code in codes else None
    earlier = steps[:codes.index(code)] if form.original_code else steps
    form.when_outcome.choices = [("", _l("— always —"))] + [
        (f"{s['code']}:{o['code']}", f"{localised(s['label'])} → "
                                     f"{localised(o['label'])}")
        for s in earlier for o in s.get("outcomes", ())]
    form.step_codes = codes
    # Where an outcome may send the request back: this step or another.
    form.back_to_choices = [("", _l("— does not go back —")), (SELF, _l("This step"))] + [
        (s["code"], localised(s["label"])) for s in steps if s["code"] != form.original_code]


def fill_step(form: StepForm, step: dict[str, Any]) -> None:
    form.code.data = step.get("code", "")
    _set_text(form.label_th, form.label_en, step.get("label"))
    form.outcomes.data = outcome_rows(step)
    form.when_outcome.data = ":".join(step["when"]) if step.get("when") else ""
    form.tells_requester.data = bool(step.get("tells_requester"))
    _set_text(form.told_as_th, form.told_as_en, step.get("told_as"))


def read_step(form: StepForm, definition: dict[str, Any]) -> dict[str, Any] | None:
    """The step the editor says, or None with messages on the fields."""
    problems = _Problems()
    if not form.validate():
        problems.found = True
    original = getattr(form, "original_code", None)
    codes = [s["code"] for s in definition.get("steps", ())]
    code = _good_key(form.code, set(codes) - {original}, problems)
    label = _text(form.label_th, form.label_en)
    if "th" not in label:
        problems.add(form.label_th, _("Write the step's name in Thai."))
    step: dict[str, Any] = {"code": code, "label": label}
    outcomes = read_outcome_rows(form.outcomes, code, set(codes) - {original})
    problems.found = problems.found or bool(form.outcomes.errors)
    if outcomes:
        step["outcomes"] = outcomes
    after = form.when_outcome.data or ""
    if after:
        if after not in {v for v, _w in form.when_outcome.choices}:
            problems.add(form.when_outcome, _("Pick an outcome of an earlier step."))
        else:
            step["when"] = after.split(":", 1)
    if form.tells_requester.data:
        step["tells_requester"] = True
        told = _text(form.told_as_th, form.told_as_en)
        if told:
            step["told_as"] = told
    return None if problems.found else step


__all__ = [
    "QuestionForm", "PageForm", "StepForm", "QUESTION_TYPES", "APPLIES",
    "prepare", "fill", "read", "prepare_page", "fill_page", "read_page",
    "prepare_step", "fill_step", "read_step", "options_text", "read_options",
    "columns_text", "read_columns", "editor_value", "applies", "SETTING_FIELDS", "RowsField",
    "COLUMN_TYPES", "MAX_OPTIONS", "TYPE_DESCRIPTIONS",
]
