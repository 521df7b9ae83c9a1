"""Repeated rows of the builder's editors, usable without JavaScript: a
choice's options, a table's columns (a choice column with its own option
rows) and a work step's outcomes.

A row is inputs named ``<list>-<n>-<part>`` (``options-0-th``); rows are
read in the order of ``n``, a row with nothing typed in it is left out, and
the page is drawn again with a few empty rows after the filled ones. An
"add rows" button (``more=<list>``) draws it again with more. A value a
definition stores (an option's value, a column's or an outcome's code) is
kept in a hidden input once saved and shown read-only, so rewording a row
never changes what answers already sent hold; a new row's value is made
from its words (English first: Thai letters give ``option_1``…).

The ``code|words`` lines the editor once took are still read
(:func:`read_options`, :func:`read_columns`): they are turned into rows and
read by the same code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from wtforms import Field

from .conditions import number_text, parse_number

KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
OPTION_VALUE = re.compile(r"[A-Za-z0-9_-]{1,40}")
COLUMN_TYPES = ("text", "number", "money", "date", "choice")
MAX_OPTIONS, MAX_COLUMNS, MAX_COLUMN_OPTIONS, MAX_OUTCOMES = 200, 10, 100, 10
# Settings of a column, by its type.
COLUMN_SETTINGS = {"text": ("max_length",), "number": ("min", "max", "decimals"),
                   "money": ("min", "max"), "date": (), "choice": ()}
COLUMN_LIMITS = {"decimals": (0, 4), "max_length": (1, 500)}
# Rows read at most: beyond them a crafted form is refused, not read.
ROW_CAP = 250
_INDEX = r"(\d{1,3})"

Report = Callable[[int, str], None]


# ---- The field ---------------------------------------------------------------

class RowsField(Field):
    """Rows of a few parts each. ``data`` is the filled rows, each a dict
    of its parts (strings); a part holding rows of its own (a choice
    column's options) is a list of such dicts under its name.

    :param parts: the parts of a row, in the order drawn.
    :param stable: parts that do not make a row filled (a value kept
        hidden, a type picked by default).
    :param blank: empty rows drawn after the filled ones; ``more`` adds.
    :param nested: a part that holds rows: (its parts, its stable parts).
    """

    def __init__(self, label: Any = None, validators: Any = None, *, parts: tuple[str, ...],
                 stable: tuple[str, ...] = (), blank: int = 2, more: int = 3,
                 limit: int = MAX_OPTIONS, row_name: Callable[[int], str] | None = None,
                 nested: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.parts, self.stable, self.blank, self.more = parts, stable, blank, more
        self.limit, self.row_name, self.nested = limit, row_name, nested or {}
        self.data: list[dict[str, Any]] = []
        self.blank_posted = 0
        self.more_asked = False
        self.row_errors: dict[int, list[str]] = {}
        self.too_many = False

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.data = [dict(row) for row in (data or ())] if data is not None else []
        if formdata is None or not any(k.startswith(f"{self.name}-") for k in formdata):
            return
        more = formdata.get("more") or ""
        flat = {k: v for k, v in formdata.items(multi=False) if k.startswith(f"{self.name}-")}
        rows, self.blank_posted, self.too_many = _rows(flat, self.name, self.parts,
                                                       self.stable, self.nested, more)
        self.more_asked = more == self.name
        self.data = rows

    def _value(self) -> str:
        return ""

    @property
    def first_input_id(self) -> str:
        """Where the error summary's link lands: the first row refused."""
        first = min(self.row_errors) if self.row_errors else 1
        return f"{self.name}-{first - 1}-th"

    def drawn(self) -> list[dict[str, Any]]:
        """The rows as the page draws them: the filled ones, then empty
        ones; each with ``n`` (its index in the names), ``number`` (shown,
        from 1), ``saved`` (a stored value it keeps) and its parts."""
        # The usual empty rows (one once some are filled: a phone's page
        # stays short); "Add rows" gives those drawn and more.
        usual = self.blank if not self.data else 1
        empty = max(usual, self.blank_posted + (self.more if self.more_asked else 0))
        empty = max(0, min(empty, self.limit - len(self.data)))
        rows = [*self.data, *({} for _ in range(empty))]
        out = []
        for n, row in enumerate(rows):
            drawn = {part: row.get(part, "") for part in self.parts}
            drawn.update(n=n, number=n + 1, filled=n < len(self.data),
                         errors=self.row_errors.get(n + 1, []))
            for name, (parts, _stable) in self.nested.items():
                drawn[name] = _nested_drawn(row, name, parts)
            out.append(drawn)
        return out

    def pairs(self) -> list[tuple[str, str]]:
        """What a browser sends for the rows as drawn (tests post it back)."""
        out = []
        for row in self.drawn():
            for part in self.parts:
                out.append((f"{self.name}-{row['n']}-{part}", str(row[part] or "")))
            for name, (parts, _stable) in self.nested.items():
                for sub in row[name]:
                    out.extend((f"{self.name}-{row['n']}-{name}-{sub['n']}-{p}",
                                str(sub[p] or "")) for p in parts)
        return [(k, v) for k, v in out if v or not k.endswith("-required")]

    def report(self, number: int, message: str) -> None:
        """A problem of the row shown as ``number``, on the row and in the
        field's errors (the error summary's line names the row)."""
        self.row_errors.setdefault(number, []).append(message)
        self.errors = [*self.errors, _("%(row)s: %(message)s", row=self.row_label(number),
                                       message=message)]

    def row_label(self, number: int) -> str:
        """"ตัวเลือกที่ 2": a row's legend, and its name in a message."""
        return self.row_name(number) if self.row_name else str(number)


def _rows(flat: dict[str, str], name: str, parts: tuple[str, ...], stable: tuple[str, ...],
          nested: dict[str, tuple[tuple[str, ...], tuple[str, ...]]], more: str
          ) -> tuple[list[dict[str, Any]], int, bool]:
    """(filled rows in index order, empty rows posted, too many rows)."""
    found: dict[int, dict[str, Any]] = {}
    pattern = re.compile(rf"{re.escape(name)}-{_INDEX}-(.+)")
    for key, value in flat.items():
        m = pattern.fullmatch(key)
        if m:
            found.setdefault(int(m[1]), {})[m[2]] = (value or "").strip()
    too_many = len(found) > ROW_CAP
    rows, empty = [], 0
    for index in sorted(found)[:ROW_CAP]:
        raw = found[index]
        row: dict[str, Any] = {p: raw.get(p, "") for p in parts}
        for sub, (sub_parts, sub_stable) in nested.items():
            prefix = f"{sub}-"
            inner = {f"{sub}-{k[len(prefix):]}": v for k, v in raw.items()
                     if k.startswith(prefix)}
            sub_rows, sub_empty, _many = _rows(inner, sub, sub_parts, sub_stable, {}, "")
            row[sub] = sub_rows
            row[f"_{sub}_blank"] = sub_empty
            row[f"_{sub}_more"] = more == f"{name}-{index}-{sub}"
        # Its own words make a row; options kept for a column whose words
        # were taken out do not (taking the words out deletes it).
        if any(row[p] for p in parts if p not in stable):
            rows.append(row)
        else:
            empty += 1
    return rows, empty, too_many


def _nested_drawn(row: dict[str, Any], name: str, parts: tuple[str, ...]
                  ) -> list[dict[str, Any]]:
    filled = list(row.get(name) or [])
    usual = 2 if not filled else 1
    empty = max(usual, row.get(f"_{name}_blank", 0) + (3 if row.get(f"_{name}_more") else 0))
    empty = max(0, min(empty, MAX_COLUMN_OPTIONS - len(filled)))
    return [{**{p: sub.get(p, "") for p in parts}, "n": n, "number": n + 1,
             "filled": n < len(filled)}
            for n, sub in enumerate([*filled, *({} for _ in range(empty))])]


def options_field(label: Any, **kwargs: Any) -> RowsField:
    return RowsField(label, parts=("value", "th", "en"), stable=("value",), blank=2,
                     limit=MAX_OPTIONS, row_name=lambda n: _("Option %(n)s", n=n), **kwargs)


def columns_field(label: Any, **kwargs: Any) -> RowsField:
    return RowsField(label, parts=("key", "type", "th", "en", "required", "min", "max",
                                   "decimals", "max_length"),
                     stable=("key", "type"), blank=1, limit=MAX_COLUMNS,
                     row_name=lambda n: _("Column %(n)s", n=n),
                     nested={"options": (("value", "th", "en"), ("value",))}, **kwargs)


def outcomes_field(label: Any, **kwargs: Any) -> RowsField:
    return RowsField(label, parts=("code", "th", "en", "back_to"), stable=("code",), blank=2,
                     limit=MAX_OUTCOMES, row_name=lambda n: _("Outcome %(n)s", n=n), **kwargs)


# ---- Values made from words ----------------------------------------------------

def made_value(words: str, taken: set[str], stem: str = "option") -> str:
    """A value for a row typed without one: its English letters and digits
    (starting with a letter), else option_1, option_2…"""
    base = re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")[:40]
    if base and base[0].isalpha() and base not in taken:
        return base
    n = 1
    while f"{stem}_{n}" in taken:
        n += 1
    return f"{stem}_{n}"


# ---- Options ---------------------------------------------------------------------

def options(rows: list[tuple[str, str, str]], before: list[dict[str, Any]], report: Report, *,
            english_shown: bool = True) -> list[dict[str, Any]]:
    """Options from (value, Thai, English) rows; a row without a value
    takes the earlier option's of the same Thai words, else a new one.
    ``english_shown`` False (a line that cannot show English): an
    option's English words stay."""
    out: list[dict[str, Any]] = []
    taken = {v for v, _th, _en in rows if v}
    earlier = {o["label"].get("th"): o for o in before}
    for number, (value, th, en) in enumerate(rows, start=1):
        if not th:
            report(number, _("Give the option's words."))
            continue
        if not value:
            old = earlier.get(th)
            if old is not None and old["value"] not in taken:
                value = old["value"]
            else:
                value = made_value(en or th, taken)
            taken.add(value)
        elif not OPTION_VALUE.fullmatch(value):
            report(number, _("An option's value is English letters, digits, _ or -, at most 40 "
                             "characters (such as new)."))
            continue
        if any(o["value"] == value for o in out):
            report(number, _("The value %(value)s is used twice.", value=value))
            continue
        label = {"th": th, **({"en": en} if en else {})}
        old = earlier.get(th)
        if (not english_shown and not en and old is not None and old["value"] == value
                and old["label"].get("en")):
            label = dict(old["label"])  # an English label the line does not show stays
        out.append({"value": value, "label": label})
    return out


def option_rows(options_: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A definition's options as rows."""
    return [{"value": o["value"], "th": o["label"].get("th", ""),
             "en": o["label"].get("en", "")} for o in options_]


def read_option_rows(field: RowsField, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The options the rows say; problems on the field's rows."""
    out = options([(r["value"], r["th"], r["en"]) for r in field.data], before, field.report)
    if field.too_many or len(out) > MAX_OPTIONS:
        field.errors = [*field.errors, _("At most %(n)s options.", n=MAX_OPTIONS)]
    return out


def _line_report(problems: list[str]) -> Report:
    def report(number: int, message: str) -> None:
        problems.append(_("Line %(n)s: %(message)s", n=number, message=message))
    return report


def _option_lines(text: str) -> list[tuple[str, str, str]]:
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 1:
            out.append(("", parts[0], ""))
        else:
            out.append((parts[0], parts[1], "|".join(parts[2:])))
    return out


def options_text(options_: list[dict[str, Any]]) -> str:
    """Options as lines: ``value|Thai`` (``|English``)."""
    return "\n".join(f"{o['value']}|{o['label'].get('th', '')}" +
                     (f"|{o['label']['en']}" if o["label"].get("en") else "")
                     for o in options_)


def read_options(text: str, before: list[dict[str, Any]] | None = None
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """(options, Thai problems) of options typed as lines; ``before`` the
    question's options as they were, whose values a line of words only keeps."""
    problems: list[str] = []
    out = options(_option_lines(text), before or [], _line_report(problems),
                  english_shown=False)
    return out, problems


# ---- Columns of a table --------------------------------------------------------

def column_rows(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A table's columns as rows."""
    out = []
    for c in columns:
        row: dict[str, Any] = {"key": c["key"], "type": c["type"],
                               "th": c["label"].get("th", ""), "en": c["label"].get("en", ""),
                               "required": "y" if c.get("required") else ""}
        for name in ("min", "max", "decimals", "max_length"):
            row[name] = number_text(c[name]) if c.get(name) is not None else ""
        row["options"] = option_rows(c.get("options") or [])
        out.append(row)
    return out


def columns(rows: list[dict[str, Any]], before: list[dict[str, Any]], report: Report, *,
            english_shown: bool = True) -> list[dict[str, Any]]:
    """Columns from rows (:func:`column_rows`' shape); a row without a
    code gets one made from its words. ``before`` the table's columns as
    they were: their options' values stay."""
    out: list[dict[str, Any]] = []
    earlier = {c["key"]: c for c in before}
    taken = {r.get("key") for r in rows if r.get("key")}
    for number, row in enumerate(rows, start=1):
        def problem(message: str, number: int = number) -> None:
            report(number, message)

        kind, th, en = row.get("type") or "text", row.get("th", ""), row.get("en", "")
        key = row.get("key") or ""
        if not key:
            key = made_value(en or th, taken, stem="column")
            taken.add(key)
        if not KEY.fullmatch(key):
            problem(_("A column code is small English letters, digits and _, starting with a "
                      "letter (such as qty)."))
            continue
        if any(c["key"] == key for c in out):
            problem(_("The column code %(key)s is used twice.", key=key))
            continue
        if kind not in COLUMN_TYPES:
            problem(_("A column's type is one of text, number, money, date, choice."))
            continue
        if not th:
            problem(_("Give the column's words."))
            continue
        column: dict[str, Any] = {"key": key, "type": kind,
                                  "label": {"th": th, **({"en": en} if en else {})}}
        if row.get("required"):
            column["required"] = True
        bad = False
        for name in COLUMN_SETTINGS[kind]:
            raw = row.get(name) or ""
            if not raw:
                continue
            try:
                value = parse_number(raw)
            except ValueError as exc:
                problem(str(exc))
                bad = True
                continue
            if name in COLUMN_LIMITS:
                low, high = COLUMN_LIMITS[name]
                if not isinstance(value, int) or not low <= value <= high:
                    problem(_("%(name)s is a whole number from %(low)s to %(high)s.",
                              name=name, low=low, high=high))
                    bad = True
                    continue
            column[name] = value
        if "min" in column and "max" in column and column["min"] > column["max"]:
            problem(_("min is more than max."))
            bad = True
        if kind == "choice":
            typed = [(o.get("value", ""), o.get("th", ""), o.get("en", ""))
                     for o in row.get("options") or ()]
            if not typed:
                problem(_("Give a choice column its options."))
                continue
            found: list[str] = []
            column["options"] = options(typed, (earlier.get(key) or {}).get("options") or [],
                                        lambda _n, m, found=found: found.append(m),
                                        english_shown=english_shown)
            for message in found:
                problem(message)
                bad = True
            if len(column["options"]) > MAX_COLUMN_OPTIONS:
                problem(_("At most %(n)s options.", n=MAX_COLUMN_OPTIONS))
                bad = True
        if not bad:
            out.append(column)
    return out


def read_column_rows(field: RowsField, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The columns the rows say; problems on the field's rows."""
    out = columns(field.data, before, field.report)
    if field.too_many or len(out) > MAX_COLUMNS:
        field.errors = [*field.errors, _("At most %(n)s columns.", n=MAX_COLUMNS)]
    return out


_SETTING = re.compile(r"(min|max|decimals|max_length|en)=(.*)", re.S)


def columns_text(columns_: list[dict[str, Any]]) -> str:
    """A table's columns as lines: ``code|type|words|*|setting=…|options``."""
    lines = []
    for c in columns_:
        parts = [c["key"], c["type"], c["label"].get("th", "")]
        if c.get("required"):
            parts.append("*")
        if c["label"].get("en"):
            parts.append(f"en={c['label']['en']}")
        for name in ("min", "max", "decimals", "max_length"):
            if c.get(name) is not None:
                parts.append(f"{name}={number_text(c[name])}")
        if c["type"] == "choice":
            if not c.get("required"):
                parts.insert(3, "")
            parts.append(";".join(f"{o['value']}={o['label'].get('th', '')}"
                                  for o in c.get("options", ())))
        lines.append("|".join(parts))
    return "\n".join(lines)


def _column_line(line: str, report: Callable[[str], None]) -> dict[str, Any] | None:
    """One line of :func:`columns_text` as a row, or None (reported)."""
    parts = [p.strip() for p in line.split("|")]
    if len(parts) < 3:
        report(_("Write code|type|words, such as qty|number|จำนวน."))
        return None
    key, kind, th = parts[:3]
    rest = parts[3:]
    row: dict[str, Any] = {"key": key, "type": kind, "th": th, "en": "",
                           "required": "y" if "*" in rest else "", "options": []}
    settings = [p for p in rest if p and p != "*"]
    if kind == "choice":
        if not settings:
            report(_("A choice column ends with its options, such as s=เล็ก;l=ใหญ่."))
            return None
        for piece in settings.pop().split(";"):
            if piece.strip():
                value, sep, words = piece.partition("=")
                row["options"].append({"value": value.strip() if sep else "",
                                       "th": (words if sep else value).strip(), "en": ""})
    for setting in settings:
        m = _SETTING.fullmatch(setting)
        if not m or (m[1] != "en" and m[1] not in COLUMN_SETTINGS.get(kind, ())):
            report(_("“%(part)s” is not a setting of a %(type)s column.", part=setting,
                     type=kind))
            return None
        row[m[1]] = m[2].strip()
    return row


def read_columns(text: str, before: list[dict[str, Any]] | None = None
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """(columns, Thai problems) of columns typed as lines; ``before`` the
    table's columns as they were (their options' values and English stay)."""
    problems: list[str] = []
    rows, numbers = [], []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        row = _column_line(line, lambda m, n=number: _line_report(problems)(n, m))
        if row is not None:
            if not row["key"]:
                row["key"] = "-"  # a line must name its code: refused below
            rows.append(row)
            numbers.append(number)
    out = columns(rows, before or [], lambda n, m: _line_report(problems)(numbers[n - 1], m),
                  english_shown=False)
    if len(out) > MAX_COLUMNS:
        problems.append(_("At most %(n)s columns.", n=MAX_COLUMNS))
    return out, problems


# ---- Outcomes of a work step ---------------------------------------------------

SELF = "@self"  # an outcome that sends the request back to the step itself


def outcome_rows(step: dict[str, Any]) -> list[dict[str, str]]:
    """A step's outcomes as rows; going back to the step itself is SELF
    (so it follows the step's code when that changes)."""
    return [{"code": o["code"], "th": o["label"].get("th", ""), "en": o["label"].get("en", ""),
             "back_to": SELF if o.get("back_to") == step.get("code") else
             o.get("back_to") or ""} for o in step.get("outcomes", ())]


def read_outcome_rows(field: RowsField, code: str, known_steps: set[str]
                      ) -> list[dict[str, Any]]:
    """The outcomes the rows say for the step ``code``; problems on the rows."""
    out: list[dict[str, Any]] = []
    taken = {r["code"] for r in field.data if r.get("code")}
    for number, row in enumerate(field.data, start=1):
        ocode, th, en = row.get("code") or "", row.get("th") or "", row.get("en") or ""
        back_to = code if row.get("back_to") == SELF else row.get("back_to") or ""
        if not th:
            field.report(number, _("Give the outcome's words."))
            continue
        if not ocode:
            ocode = made_value(en or th, taken, stem="outcome")
            taken.add(ocode)
        if not KEY.fullmatch(ocode):
            field.report(number, _("An outcome's code is small English letters, digits and _, "
                                   "starting with a letter (such as approve)."))
            continue
        if any(o["code"] == ocode for o in out):
            field.report(number, _("The outcome code %(key)s is used twice.", key=ocode))
            continue
        if back_to and back_to not in known_steps | {code}:
            field.report(number, _("There is no step %(key)s to go back to.", key=back_to))
            continue
        outcome: dict[str, Any] = {"code": ocode,
                                   "label": {"th": th, **({"en": en} if en else {})}}
        if back_to:
            outcome["back_to"] = back_to
        out.append(outcome)
    if field.too_many or len(out) > MAX_OUTCOMES:
        field.errors = [*field.errors, _("At most %(n)s outcomes.", n=MAX_OUTCOMES)]
    return out
