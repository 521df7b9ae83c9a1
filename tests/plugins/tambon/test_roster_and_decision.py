"""The elderly allowance roster the clerk sends on, and the executive's
decision in the sub-district flow (receive → check → propose → notify)."""

from __future__ import annotations

import csv
import io

from pypdf import PdfReader

from plugins.tambon.models import ElderlyRegistration
from portal.models import AuditLog, Membership, Notice, Notification, Request, StepEvent

from ...conftest import make_user
from ...helpers.send import send_form
from .test_tambon import (  # noqa: F401 - the fixture is used by name
    GUEST,
    client_for,
    current_fy,
    elderly,
    guest_send,
    submit_elderly,
    tambon,
)


def registered(app, tambon):  # noqa: F811
    citizen = make_user()
    data = {**elderly("05/03/2500", current_fy() + 1), "village": "7",
            "account_number": "0201234567"}
    assert submit_elderly(client_for(app, citizen), data).status_code == 302
    return citizen, Request.get()


def roster_csv(client) -> list[dict[str, str]]:
    body = client.get("/admin/tambon_elderly/export/csv/").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


def test_the_roster_lists_who_when_born_where_and_the_account(app, tambon):  # noqa: F811
    registered(app, tambon)
    row = ElderlyRegistration.get()
    assert (row.name, row.birth_date.isoformat(), row.village, row.house, row.bank) == (
        "นายทองดี มีสุข", "1957-03-05", "7", "99", "ธ.ก.ส.")
    clerk = client_for(app, tambon["clerk"])
    page = clerk.get("/admin/tambon_elderly/").get_data(as_text=True)
    for text in ("นายทองดี มีสุข", "5 มี.ค. 2500", "หมู่ 7", "ธ.ก.ส.", "xxxxxx4567",
                 "3-1005-xxxxx-xx-8"):
        assert text in page, text
    assert "0201234567" not in page and "3100500123458" not in page
    [line] = roster_csv(clerk)
    assert line["ชื่อ-นามสกุลผู้สูงอายุ"] == "นายทองดี มีสุข" and line["หมู่ที่"] == "หมู่ 7"
    assert line["เลขที่บัญชี"] == "xxxxxx4567"
    assert line["เลขประจำตัวประชาชนของผู้สูงอายุ"] == "3-1005-xxxxx-xx-8"
    # The clerk the agency admin allowed full numbers sends the roster on.
    Membership.update(sees_national_ids=True).where(
        Membership.user == tambon["clerk"].id).execute()
    [line] = roster_csv(client_for(app, tambon["clerk"]))
    assert line["เลขที่บัญชี"] == "0201234567"
    assert line["เลขประจำตัวประชาชนของผู้สูงอายุ"] == "3100500123458"
    # Filter by village.
    assert "นายทองดี มีสุข" in clerk.get("/admin/tambon_elderly/?search=ทองดี").get_data(
        as_text=True)


def test_a_correction_rewrites_the_roster_line(app, tambon):  # noqa: F811
    citizen, req = registered(app, tambon)
    clerk = client_for(app, tambon["clerk"])
    clerk.post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "เลขบัญชีไม่ชัด", "version": req.version})
    req = Request.get_by_id(req.id)
    data = {k: v for k, v in {**GUEST, **elderly("05/03/2500", current_fy() + 1)}.items()
            if not k.startswith("file_")}
    r = send_form(client_for(app, citizen), f"/requests/{req.reference}/edit",
                  data={**data, "account_number": "0209999999", "village": "8",
                        "version": req.version})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    row = ElderlyRegistration.get()
    assert (row.account_number, row.village) == ("0209999999", "8")


# ------------------------------------------------ executive's decision ---


def walk_to_propose(clerk, req):
    for step, outcome in (("receive", ""), ("check", "ok")):
        r = clerk.post(f"/admin/requests/steps/{req.id}",
                       data={"step": step, "outcome": outcome, "note": "", "value": ""})
        assert r.status_code == 302


