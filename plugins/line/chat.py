"""What the Official Account answers in chat: a request's status, or the
agency's services as links."""

from __future__ import annotations

import re

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import access
from portal.catalogue import enabled_services
from portal.links import public_url
from portal.models import Agency, ExternalAccount, Request
from portal.request_pages import checked_request, public_status, status_check_url
from portal.thai import format_datetime, format_due

from .models import LineChannel

# A reference as printed (12-691124-K7Q4M), optionally followed by the last
# four digits of the phone given in the request.
FOLLOW_HINT = _l("To follow a request, send its reference number and the last 4 digits of "
                 "your phone number.")
ASKED = re.compile(r"(\d{2}-\d{6}-[0-9A-Z]{5})(?:\D+(\d{4}))?", re.IGNORECASE)


def answer(channel: LineChannel, line_user: str, text: str) -> tuple[str, list[tuple[str, str]]]:
    """The reply text and its quick-reply links, in Thai."""
    with force_locale("th"):
        asked = ASKED.search(text or "")
        if asked:
            return _status_text(line_user, asked.group(1).upper(), asked.group(2) or ""), []
        return _services_text(channel)


def _owner_asks(line_user: str, reference: str) -> Request | None:
    """A request of the person whose portal account this LINE account is
    linked to needs no phone digits: LINE already says who is asking."""
    req = Request.get_or_none(Request.reference == reference)
    linked = ExternalAccount.get_or_none((ExternalAccount.provider == "line")
                                         & (ExternalAccount.subject == line_user))
    if req is None or linked is None:
        return None
    # The core decides who may see a request, as for every page.
    return req if access.is_requester(linked.user, req) else None


def _status_text(line_user: str, reference: str, last4: str) -> str:
    req = _owner_asks(line_user, reference) or (checked_request(reference, last4)
                                                if last4 else None)
    if req is None:
        # The same words for "no such number" and "wrong digits".
        return _("No request matches. Send the reference number followed by the last 4 "
                 "digits of the phone number given in the request, e.g. %(example)s",
                 example="12-691124-K7Q4M 5678")
    status = public_status(req)
    lines = [f"{status['reference']} · {status['service']}",
             _("Status") + f": {status['status_label']}",
             _("Last change") + f": {format_datetime(status['changed_at'])}"]
    if req.due_date:
        lines.append(_("Expected by") + f": {format_due(req)}")
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
