"""A built service filled in and sent through the real pages, with its
conditions worked out on the server."""

from __future__ import annotations

import io

from portal.models import Attachment, Request

from ..conftest import login, make_agency, make_user
from ..helpers.files import make_jpg
from ..helpers.send import send_form
from .sample import build

APPLICANT = {"phone": "0812345678", "title": "นาง", "first_name": "สมศรี", "last_name": "ใจดี"}


def _answers(**more):
    data = {**APPLICANT, "request_type": "new", "age": "45",
            "items-0-thing": "ข้าวสาร", "items-0-qty": "2", "items-0-price": "350.50",
            "items-1-thing": "น้ำดื่ม", "items-1-qty": "10", "items-1-price": "12",
            }
    data.update(more)
    return data


def _setup(app):
    with app.app_context():
        agency = make_agency("tambon-a", services=())
        built = build(agency)
        citizen = make_user()
    return agency, built, citizen


def test_a_built_service_is_sent_and_reads_back(app):
    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    url = f"/requests/new/tambon-a/{built.code}"
    page = client.get(url).get_data(as_text=True)
    assert "ประเภทคำขอ" in page and "รายการสิ่งของ" in page
    assert "<b>กรอก</b>" in page and "alert(1)" not in page  # sanitised help text
    data = _answers(file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    sent = send_form(client, url, data)
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    with app.app_context():
        req = Request.get(Request.service_code == built.code)
        assert req.form_code == f"{built.code}@1"
        assert req.payload["items"] == [
            {"thing": "ข้าวสาร", "qty": 2, "price": "350.50"},
            {"thing": "น้ำดื่ม", "qty": 10, "price": "12.00"}]
        assert req.payload["total"] == "821.00"
        # Questions their conditions hid are not answers at all.
        assert "old_number" not in req.payload and "carer_name" not in req.payload
        assert "big_reason" not in req.payload
        assert Attachment.get(Attachment.request == req).slot == "photo"
    view = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "1. สิ่งของ ข้าวสาร, จำนวน 2, ราคาต่อหน่วย 350.50" in view
    assert "821.00" in view and "เลขที่คำขอเดิม" not in view


def test_a_hidden_required_question_is_not_required_and_a_crafted_answer_is_dropped(app):
    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    data = _answers(old_number="แอบส่ง", carer_name="แอบส่ง", big_reason="แอบส่ง",
                    file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    sent = send_form(client, f"/requests/new/tambon-a/{built.code}", data)
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    with app.app_context():
        payload = Request.get(Request.service_code == built.code).payload
    assert not {"old_number", "carer_name", "big_reason"} & set(payload)


def test_a_condition_that_holds_makes_its_question_required(app):
    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    # Renewal at 70 with a total over 10,000: three more questions apply.
    data = _answers(request_type="renew", age="70", **{"items-0-qty": "40"},
                    file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    refused = send_form(client, f"/requests/new/tambon-a/{built.code}", data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    for label in ("เลขที่คำขอเดิม", "ชื่อผู้ดูแล", "เหตุผลที่ขอมาก"):
        assert f"กรอก{label}" in html, label
    data.update(old_number="RL-1", carer_name="นายดูแล ดี", big_reason="บ้านเสียหายทั้งหลัง",
                file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    sent = send_form(client, f"/requests/new/tambon-a/{built.code}", data)
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    with app.app_context():
        payload = Request.get(Request.service_code == built.code).payload
    assert payload["old_number"] == "RL-1" and payload["total"] == "14140.00"


def test_table_rows_are_checked_per_filled_row(app):
    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    data = _answers(**{"items-1-qty": "", "items-0-qty": "ศูนย์"},
                    file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    refused = send_form(client, f"/requests/new/tambon-a/{built.code}", data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "แถวที่ 1" in html and "แถวที่ 2" in html
