"""Phone log, security reviews, the yearly plan and figures per process."""

from __future__ import annotations

import datetime as dt
import re

from plugins.ict.models import PhoneCall, SecurityReview
from plugins.ict.reports import fiscal_months, fiscal_year_of
from portal.models import AuditLog, Request

from ...helpers.pdf import archival_problems, title
from ...test_printing import pdf_text
from .conftest import REPAIR, ask, client_for, tick


def log_call(client, agency, **fields):
    data = {"agency": agency.id, "caller": "ครูสมหญิง", "unit": "โรงเรียนบ้านนา",
            "phone": "0811111111", "problem": "เข้าระบบ DMC ไม่ได้", "answered_at_once": "y",
            "answer": "ล้างแคชเบราว์เซอร์"}
    data.update(fields)
    return client.post("/admin/ict_calls/new/", data={k: v for k, v in data.items()
                                                        if v is not None})


def test_phone_calls_answered_now_or_later(app, ict):
    tech = client_for(app, ict["tech"])
    assert log_call(tech, ict["agency"]).status_code == 302
    answered = PhoneCall.get(PhoneCall.caller == "ครูสมหญิง")
    assert answered.closed_at == answered.received_at
    assert answered.recorded_by_id == ict["tech"].id
    r = log_call(tech, ict["agency"], caller="ผอ.สมชาย", answered_at_once=None, answer="")
    assert "กรณีตอบไม่ได้ทันที กรุณาระบุเวลาที่แจ้งว่าจะโทรกลับ" in r.get_data(as_text=True)
    assert PhoneCall.get_or_none(PhoneCall.caller == "ผอ.สมชาย") is None
    due = (dt.datetime.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    log_call(tech, ict["agency"], caller="ผอ.สมชาย", answered_at_once=None, answer="",
             callback_due=due, expert="นักวิชาการคอมพิวเตอร์")
    waiting = PhoneCall.get(PhoneCall.caller == "ผอ.สมชาย")
    assert waiting.closed_at is None
    listing = tech.get("/admin/ict_calls/").get_data(as_text=True)
    assert "เลยเวลาโทรกลับ" in listing and "ตอบแล้ว" in listing
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "ict_calls")
    idx = next(i for i, f in enumerate(view._filters) if "เลยเวลา" in str(f.name)
               or "overdue" in str(f.name).lower())
    overdue = tech.get(f"/admin/ict_calls/?flt0_{idx}=1").get_data(as_text=True)
    assert "ผอ.สมชาย" in overdue and "ครูสมหญิง" not in overdue
    # The answer arrives: the call closes.
    tech.post(f"/admin/ict_calls/edit/?id={waiting.id}", data={
        "agency": ict["agency"].id, "caller": "ผอ.สมชาย", "unit": "โรงเรียนบ้านนา",
        "problem": "เข้าระบบ DMC ไม่ได้", "answer": "รีเซ็ตรหัสผ่านให้แล้ว",
        "callback_due": due, "expert": "นักวิชาการคอมพิวเตอร์"})
    assert PhoneCall.get_by_id(waiting.id).closed_at is not None
    assert "ผอ.สมชาย" not in tech.get(f"/admin/ict_calls/?flt0_{idx}=1").get_data(as_text=True)


def test_records_are_kept_per_agency(app, ict):
    tech = client_for(app, ict["tech"])
    log_call(tech, ict["agency"])
    outsider = client_for(app, ict["outsider"])
    assert "ครูสมหญิง" not in outsider.get("/admin/ict_calls/").get_data(as_text=True)
    r = log_call(outsider, ict["agency"], caller="แอบบันทึก")
    assert r.status_code == 200
    assert PhoneCall.get_or_none(PhoneCall.caller == "แอบบันทึก") is None
    for who, code in (("clerk", 403), ("requester", 403)):
        client = client_for(app, ict[who])
        for url in ("/admin/ict_calls/", "/admin/ict_security/", "/admin/ict_plan/",
                    "/admin/ict_repairs/"):
            assert client.get(url).status_code == code, (who, url)


def test_security_review_is_recorded(app, ict):
    tech = client_for(app, ict["tech"])
    r = tech.post("/admin/ict_security/new/", data={
        "agency": ict["agency"].id, "review_date": "2026-11-20", "servers": "web01, db01",
        "risks": "ช่องโหว่ของ PHP รุ่นเก่า", "items_checked": "แพตช์, สำรองข้อมูล, ไฟร์วอลล์",
        "plan": "ตรวจทุกไตรมาส", "maintained": "y", "actions": "อัปเดตแพตช์",
        "report": "ปลอดภัย"})
    assert r.status_code == 302
    review = SecurityReview.get()
    assert (review.reviewer_id, review.maintained, review.repaired) == (
        ict["tech"].id, True, False)
    assert AuditLog.select().where(AuditLog.action == "ict_security_review_saved").count() == 1


def test_fiscal_year_helpers():
    assert fiscal_year_of(dt.date(2025, 9, 30)) == 2568
    assert fiscal_year_of(dt.date(2025, 10, 1)) == 2569
    months = fiscal_months(2569)
    assert (months[0], months[-1]) == (dt.date(2025, 10, 1), dt.date(2026, 9, 1))


