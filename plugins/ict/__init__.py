"""ICT Service Center (seed 001): repair, website, software, news,
application development and e-document accounts as requests with the work
manual's steps; the phone log and server security reviews as staff records;
the yearly plan and figures per process."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal import hookimpl
from portal.plugins import Service, own_tables

from .models import MODELS
from .services import SERVICES


@hookimpl
def register_services() -> list[Service]:
    return list(SERVICES)


register_models, register_migrations = own_tables(MODELS, __file__)


@hookimpl
def register_admin_views() -> list[Any]:
    from .admin import PhoneCallView, RepairView, SecurityReviewView
    from .models import PhoneCall, RepairTicket, SecurityReview
    from .reports import IctReportView

    category = _l("ICT Service Center")
    return [
        IctReportView(name=_l("Yearly plan and figures"), endpoint="ict_plan",
                      category=category),
        PhoneCallView(PhoneCall, name=_l("Phone consultations"), endpoint="ict_calls",
                      category=category),
        RepairView(RepairTicket, name=_l("Repairs"), endpoint="ict_repairs", category=category),
        SecurityReviewView(SecurityReview, name=_l("Server security reviews"),
                           endpoint="ict_security", category=category),
    ]


@hookimpl
def forget_request(request: Any) -> None:
    from .models import RepairTicket

    # The asset number is the office's property and stays for repair counts;
    # where the machine stands was typed by the person and may name them.
    RepairTicket.update(location="").where(RepairTicket.request == request).execute()


@hookimpl
def audit_actions() -> dict[str, Any]:
    return {"ict_phone_call_saved": _l("Saved a phone consultation"),
            "ict_security_review_saved": _l("Saved a server security review")}
