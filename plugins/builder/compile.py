"""A definition (docs/service-definition.schema.json) made into the core's
:class:`portal.plugins.Service`: a form class of ordinary fields, its files
as attachment slots, its steps as :class:`Step`; nothing built per service.

Conditions decide on the server which questions a post answers: the form
works out, in definition order, which pages and questions show for the
answers given; a hidden question is never required, and whatever a crafted
post sent for it is dropped (``hidden_names``, read by the core's
``answers_from_form``). Calculated values are worked out the same way.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import FieldList

from portal.forms import ApplicantForm
from portal.plugins import AttachmentSlot, Outcome, Service, Step

from . import answers, logic
from .questions import TEXT_ONLY, field_for, localised, text_block


@dataclass(frozen=True)
class SectionItem:
    """One thing drawn in a page of the form: a field (``file_<key>`` for a
    file) or a text block, with the condition it shows on."""

    field: str = ""
    html: Any = None
    when: Any = None
    note: Any = None


@dataclass(frozen=True)
class Section:
    """A page of a built form, drawn as a fieldset."""

    title: Any
    items: tuple[SectionItem, ...] = ()
    when: Any = None
    note: Any = None


@dataclass(frozen=True)
class Plan:
    """What the form needs of its definition to show and validate it."""

    pages: tuple[tuple[dict[str, Any], tuple[dict[str, Any], ...]], ...]
    conditional: frozenset[str] = field(default_factory=frozenset)


def all_questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Every question of a definition in page order, text blocks left out."""
    return [q for page in definition["pages"] for q in page.get("questions", ())
            if q["type"] not in TEXT_ONLY]


def field_name(question: dict[str, Any]) -> str:
    return f"file_{question['key']}" if question["type"] == "file" else question["key"]


def _value(form: Any, question: dict[str, Any]) -> Any:
    """An answer as the conditions read it: numbers as numbers, dates as
    ISO text, a table as its rows, nothing as None."""
    f = form._fields.get(field_name(question))
    if f is None:
        return None
    if question["type"] == "file":
        return bool(getattr(f, "data", None)) or None
    if hasattr(f, "answer_value"):
        value = f.answer_value()
    else:
        value = f.data
    if question["type"] == "table":
        return [{k: _number(v) for k, v in row.items()} for row in value or []]
    return _number(value)


def _number(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value) if value.strip() and _looks_numeric(value) else value or None
        except ValueError:
            return value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _looks_numeric(text: str) -> bool:
    try:
        decimal.Decimal(text)
    except decimal.InvalidOperation:
        return False
    return True


class BuiltForm(ApplicantForm):
    """Base of every built service's form; ``plan`` is set per version."""

    plan: ClassVar[Plan]
    definition: ClassVar[dict[str, Any]]
    layout: ClassVar[tuple[Section, ...]]
    placed_names: ClassVar[tuple[str, ...]]
    conditional_names: ClassVar[frozenset[str]]

    def work_out(self) -> dict[str, Any]:
        """Which questions show for the answers given, and the calculated
        values; returns the answers as the conditions read them."""
        values: dict[str, Any] = {}
        hidden: set[str] = set()
        for page, questions in self.plan.pages:
            page_shown = logic.holds(page.get("when"), values)
            for q in questions:
                if q["type"] in TEXT_ONLY:
                    continue
                shown = page_shown and logic.holds(q.get("when"), values)
                name = field_name(q)
                if not shown:
                    hidden.add(name)
                    values[q["key"]] = None
                    continue
                if q["type"] == "calculated":
                    self[name].set_value(logic.evaluate(q["formula"], values))
                values[q["key"]] = _value(self, q)
        self.hidden_names = frozenset(hidden)
        return values

    def validate(self, extra_validators: Any = None) -> bool:
        self.work_out()
        ok = True
        for name, f in self._fields.items():
            if name in self.hidden_names:
                f.errors = []
                if not isinstance(f, FieldList):  # a table's rows are its data
                    f.data = None  # a hidden file slot sends no file
                continue
            chain = list((extra_validators or {}).get(name, ()))
            inline = getattr(self.__class__, f"validate_{name}", None)
            if inline is not None:
                chain.append(inline)
            if not f.validate(self, chain):
                ok = False
        return ok


