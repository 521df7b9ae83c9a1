"""A guest (no account) follows their own request through the status check:
after the reference + phone check they read staff's messages and the public
history (never staff's notes or names), download the result file, and
correct and resend a returned request — in that browser, for that request,
for a while only (issue #21 item 3)."""

from __future__ import annotations

import io
import time

import pytest
import time_machine

from portal.models import Attachment, AuditLog, Notification, Request, StatusEvent

from ...conftest import make_user
from ...helpers.files import EXE_BYTES, make_pdf
from ...helpers.send import send_form
from .test_tambon import GUEST, client_for, guest_send, tambon  # noqa: F401 - fixture

PETITION = {"subject": "ถนนหน้าบ้านเป็นหลุม", "details": "หลุมลึกหน้าบ้านเลขที่ 5"}
NOTE = "โน้ตภายใน-ห้ามผู้ร้องเห็น"
MESSAGE = "กรุณาระบุหมู่บ้านและจุดสังเกตให้ชัดเจน"


def _sent(client) -> Request:
    r = guest_send(client, "petition", PETITION)
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    return Request.get(Request.reference == r.headers["Location"].rsplit("/", 1)[-1])


def _process(staff, req: Request, status: str, message: str = "", **files):
    req = Request.get_by_id(req.id)
    return staff.post(f"/admin/requests/process/{req.id}", data={
        "status": status, "message": message, "version": req.version, **files},
        content_type="multipart/form-data")


def _returned(app, tambon):  # noqa: F811
    req = _sent(app.test_client())
    staff = client_for(app, tambon["clerk"])
    staff.post(f"/admin/requests/steps/{req.id}", data={"step": "receive", "note": NOTE})
    assert _process(staff, req, "returned", MESSAGE).status_code == 302
    return req, staff


def _check(client, req: Request, last4: str = GUEST["phone"][-4:]):
    return client.post("/status", data={"reference": req.reference, "phone_last4": last4})


def test_after_the_check_a_guest_reads_staffs_message_and_history(app, tambon):  # noqa: F811
    req, _staff = _returned(app, tambon)
    guest = app.test_client()
    page = _check(guest, req).get_data(as_text=True)
    assert MESSAGE in page
    assert "ประวัติการดำเนินการ" in page and "รับเรื่อง" in page  # the step, without its note
    assert NOTE not in page
    assert tambon["clerk"].first_name not in page  # the status check names nobody
    assert f'href="/status/{req.reference}/edit"' in page
    # Without the check (another browser), none of it.
    other = app.test_client()
    assert MESSAGE not in other.get(f"/status?ref={req.reference}").get_data(as_text=True)
    assert other.get(f"/status/{req.reference}").status_code == 302
    wrong = _check(other, req, "0000").get_data(as_text=True)
    assert MESSAGE not in wrong and "/edit" not in wrong


