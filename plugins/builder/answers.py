"""What a built service keeps beside each request's answers, written with
the request and each correction: its filterable answers (``builder_answer``,
read by the staff list's filters) and, for a service taking one request per
national ID, the ID it holds (``builder_one_per``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import peewee as pw
from flask_babel import gettext as _

from portal.db import database
from portal.forms import FieldError
from portal.models import Request
from portal.requests import Status
from portal.thai import normalise_national_id

from .models import BuiltAnswer, BuiltOnePer

# The question types a staff list filters on, and how a filter asks.
FILTERED_TYPES = frozenset({"choice", "multichoice", "yesno", "date"})


def filtered_questions(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for q in questions if q["type"] in FILTERED_TYPES]


def _values(question: dict[str, Any], raw: Any) -> list[str]:
    if raw in (None, "", []):
        return []
    if isinstance(raw, list):
        return [str(v)[:60] for v in raw]
    return [str(raw)[:60]]


def keeper(code: str, questions: list[dict[str, Any]], one_per: str | None = None
           ) -> Callable[[Any, dict[str, Any]], None]:
    """The ``Service.store`` of one version: its filterable answers as rows,
    replacing the request's earlier ones (a correction changes them); with
    ``one_per`` (a national-ID question's key), the ID it answers, refused
    with :class:`FieldError` when another request holds it."""
    filtered = filtered_questions(questions)

    def store(request: Any, answers: dict[str, Any]) -> None:
        BuiltAnswer.delete().where(BuiltAnswer.request == request).execute()
        rows = [{"request": request.id, "service_code": code, "key": q["key"], "value": v}
                for q in filtered for v in _values(q, answers.get(q["key"]))]
        if rows:
            BuiltAnswer.insert_many(rows).execute()
        if one_per is not None:
            _hold(code, one_per, request, answers)

    return store


def _taken(key: str) -> FieldError:
    # Not the earlier request's reference: whoever typed the ID may not be
    # the person who sent it.
    return FieldError(key, _(
        "A request for this national ID has been received already: only one is taken per "
        "person. If the earlier one is wrong, cancel it first or ask the office."))


def _hold(code: str, key: str, request: Any, answers: dict[str, Any]) -> None:
    """The request's place for the ID it answers (a correction may change
    the ID, so the request's earlier place is given up first)."""
    value = normalise_national_id(str(answers.get(key) or ""))
    BuiltOnePer.delete().where(BuiltOnePer.request == request).execute()
    if not value:
        return  # the question was required; a request made by hand may lack it
    held = (BuiltOnePer.select(BuiltOnePer.id, Request.status).join(Request)
            .where((BuiltOnePer.service_code == code) & (BuiltOnePer.value == value))
            .objects().first())
    if held is not None:
        if held.status != Status.CANCELLED:
            raise _taken(key)
        BuiltOnePer.delete().where(BuiltOnePer.id == held.id).execute()
    try:
        with database.atomic():  # a savepoint: PostgreSQL goes on after the refusal
            BuiltOnePer.insert(service_code=code, value=value, request=request.id).execute()
    except pw.IntegrityError:
        raise _taken(key) from None  # sent at the same moment as another
