"""The e-document account (seed 001): the user name staff record at the step
"แจ้งสิทธิ์เข้าใช้งาน" is what the requester waits for — it is on their
request page and in the completion message, while the step's note stays
with staff (issue #21 item 3)."""

from __future__ import annotations

from portal.models import Notification, Request

from .conftest import ask, client_for, tick

EDOC = {"position": "ครู", "email": "wichai@example.go.th", "role": "user"}
NOTE = "รหัสผ่านชั่วคราว Xy-1234 ส่งทางโทรศัพท์แล้ว"


def _account_made(app, ict):
    requester = client_for(app, ict["requester"])
    req = ask(requester, "ict_edoc", EDOC)
    tech = client_for(app, ict["tech"])
    for step, outcome in (("receive", ""), ("check", "complete"), ("record", "")):
        tick(tech, req, step, outcome)
    tick(tech, req, "notify", value="wichai.k", note=NOTE)
    return requester, tech, req


def test_the_user_name_is_on_the_requesters_page_not_the_note(app, ict):
    requester, tech, req = _account_made(app, ict)
    page = requester.get(f"/requests/{req.reference}").get_data(as_text=True)
    told = page[page.index("ข้อมูลที่เจ้าหน้าที่แจ้งให้ท่านทราบ"):]
    assert "ชื่อผู้ใช้ที่สร้างให้" in told and "wichai.k" in told.split("</dl>")[0]
    assert NOTE not in page
    staff_page = tech.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert NOTE in staff_page and "wichai.k" in staff_page


def test_the_completion_message_gives_the_user_name(app, ict):
    _requester, tech, req = _account_made(app, ict)
    Notification.delete().execute()
    tech.post(f"/admin/requests/process/{req.id}", data={
        "status": "completed", "message": "เปิดบัญชีให้แล้ว",
        "version": Request.get_by_id(req.id).version})
    mail = Notification.get((Notification.recipient == ict["requester"].email)
                            & (Notification.subject.contains(req.reference)))
    assert "ชื่อผู้ใช้ที่สร้างให้: wichai.k" in mail.body_text
    assert "wichai.k" in mail.body_html and "เปิดบัญชีให้แล้ว" in mail.body_text
    assert NOTE not in mail.body_text + mail.body_html


def test_only_the_latest_value_counts_and_other_steps_tell_nothing(app, ict):
    requester = client_for(app, ict["requester"])
    req = ask(requester, "ict_repair", {"asset_number": "7440-9", "equipment": "printer",
                                        "location": "ห้องธุรการ", "symptom": "ไม่ติด"})
    tech = client_for(app, ict["tech"])
    tick(tech, req, "receive", note=NOTE)
    page = requester.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "ข้อมูลที่เจ้าหน้าที่แจ้งให้ท่านทราบ" not in page and NOTE not in page
