"""Personal data under the PDPA (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562):
who may see a full national ID, a person's copy of everything we hold about
them, account deletion that keeps the agency's statistics, and deleting the
files of closed requests after the agency's retention period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee as pw
from flask_babel import gettext as _

from ..base import audit
from ..base.links import public_url, status_check_url
from ..db import database
from ..files.uploads import store
from ..forms.fields import display_answers
from ..i18n import show_iso
from ..identity import access
from ..models import (
    Agency,
    Attachment,
    AuditLog,
    ExternalAccount,
    LoginSession,
    LoginThrottle,
    Membership,
    Notice,
    Notification,
    PasswordReset,
    Request,
    StatusEvent,
    StepEvent,
    User,
)
from ..plugins.manager import all_services, answers_service, plugin_manager
from ..thai import mask_national_id, to_local, utcnow
from .lifecycle import FINAL_STATUSES, OPEN_STATUSES, STATUS_LABELS

# What an anonymised account and its requests are called from then on.
DELETED_NAME = "ผู้ใช้ที่ลบบัญชีแล้ว"


def placeholder_id(row_id: int) -> str:
    """Stands in for an erased national ID in a unique column: 13 characters,
    unique per row, and a letter, which the login form can never send."""
    return f"x{row_id:012d}"[:13]


class PrivacyError(ValueError):
    """Why an account cannot be deleted now; the text is for the person."""


# ------------------------------------------------------- national IDs ---


def sees_full_numbers(user: Any, agency_id: int | None) -> bool:
    """Whether the agency admin marked ``user`` as needing full national ID
    and bank account numbers in that agency's lists and exports (the clerk
    who sends the elderly allowance roster on)."""
    return agency_id is not None and any(m.agency_id == agency_id and m.sees_national_ids
                                         for m in access.memberships(user))


def national_id_for(user: Any, value: str, agency_id: int | None) -> str:
    """``value`` in full for staff whose agency admin allowed it, else masked.

    Lists and exports go through this; a page about one request that the
    staff member handles shows the number in full, because processing it
    needs the number.
    """
    if not (value or "").isdigit():  # an anonymised placeholder
        return "-"
    return value if sees_full_numbers(user, agency_id) else mask_national_id(value)


def mask_account_number(value: str) -> str:
    """``xxxxxx6789``: the last four digits, as banks print them."""
    value = value or ""
    return value if len(value) <= 4 else "x" * (len(value) - 4) + value[-4:]


def account_number_for(user: Any, value: str, agency_id: int | None) -> str:
    """A bank account number under the national ID's rule: in full for the
    staff allowed full numbers, the last four digits for everyone else."""
    if not value:
        return ""
    return value if sees_full_numbers(user, agency_id) else mask_account_number(value)


# ------------------------------------------------------ data download ---


def _iso(value: Any) -> Any:
    # Instants with their offset (+07:00): a program reading the file must
    # not take the stored UTC for Bangkok time.
    if isinstance(value, dt.datetime):
        return show_iso(value)
    return value.isoformat() if isinstance(value, (dt.date, dt.time)) else value


def personal_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about ``user``, as plain JSON-able data."""

    services = all_services()
    pm = plugin_manager()
    requests = []
    for req in (Request.select(Request, Agency).join(Agency)
                .where(Request.requester == user).order_by(Request.submitted_at)):
        service = services.get(req.service_code)
        form_service = answers_service(req) or service
        events = (StatusEvent.select(StatusEvent, User)
                  .join(User, on=(StatusEvent.actor == User.id), join_type=pw.JOIN.LEFT_OUTER)
                  .where(StatusEvent.request == req).order_by(StatusEvent.at, StatusEvent.id))
        files = Attachment.select().where(Attachment.request == req).order_by(Attachment.id)
        requests.append({
            "reference": req.reference,
            "service": str(service.title) if service else req.service_code,
            "agency": req.agency.name_th,
            "status": req.status,
            "status_label": str(STATUS_LABELS.get(req.status, req.status)),
            "submitted_at": _iso(req.submitted_at),
            "status_changed_at": _iso(req.status_changed_at),
            "due_date": _iso(req.due_date),
            "channel": req.channel,
            "applicant_name": req.applicant_name,
            "contact_phone": req.contact_phone,
            "answers": req.payload,
            "answers_as_shown": [
                {"label": str(label), "text": text}
                for label, text in (display_answers(form_service, req.payload, req.agency)
                                    if form_service else [])],
            "message_from_staff": req.staff_message,
            "history": [{
                "at": _iso(e.at), "from": e.from_status, "to": e.to_status,
                "to_label": str(STATUS_LABELS.get(e.to_status, e.to_status)),
                "by": e.actor.full_name if e.actor else "", "by_role": e.actor_role,
                "remark": e.remark, "changed": e.changes} for e in events],
            "files": [{
                "slot": f.slot, "name": f.original_name, "type": f.content_type,
                "size": f.size, "sha256": f.sha256, "uploaded_at": _iso(f.uploaded_at),
                "from_staff": f.is_result, "replaced_at": _iso(f.replaced_at),
                "deleted_under_retention_at": _iso(f.purged_at),
                "download": None if f.purged_at else public_url(
                    "requester.download", attachment_id=f.id)}
                for f in files],
        })
        # A plugin adds its own parts; it cannot replace the core's.
        entry = requests[-1]
        entry.update({k: v for k, v in _plugin_data(pm, req).items()
                      if k not in entry and k != "status_check"})
        entry["status_check"] = status_check_url(req.reference)
    return {
        "exported_at": _iso(utcnow()),
        "account": {
            "national_id": user.national_id, "title": user.title,
            "first_name": user.first_name, "last_name": user.last_name,
            "phone": user.phone, "email": user.email,
            "registered_at": _iso(user.created_at),
            "pdpa_consent_at": _iso(user.pdpa_consent_at),
        },
        "requests": requests,
        "notifications": [{"at": _iso(n.created_at), "text": n.text, "read_at": _iso(n.read_at)}
                          for n in Notice.select().where(Notice.user == user)
                          .order_by(Notice.created_at)],
        "linked_accounts": [{"provider": a.provider, "id": a.subject, "name": a.display_name,
                             "linked_at": _iso(a.created_at)}
                            for a in ExternalAccount.select().where(ExternalAccount.user == user)
                            .order_by(ExternalAccount.created_at)],
        "sign_ins": [{"at": _iso(s.created_at), "ip": s.ip, "browser": s.user_agent,
                      "ended_at": _iso(s.ended_at)}
                     for s in LoginSession.select().where(LoginSession.user == user)
                     .order_by(LoginSession.created_at)],
        "activity": [{"at": _iso(a.at), "action": a.action, "target": a.target, "ip": a.ip}
                     for a in AuditLog.select().where(AuditLog.actor == user)
                     .order_by(AuditLog.at)],
    }


