"""Work steps: the checklist of a service's procedure on top of the six
statuses. The state is replayed from the ticks, so loops and branches need no
stored flags: a tick whose outcome loops back undoes the steps it passes."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import peewee as pw
from flask_babel import lazy_gettext as _l

from .db import database
from .lifecycle import OPEN_STATUSES, Role, Status, change_status
from .models import Request, StepEvent, User
from .services import Service, Step


class StepError(ValueError):
    """A refused tick; ``str()`` is the message for the clerk."""


@dataclass
class StepState:
    step: Step
    applies: bool
    done: StepEvent | None


def replay(steps: tuple[Step, ...], events: list[StepEvent]) -> dict[str, StepEvent]:
    """The tick that currently counts for each step, after loops."""
    index = {s.code: i for i, s in enumerate(steps)}
    done: dict[str, StepEvent] = {}
    for event in events:
        if event.step not in index:
            continue
        done[event.step] = event
        outcome = steps[index[event.step]].outcome(event.outcome)
        if outcome and outcome.back_to in index:
            for step in steps[index[outcome.back_to]:index[event.step] + 1]:
                done.pop(step.code, None)
    return done


def _applies(step: Step, done: dict[str, StepEvent]) -> bool:
    if step.when is None:
        return True
    tick = done.get(step.when[0])
    return tick is not None and tick.outcome == step.when[1]


def progress(steps: tuple[Step, ...], events: list[StepEvent]) -> list[StepState]:
    done = replay(steps, events)
    return [StepState(step, _applies(step, done), done.get(step.code)) for step in steps]


def allowed(steps: tuple[Step, ...], events: list[StepEvent]) -> list[Step]:
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


def finished(steps: tuple[Step, ...], events: list[StepEvent]) -> bool:
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
            from .notify import step_told
            from .request_pages import status_check_url

            step_told(request, step, event, status_url=status_check_url(request.reference))
        return event


def told_requester(steps: tuple[Step, ...], events: list[StepEvent]) -> list[tuple[Step,
                                                                                   StepEvent]]:
    """The answers the requester has been given (steps that tell the
    requester, as they stand after loops), in the order of the flow."""
    done = replay(steps, events)
    return [(step, done[step.code]) for step in steps
            if step.tells_requester and step.code in done]


def told_text(step: Step, event: StepEvent) -> str:
    """One line of that answer: "Approved: <note>"."""
    outcome = step.outcome(event.outcome)
    label = str(outcome.label) if outcome else ""
    return ": ".join(part for part in (label, event.note) if part)
