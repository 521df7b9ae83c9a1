"""Submitting and resubmitting a request: answers, files and history saved
together or not at all."""

from __future__ import annotations

import logging
from typing import Any

from flask_wtf import FlaskForm

from ..base import audit, jobs
from ..base.links import status_check_url
from ..db import database
from ..files import uploads, verify
from ..forms.fields import FieldError, answers_from_form, changed_labels
from ..models import Agency, Attachment, Draft, HeldFile, Request, StatusEvent, User
from ..plugins.manager import get_service, plugin_manager
from ..plugins.services import Service
from ..thai import utcnow
from . import clock, drafts, notify, steps
from .lifecycle import CHANNELS, Role, Status, TransitionError, change_status, create_request

log = logging.getLogger(__name__)


def check_files(form: FlaskForm, service: Service) -> dict[str, uploads.CheckedFile]:
    """Every slot's file checked before anything is written."""
    checked: dict[str, uploads.CheckedFile] = {}
    for slot in service.slots:
        field = getattr(form, f"file_{slot.name}", None)
        try:
            result = uploads.check(field.data if field else None, slot.kinds)
        except uploads.UploadError as exc:
            raise FieldError(f"file_{slot.name}", str(exc)) from exc
        if result is not None:
            checked[slot.name] = result
    return checked


def _save_files(request: Request, files: dict[str, uploads.CheckedFile], store: uploads.FileStore,
                written: list[str], actor: User | None, is_result: bool = False) -> None:
    for slot, checked in files.items():
        name = store.write(checked)
        written.append(name)
        Attachment.create(request=request, slot=slot, original_name=checked.original_name,
                          stored_name=name, content_type=checked.content_type,
                          size=len(checked.data), sha256=checked.sha256,
                          uploaded_by=actor, is_result=is_result)


def _attach_held(request: Request, held: dict[str, HeldFile], actor: User | None) -> None:
    """The draft's held files become the request's attachments: the same
    stored files, now pointed at by the request (inside its transaction)."""
    for slot, h in held.items():
        Attachment.create(request=request, slot=slot, original_name=h.original_name,
                          stored_name=h.stored_name, content_type=h.content_type,
                          size=h.size, sha256=h.sha256, uploaded_by=actor)


def notify_change(request: Request, old: str | None, new: str, remark: str = "",
            result_ready: bool = False) -> None:
    """Queue the e-mails of a change; call inside its transaction."""
    url = status_check_url(request.reference)
    told = told_to_requester(request) if new == Status.COMPLETED else []
    notify.request_changed(request, old, new, remark, result_ready=result_ready,
                           status_url=url, told=told)


def told_to_requester(request: Request) -> list[tuple[Any, str]]:
    """What staff recorded in the work steps for the requester to know."""

    service = get_service(request.service_code)
    if service is None or not any(s.value_for_requester for s in service.steps):
        return []
    return steps.told_to_requester(service.steps, steps.events_of(request))


def announce(request: Request, old: str | None, new: str, actor: User | None,
             remark: str) -> None:
    """Tell the plugins, after the commit; their failure does not undo it.
    The outbox is sent after them, with what they queued (an invitation)."""
    try:
        plugin_manager().hook.request_changed(
            request=request, old_status=old, new_status=new, actor=actor, remark=remark)
    except Exception:  # noqa: BLE001 - a notifier must not break the request
        log.exception("request_changed hook failed for %s", request.reference)
    jobs.kick()


