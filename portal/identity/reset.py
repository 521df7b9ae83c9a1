"""Forgot password: setting a new password without the old one.

Four ways in, one way through. A person asks on the login page and gets a
link by e-mail (and LINE when linked); an agency admin sends the same link
to a member of staff; the operator prints one with ``flask users
reset-password``; a citizen without e-mail is checked in person by counter
staff, who hand over a short code instead. Each is a row of
``password_reset`` holding a keyed hash of the secret, spent by its first
use inside the transaction that sets the password.

Why rows and not a self-checking signed token (itsdangerous with a per-user
nonce): a counter code is eight digits, too short to carry a signature, so
it has to be looked up anyway; a row is spent with one conditional UPDATE,
so of two tabs racing with one link only one wins; and a row names who
issued it, for the audit log. Any password change spends every open row of
the person, which is what the nonce would have given.

The HMAC is keyed with SECRET_KEY: a copy of the database alone cannot try
the 10^8 codes offline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from flask import current_app

from ..base import audit, outbox
from ..base.links import public_url
from ..db import database
from ..models import Agency, Membership, PasswordReset, User
from ..plugins.manager import collect, plugin_manager
from ..thai import utcnow
from . import sessions, throttle
from .passwords import hash_password

SELF_SERVICE, BY_ADMIN, BY_OPERATOR, COUNTER_CODE = (
    "email_link", "admin_link", "operator_link", "counter_code")
LINK_PURPOSES = (SELF_SERVICE, BY_ADMIN, BY_OPERATOR)
CODE_DIGITS = 8
# Spent or expired rows are kept a day for a person asking "why did my link
# not work", then swept as new ones are issued.
KEEP_SPENT = dt.timedelta(days=1)


def lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=int(current_app.config["PASSWORD_RESET_MINUTES"]))


def _digest(secret: str) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"password-reset",
                   hashlib.sha256).digest()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def _code_secret(user_id: int, code: str) -> str:
    # A code is short: bound to its person, so two people's equal codes are
    # two different hashes and a code is no use with another national ID.
    return f"code:{user_id}:{code}"


def _issue(user: User, purpose: str, secret: str, issued_by: User | None) -> PasswordReset:
    now = utcnow()
    PasswordReset.delete().where(PasswordReset.expires_at < now - KEEP_SPENT).execute()
    return PasswordReset.create(user=user, token_hash=_digest(secret), purpose=purpose,
                                created_at=now, expires_at=now + lifetime(),
                                issued_by=issued_by)


def may_reset(user: User | None) -> bool:
    """Accounts a reset can be for: open, not deleted."""
    return user is not None and bool(user.active) and user.deleted_at is None


def is_staff_account(user: User) -> bool:
    return bool(user.is_system_admin) or Membership.select().where(
        Membership.user == user).exists()


def issue_link(user: User, purpose: str,
               issued_by: User | None = None) -> tuple[str, PasswordReset]:
    """A new single-use link for ``user`` (on PUBLIC_BASE_URL) and its row."""
    token = secrets.token_urlsafe(32)
    row = _issue(user, purpose, f"link:{token}", issued_by)
    return public_url("identity.reset_link", token=token), row


def issue_code(user: User, issued_by: User) -> tuple[str, PasswordReset]:
    """A new counter code for ``user``: eight digits, shown to the staff
    member once, typed by the person with their national ID."""
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    # Only the latest code works: one handed over earlier (and maybe lost
    # at the counter) is spent.
    (PasswordReset.update(used_at=utcnow())
     .where((PasswordReset.user == user) & (PasswordReset.purpose == COUNTER_CODE)
            & PasswordReset.used_at.is_null()).execute())
    return code, _issue(user, COUNTER_CODE, _code_secret(user.id, code), issued_by)


def channels_of(user: User) -> list[tuple[str, str]]:
    """Where messages about the account go: the e-mail address, and the
    chat channels plugins know for the person (LINE)."""
    mail = [("email", user.email)] if "@" in (user.email or "") else []
    return mail + collect(plugin_manager(), "message_channels", user=user)


def send_link(user: User, purpose: str, issued_by: User | None = None,
              agency: Agency | None = None) -> list[str]:
    """Issue a link and queue it to every channel the person has. Nothing
    is issued when there is none. Returns the channels used. Call inside a
    transaction; the caller kicks the outbox once it is committed."""
    channels = channels_of(user)
    if not channels:
        return []
    url, row = issue_link(user, purpose, issued_by)
    for channel, address in channels:
        outbox.queue(address, "password_reset", None, channel=channel, user=user, url=url,
                     expires_at=row.expires_at, agency=agency)
    return [channel for channel, _address in channels]


def _open(query: Any) -> Any:
    return query.where(PasswordReset.used_at.is_null()
                       & (PasswordReset.expires_at > utcnow()))


def find_link(token: str) -> PasswordReset | None:
    """The open row of a link's token; None if it never existed, was
    altered, is spent or has expired."""
    if not token or len(token) > 100:
        return None
    return _open(PasswordReset.select().where(
        (PasswordReset.token_hash == _digest(f"link:{token}"))
        & PasswordReset.purpose.in_(LINK_PURPOSES))).first()


def find_code(national_id: str, code: str) -> PasswordReset | None:
    """The open counter code ``code`` of the person with ``national_id``."""
    user = User.get_or_none(User.national_id == national_id)
    if user is None or not code:
        return None
    return _open(PasswordReset.select().where(
        (PasswordReset.token_hash == _digest(_code_secret(user.id, code)))
        & (PasswordReset.purpose == COUNTER_CODE))).first()


def still_open(reset_id: int) -> PasswordReset | None:
    return _open(PasswordReset.select().where(PasswordReset.id == reset_id)).first()


def set_password(user: User, password: str) -> int:
    """The one way a password changes: every sign-in of ``user`` but the one
    in ``user.login_key`` (if any) ends, and every open reset link or code
    is spent. Returns how many sign-ins ended. Call inside a transaction."""
    user.password_hash = hash_password(password)
    user.save()
    (PasswordReset.update(used_at=utcnow())
     .where((PasswordReset.user == user) & PasswordReset.used_at.is_null()).execute())
    return sessions.end_others(user) if user.login_key else sessions.end_all(user)


def complete(reset_id: int, password: str) -> User | None:
    """Spend the reset and set the password: the other sign-ins end, the
    lockout on the ID lifts, the person is told on their channels. None when
    the row was spent (another tab was quicker) or has expired meanwhile."""
    with database.atomic():
        now = utcnow()
        spent = (PasswordReset.update(used_at=now)
                 .where((PasswordReset.id == reset_id) & PasswordReset.used_at.is_null()
                        & (PasswordReset.expires_at > now)).execute())
        if spent != 1:
            return None
        row = PasswordReset.get_by_id(reset_id)
        user = User.get_by_id(row.user_id)
        if not may_reset(user):
            return None
        ended = set_password(user, password)
        lifted = throttle.lift(user.national_id)
        audit.record("password_reset", f"user:{user.id}", actor=user,
                     detail=f"{row.purpose}; other sessions ended: {ended}; "
                            f"lockout lifted: {int(bool(lifted))}")
        tell_changed(user)
    return user


def tell_changed(user: User) -> None:
    """A note on the person's channels that their password was changed, so
    a reset they did not make does not go unnoticed."""
    for channel, address in channels_of(user):
        outbox.queue(address, "password_changed", None, channel=channel, user=user,
                     changed_at=utcnow())