def _plugin_data(pm: Any, req: Request) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in pm.hook.request_personal_data(request=req):
        out.update(part or {})
    return out


# --------------------------------------------------- account deletion ---


def deletion_blockers(user: User) -> list[str]:
    """Why ``user`` cannot delete their account now (empty: they can)."""
    reasons = []
    if user.deleted_at is not None:
        reasons.append(_("This account has already been deleted."))
    if user.is_system_admin or Membership.select().where(Membership.user == user).exists():
        reasons.append(_("A staff account cannot delete itself. Ask your agency admin to "
                         "remove you from the agency first."))
    open_refs = [r.reference for r in Request.select(Request.reference).where(
        (Request.requester == user) & Request.status.in_(list(OPEN_STATUSES)))]
    if open_refs:
        reasons.append(_("These requests are still being handled: %(refs)s. Cancel them "
                         "or wait until they are finished, then delete the account.",
                         refs=", ".join(open_refs)))
    return reasons


def anonymise(user: User) -> int:
    """Delete ``user``'s account by anonymising it, in one transaction.

    The account row and its requests stay, so counts, times and satisfaction
    scores in staff statistics do not change; every name, number, answer,
    remark and file that could identify anyone goes. Files are removed from
    disk after the commit. Returns the number of requests anonymised.

    :raises PrivacyError: with the reasons of :func:`deletion_blockers`.
    """

    reasons = deletion_blockers(user)
    if reasons:
        raise PrivacyError(" ".join(reasons))
    pm = plugin_manager()
    with database.atomic():
        requests = list(Request.select().where(Request.requester == user))
        ids = [r.id for r in requests]
        files = [a.stored_name for a in Attachment.select(Attachment.stored_name).where(
            Attachment.request.in_(ids) & Attachment.purged_at.is_null())] if ids else []
        for req in requests:
            pm.hook.forget_request(request=req)
        if ids:
            (Request.update(applicant_name=DELETED_NAME, contact_phone="", payload={},
                            staff_message="").where(Request.id.in_(ids)).execute())
            StatusEvent.update(remark="").where(StatusEvent.request.in_(ids)).execute()
            StepEvent.update(note="", value="").where(StepEvent.request.in_(ids)).execute()
            Attachment.delete().where(Attachment.request.in_(ids)).execute()
            Notification.delete().where(Notification.request.in_(ids)).execute()
        if user.email:
            Notification.delete().where(Notification.recipient == user.email).execute()
        Notice.delete().where(Notice.user == user).execute()
        LoginSession.delete().where(LoginSession.user == user).execute()
        PasswordReset.delete().where(PasswordReset.user == user).execute()
        # Messages about the account itself (a reset link) went to chats too.
        chat_ids = [a.subject for a in ExternalAccount.select().where(ExternalAccount.user == user)]
        if chat_ids:
            Notification.delete().where(Notification.request.is_null()
                                        & (Notification.channel != "email")
                                        & Notification.recipient.in_(chat_ids)).execute()
        # ThaID or LINE must not sign anyone into the emptied account, nor
        # LINE messages follow it.
        ExternalAccount.delete().where(ExternalAccount.user == user).execute()
        LoginThrottle.delete().where(LoginThrottle.key == user.national_id).execute()
        audit.record("account_deleted", f"user:{user.id}",
                     detail=f"requests anonymised: {len(ids)}", actor=user)
        user.national_id = placeholder_id(user.id)
        user.title, user.first_name, user.last_name = "", DELETED_NAME, ""
        user.phone = user.email = ""
        user.password_hash = "!"
        user.active = False
        user.pdpa_consent_at = None
        user.deleted_at = utcnow()
        user.save()
    files_store = store()
    for name in files:
        files_store.delete(name)
    return len(ids)


