"""Pieces the education office's forms share: official type, work place,
money inputs and the usual attachment slots."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, RadioField, StringField
from wtforms.validators import Length, NumberRange, Optional

from portal.forms import required
from portal.plugins import AttachmentSlot

OFFICIAL_TYPES = [
    ("teacher", _l("Teachers and educational personnel (civil servant)")),
    ("permanent_employee", _l("Permanent employee")),
    ("government_employee", _l("Government employee")),
    ("pensioner", _l("Pensioner")),
    ("other", _l("Other")),
]


def official_type_field() -> RadioField:
    return RadioField(_l("Type of state official"),
                      [required(_l("Select the type of state official"))], choices=OFFICIAL_TYPES)


def work_unit_field() -> StringField:
    return StringField(_l("Work group / school"), [required(), Length(max=255)])


def position_field() -> StringField:
    return StringField(_l("Position"), [required(), Length(max=255)])


def rank_field() -> StringField:
    return StringField(_l("Academic standing / rank / level"), [Optional(), Length(max=255)])


def money_field(label: Any, needed: bool = False) -> DecimalField:
    checks = [required()] if needed else [Optional()]
    return DecimalField(label, checks + [NumberRange(min=0, max=10_000_000, message=_l(
        "Please type an amount in baht between 0 and 10,000,000."))], places=2,
        render_kw={"inputmode": "decimal"})


def id_card_slot() -> AttachmentSlot:
    return AttachmentSlot("id_card", _l("Copy of national ID card"), required=True)


def other_slots(count: int) -> tuple[AttachmentSlot, ...]:
    labels = (_l("Other document 1"), _l("Other document 2"), _l("Other document 3"))
    return tuple(AttachmentSlot(f"other{i + 1}", labels[i]) for i in range(count))


def label_of(choices: list[tuple[str, Any]], value: str) -> str:
    return str(dict(choices).get(value, value))
