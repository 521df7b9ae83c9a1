"""What the requester's page, the staff's process page and the printed PDF
all show of one request, gathered once."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import peewee as pw
from flask import Response, abort, render_template, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..base.links import status_check_url
from ..files import verify
from ..files.printing import qr_svg_data_uri, render_pdf
from ..forms.fields import display_answers
from ..models import IssuedDocument, Request, StatusEvent, User, current_files
from ..plugins.manager import answers_service, collect, get_service, plugin_manager
from ..thai import ascii_digits
from . import steps
from .catalogue import contact
from .lifecycle import CHANNELS, STATUS_LABELS, Status


def checked_request(reference: str, phone_last4: str) -> Request | None:
    """The request the public status check may show: the reference and the
    last four digits of the phone given in it, both right. One answer (None)
    for "no such number" and "wrong phone", so nobody can walk references."""
    # Callers other than the form (the LINE chat) pass what people typed:
    # Thai digits are the same digits, and compare_digest takes ASCII only.
    reference, phone_last4 = ascii_digits(reference), ascii_digits(phone_last4)
    # Only the columns the answer needs: the answers (JSON) are the bulk of
    # a row and the status check never shows them.
    req = (Request.select(Request.id, Request.reference, Request.service_code, Request.agency,
                          Request.requester, Request.contact_phone, Request.status,
                          Request.status_changed_at, Request.due_date, Request.due_at)
           .where(Request.reference == reference.strip().upper()).first())
    if req is None or not req.contact_phone or not phone_last4.isascii():
        return None
    stored = req.contact_phone[-4:]
    # compare_digest raises on text that is not ASCII: no answer, not a 500.
    return req if stored.isascii() and hmac.compare_digest(stored, phone_last4) else None


def public_status(req: Request) -> dict[str, Any]:
    """What the status check tells about a request (no names, no answers)."""
    service = get_service(req.service_code)
    return {
        "reference": req.reference,
        "service": service.title if service else req.service_code,
        "status": req.status,
        "status_label": STATUS_LABELS.get(req.status, req.status),
        "changed_at": req.status_changed_at,
        "due_date": req.due_date,
        "due_at": req.due_at,
        "account": req.requester_id is not None,
    }


def public_history(req: Request) -> list[StatusEvent]:
    """The history the status check shows anyone who passes it: when the
    request reached each status, without remarks or names (those are for
    its signed-in owner, or a guest's browser: :func:`guest_context`)."""
    return list(StatusEvent.select(StatusEvent.id, StatusEvent.at, StatusEvent.to_status,
                                   StatusEvent.kind)
                .where(StatusEvent.request == req.id).order_by(StatusEvent.at, StatusEvent.id))


def office_contact(req: Request) -> dict[str, Any]:
    """Whom to ask about a request: its office and the service's officer."""
    return {"office": req.agency, "contact": contact(req.agency_id, req.service_code)}


# History lines that are more than a status: named so nobody misreads them.
EVENT_KINDS = {"forward": _l("Forwarded"), "reopen": _l("Reopened"),
               "delay": _l("Delay notice")}


def history(req: Request, service: Any, *, staff: bool = False) -> dict[str, Any]:
    """The request's history (status lines, then work steps), for staff with
    their notes, otherwise as its requester sees it."""
    events = list(StatusEvent.select(StatusEvent, User)
                  .join(User, pw.JOIN.LEFT_OUTER, on=(StatusEvent.actor == User.id))
                  .where(StatusEvent.request == req).order_by(StatusEvent.at, StatusEvent.id))
    ticks: list[Any] = steps.events_of(req) if service.steps else []
    if not staff:
        ticks = steps.for_requester(service.steps, ticks)
    step_of = {st.code: st for st in service.steps}
    timeline = sorted(
        [("status", e.at, e.id, e) for e in events]
        + [("step", t.at, t.id, t) for t in ticks if t.step in step_of],
        key=lambda item: (item[1], item[0] == "step", item[2]))
    return {
        "events": events,
        "timeline": timeline,
        "step_of": step_of,
        "step_progress": steps.progress(service.steps, ticks),
        "allowed_steps": steps.allowed(service.steps, ticks),
        "told_to_requester": steps.told_to_requester(service.steps, ticks),
        "told": steps.told_requester(service.steps, ticks),
        "staff_view": staff,
        "event_kinds": EVENT_KINDS,
    }


def _result_codes(req: Request) -> dict[str, str]:
    return {d.sha256: d.code for d in IssuedDocument.select().where(
        (IssuedDocument.request == req) & IssuedDocument.title.startswith("result:"))}


def context(req: Request, *, staff: bool = False) -> dict[str, Any]:
    """Everything the pages of one request show. Requester-facing by
    default (their page, the printout): work steps come without staff's
    notes (:func:`portal.requests.steps.for_requester`). Only the staff's process
    page passes ``staff=True``."""

    service = get_service(req.service_code)
    if service is None:  # plugin removed: the request stays readable by id only
        abort(404)
    # A forwarded request's answers stay on the form they were written on.
    form_service = answers_service(req) or service
    locale = str(get_locale() or "th")
    files = current_files(req)
    return {
        "request_": req,
        "service": service,
        "form_service": form_service,
        "answers": display_answers(form_service, req.payload, req.agency, locale),
        "files": [f for f in files if not f.is_result],
        "results": [f for f in files if f.is_result],
        **history(req, service, staff=staff),
        "status_labels": STATUS_LABELS,
        "slot_labels": {s.name: s.label for s in form_service.slots},
        "contact": contact(req.agency_id, service.code),
        "result_codes": _result_codes(req),
        "channel_labels": CHANNELS,
    }


def sections(hook: str, **kwargs: Any) -> dict[str, list[Any]]:
    """The plugins' :class:`portal.plugins.PageSection` items of a page
    hook (``request_page_sections``, ``process_page_sections``): their HTML
    by place, each place in ``order``."""
    by_place: dict[str, list[Any]] = {"notice": [], "main": [], "actions": []}
    for section in sorted(collect(plugin_manager(), hook, **kwargs), key=lambda s: s.order):
        by_place.setdefault(section.place, []).append(section.html)
    return by_place


def guest_context(req: Request) -> dict[str, Any]:
    """What the status check adds, once passed, for a request sent without
    an account: the history with staff's messages (no names, no notes),
    what staff recorded for the requester and the result files. A request
    of an account shows these to its signed-in owner only."""
    service = get_service(req.service_code)
    if service is None or req.requester_id is not None:
        return {}
    return {
        **history(req, service),
        "results": [f for f in current_files(req) if f.is_result and f.purged_at is None],
        "result_codes": _result_codes(req),
        "can_correct": req.status == Status.RETURNED,
        "staff_message": req.staff_message,
    }


# A passed status check opens the request's history, result files and
# correction to this browser for a while (the session cookie is signed).
GUEST_CHECK_SECONDS = 30 * 60
_CHECKED = "status_checked"


def remember_check(req: Request) -> None:
    """Note in the session that this browser passed the check for ``req``."""
    now = int(time.time())
    kept = {ref: at for ref, at in (session.get(_CHECKED) or {}).items()
            if isinstance(at, int) and now - at < GUEST_CHECK_SECONDS}
    kept.pop(req.reference, None)
    kept[req.reference] = now
    # The five latest: the cookie stays small.
    session[_CHECKED] = dict(sorted(kept.items(), key=lambda item: item[1])[-5:])


def checked_in_session(reference: str) -> Request | None:
    """The request whose status check this browser passed lately, else None."""
    reference = ascii_digits(reference or "").strip().upper()
    at = (session.get(_CHECKED) or {}).get(reference)
    if not isinstance(at, int) or int(time.time()) - at >= GUEST_CHECK_SECONDS:
        return None
    return Request.get_or_none(Request.reference == reference)


def render_request_page(template: str, req: Request, **extra: Any) -> str:
    """A requester-facing page of ``req`` (see :func:`context`)."""
    return render_template(template, **context(req), **extra)


def _printout(req: Request, document: Any, fresh: bool = False) -> bytes | None:
    """The printout under ``document``; None when it no longer comes out
    as the bytes sealed (the print layout changed since)."""
    ctx = context(req)
    code = document.code
    html = render_template("print/request.html", **ctx, printed_at=document.issued_at,
                           qr=qr_svg_data_uri(status_check_url(req.reference)),
                           status_url=status_check_url(), verify_code=code,
                           verify_url=verify.verify_url(code),
                           verify_qr=qr_svg_data_uri(verify.verify_url(code)))
    pdf = render_pdf(html)
    if fresh or hashlib.sha256(pdf).hexdigest() == document.sha256:
        return pdf
    return None


def pdf_response(req: Request) -> Response:
    """The request as a verifiable PDF. The same version prints as the same
    document (code, date, bytes), so every copy handed out verifies."""
    title = f"print:{req.reference}"
    document = verify.issued_for(title, req)
    pdf = _printout(req, document) if document else None
    if document is None or pdf is None:
        document = verify.reserve(title, req, version=req.version)
        pdf = verify.seal(document, _printout(req, document, fresh=True))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{req.reference}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
