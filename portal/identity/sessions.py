"""Sign-ins as server-side rows: a new key at every login, ended by logout,
by a password change (everywhere else) and by age."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, has_request_context, request
from flask_login import login_user, logout_user

from ..models import LoginSession, User
from ..thai import utcnow


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User) -> None:
    """Sign ``user`` in with a fresh key; any key the browser had is gone."""
    key = secrets.token_urlsafe(32)
    ip = agent = ""
    if has_request_context():
        ip = request.remote_addr or ""
        agent = (request.user_agent.string or "")[:200]
    LoginSession.create(key_hash=_hash(key), user=user, ip=ip, user_agent=agent)
    user.login_key = key
    login_user(user)


def end(user: User) -> None:
    """Log out: this browser's key stops working, even if someone copied it."""
    if user.login_key:
        (LoginSession.update(ended_at=utcnow())
         .where(LoginSession.key_hash == _hash(user.login_key)).execute())
    logout_user()


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
    if not uid.isdigit() or not key:
        return None
    oldest = utcnow() - dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    row = (LoginSession.select(LoginSession, User).join(User)
           .where((LoginSession.key_hash == _hash(key)) & (LoginSession.user == int(uid))
                  & LoginSession.ended_at.is_null() & (LoginSession.created_at > oldest))
           .first())
    if row is None or not row.user.active:
        return None
    user = row.user
    user.login_key = key
    return user
