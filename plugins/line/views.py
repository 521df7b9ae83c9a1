"""The webhook LINE calls for each chat event, and the page where a person
switches LINE messages off or on."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.base import audit, csrf
from portal.models import ExternalAccount

from . import chat
from .models import LineChannel, LineOptOut

log = logging.getLogger(__name__)
bp = Blueprint("line", __name__, url_prefix="/line")


@bp.post("/webhook/<name>")
def webhook(name: str) -> tuple[str, int]:
    channel = LineChannel.get_or_none((LineChannel.name == name) & LineChannel.enabled)
    if channel is None or not channel.channel_secret:
        abort(404)
    from . import messaging  # the SDK takes a second to import: not at start-up

    body = request.get_data(as_text=True)
    try:
        events = messaging.events(channel, body, request.headers.get("X-Line-Signature", ""))
    except messaging.BadSignature:
        log.warning("LINE webhook %s: bad signature from %s", name, request.remote_addr)
        return "bad signature", 400
    for event in events:
        token = getattr(event, "reply_token", None)
        source = getattr(getattr(event, "source", None), "user_id", "") or ""
        if not token:
            continue
        if event.type == "message" and getattr(event.message, "type", "") == "text":
            text, links = chat.answer(channel, source, event.message.text)
        elif event.type == "follow":
            text, links = chat.answer(channel, source, "")
        else:
            continue
        try:
            messaging.reply(channel, token, text, links)
        except Exception:  # noqa: BLE001 - one failed reply must not fail the others
            log.exception("LINE reply through %s failed", name)
    # LINE wants 200 for every well-signed call, or it retries and warns.
    return "", 200


# LINE's servers sign the body instead: a CSRF token cannot exist there.
csrf.exempt(webhook)


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications() -> str | Response:
    linked = ExternalAccount.get_or_none((ExternalAccount.user == current_user.id)
                                         & (ExternalAccount.provider == "line"))
    opted_out = LineOptOut.select().where(LineOptOut.user == current_user.id).exists()
    if request.method == "POST":
        wanted = request.form.get("wanted") == "1"
        if wanted:
            LineOptOut.delete().where(LineOptOut.user == current_user.id).execute()
        elif not opted_out:
            LineOptOut.create(user=current_user.id)
        audit.record("line_messages_" + ("on" if wanted else "off"), f"user:{current_user.id}")
        flash(_("Saved."), "success")
        return redirect(url_for("line.notifications"))
    return render_template("line/notifications.html", linked=linked, opted_out=opted_out)
