"""Defaults, overridden by environment variables of the same name."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

# The checkout (or installed tree) holding portal/, templates/ and migrations/.
ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", Path.cwd() / "instance"))


def _secret_key() -> str:
    """A stable key per install: generated once into the instance folder.

    A random key per start would log everybody out at every restart and break
    signed links, so it is kept on disk unless SECRET_KEY is given.
    """
    key_file = INSTANCE_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": f"sqlite:///{INSTANCE_DIR / 'portal.db'}",
    # Connections kept open per process and handed from request to request;
    # 0 opens one per request. A gunicorn sync worker uses one at a time.
    "DATABASE_POOL_SIZE": 8,
    "UPLOAD_DIR": str(INSTANCE_DIR / "uploads"),
    # Empty: attachments in UPLOAD_DIR. s3://bucket/prefix: an S3-compatible
    # object store, for web processes on several machines.
    "STORAGE_URL": "",
    "S3_ENDPOINT_URL": "",
    "S3_REGION": "",
    "S3_ACCESS_KEY": "",
    "S3_SECRET_KEY": "",
    "MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
    # Width × height of a picture, read from its header before it is decoded
    # (decoded, a colour picture takes 4 bytes a pixel, whatever its file size).
    "MAX_UPLOAD_PIXELS": 25_000_000,
    # Whole-request cap: every slot of a form at its limit plus the fields.
    "MAX_CONTENT_LENGTH": 40 * 1024 * 1024,
    "PORTAL_PLUGINS": "",  # comma list of entry-point names; empty = all
    # Plugins not to load, the built-in features (open311, survey,
    # delay_letters) included, which PORTAL_PLUGINS alone always keeps.
    "PORTAL_DISABLED_PLUGINS": "",
    "PORTAL_TIMEZONE": "Asia/Bangkok",
    "BABEL_DEFAULT_LOCALE": "th",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_MINUTES": 15,
    "LOGIN_SLOWDOWN_MAX_SECONDS": 60,
    "LOGIN_RATE_LIMIT": "30 per minute",
    "STATUS_CHECK_RATE_LIMIT": "20 per minute",
    # The LINE chat's status questions: each LINE user has the status page's
    # limit above; this caps one Official Account as a whole.
    "LINE_CHAT_CHANNEL_RATE_LIMIT": "200 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # on anyway for every request served over HTTPS
    "TRUST_PROXY_HEADERS": False,
    # Redirect plain HTTP to HTTPS (leave off when TLS ends at a proxy that
    # already redirects, or on a laptop demo).
    "FORCE_HTTPS": False,
    # A sign-in ends after this many hours even if the browser stays open.
    "SESSION_MAX_HOURS": 12,
    "PRINT_RATE_LIMIT": "30 per minute",
    # Form posts by people not signed in that carry a file for the check page,
    # per address (a person sends a few; a script filling the disk, many),
    # and the bytes held for all such people together until they confirm.
    "GUEST_FILE_RATE_LIMIT": "30 per hour",
    "GUEST_HELD_MAX_BYTES": 2 * 1024 ** 3,
    # The files one signed-in person's unsent forms may hold.
    "USER_HELD_MAX_BYTES": 200 * 1024 ** 2,
    # Minutes without a page before a sign-in ends: staff hold other
    # people's data on shared office PCs, so theirs is shorter.
    "SESSION_IDLE_MINUTES": 120,
    "SESSION_IDLE_MINUTES_STAFF": 30,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "CAPTCHA_ENABLED": True,
    # The portal's public address (https://eservice.example.go.th): every
    # link in e-mail, LINE, PDFs and QR codes is built on it, never on the
    # Host a request names. Required in production (see production_start).

    # Robot-check challenges (widget or picture) one address may fetch: a
    # person needs one per form sent; a bot harvesting pictures for OCR or
    # proofs of work to spend elsewhere needs many.
    "CAPTCHA_RATE_LIMIT": "20 per minute;200 per hour",
    # The proof of work: PBKDF2 rounds per try, and the range of the counter
    # the browser must reach (ALTCHA's deterministic mode): 1 M rounds on
    # average, 0.35 s (0.5 s at most) in chromium on a 2-core machine with
    # its two workers, about 1.4 s for the altcha package's Python solver.
    "ALTCHA_COST": 5000,
    "ALTCHA_MIN_COUNTER": 100,
    "ALTCHA_MAX_COUNTER": 300,
    # New accounts per address (sent forms, whether they pass or not).
    "REGISTER_RATE_LIMIT": "10 per hour",
    # Registrations naming one national ID, from all addresses together.
    "REGISTER_ID_RATE_LIMIT": "5 per hour",
    # Forgot password: a reset link or counter code works once, this long.
    "PASSWORD_RESET_MINUTES": 30,
    # Forms asking for a link, per address; and per national ID from all
    # addresses together (also the counter-code tries for one ID), so nobody
    # floods a person's mailbox or guesses a code.
    "PASSWORD_RESET_RATE_LIMIT": "10 per hour",
    "PASSWORD_RESET_ID_RATE_LIMIT": "5 per hour",
    # Links opened, codes tried and new passwords sent, per address.
    "PASSWORD_RESET_TOKEN_RATE_LIMIT": "20 per hour",
    # The "link sent" answer waits until this many milliseconds have passed,
    # for a registered ID and an unknown one alike.
    "PASSWORD_RESET_ANSWER_MS": 400,
    "PUBLIC_BASE_URL": "",
    # Comma list of further host names requests are answered for (an
    # intranet name, the address a health check uses); PUBLIC_BASE_URL's host
    # always is. Any other Host gets 400. A leading dot admits subdomains.
    "TRUSTED_HOSTS": "",
    "WTF_CSRF_TIME_LIMIT": None,
    # E-mail (notifications). Empty MAIL_SERVER: messages wait in the outbox.
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": False,
    "MAIL_FROM": "no-reply@localhost",
    "MAIL_TIMEOUT": 10,
    # Background jobs (huey). True: run in the web process right after the
    # change; False: a consumer process runs them (`flask jobs worker`).
    "JOBS_IMMEDIATE": True,
    "JOBS_DB": str(INSTANCE_DIR / "jobs.db"),
    "JOBS_REDIS_URL": "",
    "OFFICE_HOURS": "08:30-16:30",
    # LINE's Messaging API. Only the operator may point it elsewhere (a
    # stand-in in tests, an egress proxy): a staff form that could would let
    # an agency admin aim the server, with the channel's token, at any host.
    "LINE_API_BASE": "https://api.line.me",
}

_BOOLS = {k for k, v in DEFAULTS.items() if isinstance(v, bool)}
_INTS = {k for k, v in DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool)}


def production_start(app: Flask) -> bool:
    """Whether this start serves the public for real, and so must be told
    its public address (PUBLIC_BASE_URL) instead of running without links.

    Production is a WSGI server — gunicorn, uWSGI, mod_wsgi: anything that
    imports wsgi.py outside the ``flask`` command — with neither DEBUG nor
    TESTING. The ``flask`` command is not production: it sets
    FLASK_RUN_FROM_CLI before it loads the app, and it runs maintenance
    (``db upgrade``, ``backup``, ``seed``, ``jobs``), which must work with
    only a database configured, and ``flask run``, Werkzeug's development
    server, which ``make run`` uses for the demo (with PUBLIC_BASE_URL set).
    Tests set TESTING; a debug start is a developer's.
    """
    from_cli = os.environ.get("FLASK_RUN_FROM_CLI") == "true"
    return not (app.debug or app.testing or from_cli)


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the environment, then explicit overrides (tests)."""
    config = dict(DEFAULTS)
    for key in list(config) + ["SECRET_KEY"]:
        if key in os.environ:
            raw = os.environ[key]
            config[key] = _bool(raw) if key in _BOOLS else int(raw) if key in _INTS else raw
    config.update(overrides or {})
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _secret_key()
    return config