def test_a_returned_guest_request_is_corrected_and_resent(app, tambon):  # noqa: F811
    req, staff = _returned(app, tambon)
    guest = app.test_client()
    _check(guest, req)
    form = guest.get(f"/status/{req.reference}/edit").get_data(as_text=True)
    assert MESSAGE in form and "ถนนหน้าบ้านเป็นหลุม" in form and 'name="national_id"' not in form
    version = Request.get_by_id(req.id).version
    before = StatusEvent.select().where(StatusEvent.request == req).count()

    # A refused correction saves nothing.
    bad = send_form(guest, f"/status/{req.reference}/edit", data={
        **GUEST, **PETITION, "details": "", "version": version},
        content_type="multipart/form-data")
    assert bad.status_code == 200 and "กรอกรายละเอียดคำร้อง" in bad.get_data(as_text=True)
    same = Request.get_by_id(req.id)
    assert (same.status, same.version, same.payload["details"]) == (
        "returned", version, PETITION["details"])
    assert StatusEvent.select().where(StatusEvent.request == req).count() == before
    files_before = Attachment.select().count()
    exe = send_form(guest, f"/status/{req.reference}/edit", data={
        **GUEST, **PETITION, "details": "แก้แล้ว", "version": version,
        "file_file1": (io.BytesIO(EXE_BYTES), "แผนที่.pdf")}, content_type="multipart/form-data")
    assert exe.status_code == 200 and Request.get_by_id(req.id).status == "returned"
    assert Attachment.select().count() == files_before
    assert Request.get_by_id(req.id).payload["details"] == PETITION["details"]

    Notification.delete().execute()
    r = send_form(guest, f"/status/{req.reference}/edit", data={
        **GUEST, **PETITION, "details": "หลุมลึกหน้าบ้านเลขที่ 5 หมู่ 3 ตรงข้ามวัด",
        "file_file1": (io.BytesIO(make_pdf()), "แผนที่.pdf"), "version": version},
        content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/status/{req.reference}")
    done = Request.get_by_id(req.id)
    assert done.status == "resubmitted" and done.requester_id is None
    assert done.payload["details"].endswith("ตรงข้ามวัด") and "national_id" not in done.payload
    last = StatusEvent.select().where(StatusEvent.request == req).order_by(
        StatusEvent.id.desc()).get()
    assert (last.to_status, last.actor_role, last.actor_id) == ("resubmitted", "requester", None)
    assert set(last.changes) == {"รายละเอียดคำร้อง", "เอกสาร 1"}  # only what changed
    audit = AuditLog.get((AuditLog.action == "status_changed")
                         & (AuditLog.target == f"request:{req.reference}")
                         & AuditLog.detail.contains("resubmitted"))
    assert audit.actor_id is None and audit.ip and audit.agency_id == req.agency_id
    assert Notification.select().where(Notification.subject.contains(req.reference)).count()
    # The browser is shown the status again, now "sent to staff".
    page = guest.get(r.headers["Location"]).get_data(as_text=True)
    assert "ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่" in page and "/edit" not in page
    # Staff see the correction and what changed.
    process = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "ตรงข้ามวัด" in process and "alert-warning" in process
    # Only once: resent, it is no longer open to correction.
    again = send_form(guest, f"/status/{req.reference}/edit", data={
        **GUEST, **PETITION, "version": done.version}, content_type="multipart/form-data")
    assert again.status_code == 302 and Request.get_by_id(req.id).version == done.version


def test_the_result_file_is_for_the_checked_request_in_that_browser(app, tambon):  # noqa: F811
    req = _sent(app.test_client())
    other_req = _sent(app.test_client())
    staff = client_for(app, tambon["clerk"])
    for r, name in ((req, "หนังสือตอบ.pdf"), (other_req, "ของคนอื่น.pdf")):
        assert _process(staff, r, "completed", "ซ่อมถนนแล้ว",
                        result=(io.BytesIO(make_pdf(name)), name)).status_code == 302
    mine = next(a for a in Request.get_by_id(req.id).attachments if a.is_result)
    theirs = next(a for a in Request.get_by_id(other_req.id).attachments if a.is_result)
    link = f"/status/{req.reference}/files/{mine.id}"

    assert app.test_client().get(link).status_code == 404  # no check in this browser
    guest = app.test_client()
    page = _check(guest, req).get_data(as_text=True)
    assert "ซ่อมถนนแล้ว" in page and link in page and "หนังสือตอบ.pdf" in page
    got = guest.get(link)
    assert got.status_code == 200 and got.data.startswith(b"%PDF")
    assert AuditLog.select().where((AuditLog.action == "download")
                                   & (AuditLog.target == f"attachment:{mine.id}")).count() == 1
    # Another request's file through this request's check: refused.
    assert guest.get(f"/status/{req.reference}/files/{theirs.id}").status_code == 404
    assert guest.get(f"/status/{other_req.reference}/files/{theirs.id}").status_code == 404
    # The check holds for half an hour.
    with time_machine.travel(time.time() + 31 * 60, tick=False):
        assert guest.get(link).status_code == 404
        assert guest.get(f"/status/{req.reference}").status_code == 302


@pytest.mark.once
def test_a_request_of_an_account_stays_behind_its_sign_in(app, tambon):  # noqa: F811
    citizen = make_user(phone="0811112222")
    client = client_for(app, citizen)
    r = send_form(client, "/requests/new/demo-tambon/petition", data={
        **GUEST, "phone": "0811112222", **PETITION}, content_type="multipart/form-data")
    req = Request.get(Request.reference == r.headers["Location"].rsplit("/", 1)[-1])
    _process(client_for(app, tambon["clerk"]), req, "returned", MESSAGE)
    stranger = app.test_client()
    page = _check(stranger, req, "2222").get_data(as_text=True)
    assert "เจ้าหน้าที่ส่งให้แก้ไขข้อมูล" in page  # the status, as before
    assert MESSAGE not in page and "/edit" not in page and "เข้าสู่ระบบ" in page
    assert stranger.get(f"/status/{req.reference}/edit").status_code == 302
    assert Request.get_by_id(req.id).status == "returned"


def test_a_guest_correction_cannot_change_the_phone_the_check_asks_for(app, tambon):  # noqa: F811
    """Whoever passed the check may correct the answers, not change the
    phone number, which would lock the requester out of their request."""
    req, _staff = _returned(app, tambon)
    guest = app.test_client()
    _check(guest, req)
    form = guest.get(f"/status/{req.reference}/edit").get_data(as_text=True)
    assert "readonly" in form.split('name="phone"', 1)[1].split(">", 1)[0]
    r = send_form(guest, f"/status/{req.reference}/edit", data={
        **GUEST, **PETITION, "phone": "0899999999", "details": "แก้ไขแล้ว ตรงข้ามวัด",
        "version": Request.get_by_id(req.id).version}, content_type="multipart/form-data")
    assert r.status_code == 302
    done = Request.get_by_id(req.id)
    assert done.status == "resubmitted" and done.payload["details"] == "แก้ไขแล้ว ตรงข้ามวัด"
    assert done.contact_phone == GUEST["phone"] and done.payload["phone"] == GUEST["phone"]
    assert "ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่" in _check(app.test_client(), req).get_data(
        as_text=True)
