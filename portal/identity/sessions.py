"""Sign-ins as server-side rows: a new key at every login, ended by logout,
by a password change (everywhere else), by age and by a while unused."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from flask import current_app, has_request_context, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..base.safe_urls import local_path
from ..models import LoginSession, Membership, User
from ..thai import utcnow
from . import access


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# Last use is written at most this often: a clerk's every page would
# otherwise be a write.
SEEN_EVERY = dt.timedelta(minutes=1)


def idle_minutes_for(user: User) -> int:
    config = current_app.config
    staff = user.is_system_admin or Membership.select().where(Membership.user == user).exists()
    return int(config["SESSION_IDLE_MINUTES_STAFF" if staff else "SESSION_IDLE_MINUTES"])


def start(user: User) -> None:
    """Sign ``user`` in with a fresh key; any key the browser had is gone,
    and so is the form token issued before sign-in (it could have been
    planted by whoever prepared the browser)."""
    key = secrets.token_urlsafe(32)
    ip = agent = ""
    if has_request_context():
        ip = request.remote_addr or ""
        agent = (request.user_agent.string or "")[:200]
        session.pop("csrf_token", None)
        _forget_the_browsers_guest()
    now = utcnow()
    LoginSession.create(key_hash=_hash(key), user=user, ip=ip, user_agent=agent,
                        created_at=now, last_seen_at=now, idle_minutes=idle_minutes_for(user))
    user.login_key = key
    login_user(user)


def end(user: User) -> None:
    """Log out: this browser's key stops working, even if someone copied it."""
    if user.login_key:
        (LoginSession.update(ended_at=utcnow())
         .where(LoginSession.key_hash == _hash(user.login_key)).execute())
    logout_user()
    if has_request_context():
        _forget_the_browsers_guest()


# What a browser holds for whoever used it without an account: the requests
# whose status check it passed or that it sent (portal.requests.pages), and
# the key of its unsent drafts (portal.requests.drafts). Signing in or out is a new
# person at the keyboard (an office's shared computer): they go.
GUEST_KEYS = ("status_checked", "draft_holder")


def _forget_the_browsers_guest() -> None:
    for key in GUEST_KEYS:
        session.pop(key, None)


def end_others(user: User) -> int:
    """Every other sign-in of ``user`` ends (after a password change)."""
    query = LoginSession.update(ended_at=utcnow()).where(
        (LoginSession.user == user) & LoginSession.ended_at.is_null()
        & (LoginSession.key_hash != _hash(user.login_key)))
    return query.execute()


def end_all(user: User) -> int:
    """Every sign-in of ``user`` ends (account deactivated or deleted)."""
    return (LoginSession.update(ended_at=utcnow())
            .where((LoginSession.user == user) & LoginSession.ended_at.is_null()).execute())


def load(cookie_id: str) -> User | None:
    """The user of a live sign-in, for Flask-Login's user_loader."""
    uid, _sep, key = cookie_id.partition(":")
    if not uid.isdigit() or not key or len(uid) > 18:
        return None
    now = utcnow()
    oldest = now - dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    row = (LoginSession.select(LoginSession, User).join(User)
           .where((LoginSession.key_hash == _hash(key)) & (LoginSession.user == int(uid))
                  & LoginSession.ended_at.is_null() & (LoginSession.created_at > oldest))
           .first())
    if row is None or not row.user.active:
        return None
    seen = row.last_seen_at or row.created_at
    if now - seen > dt.timedelta(minutes=row.idle_minutes):
        LoginSession.update(ended_at=now).where(LoginSession.id == row.id).execute()
        return None
    if now - seen >= SEEN_EVERY:
        LoginSession.update(last_seen_at=now).where(LoginSession.id == row.id).execute()
    user = row.user
    user.login_key = key
    return user


def home_for(user: Any) -> str:
    """Where a person lands after signing in: staff (and system admins) on
    the staff pages, where their work is; everyone else on their requests."""
    return url_for("admin.index") if access.is_staff(user) else url_for("requester.my_requests")


def next_page(target: str | None, user: Any = None) -> str:
    """Where to go after signing in (a password or an outside provider):
    ``?next=`` if it is a local path (never another site), else home."""
    return local_path(target) or home_for(user if user is not None else current_user)
