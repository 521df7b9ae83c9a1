"""Who is told what when a request changes: the e-mails, chat messages and
bell notices of a request's life, written to the outbox (portal.base.outbox)
inside the change's transaction and sent by a background job."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

# ``notify.queue`` is the name plugins learnt first; the outbox owns it now.
from ..base.outbox import queue
from ..identity import access
from ..models import Membership, MembershipService, Notice, Request, User
from ..plugins.manager import collect, get_service, plugin_manager
from ..plugins.services import told_text
from ..thai import local_today, utcnow
from . import clock
from .lifecycle import STATUS_LABELS, Status

log = logging.getLogger(__name__)
def requester_email(request: Request) -> str:
    if request.requester_id:
        return User.get_by_id(request.requester_id).email or ""
    return str((request.payload or {}).get("email") or "")


def staff_of(request: Request) -> list[User]:
    """Staff of the agency who handle the service, and its admins."""
    handling = MembershipService.select(MembershipService.membership).where(
        MembershipService.service_code == request.service_code)
    return list(User.select().join(Membership, on=(Membership.user == User.id))
                .where((Membership.agency == request.agency_id)
                       & ((Membership.role == "agency_admin") | Membership.id.in_(handling)))
                .distinct())


def staff_emails(request: Request) -> list[str]:
    return sorted({u.email for u in staff_of(request) if u.email})


# What a bell notice says, by kind; its facts fill it in whatever language
# the reader reads the bell in.
NOTICE_KINDS = {
    "status": _l("%(ref)s: %(status)s"),
    "new_request": _l("New or corrected request %(ref)s"),
    "step_told": _l("%(ref)s: %(heading)s: %(answer)s"),
}


def _notice_words(kind: str, facts: dict[str, Any]) -> str:
    """The notice in the current locale, from its stored facts."""
    if kind == "status":
        status = facts.get("status", "")
        return str(NOTICE_KINDS[kind] % {"ref": facts.get("ref", ""),
                                         "status": STATUS_LABELS.get(status, status)})
    if kind == "step_told":
        service = get_service(facts.get("service", ""))
        step = next((s for s in service.steps if s.code == facts.get("step")), None) \
            if service else None
        if step is None:
            return ""
        answer = told_text(step, SimpleNamespace(outcome=facts.get("outcome", ""),
                                                 note=facts.get("note", "")))
        return str(NOTICE_KINDS[kind] % {"ref": facts.get("ref", ""),
                                         "heading": step.told_as or step.label,
                                         "answer": answer})
    if kind in NOTICE_KINDS:
        return str(NOTICE_KINDS[kind] % facts)
    return ""


def notice(user_id: int, request: Request, kind: str, **facts: Any) -> None:
    """A line in ``user_id``'s bell: the facts, and their Thai wording for
    exports and for readers of an install whose plugin has gone."""
    with force_locale("th"):
        text = _notice_words(kind, facts)
    Notice.create(user=user_id, request=request, kind=kind, facts=facts, text=text[:500])


def notice_text(n: Notice) -> str:
    """A notice as its reader reads it, in their language."""
    return (_notice_words(n.kind, n.facts or {}) if n.kind else "") or n.text


def request_changed(request: Request, old: str | None, new: str, remark: str = "",
                    result_ready: bool = False, status_url: str = "",
                    told: list[tuple[Any, str]] | None = None) -> None:
    """Queue the messages one change calls for. Call inside its transaction.

    :param told: (label, value) staff recorded for the requester (the user
        name of a new account), said in the requester's messages.
    """
    context = {"old": old, "new": new, "remark": remark, "status_url": status_url,
               "status_label": STATUS_LABELS.get(new, new), "told": told or []}
    mail = requester_email(request)
    template = ("submitted" if old is None
                else "result_ready" if result_ready else "status_changed")
    queue(mail, template, request, **context)
    if request.requester_id:
        requester = User.get_by_id(request.requester_id)
        for channel, address in collect(plugin_manager(), "message_channels", user=requester):
            queue(address, template, request, channel=channel, **context)
    if request.requester_id:
        notice(request.requester_id, request, "status", ref=request.reference, status=new)
    if new in (Status.SUBMITTED, Status.RESUBMITTED):
        for user in staff_of(request):
            if user.email:
                queue(user.email, "staff_new", request, **context)
            notice(user.id, request, "new_request", ref=request.reference)


def step_told(request: Request, step: Any, event: Any, status_url: str = "") -> None:
    """Tell the requester the answer a work step gives them (the executive's
    decision), by every way a status change reaches them. Call inside the
    tick's transaction."""
    outcome = step.outcome(event.outcome)
    context = {"step": step, "event": event, "outcome": outcome.label if outcome else "",
               "status_url": status_url}
    queue(requester_email(request), "step_told", request, **context)
    if request.requester_id:
        requester = User.get_by_id(request.requester_id)
        for channel, address in collect(plugin_manager(), "message_channels", user=requester):
            queue(address, "step_told", request, channel=channel, **context)
        notice(request.requester_id, request, "step_told", ref=request.reference,
               service=request.service_code, step=step.code, outcome=event.outcome,
               note=event.note)


def daily_digest() -> int:
    """One e-mail a day to each staff member with what is late or due
    tomorrow among the requests they handle. Returns how many were queued."""

    today = local_today(current_app.config["PORTAL_TIMEZONE"])
    now = utcnow()
    staff_ids = Membership.select(Membership.user).distinct()
    queued = 0
    for user in User.select().where(User.id.in_(staff_ids) & (User.email != "")):
        rows = list(clock.due_soon_query(today, access.staff_scope(user)).limit(200))
        if rows:
            queue(user.email, "digest", None, rows=rows, user=user, today=today, now=now,
                  lateness=clock.lateness)
            queued += 1
    return queued