def _at(req: Request, submitted: dt.datetime, done: dt.datetime | None = None,
        status: str = "completed") -> None:
    Request.update(submitted_at=submitted, status_changed_at=done or submitted,
                   status=status).where(Request.id == req.id).execute()


def test_plan_counts_requests_per_month(app, ict):
    requester = client_for(app, ict["requester"])
    a, b, c = (ask(requester, "ict_repair", REPAIR) for _ in range(3))
    _at(a, dt.datetime(2025, 10, 3, 2, 0))      # October 2025 → FY 2569, column 1
    _at(b, dt.datetime(2025, 10, 31, 18, 0))    # 1 Nov 2025 01:00 in Bangkok → column 2
    _at(c, dt.datetime(2026, 10, 2, 2, 0))      # FY 2570: not counted
    tech = client_for(app, ict["tech"])
    log_call(tech, ict["agency"])
    PhoneCall.update(received_at=dt.datetime(2026, 9, 29, 3, 0)).execute()  # last column
    page = tech.get("/admin/ict_plan/?year=2569").get_data(as_text=True)
    repair_row = re.search(r"2\. การซ่อมบำรุงเครื่องคอมพิวเตอร์และอุปกรณ์ต่อพ่วง</th>(.*?)</tr>",
                           page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(?:<strong>)?(\d+)", repair_row)
    assert cells == ["1", "1"] + ["0"] * 10 + ["2"]
    phone_row = re.search(r"1\. การรับบริการขอคำปรึกษาทางโทรศัพท์</th>(.*?)</tr>", page,
                          re.S).group(1)
    assert re.findall(r"<td[^>]*>(?:<strong>)?(\d+)", phone_row) == ["0"] * 11 + ["1", "1"]
    assert "ไตรมาส 4" in page and "ต.ค. 68" in page
    pdf = tech.get("/admin/ict_plan/print?year=2569")
    assert archival_problems(pdf.data) == [] and "2569" in title(pdf.data)
    text = pdf_text(pdf.data)
    assert "แผนการดำเนินงานศูนย์บริการ ICT" in text and "ปีงบประมาณ 2569" in text


def test_figures_per_process_against_a_fixture(app, ict):
    requester = client_for(app, ict["requester"])
    fast, slow, open_late, open_fine = (ask(requester, "ict_repair", REPAIR) for _ in range(4))
    day = dt.datetime(2026, 3, 2, 2, 0)  # 09:00 in Bangkok
    _at(fast, day, day + dt.timedelta(hours=4))
    _at(slow, day, day + dt.timedelta(hours=30))
    _at(open_late, day, status="in_progress")
    Request.update(due_date=dt.date(2026, 3, 5)).where(Request.id == open_late.id).execute()
    _at(open_fine, day, status="submitted")
    Request.update(due_date=dt.date(2099, 1, 1)).where(Request.id == open_fine.id).execute()
    tech = client_for(app, ict["tech"])
    log_call(tech, ict["agency"])
    call = PhoneCall.get()
    PhoneCall.update(received_at=day, closed_at=day + dt.timedelta(hours=1)).execute()
    assert call.id
    page = tech.get("/admin/ict_plan/figures?start=01/03/2569&end=31/03/2569").get_data(
        as_text=True)
    repair = re.search(r'data-code="ict_repair">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", repair) == ["4", "2", "17.0 ชั่วโมง", "1"]
    phone = re.search(r'data-code="ict_phone">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", phone) == ["1", "1", "1.0 ชั่วโมง", "0"]
    other_month = tech.get("/admin/ict_plan/figures?start=2026-04-01&end=2026-04-30")
    repair = re.search(r'data-code="ict_repair">(.*?)</tr>', other_month.get_data(
        as_text=True), re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", repair) == ["0", "0", "-", "0"]


def test_repair_form_pdf_lists_the_steps(app, ict):
    requester = client_for(app, ict["requester"])
    req = ask(requester, "ict_repair", REPAIR)
    tech = client_for(app, ict["tech"])
    tick(tech, req, "receive")
    tick(tech, req, "check")
    tick(tech, req, "diagnose", "parts", note="ลูกยางดึงกระดาษสึก")
    text = pdf_text(requester.get(f"/requests/{req.reference}/print").data).replace("\n", "")
    for expected in ("7440-001-0001/64", "เครื่องพิมพ์", "กระดาษติดทุกครั้งที่พิมพ์",
                     "วิเคราะห์สาเหตุและตรวจเช็ค", "ต้องใช้อุปกรณ์เพิ่มเติม", "ผู้ซ่อม"):
        assert expected in text, expected
    assert "ลูกยางดึงกระดาษสึก" not in text  # the step's note is for staff only


def test_repair_list_for_ict_staff(app, ict):
    req = ask(client_for(app, ict["requester"]), "ict_repair", REPAIR)
    tech = client_for(app, ict["tech"])
    page = tech.get("/admin/ict_repairs/").get_data(as_text=True)
    assert req.reference in page and "7440-001-0001/64" in page and "เครื่องพิมพ์" in page
    found = tech.get("/admin/ict_repairs/?search=ห้องธุรการ").get_data(as_text=True)
    assert req.reference in found
    assert req.reference not in client_for(app, ict["outsider"]).get(
        "/admin/ict_repairs/").get_data(as_text=True)
