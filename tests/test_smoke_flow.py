"""The whole path once: register → submit → staff completes → download."""

from __future__ import annotations

import io

from portal.models import Attachment, Request, StatusEvent

from .conftest import CAPTCHA_TEXT, login
from .helpers.certificate import reference_from, submit_certificate
from .helpers.files import make_pdf


def test_register_submit_process_download(app, world):
    client = app.test_client()
    client.get("/captcha.png")
    r = client.post("/register", data={
        "national_id": "1-1017-00123-45-6", "title": "นาย", "first_name": "สมชาย",
        "last_name": "ใจดี", "phone": "0812345678", "email": "somchai@example.com",
        "password": "pass-word-1", "password_again": "pass-word-1", "pdpa": "y",
        "captcha": CAPTCHA_TEXT})
    assert r.status_code == 302, r.get_data(as_text=True)
    r = submit_certificate(client, "alpha")
    assert r.status_code == 302, r.get_data(as_text=True)
    ref = reference_from(r)
    req = Request.get(Request.reference == ref)
    assert req.status == "submitted" and req.applicant_name == "นายสมชาย ใจดี"
    assert Attachment.select().where(Attachment.request == req).count() == 2

    staff = app.test_client()
    login(staff, world["staff"])
    page = staff.get(f"/admin/requests/process/{req.id}")
    assert page.status_code == 200
    assert "โรงเรียนบ้านหนองน้ำใส" in page.get_data(as_text=True)
    r = staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "completed", "message": "เรียบร้อย รับได้ที่ห้องธุรการ", "version": req.version,
        "result": (io.BytesIO(make_pdf("result")), "หนังสือรับรอง.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)
    req = Request.get_by_id(req.id)
    assert req.status == "completed"
    assert [e.to_status for e in StatusEvent.select().where(StatusEvent.request == req)
            .order_by(StatusEvent.id)] == ["submitted", "completed"]
    result = Attachment.get((Attachment.request == req) & Attachment.is_result)
    view = client.get(f"/requests/{ref}").get_data(as_text=True)
    assert "หนังสือรับรอง.pdf" in view
    download = client.get(f"/files/{result.id}")
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF")