def test_the_executive_decision_is_recorded_and_told_to_the_requester(app, tambon):  # noqa: F811
    citizen, req = registered(app, tambon)
    clerk = client_for(app, tambon["clerk"])
    walk_to_propose(clerk, req)
    page = clerk.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "อนุมัติ" in page and "ไม่อนุมัติ" in page
    # A decision is one of the two, and names who decided.
    clerk.post(f"/admin/requests/steps/{req.id}",
               data={"step": "propose", "outcome": "", "note": "", "value": "นายก อบต."})
    assert not StepEvent.select().where(StepEvent.step == "propose").exists()
    clerk.post(f"/admin/requests/steps/{req.id}", data={
        "step": "propose", "outcome": "approved", "value": "นายสมศักดิ์ ใจดี นายก อบต.",
        "note": "เริ่มจ่ายเดือนตุลาคม"})
    tick = StepEvent.get(StepEvent.step == "propose")
    assert (tick.outcome, tick.actor_id) == ("approved", tambon["clerk"].id)
    assert AuditLog.select().where((AuditLog.action == "step")
                                   & (AuditLog.target == f"request:{req.reference}")
                                   & AuditLog.detail.contains("approved")).exists()
    mine = client_for(app, citizen).get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "ผลการพิจารณาของผู้บริหาร" in mine and "อนุมัติ" in mine
    assert "เริ่มจ่ายเดือนตุลาคม" in mine and "นายสมศักดิ์ ใจดี นายก อบต." in mine
    # ... and on the request they print.
    printed = client_for(app, citizen).get(f"/requests/{req.reference}/print")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.data)).pages)
    assert "ผลการพิจารณาของผู้บริหาร" in text and "เริ่มจ่ายเดือนตุลาคม" in text
    # Told through the bell and the e-mail, like a status change.
    assert Notice.select().where((Notice.user == citizen.id)
                                 & Notice.text.contains("อนุมัติ")).exists()
    mail = Notification.select().where((Notification.recipient == citizen.email)
                                       & Notification.subject.contains("ผลการพิจารณา")).get()
    assert "เริ่มจ่ายเดือนตุลาคม" in mail.body_text
    # The clerk's own notes on other steps stay with staff.
    assert "ไม่อนุมัติ" not in mine.split("ผลการพิจารณาของผู้บริหาร", 1)[1].split("</section>")[0]


def test_not_approved_is_what_the_requester_reads(app, tambon):  # noqa: F811
    guest = app.test_client()
    guest_send(guest, "petition", {"subject": "ขอตั้งร้านค้าริมทาง", "details": "หน้าตลาด",
                                   "email": "guest@example.go.th"})
    req = Request.get()
    clerk = client_for(app, tambon["clerk"])
    walk_to_propose(clerk, req)
    clerk.post(f"/admin/requests/steps/{req.id}", data={
        "step": "propose", "outcome": "not_approved", "value": "นายก อบต.",
        "note": "พื้นที่เป็นทางเท้า"})
    mail = Notification.select().where(Notification.subject.contains("ผลการพิจารณา")).get()
    assert mail.recipient == "guest@example.go.th"
    assert "ไม่อนุมัติ" in mail.body_text and "พื้นที่เป็นทางเท้า" in mail.body_text
    # The completion message starts from the decision.
    page = clerk.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "ไม่อนุมัติ: พื้นที่เป็นทางเท้า" in page


def test_a_propose_note_from_before_the_decision_stays_with_staff(app, tambon):  # noqa: F811
    """The propose step's note was "staff only" before it told the
    requester: such a tick (no decision outcome) is shown to nobody else."""
    citizen, req = registered(app, tambon)
    clerk = client_for(app, tambon["clerk"])
    walk_to_propose(clerk, req)
    StepEvent.create(request=req, step="propose", outcome="", value="",
                     note="ภายใน: รอเสนอรอบหน้า", actor=tambon["clerk"])
    mine = client_for(app, citizen).get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "ภายใน: รอเสนอรอบหน้า" not in mine and "ผลการพิจารณาของผู้บริหาร" not in mine
    printed = client_for(app, citizen).get(f"/requests/{req.reference}/print")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.data)).pages)
    assert "ภายใน: รอเสนอรอบหน้า" not in text
    process = clerk.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "ภายใน: รอเสนอรอบหน้า" in process.split('name="message"', 1)[0]  # history, not the box
    message_box = process.split('name="message"', 1)[1].split("</textarea>")[0]
    assert "ภายใน: รอเสนอรอบหน้า" not in message_box
