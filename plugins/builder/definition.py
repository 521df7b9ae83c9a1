"""Whether a definition (docs/service-definition.schema.json) may be used,
and the definition with its defaults filled in.

The JSON Schema says the shape; this module adds what a schema cannot say
(unique keys, conditions and formulas that read only earlier answers, no
cycles, the limits) and turns every refusal into a message in the admin's
language that names the question, page or step it is about: never a raw
message of jsonschema or of the JsonLogic engine. docs/service-builder.md
("What a definition may hold") lists the checks and why they exist.

    problems(raw)   -> [Problem(where, message), ...]   (empty: valid)
    load(raw)       -> the definition with defaults, or DefinitionError
    questions(defn) -> [(page, question), ...] in page order
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_pgettext
from jsonschema import Draft202012Validator

from portal.i18n import show_date

from . import logic
from .questions import PERSONAL_TYPES, TEXT_ONLY

# Shipped with the plugin (docs/ links to it): an install without the
# repository's docs still checks definitions.
SCHEMA_PATH = Path(__file__).resolve().parent / "service-definition.schema.json"

MAX_DEFINITION_BYTES = 256 * 1024  # of the JSON text, UTF-8
MAX_QUESTIONS = 200                 # in all pages, each table column counted as one
MAX_PAGES = 20                      # also in the schema (pages.maxItems)

# Names the request form already uses (the identity block, the core's own
# fields, WTForms' and BuiltForm's attributes): a question of that key
# would replace them. tests/builder/test_definition.py checks that every
# public attribute of a built form is in here.
RESERVED_KEYS = frozenset({
    "national_id", "phone", "title", "first_name", "last_name", "email", "version", "submit",
    "captcha", "altcha", "channel", "confirm", "csrf_token",
    "applicant_fields", "data", "errors", "form_errors", "hidden_tag", "is_submitted", "meta",
    "populate_obj", "post_process", "process", "validate", "validate_on_submit",
    "work_out", "plan", "layout", "placed_names", "conditional_names", "hidden_names",
    "definition",
})
# file_<key> is a file slot's field; validate_<key> an inline validator.
RESERVED_PREFIXES = ("file_", "validate_")

QUESTION_TYPES = ("text", "textarea", "number", "money", "date", "time", "choice",
                  "multichoice", "yesno", "national_id", "phone", "email", "address",
                  "location", "file", "table", "calculated", "heading", "paragraph")
FILE_KINDS = ("pdf", "png", "jpg")
DEFAULT_DECIMALS = {"number": 0, "money": 2, "calculated": 2}
DEFAULT_TARGET_DAYS = 5
DEFAULT_MAX_ROWS = 10


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition.

    :param where: the key of the question (a table's, for its columns), page
        or step (its code) it is about; "" for the whole definition.
    :param message: what is wrong, already in the reader's language.
    """

    where: str
    message: str


class DefinitionError(ValueError):
    """A definition that may not be used; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# ---------------------------------------------------------------- entry points

def problems(raw: Any) -> list[Problem]:
    """Everything wrong with ``raw`` (a definition, or its JSON text), in
    definition order; an empty list when it may be used."""
    data, found = _parse(raw)
    if found:
        return found
    return _check(data)


def load(raw: Any) -> dict[str, Any]:
    """The definition with its defaults filled in (a copy), or
    :class:`DefinitionError` with all its problems. ``raw`` is the
    definition or its JSON text (``str``/``bytes``, at most
    :data:`MAX_DEFINITION_BYTES`)."""
    data, found = _parse(raw)
    if not found:
        found = _check(data)
    if found:
        raise DefinitionError(found)
    return with_defaults(data)


def questions(defn: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(page, question) of every question of a loaded definition, in page
    order; headings and paragraphs included (``questions.TEXT_ONLY``)."""
    return [(page, q) for page in defn.get("pages", ()) for q in page.get("questions", ())]


def with_defaults(defn: dict[str, Any]) -> dict[str, Any]:
    """A copy of a valid definition with what it leaves out filled in. A
    question whose type always identifies a person is ``personal``."""
    out = copy.deepcopy(defn)
    for name, value in (("target_days", DEFAULT_TARGET_DAYS), ("target_minutes", None),
                        ("guest_allowed", False), ("urgent", False), ("open311", False),
                        ("one_per_national_id", False), ("opens_on", None),
                        ("closes_on", None), ("max_submissions", None), ("steps", [])):
        out.setdefault(name, value)
    for page in out["pages"]:
        page.setdefault("when", None)
        for q in page["questions"]:
            kind = q["type"]
            q.setdefault("required", False)
            q.setdefault("when", None)
            q.setdefault("personal", False)
            if kind in PERSONAL_TYPES:
                q["personal"] = True
            if kind in DEFAULT_DECIMALS:
                q.setdefault("decimals", DEFAULT_DECIMALS[kind])
            if kind == "choice":
                q.setdefault("display", "radio")
            elif kind == "file":
                q.setdefault("kinds", list(FILE_KINDS))
            elif kind == "table":
                q.setdefault("min_rows", 0)
                q.setdefault("max_rows", DEFAULT_MAX_ROWS)
                for column in q["columns"]:
                    column.setdefault("required", False)
                    if column["type"] in ("number", "money"):
                        column.setdefault("decimals", DEFAULT_DECIMALS[column["type"]])
    for step in out["steps"]:
        step.setdefault("outcomes", [])
        step.setdefault("when", None)
        step.setdefault("tells_requester", False)
        for outcome in step["outcomes"]:
            outcome.setdefault("back_to", None)
    return out


