"""The one date input (portal.forms.ThaiDateField): day, Thai month name and
Buddhist-era year, typed not scrolled, on a real service form (the elderly
allowance's date of birth, the disaster report's day), in staff forms and in
staff filters."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest

from plugins.tambon.demo import load as load_demo
from plugins.tambon.models import ElderlyRegistration
from portal.models import Agency, Request
from portal.thai import DateProblem, read_date_parts

from .conftest import CAPTCHA_TEXT, login, make_agency, make_staff, make_user
from .helpers.files import make_pdf
from .helpers.send import send_form

# ---- reading three typed parts -------------------------------------------


@pytest.mark.once
@pytest.mark.parametrize("day, month, year, expected, typed_ce", [
    ("29", "2", "2567", dt.date(2024, 2, 29), None),      # 2024 is a leap year
    ("5", "10", "2508", dt.date(1965, 10, 5), None),
    ("5", "10", "1965", dt.date(1965, 10, 5), 1965),      # a Christian-era year
    ("๒๙", "๒", "๒๕๖๗", dt.date(2024, 2, 29), None),      # Thai digits
    (" 01 ", "ต.ค.", "2508", dt.date(1965, 10, 1), None),  # the ID card's spelling
    ("1", "ตุลาคม", "2508", dt.date(1965, 10, 1), None),
    ("31", "12", "2643", dt.date(2100, 12, 31), None),     # the last year taken
    ("1", "1", "2443", dt.date(1900, 1, 1), None),         # the first
])
def test_three_parts_make_a_date(day, month, year, expected, typed_ce):
    assert read_date_parts(day, month, year) == (expected, typed_ce)


@pytest.mark.once
@pytest.mark.parametrize("day, month, year, code, parts", [
    ("29", "2", "2568", "no_such_day", ("day", "month", "year")),  # 2025: no 29 Feb
    ("31", "4", "2567", "no_such_day", ("day", "month", "year")),  # April has 30
    ("32", "1", "2567", "day", ("day",)),
    ("0", "1", "2567", "day", ("day",)),
    ("x", "1", "2567", "day", ("day",)),
    ("1", "13", "2567", "month", ("month",)),
    ("1", "1", "67", "year_digits", ("year",)),
    ("1", "1", "2400", "year_range", ("year",)),
    ("1", "1", "3000", "year_range", ("year",)),
    ("1", "1", "2200", "year_range", ("year",)),  # neither era
    ("", "1", "", "missing", ("day", "year")),
])
def test_parts_that_make_no_date_say_why(day, month, year, code, parts):
    with pytest.raises(DateProblem) as caught:
        read_date_parts(day, month, year)
    assert (caught.value.code, caught.value.parts) == (code, parts)


@pytest.mark.once
def test_a_missing_29_february_names_the_days_of_that_month():
    with pytest.raises(DateProblem) as caught:
        read_date_parts("29", "2", "2568")
    assert caught.value.params == {"month": 2, "year": 2568, "days": 28}


# ---- on a real service form ----------------------------------------------

GUEST = {"phone": "0898765432", "title": "นาง", "first_name": "บุญมี", "last_name": "ใจงาม"}


@pytest.fixture
def tambon(app):
    education = make_agency("demo-edu", services=())
    make_staff(education, services=())
    load_demo(education)
    return Agency.get(Agency.code == "demo-tambon")


def elderly(**birth: str) -> dict:
    """An elderly-allowance registration, its date of birth in three parts."""
    return {**GUEST, "applicant_national_id": "3100500123458",
            "applicant_name": "นายทองดี มีสุข", "payment_year": "2570", "house": "99",
            "village": "2", "bank": "ธ.ก.ส.", "account_number": "0123456789",
            "account_name": "นายทองดี มีสุข",
            **{f"birth_date-{part}": value for part, value in birth.items()},
            "file_id_card": (io.BytesIO(make_pdf()), "บัตร.pdf"),
            "file_house": (io.BytesIO(make_pdf()), "ทะเบียนบ้าน.pdf"),
            "file_bank_book": (io.BytesIO(make_pdf()), "สมุดบัญชี.pdf")}


def send(client, data, code="elderly_allowance"):
    """The form, then the check page's button (a refused form comes back)."""
    return send_form(client, f"/requests/new/demo-tambon/{code}", data)


def signed_in(app):
    client = app.test_client()
    assert login(client, make_user()).status_code == 302
    return client


