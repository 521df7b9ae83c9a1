"""The requester's side: submit, refusals that save nothing, list, edit after
return, cancel (SPEC §2)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from plugins.education.models import CertificateRequest
from portal.models import Attachment, Draft, HeldFile, Request, StatusEvent

from .conftest import login
from .helpers.certificate import new_certificate, submit_certificate
from .helpers.files import EXE_BYTES, make_jpg, make_pdf, make_png
from .helpers.send import send_form


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_submit_saves_answers_columns_files_and_history(app, world):
    _client, req = new_certificate(app, world["citizen"])
    assert req.payload["work_unit"] == "โรงเรียนบ้านหนองน้ำใส"
    assert req.payload["national_id"] == world["citizen"].national_id
    assert req.contact_phone == "0812345678"
    assert req.due_date is not None and req.due_date > req.submitted_at.date()
    cert = CertificateRequest.get(CertificateRequest.request == req)
    assert (cert.official_type, cert.salary) == ("teacher", Decimal("35210.50"))
    files = list(Attachment.select().where(Attachment.request == req))
    assert {f.slot for f in files} == {"id_card", "salary_slip"}
    assert {f.original_name for f in files} == {"สำเนาบัตร.pdf", "slip.png"}
    assert len(stored_files(app)) == 2
    event = StatusEvent.get(StatusEvent.request == req)
    assert (event.from_status, event.to_status, event.actor_id) == (
        None, "submitted", world["citizen"].id)


def test_national_id_comes_from_the_account_not_the_form(app, world):
    _client, req = new_certificate(app, world["citizen"], national_id="3100500123458")
    assert req.payload["national_id"] == world["citizen"].national_id


@pytest.mark.parametrize("overrides, message", [
    ({"file_id_card": (io.BytesIO(EXE_BYTES), "virus.pdf")}, "รับเฉพาะไฟล์"),
    ({"file_id_card": (io.BytesIO(b"%PDF" + b"0" * (5 * 1024 * 1024)), "big.pdf")},
     "เกิน 5 MB"),
    ({"file_salary_slip": (io.BytesIO(b""), "empty.png")}, "ไฟล์ว่างเปล่า"),
    ({"file_id_card": None}, "แนบไฟล์สำเนาบัตรประชาชน"),
    ({"work_unit": ""}, "กรอกกลุ่มงาน/โรงเรียน"),
    ({"salary": "สามหมื่น"}, "เงินเดือน"),
    ({"official_type": "king"}, "เจ้าหน้าที่ของรัฐประเภท"),
])
def test_bad_submissions_are_refused_in_thai_and_leave_nothing(app, world, overrides, message):
    client = app.test_client()
    login(client, world["citizen"])
    r = submit_certificate(client, "alpha", **overrides)
    assert r.status_code == 200
    assert message in r.get_data(as_text=True)
    assert Request.select().count() == 0
    assert Attachment.select().count() == 0
    # Only the files that passed are kept, held for this form (portal.requests.drafts).
    assert {p.name for p in stored_files(app)} == {h.stored_name for h in HeldFile.select()}


def test_a_failure_after_files_are_written_rolls_everything_back(app, world, monkeypatch):
    def broken_store(request, answers):
        raise RuntimeError("disk full")

    service = app.extensions["portal"].services["certificate"]
    from dataclasses import replace

    monkeypatch.setitem(app.extensions["portal"].services, "certificate",
                        replace(service, store=broken_store))
    client = app.test_client()
    login(client, world["citizen"])
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(RuntimeError):
        submit_certificate(client, "alpha")
    assert Request.select().count() == 0
    assert Attachment.select().count() == 0
    # The confirm failed in the middle: the files stay held for the draft
    # (the person may press again), none became an attachment.
    held = {h.stored_name for h in HeldFile.select()}
    assert len(held) == 2 and Draft.select().count() == 1
    assert {p.name for p in stored_files(app)} == held


def test_jpg_png_pdf_are_accepted_by_content(app, world):
    _c, req = new_certificate(app, world["citizen"], file_id_card=(
        io.BytesIO(make_jpg()), "photo.jpeg"), file_other1=(io.BytesIO(make_png()), "x.png"),
        file_salary_slip=(io.BytesIO(make_pdf()), "slip"))
    types = {a.slot: a.content_type for a in Attachment.select().where(Attachment.request == req)}
    assert types == {"id_card": "image/jpeg", "other1": "image/png",
                     "salary_slip": "application/pdf"}
    names = {a.slot: a.original_name for a in Attachment.select()}
    assert names["salary_slip"] == "slip.pdf"


def test_my_requests_lists_only_mine_with_search_and_paging(app, world):
    client, first = new_certificate(app, world["citizen"])
    for _ in range(11):
        submit_certificate(client, "alpha")
    _other, theirs = new_certificate(app, world["other_citizen"])
    page = client.get("/requests").get_data(as_text=True)
    assert "แสดง 1 ถึง 10 จาก 12 รายการ" in page
    assert theirs.reference not in page
    page2 = client.get("/requests?page=2").get_data(as_text=True)
    assert "แสดง 11 ถึง 12 จาก 12 รายการ" in page2
    assert "จาก 12 รายการ" in client.get("/requests?per_page=25").get_data(as_text=True)
    found = client.get(f"/requests?q={first.reference[-5:]}").get_data(as_text=True)
    assert "แสดง 1 ถึง 1 จาก 1 รายการ" in found
    assert "จาก 12 รายการ" in client.get("/requests?q=หนังสือรับรอง").get_data(as_text=True)
    assert "ไม่พบรายการคำร้อง" in client.get("/requests?q=ZZZZZ").get_data(as_text=True)


def test_view_shows_answers_files_history_in_thai(app, world):
    client, req = new_certificate(app, world["citizen"])
    page = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    for text in ("ข้าราชการครูและบุคลากรทางการศึกษา", "35,210.50", "สำเนาบัตร.pdf",
                 "ส่งคำร้องไปยังเจ้าหน้าที่", "น.", req.reference):
        assert text in page


def _staff_sets(app, staff, req, status, message=""):
    client = app.test_client()
    login(client, staff)
    return client.post(f"/admin/requests/process/{req.id}", data={
        "status": status, "message": message,
        "version": Request.get_by_id(req.id).version})


def test_return_edit_resubmit_records_what_changed(app, world):
    client, req = new_certificate(app, world["citizen"])
    assert client.get(f"/requests/{req.reference}/edit").status_code == 302  # not returned yet
    r = _staff_sets(app, world["staff"], req, "returned", "กรุณาแนบสลิปเดือนล่าสุด")
    assert r.status_code == 302
    form = client.get(f"/requests/{req.reference}/edit").get_data(as_text=True)
    assert "กรุณาแนบสลิปเดือนล่าสุด" in form and "slip.png" in form
    version = Request.get_by_id(req.id).version
    r = submit_edit = send_form(client, f"/requests/{req.reference}/edit", data={
        **{k: v for k, v in req.payload.items() if v is not None and k != "national_id"},
        "position": "ครูชำนาญการพิเศษ", "version": version,
        "file_salary_slip": (io.BytesIO(make_pdf()), "สลิปใหม่.pdf")},
        content_type="multipart/form-data")
    assert submit_edit.status_code == 302, r.get_data(as_text=True)
    fresh = Request.get_by_id(req.id)
    assert fresh.status == "resubmitted" and fresh.payload["position"] == "ครูชำนาญการพิเศษ"
    event = StatusEvent.select().where(StatusEvent.request == req).order_by(
        StatusEvent.id.desc()).first()
    assert set(event.changes) == {"ตำแหน่ง", "แนบสำเนาสลิปเงินเดือน เดือนสุดท้าย"}
    current = {a.slot: a.original_name for a in Attachment.select().where(
        (Attachment.request == req) & Attachment.replaced_at.is_null())}
    assert current["salary_slip"] == "สลิปใหม่.pdf"
    assert Attachment.select().where(Attachment.replaced_at.is_null(False)).count() == 1
    staff = app.test_client()
    login(staff, world["staff"])
    page = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "ผู้ยื่นคำร้องแก้ไขข้อมูล" in page and "ตำแหน่ง" in page


def test_stale_edit_after_staff_changed_status_is_refused(app, world):
    client, req = new_certificate(app, world["citizen"])
    _staff_sets(app, world["staff"], req, "returned", "แก้ไขตำแหน่ง")
    old_version = Request.get_by_id(req.id).version
    client.get(f"/requests/{req.reference}/edit")
    # Staff cancel while the requester still has the form open.
    _staff_sets(app, world["staff"], req, "cancelled", "ผู้ยื่นขอยกเลิกทางโทรศัพท์")
    r = send_form(client, f"/requests/{req.reference}/edit", data={
        **{k: v for k, v in req.payload.items() if v is not None}, "version": old_version})
    assert r.status_code == 302
    assert Request.get_by_id(req.id).status == "cancelled"
    assert Request.get_by_id(req.id).payload == req.payload


def test_stale_staff_save_is_refused_with_a_thai_message(app, world):
    _client, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    stale_version = req.version
    _staff_sets(app, world["staff"], req, "in_progress")
    r = staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "completed", "message": "", "version": stale_version}, follow_redirects=True)
    assert "ถูกเปลี่ยนแปลงไปแล้ว" in r.get_data(as_text=True)
    assert Request.get_by_id(req.id).status == "in_progress"


def test_two_clerks_picking_the_same_step_the_second_is_told_why(app, world):
    """Both opened a submitted request and chose "in progress"; the first
    saves. For the second that choice is no longer offered: they get the
    Thai "someone changed it" message, not the form again without a reason
    (the soak run found this)."""
    _client, req = new_certificate(app, world["citizen"])
    second = app.test_client()
    login(second, world["staff"])
    _staff_sets(app, world["staff"], req, "in_progress")
    r = second.post(f"/admin/requests/process/{req.id}", data={
        "status": "in_progress", "message": "", "version": req.version})
    assert r.status_code == 302
    page = second.get(r.headers["Location"]).get_data(as_text=True)
    assert "ถูกเปลี่ยนแปลงไปแล้ว" in page
    assert StatusEvent.select().where(StatusEvent.request == req).count() == 2


def test_requester_cancels_while_submitted_but_not_in_progress(app, world):
    client, req = new_certificate(app, world["citizen"])
    listing = client.get("/requests").get_data(as_text=True)
    # One tap leads to the question (tests/test_afterwards.py), not to the cancel.
    assert f'href="/requests/{req.reference}/cancel"' in listing
    client.post(f"/requests/{req.reference}/cancel", data={"version": req.version})
    assert Request.get_by_id(req.id).status == "cancelled"
    client2, req2 = new_certificate(app, world["citizen"])
    _staff_sets(app, world["staff"], req2, "in_progress")
    r = client2.post(f"/requests/{req2.reference}/cancel",
                     data={"version": Request.get_by_id(req2.id).version}, follow_redirects=True)
    assert "ไม่สามารถเปลี่ยนสถานะ" in r.get_data(as_text=True)
    assert Request.get_by_id(req2.id).status == "in_progress"


def test_switched_off_service_has_no_form(app, world):
    from portal.requests.catalogue import set_enabled

    set_enabled(world["agency"], "certificate", False)
    client = app.test_client()
    login(client, world["citizen"])
    assert client.get("/requests/new/alpha/certificate").status_code == 404
    assert submit_certificate(client, "alpha").status_code == 404
    assert Request.select().count() == 0



def test_resubmission_moves_the_due_date_by_the_time_spent_returned(app, world):
    import datetime as dt

    client, req = new_certificate(app, world["citizen"])
    _staff_sets(app, world["staff"], req, "returned", "แนบสลิปใหม่")
    before = Request.get_by_id(req.id)
    week_ago = before.status_changed_at - dt.timedelta(days=7)
    Request.update(status_changed_at=week_ago).where(Request.id == req.id).execute()
    r = send_form(client, f"/requests/{req.reference}/edit", data={
        **{k: v for k, v in req.payload.items() if v is not None and k != "national_id"},
        "version": before.version})
    assert r.status_code == 302
    after = Request.get_by_id(req.id)
    assert after.status == "resubmitted"
    assert after.due_date >= before.due_date + dt.timedelta(days=7)  # 5 working days later


def test_resubmission_lists_only_what_the_requester_changed(app, world, bangkok_night):
    """The edit form shows stored answers in its own spelling (35000 as
    35000.00, a date in the Buddhist era, an empty choice as its first
    option); sending it back untouched with one new file changes one thing."""
    from .helpers.forms import form_values

    client, req = new_certificate(app, world["citizen"], salary="35000",
                                  academic_allowance="5600", compensation="")
    _staff_sets(app, world["staff"], req, "returned", "กรุณาแนบสลิปเดือนล่าสุด")
    form = form_values(client.get(f"/requests/{req.reference}/edit").get_data(as_text=True))
    assert form["salary"] != req.payload["salary"]  # the case at hand: "35000.00"
    r = send_form(client, f"/requests/{req.reference}/edit", data={
        **form, "file_salary_slip": (io.BytesIO(make_pdf()), "สลิปใหม่.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    event = StatusEvent.select().where(StatusEvent.request == req).order_by(
        StatusEvent.id.desc()).first()
    assert event.to_status == "resubmitted"
    assert event.changes == ["แนบสำเนาสลิปเงินเดือน เดือนสุดท้าย"]
    staff = app.test_client()
    login(staff, world["staff"])
    page = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "อัตราเงินเดือน" not in page.split("ผู้ยื่นคำร้องแก้ไขข้อมูล", 1)[1].split("</", 1)[0]


def test_returning_without_a_message_keeps_the_choice_and_marks_the_field(app, world):
    import re

    _client, req = new_certificate(app, world["citizen"])
    r = _staff_sets(app, world["staff"], req, "returned", "   ")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert re.search(r'<option selected value="returned">|<option value="returned" selected',
                     page), "the chosen status was reset"
    textarea = re.search(r"<textarea[^>]*name=\"message\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in textarea
    described = re.search(r'aria-describedby="([^"]+)"', textarea).group(1)
    error = re.search(rf'id="{described}"[^>]*>([^<]+)<', page).group(1)
    assert "กรุณา" in error
    assert Request.get_by_id(req.id).status == "submitted"
