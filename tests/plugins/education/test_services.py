"""Each education service end to end: validation, staff lists, printed PDF,
the summary report, demo data, and who may open the new pages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from plugins.education.models import PensionRequest, School, StaffCardRequest
from portal.models import Request, Resource

from ...helpers.pdf import archival_problems, title
from ...test_printing import pdf_text
from .conftest import client_for, created, jpg, next_weekday, pdf, room_data, submit


def staff_card_data(**overrides):
    data = {"birth_date": "25/06/2510", "nationality": "ไทย", "blood_group": "O",
            "registered_address": "12 หมู่ 3 ต.กุดชุม อ.กุดชุม จ.ยโสธร",
            "contact_address": "12 หมู่ 3 ต.กุดชุม อ.กุดชุม จ.ยโสธร",
            "work_unit": "โรงเรียนบ้านโนนสูง", "position": "ครู", "rank": "ชำนาญการ",
            "reason": "lost", "official_type": "teacher",
            "file_id_card": pdf("บัตร.pdf"), "file_photo": jpg("รูป.jpg")}
    data.update(overrides)
    return data


def pension_data(**overrides):
    data = {"email": "somsri@example.com", "has_pledge": "yes", "pledge_amount": "200000",
            "file_id_card": pdf("บัตร.pdf")}
    data.update(overrides)
    return data


def test_staff_card_stores_columns_and_prints_age(app, edu):
    client = client_for(app, edu["citizen"])
    req = created(submit(client, "staff_card", staff_card_data()))
    row = StaffCardRequest.get(StaffCardRequest.request == req)
    assert (row.reason, row.birth_date) == ("lost", dt.date(1967, 6, 25))
    assert req.reference.startswith("11-")
    text = pdf_text(client.get(f"/requests/{req.reference}/print").data)
    for expected in ("ขอมีบัตรประจำตัวหรือขอบัตรประจำตัวใหม่", "25 มิ.ย. 2510",
                     "บัตรหายหรือชำรุด", "หมู่โลหิต", req.reference):
        assert expected in text, expected
    assert re.search(r"อายุ \d{2} ปี", text)


@pytest.mark.parametrize("overrides, message", [
    ({"birth_date": "25/06/2560"}, "อายุ 15 ถึง 100 ปี"),
    ({"birth_date": "ไม่รู้"}, "วัน/เดือน/ปี"),
    ({"reason": None}, "กรณีการขอมีบัตร"),
    ({"file_photo": pdf("photo.pdf")}, "รับเฉพาะไฟล์ jpg, png"),
    ({"blood_group": "Z"}, "กรุณาเลือกจากรายการที่มีให้"),
])
def test_staff_card_refusals(app, edu, overrides, message):
    client = client_for(app, edu["citizen"])
    r = submit(client, "staff_card", staff_card_data(**overrides))
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    assert Request.select().count() == 0


def test_pension_pledge_amount_needed_only_when_pledged(app, edu):
    client = client_for(app, edu["citizen"])
    r = submit(client, "pension_gratuity", pension_data(pledge_amount=""))
    assert "กรุณาระบุจำนวนเงินที่ค้ำประกัน" in r.get_data(as_text=True)
    r = submit(client, "pension_gratuity", pension_data(email="not-an-email"))
    assert "รูปแบบอีเมลไม่ถูกต้อง" in r.get_data(as_text=True)
    req = created(submit(client, "pension_gratuity", pension_data(has_pledge="no",
                                                                 pledge_amount="")))
    row = PensionRequest.get(PensionRequest.request == req)
    assert (row.has_pledge, row.pledge_amount) == (False, None)
    req2 = created(submit(client, "pension_gratuity", pension_data()))
    row2 = PensionRequest.get(PensionRequest.request == req2)
    assert (row2.has_pledge, row2.pledge_amount) == (True, Decimal("200000"))
    text = pdf_text(client.get(f"/requests/{req2.reference}/print").data).replace("\n", "")
    assert "หนี้บำเหน็จค้ำประกันเงินกู้" in text and "มีความประสงค์ขอรับบำเหน็จดำรงชีพ" in text
    assert "200,000.00" in text


def test_order_pdf_shows_amounts_in_figures_and_words(app, edu):
    client = client_for(app, edu["citizen"])
    school = School.get(School.agency == edu["agency"])
    req = created(submit(client, "school_forms", {
        "school": school.id, "qty_pp1_p": 3, "qty_pp3_p": 10, "file_payment_slip": pdf()}))
    text = pdf_text(client.get(f"/requests/{req.reference}/print").data)
    for expected in ("ปพ.1-ป", "480.00", "50.00", "530.00", "25.00", "555.00",
                     "ห้าร้อยห้าสิบห้าบาทถ้วน", school.name):
        assert expected in text, expected


def test_booking_pdfs_show_the_time_held(app, edu):
    monday = next_weekday(0)
    client = client_for(app, edu["citizen"])
    room_req = created(submit(client, "meeting_room", room_data(edu["big_room"], monday)))
    text = pdf_text(client.get(f"/requests/{room_req.reference}/print").data)
    assert edu["big_room"].name in text and "09:00–12:00" in text
    tuesday = next_weekday(1)
    appt = created(submit(client, "executive_appointment", {
        "visitor": "กลุ่มนิเทศ", "subject": "รายงานผล", "executive": edu["executive"].id,
        "date": tuesday.isoformat(), "time": "13:00"}))
    text = pdf_text(client.get(f"/requests/{appt.reference}/print").data)
    assert edu["executive"].name in text and "13:00–13:30" in text


def test_staff_lists_of_each_service_with_csv(app, edu):
    client = client_for(app, edu["citizen"])
    card = created(submit(client, "staff_card", staff_card_data()))
    pension = created(submit(client, "pension_gratuity", pension_data()))
    room = created(submit(client, "meeting_room", room_data(edu["big_room"], next_weekday(0))))
    order = created(submit(client, "school_forms", {"other_affiliation": "สช.",
                                                    "qty_pp2_b": 5, "file_payment_slip": pdf()}))
    staff = client_for(app, edu["staff"])
    for url, ref, column in (("/admin/staff_cards/", card, "บัตรหายหรือชำรุด"),
                             ("/admin/pensions/", pension, "200,000.00"),
                             ("/admin/room_bookings/", room, edu["big_room"].name),
                             ("/admin/form_orders/", order, "35.00")):
        page = staff.get(url).get_data(as_text=True)
        assert ref.reference in page and column in page, url
        csv = staff.get(url + "export/csv/").get_data()
        assert csv.startswith("\ufeff".encode()) and ref.reference.encode() in csv, url
    outsider = client_for(app, edu["other_staff"])
    for url in ("/admin/staff_cards/", "/admin/pensions/", "/admin/room_bookings/",
                "/admin/form_orders/", "/admin/appointments/"):
        assert "11-" not in outsider.get(url).get_data(as_text=True).split("<tbody>")[-1]


def test_room_filter_and_date_filter(app, edu):
    monday = next_weekday(0)
    client = client_for(app, edu["citizen"])
    big = created(submit(client, "meeting_room", room_data(edu["big_room"], monday)))
    small = created(submit(client, "meeting_room", room_data(edu["small_room"], monday)))
    staff = client_for(app, edu["staff"])
    page = staff.get(f"/admin/room_bookings/?flt0_0={edu['small_room'].id}").get_data(
        as_text=True)
    assert small.reference in page and big.reference not in page
    day = monday.isoformat()
    assert big.reference in staff.get(
        f"/admin/room_bookings/?flt0_1={day}+to+{day}").get_data(as_text=True)
    other_day = (monday + dt.timedelta(days=1)).isoformat()
    assert big.reference not in staff.get(
        f"/admin/room_bookings/?flt0_1={other_day}+to+{other_day}").get_data(as_text=True)


def test_summary_report_counts_a_month_and_prints(app, edu):
    client = client_for(app, edu["citizen"])
    created(submit(client, "staff_card", staff_card_data()))
    created(submit(client, "staff_card", staff_card_data()))
    old = created(submit(client, "pension_gratuity", pension_data()))
    Request.update(submitted_at=dt.datetime(2024, 5, 31, 18, 0)).where(
        Request.id == old.id).execute()  # 1 June 2024, 01:00 in Bangkok
    staff = client_for(app, edu["staff"])
    page = staff.get("/admin/oss_summary/").get_data(as_text=True)
    row = re.search(r"ขอมีบัตรประจำตัวหรือขอบัตรประจำตัวใหม่</th>(.*?)</tr>", page, re.S)
    assert re.findall(r"<td>(?:<strong>)?(\d+)", row.group(1)) == ["2", "0", "0", "0", "0",
                                                                    "0", "2"]
    # The month picker is a Thai month and a B.E. year (no A.D. calendar).
    assert 'type="month"' not in page and 'name="month-year"' in page
    june = staff.get("/admin/oss_summary/?month-month=6&month-year=2567").get_data(as_text=True)
    assert "มิถุนายน 2567" in june
    assert re.search(r'<option value="6" selected>มิถุนายน</option>', june)
    assert re.search(r'name="month-year"[^>]*value="2567"', june)
    # A link made before (?month=2567-06) still opens the same month.
    assert "มิถุนายน 2567" in staff.get("/admin/oss_summary/?month=2567-06").get_data(
        as_text=True)
    row = re.search(r"บำเหน็จดำรงชีพ</th>(.*?)</tr>", june, re.S)
    assert re.findall(r"<td>(?:<strong>)?(\d+)", row.group(1))[-1] == "1"
    printed = staff.get("/admin/oss_summary/print?month=2024-06")
    assert printed.mimetype == "application/pdf"
    assert archival_problems(printed.data) == [] and "มิถุนายน 2567" in title(printed.data)
    text = pdf_text(printed.data)
    assert "รายงานสรุปคำร้องขอรับบริการ 6 บริการ" in text and "มิถุนายน 2567" in text
    outsider = client_for(app, edu["other_staff"]).get("/admin/oss_summary/").get_data(
        as_text=True)
    assert re.search(r"<tfoot>.*?<strong>0</strong>", outsider, re.S)


def test_new_pages_refuse_the_wrong_people(app, edu):
    anonymous = app.test_client()
    citizen = client_for(app, edu["citizen"])
    for url in ("/appointments/edu/free", f"/resources/{edu['big_room'].id}/week"):
        assert anonymous.get(url).status_code == 302
        assert citizen.get(url).status_code == 200
    for url in ("/admin/oss_summary/", "/admin/staff_cards/", "/admin/room_bookings/",
                "/admin/rooms/", "/admin/executives/", "/admin/schools/",
                "/admin/form_prices/"):
        assert citizen.get(url).status_code == 403, url
    staff = client_for(app, edu["staff"])
    for url in ("/admin/rooms/", "/admin/executives/", "/admin/schools/",
                "/admin/form_prices/"):
        assert staff.get(url).status_code == 403, url  # catalogues are the admins'
    from portal.requests.catalogue import set_enabled

    set_enabled(edu["agency"], "executive_appointment", False)
    assert citizen.get("/appointments/edu/free").status_code == 404
    hidden = Resource.create(agency=edu["agency"], kind="meeting_room", name="ปิดปรับปรุง",
                             active=False)
    assert citizen.get(f"/resources/{hidden.id}/week").status_code == 404


def test_agency_admin_keeps_rooms_and_executive_hours(app, edu):
    from ...conftest import make_agency_admin

    admin = client_for(app, make_agency_admin(edu["agency"]))
    r = admin.post("/admin/rooms/new/", data={
        "agency": edu["agency"].id, "name": "ห้องประชุมชั้น 3", "capacity": 40,
        "details": "โปรเจกเตอร์", "active": "y"})
    assert r.status_code == 302
    room = Resource.get(Resource.name == "ห้องประชุมชั้น 3")
    assert (room.kind, room.capacity) == ("meeting_room", 40)
    form = client_for(app, edu["citizen"]).get("/requests/new/edu/meeting_room")
    assert "ห้องประชุมชั้น 3 (40 คน)" in form.get_data(as_text=True)
    r = admin.post("/admin/executives/new/", data={
        "agency": edu["agency"].id, "name": "นายใหม่ ใจดี", "details": "รองผู้อำนวยการ",
        "active": "y", "hours-0-weekday": "2", "hours-0-start_time": "10:00",
        "hours-0-end_time": "11:00", "hours-0-slot_minutes": "20"})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    executive = Resource.get(Resource.name == "นายใหม่ ใจดี")
    assert [(h.weekday, str(h.start_time), h.slot_minutes) for h in executive.hours] == [
        (2, "10:00:00", 20)]
    from portal.requests.booking import slot_times

    assert [t.strftime("%H:%M") for t in slot_times(executive)] == ["10:00", "10:20", "10:40"]
    listing = admin.get("/admin/rooms/").get_data(as_text=True)
    assert "ห้องประชุมชั้น 3" in listing


def test_demo_data_is_loaded_once(app):
    from portal.models import Agency
    from portal.ops.demo import load_demo

    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    assert "demo-pass-2567" in result.output
    agency = Agency.get(Agency.code == "demo")
    kinds = sorted((r.kind, r.name) for r in agency.resources)
    assert len(kinds) == 4 and kinds[0][0] == "executive"
    assert School.select().where(School.agency == agency).count() == 3
    assert callable(load_demo)


def test_an_unpicked_choice_reads_as_no_answer_on_view_and_print(app, edu, bangkok_night):
    """No school picked (the affiliation typed instead): the answer is "-",
    never the list's "— เลือก —" entry, on the page, the staff page and the PDF."""
    client = client_for(app, edu["citizen"])
    req = created(submit(client, "school_forms", {"other_affiliation": "สช. ยโสธร",
                                                  "qty_pp2_b": 5, "file_payment_slip": pdf()}))
    assert req.payload["school"] == 0
    staff = client_for(app, edu["staff"])
    for text in (client.get(f"/requests/{req.reference}").get_data(as_text=True),
                 staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True),
                 pdf_text(client.get(f"/requests/{req.reference}/print").data)):
        assert "สช. ยโสธร" in text
        assert "— เลือก —" not in text and "— choose —" not in text


def test_yes_no_cells_say_their_column_and_answer_in_thai(app, edu):
    """The pension list's pledge column: a tick whose tooltip read
    "has_pledge: true"."""
    client = client_for(app, edu["citizen"])
    created(submit(client, "pension_gratuity", pension_data()))
    staff = client_for(app, edu["staff"])
    page = staff.get("/admin/pensions/").get_data(as_text=True)
    import re

    titles = re.findall(r'title="([^"]*)"', page.split("</thead>", 1)[1])
    assert "หนี้บำเหน็จค้ำประกันเงินกู้: มี" in titles
    assert not [t for t in titles if "has_pledge" in t or "true" in t]
    csv = staff.get("/admin/pensions/export/csv/").get_data(as_text=True)
    assert "True" not in csv and ",มี," in csv