def submit(service: Service, agency: Agency, requester: User | None, form: FlaskForm,
           *, actor: User | None = None, channel: str = "web",
           answers: dict[str, Any] | None = None, draft: Draft | None = None) -> Request:
    """Save a new request with its files and first history line, or nothing.

    ``actor`` is the clerk recording it on someone's behalf (``channel`` says
    how it came); ``answers`` replaces the form's (the Open311 API). With a
    confirmed ``draft`` its held files become the attachments and the draft
    goes, in the same transaction.
    """

    files = check_files(form, service) if form is not None and draft is None else {}
    held: dict[str, HeldFile] = {}
    answers = dict(answers) if answers is not None else answers_from_form(form)
    if requester is not None:
        answers["national_id"] = requester.national_id
    # Thai writes the title joined to the first name: นายสมชาย ใจดี.
    name = (f"{answers.get('title') or ''}{answers.get('first_name') or ''} "
            f"{answers.get('last_name') or ''}").strip()
    store = uploads.store()
    due_day, due_at = clock.due_for(agency, service)
    with uploads.staged(store) as written, database.atomic():
        if draft is not None:
            held = _shown_slots(form, drafts.claim(draft))
        _check_room(service, agency, requester)
        request = create_request(
            prefix=service.ref_prefix, service_code=service.code, agency=agency,
            requester=requester, applicant_name=name,
            contact_phone=str(answers.get("phone") or ""), status=Status.SUBMITTED,
            payload=answers, channel=channel,
            due_date=due_day, due_at=due_at,
            # A built service's version: the request keeps the form it was
            # filled on, whatever its service becomes.
            form_code=service.answers_code if service.version is not None else "",
        )
        StatusEvent.create(request=request, from_status=None, to_status=Status.SUBMITTED,
                           actor=actor or requester, actor_role=Role.SYSTEM,
                           at=request.submitted_at,
                           remark=str(CHANNELS.get(channel, channel)) if channel != "web" else "")
        _save_files(request, files, store, written, actor or requester)
        _attach_held(request, held, actor or requester)
        if service.store:
            service.store(request, answers)
        audit.record("request_submitted", f"request:{request.reference}",
                     detail=f"{service.code} via {channel}", actor=actor or requester,
                     agency=request.agency_id)
        notify_change(request, None, Status.SUBMITTED)
    announce(request, None, Status.SUBMITTED, actor or requester, "")
    return request


def _shown_slots(form: FlaskForm | None, held: dict[str, HeldFile]) -> dict[str, HeldFile]:
    """The held files of slots the form still asks for: a file kept from an
    earlier round for a question the answers now hide is not attached."""
    hidden = getattr(form, "hidden_names", ())
    return {slot: h for slot, h in held.items() if f"file_{slot}" not in hidden}


def _check_room(service: Service, agency: Agency, requester: User | None) -> None:
    """A service's own limits, checked again inside the submit transaction
    (the form page checked them when drawn): its dates, its seats, one
    request per person. On PostgreSQL the agency's row is locked first, so
    two people sending at once cannot both take the last seat."""
    from flask_babel import gettext

    from ..db import supports_row_locks
    from .catalogue import not_taking_reason

    if not (service.opens_on or service.closes_on or service.max_requests
            or service.one_per_person):
        return
    if supports_row_locks():
        Agency.select(Agency.id).where(Agency.id == agency.id).for_update().execute()
    reason = not_taking_reason(agency, service)
    if reason:
        raise FieldError("", reason)
    if service.one_per_person and requester is None:
        # Recorded by staff or sent by a program: no account says who it is.
        raise FieldError("", gettext(
            "This service takes one request per person: the person sends it from their "
            "own account."))
    if service.one_per_person and requester is not None:
        earlier = (Request.select(Request.reference).where(
            (Request.requester == requester) & (Request.agency == agency)
            & (Request.service_code == service.code) & (Request.status != Status.CANCELLED))
            .first())
        if earlier is not None:
            raise FieldError("national_id", gettext(
                "You already have a request for this service (%(ref)s). Only one per person "
                "is taken; cancel that one first if it is wrong.", ref=earlier.reference))


