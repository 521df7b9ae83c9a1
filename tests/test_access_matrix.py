"""The authorisation matrix: every URL rule of the app, as every kind of user.

Each endpoint is declared below with the people it lets through. The test
walks ``app.url_map`` (so a new route is covered the day it is added) and
fails for an endpoint nobody declared; then it calls every rule as each
persona and checks allow or deny. Allowed: any answer below 400 that is not
a redirect to the login page (a form with errors, a redirect after saving,
400 for a missing query argument all count: the door opened). Denied: 401,
403, 404 or a redirect to the login page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from flask import url_for

from portal.models import Attachment, Request, User
from portal.ops.demo import load_demo
from portal.requests.lifecycle import Status

from .conftest import PASSWORD_HASH, login, make_agency, make_staff, make_user
from .helpers.certificate import new_certificate
from .helpers.csp import inline_scripts
from .helpers.files import make_pdf

ANON, OWNER, CITIZEN2 = "anonymous", "citizen", "other_citizen"
HANDLER, STAFF_OTHER_SERVICE, STAFF_OTHER_AGENCY = ("staff", "staff_other_service",
                                                    "other_staff")
AGENCY_ADMIN, SYSTEM_ADMIN = "agency_admin", "system_admin"
PERSONAS = (ANON, OWNER, CITIZEN2, HANDLER, STAFF_OTHER_SERVICE, STAFF_OTHER_AGENCY,
            AGENCY_ADMIN, SYSTEM_ADMIN)

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {ANON}
ANY_STAFF = frozenset({HANDLER, STAFF_OTHER_SERVICE, STAFF_OTHER_AGENCY, AGENCY_ADMIN,
                       SYSTEM_ADMIN})
ADMINS = frozenset({AGENCY_ADMIN, SYSTEM_ADMIN})
SYSTEM = frozenset({SYSTEM_ADMIN})
# The request belongs to OWNER at the demo agency, a certificate.
REQUEST_HANDLERS = frozenset({HANDLER, AGENCY_ADMIN, SYSTEM_ADMIN})
REQUEST_READERS = REQUEST_HANDLERS | {OWNER}
ONLY_OWNER = frozenset({OWNER})
# Staff who handle an ICT service (the demo clerk handles every service of
# the demo office), admins.
ICT_STAFF = frozenset({HANDLER, AGENCY_ADMIN, SYSTEM_ADMIN})
# The demo KPIs: the demo clerk reports, the agency admin receives.
KPI_REPORTERS = frozenset({HANDLER})

# Blueprint endpoints, one by one.
ROUTES: dict[str, frozenset[str]] = {
    "static": EVERYONE, "admin.static": EVERYONE,
    "public.home": EVERYONE, "public.privacy": EVERYONE, "public.cookie_ok": EVERYONE,
    "public.font": EVERYONE, "public.set_language": EVERYONE, "public.status_check": EVERYONE,
    "public.service_info": EVERYONE, "public.short": EVERYONE, "public.qr_code": EVERYONE,
    "public.poster": EVERYONE, "public.verify": EVERYONE,
    "public.places_by_postcode": EVERYONE,
    "public.agency_page": EVERYONE, "public.service_document": EVERYONE,
    "identity.captcha_image": EVERYONE, "identity.login": EVERYONE,
    "identity.robot_challenge": EVERYONE, "identity.captcha_frame": EVERYONE,
    "identity.register": EVERYONE,
    # Forgot password: for anyone; the link or code is the key.
    "identity.forgot_password": EVERYONE, "identity.reset_link": EVERYONE,
    "identity.reset_code": EVERYONE, "identity.reset_password": EVERYONE,
    "identity.logout": SIGNED_IN, "identity.profile": SIGNED_IN,
    "identity.change_password": SIGNED_IN,
    "identity.my_data": SIGNED_IN, "identity.delete_account": SIGNED_IN,
    # Only a browser a provider has just vouched for reaches these two.
    "identity.external_new": frozenset(), "identity.external_link": frozenset(),
    "identity.external_unlink": SIGNED_IN,
    # No provider is configured in the scene: nothing to sign in with.
    "oidc.start": frozenset(), "oidc.callback": frozenset(),
    "line.webhook": frozenset(),  # no such Official Account in the scene
    "line.notifications": SIGNED_IN,
    "requester.my_requests": SIGNED_IN, "requester.notifications": SIGNED_IN,
    # Guests may send the services that allow it; the certificate needs a login.
    "requester.new_request": SIGNED_IN,
    # A made-up draft token: the signed-in go back to the form, not in.
    "requester.check_request": SIGNED_IN,
    "requester.view": REQUEST_READERS, "requester.print_pdf": REQUEST_READERS,
    "requester.download": REQUEST_READERS,
    "requester.edit": ONLY_OWNER, "requester.cancel": ONLY_OWNER,
    "requester.cancel_confirm": ONLY_OWNER, "requester.edit_check": ONLY_OWNER,
    "survey.answer_in_portal": ONLY_OWNER,
    # The confirmation page and its print: the account's owner, or only the
    # browser that sent a guest request.
    "requester.sent": ONLY_OWNER, "requester.sent_print": ONLY_OWNER,
    # Only a browser that passed the status check for a guest's request:
    # the file is refused, the others send everyone else to the check.
    "requester.guest_file": frozenset(),
    "requester.guest_edit": EVERYONE, "requester.guest_edit_check": EVERYONE,
    "public.status_again": EVERYONE,
    "requester.resource_week": SIGNED_IN,
    "survey.answer": EVERYONE,  # the signed link is the key
    "education.free_times": SIGNED_IN, "education.order_amounts": SIGNED_IN,
    "egov.public_page": EVERYONE, "egov.public_file": EVERYONE,
    "egov.onboard": SIGNED_IN,
    "kpi.download": KPI_REPORTERS | ADMINS,
    "open311.services": EVERYONE, "open311.service_definition": EVERYONE,
    "open311.list_requests": EVERYONE,
    # The certificate is not an Open311 service: the API must not know it.
    "open311.one_request": frozenset(),
    "open311.post_request": frozenset(),  # an API key, not a person
    "admin.index": ANY_STAFF,
    "requests.process": REQUEST_HANDLERS, "delay_letters.delay": REQUEST_HANDLERS,
    "delay_letters.index": ANY_STAFF,
    "requests.forward": REQUEST_HANDLERS, "requests.reopen": REQUEST_HANDLERS,
    "requests.tick_step": REQUEST_HANDLERS, "requests.record": ANY_STAFF,
    "requests.reset_code": REQUEST_HANDLERS,
    # The scene's built service was made after the demo clerk's services
    # were set: only its agency's admin and the system admin handle it.
    "built_requests.service_list": ADMINS, "built_requests.export": ADMINS,
    # Only a system admin keeps the template library every agency starts from.
    "builder_library.add": SYSTEM, "builder_library.remove": SYSTEM,
}

# Flask-Admin views: every endpoint of the view shares its audience.
VIEWS: dict[str, frozenset[str]] = {
    "requests": ANY_STAFF, "overdue": ANY_STAFF, "satisfaction": ANY_STAFF,
    "staff_cards": ANY_STAFF, "certificates": ANY_STAFF, "pensions": ANY_STAFF,
    "room_bookings": ANY_STAFF, "appointments": ANY_STAFF, "form_orders": ANY_STAFF,
    "oss_summary": ANY_STAFF, "ict_calls": ICT_STAFF, "ict_repairs": ICT_STAFF,
    "ict_security": ICT_STAFF, "ict_plan": ICT_STAFF, "tambon_incidents": ANY_STAFF,
    "tambon_elderly": ANY_STAFF, "tambon_hall_bookings": ANY_STAFF,
    "tambon_time": ANY_STAFF, "egov_report": ADMINS,
    "kpi_submit": KPI_REPORTERS, "kpi_receive": ADMINS,
    "kpi_overview": ADMINS, "kpi_admin": ADMINS,
    "services": ADMINS, "holidays": ADMINS, "api_keys": ADMINS, "replies": ADMINS,
    "staff": ADMINS, "agencies": ADMINS, "audit": ADMINS, "rooms": ADMINS, "executives": ADMINS,
    "schools": ADMINS, "form_prices": ADMINS, "tambon_halls": ADMINS,
    "egov_obstacle_kinds": SYSTEM, "oidc_providers": SYSTEM,
    "line_channels": ADMINS,
    # The service builder: admins, on the services of agencies they manage.
    "builder": ADMINS, "builder_library": ADMINS,
    "built_requests": ANY_STAFF,  # each list: below
}

# Arguments of rules, by name; some endpoints need their own.
OVERRIDES: dict[str, dict[str, Any]] = {
    "public.set_language": {"code": "en"},
    "public.qr_code": {"kind": "png"},
    "public.font": {"name": "Sarabun-Regular.ttf"},
    "public.places_by_postcode": {"postcode": "10500"},
    "public.service_document": {"kind": "manual"},
    "open311.service_definition": {"code": "petition"},
    "admin.static": {"filename": "admin/css/bootstrap4/admin.css"},
    "egov_report.link": {"kind": "channel"},
    "egov_report.toggle": {"kind": "link"},
    "egov_report.upload": {"section": "s10"},
}
# The demo sub-district office serves Open311 (the education office offers none).
OPEN311 = {"jurisdiction_id": "demo-tambon"}
# Forms that answer 404 to a missing choice, before any change.
POST_DATA: dict[str, dict[str, Any]] = {
    "services.contact": {"service": "certificate", "officer_name": "นางสาวสุดา ทำงานดี"},
    "services.toggle": {"service": "certificate", "enabled": "1"},
    "services.document": {"service": "certificate", "kind": "form"},
    "services.remove": {"service": "certificate", "kind": "form"},
}
# Flask-Admin answers 404 from these when the view has no ajax fields, after
# its access check: there only a 403 or the login page means "denied".
AJAX = (".ajax_lookup", ".ajax_update")


@pytest.fixture
def scene(app) -> dict[str, Any]:
    """The demo office (every plugin's demo rows), a request of the demo
    citizen with a result file, and the outsiders."""
    with app.app_context():
        demo = load_demo(app)
    agency = demo["agency"]
    # The demo accounts sign in with the tests' password like everyone else.
    User.update(password_hash=PASSWORD_HASH).execute()
    users = {role: User.get(User.national_id == nid) for role, nid, _n in demo["users"]}
    people = {OWNER: users["citizen"], HANDLER: users["staff"],
              AGENCY_ADMIN: users["agency_admin"], SYSTEM_ADMIN: users["system_admin"],
              CITIZEN2: make_user(),
              STAFF_OTHER_SERVICE: make_staff(agency, services=("meeting_room",)),
              STAFF_OTHER_AGENCY: make_staff(make_agency("beta"))}
    _client, req = new_certificate(app, users["citizen"], agency_code="demo")
    clerk = app.test_client()
    login(clerk, users["staff"])
    clerk.post(f"/admin/requests/process/{req.id}", data={
        "status": Status.RETURNED, "message": "แก้ไข", "version": req.version,
        "result": (io.BytesIO(make_pdf()), "ผล.pdf")}, content_type="multipart/form-data")
    _client, done = new_certificate(app, users["citizen"], agency_code="demo")
    clerk.post(f"/admin/requests/process/{done.id}",
               data={"status": Status.COMPLETED, "message": "", "version": done.version})
    return {"agency": agency, "people": people, "request": Request.get_by_id(req.id),
            "objects": _plugin_objects(app, agency, users, done)}


def _plugin_objects(app, agency, users, done) -> dict[str, dict[str, Any]]:
    """One row of each kind the object-bound routes need, per endpoint."""
    from plugins.egov import rules as egov
    from plugins.kpi import rules as kpi_rules
    from plugins.kpi.models import Kpi, KpiRound
    from plugins.open311.api import issue_key
    from plugins.survey import views as survey
    from portal.files.uploads import CheckedFile
    from portal.requests.catalogue import save_document

    pdf = CheckedFile(make_pdf(), "ประกาศ.pdf", "application/pdf", "pdf")
    with app.test_request_context():
        token = survey.token_for(done)
        announcement = egov.upload(agency, "s10", pdf, dt.date(2026, 1, 5), users["agency_admin"])
        link = egov.add_link(agency, "channel", "https://line.me/ti/p/demo",
                             users["agency_admin"], name="LINE")
        kpi = Kpi.select().first()
        document = kpi_rules.submit(kpi, KpiRound.get(KpiRound.year == kpi.year), users["staff"],
                                    "รายงานรอบ 6 เดือน", pdf)
        issue_key(agency, "ระบบทดสอบ", users["agency_admin"])
        save_document(agency, "certificate", "manual", pdf, users["agency_admin"])
    from plugins.line.models import LineChannel
    from plugins.oidc.models import OidcProvider
    from plugins.open311.models import ApiKey

    key_id = ApiKey.select().first().id
    built = _built_service(agency, users["citizen"])
    # Settings whose Check needs no network: a closed port, no token.
    provider = OidcProvider.create(name="thaid", label="ThaID", issuer="http://127.0.0.1:9",
                                   client_id="x", enabled=False)
    channel = LineChannel.create(name="demo-oa", agency=agency)
    return {
        "oidc_providers.check": {"row_id": provider.id},
        "line_channels.check": {"row_id": channel.id},
        "survey.answer": {"token": token},
        "survey.answer_in_portal": {"reference": done.reference},
        "egov.public_file": {"file_id": announcement.id},
        "egov_report.toggle": {"row_id": link.id},
        "kpi.download": {"document_id": document.id},
        "kpi_overview.file": {"document_id": document.id},
        "kpi_receive.file": {"document_id": document.id},
        "kpi_submit.withdraw": {"document_id": document.id},
        "api_keys.revoke": {"key_id": key_id},
        **{f"builder.{name}": {"built_id": built.id} for name in (
            "edit", "settings", "change", "question", "page", "step", "preview", "publish",
            "export", "delete")},
        "builder.page": {"built_id": built.id, "key": "kind_page"},
        "built_requests.service_list": {"code": built.code},
        "built_requests.export": {"code": built.code, "kind": "csv"},
    }


def _built_service(agency, citizen):
    """A built service of the demo office with one request (so the delete
    button refuses instead of deleting it under the other routes)."""
    from portal.requests.lifecycle import create_request

    from .builder.sample import build

    built = build(agency)
    create_request(prefix="RL", service_code=built.code, agency=agency, requester=citizen,
                   applicant_name="ทดสอบ", status=Status.SUBMITTED, payload={})
    return built


def undeclared(app) -> list[str]:
    views = {v.endpoint for v in app.extensions["admin"][0]._views}
    missing = []
    for rule in app.url_map.iter_rules():
        prefix = rule.endpoint.split(".")[0]
        if rule.endpoint not in ROUTES and not (prefix in views and prefix in VIEWS):
            missing.append(rule.endpoint)
    return sorted(set(missing))


def test_every_route_has_a_declared_rule(app):
    assert undeclared(app) == []


def audience(endpoint: str) -> frozenset[str]:
    return ROUTES.get(endpoint) or VIEWS.get(endpoint.split(".")[0], frozenset())


def _values(scene: dict[str, Any], rule: Any) -> dict[str, Any]:
    req: Request = scene["request"]
    attachment = Attachment.select().where(Attachment.request == req).first()
    known = {"reference": req.reference, "id": req.id, "attachment_id": attachment.id,
             "agency_code": "demo", "service_code": "certificate", "code": "XXXX",
             "agency_id": scene["agency"].id, "filename": "portal.css", "token": "x"}
    values = {name: known.get(name, 1) for name in rule.arguments}
    values.update(OVERRIDES.get(rule.endpoint, {}))
    values.update(scene["objects"].get(rule.endpoint, {}))
    if rule.endpoint.startswith("open311."):
        values.update(OPEN311)
    return values


def _allowed(response: Any, endpoint: str) -> bool:
    if response.status_code == 404 and endpoint.endswith(AJAX):
        return True
    if response.status_code in (401, 403, 404):
        return False
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and re.search(r"/login\b", location):
        return False
    return response.status_code < 500


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_exactly_its_routes(app, scene, persona):
    client = app.test_client()
    if persona != ANON:
        user = scene["people"][persona]
        r = login(client, user)
        assert r.status_code == 302, persona
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "identity.logout")
    wrong = []
    for rule in rules:
        with app.test_request_context():
            url = url_for(rule.endpoint, **_values(scene, rule))
        method = "GET" if "GET" in rule.methods else "POST"
        data = dict(POST_DATA.get(rule.endpoint, {}))
        if rule.endpoint.startswith("services."):
            data["agency"] = scene["agency"].id
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        if response.status_code >= 500:
            wrong.append((rule.endpoint, url, "crashed", response.status_code))
            continue
        if response.mimetype == "text/html" and response.status_code == 200:
            wrong.extend((rule.endpoint, url, "inline script", found)
                         for found in inline_scripts(response.get_data(as_text=True)))
        expected = persona in audience(rule.endpoint)
        if _allowed(response, rule.endpoint) != expected:
            wrong.append((rule.endpoint, url, "allowed" if expected else "denied",
                          response.status_code))
    assert not wrong, "\n".join(" ".join(map(str, w)) for w in wrong)


# Programs, not browsers: they sign each call with an API key instead.
CSRF_EXEMPT = {"open311.post_request", "line.webhook"}


@pytest.mark.parametrize("persona", (ANON, OWNER, SYSTEM_ADMIN))
def test_every_state_changing_route_wants_the_csrf_token(app, scene, persona):
    """A POST without the form's token is refused before anything happens."""
    client = app.test_client()
    if persona != ANON:
        assert login(client, scene["people"][persona]).status_code == 302
    before = Request.get_by_id(scene["request"].id)
    accepted = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "POST" not in rule.methods or rule.endpoint in CSRF_EXEMPT:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **_values(scene, rule))
        data = {**POST_DATA.get(rule.endpoint, {}), "version": before.version,
                "status": "cancelled", "message": "x", "remark": "x"}
        response = client.post(url, data=data, csrf=False)
        if response.status_code != 400:
            accepted.append((rule.endpoint, response.status_code))
    assert accepted == []
    after = Request.get_by_id(scene["request"].id)
    assert (after.status, after.version) == (before.status, before.version)
