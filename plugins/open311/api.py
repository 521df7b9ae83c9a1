"""Open311 GeoReport v2 over the services that set ``open311``, so existing
Open311 apps and city dashboards can talk to the portal.

``jurisdiction_id`` is the agency's code. Posting needs an agency's API key;
reading shows no personal data, only what the public status check shows.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import SelectField
from wtforms.validators import Optional

from portal.forms import (
    TITLE_CHOICES,
    FieldError,
    answer_fields,
    build_request_form,
    is_placeholder,
)
from portal.i18n import show_iso
from portal.models import Agency, Request, User
from portal.plugins import ApiBlueprint, Service, all_services
from portal.requests import FINAL_STATUSES, STATUS_LABELS, enabled_services, submit
from portal.thai import ascii_digits

from .models import ApiKey

# Programs post with an API key, not a browser session: no CSRF token.
bp = ApiBlueprint("open311", __name__, url_prefix="/open311/v2", rate_limit="60 per minute")
APPLICANT = {"first_name": "first_name", "last_name": "last_name", "phone": "phone",
             "email": "email"}


def key_hash(key: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hashlib.sha256(secret + b"api-key:" + key.strip().encode()).hexdigest()


def issue_key(agency: Agency, name: str, user: User) -> str:
    """A new key for ``agency``; returned once, stored as a hash."""
    key = secrets.token_urlsafe(24)
    ApiKey.create(agency=agency, name=name.strip()[:255] or "Open311", key_hash=key_hash(key),
                  hint=key[-4:], created_by=user)
    return key


def error(status: int, description: str) -> tuple[Response, int]:
    return jsonify([{"code": status, "description": description}]), status


class Open311Error(Exception):
    """An answer in GeoReport v2's error format, raised from anywhere below."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


@bp.errorhandler(Open311Error)
def _open311_error(exc: Open311Error) -> tuple[Response, int]:
    return error(exc.status, exc.description)


def _agency() -> Agency:
    """The agency ``jurisdiction_id`` names. GeoReport v2 lets a caller leave
    it out only where one jurisdiction answers: with several, leaving it
    out is a missing required argument (400), not an unknown one (404)."""
    code = request.values.get("jurisdiction_id")
    if code:
        agency = Agency.get_or_none((Agency.code == code) & ~Agency.suspended)
        if agency is None:
            raise Open311Error(404, "jurisdiction_id not found")
        return agency
    offering = [a for a in Agency.select().where(~Agency.suspended)
                if any(s.open311 for s in enabled_services(a))]
    if len(offering) > 1:
        raise Open311Error(400, "jurisdiction_id is required")
    if not offering:
        raise Open311Error(404, "jurisdiction_id not found")
    return offering[0]


def _services(agency: Agency) -> list[Service]:
    return [s for s in enabled_services(agency) if s.open311]


def _thai(text: Any) -> str:
    with force_locale("th"):
        return str(text)


def _definition(service: Service) -> dict[str, Any]:
    form = service.form_class(meta={"csrf": False}, formdata=None)
    attributes = []
    for order, field in enumerate(f for f in answer_fields(form)
                                  if f.name not in ("national_id", *APPLICANT, "title")):
        choices = getattr(field, "choices", None)
        attributes.append({
            "variable": True, "code": field.name,
            "datatype": "singlevaluelist" if choices else (
                "text" if field.type == "TextAreaField" else "string"),
            "required": bool(field.flags.required), "datatype_description": "",
            "order": order + 1, "description": _thai(field.label.text),
            **({"values": [{"key": str(k), "name": _thai(v)} for k, v in choices
                           if k != "" and not is_placeholder(field, k)]}
               if choices else {}),
        })
    return {"service_code": service.code, "attributes": attributes}


@bp.get("/services.json")
def services() -> Any:
    agency = _agency()
    return jsonify([{
        "service_code": s.code, "service_name": _thai(s.title),
        "description": _thai(s.description), "metadata": True, "type": "realtime",
        "keywords": "", "group": agency.name_th} for s in _services(agency)])


@bp.get("/services/<code>.json")
def service_definition(code: str) -> Any:
    agency = _agency()
    service = next((s for s in _services(agency) if s.code == code), None)
    if service is None:
        return error(404, f"service_code {code} not found")
    return jsonify(_definition(service))


