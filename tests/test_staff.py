"""Staff pages: list filters and search, CSV for Thai Excel, process page,
dashboard counts, holidays."""

from __future__ import annotations

import csv
import datetime as dt
import io

from portal.models import AuditLog, Holiday, Request
from portal.thai import local_today

from .conftest import login
from .helpers.certificate import new_certificate, submit_certificate
from .helpers.files import EXE_BYTES, make_pdf


def staff_client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def filter_index(page: str, label: str) -> str:
    """Flask-Admin numbers its filters; find the one named ``label``."""
    import re

    match = re.search(r'"(\d+)",\s*"' + re.escape(label), page) or re.search(
        r"flt(\d+)_", page)
    assert match, label
    return match.group(1)


def test_list_filters_by_status_and_searches_by_name(app, world):
    client, first = new_certificate(app, world["citizen"])
    submit_certificate(client, "alpha", first_name="วิไล", last_name="รักงาน")
    staff = staff_client(app, world["staff"])
    staff.post(f"/admin/requests/process/{first.id}",
               data={"status": "in_progress", "message": "", "version": first.version})
    page = staff.get("/admin/requests/").get_data(as_text=True)
    assert first.reference in page and "นายวิไล รักงาน" in page
    found = staff.get("/admin/requests/?search=วิไล").get_data(as_text=True)
    assert "นายวิไล รักงาน" in found and first.reference not in found
    by_ref = staff.get(f"/admin/requests/?search={first.reference}").get_data(as_text=True)
    assert first.reference in by_ref and "นายวิไล รักงาน" not in by_ref


def test_list_filters_by_status_value(app, world):
    client, first = new_certificate(app, world["citizen"])
    submit_certificate(client, "alpha")
    staff = staff_client(app, world["staff"])
    staff.post(f"/admin/requests/process/{first.id}",
               data={"status": "in_progress", "message": "", "version": first.version})
    view = app.extensions["admin"][0]._views
    requests_view = next(v for v in view if v.endpoint == "requests")
    status_idx = next(i for i, f in enumerate(requests_view._filters)
                      if str(f.name) in ("Status", "สถานะ"))
    page = staff.get(f"/admin/requests/?flt0_{status_idx}=in_progress").get_data(as_text=True)
    assert page.count("12-") >= 1 and first.reference in page
    others = [r.reference for r in Request.select().where(Request.id != first.id)]
    assert all(ref not in page for ref in others)


def test_date_filter_uses_bangkok_days(app, world):
    _c, req = new_certificate(app, world["citizen"])
    Request.update(submitted_at=dt.datetime(2024, 6, 24, 18, 30)).where(
        Request.id == req.id).execute()  # 01:30 on 25 June in Bangkok
    staff = staff_client(app, world["staff"])
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "requests")
    idx = next(i for i, f in enumerate(view._filters) if "between" in str(f.operation())
               or "ระหว่าง" in str(f.operation()))
    hit = staff.get(f"/admin/requests/?flt0_{idx}=2024-06-25+to+2024-06-25")
    miss = staff.get(f"/admin/requests/?flt0_{idx}=2024-06-24+to+2024-06-24")
    assert req.reference in hit.get_data(as_text=True)
    assert req.reference not in miss.get_data(as_text=True)


def test_csv_export_opens_in_thai_excel_and_neutralises_formulas(app, world):
    _c, req = new_certificate(app, world["citizen"], work_unit="=HYPERLINK(\"http://x\")")
    staff = staff_client(app, world["staff"])
    r = staff.get("/admin/requests/export/csv/")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    raw = r.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "รหัสอ้างอิง"
    row = next(r for r in rows if r[0] == req.reference)
    assert row[1] == "หนังสือรับรอง"
    assert row[2] == "นายสมชาย ใจดี"
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" in row
    cert = staff.get("/admin/certificates/export/csv/").get_data().decode("utf-8-sig")
    cert_row = next(r for r in csv.reader(io.StringIO(cert)) if r[0] == req.reference)
    assert "'=HYPERLINK(\"http://x\")" in cert_row