def fieldset(page: str, name: str) -> str:
    match = re.search(r'<fieldset class="date-fieldset"[^>]*>.*?</fieldset>', page[
        page.index(f'name="{name}-day"') - 2500:], re.S)
    assert match, page
    return match.group(0)


def shown(page: str, field: str) -> dict[str, str]:
    """What the day, month and year inputs of ``field`` show."""
    day = re.search(rf'<input[^>]*name="{field}-day"[^>]*>', page).group(0)
    year = re.search(rf'<input[^>]*name="{field}-year"[^>]*>', page).group(0)
    select = re.search(rf'<select[^>]*name="{field}-month".*?</select>', page, re.S).group(0)
    month = re.search(r'<option value="(\d*)" selected>', select)
    return {"day": re.search(r'value="([^"]*)"', day).group(1),
            "month": month.group(1) if month else "",
            "year": re.search(r'value="([^"]*)"', year).group(1)}


def test_the_form_asks_day_month_and_be_year_in_a_fieldset(app, tambon, bangkok_night):
    page = signed_in(app).get("/requests/new/demo-tambon/elderly_allowance").get_data(
        as_text=True)
    group = fieldset(page, "birth_date")
    assert re.search(r"<legend>วันเดือนปีเกิด <span class=\"req\"", group)
    hint = re.search(r'<p class="hint date-input-hint" id="birth_date-hint">([^<]+)</p>', group)
    assert hint and hint.group(1) == "ปี พ.ศ. เช่น 2508"
    assert 'aria-describedby="birth_date-hint"' in group
    # The day input carries the field's id: the label and the error summary land on it.
    assert re.search(r'<label for="birth_date">วันที่</label><input[^>]*id="birth_date"'
                     r'[^>]*name="birth_date-day"', group)
    for part in ("day", "year"):
        box = re.search(rf'<input[^>]*name="birth_date-{part}"[^>]*>', group).group(0)
        assert 'inputmode="numeric"' in box and 'type="text"' in box
        assert f'autocomplete="bday-{part}"' in box and "placeholder" not in box
    assert '<label for="birth_date-year">ปี พ.ศ.</label>' in group
    months = re.findall(r'<option value="(\d+)">([^<]+)</option>', group)
    assert months[0] == ("1", "มกราคม") and months[11] == ("12", "ธันวาคม")
    assert 'type="date"' not in page


@pytest.mark.parametrize("typed, message", [
    ({"day": "29", "month": "2", "year": "2568"},
     "วันที่ไม่มีอยู่จริง: กุมภาพันธ์ พ.ศ. 2568 มี 28 วัน"),
    ({"day": "31", "month": "4", "year": "2567"},
     "วันที่ไม่มีอยู่จริง: เมษายน พ.ศ. 2567 มี 30 วัน"),
    ({"day": "1", "month": "1", "year": "2400"},
     "ปีต้องอยู่ระหว่าง พ.ศ. 2443 ถึง 2643 (หรือ ค.ศ. 1900 ถึง 2100)"),
    ({"day": "1", "month": "1", "year": "3000"},
     "ปีต้องอยู่ระหว่าง พ.ศ. 2443 ถึง 2643 (หรือ ค.ศ. 1900 ถึง 2100)"),
    ({"day": "", "month": "", "year": ""}, "กรอกวันที่ เลือกเดือน และกรอกปี พ.ศ."),
    ({"day": "12", "month": "", "year": ""}, "เลือกเดือนและกรอกปี พ.ศ."),
    ({"day": "12", "month": "3", "year": "08"}, "ปีต้องเป็นตัวเลข 4 หลัก เช่น 2508"),
    ({"day": "3", "month": "12", "year": "2569"}, "วันเกิดต้องไม่เป็นวันในอนาคต"),
])
def test_a_wrong_date_is_refused_in_thai_and_keeps_what_was_typed(app, tambon, bangkok_night,
                                                                  typed, message):
    r = send(signed_in(app), elderly(**typed))
    page = html.unescape(r.get_data(as_text=True))
    assert r.status_code == 200 and Request.select().count() == 0
    group = fieldset(page, "birth_date")
    assert f'<p class="error" id="birth_date-error">{message}</p>' in group
    assert "birth_date-error" in re.search(r'aria-describedby="([^"]+)"', group).group(1)
    assert 'aria-invalid="true"' in group
    assert shown(page, "birth_date") == typed
    assert '<a href="#birth_date">' in page  # the summary reaches the day input


