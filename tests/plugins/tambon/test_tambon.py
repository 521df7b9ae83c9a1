"""Sub-district e-services: guests, the elderly age rule, one registration
per person, coordinates, who sees a complainant, QR codes, requests recorded
on someone's behalf, the hall, and the service-time report."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from plugins.tambon.demo import load as load_demo
from plugins.tambon.eligibility import eligible, fiscal_year_start
from plugins.tambon.models import ElderlyRegistration, IncidentReport
from portal.models import Agency, AgencyService, Request, StatusEvent, StepEvent
from portal.thai import local_today

from ...conftest import CAPTCHA_TEXT, login, make_agency, make_staff, make_user
from ...helpers.files import make_jpg, make_pdf
from ...helpers.send import send_form
from ...test_printing import pdf_text

CODES = ("street_light", "disaster", "nuisance", "elderly_allowance", "hall_booking",
         "petition")
GUEST = {"phone": "0898765432", "title": "นาง", "first_name": "บุญมี", "last_name": "ใจงาม"}


@pytest.fixture
def tambon(app):
    education = make_agency("demo-edu", services=())
    make_staff(education, services=())
    load_demo(education)
    agency = Agency.get(Agency.code == "demo-tambon")
    return {"agency": agency, "clerk": make_staff(agency, services=CODES),
            "outsider": make_staff(make_agency(services=CODES), services=CODES)}


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def guest_send(client, code, data):
    client.get("/captcha.png")
    return send_form(client, f"/requests/new/demo-tambon/{code}",
                       data={**GUEST, "captcha": CAPTCHA_TEXT, **data},
                       content_type="multipart/form-data")


LIGHT = {"problem": "out", "pole": "เสาที่ 12 หน้าวัด", "village": "3",
         "latitude": "16.123456", "longitude": "104.654321"}


def test_guest_reports_and_follows_with_phone(app, tambon):
    guest = app.test_client()
    form = guest.get("/requests/new/demo-tambon/street_light").get_data(as_text=True)
    assert "นายช่างไฟฟ้า สว่างใจ" in form and "081-111-2222" in form and "กองช่าง" in form
    # The robot check is asked once, on the check page (tests/test_check_answers.py).
    assert 'name="national_id"' not in form and 'name="captcha"' not in form
    r = guest_send(guest, "street_light", {**LIGHT, "photo1": (io.BytesIO(make_jpg()),
                                                               "ไฟดับ.jpg")})
    assert r.status_code == 302 and "/requests/sent/" in r.headers["Location"]
    req = Request.get()
    assert (req.requester_id, req.contact_phone, req.channel) == (None, "0898765432", "web")
    row = IncidentReport.get(IncidentReport.request == req)
    assert (row.kind, row.village, str(row.latitude)) == ("out", "3", "16.123456")
    sent = guest.get(r.headers["Location"]).get_data(as_text=True)
    assert req.reference in sent
    assert app.test_client().get(r.headers["Location"]).status_code == 404  # other browser
    status = app.test_client().post("/status", data={"reference": req.reference,
                                                     "phone_last4": "5432"})
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" in status.get_data(as_text=True)


def test_guest_needs_the_captcha_and_a_phone(app, tambon):
    guest = app.test_client()
    guest.get("/captcha.png")
    r = send_form(guest, "/requests/new/demo-tambon/petition", data={
        **GUEST, "subject": "ถนนชำรุด", "details": "หลุมใหญ่", "captcha": "00000"})
    assert "ตัวเลขไม่ตรงกับภาพ" in r.get_data(as_text=True)
    r = guest_send(app.test_client(), "petition", {"subject": "ถนน", "details": "หลุม",
                                                   "phone": ""})
    assert "กรอกเบอร์โทรศัพท์" in r.get_data(as_text=True)
    assert Request.select().count() == 0


def test_services_without_guest_access_ask_for_login(app, tambon):
    r = app.test_client().get("/requests/new/demo-tambon/elderly_allowance")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    r = app.test_client().get("/requests/new/demo-tambon/hall_booking")
    assert r.status_code == 302


@pytest.mark.parametrize("field, value, ok", [
    ("latitude", "4.99", False), ("latitude", "21.0", True), ("latitude", "21.01", False),
    ("longitude", "96.9", False), ("longitude", "106", True), ("longitude", "abc", False),
])
def test_coordinates_are_checked(app, tambon, field, value, ok):
    r = guest_send(app.test_client(), "street_light", {**LIGHT, field: value})
    assert (r.status_code == 302) is ok
    assert Request.select().count() == (1 if ok else 0)


@pytest.mark.parametrize("born, year, ok", [
    (dt.date(1965, 10, 1), 2569, True),    # 60 on 1 Oct 2025, the first day of FY 2569
    (dt.date(1965, 10, 2), 2569, False),   # one day too young
    (dt.date(1965, 10, 2), 2570, True),
    (dt.date(1966, 9, 30), 2570, True),
])
def test_age_rule_at_its_boundaries(born, year, ok):
    assert fiscal_year_start(2569) == dt.date(2025, 10, 1)
    assert eligible(born, year) is ok


def test_a_29_february_birthday_counts_from_1_march():
    from plugins.tambon.eligibility import birthday

    assert birthday(dt.date(1964, 2, 29), 61) == dt.date(2025, 3, 1)
    assert birthday(dt.date(1964, 2, 29), 60) == dt.date(2024, 2, 29)


def elderly(birth: str, year: int, nid: str = "3100500123458") -> dict:
    return {"applicant_national_id": nid, "applicant_name": "นายทองดี มีสุข",
            "birth_date": birth, "payment_year": str(year), "house": "99", "village": "2",
            "bank": "ธ.ก.ส.", "account_number": "0123456789", "account_name": "นายทองดี มีสุข",
            "file_id_card": (io.BytesIO(make_pdf()), "บัตร.pdf"),
            "file_house": (io.BytesIO(make_pdf()), "ทะเบียนบ้าน.pdf"),
            "file_bank_book": (io.BytesIO(make_pdf()), "สมุดบัญชี.pdf")}


def submit_elderly(client, data):
    data = {k: v for k, v in {**GUEST, **data}.items() if v is not None}
    return send_form(client, "/requests/new/demo-tambon/elderly_allowance", data=data,
                       content_type="multipart/form-data")


def current_fy() -> int:
    today = local_today()
    return today.year + 543 + (1 if today.month >= 10 else 0)


@pytest.mark.parametrize("era", ["be", "ce"])
def test_elderly_age_rule_in_the_form_with_both_eras(app, tambon, era):
    year = current_fy()
    start = fiscal_year_start(year)
    on_time = dt.date(start.year - 60, start.month, start.day)
    too_young = on_time + dt.timedelta(days=1)

    def typed(day: dt.date) -> str:
        return f"{day:%d/%m}/{day.year + 543 if era == 'be' else day.year}"

    client = client_for(app, make_user())
    r = submit_elderly(client, elderly(typed(too_young), year))
    assert "ผู้สูงอายุต้องมีอายุครบ 60 ปี" in r.get_data(as_text=True)
    assert submit_elderly(client, elderly(typed(on_time), year)).status_code == 302


def test_one_registration_per_person(app, tambon):
    client = client_for(app, make_user())
    year = current_fy() + 1
    first = submit_elderly(client, elderly("01/01/2500", year))
    assert first.status_code == 302
    ref = Request.get().reference
    again = submit_elderly(client_for(app, make_user()), elderly("01/01/2500", year))
    text = again.get_data(as_text=True)
    assert "ลงทะเบียนแล้ว" in text and ref in text
    assert ElderlyRegistration.select().count() == 1 and Request.select().count() == 1
    # After a cancel, the person may register again.
    req = Request.get()
    client.post(f"/requests/{req.reference}/cancel", data={"version": req.version})
    assert submit_elderly(client, elderly("01/01/2500", year)).status_code == 302
    assert ElderlyRegistration.select().count() == 1
    staff = client_for(app, tambon["clerk"]).get("/admin/tambon_elderly/").get_data(
        as_text=True)
    assert "3-1005-xxxxx-xx-8" in staff and "3100500123458" not in staff


@pytest.mark.parametrize("spelling", ["๓๑๐๐๕๐๐๑๒๓๔๕๘", "310050012345๘"],
                         ids=["all Thai", "one Thai digit"])
def test_a_thai_digit_id_of_a_registered_person_is_refused(app, tambon, spelling):
    """Pen-test finding 9: Thai digits made a second registration of the same
    person (double enrolment for the allowance)."""
    year = current_fy() + 1
    assert submit_elderly(client_for(app, make_user()),
                          elderly("01/01/2500", year)).status_code == 302
    ref = Request.get().reference
    again = submit_elderly(client_for(app, make_user()), elderly("01/01/2500", year, spelling))
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and "ลงทะเบียนแล้ว" in text and ref in text
    assert [r.national_id for r in ElderlyRegistration.select()] == ["3100500123458"]
    assert Request.select().count() == 1


def test_nuisance_complainant_is_seen_only_by_staff(app, tambon):
    complainant = make_user(first_name="ผู้ร้อง", last_name="ลับเฉพาะ")
    client = client_for(app, complainant)
    r = send_form(client, "/requests/new/demo-tambon/nuisance", data={
        **GUEST, "first_name": "ผู้ร้อง", "last_name": "ลับเฉพาะ", "kind": "smell",
        "place": "ฟาร์มสุกรท้ายหมู่บ้าน", "details": "กลิ่นเหม็นทุกเย็น"},
        content_type="multipart/form-data")
    req = Request.get(Request.reference == r.headers["Location"].rsplit("/", 1)[-1])
    neighbour = client_for(app, make_user())
    for url in (f"/requests/{req.reference}", f"/requests/{req.reference}/print"):
        assert neighbour.get(url).status_code == 404
    status = app.test_client().post("/status", data={"reference": req.reference,
                                                     "phone_last4": "5432"})
    text = status.get_data(as_text=True)
    assert "ลับเฉพาะ" not in text and "ฟาร์มสุกร" not in text
    clerk = client_for(app, tambon["clerk"])
    assert "ลับเฉพาะ" in clerk.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    outsider = client_for(app, tambon["outsider"])
    assert outsider.get(f"/admin/requests/process/{req.id}").status_code == 404
    assert "ลับเฉพาะ" not in outsider.get("/admin/tambon_incidents/").get_data(as_text=True)


def test_qr_code_decodes_to_the_service_link(app, tambon):
    import zxingcpp
    from PIL import Image

    client = app.test_client()
    png = client.get("/qr/demo-tambon/street_light.png")
    assert png.mimetype == "image/png"
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))]
    assert decoded == ["http://localhost/s/demo-tambon/street_light"]
    follow = client.get("/s/demo-tambon/street_light")
    assert follow.headers["Location"].endswith("/services/demo-tambon/street_light")
    svg = client.get("/qr/demo-tambon/street_light.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    poster = client.get("/poster/demo-tambon/street_light.pdf")
    text = pdf_text(poster.data)
    for expected in ("แจ้งไฟฟ้าสาธารณะดับ/ขัดข้อง", "นายช่างไฟฟ้า สว่างใจ", "081-111-2222",
                     "สแกนเพื่อยื่นคำร้องออนไลน์", "/s/demo-tambon/street_light"):
        assert expected in text, expected
    from portal.requests.catalogue import set_enabled

    set_enabled(tambon["agency"], "street_light", False)
    assert client.get("/qr/demo-tambon/street_light.png").status_code == 404


def test_admin_sets_the_officer_shown_on_forms(app, tambon):
    from ...conftest import make_agency_admin

    admin = client_for(app, make_agency_admin(tambon["agency"]))
    admin.post("/admin/services/contact", data={
        "agency": tambon["agency"].id, "service": "petition", "officer_name": "นางใหม่ ใจกว้าง",
        "officer_phone": "099-999-9999", "division": "สำนักปลัด"})
    row = AgencyService.get((AgencyService.agency == tambon["agency"])
                            & (AgencyService.service_code == "petition"))
    assert (row.officer_name, row.enabled) == ("นางใหม่ ใจกว้าง", True)
    assert "099-999-9999" in app.test_client().get(
        "/services/demo-tambon/petition").get_data(as_text=True)
    outsider = client_for(app, make_agency_admin(make_agency()))
    assert outsider.post("/admin/services/contact", data={
        "agency": tambon["agency"].id, "service": "petition",
        "officer_name": "แอบแก้"}).status_code == 404


def test_staff_record_a_line_request_on_behalf(app, tambon):
    clerk = client_for(app, tambon["clerk"])
    choose = clerk.get("/admin/requests/record").get_data(as_text=True)
    assert "แจ้งไฟฟ้าสาธารณะดับ/ขัดข้อง" in choose
    r = clerk.post(f"/admin/requests/record?agency={tambon['agency'].id}&service=street_light",
                   data={**GUEST, **LIGHT, "channel": "line"}, content_type="multipart/form-data")
    assert r.status_code == 302
    req = Request.get()
    assert (req.channel, req.requester_id, req.contact_phone) == ("line", None, "0898765432")
    first = StatusEvent.get(StatusEvent.request == req)
    assert first.actor_id == tambon["clerk"].id and first.remark == "LINE"
    listing = clerk.get("/admin/requests/").get_data(as_text=True)
    assert "LINE" in listing
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "requests")
    idx = next(i for i, f in enumerate(view._filters) if str(f.name) in ("ช่องทาง", "Came by"))
    assert req.reference in clerk.get(f"/admin/requests/?flt0_{idx}=line").get_data(
        as_text=True)
    assert req.reference not in clerk.get(f"/admin/requests/?flt0_{idx}=email").get_data(
        as_text=True)
    status = app.test_client().post("/status", data={"reference": req.reference,
                                                     "phone_last4": "5432"})
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" in status.get_data(as_text=True)
    outsider = client_for(app, tambon["outsider"])
    r = outsider.post(f"/admin/requests/record?agency={tambon['agency'].id}&service=petition",
                      data={**GUEST, "subject": "x", "details": "y", "channel": "email"})
    assert Request.select().count() == 1 and r.status_code == 200


def test_disaster_is_marked_urgent_for_staff(app, tambon):
    guest_send(app.test_client(), "disaster", {
        "kind": "flood", "day": "20/11/2569", "place": "สะพานหมู่ 4", "details": "น้ำท่วมสูง"})
    listing = client_for(app, tambon["clerk"]).get("/admin/requests/").get_data(as_text=True)
    assert "ด่วน" in listing


def test_hall_booking_uses_the_core_bookings(app, tambon):
    from portal.models import Booking, Resource

    hall = Resource.get(Resource.name == "หอประชุม อบต.")
    client = client_for(app, make_user())
    day = local_today() + dt.timedelta(days=10)
    data = {**GUEST, "organisation": "ชมรมผู้สูงอายุ", "event": "ประชุมประจำเดือน",
            "attendees": 80, "hall": hall.id, "start_date": day.isoformat(),
            "end_date": day.isoformat(), "start_time": "09:00", "end_time": "12:00"}
    assert send_form(client, "/requests/new/demo-tambon/hall_booking", data=data,
                       content_type="multipart/form-data").status_code == 302
    again = send_form(client_for(app, make_user()), "/requests/new/demo-tambon/hall_booking",
                      data={**data, "start_time": "11:00", "end_time": "13:00"})
    assert "มีผู้จองในช่วงเวลานี้แล้ว" in again.get_data(as_text=True)
    too_many = send_form(client, "/requests/new/demo-tambon/hall_booking",
                           data={**data, "attendees": 500, "start_time": "13:00",
                                 "end_time": "15:00"}, content_type="multipart/form-data")
    assert "รองรับได้ไม่เกิน 200 คน" in too_many.get_data(as_text=True)
    assert Booking.select().count() == 1


def test_service_time_against_a_fixture(app, tambon):
    clerk_client = client_for(app, tambon["clerk"])
    made = []
    for _ in range(3):
        guest_send(app.test_client(), "petition", {"subject": "ถนน", "details": "หลุม"})
        made.append(Request.select().order_by(Request.id.desc()).first())
    base = dt.datetime(2026, 3, 2, 2, 0)  # 09:00 in Bangkok
    plans = [(10, 20, 30, 40), (5, 10, 15, 60), (1, 2, 3, 4)]  # minutes of each tick
    for req, marks in zip(made, plans, strict=True):
        done = base + dt.timedelta(minutes=marks[-1])
        Request.update(submitted_at=base, status="completed", status_changed_at=done).where(
            Request.id == req.id).execute()
        for step, minute in zip(("receive", "check", "propose", "notify"), marks, strict=True):
            StepEvent.create(request=req, step=step, outcome="ok" if step == "check" else "",
                             at=base + dt.timedelta(minutes=minute))
    page = clerk_client.get("/admin/tambon_time/?start=01/03/2569&end=31/03/2569").get_data(
        as_text=True)
    row = re.search(r'data-code="petition">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    # totals 40, 60, 4 → median 40; within 50: two; receive 10,5,1 → 5;
    # check 10,5,1 → 5; propose 10,5,1 → 5; notify 10,45,1 → 10
    assert cells == ["3", "40.0", "2", "5.0", "5.0", "5.0", "10.0"]