def resubmit(request: Request, service: Service, form: FlaskForm,
             actor: User | None, draft: Draft | None = None) -> StatusEvent:
    """The requester's corrected answers and files, as one change.
    ``actor`` None: a guest, who passed the status check for this request.
    ``draft``: the confirmed draft, whose held files replace the sent ones."""

    files = check_files(form, service) if draft is None else {}
    held = _shown_slots(form, drafts.held(draft))  # confirmed; claimed again below
    answers = answers_from_form(form)
    if actor is not None or "national_id" in request.payload:
        answers["national_id"] = request.payload.get("national_id", "")
    changes = changed_labels(service, request.agency, request.payload, answers)
    changes += [str(service.slot(slot).label) for slot in [*files, *held]]
    expected = int(form.version.data or 0)
    store = uploads.store()
    with uploads.staged(store) as written, database.atomic():
        if draft is not None:
            held = _shown_slots(form, drafts.claim(draft))
        old = request.status
        returned_at = request.status_changed_at
        event = change_status(request, Status.RESUBMITTED, actor=actor, role=Role.REQUESTER,
                              expected_version=expected, changes=changes)
        request.due_date, request.due_at = clock.paused(request, returned_at, utcnow())
        (Request.update(payload=answers, contact_phone=str(answers.get("phone") or ""),
                        due_date=request.due_date, due_at=request.due_at)
         .where(Request.id == request.id).execute())
        request.payload = answers
        if files or held:
            (Attachment.update(replaced_at=utcnow())
             .where((Attachment.request == request)
                    & Attachment.slot.in_([*files, *held])
                    & Attachment.replaced_at.is_null() & (Attachment.is_result == False))  # noqa: E712
             .execute())
        _save_files(request, files, store, written, actor)
        _attach_held(request, held, actor)
        if service.store:
            service.store(request, answers)
        notify_change(request, old, Status.RESUBMITTED)
    announce(request, old, Status.RESUBMITTED, actor, "")
    return event


def staff_change(request: Request, to_status: str, actor: User, remark: str,
                 expected_version: int, result: uploads.CheckedFile | None = None,
                 ) -> StatusEvent:
    """A clerk's decision, with an optional result file for the requester."""
    store = uploads.store()
    old = request.status
    with uploads.staged(store) as written, database.atomic():
        event = change_status(request, to_status, actor=actor, role=Role.STAFF, remark=remark,
                              expected_version=expected_version)
        if result is not None:
            result = _verifiable(request, result)
            _save_files(request, {"result": result}, store, written, actor, is_result=True)
        notify_change(request, old, to_status, remark, result_ready=result is not None)
    announce(request, old, to_status, actor, remark)
    return event


def staff_reopen(request: Request, actor: User, remark: str,
                 expected_version: int) -> StatusEvent:
    """Back to work on a completed request whose requester asked for it (in
    the satisfaction survey: the hook ``take_reopen_ask``); the clock starts
    again from now. Only that ask opens it, and only once."""
    from flask_babel import lazy_gettext as _l


    service = get_service(request.service_code)
    not_asked = TransitionError(_l("The requester has not asked to reopen this request."))
    if service is None:
        raise not_asked
    with database.atomic():
        event = change_status(request, Status.IN_PROGRESS, actor=actor, role=Role.STAFF,
                              remark=remark, expected_version=expected_version, kind="reopen")
        # Raising here rolls the status change back with the transaction.
        if not plugin_manager().hook.take_reopen_ask(request=request, event=event):
            raise not_asked
        request.due_date, request.due_at = clock.due_for(request.agency, service)
        (Request.update(due_date=request.due_date, due_at=request.due_at)
         .where(Request.id == request.id).execute())
        notify_change(request, Status.COMPLETED, Status.IN_PROGRESS, remark)
    announce(request, Status.COMPLETED, Status.IN_PROGRESS, actor, remark)
    return event


def _verifiable(request: Request, result: uploads.CheckedFile) -> uploads.CheckedFile:
    """Give a result file its verification code; a PDF also carries it and
    its QR code on every page. The stored fingerprint is of the bytes kept."""
    from dataclasses import replace


    document = verify.reserve(f"result:{result.original_name}", request)
    if result.content_type == "application/pdf":
        result = replace(result, data=verify.stamp_pdf(result.data, document.code))
    verify.seal(document, result.data)
    return result


def requester_cancel(request: Request, actor: User, expected_version: int) -> StatusEvent:
    old = request.status
    with database.atomic():
        event = change_status(request, Status.CANCELLED, actor=actor, role=Role.REQUESTER,
                              expected_version=expected_version)
        notify_change(request, old, Status.CANCELLED)
    announce(request, old, Status.CANCELLED, actor, "")
    return event



