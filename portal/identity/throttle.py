"""Refuse logins for a while after repeated wrong passwords for one ID.

Kept in the database so every web process agrees; the per-address burst
limit is Flask-Limiter's job (see ``LOGIN_RATE_LIMIT``).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from ..db import database
from ..models import LoginThrottle
from ..thai import utcnow


def locked_until(key: str) -> dt.datetime | None:
    row = LoginThrottle.get_or_none(LoginThrottle.key == key)
    if row and row.locked_until and row.locked_until > utcnow():
        return row.locked_until
    return None


def record_failure(key: str) -> None:
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    minutes = current_app.config["LOGIN_LOCK_MINUTES"]
    now = utcnow()
    with database.atomic():
        row, _ = LoginThrottle.get_or_create(key=key)
        # A lock that has run out starts a fresh count.
        if row.locked_until and row.locked_until <= now:
            row.failures, row.locked_until = 0, None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= limit:
            row.locked_until = now + dt.timedelta(minutes=minutes)
        row.save()


def clear(key: str) -> None:
    LoginThrottle.delete().where(LoginThrottle.key == key).execute()
