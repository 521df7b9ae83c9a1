"""The self-hosted "I am not a robot" check of every form that asks it
(login, register, a guest's request); it needs no outside service.

Two ways through, with the same rules:

* a proof of work (ALTCHA): the browser's widget spends about a second of
  CPU and nobody has to read anything, so a blind citizen passes as easily as
  anyone (WCAG 1.1.1) while every attempt costs a bot the same second;
* a picture of digits, only where the widget cannot run (no JavaScript, an
  old browser, a page not served over HTTPS).

Every challenge is a row of ``robot_challenge``: answering it deletes the row,
and the DELETE's row count decides, so of two requests racing with one answer
only one gets through; a saved cookie or payload sent again finds nothing.
Rows live five minutes and are swept as new ones are issued. Issuing is
rate-limited per address (``CAPTCHA_RATE_LIMIT``) in the views.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time
from typing import Any

import altcha
from flask import current_app, session
from flask_babel import gettext as _

from ..models import RobotChallenge
from ..thai import ascii_digits

SESSION_KEY = "captcha"
LIFETIME_SECONDS = 300
LENGTH = 5
PICTURE, PROOF_OF_WORK = "image", "altcha"
ALGORITHM = "PBKDF2/SHA-256"
# A real payload is about 700 characters; anything far longer is not one.
MAX_PAYLOAD_CHARS = 4000

__all__ = ["RobotChallenge", "enabled", "new_challenge_png", "new_pow_challenge", "passed",
           "random_text", "widget_strings"]


def enabled() -> bool:
    return bool(current_app.config.get("CAPTCHA_ENABLED", True))


def random_text() -> str:
    return "".join(secrets.choice("23456789") for _ in range(LENGTH))


def _key(purpose: str) -> bytes:
    """A key per use, so no HMAC made here can stand in for another."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"robot-check:{purpose}".encode(), hashlib.sha256).digest()


def _digest(text: str) -> str:
    return hmac.new(_key("picture"), text.encode(), hashlib.sha256).hexdigest()


def _now() -> int:
    return int(time.time())


def _issue(challenge_id: str, kind: str, answer_hash: str = "") -> int:
    now = _now()
    RobotChallenge.delete().where(RobotChallenge.expires_at < now).execute()
    expires_at = now + LIFETIME_SECONDS
    RobotChallenge.create(id=challenge_id, kind=kind, answer_hash=answer_hash,
                          expires_at=expires_at)
    return expires_at


def _spend(challenge_id: str, kind: str) -> RobotChallenge | None:
    """The challenge, if this request is the one that deleted it and it is
    still fresh; None if it never existed, ran out or was spent already."""
    row = RobotChallenge.get_or_none((RobotChallenge.id == challenge_id)
                                     & (RobotChallenge.kind == kind))
    if row is None:
        return None
    # Two requests may both have read the row; only one DELETE removes it.
    deleted = RobotChallenge.delete().where(RobotChallenge.id == challenge_id).execute()
    if deleted != 1 or row.expires_at < _now():
        return None
    return row


def new_challenge_png() -> bytes:
    """Start a picture challenge for this browser and return the picture."""
    from captcha.image import ImageCaptcha

    text = random_text()
    token = secrets.token_urlsafe(24)
    _issue(token, PICTURE, _digest(text))
    # The cookie carries only the row's name: the answer stays on the server.
    session[SESSION_KEY] = token
    buffer = io.BytesIO()
    ImageCaptcha(width=200, height=70).write(text, buffer, format="png")
    return buffer.getvalue()


def new_pow_challenge() -> dict[str, Any]:
    """A signed ALTCHA challenge, as the widget fetches it.

    The server picks the counter the browser must find (ALTCHA's
    deterministic mode), so the work is even from one challenge to the next
    and checking it is one HMAC, not a repeat of the work.
    """
    config = current_app.config
    low, high = config["ALTCHA_MIN_COUNTER"], config["ALTCHA_MAX_COUNTER"]
    counter = low + secrets.randbelow(max(1, high - low + 1))
    expires_at = _now() + LIFETIME_SECONDS
    challenge = altcha.create_challenge(
        ALGORITHM, config["ALTCHA_COST"], counter=counter, expires_at=expires_at,
        hmac_secret=_key("altcha"), hmac_key_secret=_key("altcha-key"))
    _issue(challenge.parameters.salt, PROOF_OF_WORK)
    return challenge.to_dict()


def _pow_solved(payload: str) -> bool:
    if len(payload) > MAX_PAYLOAD_CHARS:
        return False
    try:
        parsed = altcha.Payload.from_base64(payload)
    except (ValueError, KeyError, TypeError, RecursionError):
        return False
    result = altcha.verify_solution(parsed, _key("altcha"), hmac_key_secret=_key("altcha-key"))
    if result.expired or result.invalid_signature is not False:
        return False  # not a challenge of ours as issued: nothing of ours to spend
    salt = parsed.challenge.parameters.salt
    # Spent whether the solution is right or not: one try per challenge.
    return _spend(salt, PROOF_OF_WORK) is not None and result.verified


def _picture_solved(answer: str) -> bool:
    token = session.pop(SESSION_KEY, None)
    if not isinstance(token, str):
        return False
    row = _spend(token, PICTURE)
    given = "".join(ch for ch in ascii_digits(answer) if ch in "0123456789")
    return row is not None and hmac.compare_digest(row.answer_hash, _digest(given))


def passed(form: Any) -> bool:
    """True once per solved challenge; otherwise the form's robot-check field
    gets the reason. Call it after the form's own validation, so a typo
    elsewhere does not spend the challenge.

    :param form: a form with the ``altcha`` (the widget's payload) and
        ``captcha`` (digits typed from the picture) fields of CaptchaMixin.
    """
    if not enabled():
        return True
    payload = (form.altcha.data or "").strip()
    answer = (form.captcha.data or "").strip()
    if payload and _pow_solved(payload):
        return True
    if answer:
        if _picture_solved(answer):
            return True
        form.captcha.errors = [_("The numbers do not match the picture. Please try again.")]
        return False
    form.altcha.errors = [_("The check that you are not a robot did not succeed. "
                            "Please try again.")]
    return False


def widget_strings() -> dict[str, str]:
    """The widget's words in the page's language (it ships its own, English
    only in the build we serve)."""
    return {
        "ariaLinkLabel": "ALTCHA",
        "cancel": _("Cancel"),
        "enterCode": _("Enter the code"),
        "enterCodeAria": _("Enter the code you hear. Press Space to play the sound."),
        "enterCodeFromImage": _("To continue, enter the code from the picture below."),
        "error": _("The check failed. Type the numbers in the picture instead."),
        "expired": _("The check has expired. Please check again."),
        "footer": "",
        "getAudioChallenge": _("Listen to the code"),
        "label": _("I am not a robot"),
        "loading": _("Loading…"),
        "reload": _("Load again"),
        "verify": _("Check"),
        "verificationRequired": _("Please tick the box first."),
        "verified": _("Checked: you are not a robot"),
        "verifying": _("Checking… this takes a moment"),
        "waitAlert": _("Checking… please wait."),
    }
