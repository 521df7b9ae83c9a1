"""Check answers before sending (GOV.UK's "check answers" pattern): a request
form is first kept as a draft, with the files that passed the upload checks
held in the file store, and becomes a request only when the person confirms
on the check page.

A draft belongs to one browser session (a random key in its cookie, only a
hash of it stored) and, when signed in, to one person: another browser, or
another person in the same browser, finds nothing under its token. Drafts
and their files are swept a day after their last change (portal.base.jobs), a
guest's after two hours.

Files held for guests cost disk to people nobody can name, so they are
bounded three ways: one draft per browser and form (posting the blank form
again discards the earlier one), the guest form's rate limit on posts that
carry a file (``GUEST_FILE_RATE_LIMIT``, per address), and a ceiling on the
bytes held for all guests together (``GUEST_HELD_MAX_BYTES``), past which a
guest is asked to try later or sign in. A signed-in person's unsent forms
have a ceiling of their own (``USER_HELD_MAX_BYTES``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import peewee as pw
from flask import current_app, session
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..db import database, is_postgres
from ..files import uploads
from ..models import Agency, Draft, HeldFile, Request, User
from ..thai import utcnow

if TYPE_CHECKING:
    from flask_wtf import FlaskForm

    from ..plugins.services import Service

HOLDER_KEY = "draft_holder"
LIFETIME = dt.timedelta(days=1)
GUEST_LIFETIME = dt.timedelta(hours=2)
# Posted fields that are not answers to keep: the form's token, the robot
# check (spent on the check page) and the buttons.
_NOT_KEPT = {"csrf_token", "draft", "captcha", "altcha", "review"}


def _holder() -> str:
    """This browser session's key, made on first use; its hash is the owner."""
    key = session.get(HOLDER_KEY)
    if not isinstance(key, str) or len(key) < 20:
        key = session[HOLDER_KEY] = secrets.token_urlsafe(24)
    return hashlib.sha256(key.encode()).hexdigest()


def find(token: str | None, *, user: User | None, agency: Agency, service: Service,
         request: Request | None = None) -> Draft | None:
    """The draft under ``token`` if this session and person own it and it is
    of this form; None otherwise (someone else's token finds nothing)."""
    if not token or not isinstance(token, str) or len(token) > 64:
        return None
    draft = Draft.get_or_none(Draft.token == token)
    if draft is None or not secrets.compare_digest(draft.holder, _holder()):
        return None
    if (draft.user_id != (user.id if user else None) or draft.agency_id != agency.id
            or draft.service_code != service.code
            or draft.request_id != (request.id if request else None)
            or draft.updated_at < utcnow() - _lifetime(draft.user_id)):
        return None
    return draft


def _lifetime(user_id: int | None) -> dt.timedelta:
    return LIFETIME if user_id is not None else GUEST_LIFETIME


def keep(draft: Draft | None, posted: MultiDict, *, fields: Iterable[str], user: User | None,
         agency: Agency, service: Service, request: Request | None = None) -> Draft:
    """Save the posted answers to ``fields`` into ``draft`` (a new one if None)."""
    # Only the form's own answers (a date's parts are "<name>-day" …): a
    # posted key of no field is not kept for a day.
    names = set(fields)
    formdata = {k: posted.getlist(k) for k in posted if k not in _NOT_KEPT
                and not k.startswith("file_") and k.partition("-")[0] in names}
    if draft is None:
        # The same browser posting the blank form again (a reload, a second
        # tab): its earlier draft of this form goes, files and all, rather
        # than piling up beside the new one. A check page still open on it
        # then finds nothing: it cannot send the new answers unseen.
        for old in Draft.select().where(
                (Draft.holder == _holder()) & (Draft.user == (user.id if user else None))
                & (Draft.agency == agency) & (Draft.service_code == service.code)
                & (Draft.request == (request.id if request else None))):
            discard(old)
        return Draft.create(token=secrets.token_urlsafe(24), holder=_holder(), user=user,
                            agency=agency, service_code=service.code, request=request,
                            formdata=formdata, updated_at=utcnow())
    draft.formdata, draft.updated_at = formdata, utcnow()
    draft.save()
    return draft


def formdata(draft: Draft) -> MultiDict:
    return MultiDict([(k, v) for k, values in draft.formdata.items() for v in values])


def held(draft: Draft | None) -> dict[str, HeldFile]:
    """slot -> the file held for it."""
    if draft is None:
        return {}
    return {h.slot: h for h in HeldFile.select().where(HeldFile.draft == draft)}


def _lock(draft: Draft) -> bool:
    """Lock the draft's row for this transaction (PostgreSQL; SQLite has one
    writer at a time anyway). False when it is gone: sent or discarded."""
    query = Draft.select(Draft.id).where(Draft.id == draft.id)
    return (query.for_update() if is_postgres() else query).exists()


