"""Nothing labelled for staff reaches a requester: a request of every service
with work steps is walked with staff-only notes on every step, then through
everything its requester reads — their page, the printed PDF, the e-mail and
LINE messages in the outbox (and as pushed to LINE), the bell, the public
status check (a guest's, with its history, and its correction form) and the
Open311 API. The note is on the staff's process page, and nowhere else
(issue #21 item 3)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from plugins.line.models import LineChannel
from portal.models import ExternalAccount, Notice, Notification, Request, StepEvent, User
from portal.ops.demo import DEMO_PASSWORD, load_demo
from portal.requests.steps import allowed, events_of

from .conftest import CAPTCHA_TEXT, login, make_config
from .helpers.answers import answers, demo_agency_for
from .helpers.files import make_pdf
from .helpers.line_server import ACCESS_TOKEN, line_stand_in
from .helpers.send import send_form
from .test_printing import pdf_text

MARK = "เฉพาะเจ้าหน้าที่ภายใน"  # in every note; must appear in no requester output
LINE_ID = "U0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def line() -> Iterator[Any]:
    with line_stand_in() as stand_in:
        yield stand_in


@pytest.fixture
def app_config(tmp_path: Any, migrated_db: Any, line: Any) -> dict[str, Any]:
    return make_config(tmp_path, migrated=True, LINE_API_BASE=line.url)


def _note(code: str, step: str) -> str:
    return f"{MARK} {code}/{step}: โทรคุยกับผู้ขายแล้ว ราคาอะไหล่ 1,250 บาท"


def _work_through(staff: Any, req: Request, service: Any) -> None:
    """Tick every step that applies, each with a staff note; a value where
    asked. A step whose tick is the requester's answer (the executive's
    decision) gets a note written for the requester, without the mark."""
    for _ in range(len(service.steps) + 2):
        ready = allowed(service.steps, events_of(req))
        if not ready:
            return
        step = ready[0]
        outcome = next((o.code for o in step.outcomes if not o.back_to), "")
        value = ("https://www.example.go.th/news/1" if step.value_kind == "url"
                 else "somchai.j" if step.value_label else "")
        r = staff.post(f"/admin/requests/steps/{req.id}", data={
            "step": step.code, "outcome": outcome, "value": value,
            "note": "ผู้บริหารอนุมัติแล้ว" if step.tells_requester
            else _note(service.code, step.code)})
        assert r.status_code == 302


def _decide(staff: Any, req: Request, status: str, message: str, **extra: Any) -> None:
    req = Request.get_by_id(req.id)
    r = staff.post(f"/admin/requests/process/{req.id}", data={
        "status": status, "message": message, "version": req.version, **extra},
        content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]


@pytest.mark.once
def test_staff_notes_reach_no_requester_facing_output(app, line):
    with app.app_context():
        demo = load_demo(app)
    ids = {role: nid for role, nid, _name in demo["users"]}
    citizen_user = User.get(User.national_id == ids["citizen"])
    services = [s for s in app.extensions["portal"].services.values() if s.steps]
    assert {s.plugin for s in services} >= {"ict", "tambon"}
    for agency_code in {demo_agency_for(s).code for s in services}:
        LineChannel.create(name=f"oa-{agency_code}", agency=demo_agency_for(next(
            s for s in services if demo_agency_for(s).code == agency_code)),
            channel_secret="s", access_token=ACCESS_TOKEN)
    ExternalAccount.create(provider="line", subject=LINE_ID, user=citizen_user)
    line.pushed.clear()

    citizen, staff = app.test_client(), app.test_client()
    assert login(citizen, citizen_user, DEMO_PASSWORD).status_code == 302
    assert login(staff, User.get(User.national_id == ids["staff"]), DEMO_PASSWORD).status_code \
        == 302
    outputs: dict[str, str] = {}
    made: list[tuple[Any, Request]] = []
    for nth, service in enumerate(services):
        agency = demo_agency_for(service)
        r = send_form(citizen, f"/requests/new/{agency.code}/{service.code}",
                         data=answers(app, service, agency, nth=nth + 20),
                         content_type="multipart/form-data")
        assert r.status_code == 302, (service.code, r.get_data(as_text=True)[-1500:])
        req = Request.get(Request.reference == r.headers["Location"].rsplit("/", 1)[-1])
        _work_through(staff, req, service)
        _decide(staff, req, "completed", "ดำเนินการเรียบร้อยแล้ว",
                result=(io.BytesIO(make_pdf("result")), "ผล.pdf"))
        made.append((service, req))
        ref = req.reference
        outputs[f"{ref} page"] = citizen.get(f"/requests/{ref}").get_data(as_text=True)
        outputs[f"{ref} pdf"] = pdf_text(citizen.get(f"/requests/{ref}/print").data)
        outputs[f"{ref} status check"] = app.test_client().post("/status", data={
            "reference": ref, "phone_last4": "5678"}).get_data(as_text=True)

    # A guest's request, returned with a message: the check shows its history.
    tambon = next(s for s in services if s.guest_allowed and s.open311)
    agency = demo_agency_for(tambon)
    guest = app.test_client()
    guest.get("/captcha.png")
    data = answers(app, tambon, agency, guest=True, nth=90)
    r = send_form(guest, f"/requests/new/{agency.code}/{tambon.code}",
                   data={**data, "captcha": CAPTCHA_TEXT}, content_type="multipart/form-data")
    guest_req = Request.get(Request.reference == r.headers["Location"].rsplit("/", 1)[-1])
    _work_through(staff, guest_req, tambon)
    _decide(staff, guest_req, "returned", "กรุณาแนบภาพถ่ายเพิ่มเติม")
    checked = guest.post("/status", data={"reference": guest_req.reference,
                                          "phone_last4": "5678"}).get_data(as_text=True)
    assert "กรุณาแนบภาพถ่ายเพิ่มเติม" in checked and "ประวัติการดำเนินการ" in checked
    outputs["guest status check"] = checked
    outputs["guest correction form"] = guest.get(
        f"/status/{guest_req.reference}/edit").get_data(as_text=True)
    outputs["guest status again"] = guest.get(
        f"/status/{guest_req.reference}").get_data(as_text=True)

    for code in {demo_agency_for(s).code for s in services if s.open311}:
        outputs[f"open311 {code}"] = app.test_client().get(
            f"/open311/v2/requests.json?jurisdiction_id={code}").get_data(as_text=True)
    for n in Notification.select():
        outputs[f"{n.channel} to {n.recipient}: {n.subject}"] = (
            f"{n.subject}\n{n.body_text}\n{n.body_html}")
    assert Notification.select().where(Notification.channel == "line").count() >= len(made)
    for i, pushed in enumerate(line.pushed):
        outputs[f"LINE push {i}"] = str(pushed)
    assert line.pushed
    for i, notice in enumerate(Notice.select()):
        outputs[f"bell {i}"] = notice.text

    # The notes were recorded and staff read them ...
    assert StepEvent.select().where(StepEvent.note.contains(MARK)).count() >= 2 * len(made)
    service, req = made[0]
    process = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert _note(service.code, service.steps[0].code) in process
    # ... and no requester-facing output carries one.
    leaked = sorted(name for name, text in outputs.items() if MARK in text)
    assert leaked == []
    # What a step records for the requester does reach them.
    edoc = next(r for s, r in made if s.code == "ict_edoc")
    assert "somchai.j" in outputs[f"{edoc.reference} page"]