def test_process_page_shows_everything_and_requires_remark_to_return(app, world):
    _c, req = new_certificate(app, world["citizen"])
    staff = staff_client(app, world["staff"])
    page = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    for text in ("สำเนาบัตร.pdf", "slip.png", "กู้เงินธนาคาร", "สถานะการดำเนินการ",
                 "ส่งข้อความไปยังผู้ยื่นคำร้อง"):
        assert text in page
    r = staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "", "version": req.version}, follow_redirects=True)
    assert "กรุณาระบุหมายเหตุถึงผู้ยื่นคำร้อง" in r.get_data(as_text=True)
    assert Request.get_by_id(req.id).status == "submitted"


def test_result_file_is_checked_by_content(app, world):
    _c, req = new_certificate(app, world["citizen"])
    staff = staff_client(app, world["staff"])
    r = staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "completed", "message": "", "version": req.version,
        "result": (io.BytesIO(EXE_BYTES), "result.pdf")}, content_type="multipart/form-data")
    assert "รับเฉพาะไฟล์" in r.get_data(as_text=True)
    assert Request.get_by_id(req.id).status == "submitted"
    ok = staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "completed", "message": "รับได้ที่ธุรการ", "version": req.version,
        "result": (io.BytesIO(make_pdf()), "ผล.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    closed = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "คำร้องนี้ปิดแล้ว" in closed
    citizen_view = _c.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "ดาวน์โหลดไฟล์จากเจ้าหน้าที่" in citizen_view and "รับได้ที่ธุรการ" in citizen_view


def test_cancel_row_action_preselects_cancel(app, world):
    _c, req = new_certificate(app, world["citizen"])
    staff = staff_client(app, world["staff"])
    page = staff.get(f"/admin/requests/process/{req.id}?status=cancelled").get_data(
        as_text=True)
    assert 'value="cancelled" selected' in page or 'selected value="cancelled"' in page
    listing = staff.get("/admin/requests/").get_data(as_text=True)
    assert f"/admin/requests/process/{req.id}?status=cancelled" in listing
    assert f"/requests/{req.reference}/print" in listing


def test_row_actions_point_at_each_row_in_the_readers_language(app, world):
    """The row actions are built once per page (see ``_once_per_page``):
    every row still gets its own links, and the titles follow the language
    of whoever is reading, not of the first page served."""
    _c, first = new_certificate(app, world["citizen"])
    _c, second = new_certificate(app, world["citizen"])
    staff = staff_client(app, world["staff"])
    thai = staff.get("/admin/requests/").get_data(as_text=True)
    for req in (first, second):
        assert f'href="/admin/requests/process/{req.id}"' in thai
        assert f'href="/admin/requests/process/{req.id}?status=cancelled"' in thai
    assert f'process/{first.id}?status=cancelled" title="ยกเลิก"' in thai
    assert 'title="ดำเนินการ"' in thai and "ส่งคำร้องไปยังเจ้าหน้าที่" in thai

    english = app.test_client()
    login(english, world["staff"])
    english.get("/lang/en", headers={"Referer": "http://localhost/"})
    page = english.get("/admin/requests/").get_data(as_text=True)
    assert f'process/{second.id}?status=cancelled" title="Cancel"' in page
    assert 'title="ยกเลิก"' not in page and "ส่งคำร้องไปยังเจ้าหน้าที่" not in page
    assert staff.get("/admin/requests/").get_data(as_text=True).count('title="ยกเลิก"') >= 2


def test_dashboard_counts_per_service_status_and_overdue(app, world):
    client, a = new_certificate(app, world["citizen"])
    submit_certificate(client, "alpha")
    submit_certificate(client, "alpha")
    Request.update(due_date=dt.date(2020, 1, 1)).where(Request.id == a.id).execute()
    staff = staff_client(app, world["staff"])
    staff.post(f"/admin/requests/process/{a.id}",
               data={"status": "in_progress", "message": "", "version": a.version})
    page = staff.get("/admin/").get_data(as_text=True)
    import re

    row = re.search(r"<th scope=\"row\">หนังสือรับรอง</th>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r"<td>(?:<strong>)?(\d+)", row)
    assert cells == ["2", "1", "0", "0", "0", "0", "3"]
    assert re.search(r'data-testid="overdue"><a [^>]*>1<', page)
    other = staff_client(app, world["other_staff"]).get("/admin/").get_data(as_text=True)
    assert "ยังไม่มีคำร้อง" in other


def test_agency_admin_keeps_holidays_for_own_agency(app, world):
    admin = staff_client(app, world["admin"])
    r = admin.post("/admin/holidays/new/", data={
        "day": "2026-12-31", "name": "วันสิ้นปี", "agency": str(world["agency"].id)})
    assert r.status_code == 302
    assert Holiday.get(Holiday.name == "วันสิ้นปี").agency_id == world["agency"].id
    admin.post("/admin/holidays/new/", data={
        "day": "2026-12-30", "name": "ของคนอื่น", "agency": str(world["other_agency"].id)})
    assert Holiday.get_or_none(Holiday.name == "ของคนอื่น") is None
    assert AuditLog.select().where(AuditLog.action == "holiday_saved").count() == 1


def test_agency_admin_adds_staff_with_services(app, world):
    from portal.models import Membership, MembershipService

    from .conftest import make_user

    newcomer = make_user()
    admin = staff_client(app, world["admin"])
    r = admin.post("/admin/staff/new/", data={
        "national_id": newcomer.national_id, "agency": world["agency"].id, "role": "staff",
        "services": ["certificate"]})
    assert r.status_code == 302
    membership = Membership.get(Membership.user == newcomer)
    assert [s.service_code for s in MembershipService.select().where(
        MembershipService.membership == membership)] == ["certificate"]
    assert AuditLog.select().where(AuditLog.action == "staff_saved").count() == 1
    listing = admin.get("/admin/staff/").get_data(as_text=True)
    assert newcomer.first_name in listing and "หนังสือรับรอง" in listing
    # The newcomer now sees the agency's certificate requests.
    _c, req = new_certificate(app, world["citizen"])
    assert req.reference in staff_client(app, newcomer).get("/admin/requests/").get_data(
        as_text=True)


def test_agency_admin_cannot_add_staff_elsewhere_or_unknown_people(app, world):
    from portal.models import Membership

    from .conftest import make_user

    admin = staff_client(app, world["admin"])
    stranger = make_user()
    r = admin.post("/admin/staff/new/", data={
        "national_id": stranger.national_id, "agency": world["other_agency"].id,
        "role": "agency_admin"})
    assert r.status_code in (200, 403)
    assert Membership.get_or_none(Membership.user == stranger) is None
    r = admin.post("/admin/staff/new/", data={
        "national_id": "1101700123456", "agency": world["agency"].id, "role": "staff"},
        follow_redirects=True)
    assert "ไม่พบบัญชี" in r.get_data(as_text=True)
    other_listing = admin.get("/admin/staff/").get_data(as_text=True)
    assert world["other_staff"].first_name not in other_listing


def test_agency_tree_is_managed_by_system_and_agency_admins(app, world):
    from portal.models import Agency

    assert staff_client(app, world["staff"]).get("/admin/agencies/").status_code == 403
    system = staff_client(app, world["system"])
    r = system.post("/admin/agencies/new/", data={
        "code": "school1", "name_th": "โรงเรียนบ้านหนองน้ำใส", "parent": world["agency"].id,
        "level": "service_point"})
    assert r.status_code == 302
    assert Agency.get(Agency.code == "school1").parent_id == world["agency"].id
    admin = staff_client(app, world["admin"])
    listing = admin.get("/admin/agencies/").get_data(as_text=True)
    assert "โรงเรียนบ้านหนองน้ำใส" in listing and world["other_agency"].name_th not in listing
    # An admin adds a service point under their own agency, not under another.
    admin.post("/admin/agencies/new/", data={"code": "sp2", "name_th": "จุดบริการ 2",
                                             "parent": world["agency"].id,
                                             "level": "service_point"})
    assert Agency.get(Agency.code == "sp2").parent_id == world["agency"].id
    admin.post("/admin/agencies/new/", data={"code": "sp3", "name_th": "จุดบริการ 3",
                                             "parent": world["other_agency"].id,
                                             "level": "service_point"})
    assert Agency.get_or_none(Agency.code == "sp3") is None
    Agency.update(suspended=True).where(Agency.code == "sp2").execute()
    assert "จุดบริการ 2" not in admin.get("/admin/agencies/").get_data(as_text=True)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "agencies")
    idx = next(i for i, f in enumerate(view._filters) if "ระงับ" in str(f.name)
               or "suspended" in str(f.name).lower())
    assert "จุดบริการ 2" in admin.get(f"/admin/agencies/?flt0_{idx}=1").get_data(as_text=True)
    xlsx = admin.get("/admin/agencies/export/xlsx/")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    # A spreadsheet of the list is in the audit log as a CSV is.
    assert AuditLog.select().where((AuditLog.action == "export")
                                   & (AuditLog.target == "list:agencies")
                                   & (AuditLog.detail == "xlsx")).exists()



def test_agency_admin_cannot_delete_a_nationwide_holiday(app, world):
    national = Holiday.create(day=dt.date(2026, 12, 5), name="วันพ่อแห่งชาติ")
    own = Holiday.create(agency=world["agency"], day=dt.date(2026, 12, 7), name="ของหน่วยงาน")
    admin = staff_client(app, world["admin"])
    admin.post("/admin/holidays/delete/", data={"id": national.id})
    admin.post("/admin/holidays/delete/", data={"id": own.id})
    assert Holiday.get_or_none(Holiday.id == national.id) is not None
    assert Holiday.get_or_none(Holiday.id == own.id) is None


def test_overdue_list_shows_days_late_for_own_requests(app, world):
    client, late = new_certificate(app, world["citizen"])
    soon = new_certificate(app, world["citizen"])[1]
    fine = new_certificate(app, world["citizen"])[1]
    today = local_today()
    Request.update(due_date=today - dt.timedelta(days=3)).where(Request.id == late.id).execute()
    Request.update(due_date=today + dt.timedelta(days=1)).where(Request.id == soon.id).execute()
    Request.update(due_date=today + dt.timedelta(days=9)).where(Request.id == fine.id).execute()
    page = staff_client(app, world["staff"]).get("/admin/overdue/").get_data(as_text=True)
    assert late.reference in page and soon.reference in page and fine.reference not in page
    import re

    row = re.search(late.reference + r".*?</tr>", page, re.S).group(0)
    assert '<td class="late">3 วัน</td>' in row
    other = staff_client(app, world["other_staff"]).get("/admin/overdue/").get_data(
        as_text=True)
    assert late.reference not in other


def test_ready_made_replies_fill_the_message(app, world):
    from portal.models import CannedReply

    admin = staff_client(app, world["admin"])
    r = admin.post("/admin/replies/new/", data={
        "agency": world["agency"].id, "service_code": "certificate", "status": "returned",
        "title": "ขอสลิปใหม่",
        "body": "เรียน {name} คำร้อง {reference} ({service}) {status}: กรุณาแนบสลิปเดือนล่าสุด"})
    assert r.status_code == 302
    CannedReply.create(agency=world["other_agency"], title="ของที่อื่น", body="x")
    _c, req = new_certificate(app, world["citizen"])
    staff = staff_client(app, world["staff"])
    page = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "ขอสลิปใหม่" in page and "ของที่อื่น" not in page
    assert f"คำร้อง {req.reference} (หนังสือรับรอง)" in page
    reply = CannedReply.get(CannedReply.title == "ขอสลิปใหม่")
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "", "reply": reply.id, "version": req.version})
    fresh = Request.get_by_id(req.id)
    assert fresh.status == "returned"
    assert fresh.staff_message == (f"เรียน นายสมชาย ใจดี คำร้อง {req.reference} (หนังสือรับรอง) "
                                   "เจ้าหน้าที่ส่งให้แก้ไขข้อมูล: กรุณาแนบสลิปเดือนล่าสุด")
    assert staff_client(app, world["staff"]).get("/admin/replies/").status_code == 403
