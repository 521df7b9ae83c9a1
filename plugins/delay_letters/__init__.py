"""Delay letters (หนังสือแจ้งเรื่องล่าช้า): staff tell a requester that an
open request will be late, why, and by when it should be done. The letter is
a sealed PDF kept with the request as a result file, a history line (kind
``delay``) and the new due date, and goes out by e-mail.

A built-in feature an agency may switch off (``PORTAL_DISABLED_PLUGINS``);
it uses only the documented hooks. Its templates keep the names they had in
the core (``staff/delay.html``, ``print/delay_letter.html``, ``mail/delay.*``)
so an instance's override of them still applies. Letters already issued
stay readable when it is off: they are ordinary result files and history
lines, whose words the core keeps.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal import hookimpl
from portal.models import Request, User
from portal.plugins import PageAction
from portal.requests import OPEN_STATUSES

from .views import DelayLetterView


@hookimpl
def register_admin_views() -> list[Any]:
    return [DelayLetterView(name=_l("Notice that a request is delayed"),
                            endpoint="delay_letters", url="requests/delay")]


@hookimpl
def process_page_actions(request: Request, user: User) -> list[PageAction]:
    if request.status not in OPEN_STATUSES:
        return []
    return [PageAction(label=_l("Notice that a request is delayed"),
                       endpoint="delay_letters.delay", values={"id": request.id},
                       style="outline-warning", order=10)]


@hookimpl
def audit_actions() -> dict[str, Any]:
    return {"delay_letter": _l("Issued a delay notice")}