# ---------------------------------------------------------------- parsing

class _NotJSON(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            raise _NotJSON(name)
        out[name] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity: not JSON


def _parse(raw: Any) -> tuple[Any, list[Problem]]:
    """The definition as data, or the problems that stop it being read."""
    if isinstance(raw, str | bytes | bytearray):
        size = len(raw) if not isinstance(raw, str) or len(raw) > MAX_DEFINITION_BYTES \
            else len(raw.encode("utf-8", "surrogatepass"))
        if size > MAX_DEFINITION_BYTES:
            return None, [_too_big(size)]
        try:
            return json.loads(raw, object_pairs_hook=_pairs, parse_constant=_no_constant), []
        except _NotJSON as exc:
            return None, [Problem("", _("The file holds the name «%(name)s» twice in one "
                                        "object.", name=_shown(exc.args[0])))]
        except json.JSONDecodeError as exc:
            return None, [Problem("", _("The file is not valid JSON (line %(line)s, column "
                                        "%(column)s).", line=exc.lineno, column=exc.colno))]
        except (ValueError, RecursionError):
            return None, [Problem("", _("The file is not valid JSON."))]
    try:
        size = len(json.dumps(raw, ensure_ascii=False, allow_nan=False,
                              separators=(",", ":")).encode("utf-8", "surrogatepass"))
    except (TypeError, ValueError, RecursionError):
        return None, [Problem("", _("The definition holds values that are not JSON data."))]
    if size > MAX_DEFINITION_BYTES:
        return None, [_too_big(size)]
    return raw, []


def _too_big(size: int) -> Problem:
    return Problem("", _("The definition is %(size)s KiB; it may be at most %(max)s KiB.",
                         size=-(-size // 1024), max=MAX_DEFINITION_BYTES // 1024))


# ---------------------------------------------------------------- checking

@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# Problems told at most: a file of 130,000 wrong items must not take the
# server a minute and a page of 130,000 lines to refuse.
MAX_PROBLEMS = 50
# Lists longer than this are refused before anything reads their items.
_LIST_LIMITS = {"pages": MAX_PAGES, "questions": 100, "options": 200, "columns": 10,
                "steps": 30, "outcomes": 10}


def _oversized(data: Any) -> list[Problem]:
    """Lists far longer than the schema allows, found without reading
    their items (walked without recursion: nesting is bounded by size)."""
    found = []
    stack = [data]
    while stack and len(found) < MAX_PROBLEMS:
        node = stack.pop()
        if isinstance(node, dict):
            for name, value in node.items():
                if isinstance(value, list) and name in _LIST_LIMITS \
                        and len(value) > _LIST_LIMITS[name]:
                    found.append(Problem("", _(
                        "A list «%(name)s» has %(n)s items; it may have at most %(max)s.",
                        name=name, n=len(value), max=_LIST_LIMITS[name])))
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return found


def _check(data: Any) -> list[Problem]:
    too_long = _oversized(data)
    if too_long:
        return too_long
    found: list[tuple[tuple[int, ...], Problem]] = []
    for error in islice(_validator().iter_errors(data), MAX_PROBLEMS):
        path = list(error.absolute_path)
        for problem in _schema_problems(data, path, error):
            found.append((_order(data, path), problem))
    if isinstance(data, dict):
        found.extend((_order(data, path), problem) for path, problem in _Rules(data).run())
    found.sort(key=lambda item: item[0])
    seen: set[Problem] = set()
    out = []
    for _order_key, problem in found:
        if problem not in seen:
            seen.add(problem)
            out.append(problem)
    return out[:MAX_PROBLEMS]


def _order(data: Any, path: list[Any] | tuple[Any, ...]) -> tuple[int, ...]:
    """Where ``path`` is in the document, as a sortable tuple: the position
    of each name in its object, of each item in its list."""
    out = []
    node = data
    for part in path:
        if isinstance(node, dict):
            names = list(node)
            out.append(names.index(part) if part in node else len(names))
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            out.append(part)
            node = node[part] if 0 <= part < len(node) else None
        else:
            out.append(0)
            node = None
    return tuple(out)


# What each setting is called in messages.
FIELD_NAMES: dict[str, Any] = {
    "format": lazy_pgettext("definition setting", "format"),
    "format_version": lazy_pgettext("definition setting", "format version"),
    "slug": lazy_pgettext("definition setting", "web name"),
    "title": lazy_pgettext("definition setting", "title"),
    "description": lazy_pgettext("definition setting", "description"),
    "ref_prefix": lazy_pgettext("definition setting", "reference prefix"),
    "target_days": lazy_pgettext("definition setting", "target in working days"),
    "target_minutes": lazy_pgettext("definition setting", "target in minutes"),
    "guest_allowed": lazy_pgettext("definition setting", "guests allowed"),
    "urgent": lazy_pgettext("definition setting", "urgent"),
    "open311": lazy_pgettext("definition setting", "offered over Open311"),
    "one_per_national_id": lazy_pgettext("definition setting", "one request per national ID"),
    "opens_on": lazy_pgettext("definition setting", "opening date"),
    "closes_on": lazy_pgettext("definition setting", "closing date"),
    "max_submissions": lazy_pgettext("definition setting", "most submissions"),
    "source": lazy_pgettext("definition setting", "source of the questions"),
    "pages": lazy_pgettext("definition setting", "pages"),
    "steps": lazy_pgettext("definition setting", "work steps"),
    "key": lazy_pgettext("definition setting", "key"),
    "questions": lazy_pgettext("definition setting", "questions"),
    "when": lazy_pgettext("definition setting", "condition"),
    "type": lazy_pgettext("definition setting", "type"),
    "label": lazy_pgettext("definition setting", "label"),
    "hint": lazy_pgettext("definition setting", "hint"),
    "required": lazy_pgettext("definition setting", "required"),
    "personal": lazy_pgettext("definition setting", "personal data"),
    "max_length": lazy_pgettext("definition setting", "longest answer"),
    "min": lazy_pgettext("definition setting", "lowest value"),
    "max": lazy_pgettext("definition setting", "highest value"),
    "decimals": lazy_pgettext("definition setting", "decimal places"),
    "display": lazy_pgettext("definition setting", "display"),
    "options": lazy_pgettext("definition setting", "options"),
    "kinds": lazy_pgettext("definition setting", "file kinds"),
    "columns": lazy_pgettext("definition setting", "columns"),
    "min_rows": lazy_pgettext("definition setting", "fewest rows"),
    "max_rows": lazy_pgettext("definition setting", "most rows"),
    "formula": lazy_pgettext("definition setting", "formula"),
    "text": lazy_pgettext("definition setting", "text"),
    "value": lazy_pgettext("definition setting", "value"),
    "code": lazy_pgettext("definition setting", "code"),
    "outcomes": lazy_pgettext("definition setting", "outcomes"),
    "back_to": lazy_pgettext("definition setting", "back to step"),
    "tells_requester": lazy_pgettext("definition setting", "tells the requester"),
    "told_as": lazy_pgettext("definition setting", "heading for the requester"),
    "th": lazy_pgettext("definition setting", "Thai text"),
    "en": lazy_pgettext("definition setting", "English text"),
}

_KINDS: dict[str, Any] = {
    "object": lazy_pgettext("JSON value", "a group of settings {…}"),
    "array": lazy_pgettext("JSON value", "a list […]"),
    "string": lazy_pgettext("JSON value", "text"),
    "integer": lazy_pgettext("JSON value", "a whole number"),
    "number": lazy_pgettext("JSON value", "a number"),
    "boolean": lazy_pgettext("JSON value", "true or false"),
    "null": lazy_pgettext("JSON value", "null (nothing)"),
}


def _shown(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _text_of(value: Any) -> str:
    """The Thai of a ``{"th": ...}`` text, shortened, or ""."""
    if isinstance(value, dict) and isinstance(value.get("th"), str):
        return _shown(value["th"].strip(), 50)
    return ""


def _field_name(name: Any) -> str:
    known = FIELD_NAMES.get(name) if isinstance(name, str) else None
    return str(known) if known is not None else f"«{_shown(name)}»"


def _field(tail: list[Any]) -> str:
    """``label (label.th)``: the setting a path ends in, named for people."""
    names = [p for p in tail if isinstance(p, str)]
    if not names:
        return ""
    raw = ".".join(str(p) for p in tail)
    return _("%(name)s (%(path)s)", name=_field_name(names[0]), path=raw)


def _who_question(q: Any, number: int, page: Any) -> str:
    q = q if isinstance(q, dict) else {}
    key, label = q.get("key"), _text_of(q.get("label"))
    if not isinstance(key, str):
        return _("Question %(n)s on %(page)s", n=number, page=_who_page(page, None))
    if q.get("type") == "heading":
        return _("Heading «%(label)s» (%(key)s)", label=label, key=key) if label \
            else _("Heading %(key)s", key=key)
    if q.get("type") == "paragraph":
        return _("Paragraph %(key)s", key=key)
    return _("Question «%(label)s» (%(key)s)", label=label, key=key) if label \
        else _("Question %(key)s", key=key)


def _who_page(page: Any, number: int | None) -> str:
    page = page if isinstance(page, dict) else {}
    key, title = page.get("key"), _text_of(page.get("title"))
    if isinstance(key, str):
        return _("Page «%(title)s» (%(key)s)", title=title, key=key) if title \
            else _("Page %(key)s", key=key)
    return _("Page %(n)s", n=number) if number is not None else "?"


def _who_step(step: Any, number: int) -> str:
    step = step if isinstance(step, dict) else {}
    code, label = step.get("code"), _text_of(step.get("label"))
    if isinstance(code, str):
        return _("Work step «%(label)s» (%(code)s)", label=label, code=code) if label \
            else _("Work step %(code)s", code=code)
    return _("Work step %(n)s", n=number)


def _said(who: str, what: str) -> str:
    return _("%(who)s: %(what)s", who=who, what=what) if who else what


def _locate(data: Any, path: list[Any]) -> tuple[str, str, list[Any]]:
    """(where, who, the rest of the path) for a path into the definition:
    the question, column, option, page, step or outcome it is in."""
    where, who, rest = "", "", list(path)

    def at(node: Any, i: int) -> Any:
        return node[i] if isinstance(node, list) and isinstance(i, int) \
            and 0 <= i < len(node) else None

    if len(path) >= 2 and path[0] == "pages":
        page = at(data.get("pages"), path[1])
        where = page["key"] if isinstance(page, dict) and isinstance(page.get("key"), str) \
            else ""
        who, rest = _who_page(page, path[1] + 1), path[2:]
        if len(path) >= 4 and path[2] == "questions":
            q = at(page.get("questions") if isinstance(page, dict) else None, path[3])
            if isinstance(q, dict) and isinstance(q.get("key"), str):
                where = q["key"]
            who, rest = _who_question(q, path[3] + 1, page), path[4:]
            if len(path) >= 6 and path[4] in ("columns", "options"):
                item = at(q.get(path[4]) if isinstance(q, dict) else None, path[5])
                item = item if isinstance(item, dict) else {}
                if path[4] == "columns":
                    name = item.get("key") if isinstance(item.get("key"), str) \
                        else str(path[5] + 1)
                    who = _("%(question)s, column %(column)s", question=who, column=name)
                    rest = path[6:]
                    if len(path) >= 8 and path[6] == "options":
                        option = at(item.get("options"), path[7])
                        who = _option_who(who, option, path[7])
                        rest = path[8:]
                else:
                    who, rest = _option_who(who, item, path[5]), path[6:]
    elif len(path) >= 2 and path[0] == "steps":
        step = at(data.get("steps"), path[1])
        if isinstance(step, dict) and isinstance(step.get("code"), str):
            where = step["code"]
        who, rest = _who_step(step, path[1] + 1), path[2:]
        if len(path) >= 4 and path[2] == "outcomes":
            outcome = at(step.get("outcomes") if isinstance(step, dict) else None, path[3])
            code = outcome.get("code") if isinstance(outcome, dict) else None
            who = _("%(step)s, outcome %(code)s", step=who,
                    code=code if isinstance(code, str) else path[3] + 1)
            rest = path[4:]
    return where, who, rest


def _option_who(who: str, option: Any, index: int) -> str:
    value = option.get("value") if isinstance(option, dict) else None
    return _("%(question)s, option %(value)s", question=who,
             value=_shown(value) if isinstance(value, str) else index + 1)


def _schema_problems(data: Any, path: list[Any], error: Any) -> Iterator[Problem]:
    """The schema's complaint as messages for people (never its English)."""
    if not path and error.validator == "type":
        yield Problem("", _("A definition must be a JSON object {…}."))
        return
    where, who, tail = _locate(data if isinstance(data, dict) else {}, path)
    field = _field(tail)
    if not who and not field:
        who = _("The service definition")
    last = next((p for p in reversed(tail) if isinstance(p, str)), None)
    value = error.instance
    kind, expected = error.validator, error.validator_value

    def say(what: str) -> Problem:
        return Problem(where, _said(who, what))

    if kind == "required":
        for name in expected:
            if isinstance(value, dict) and name not in value:
                yield say(_("%(field)s is missing", field=_field(tail + [name])))
        return
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [n for n in value if n not in known] if isinstance(value, dict) else []
        names = ", ".join(f"«{_shown(n)}»" for n in extra)
        yield say(_("%(field)s has settings this format does not know: %(names)s",
                    field=field, names=names) if field else
                  _("has settings this format does not know: %(names)s", names=names))
        return
    if kind == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        if "object" in kinds and "th" in error.schema.get("properties", {}):
            shape = _('a text {"th": "…", "en": "…"}')
        else:
            shape = _(" or ").join(str(_KINDS.get(k, k)) for k in kinds)
        yield say(_("%(field)s must be %(kind)s", field=field, kind=shape) if field else
                  _("must be %(kind)s", kind=shape))
        return
    shown = _shown(value)
    if kind == "enum":
        allowed = ", ".join(str(v) for v in expected)
        if last == "type" and "calculated" in expected:
            yield say(_("the type «%(value)s» is not a question type the portal knows "
                        "(%(known)s)", value=shown, known=allowed))
        elif last == "type":
            yield say(_("the column type «%(value)s» is not one of %(known)s",
                        value=shown, known=allowed))
        else:
            yield say(_("%(field)s «%(value)s» is not one of %(known)s", field=field,
                        value=shown, known=allowed))
        return
    if kind == "const":
        if path == ["format"]:
            yield say(_("This is not a service definition of this portal (%(field)s must be "
                        "«%(value)s»).", field=field, value=expected))
        elif path == ["format_version"]:
            yield say(_("%(field)s %(value)s is not one this portal reads (%(known)s).",
                        field=field, value=shown, known=expected))
        else:
            yield say(_("%(field)s must be «%(value)s»", field=field, value=expected))
        return
    if kind == "pattern":
        if last in ("key", "code"):
            rule = _("start with a small English letter and hold only a–z, 0–9 and _, "
                     "at most 40 characters")
        elif last == "slug":
            rule = _("start with a small English letter and hold only a–z, 0–9 and -, "
                     "2 to 24 characters")
        elif last == "ref_prefix":
            rule = _("be 1 to 4 capital letters A–Z or digits")
        elif last == "value":
            rule = _("hold only A–Z, a–z, 0–9, _ and -, 1 to 40 characters")
        else:
            rule = _("be written in the right form")
        yield say(_("%(field)s «%(value)s» must %(rule)s", field=field, value=shown,
                    rule=rule))
        return
    if kind == "format":
        yield say(_("%(field)s «%(value)s» is not a date (year-month-day, such as "
                    "2026-12-31)", field=field, value=shown))
        return
    if kind == "minLength":
        yield say(_("%(field)s is empty", field=field))
        return
    if kind == "maxLength":
        yield say(_("%(field)s is longer than %(n)s characters", field=field, n=expected))
        return
    if kind == "minimum":
        yield say(_("%(field)s must be at least %(n)s", field=field, n=expected))
        return
    if kind == "maximum":
        yield say(_("%(field)s must be at most %(n)s", field=field, n=expected))
        return
    if kind == "minItems":
        if last == "options":
            yield say(_("has no options"))
        elif last == "kinds":
            yield say(_("lists no file kinds"))
        elif last == "columns":
            yield say(_("has no columns"))
        elif last == "pages":
            yield say(_("The definition has no pages."))
        elif last == "when":
            yield say(_("%(field)s must be [step code, outcome code]", field=field))
        else:
            yield say(_("%(field)s must hold at least %(n)s items", field=field, n=expected))
        return
    if kind == "maxItems":
        if path == ["pages"]:
            yield say(_("The definition has %(n)s pages; it may have at most %(max)s.",
                        n=len(value), max=expected))
        elif last == "when":
            yield say(_("%(field)s must be [step code, outcome code]", field=field))
        else:
            yield say(_("%(field)s holds %(n)s items; at most %(max)s are allowed",
                        field=field, n=len(value), max=expected))
        return
    if kind == "uniqueItems":
        yield say(_("%(field)s lists the same item twice", field=field))
        return
    yield say(_("%(field)s is not valid", field=field) if field else _("is not valid"))


# ---------------------------------------------------------------- the rules a schema cannot say

def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass
class _Entry:
    page_index: int
    index: int         # within its page
    position: int      # in the whole definition
    page: dict[str, Any]
    q: dict[str, Any]

    @property
    def key(self) -> str | None:
        key = self.q.get("key")
        return key if isinstance(key, str) else None

    @property
    def kind(self) -> str | None:
        kind = self.q.get("type")
        return kind if kind in QUESTION_TYPES else None

    @property
    def path(self) -> tuple[Any, ...]:
        return ("pages", self.page_index, "questions", self.index)

    @property
    def who(self) -> str:
        return _who_question(self.q, self.index + 1, self.page)


Found = tuple[tuple[Any, ...], Problem]

# The schema's ``key`` pattern, for a setting that names a question.
KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")

# logic.problem()'s English reasons, for the message that replaces each.
_LOGIC_REASONS = (
    (re.compile(r"^operator (.+) is not allowed$"), "operator"),
    (re.compile(r"^nested deeper than"), "depth"),
    (re.compile(r"^more than \d+ parts"), "size"),
    (re.compile(r"^a text value is longer"), "long_text"),
    (re.compile(r"^an operator object has exactly one key"), "one_key"),
)


class _Rules:
    """The checks beyond the schema, over a definition that may be broken
    anywhere: whatever is not of the right shape is left to the schema."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.pages = [p for p in _items(data.get("pages")) if isinstance(p, dict)]
        self.entries: list[_Entry] = []
        for pi, page in enumerate(_items(data.get("pages"))):
            if not isinstance(page, dict):
                continue
            for qi, q in enumerate(_items(page.get("questions"))):
                if isinstance(q, dict):
                    self.entries.append(_Entry(pi, qi, len(self.entries), page, q))
        self.by_key: dict[str, _Entry] = {}
        for entry in self.entries:
            if entry.key is not None:
                self.by_key.setdefault(entry.key, entry)
        self.page_keys = {p["key"] for p in self.pages if isinstance(p.get("key"), str)}
        self.columns: dict[str, _Entry] = {}
        for entry in self.entries:
            if entry.kind == "table":
                for column in _items(entry.q.get("columns")):
                    key = _dict(column).get("key")
                    if isinstance(key, str):
                        self.columns.setdefault(key, entry)

    def run(self) -> Iterator[Found]:
        yield from self._limits()
        yield from self._dates()
        yield from self._who_sends()
        yield from self._one_per()
        yield from self._pages()
        for entry in self.entries:
            yield from self._question(entry)
        yield from self._steps()

    # -- the whole definition

    def _limits(self) -> Iterator[Found]:
        count = sum(1 + len(_items(e.q.get("columns"))) for e in self.entries)
        if count > MAX_QUESTIONS:
            yield (), Problem("", _("The definition has %(n)s questions (each column of a "
                                    "table counts as one); it may have at most %(max)s.",
                                    n=count, max=MAX_QUESTIONS))

    def _who_sends(self) -> Iterator[Found]:
        if self.data.get("one_per_national_id") and self.data.get("open311"):
            # A program sends Open311 requests: no person signs in.
            yield ("one_per_national_id",), Problem("", _(
                "One request per national ID needs people to sign in: it cannot be "
                "offered through Open311."))
        if self.data.get("one_per_national_id") and self.data.get("guest_allowed"):
            # A guest gives no national ID: one request per person needs sign-in.
            yield ("one_per_national_id",), Problem("", _(
                "One request per national ID needs people to sign in: it cannot be "
                "combined with sending without an account."))

    def _one_per(self) -> Iterator[Found]:
        key = self.data.get("one_per_national_id")
        if not isinstance(key, str) or not KEY.fullmatch(key):
            return  # true, false, or not a key (the schema says so)
        e = self.by_key.get(key)
        if e is None:
            yield ("one_per_national_id",), Problem("", _(
                "One request per national ID names the question «%(key)s», which the form "
                "does not have.", key=key))
            return

        def say(what: str) -> Found:
            return ("one_per_national_id",), Problem(key, _said(e.who, what))

        if e.q.get("type") != "national_id":
            yield say(_("one request per national ID counts this question's answer, so it "
                        "must be a national ID question"))
            return
        if not e.q.get("required"):
            yield say(_("one request per national ID counts this answer, so it must be "
                        "required"))
        if e.q.get("when") is not None or e.page.get("when") is not None:
            yield say(_("one request per national ID counts this answer, so it may not be "
                        "under a condition (its own or its page's): a hidden answer would "
                        "let the same person in twice"))

    def _dates(self) -> Iterator[Found]:
        opens, closes = self.data.get("opens_on"), self.data.get("closes_on")
        try:
            first, last = dt.date.fromisoformat(opens), dt.date.fromisoformat(closes)
        except (TypeError, ValueError):
            return  # missing, or not a date (the schema says so)
        if first > last:
            yield ("closes_on",), Problem("", _(
                "The service closes (%(closes)s) before it opens (%(opens)s).",
                closes=show_date(last), opens=show_date(first)))

    # -- pages

    def _pages(self) -> Iterator[Found]:
        seen: dict[str, int] = {}
        for pi, page in enumerate(_items(self.data.get("pages"))):
            if not isinstance(page, dict):
                continue
            key = page.get("key")
            who = _who_page(page, pi + 1)
            if isinstance(key, str):
                if key in seen:
                    other = _items(self.data["pages"])[seen[key]]
                    yield ("pages", pi, "key"), Problem(key, _said(who, _(
                        "the key «%(key)s» is already used by %(other)s", key=key,
                        other=_who_page(other, seen[key] + 1))))
                else:
                    seen[key] = pi
            rule = page.get("when")
            if isinstance(rule, dict):
                first = next((e.position for e in self.entries if e.page_index >= pi),
                             len(self.entries))
                yield from self._rule(rule, ("pages", pi, "when"),
                                      key if isinstance(key, str) else "", who,
                                      _("the condition"), own=None, before=first, page=True)

    # -- questions

    def _question(self, e: _Entry) -> Iterator[Found]:
        key, q, kind, who = e.key, e.q, e.kind, e.who
        where = key or ""

        def say(field: str, what: str) -> Found:
            return (*e.path, field), Problem(where, _said(who, what))

        if key is not None:
            first = self.by_key[key]
            if first is not e:
                yield say("key", _("the key «%(key)s» is already used by %(other)s on %(page)s",
                                   key=key, other=first.who,
                                   page=_who_page(first.page, first.page_index + 1)))
            if key in RESERVED_KEYS or key.startswith(RESERVED_PREFIXES):
                yield say("key", _("the key «%(key)s» is kept for the portal's own use; "
                                   "choose another", key=key))
        if kind is None:
            return  # an unknown type: the schema names it
        if kind == "paragraph":
            if not _text_of(q.get("text")):
                yield say("text", _("has no text"))
        elif "label" not in q and not (kind == "heading" and _text_of(q.get("text"))):
            yield say("label", _("has no label (the question people read)"))
        rule = q.get("when")
        if isinstance(rule, dict):
            yield from self._rule(rule, (*e.path, "when"), where, who, _("the condition"),
                                  own=e, before=e.position)
        if kind in ("number", "money"):
            yield from self._range(q, e.path, where, who)
        if kind in ("choice", "multichoice"):
            if "options" not in q:
                yield say("options", _("has no options"))
            yield from self._options(q, e.path, where, who)
        if kind == "table":
            yield from self._table(e, say)
        if kind == "calculated":
            formula = q.get("formula")
            if "formula" not in q or formula is None:
                yield say("formula", _("has no formula"))
            elif isinstance(formula, dict) or _number(formula):
                yield from self._rule(formula, (*e.path, "formula"), where, who,
                                      _("the formula"), own=e, before=e.position, formula=True)

    def _range(self, item: dict[str, Any], path: tuple[Any, ...], where: str,
               who: str) -> Iterator[Found]:
        low, high = item.get("min"), item.get("max")
        if _number(low) and _number(high) and low > high:
            yield (*path, "min"), Problem(where, _said(who, _(
                "its lowest value (min %(min)s) is more than its highest value (max %(max)s)",
                min=low, max=high)))

    def _options(self, item: dict[str, Any], path: tuple[Any, ...], where: str,
                 who: str) -> Iterator[Found]:
        seen: set[str] = set()
        for i, option in enumerate(_items(item.get("options"))):
            value = _dict(option).get("value")
            if not isinstance(value, str):
                continue
            if value in seen:
                yield (*path, "options", i, "value"), Problem(where, _said(who, _(
                    "the option value «%(value)s» is used twice", value=value)))
            seen.add(value)

    def _table(self, e: _Entry, say: Any) -> Iterator[Found]:
        q, where = e.q, e.key or ""
        if "columns" not in q:
            yield say("columns", _("has no columns"))
        low = q.get("min_rows", 0)
        high = q.get("max_rows", DEFAULT_MAX_ROWS)
        if _number(low) and _number(high) and low > high:
            yield say("min_rows", _("it asks for at least %(min)s rows but allows at most "
                                    "%(max)s (min_rows, max_rows)", min=low, max=high))
        seen: set[str] = set()
        for i, column in enumerate(_items(q.get("columns"))):
            if not isinstance(column, dict):
                continue
            path = (*e.path, "columns", i)
            ckey = column.get("key")
            who = _("%(question)s, column %(column)s", question=e.who,
                    column=ckey if isinstance(ckey, str) else i + 1)
            if isinstance(ckey, str):
                if ckey in RESERVED_KEYS:
                    # A cell's name is an attribute of its row form too.
                    yield (*path, "key"), Problem(where, _said(who, _(
                        "the key «%(key)s» is kept for the portal's own use; choose another",
                        key=ckey)))
                if ckey in seen:
                    yield (*path, "key"), Problem(where, _said(who, _(
                        "another column of this table already has the key «%(key)s»",
                        key=ckey)))
                seen.add(ckey)
            if column.get("type") in ("number", "money"):
                yield from self._range(column, path, where, who)
            if column.get("type") == "choice":
                if "options" not in column:
                    yield (*path, "options"), Problem(where, _said(who, _("has no options")))
                yield from self._options(column, path, where, who)

    # -- conditions and formulas

    def _rule(self, rule: Any, path: tuple[Any, ...], where: str, who: str, name: str, *,
              own: _Entry | None, before: int, page: bool = False,
              formula: bool = False) -> Iterator[Found]:
        """A condition or formula: one logic.problem() accepts, reading only
        questions that come before ``before`` (a position)."""

        def say(what: str) -> Found:
            return path, Problem(where, _said(who, what))

        refused = _logic_refusal(rule, name)
        if refused is not None:
            yield say(refused)
            return
        facts = logic._compiled(json.dumps(rule, sort_keys=True)).facts()
        if facts.get("computed_reads") or not facts.get("reads_complete", True):
            yield say(_("%(rule)s works out the name of the answer it reads; name the "
                        "question itself, as {\"var\": \"key\"}", rule=name))
        names: list[str] = []
        for read in facts.get("reads", ()):
            if not read:
                yield say(_("%(rule)s reads all the answers at once ({\"var\": \"\"}); name "
                            "the questions it needs", rule=name))
                continue
            if str(read[0]) not in names:
                names.append(str(read[0]))
        for read in names:
            target = self.by_key.get(read)
            if own is not None and read == own.key:
                yield say(_("its formula uses its own value") if formula else
                          _("its condition reads its own answer"))
            elif target is not None and target.kind in TEXT_ONLY:
                yield say(_("%(rule)s reads «%(name)s», a heading or paragraph, which has no "
                            "answer", rule=name, name=read))
            elif target is not None and target.position >= before:
                cycle = self._cycle(own, target) if formula else None
                if cycle:
                    yield say(_("its formula and the formula of %(other)s use each other "
                                "(a cycle: %(cycle)s)", other=target.who,
                                cycle=" → ".join(cycle)))
                elif page:
                    yield say(_("%(rule)s reads «%(name)s», which is on this page or a "
                                "later one; a page's condition may read only answers on "
                                "earlier pages", rule=name, name=read))
                else:
                    yield say(_("%(rule)s reads «%(name)s», which comes later in the form; "
                                "it may read only answers before it", rule=name, name=read))
            elif target is not None:
                continue
            elif read in self.page_keys:
                yield say(_("%(rule)s names the page «%(name)s»; it can read only "
                            "questions", rule=name, name=read))
            elif read in self.columns:
                table = self.columns[read]
                yield say(_("%(rule)s names «%(name)s», a column of %(table)s; read the "
                            "table «%(key)s» and its rows instead", rule=name, name=read,
                            table=table.who, key=table.key))
            else:
                yield say(_("%(rule)s names a missing question «%(name)s»", rule=name,
                            name=_shown(read)))

    def _cycle(self, own: _Entry | None, target: _Entry) -> list[str] | None:
        """Keys of a circle of calculated values from ``own`` through
        ``target`` back to ``own``, if their formulas make one."""
        if own is None or own.key is None or target.kind != "calculated":
            return None
        path = [own.key, target.key or ""]
        seen = {target.key}
        stack = [(target, iter(self._formula_reads(target)))]
        while stack:
            _entry, reads = stack[-1]
            nxt = next(reads, None)
            if nxt is None:
                stack.pop()
                path.pop()
                continue
            if nxt == own.key:
                return [*path, own.key]
            other = self.by_key.get(nxt)
            if other is None or other.kind != "calculated" or nxt in seen:
                continue
            seen.add(nxt)
            path.append(nxt)
            stack.append((other, iter(self._formula_reads(other))))
        return None

    def _formula_reads(self, entry: _Entry) -> list[str]:
        formula = entry.q.get("formula")
        if not (isinstance(formula, dict) and _logic_refusal(formula, "") is None):
            return []
        return sorted(logic.reads(formula))

    # -- work steps

    def _steps(self) -> Iterator[Found]:
        steps = _items(self.data.get("steps"))
        index: dict[str, int] = {}
        for si, step in enumerate(steps):
            code = _dict(step).get("code")
            if isinstance(code, str):
                index.setdefault(code, si)
        for si, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            code = step.get("code")
            where = code if isinstance(code, str) else ""
            who = _who_step(step, si + 1)

            def say(path: tuple[Any, ...], what: str, who: str = who,
                    where: str = where) -> Found:
                return ("steps", *path), Problem(where, _said(who, what))

            if isinstance(code, str) and index[code] != si:
                yield say((si, "code"), _("the code «%(code)s» is already used by %(other)s",
                                          code=code,
                                          other=_who_step(steps[index[code]], index[code] + 1)))
            outcomes: set[str] = set()
            for oi, outcome in enumerate(_items(step.get("outcomes"))):
                outcome = _dict(outcome)
                ocode = outcome.get("code")
                if isinstance(ocode, str):
                    if ocode in outcomes:
                        yield say((si, "outcomes", oi, "code"), _(
                            "two outcomes have the code «%(code)s»", code=ocode))
                    outcomes.add(ocode)
                back = outcome.get("back_to")
                if not isinstance(back, str):
                    continue
                named = _("outcome %(code)s", code=ocode if isinstance(ocode, str) else oi + 1)
                if back not in index:
                    yield say((si, "outcomes", oi, "back_to"), _(
                        "%(outcome)s goes back to a missing step «%(step)s»",
                        outcome=named, step=_shown(back)))
                elif index[back] > si:
                    yield say((si, "outcomes", oi, "back_to"), _(
                        "%(outcome)s goes back to «%(step)s», which comes later; it may go "
                        "back only to this step or an earlier one", outcome=named, step=back))
            when = step.get("when")
            if isinstance(when, list) and len(when) == 2 and all(
                    isinstance(w, str) for w in when):
                after, result = when
                if after not in index:
                    yield say((si, "when"), _("it applies after a missing step «%(step)s»",
                                              step=_shown(after)))
                elif index[after] >= si:
                    yield say((si, "when"), _("it applies after «%(step)s», which does not "
                                              "come before it", step=after))
                else:
                    known = [_dict(o).get("code") for o in
                             _items(_dict(steps[index[after]]).get("outcomes"))]
                    if result not in known:
                        yield say((si, "when"), _(
                            "it applies after the outcome «%(outcome)s», which step "
                            "«%(step)s» does not have", outcome=_shown(result), step=after))


def _logic_refusal(rule: Any, name: str) -> str | None:
    """Why a condition or formula (``name``: "the condition") may not be
    used, as a message, or None. Its parts are counted here first, without
    recursion, so a deeply nested value cannot exhaust the stack."""
    nodes, stack = 0, [rule]
    while stack:
        value = stack.pop()
        nodes += 1
        if nodes > logic.MAX_NODES:
            return _("%(rule)s has more than %(n)s parts", rule=name, n=logic.MAX_NODES)
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    why = logic.problem(rule)
    if why is None:
        return None
    for pattern, reason in _LOGIC_REASONS:
        match = pattern.match(why)
        if not match:
            continue
        if reason == "operator":
            return _("%(rule)s uses the operator «%(op)s», which is not allowed", rule=name,
                     op=_shown(match[1].strip("'\"")))
        if reason == "depth":
            return _("%(rule)s is nested deeper than %(n)s levels", rule=name,
                     n=logic.MAX_DEPTH)
        if reason == "size":
            return _("%(rule)s has more than %(n)s parts", rule=name, n=logic.MAX_NODES)
        if reason == "long_text":
            return _("%(rule)s holds a text longer than 500 characters", rule=name)
        if reason == "one_key":
            return _("%(rule)s has an object {…} that is not exactly one operator", rule=name)
    return _("%(rule)s is not JsonLogic the portal can work out", rule=name)


__all__ = ["Problem", "DefinitionError", "problems", "load", "questions", "with_defaults",
           "MAX_DEFINITION_BYTES", "MAX_QUESTIONS", "MAX_PAGES", "RESERVED_KEYS"]
