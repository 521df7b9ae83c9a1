"""A self-hosted "I am not a robot" check that needs no internet.

The answer never travels to the browser: the session keeps an HMAC of it, and
a challenge can be answered once.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time

from flask import current_app, session

from ..thai import ascii_digits

SESSION_KEY = "captcha"
LIFETIME_SECONDS = 600
LENGTH = 5


def random_text() -> str:
    return "".join(secrets.choice("23456789") for _ in range(LENGTH))


def _digest(text: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def new_challenge_png() -> bytes:
    """Start a challenge and return its picture."""
    from captcha.image import ImageCaptcha

    text = random_text()
    session[SESSION_KEY] = {"h": _digest(text), "t": int(time.time())}
    buffer = io.BytesIO()
    ImageCaptcha(width=200, height=70).write(text, buffer, format="png")
    return buffer.getvalue()


def verify(answer: str) -> bool:
    """True once for the right answer to the current, unexpired challenge."""
    if not current_app.config.get("CAPTCHA_ENABLED", True):
        return True
    challenge = session.pop(SESSION_KEY, None)
    if not challenge or time.time() - challenge.get("t", 0) > LIFETIME_SECONDS:
        return False
    given = "".join(ch for ch in ascii_digits(answer or "") if ch in "0123456789")
    return hmac.compare_digest(challenge["h"], _digest(given))
