"""The One Stop Service of an education area office (seed 000): staff ID
card, certificate, living pension gratuity, meeting rooms, appointments with
executives and orders of official school forms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import hookimpl
from portal.models import Agency
from portal.plugins import Service, own_tables

from . import appointment, certificate, forms_order, meeting_room, pension, staff_card
from .models import MODELS


@hookimpl
def register_services() -> list[Service]:
    return [staff_card.SERVICE, certificate.SERVICE, pension.SERVICE, meeting_room.SERVICE,
            appointment.SERVICE, forms_order.SERVICE]


register_models, register_migrations = own_tables(MODELS, __file__)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from .views import bp

    return [bp]


@hookimpl
def register_admin_views() -> list[Any]:
    from .admin import views
    from .report import SummaryReportView

    return [SummaryReportView(name=_l("Summary report of the six services"),
                              endpoint="oss_summary", category=_l("Education services")),
            *views()]


@hookimpl
def demo_data(agency: Agency) -> None:
    from .demo import load

    load(agency)


@hookimpl
def forget_request(request: Any) -> None:
    import datetime as dt

    from .models import CertificateRequest, FormOrder, PensionRequest, StaffCardRequest

    # Kinds stay for the summary report; who and where the person works go.
    (CertificateRequest.update(work_unit="", position="", salary=0, purpose="", intended_use="")
     .where(CertificateRequest.request == request).execute())
    card = StaffCardRequest.get_or_none(StaffCardRequest.request == request)
    if card is not None:
        card.work_unit = card.position = ""
        card.birth_date = dt.date(card.birth_date.year, 1, 1)  # the year still gives an age
        card.save()
    (PensionRequest.update(email="", pledge_amount=None)
     .where(PensionRequest.request == request).execute())
    (FormOrder.update(other_affiliation="")
     .where(FormOrder.request == request).execute())


@hookimpl
def audit_actions() -> dict[str, Any]:
    return {"school_saved": _l("Saved a school"), "school_deleted": _l("Deleted a school"),
            "form_price_saved": _l("Saved a form price"),
            "form_price_deleted": _l("Deleted a form price")}