def _record(req: Request) -> dict[str, Any]:
    service = all_services().get(req.service_code)
    payload = req.payload or {}
    return {
        "service_request_id": req.reference,
        "status": "closed" if req.status in FINAL_STATUSES else "open",
        "status_notes": _thai(STATUS_LABELS.get(req.status, req.status)),
        "service_name": _thai(service.title) if service else req.service_code,
        "service_code": req.service_code,
        "description": "",
        "agency_responsible": req.agency.name_th,
        "requested_datetime": show_iso(req.submitted_at),
        "updated_datetime": show_iso(req.status_changed_at),
        "expected_datetime": req.due_date.isoformat() if req.due_date else None,
        "address": "", "lat": _public_degree(payload.get("latitude")),
        "long": _public_degree(payload.get("longitude")),
    }


def _public_degree(value: Any) -> float | None:
    """A coordinate to three decimals (about 110 m): where a street light
    is, not whose house the report was sent from."""
    try:
        degree = float(value)
    except (TypeError, ValueError):
        return None
    return round(degree, 3) if math.isfinite(degree) else None


@bp.get("/requests.json")
def list_requests() -> Any:
    agency = _agency()
    codes = [s.code for s in _services(agency)]
    query = Request.select().where((Request.agency == agency)
                                   & Request.service_code.in_(codes))
    if request.args.get("service_request_id"):
        query = query.where(Request.reference.in_(
            request.args["service_request_id"].split(",")[:50]))
    if request.args.get("service_code"):
        query = query.where(Request.service_code == request.args["service_code"])
    status = request.args.get("status")
    if status in ("open", "closed"):
        final = [s.value for s in FINAL_STATUSES]
        query = query.where(Request.status.in_(final) if status == "closed"
                            else Request.status.not_in(final))
    rows = query.order_by(Request.submitted_at.desc()).limit(1000)
    return jsonify([_record(r) for r in rows])


@bp.get("/requests/<reference>.json")
def one_request(reference: str) -> Any:
    req = Request.get_or_none(Request.reference == ascii_digits(reference))
    service = all_services().get(req.service_code) if req else None
    if req is None or service is None or not service.open311:
        return error(404, f"service_request_id {reference} not found")
    return jsonify([_record(req)])


@bp.post("/requests.json")
def post_request() -> Any:
    # Only where GeoReport puts it, the body: a query string is logged by
    # every proxy on the way.
    key = ApiKey.get_or_none((ApiKey.key_hash == key_hash(request.form.get("api_key", "")))
                             & ~ApiKey.revoked)
    if key is None:
        return error(403, "api_key is missing or not valid")
    agency = key.agency
    code = request.values.get("service_code", "")
    service = next((s for s in _services(agency) if s.code == code), None)
    if service is None:
        return error(404, f"service_code {code} not found")
    # Open311 has no title; everything else comes from the form's own rules.
    form_class = type("Open311Form", (build_request_form(service, guest=True),),
                      {"title": SelectField(choices=TITLE_CHOICES, validators=[Optional()])})
    data = MultiDict()
    for ours, theirs in APPLICANT.items():
        data[ours] = request.values.get(theirs, "")
    if not data["last_name"]:
        data["last_name"] = "-"
    for name, value in request.values.items():
        if name.startswith("attribute[") and name.endswith("]"):
            data[name[10:-1]] = value
    for ours, theirs in (("latitude", "lat"), ("longitude", "long"), ("place", "address_string"),
                         ("details", "description")):
        if request.values.get(theirs) and ours not in data:
            data[ours] = request.values[theirs]
    form = form_class(formdata=data, meta={"csrf": False})
    if service.prepare_form:
        service.prepare_form(form, agency)
    if not form.validate():
        return error(400, "; ".join(f"{name}: {' '.join(map(str, errors))}"
                                    for name, errors in form.errors.items()))
    try:
        created = submit(service, agency, None, form, channel="open311")
    except FieldError as exc:
        return error(400, f"{exc.field}: {exc}")
    return jsonify([{"service_request_id": created.reference,
                     "service_notice": _thai(STATUS_LABELS[created.status]),
                     "account_id": None}]), 201
