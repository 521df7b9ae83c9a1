"""Sub-district administration (อบต.) e-services of seed 004: street lights,
disasters, nuisances, elderly allowance, hall use and general petitions."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal import hookimpl
from portal.models import Agency
from portal.plugins import Service, own_tables
from portal.requests import placeholder_id

from .models import MODELS
from .services import SERVICES


@hookimpl
def register_services() -> list[Service]:
    return list(SERVICES)


register_models, register_migrations = own_tables(MODELS, __file__)


@hookimpl
def register_admin_views() -> list[Any]:
    from portal.staff.resources import BookingListView, ResourceView

    from .admin import ElderlyView, IncidentView
    from .models import ElderlyRegistration, IncidentReport
    from .report import ServiceTimeView

    category = _l("Sub-district services")
    return [
        IncidentView(IncidentReport, name=_l("Reports from the public"),
                     endpoint="tambon_incidents", category=category),
        ElderlyView(ElderlyRegistration, name=_l("Elderly allowance registrations"),
                    endpoint="tambon_elderly", category=category),
        BookingListView("hall", name=_l("Hall bookings"), endpoint="tambon_hall_bookings",
                        category=category),
        ServiceTimeView(name=_l("Service time"), endpoint="tambon_time", category=category),
        ResourceView("hall", name=_l("Halls and meeting rooms"), endpoint="tambon_halls",
                     category=_l("Settings")),
    ]


@hookimpl
def demo_data(agency: Agency) -> Agency:
    from .demo import load

    return load(agency)


@hookimpl
def forget_request(request: Any) -> None:
    from .models import ElderlyRegistration, IncidentReport

    # Kind and village stay for the reports; the exact place could point at a house.
    (IncidentReport.update(place="", latitude=None, longitude=None)
     .where(IncidentReport.request == request).execute())
    # The row must stay unique per agency; the village and the year stay
    # for the counts, nothing that names the person or their account.
    (ElderlyRegistration.update(national_id=placeholder_id(request.id), name="",
                                birth_date=None, house="", bank="", account_number="",
                                account_name="")
     .where(ElderlyRegistration.request == request).execute())
