"""What the Official Account answers in chat: a request's status, or the
agency's services as links."""

from __future__ import annotations

import logging
import re

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import parse_many

from portal.base import limiter, public_url, status_check_url
from portal.i18n import show_datetime, show_due
from portal.identity import access
from portal.models import Agency, ExternalAccount, Request
from portal.requests import checked_request, enabled_services, public_status
from portal.thai import ascii_digits

from .models import LineChannel

log = logging.getLogger(__name__)

# A reference as printed (12-691124-K7Q4M), optionally followed by the last
# four digits of the phone given in the request.
FOLLOW_HINT = _l("To follow a request, send its reference number and the last 4 digits of "
                 "your phone number.")
ASKED = re.compile(r"(\d{2}-\d{6}-[0-9A-Z]{5})(?:\D+(\d{4}))?", re.IGNORECASE | re.ASCII)


def answer(channel: LineChannel, line_user: str, text: str) -> tuple[str, list[tuple[str, str]]]:
    """The reply text and its quick-reply links, in Thai."""
    with force_locale("th"):
        # A Thai keyboard sends ๐-๙: the same reference and digits.
        asked = ASKED.search(ascii_digits(text or ""))
        if asked:
            if not _may_look_up(channel, line_user):
                log.warning("LINE chat on %s: status questions from %r held back",
                            channel.name, line_user)
                return _("Too many attempts. Please wait a minute and try again."), []
            return _status_text(channel, line_user, asked.group(1).upper(),
                                asked.group(2) or ""), []
        return _services_text(channel)


def _may_look_up(channel: LineChannel, line_user: str) -> bool:
    """Counts a status question against the limits the status page uses.

    Every webhook call comes from LINE's servers, so the page's per-address
    key would lump all LINE users together: the chat counts per LINE user on
    this channel instead, and the channel as a whole too, because whoever
    holds the channel secret can sign events under any user id.
    """
    if not limiter.enabled:
        return True
    config = current_app.config
    per_user = [(item, ("line-chat-user", channel.name, line_user))
                for item in parse_many(config["STATUS_CHECK_RATE_LIMIT"])]
    per_channel = [(item, ("line-chat-channel", channel.name))
                   for item in parse_many(config["LINE_CHAT_CHANNEL_RATE_LIMIT"])]
    # The same strategy and storage as the routes' limits (memory, or Redis
    # shared by every process), so the count holds across workers.
    strategy = limiter.limiter
    if not all(strategy.test(item, *key) for item, key in per_user + per_channel):
        return False
    return all([strategy.hit(item, *key) for item, key in per_user + per_channel])


def _owner_asks(channel: LineChannel, line_user: str, reference: str) -> Request | None:
    """A request of the person whose portal account this LINE account is
    linked to needs no phone digits: LINE already says who is asking."""
    query = Request.reference == reference
    if channel.agency_id is not None:
        # The user id is only what a signed event claims, and an agency
        # admin holds the channel secret: their channel vouches for nobody
        # beyond their agency's requests. The install's account is the
        # system admin's and may speak for all.
        query &= Request.agency == channel.agency_id
    req = Request.get_or_none(query)
    linked = ExternalAccount.get_or_none((ExternalAccount.provider == "line")
                                         & (ExternalAccount.subject == line_user))
    if req is None or linked is None:
        return None
    # The core decides who may see a request, as for every page.
    return req if access.is_requester(linked.user, req) else None


def _status_text(channel: LineChannel, line_user: str, reference: str, last4: str) -> str:
    req = _owner_asks(channel, line_user, reference) or (
        checked_request(reference, last4) if last4 else None)
    if req is None:
        # The same words for "no such number" and "wrong digits".
        return _("No request matches. Send the reference number followed by the last 4 "
                 "digits of the phone number given in the request, e.g. %(example)s",
                 example="12-691124-K7Q4M 5678")
    status = public_status(req)
    lines = [f"{status['reference']} · {status['service']}",
             _("Status") + f": {status['status_label']}",
             _("Last change") + f": {show_datetime(status['changed_at'])}"]
    due = show_due(req) if req.due_date else ""
    if due:
        lines.append(_("Expected by") + f": {due}")
    lines.append(status_check_url(req.reference))
    return "\n".join(lines)


def _services_text(channel: LineChannel) -> tuple[str, list[tuple[str, str]]]:
    agency = Agency.get_or_none(Agency.id == channel.agency_id) if channel.agency_id else None
    if agency is None:
        return "\n".join([_("Our e-services: %(url)s", url=public_url("public.home")),
                          str(FOLLOW_HINT)]), []
    links = [(str(s.title), public_url("public.service_info", agency_code=agency.code,
                                       service_code=s.code))
             for s in enabled_services(agency)]
    lines = [_("Services of %(agency)s:", agency=agency.name_th)]
    lines += [f"• {title}\n  {url}" for title, url in links]
    lines.append(str(FOLLOW_HINT))
    return "\n".join(lines), links
