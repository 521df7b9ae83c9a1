"""Append-only record of who did what, when and from where."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from .models import AuditLog, User


def record(action: str, target: str = "", detail: str = "", actor: User | None = None) -> None:
    ip = ""
    if has_request_context():
        ip = request.remote_addr or ""
        if actor is None and getattr(current_user, "is_authenticated", False):
            actor = current_user._get_current_object()
    AuditLog.create(actor=actor, ip=ip, action=action, target=target[:120], detail=detail)
