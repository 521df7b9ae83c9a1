"""Append-only record of who did what, when and from where."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from ..models import Agency, AuditLog, User


def record(action: str, target: str = "", detail: str = "", actor: User | None = None,
           agency: Agency | int | None = None) -> None:
    """Write one entry.

    :param agency: the agency the action concerned (the request's, the
        settings'), whoever acted: its agency admins read the entry. None —
        a sign-in, a person's own data, system settings — leaves it to system
        admins. Never the actor's agency: anyone can be made a member.
    """
    ip = ""
    if has_request_context():
        ip = request.remote_addr or ""
        if actor is None and getattr(current_user, "is_authenticated", False):
            actor = current_user._get_current_object()
    agency_id = agency.id if isinstance(agency, Agency) else agency
    AuditLog.create(actor=actor, ip=ip, action=action, target=target[:120], detail=detail,
                    agency=agency_id)
