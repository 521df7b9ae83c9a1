"""Wrong passwords for one national ID: the address that sends them is
locked out of that ID for a while; everywhere else the ID is only slowed
down, so nobody can lock an official out by knowing their ID.

The same counters guard the status check's second factor (4 digits of a
phone number) per reference number: ``kind="ref"``.

Kept in the database so every web process agrees; the per-address burst
limit over all IDs is Flask-Limiter's job (see ``LOGIN_RATE_LIMIT``).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from ..db import database
from ..models import LoginThrottle
from ..thai import utcnow


def _keys(national_id: str, source: str, kind: str = "nid") -> tuple[str, str]:
    return f"{kind}:{national_id}@{source}"[:64], f"{kind}:{national_id}"


def locked_until(national_id: str, source: str, kind: str = "nid") -> dt.datetime | None:
    """Until when ``source`` may not try ``national_id`` at all."""
    row = LoginThrottle.get_or_none(LoginThrottle.key == _keys(national_id, source, kind)[0])
    if row and row.locked_until and row.locked_until > utcnow():
        return row.locked_until
    return None


def wait_seconds(national_id: str, kind: str = "nid") -> int:
    """Seconds anyone must still wait before trying ``national_id`` again:
    none for the first LOGIN_MAX_FAILURES wrong passwords from all
    addresses together, then doubling up to LOGIN_SLOWDOWN_MAX_SECONDS."""
    row = LoginThrottle.get_or_none(LoginThrottle.key == _keys(national_id, "", kind)[1])
    config = current_app.config
    over = row.failures - config["LOGIN_MAX_FAILURES"] if row else -1
    if over < 0:
        return 0
    delay = min(2 ** min(over, 30), config["LOGIN_SLOWDOWN_MAX_SECONDS"])
    left = (row.last_failure_at + dt.timedelta(seconds=delay) - utcnow()).total_seconds()
    return max(0, int(left + 0.999))


def record_failure(national_id: str, source: str, kind: str = "nid") -> None:
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    minutes = current_app.config["LOGIN_LOCK_MINUTES"]
    now = utcnow()
    source_key, id_key = _keys(national_id, source, kind)
    with database.atomic():
        for key in (source_key, id_key):
            row, _ = LoginThrottle.get_or_create(key=key)
            # A lock that has run out starts a fresh count.
            if row.locked_until and row.locked_until <= now:
                row.failures, row.locked_until = 0, None
            row.failures += 1
            row.last_failure_at = now
            if key == source_key and row.failures >= limit:
                row.locked_until = now + dt.timedelta(minutes=minutes)
            row.save()


def clear(national_id: str, source: str, kind: str = "nid") -> None:
    """The right password: this address's count and the ID's slow-down end."""
    LoginThrottle.delete().where(
        LoginThrottle.key.in_(_keys(national_id, source, kind))).execute()


def lift(national_id: str) -> int:
    """A password reset proved who this is: every address's lock on the ID
    and its slow-down end. Returns how many counters were removed."""
    source_prefix, id_key = _keys(national_id, "")
    return LoginThrottle.delete().where(
        (LoginThrottle.key == id_key) | LoginThrottle.key.startswith(source_prefix)).execute()
