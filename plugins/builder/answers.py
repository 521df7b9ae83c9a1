"""The side table of filterable answers (``builder_answer``): written with
each request and each correction, read by the staff list's filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import BuiltAnswer

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


def keeper(code: str, questions: list[dict[str, Any]]) -> Callable[[Any, dict[str, Any]], None]:
    """The ``Service.store`` of one version: its filterable answers as rows,
    replacing the request's earlier ones (a correction changes them)."""
    filtered = filtered_questions(questions)

    def store(request: Any, answers: dict[str, Any]) -> None:
        BuiltAnswer.delete().where(BuiltAnswer.request == request).execute()
        rows = [{"request": request.id, "service_code": code, "key": q["key"], "value": v}
                for q in filtered for v in _values(q, answers.get(q["key"]))]
        if rows:
            BuiltAnswer.insert_many(rows).execute()

    return store
