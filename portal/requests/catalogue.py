"""Which services an agency offers. No row, or a row switched off, = not offered."""

from __future__ import annotations

from flask import abort
from werkzeug.exceptions import NotFound

from ..base import audit
from ..db import database
from ..files.uploads import CheckedFile, staged, store
from ..models import Agency, AgencyService, ServiceDocument, User
from ..plugins.manager import all_services, services_of
from ..plugins.services import Service
from ..thai import utcnow


def enabled_codes(agency: Agency) -> set[str]:
    rows = AgencyService.select(AgencyService.service_code).where(
        (AgencyService.agency == agency) & (AgencyService.enabled == True))  # noqa: E712
    return {r.service_code for r in rows} & set(services_of(agency))


def enabled_services(agency: Agency) -> list[Service]:
    codes = enabled_codes(agency)
    return [s for code, s in all_services().items() if code in codes]


def set_enabled(agency: Agency, code: str, enabled: bool) -> None:
    (AgencyService.insert(agency=agency, service_code=code, enabled=enabled)
     .on_conflict(conflict_target=[AgencyService.agency, AgencyService.service_code],
                  update={AgencyService.enabled: enabled})
     .execute())


def contact(agency: Agency | int, code: str) -> AgencyService | None:
    """The agency's officer, phone and division for a service, if set."""
    row = AgencyService.get_or_none((AgencyService.agency == agency)
                                    & (AgencyService.service_code == code))
    return row if row and (row.officer_name or row.officer_phone or row.division) else None


class ServiceClosed(NotFound):
    """A service the agency has switched off, or that is outside its dates
    or full: not found for requesters, but said in words (a QR poster
    outlives its service), with whom to call. ``reason`` says which, when it
    is more than "switched off"."""

    def __init__(self, agency: Agency, service: Service, reason: str = "") -> None:
        super().__init__()
        self.agency = agency
        self.service = service
        self.reason = reason


def not_taking_reason(agency: Agency, service: Service) -> str:
    """Why ``service`` takes no request at ``agency`` now, though switched
    on: before its first day, after its last, or every seat taken. ""
    when it takes them."""
    from flask_babel import gettext

    from ..i18n import show_date
    from ..models import Request
    from ..thai import local_today
    from .lifecycle import Status

    today = local_today()
    if service.opens_on and today < service.opens_on:
        return gettext("Requests are taken from %(day)s.", day=show_date(service.opens_on))
    if service.closes_on and today > service.closes_on:
        return gettext("Requests were taken until %(day)s.", day=show_date(service.closes_on))
    if service.max_requests and Request.select().where(
            (Request.agency == agency) & (Request.service_code == service.code)
            & (Request.status != Status.CANCELLED)).count() >= service.max_requests:
        return gettext("All %(n)s places have been taken.", n=service.max_requests)
    return ""


def offered_or_404(agency_code: str, service_code: str) -> tuple[Agency, Service]:
    """The agency and the service it offers; else 404 (a suspended agency
    offers nothing). A service the agency has switched off raises
    :class:`ServiceClosed` (a 404 the portal answers with "closed online
    for now" and the officer's phone)."""
    agency = Agency.get_or_none(Agency.code == agency_code)
    service = services_of(agency).get(service_code) if agency else None
    if agency is None or agency.suspended or service is None:
        abort(404)
    if service_code not in enabled_codes(agency):
        # Only a service that was set up here once (a row, now off): an
        # address made up from another agency's service is just not found.
        if AgencyService.get_or_none((AgencyService.agency == agency)
                                     & (AgencyService.service_code == service_code)):
            raise ServiceClosed(agency, service)
        abort(404)
    reason = not_taking_reason(agency, service)
    if reason:
        raise ServiceClosed(agency, service, reason)
    return agency, service


# ------------------------------------------- manual and blank form ---

# kind -> the file kinds accepted for it (checked by content, portal.files.uploads)
SERVICE_DOCUMENT_KINDS: dict[str, tuple[str, ...]] = {
    "manual": ("pdf",),
    "form": ("pdf", "png", "jpg"),
}


def documents(agencies: list[Agency]) -> dict[tuple[int, str], dict[str, ServiceDocument]]:
    """(agency id, service code) -> {kind: document}, in one query for a
    whole catalogue page."""
    out: dict[tuple[int, str], dict[str, ServiceDocument]] = {}
    if not agencies:
        return out
    for doc in ServiceDocument.select().where(
            ServiceDocument.agency.in_([a.id for a in agencies])):
        out.setdefault((doc.agency_id, doc.service_code), {})[doc.kind] = doc
    return out


def documents_of(agency: Agency | int, code: str) -> dict[str, ServiceDocument]:
    """The manual and form of one service, by kind."""
    return {d.kind: d for d in ServiceDocument.select().where(
        (ServiceDocument.agency == agency) & (ServiceDocument.service_code == code))}


def save_document(agency: Agency, code: str, kind: str, checked: CheckedFile,
                  user: User) -> ServiceDocument:
    """Publish ``checked`` as the service's ``kind`` document, replacing the
    one before. The new file is written first and the old one deleted only
    after the row points at the new (a crash leaves an orphan file, swept
    later, never a row without its file). Audited with the row."""
    files = store()
    with staged(files) as written:
        stored = files.write(checked)
        written.append(stored)
        with database.atomic():
            old = ServiceDocument.get_or_none(
                (ServiceDocument.agency == agency) & (ServiceDocument.service_code == code)
                & (ServiceDocument.kind == kind))
            values = {"original_name": checked.original_name, "stored_name": stored,
                      "content_type": checked.content_type, "size": len(checked.data),
                      "sha256": checked.sha256, "uploaded_by": user, "uploaded_at": utcnow()}
            if old is None:
                doc = ServiceDocument.create(agency=agency, service_code=code, kind=kind,
                                             **values)
            else:
                ServiceDocument.update(**values).where(ServiceDocument.id == old.id).execute()
                doc = ServiceDocument.get_by_id(old.id)
            audit.record("service_document_saved", f"agency:{agency.id}",
                         detail=f"{code}/{kind}", agency=agency)
    if old is not None:
        files.delete(old.stored_name)
    return doc


def remove_document(agency: Agency, code: str, kind: str) -> bool:
    doc = ServiceDocument.get_or_none(
        (ServiceDocument.agency == agency) & (ServiceDocument.service_code == code)
        & (ServiceDocument.kind == kind))
    if doc is None:
        return False
    with database.atomic():
        doc.delete_instance()
        audit.record("service_document_removed", f"agency:{agency.id}",
                     detail=f"{code}/{kind}", agency=agency)
    store().delete(doc.stored_name)
    return True
