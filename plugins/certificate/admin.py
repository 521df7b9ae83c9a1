from __future__ import annotations

from typing import Any

from flask import url_for
from flask_admin.contrib.peewee.filters import FilterEqual, FilterLike
from flask_admin.model.template import LinkRowAction
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from portal import access
from portal.lifecycle import STATUS_LABELS
from portal.models import Request
from portal.staff.base import PortalModelView

from .forms import OFFICIAL_TYPES
from .models import CertificateRequest


def _official_type(view: Any, context: Any, model: CertificateRequest, name: str) -> str:
    return str(dict(OFFICIAL_TYPES).get(model.official_type, model.official_type))


class CertificateView(PortalModelView):
    """Certificate requests with the columns a salary clerk works from."""

    can_create = can_edit = can_delete = False
    can_export = True
    column_list = ("request.reference", "request.applicant_name", "official_type",
                   "work_unit", "position", "salary", "purpose", "intended_use",
                   "request.status")
    column_labels = {
        "request.reference": _l("Reference number"), "request.applicant_name": _l("Requester"),
        "official_type": _l("Type of state official"), "work_unit": _l("Work group / school"),
        "position": _l("Position"), "salary": _l("Salary (baht)"),
        "purpose": _l("Certificate requested"), "intended_use": _l("To be used for"),
        "request.status": _l("Status"),
    }
    column_formatters = {
        "official_type": _official_type,
        "request.status": lambda v, c, m, n: Markup("{}").format(
            STATUS_LABELS.get(m.request.status, m.request.status)),
    }
    column_formatters_export = {
        "official_type": _official_type,
        "request.status": lambda v, c, m, n: str(STATUS_LABELS.get(m.request.status, "")),
    }
    column_searchable_list = (CertificateRequest.work_unit, CertificateRequest.position,
                              Request.reference, Request.applicant_name)
    search_hint = _l("Reference number, name, school or position")
    column_filters = (
        FilterEqual(CertificateRequest.official_type, _l("Type of state official"),
                    options=lambda: [(k, str(v)) for k, v in OFFICIAL_TYPES]),
        FilterLike(CertificateRequest.work_unit, _l("Work group / school")),
        FilterLike(CertificateRequest.purpose, _l("Certificate requested")),
    )
    column_default_sort = ("id", True)
    column_extra_row_actions = [
        LinkRowAction("fa fa-pencil", lambda view, row_id, row: url_for(
            "requests.process", id=row.request_id), title=_l("Process")),
        LinkRowAction("fa fa-print", lambda view, row_id, row: url_for(
            "requester.print_pdf", reference=row.request.reference), title=_l("Print")),
    ]

    def get_query(self) -> Any:
        query = CertificateRequest.select(CertificateRequest, Request).join(Request)
        clause = access.staff_scope(current_user)
        return query if clause is None else query.where(clause)

    def _handle_join(self, query: Any, field: Any, joins: Any) -> Any:
        # get_query already joins Request (for scoping and the columns);
        # Flask-Admin would join it a second time for a search on its fields.
        if getattr(field, "model", None) is Request:
            return query
        return super()._handle_join(query, field, joins)
