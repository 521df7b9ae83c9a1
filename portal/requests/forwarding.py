"""Forwarding a request to another service or agency on the portal.

A citizen who picked the wrong office or form is not sent back to start
again: staff forward the request, it keeps its reference number, files and
history, arrives as new at the receiving service with that service's clock,
and everyone involved is told. The answers stay on the form they were written
on (``Request.form_code``), so nothing the requester typed is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..db import database
from ..models import Agency, Request, StatusEvent
from ..plugins.manager import all_services, get_service
from . import clock
from .catalogue import enabled_codes
from .lifecycle import WAITING_ON_STAFF, Role, Status, TransitionError, change_status
from .submission import announce, notify_change

if TYPE_CHECKING:
    from ..models import User
    from ..plugins.services import Service

def can_forward(request: Request) -> bool:
    service = get_service(request.service_code)
    return bool(service and service.forwardable and request.status in WAITING_ON_STAFF)


def destinations(request: Request) -> list[tuple[Agency, Service]]:
    """Every (agency, service) that may receive ``request``: switched on,
    forwardable, and not where it is now; the own agency first."""
    services = all_services()
    out: list[tuple[Agency, Service]] = []
    agencies = sorted(Agency.select().where(~Agency.suspended),
                      key=lambda a: (a.id != request.agency_id, a.name_th))
    for agency in agencies:
        for code in sorted(enabled_codes(agency)):
            service = services.get(code)
            if service is None or not service.forwardable:
                continue
            if (agency.id, code) != (request.agency_id, request.service_code):
                out.append((agency, service))
    return out


def forward(request: Request, agency: Agency, service: Service, *, actor: User, remark: str,
            expected_version: int) -> StatusEvent:
    """Move ``request`` to ``service`` of ``agency``; raise TransitionError
    when it may not go there. The history line names both ends."""

    if not can_forward(request):
        raise TransitionError(_l("This request cannot be forwarded."))
    if (agency.id, service.code) == (request.agency_id, request.service_code) \
            or not service.forwardable or service.code not in enabled_codes(agency):
        raise TransitionError(_l("That service does not take forwarded requests."))
    remark = (remark or "").strip()
    if not remark:
        raise TransitionError(_l("Please write a remark for the requester."))
    source = get_service(request.service_code)
    with force_locale("th"):  # the record is kept in the office's language
        line = str(_l("Forwarded from %(from_service)s (%(from_agency)s) to %(to_service)s "
                      "(%(to_agency)s): %(remark)s",
                      from_service=source.title if source else request.service_code,
                      from_agency=request.agency.name_th, to_service=service.title,
                      to_agency=agency.name_th, remark=remark))
    old = request.status
    with database.atomic():
        event = change_status(request, Status.SUBMITTED, actor=actor, role=Role.STAFF,
                              remark=line, expected_version=expected_version, kind="forward")
        form_code = request.form_code or request.service_code
        request.agency, request.service_code = agency, service.code
        request.form_code = "" if form_code == service.code else form_code
        request.due_date, request.due_at = clock.due_for(agency, service)
        (Request.update(agency=agency, service_code=service.code, form_code=request.form_code,
                        due_date=request.due_date, due_at=request.due_at)
         .where(Request.id == request.id).execute())
        notify_change(request, old, Status.SUBMITTED, line)
    announce(request, old, Status.SUBMITTED, actor, line)
    return event
