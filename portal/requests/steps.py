"""Work steps: the checklist of a service's procedure on top of the six
statuses. The state is replayed from the ticks, so loops and branches need no
stored flags: a tick whose outcome loops back undoes the steps it passes.

A tick's note is for staff only, and so is its value unless the step says
otherwise (``Step.value_for_requester``). Whatever a requester reads (their
page, the printout, the status check, e-mail, LINE) gets ticks through
:func:`for_requester`, which copies only what they may see: the note is not
hidden by a template's ``if``, it is not there to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import peewee as pw
from flask_babel import lazy_gettext as _l

from ..base.links import status_check_url
from ..db import database
from ..models import Request, StepEvent, User
from ..plugins.services import Service, Step
from .lifecycle import OPEN_STATUSES, Role, Status, change_status
from .notify import step_told


class StepError(ValueError):
    """A refused tick; ``str()`` is the message for the clerk."""


@dataclass
class StepState:
    step: Step
    applies: bool
    done: Tick | None


@dataclass(frozen=True)
class RequesterTick:
    """A tick as its requester sees it: which step, its outcome, when, and
    its value (and note) only if the step gives them to the requester."""

    id: int
    step: str
    outcome: str
    at: dt.datetime
    value: str = ""
    note: str = ""


# What the replay reads: the stored ticks (staff) or their requester copies.
Tick = StepEvent | RequesterTick


def for_requester(steps: tuple[Step, ...], events: list[StepEvent]) -> list[RequesterTick]:
    """The requester's copy of ``events``: no clerk, a value only where the
    step is meant to tell it, and no note unless the whole tick is the
    requester's answer (``tells_requester``: the executive's decision)."""
    by_code = {s.code: s for s in steps}
    public = {s.code for s in steps if s.value_for_requester or s.tells_requester}
    return [RequesterTick(id=e.id, step=e.step, outcome=e.outcome, at=e.at,
                          value=e.value if e.step in public else "",
                          note=e.note if _is_answer(by_code.get(e.step), e) else "")
            for e in events]


def _is_answer(step: Step | None, event: Tick) -> bool:
    """Whether this tick is an answer written for the requester: a step that
    tells them, ticked with one of its outcomes. A tick of the same step
    from before it told anyone (no outcome) was a staff note, and stays one."""
    return bool(step and step.tells_requester
                and (not step.outcomes or step.outcome(event.outcome) is not None))


def told_to_requester(steps: tuple[Step, ...],
                      events: list[Tick]) -> list[tuple[Any, str]]:
    """(label, value) of the values staff recorded for the requester, as
    they stand after loops (the user name created for a new account)."""
    done = replay(steps, events)
    return [(s.value_label, done[s.code].value) for s in steps
            if s.value_for_requester and s.code in done and done[s.code].value]


def replay(steps: tuple[Step, ...], events: list[Tick]) -> dict[str, Tick]:
    """The tick that currently counts for each step, after loops."""
    index = {s.code: i for i, s in enumerate(steps)}
    done: dict[str, Tick] = {}
    for event in events:
        if event.step not in index:
            continue
        done[event.step] = event
        outcome = steps[index[event.step]].outcome(event.outcome)
        if outcome and outcome.back_to in index:
            for step in steps[index[outcome.back_to]:index[event.step] + 1]:
                done.pop(step.code, None)
    return done


def _applies(step: Step, done: dict[str, Tick]) -> bool:
    if step.when is None:
        return True
    tick = done.get(step.when[0])
    return tick is not None and tick.outcome == step.when[1]


def progress(steps: tuple[Step, ...], events: list[Tick]) -> list[StepState]:
    done = replay(steps, events)
    return [StepState(step, _applies(step, done), done.get(step.code)) for step in steps]


def allowed(steps: tuple[Step, ...], events: list[Tick]) -> list[Step]:
    """Steps that may be ticked now: applicable, not done, and every earlier
    applicable step done."""
    out = []
    for state in progress(steps, events):
        if not state.applies:
            continue
        if state.done is None:
            out.append(state.step)
            break  # later steps wait for this one
    return out


def finished(steps: tuple[Step, ...], events: list[Tick]) -> bool:
    return bool(steps) and all(s.done or not s.applies for s in progress(steps, events))


def events_of(request: Request) -> list[StepEvent]:
    return list(StepEvent.select(StepEvent, User).join(
        User, pw.JOIN.LEFT_OUTER, on=(StepEvent.actor == User.id))
        .where(StepEvent.request == request).order_by(StepEvent.at, StepEvent.id))


def tick(request: Request, service: Service, code: str, *, actor: User, outcome: str = "",
         note: str = "", value: str = "") -> StepEvent:
    """Record one step; a request still waiting is moved to in progress."""
    step = next((s for s in service.steps if s.code == code), None)
    if step is None:
        raise StepError(_l("There is no such step."))
    if request.status not in OPEN_STATUSES or request.status == Status.RETURNED:
        raise StepError(_l("Steps can be recorded only while staff are working on the request."))
    with database.atomic():
        events = events_of(request)
        if step not in allowed(service.steps, events):
            raise StepError(_l("Please finish the earlier steps first."))
        if step.outcomes and step.outcome(outcome) is None:
            raise StepError(_l("Please choose the result of this step."))
        value = (value or "").strip()
        if step.value_label and not value:
            raise StepError(_l("Please fill in: %(label)s", label=step.value_label))
        if value and step.value_kind == "url":
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise StepError(_l("Please give a web address starting with http:// or "
                                   "https://"))
        if request.status in (Status.SUBMITTED, Status.RESUBMITTED):
            change_status(request, Status.IN_PROGRESS, actor=actor, role=Role.STAFF)
        event = StepEvent.create(request=request, step=code, outcome=outcome if step.outcomes
                                 else "", note=(note or "").strip()[:4000], value=value[:500],
                                 actor=actor)
        if step.tells_requester:
            # In the same transaction: the answer and its message go together.
            step_told(request, step, event, status_url=status_check_url(request.reference))
        return event


def told_requester(steps: tuple[Step, ...], events: list[Tick]) -> list[tuple[Step, Tick]]:
    """The answers the requester has been given (steps that tell the
    requester, as they stand after loops), in the order of the flow."""
    done = replay(steps, events)
    return [(step, done[step.code]) for step in steps
            if step.code in done and _is_answer(step, done[step.code])]