def test_a_christian_era_year_is_converted_and_the_person_told(app, tambon, bangkok_night):
    client = signed_in(app)
    # Another answer is wrong: the page comes back and says how 1960 was read.
    r = send(client, {**elderly(day="1", month="10", year="1960"), "house": ""})
    page = r.get_data(as_text=True)
    group = fieldset(page, "birth_date")
    assert "ถือว่าเป็น ค.ศ. 1960 = พ.ศ. 2503" in group
    assert "birth_date-note" in re.search(r'aria-describedby="([^"]+)"', group).group(1)
    assert shown(page, "birth_date") == {"day": "1", "month": "10", "year": "1960"}
    assert "birth_date-error" not in page
    r = send(client, elderly(day="1", month="10", year="1960"))
    assert r.status_code == 302
    request = Request.get()
    assert request.payload["birth_date"] == "1960-10-01"  # stored as before: ISO
    assert ElderlyRegistration.get().birth_date == dt.date(1960, 10, 1)
    view = client.get(f"/requests/{request.reference}").get_data(as_text=True)
    assert "1 ต.ค. 2503" in view


def test_thai_digits_and_a_be_year_are_taken(app, tambon, bangkok_night):
    r = send(signed_in(app), elderly(day="๑", month="10", year="๒๕๐๓"))
    assert r.status_code == 302
    assert Request.get().payload["birth_date"] == "1960-10-01"


def test_a_single_value_still_works_for_links_and_older_clients(app, tambon, bangkok_night):
    data = elderly()
    data["birth_date"] = "01/10/2503"
    assert send(signed_in(app), data).status_code == 302
    assert Request.get().payload["birth_date"] == "1960-10-01"


def guest_send(client, code, data):
    client.get("/captcha.png")
    return send(client, {**GUEST, "captcha": CAPTCHA_TEXT, **data}, code)


NUISANCE = {"kind": "noise", "place": "โรงงานท้ายหมู่บ้าน", "details": "เสียงดังทั้งคืน"}


def test_an_empty_optional_date_stays_empty(app, tambon, bangkok_night):
    r = guest_send(app.test_client(), "nuisance", {
        **NUISANCE, "since-day": "", "since-month": "", "since-year": ""})
    assert r.status_code == 302, r.get_data(as_text=True)
    assert Request.get().payload["since"] is None