# ---------------------------------------------------------- retention ---


def purge_closed_files(now: dt.datetime | None = None) -> int:
    """Delete the requester's files of requests closed longer ago than their
    agency's ``attachment_retention_days``. Results from staff stay, so a
    person can still download their certificate. Returns files deleted."""

    now = now or utcnow()
    purged: list[str] = []
    for agency in Agency.select().where(Agency.attachment_retention_days.is_null(False)):
        closed_before = now - dt.timedelta(days=agency.attachment_retention_days)
        with database.atomic():
            rows = list(Attachment.select(Attachment.id, Attachment.stored_name)
                        .join(Request)
                        .where((Request.agency == agency)
                               & Request.status.in_(list(FINAL_STATUSES))
                               & (Request.status_changed_at < closed_before)
                               & Attachment.purged_at.is_null() & ~Attachment.is_result))
            if not rows:
                continue
            (Attachment.update(purged_at=now)
             .where(Attachment.id.in_([r.id for r in rows])).execute())
            audit.record("files_purged", f"agency:{agency.id}", agency=agency,
                         # The cut-off as the office's clock read it, offset and all.
                         detail=f"{len(rows)} files of requests closed before "
                                f"{to_local(closed_before).isoformat(timespec='minutes')}")
        purged += [r.stored_name for r in rows]
    files_store = store()
    for name in purged:
        files_store.delete(name)
    return len(purged)
