"""The staff list of each built service: the columns its admin picked
from its questions, filters on its choice, yes/no and date questions
(through the ``builder_answer`` index), search, paging, and CSV/XLSX with
one column per question. Scoped like every staff list: the agency's
requests of the services the person handles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee as pw
from flask import abort, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.base import paging
from portal.files import csv_response, xlsx_response
from portal.forms import answer_texts, blank_form, dates_form
from portal.i18n import show_datetime
from portal.identity import access
from portal.models import Agency, Request
from portal.plugins import all_services, get_service
from portal.requests import STATUS_LABELS, national_id_for
from portal.staff.base import OPEN_FIRST, OPEN_LAST, PortalBaseView, typed_date_range

from .answers import filtered_questions
from .compile import all_questions
from .models import BuiltAnswer

MAX_EXPORT_ROWS = 50_000
COUNT_LIMIT = 10_000  # a list says "more than 10,000" rather than count a million


def built_services_in_scope() -> list[Any]:
    """The built services whose requests the signed-in person may see."""
    services = [s for s in all_services().values() if s.version is not None]
    if current_user.is_system_admin:
        return services
    out = []
    for m in access.memberships(current_user):
        agency = Agency.get_by_id(m.agency_id)
        for s in services:
            if s.agency_code == agency.code and (m.role == access.AGENCY_ADMIN
                                                  or s.code in m.service_codes):
                out.append(s)
    return out


class BuiltListView(PortalBaseView):
    """คำร้องของบริการที่สร้างเอง."""

    @expose("/")
    def index(self) -> Any:
        return self.render("builder/lists.html", services=built_services_in_scope())

    def _service(self, code: str) -> Any:
        service = next((s for s in built_services_in_scope() if s.code == code), None)
        if service is None:
            abort(404)
        return service

    def _query(self, service: Any, definition: dict[str, Any]
               ) -> tuple[Any, dict[str, str], dict[str, Any]]:
        """The list's query, the filters chosen (what its links carry on) and
        each date question's from/to form (what the page shows)."""
        query = (Request.select().where(Request.service_code == service.code)
                 .order_by(Request.submitted_at.desc(), Request.id.desc()))
        clause = access.staff_scope(current_user)
        if clause is not None:
            query = query.where(clause)
        chosen: dict[str, str] = {}
        status = request.args.get("status", "")
        if status in STATUS_LABELS:
            query = query.where(Request.status == status)
            chosen["status"] = status
        q = (request.args.get("q") or "").strip()
        if q:
            query = query.where(Request.reference.contains(q)
                                | Request.applicant_name.contains(q))
            chosen["q"] = q
        date_forms: dict[str, Any] = {}
        for question in filtered_questions(all_questions(definition)):
            name = f"f_{question['key']}"
            if question["type"] == "date":
                date_forms[question["key"]], first, last = _date_filter(question["key"])
                if first is None and last is None:
                    continue
                for end, day in (("from", first), ("to", last)):
                    if day is not None:  # ISO: the date field reads it back
                        chosen[f"{end}_{question['key']}"] = day.isoformat()
                raw = ""
            else:
                raw = (request.args.get(name) or "").strip()
                if not raw:
                    continue
                chosen[name] = raw
            # EXISTS, not IN: the planner then walks the list in order and
            # asks the answers index per request, instead of collecting and
            # sorting every match (bench/builder_list.py: 3.8 s -> ms).
            answers = BuiltAnswer.select(pw.SQL("1")).where(
                (BuiltAnswer.request == Request.id)
                & (BuiltAnswer.service_code == service.code)
                & (BuiltAnswer.key == question["key"]))
            if question["type"] == "date":
                answers = answers.where(BuiltAnswer.value.between(
                    (first or OPEN_FIRST).isoformat(), (last or OPEN_LAST).isoformat()))
            else:
                answers = answers.where(BuiltAnswer.value == raw)
            query = query.where(pw.fn.EXISTS(answers))
        return query, chosen, date_forms

    def _rows(self, service: Any, items: list[Request], keys: list[str]) -> list[dict[str, Any]]:
        """Each request's answers as its own version shows them."""
        forms: dict[str, Any] = {}
        rows = []
        for req in items:
            code = req.form_code or req.service_code
            if code not in forms:
                version = get_service(code) or service
                forms[code] = (version, blank_form(version, req.agency))
            version, form = forms[code]
            texts = {f.name: text for f, text in answer_texts(form, req.payload)}
            for q in all_questions(version.form_class.definition):
                if q["type"] == "national_id" and texts.get(q["key"], "-") != "-":
                    texts[q["key"]] = national_id_for(current_user, req.payload.get(q["key"]),
                                                      req.agency_id)
            rows.append({"request": req, "cells": [texts.get(k, "") for k in keys]})
        return rows

    @expose("/<code>/")
    def service_list(self, code: str) -> Any:
        service = self._service(code)
        definition = service.form_class.definition
        query, chosen, date_forms = self._query(service, definition)
        page = paging.paginate(query, request.args, count_limit=COUNT_LIMIT)
        asked = {q["key"]: q for q in all_questions(definition)}
        keys = [k for k in definition.get("staff_columns") or list(asked)[:3] if k in asked]
        return self.render("builder/list.html", service=service, page=page, chosen=chosen,
                           columns=[asked[k] for k in keys],
                           rows=self._rows(service, page.items, keys),
                           filters=filtered_questions(list(asked.values())),
                           date_forms=date_forms, statuses=STATUS_LABELS,
                           pager_args={"code": code, **chosen},
                           filtering=any(k != "q" for k in chosen) or any(
                               f.errors for form in date_forms.values() for f in form))

    @expose("/<code>/export.<kind>")
    def export(self, code: str, kind: str) -> Any:
        if kind not in ("csv", "xlsx"):
            abort(404)
        service = self._service(code)
        definition = service.form_class.definition
        query, _chosen, _dates = self._query(service, definition)
        asked = all_questions(definition)
        keys = [q["key"] for q in asked if q["type"] != "file"]
        labels = {q["key"]: q["label"].get("th", q["key"]) for q in asked}
        head = [_("Reference number"), _("Submitted"), _("Requester"), _("Phone"),
                _("Status")] + [labels[k] for k in keys]
        items = list(query.limit(MAX_EXPORT_ROWS))
        body = [[r["request"].reference, show_datetime(r["request"].submitted_at),
                 r["request"].applicant_name, r["request"].contact_phone,
                 str(STATUS_LABELS.get(r["request"].status, r["request"].status)),
                 *r["cells"]] for r in self._rows(service, items, keys)]
        name = f"{service.code}.{kind}"
        if kind == "csv":
            return csv_response([head, *body], name)
        return xlsx_response([head, *body], name, title=str(service.title)[:31])


def _date_filter(key: str) -> tuple[Any, dt.date | None, dt.date | None]:
    """A date question's filter: from and to, each the portal's date input
    (day, Thai month, B.E. year: ``from_<key>-day`` ...), either end open;
    ``from_``/``to_`` never meet the ``f_<key>`` of another question. A link
    made before reads too (``f_<key>=1/6/2567 - 30/6/2567``) and is shown in
    the boxes. A date that is no date filters nothing and says so."""
    form = dates_form(request.args, **{f"from_{key}": _l("From date"),
                                       f"to_{key}": _l("To date")})
    start, end = form[f"from_{key}"], form[f"to_{key}"]
    first, last = start.data, end.data
    typed = (request.args.get(f"f_{key}") or "").strip()
    if first is None and last is None and typed and not start.errors and not end.errors:
        try:
            old_first, old_last = typed_date_range(typed)
        except ValueError:
            pass
        else:
            first = None if old_first == OPEN_FIRST else old_first
            last = None if old_last == OPEN_LAST else old_last
            start.data, end.data = first, last
    if first and last and first > last:
        first, last = last, first
        start.data, end.data, start.typed, end.typed = first, last, None, None
    return form, first, last


__all__ = ["BuiltListView", "_l"]