def test_an_optional_date_half_typed_is_refused(app, tambon, bangkok_night):
    r = guest_send(app.test_client(), "nuisance", {
        **NUISANCE, "since-day": "", "since-month": "11", "since-year": "2569"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and '<p class="error" id="since-error">กรอกวันที่</p>' in page
    assert shown(page, "since") == {"day": "", "month": "11", "year": "2569"}


def test_the_day_of_a_disaster_cannot_be_tomorrow(app, tambon, bangkok_night):
    data = {"kind": "flood", "place": "ริมคลอง", "details": "น้ำท่วมถนน",
            "day-day": "3", "day-month": "12", "day-year": "2569"}
    r = guest_send(app.test_client(), "disaster", data)
    assert "วันที่ต้องไม่เลยวันนี้" in r.get_data(as_text=True)
    r = guest_send(app.test_client(), "disaster", {**data, "day-day": "2"})
    assert r.status_code == 302
    assert Request.get().payload["day"] == "2026-12-02"


# ---- staff forms ------------------------------------------------------------

def test_a_staff_edit_form_of_a_date_column_takes_the_three_parts(app, world, bangkok_night):
    from portal.models import Holiday

    from .conftest import make_agency_admin

    boss = app.test_client()
    login(boss, make_agency_admin(world["agency"]))
    page = boss.get("/admin/holidays/new/").get_data(as_text=True)
    assert 'name="day-day"' in page and 'name="day-year"' in page
    assert 'id="day-hint">ปี พ.ศ. เช่น 2569</p>' in page
    assert 'type="date"' not in page and 'data-role="datepicker"' not in page
    r = boss.post("/admin/holidays/new/", data={
        "day-day": "31", "day-month": "4", "day-year": "2570", "name": "วันหยุดพิเศษ",
        "agency": world["agency"].id})
    page = html.unescape(r.get_data(as_text=True))
    assert "วันที่ไม่มีอยู่จริง: เมษายน พ.ศ. 2570 มี 30 วัน" in page
    assert shown(page, "day") == {"day": "31", "month": "4", "year": "2570"}
    r = boss.post("/admin/holidays/new/", data={
        "day-day": "๓๐", "day-month": "4", "day-year": "2570", "name": "วันหยุดพิเศษ",
        "agency": world["agency"].id})
    assert r.status_code == 302
    holiday = Holiday.get(Holiday.name == "วันหยุดพิเศษ")
    assert holiday.day == dt.date(2027, 4, 30)
    page = boss.get(f"/admin/holidays/edit/?id={holiday.id}").get_data(as_text=True)
    assert shown(page, "day") == {"day": "30", "month": "4", "year": "2570"}


def test_the_delay_notice_asks_the_new_date_in_three_parts(app, world, bangkok_night):
    from .helpers.certificate import new_certificate

    staff = world["staff"]
    _client, req = new_certificate(app, world["citizen"])
    clerk = app.test_client()
    login(clerk, staff)
    r = clerk.post(f"/admin/requests/delay/{req.id}", data={
        "reason": "รอเอกสารจากหน่วยงานอื่น", "new_date-day": "29",
        "new_date-month": "2", "new_date-year": "2570"})
    page = html.unescape(r.get_data(as_text=True))
    assert "วันที่ไม่มีอยู่จริง: กุมภาพันธ์ พ.ศ. 2570 มี 28 วัน" in page
    assert re.search(r'<legend class="col-form-label">วันที่คาดว่าจะแล้วเสร็จ <span '
                     r'class="text-danger"', page)
    assert shown(page, "new_date") == {"day": "29", "month": "2", "year": "2570"}


# ---- staff filters ------------------------------------------------------------

def _submitted_filter(app) -> tuple[str, str]:
    from portal.models import Request as Req

    with app.test_request_context():
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "requests")
        index, flt = next((i, f) for i, f in enumerate(view._filters)
                          if f.column is Req.submitted_at)
        return f"flt0_{view.get_filter_arg(index, flt)}", flt.data_type


@pytest.mark.parametrize("typed", ["1/12/2569 - 2/12/2569", "๑/๑๒/๒๕๖๙ ถึง ๒/๑๒/๒๕๖๙",
                                   "2/12/2569", "2026-12-01 to 2026-12-02", "1/12/2569 -"])
def test_the_staff_request_list_filters_by_typed_be_dates(app, world, bangkok_night, typed):
    from .helpers.certificate import new_certificate

    _client, inside = new_certificate(app, world["citizen"])
    _client, outside = new_certificate(app, world["citizen"])
    Request.update(submitted_at=dt.datetime(2026, 11, 20, 3, 0)).where(
        Request.id == outside.id).execute()
    arg, data_type = _submitted_filter(app)
    assert data_type == "be-daterange"  # typed, not Flask-Admin's A.D. calendar
    clerk = app.test_client()
    login(clerk, world["staff"])
    page = clerk.get("/admin/requests/", query_string={arg: typed}).get_data(as_text=True)
    assert inside.reference in page and outside.reference not in page
    assert html.escape(typed) in page or typed in html.unescape(page)  # kept in the filter


def test_a_filter_range_open_at_its_start_reaches_back(app, world, bangkok_night):
    """Only "ถึงวันที่" given: everything up to that day, not that one day."""
    from .helpers.certificate import new_certificate

    _client, today = new_certificate(app, world["citizen"])
    _client, older = new_certificate(app, world["citizen"])
    Request.update(submitted_at=dt.datetime(2025, 3, 20, 3, 0)).where(
        Request.id == older.id).execute()
    arg, _type = _submitted_filter(app)
    clerk = app.test_client()
    login(clerk, world["staff"])
    page = clerk.get("/admin/requests/", query_string={arg: "- 30/11/2569"}).get_data(
        as_text=True)
    assert older.reference in page and today.reference not in page


def test_a_filter_date_that_is_no_date_filters_nothing(app, world, bangkok_night):
    from .helpers.certificate import new_certificate

    _client, req = new_certificate(app, world["citizen"])
    arg, _type = _submitted_filter(app)
    clerk = app.test_client()
    login(clerk, world["staff"])
    r = clerk.get("/admin/requests/", query_string={arg: "31/4/2569 - 2/12/2569"})
    assert r.status_code == 200 and req.reference in r.get_data(as_text=True)
