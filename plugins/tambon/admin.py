"""Staff lists of the sub-district services."""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.peewee.filters import FilterEqual, FilterLike
from flask_babel import lazy_gettext as _l

from portal.models import Request
from portal.plugins import all_services
from portal.staff.base import (
    RequestDetailView,
    account_number_column,
    be_date,
    national_id_column,
    status_column,
)

from .models import ElderlyRegistration, IncidentReport
from .services import DISASTERS, LIGHT_PROBLEMS, NUISANCES, VILLAGES

KINDS = dict(LIGHT_PROBLEMS + DISASTERS + NUISANCES)
LABELS = {"request.reference": _l("Reference number"), "request.applicant_name": _l("Requester"),
          "request.status": _l("Status"), "request.service_code": _l("Service")}


def _service(view: Any, context: Any, model: Any, name: str) -> str:
    service = all_services().get(model.request.service_code)
    return str(service.title) if service else model.request.service_code


class IncidentView(RequestDetailView):
    column_list = ("request.reference", "request.service_code", "kind", "village", "place",
                   "request.applicant_name", "request.status")
    column_labels = {**LABELS, "kind": _l("Kind"), "village": _l("Village (หมู่)"),
                     "place": _l("Where")}
    column_formatters = {"request.service_code": _service, "request.status": status_column,
                         "kind": lambda v, c, m, n: str(KINDS.get(m.kind, m.kind)),
                         "village": lambda v, c, m, n: f"หมู่ {m.village}" if m.village else ""}
    column_formatters_export = column_formatters
    column_searchable_list = (Request.reference, Request.applicant_name, IncidentReport.place)
    column_filters = (
        FilterEqual(Request.service_code, _l("Service"), options=lambda: [
            (c, all_services()[c].title) for c in ("street_light", "disaster", "nuisance")
            if c in all_services()]),
        FilterEqual(IncidentReport.kind, _l("Kind"), options=lambda: list(KINDS.items())),
        FilterEqual(IncidentReport.village, _l("Village (หมู่)"), options=lambda: VILLAGES[1:]),
        FilterLike(IncidentReport.place, _l("Where")),
    )


def _village(view: Any, context: Any, model: Any, name: str) -> str:
    return f"หมู่ {model.village}" if model.village else ""


def _account(view: Any, context: Any, model: Any, name: str) -> str:
    """Bank and account name with the number, the number under the PDPA rule."""
    number = account_number_column(view, context, model, "account_number")
    return " · ".join(part for part in (model.bank, number, model.account_name) if part)


class ElderlyView(RequestDetailView):
    """The roster the clerk sends on: who, born when, where, which account."""

    column_list = ("request.reference", "national_id", "name", "birth_date", "house",
                   "village", "account", "fiscal_year", "request.applicant_name",
                   "request.status")
    column_export_list = ("request.reference", "national_id", "name", "birth_date", "house",
                          "village", "bank", "account_number", "account_name", "fiscal_year",
                          "request.applicant_name", "request.contact_phone", "request.status")
    column_labels = {**LABELS, "national_id": _l("National ID of the elderly person"),
                     "name": _l("Name of the elderly person"), "birth_date": _l("Date of birth"),
                     "house": _l("House number"), "village": _l("Village (หมู่)"),
                     "account": _l("Bank account"), "bank": _l("Bank"),
                     "account_number": _l("Account number"),
                     "account_name": _l("Account name"),
                     "request.applicant_name": _l("Registered by"),
                     "request.contact_phone": _l("Phone"),
                     "fiscal_year": _l("Fiscal year in which payment starts")}
    column_formatters = {"request.status": status_column, "national_id": national_id_column,
                         "birth_date": be_date, "village": _village, "account": _account}
    column_formatters_export = {**column_formatters, "account_number": account_number_column}
    column_sortable_list = ("name", "birth_date", "village", "fiscal_year")
    column_searchable_list = (Request.reference, ElderlyRegistration.national_id,
                              ElderlyRegistration.name)
    search_hint = _l("Reference number, national ID or name")
    column_filters = (
        FilterEqual(ElderlyRegistration.fiscal_year, _l("Fiscal year in which payment starts")),
        FilterEqual(ElderlyRegistration.village, _l("Village (หมู่)"),
                    options=lambda: VILLAGES[1:]),
    )
