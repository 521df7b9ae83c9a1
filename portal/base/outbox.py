"""The outbox: every message the portal sends (e-mail, and chat messages
through the plugins' ``send_message`` hook) is first a row, written in the
transaction of what it tells, then sent by :func:`deliver_due` from a job
and retried with growing waits until it goes. Nothing here knows what a
request is; portal.requests.notify decides who is told what."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from ..db import database
from ..models import Notification, Request
from ..plugins.manager import get_service, plugin_manager
from ..thai import utcnow

log = logging.getLogger(__name__)
# Minutes to wait after the 1st, 2nd, ... failure; then hourly.
BACKOFF = (1, 5, 15, 60)


def queue(recipient: str, template: str, request: Request | None = None,
          channel: str = "email", **context: Any) -> Notification | None:
    """Render ``mail/<template>.{subject,txt,html}`` in Thai and keep it.
    A chat channel gets the same plain text (it reads well in LINE)."""
    if not recipient or (channel == "email" and "@" not in recipient):
        return None
    with force_locale("th"):
        ctx = {"request_": request, "service": get_service(request.service_code)
               if request else None, **context}
        subject = render_template(f"mail/{template}.subject.txt", **ctx).strip()
        text = render_template(f"mail/{template}.txt", **ctx)
        html = render_template(f"mail/{template}.html", **ctx)
    return Notification.create(channel=channel, recipient=recipient, subject=subject[:500],
                               body_text=text, body_html=html if channel == "email" else "",
                               request=request)


def _send(note: Notification) -> None:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = note.subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = note.recipient
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].split("@")[-1])
    message.set_content(note.body_text)
    if note.body_html:
        message.add_alternative(note.body_html, subtype="html")
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]),
                      timeout=int(config["MAIL_TIMEOUT"])) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _deliver(note: Notification) -> None:
    if note.channel == "email":
        _send(note)
        return
    if plugin_manager().hook.send_message(notification=note) is None:
        raise RuntimeError(f"no plugin delivers {note.channel!r} messages")


def deliver_due(limit: int = 100) -> int:
    """Send what is due; a failure waits longer each time. Returns how many
    went out. Safe to run from several workers: each row is claimed first."""
    now = utcnow()
    sent = 0
    query = Notification.select().where(Notification.sent_at.is_null()
                                        & (Notification.next_attempt_at <= now))
    if not current_app.config.get("MAIL_SERVER"):
        query = query.where(Notification.channel != "email")  # they wait for a server
    due = list(query.order_by(Notification.id).limit(limit))
    for note in due:
        # Claim: push the next attempt out so another worker skips it.
        claimed = (Notification.update(next_attempt_at=now + dt.timedelta(minutes=10))
                   .where((Notification.id == note.id) & Notification.sent_at.is_null()
                          & (Notification.next_attempt_at == note.next_attempt_at)).execute())
        if not claimed:
            continue
        try:
            _deliver(note)
        except Exception as exc:  # noqa: BLE001 - SMTP, HTTP, a plugin: all retried
            wait = BACKOFF[min(note.attempts, len(BACKOFF) - 1)]
            with database.atomic():
                (Notification.update(attempts=Notification.attempts + 1,
                                     next_attempt_at=utcnow() + dt.timedelta(minutes=wait),
                                     last_error=str(exc)[:1000])
                 .where(Notification.id == note.id).execute())
            log.warning("%s to %s failed (%s); retry in %s min", note.channel, note.recipient,
                        exc, wait)
        else:
            Notification.update(sent_at=utcnow(), attempts=Notification.attempts + 1,
                                last_error="").where(Notification.id == note.id).execute()
            sent += 1
    return sent
