"""The request lifecycle: statuses, who may move a request where, reference
numbers and the service-level due date. Every status change goes through
:func:`change_status`; nothing else writes ``Request.status``.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import peewee as pw
from flask_babel import lazy_gettext as _l

from ..base import audit
from ..db import database
from ..models import Holiday, Request, StatusEvent
from ..thai import BE_OFFSET, to_local, utcnow

if TYPE_CHECKING:
    from ..models import Agency, User

log = logging.getLogger(__name__)


class Status(StrEnum):
    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Role(StrEnum):
    REQUESTER = "requester"
    STAFF = "staff"
    SYSTEM = "system"


STATUS_LABELS: dict[str, Any] = {
    Status.SUBMITTED: _l("Request sent to staff"),
    Status.IN_PROGRESS: _l("Staff are working on it"),
    Status.RETURNED: _l("Returned by staff for correction"),
    Status.RESUBMITTED: _l("Corrected request sent to staff"),
    Status.COMPLETED: _l("Completed"),
    Status.CANCELLED: _l("Cancelled"),
}

# Short verbs for the staff's status picker.
ACTION_LABELS: dict[str, Any] = {
    Status.IN_PROGRESS: _l("Start working on it"),
    Status.RETURNED: _l("Return for correction"),
    Status.COMPLETED: _l("Mark as completed"),
    Status.CANCELLED: _l("Cancel the request"),
    Status.RESUBMITTED: _l("Send the correction"),
}

# Who moved a request, and what kind of move, for the history and the audit log.
ROLE_LABELS: dict[str, Any] = {
    Role.REQUESTER: _l("requester"), Role.STAFF: _l("staff"), Role.SYSTEM: _l("system"),
}
EVENT_KIND_LABELS: dict[str, Any] = {
    "status": _l("status change"), "reopen": _l("reopened"), "forward": _l("forwarded"),
    "delay": _l("delay notice"),
}

# How a request reached the office (seed 004): staff record the others.
CHANNELS: dict[str, Any] = {
    "web": _l("Web form"), "email": _l("E-mail"), "facebook": _l("Facebook"),
    "line": _l("LINE"), "phone": _l("Phone"), "counter": _l("At the counter"),
    "open311": _l("Open311 API"),
}

S, R = Status, Role
# The one table of allowed moves. ``None`` is "no request yet": only the
# system creates a request, and only the requester's edit resubmits it.
TRANSITIONS: dict[tuple[Status | None, Status], frozenset[Role]] = {
    (None, S.SUBMITTED): frozenset({R.SYSTEM}),
    (S.SUBMITTED, S.IN_PROGRESS): frozenset({R.STAFF}),
    (S.SUBMITTED, S.RETURNED): frozenset({R.STAFF}),
    (S.SUBMITTED, S.COMPLETED): frozenset({R.STAFF}),
    (S.SUBMITTED, S.CANCELLED): frozenset({R.STAFF, R.REQUESTER}),
    (S.IN_PROGRESS, S.RETURNED): frozenset({R.STAFF}),
    (S.IN_PROGRESS, S.COMPLETED): frozenset({R.STAFF}),
    (S.IN_PROGRESS, S.CANCELLED): frozenset({R.STAFF}),
    (S.RETURNED, S.RESUBMITTED): frozenset({R.REQUESTER}),
    (S.RETURNED, S.CANCELLED): frozenset({R.STAFF, R.REQUESTER}),
    (S.RESUBMITTED, S.IN_PROGRESS): frozenset({R.STAFF}),
    (S.RESUBMITTED, S.RETURNED): frozenset({R.STAFF}),
    (S.RESUBMITTED, S.COMPLETED): frozenset({R.STAFF}),
    (S.RESUBMITTED, S.CANCELLED): frozenset({R.STAFF}),
}
# Moves outside the everyday table, each only through its own function: staff
# reopen a completed request when the requester asked, in the satisfaction
# survey or any plugin that answers the hook take_reopen_ask
# (portal.requests.submission.staff_reopen); a forwarded request arrives as new
# at the receiving service (portal.requests.forwarding.forward).
SPECIAL_MOVES: dict[str, frozenset[tuple[Status, Status, Role]]] = {
    "reopen": frozenset({(S.COMPLETED, S.IN_PROGRESS, R.STAFF)}),
    "forward": frozenset({(S.SUBMITTED, S.SUBMITTED, R.STAFF),
                          (S.IN_PROGRESS, S.SUBMITTED, R.STAFF),
                          (S.RESUBMITTED, S.SUBMITTED, R.STAFF)}),
}
# A requester must know why a request came back or was dropped.
REMARK_REQUIRED: frozenset[tuple[Role, Status]] = frozenset({
    (R.STAFF, S.RETURNED), (R.STAFF, S.CANCELLED),
})
OPEN_STATUSES = frozenset({S.SUBMITTED, S.IN_PROGRESS, S.RETURNED, S.RESUBMITTED})
FINAL_STATUSES = frozenset({S.COMPLETED, S.CANCELLED})
# Open and not back with the requester: the clock runs, staff must act.
WAITING_ON_STAFF = frozenset({S.SUBMITTED, S.IN_PROGRESS, S.RESUBMITTED})


class TransitionError(ValueError):
    """A refused change; ``str()`` is a message for the person."""


class StaleRequestError(TransitionError):
    """The request changed since the page was loaded."""


STALE = _l("Someone changed this request while you were working on it. "
           "Please reload the page and try again.")


def allowed(from_status: str | None, to_status: str, role: Role) -> bool:
    key = (Status(from_status) if from_status else None, Status(to_status))
    return role in TRANSITIONS.get(key, frozenset())


def allowed_targets(from_status: str, role: Role) -> list[Status]:
    return [to for (frm, to), roles in TRANSITIONS.items()
            if frm == from_status and role in roles]


def change_status(request: Request, to_status: str, *, actor: User | None, role: Role,
                  remark: str = "", expected_version: int | None = None,
                  changes: list[str] | None = None, kind: str = "status") -> StatusEvent:
    """Move ``request`` to ``to_status`` and record it, or raise.

    Must be called inside ``database.atomic()`` when other writes (files,
    answers) belong to the same change; it opens its own otherwise. The
    version check is one conditional UPDATE, so two clerks saving the same
    request at once cannot both win.
    """
    remark = (remark or "").strip()
    if kind in SPECIAL_MOVES:
        permitted = (request.status, to_status, role) in SPECIAL_MOVES[kind]
    else:
        permitted = allowed(request.status, to_status, role)
    if not permitted:
        raise TransitionError(_l("This request can no longer be changed that way."))
    if (kind in SPECIAL_MOVES or (role, Status(to_status)) in REMARK_REQUIRED) and not remark:
        raise TransitionError(_l("Please write a remark for the requester."))
    version = request.version if expected_version is None else expected_version
    now = utcnow()
    with database.atomic():
        fields: dict[Any, Any] = {
            Request.status: to_status,
            Request.version: Request.version + 1,
            Request.status_changed_at: now,
        }
        if role == Role.STAFF:
            fields[Request.staff_message] = remark
        updated = (Request.update(fields)
                   .where((Request.id == request.id) & (Request.version == version)
                          & (Request.status == request.status))
                   .execute())
        if updated != 1:
            raise StaleRequestError(STALE)
        event = StatusEvent.create(
            request=request, from_status=request.status, to_status=to_status,
            actor=actor, actor_role=role, at=now, remark=remark, changes=changes or [],
            kind=kind,
        )
        audit.record("status_changed", f"request:{request.reference}",
                     detail=f"{request.status} → {to_status} ({kind}, {role})", actor=actor,
                     agency=request.agency_id)
    request.status, request.version, request.status_changed_at = to_status, version + 1, now
    if role == Role.STAFF:
        request.staff_message = remark
    return event


# ------------------------------------------------------------ references ---

# No 0/O or 1/I: references are read aloud over the phone.
_REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference(prefix: str, when: dt.datetime | None = None, tz: str = "Asia/Bangkok") -> str:
    """``12-691124-K7Q4M``: the seed's service code and date, plus 5 random
    characters (32**5 ≈ 33 million a day per service) so numbers cannot be
    walked; the status check needs a second factor anyway."""
    local = to_local(when or utcnow(), tz)
    stamp = f"{(local.year + BE_OFFSET) % 100:02d}{local:%m%d}"
    tail = "".join(secrets.choice(_REF_ALPHABET) for _ in range(5))
    return f"{prefix}-{stamp}-{tail}"


def create_request(*, prefix: str, attempts: int = 8, **fields: Any) -> Request:
    """Insert a request under a fresh reference, retrying on the rare clash.

    The unique index decides; each try runs in a savepoint so a clash does
    not spoil the caller's transaction.
    """
    for _ in range(attempts):
        try:
            with database.atomic():
                return Request.create(reference=new_reference(prefix), **fields)
        except pw.IntegrityError as exc:
            if "reference" not in str(exc).lower():
                raise
            log.warning("reference clash, retrying")
    raise RuntimeError("could not allocate a unique reference number")


# ---------------------------------------------------------- working days ---


def holidays_between(agency: Agency | None, start: dt.date, end: dt.date) -> set[dt.date]:
    query = Holiday.select(Holiday.day).where(Holiday.day.between(start, end))
    if agency is not None:
        query = query.where(Holiday.agency.is_null() | (Holiday.agency == agency))
    else:
        query = query.where(Holiday.agency.is_null())
    return {row.day for row in query}


def add_working_days(start: dt.date, days: int, holidays: set[dt.date]) -> dt.date:
    """The date ``days`` working days after ``start`` (Sat, Sun, holidays off)."""
    current = start
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current


def due_date(agency: Agency, start: dt.date, days: int) -> dt.date:
    # Twice the span plus two weeks always holds enough working days.
    holidays = holidays_between(agency, start, start + dt.timedelta(days=days * 2 + 14))
    return add_working_days(start, days, holidays)


def working_days_between(agency: Agency, first: dt.date, last: dt.date) -> int:
    """Working days after ``first`` up to and including ``last``."""
    if last <= first:
        return 0
    holidays = holidays_between(agency, first, last)
    return sum(1 for i in range(1, (last - first).days + 1)
               if (d := first + dt.timedelta(days=i)).weekday() < 5 and d not in holidays)
