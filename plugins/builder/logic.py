"""Conditions and formulas of built services: JsonLogic, evaluated by
datalogic-py (a compiled engine, no ``eval``), with an operator list and an
operation budget so a definition cannot make the server do much work."""

from __future__ import annotations

import decimal
import json
from functools import lru_cache
from typing import Any

import datalogic_py

# What the builder writes and a definition may use: comparisons, logic,
# arithmetic, and the few list operators a repeating table needs. Nothing
# that reads the clock, throws, or builds strings of any length.
ALLOWED_OPERATORS = frozenset({
    "==", "!=", "===", "!==", ">", ">=", "<", "<=", "!", "!!", "and", "or", "if",
    "in", "+", "-", "*", "/", "%", "min", "max", "var", "val", "missing",
    "map", "reduce", "filter", "all", "some", "none", "length", "abs", "ceil", "floor",
})
MAX_DEPTH = 8          # nesting of one condition or formula
MAX_NODES = 200        # operators and values in one condition or formula
OPERATION_BUDGET = 20_000  # per evaluation (a 50-row table with a few columns)

_engine = datalogic_py.Engine()


class LogicError(ValueError):
    """A condition or formula that may not be used (see :func:`problem`)."""


def _shape(rule: Any, depth: int = 0) -> tuple[int, int]:
    """(deepest nesting, number of nodes) of a JsonLogic value."""
    if isinstance(rule, dict):
        if len(rule) != 1:
            raise LogicError("an operator object has exactly one key")
        (op, args), = rule.items()
        if op not in ALLOWED_OPERATORS:
            raise LogicError(f"operator {op!r} is not allowed")
        inner = _shape(args, depth + 1)
        return inner[0], inner[1] + 1
    if isinstance(rule, list):
        deepest, nodes = depth, 1
        for item in rule:
            d, n = _shape(item, depth)
            deepest, nodes = max(deepest, d), nodes + n
        return deepest, nodes
    if rule is None or isinstance(rule, bool | int | float | str):
        if isinstance(rule, str) and len(rule) > 500:
            raise LogicError("a text value is longer than 500 characters")
        return depth, 1
    raise LogicError("not a JsonLogic value")


def problem(rule: Any) -> str | None:
    """Why ``rule`` may not be used (English, for logs and tests), or None."""
    try:
        depth, nodes = _shape(rule)
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH}"
        if nodes > MAX_NODES:
            return f"more than {MAX_NODES} parts"
        _compiled(json.dumps(rule, sort_keys=True))
    except LogicError as exc:
        return str(exc)
    except RecursionError:
        return f"nested deeper than {MAX_DEPTH}"
    except datalogic_py.DataLogicError as exc:
        return f"not valid JsonLogic ({exc.error_type})"
    return None


@lru_cache(maxsize=4096)
def _compiled(text: str) -> datalogic_py.Rule:
    return _engine.compile(text)


def reads(rule: Any) -> set[str]:
    """The answers (question keys) a condition or formula reads."""
    if rule is None or problem(rule) is not None:
        return set()
    facts = _compiled(json.dumps(rule, sort_keys=True)).facts()
    return {path[0] for path in facts["reads"] if path}


def evaluate(rule: Any, data: dict[str, Any]) -> Any:
    """The value of ``rule`` over ``data``; None when it cannot be worked
    out (a division by zero, an answer of the wrong kind, the budget)."""
    if problem(rule) is not None:
        return None
    try:
        text, _ops = _engine.eval_metered(rule, _jsonable(data), OPERATION_BUDGET)
    except datalogic_py.DataLogicError:
        return None
    return json.loads(text)


def holds(rule: Any, data: dict[str, Any]) -> bool:
    """Whether a condition is true; no condition always holds."""
    if rule is None:
        return True
    return bool(_engine.truthy(evaluate(rule, data)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
