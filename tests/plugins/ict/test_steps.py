"""Work steps: order, branches and loops as the work manual draws them."""

from __future__ import annotations

import pytest

from plugins.ict import workflows
from portal.models import Request, StepEvent
from portal.requests.steps import allowed, finished, progress, replay

from .conftest import REPAIR, ask, client_for, tick


def ev(step: str, outcome: str = "") -> StepEvent:
    return StepEvent(step=step, outcome=outcome)


def codes(steps) -> list[str]:
    return [s.code for s in steps]


def test_a_step_waits_for_its_predecessor():
    assert codes(allowed(workflows.REPAIR, [])) == ["receive"]
    assert codes(allowed(workflows.REPAIR, [ev("receive")])) == ["check"]


@pytest.mark.parametrize("outcome, next_step, skipped", [
    ("in_house", "repair", {"vendor", "procurement"}),
    ("warranty", "vendor", {"procurement"}),
    ("parts", "procurement", {"vendor"}),
])
def test_repair_branches(outcome, next_step, skipped):
    events = [ev("receive"), ev("check"), ev("diagnose", outcome)]
    assert codes(allowed(workflows.REPAIR, events)) == [next_step]
    states = {s.step.code: s for s in progress(workflows.REPAIR, events)}
    assert {code for code, s in states.items() if not s.applies} == skipped


def test_failed_test_loops_back_to_repair():
    events = [ev("receive"), ev("check"), ev("diagnose", "in_house"), ev("repair"),
              ev("test", "fail")]
    assert codes(allowed(workflows.REPAIR, events)) == ["repair"]
    assert "repair" not in replay(workflows.REPAIR, events)
    events += [ev("repair"), ev("test", "pass"), ev("handover")]
    assert finished(workflows.REPAIR, events)


def test_existing_program_skips_development():
    events = [ev("receive"), ev("analyse", "existing")]
    assert codes(allowed(workflows.APP_DEV, events)) == ["deliver"]
    assert finished(workflows.APP_DEV, events + [ev("deliver")])
    develop = [ev("receive"), ev("analyse", "develop")]
    assert codes(allowed(workflows.APP_DEV, develop)) == ["gather"]


def test_incomplete_edoc_form_is_checked_again():
    events = [ev("receive"), ev("check", "incomplete")]
    assert codes(allowed(workflows.EDOC, events)) == ["check"]
    assert codes(allowed(workflows.EDOC, events + [ev("check", "complete")])) == ["record"]


def test_software_test_failure_reinstalls():
    events = [ev("receive"), ev("prepare"), ev("install"), ev("test", "fail")]
    assert codes(allowed(workflows.SOFTWARE, events)) == ["install"]


def test_ticking_through_the_process_page(app, ict):
    requester = client_for(app, ict["requester"])
    req = ask(requester, "ict_repair", REPAIR)
    tech = client_for(app, ict["tech"])
    page = tech.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "ขั้นตอนการปฏิบัติงาน" in page and "รับแจ้งซ่อม" in page
    # Out of order: refused, nothing recorded.
    r = tick(tech, req, "repair")
    assert "กรุณาดำเนินการขั้นตอนก่อนหน้าให้เสร็จก่อน" in r.get_data(as_text=True)
    assert StepEvent.select().count() == 0
    tick(tech, req, "receive")
    assert Request.get_by_id(req.id).status == "in_progress"  # the first tick starts the work
    tick(tech, req, "check")
    r = tick(tech, req, "diagnose")
    assert "กรุณาเลือกผลของขั้นตอนนี้" in r.get_data(as_text=True)
    tick(tech, req, "diagnose", "warranty", note="ประกันถึง 2569")
    r = tick(tech, req, "procurement")
    assert "กรุณาดำเนินการขั้นตอนก่อนหน้าให้เสร็จก่อน" in r.get_data(as_text=True)
    for step, outcome in (("vendor", ""), ("repair", ""), ("test", "fail"), ("repair", ""),
                          ("test", "pass"), ("handover", "")):
        assert "บันทึกขั้นตอนเรียบร้อย" in tick(tech, req, step, outcome).get_data(as_text=True)
    assert [e.step for e in StepEvent.select().order_by(StepEvent.id)] == [
        "receive", "check", "diagnose", "vendor", "repair", "test", "repair", "test",
        "handover"]
    assert all(e.actor_id == ict["tech"].id for e in StepEvent.select())
    # The requester sees the steps, not the staff's notes.
    view = requester.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "ติดต่อร้าน/บริษัทผู้รับผิดชอบ" in view and "ประกันถึง 2569" not in view
    staff_view = tech.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "ประกันถึง 2569" in staff_view


def test_published_url_is_checked_and_kept(app, ict):
    req = ask(client_for(app, ict["requester"]), "ict_news", {
        "kind": "pr", "headline": "ประชุมผู้บริหารสถานศึกษา", "content": "รายละเอียดข่าว"})
    tech = client_for(app, ict["tech"])
    for step, outcome in (("receive", ""), ("check", ""), ("prepare", ""), ("publish", ""),
                          ("review", "ok")):
        tick(tech, req, step, outcome)
    r = tick(tech, req, "verify", value="javascript:alert(1)")
    assert "http:// หรือ https://" in r.get_data(as_text=True)
    tick(tech, req, "verify", value="https://www.example.go.th/news/123")
    assert StepEvent.get(StepEvent.step == "verify").value == \
        "https://www.example.go.th/news/123"


def test_steps_only_while_work_is_open(app, ict):
    req = ask(client_for(app, ict["requester"]), "ict_edoc", {
        "position": "ครู", "email": "a@example.go.th", "role": "user"})
    tech = client_for(app, ict["tech"])
    tech.post(f"/admin/requests/process/{req.id}", data={
        "status": "cancelled", "message": "ซ้ำกับคำร้องเดิม", "version": req.version})
    r = tick(tech, req, "receive")
    assert "บันทึกขั้นตอนได้เฉพาะระหว่างที่เจ้าหน้าที่ดำเนินการคำร้อง" in r.get_data(as_text=True)


def test_wrong_people_cannot_tick(app, ict):
    req = ask(client_for(app, ict["requester"]), "ict_software", {
        "software": "LibreOffice 24", "asset_number": "7440-1", "location": "ห้อง 2",
        "licence": "free", "reason": "ทำเอกสาร"})
    for who in ("outsider", "clerk", "requester"):
        client = client_for(app, ict[who])
        r = client.post(f"/admin/requests/steps/{req.id}", data={"step": "receive"})
        assert r.status_code in (403, 404), who
    assert StepEvent.select().count() == 0
    anonymous = app.test_client().post(f"/admin/requests/steps/{req.id}",
                                       data={"step": "receive"})
    assert anonymous.status_code in (302, 403)