def discard(draft: Draft) -> None:
    """The draft and its held files go (rows in one transaction, under the
    row lock a confirmation takes too; the bytes after the commit)."""
    with database.atomic():
        if not _lock(draft):
            return
        gone = list(HeldFile.select().where(HeldFile.draft == draft))
        HeldFile.delete().where(HeldFile.draft == draft).execute()
        Draft.delete().where(Draft.id == draft.id).execute()
    files = uploads.store()
    for h in gone:
        files.delete(h.stored_name)


def _room(draft: Draft, size: int) -> bool:
    """Is there room for ``size`` more bytes: under the ceiling for all
    guests together, or under the one for this person's unsent forms?"""
    if draft.user_id is None:
        ceiling, whose = current_app.config["GUEST_HELD_MAX_BYTES"], Draft.user.is_null()
    else:
        ceiling, whose = current_app.config["USER_HELD_MAX_BYTES"], Draft.user == draft.user_id
    used = (HeldFile.select(pw.fn.COALESCE(pw.fn.SUM(HeldFile.size), 0))
            .join(Draft).where(whose).scalar())
    return int(used or 0) + size <= int(ceiling)


def hold_files(draft: Draft, form: FlaskForm, service: Service) -> dict[str, str]:
    """Check every newly chosen file with the upload checks; keep those that
    pass (replacing the one held for the slot). Returns field name -> the
    refusal, so the form reports them in the same round as the fields."""
    errors: dict[str, str] = {}
    files = uploads.store()
    for slot in service.slots:
        field = getattr(form, f"file_{slot.name}", None)
        try:
            checked = uploads.check(field.data if field else None, slot.kinds)
        except uploads.UploadError as exc:
            errors[f"file_{slot.name}"] = str(exc)
            continue
        if checked is None:
            continue
        if not _room(draft, len(checked.data)):
            errors[f"file_{slot.name}"] = _(
                "Files from people who are not signed in cannot be taken just now. "
                "Please try again later, or sign in and send the form.") \
                if draft.user_id is None else _(
                "Too many files wait in your unsent forms. Please send those forms, "
                "or try again tomorrow.")
            continue
        name = files.write(checked)
        try:
            with database.atomic():
                old = HeldFile.get_or_none((HeldFile.draft == draft)
                                           & (HeldFile.slot == slot.name))
                if old is not None:
                    old.delete_instance()
                HeldFile.create(draft=draft, slot=slot.name,
                                original_name=checked.original_name, stored_name=name,
                                content_type=checked.content_type, size=len(checked.data),
                                sha256=checked.sha256)
        except BaseException:
            files.delete(name)
            raise
        if old is not None:
            files.delete(old.stored_name)
    return errors


class DraftGone(Exception):
    """The draft was sent (or swept) by another request meanwhile."""


def claim(draft: Draft) -> dict[str, HeldFile]:
    """Take the draft for the request being made, first thing inside its
    transaction, and return its held files as they are now (slot -> file):
    their rows go, their stored files now belong to the attachments made
    from them. A second press of the button (two taps, two tabs), or a
    draft discarded meanwhile, stops here before anything is created: the
    row lock makes it wait for the other, then find the draft gone."""
    if not _lock(draft):
        raise DraftGone(draft.token)
    taken = {h.slot: h for h in HeldFile.select().where(HeldFile.draft == draft)}
    HeldFile.delete().where(HeldFile.draft == draft).execute()
    if Draft.delete().where(Draft.id == draft.id).execute() != 1:
        raise DraftGone(draft.token)
    return taken


def sweep(now: dt.datetime | None = None) -> int:
    """Drafts untouched for a day (a guest's for two hours) go, with their
    held files: what nobody confirmed is not kept. Returns the number of
    files deleted."""
    now = now or utcnow()
    old = (((Draft.updated_at < now - LIFETIME) & Draft.user.is_null(False))
           | ((Draft.updated_at < now - GUEST_LIFETIME) & Draft.user.is_null()))
    files = uploads.store()
    stale = Draft.select(Draft.id).where(old)
    gone = list(HeldFile.select().where(HeldFile.draft.in_(stale)))
    with database.atomic():
        HeldFile.delete().where(HeldFile.draft.in_(stale)).execute()
        Draft.delete().where(old).execute()
    # After the commit: a rollback never leaves a row without its file.
    for h in gone:
        files.delete(h.stored_name)
    return len(gone)


def form_of(draft: Draft, form_class: type[FlaskForm], **kwargs: Any) -> FlaskForm:
    """The draft's answers in a fresh form, with no CSRF of its own (the
    check page's own form carries the token)."""
    return form_class(formdata=formdata(draft), meta={"csrf": False}, **kwargs)
