"""Which services an agency offers. No row, or a row switched off, = not offered."""

from __future__ import annotations

from flask import abort

from .models import Agency, AgencyService
from .plugins import all_services
from .services import Service


def enabled_codes(agency: Agency) -> set[str]:
    rows = AgencyService.select(AgencyService.service_code).where(
        (AgencyService.agency == agency) & (AgencyService.enabled == True))  # noqa: E712
    return {r.service_code for r in rows} & set(all_services())


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


def offered_or_404(agency_code: str, service_code: str) -> tuple[Agency, Service]:
    """A switched-off service is gone for requesters: 404, not a message."""
    agency = Agency.get_or_none(Agency.code == agency_code)
    service = all_services().get(service_code)
    if agency is None or service is None or service_code not in enabled_codes(agency):
        abort(404)
    return agency, service