def _condition_note(rule: Any) -> Any:
    return _l("Answer this only if it applies to you (see the question before).") \
        if rule else None


def form_class(definition: dict[str, Any], name: str) -> type[BuiltForm]:
    """The form class of one version of a definition."""
    attrs: dict[str, Any] = {}
    sections: list[Section] = []
    pages: list[tuple[dict[str, Any], tuple[dict[str, Any], ...]]] = []
    conditional: set[str] = set()
    placed: list[str] = []
    for page in definition["pages"]:
        items = []
        questions = tuple(page.get("questions", ()))
        for q in questions:
            when = q.get("when")
            if q["type"] in TEXT_ONLY:
                items.append(SectionItem(html=text_block(q), when=when))
                continue
            fname = field_name(q)
            if q["type"] != "file":
                attrs[fname] = field_for(q)
            if when or page.get("when"):
                conditional.add(fname)
            placed.append(fname)
            items.append(SectionItem(field=fname, when=when, note=_condition_note(when)))
        sections.append(Section(title=localised(page["title"]), items=tuple(items),
                                when=page.get("when"), note=_condition_note(page.get("when"))))
        pages.append((page, questions))
    attrs.update(definition=definition,
                 plan=Plan(pages=tuple(pages), conditional=frozenset(conditional)),
                 layout=tuple(sections), placed_names=tuple(placed),
                 conditional_names=frozenset(conditional))
    return type(name, (BuiltForm,), attrs)


def _steps(definition: dict[str, Any]) -> tuple[Step, ...]:
    return tuple(Step(
        code=s["code"], label=localised(s["label"]),
        outcomes=tuple(Outcome(o["code"], localised(o["label"]), o.get("back_to"))
                       for o in s.get("outcomes", ())),
        when=tuple(s["when"]) if s.get("when") else None,
        tells_requester=bool(s.get("tells_requester")),
        told_as=localised(s["told_as"]) if (s.get("told_as") or {}).get("th") else None,
    ) for s in definition.get("steps", ()))


def _slots(definition: dict[str, Any]) -> tuple[AttachmentSlot, ...]:
    return tuple(AttachmentSlot(q["key"], localised(q["label"]), bool(q.get("required")),
                                tuple(q.get("kinds") or ("pdf", "png", "jpg")))
                 for page in definition["pages"] for q in page.get("questions", ())
                 if q["type"] == "file")


def _one_per_answer(definition: dict[str, Any]) -> str | None:
    one_per = definition.get("one_per_national_id")
    return one_per if isinstance(one_per, str) else None


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def service(definition: dict[str, Any], *, code: str, agency_code: str,
            version: int) -> Service:
    """The core's Service for one published version of a definition."""
    return Service(
        code=code,
        title=localised(definition["title"]),
        description=localised(definition.get("description")) if definition.get(
            "description") else "",
        form_class=form_class(definition, f"Built_{code.replace('-', '_')}_v{version}"),
        ref_prefix=definition["ref_prefix"],
        slots=_slots(definition),
        target_days=int(definition.get("target_days") or 5),
        target_minutes=definition.get("target_minutes") or None,
        guest_allowed=bool(definition.get("guest_allowed")),
        urgent=bool(definition.get("urgent")),
        open311=bool(definition.get("open311")),
        steps=_steps(definition),
        store=answers.keeper(code, all_questions(definition), _one_per_answer(definition)),
        opens_on=_day(definition.get("opens_on")),
        closes_on=_day(definition.get("closes_on")),
        max_requests=definition.get("max_submissions") or None,
        # True: the requester's own account; a question's key: the ID it
        # answers (a carer applying for an elder), which the keeper holds.
        one_per_person=definition.get("one_per_national_id") is True,
        agency_code=agency_code,
        version=version,
    )


__all__ = ["service", "form_class", "BuiltForm", "Section", "SectionItem", "Markup"]
