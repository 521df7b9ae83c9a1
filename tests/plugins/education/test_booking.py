"""Meeting rooms and appointments: overlaps refused in the database
transaction, touching allowed, freed by return or cancel, and exactly one
winner when many book the same slot at once."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest

from portal.models import Booking, Request

from ...conftest import make_user
from ...helpers.send import send_form
from .conftest import client_for, created, next_weekday, pdf, room_data, submit


def book(app, user, room, day, start="09:00", end="12:00", last_day=None, attendees=10):
    client = client_for(app, user)
    return client, submit(client, "meeting_room",
                          room_data(room, day, start, end, last_day, attendees))


@pytest.fixture
def monday():
    return next_weekday(0)


def test_booking_holds_the_room(app, edu, monday):
    _c, r = book(app, edu["citizen"], edu["big_room"], monday)
    req = created(r)
    held = Booking.get(Booking.request == req)
    assert (held.resource_id, held.start_date, str(held.start_time)) == (
        edu["big_room"].id, monday, "09:00:00")


@pytest.mark.parametrize("first, second, clash", [
    (("09:00", "12:00"), ("12:00", "13:00"), False),   # touching after
    (("09:00", "12:00"), ("08:00", "09:00"), False),   # touching before
    (("09:00", "12:00"), ("11:59", "13:00"), True),
    (("09:00", "12:00"), ("08:00", "09:01"), True),
    (("09:00", "12:00"), ("10:00", "11:00"), True),    # inside
    (("09:00", "12:00"), ("08:00", "13:00"), True),    # around
])
def test_overlap_rules_on_one_day(app, edu, monday, first, second, clash):
    created(book(app, edu["citizen"], edu["big_room"], monday, *first)[1])
    _c, r = book(app, edu["other"], edu["big_room"], monday, *second)
    if clash:
        assert r.status_code == 200
        assert "มีผู้จองในช่วงเวลานี้แล้ว" in r.get_data(as_text=True)
        assert Request.select().count() == 1
    else:
        created(r)


def test_multi_day_ranges(app, edu, monday):
    friday = monday + dt.timedelta(days=4)
    created(book(app, edu["citizen"], edu["big_room"], monday, "13:00", "16:00",
                 last_day=monday + dt.timedelta(days=2))[1])
    # Wednesday afternoon is inside the three days: refused.
    _c, r = book(app, edu["other"], edu["big_room"], monday + dt.timedelta(days=2),
                 "15:00", "17:00")
    assert "มีผู้จองในช่วงเวลานี้แล้ว" in r.get_data(as_text=True)
    # Thursday to Friday, and Wednesday morning, are free.
    created(book(app, edu["other"], edu["big_room"], monday + dt.timedelta(days=3),
                 "13:00", "16:00", last_day=friday)[1])
    created(book(app, edu["other"], edu["big_room"], monday + dt.timedelta(days=2),
                 "08:00", "12:00")[1])
    # Another room is another diary.
    created(book(app, edu["other"], edu["small_room"], monday, "13:00", "16:00")[1])


def test_returned_or_cancelled_booking_frees_the_slot(app, edu, monday):
    citizen, r = book(app, edu["citizen"], edu["big_room"], monday)
    req = created(r)
    staff = client_for(app, edu["staff"])
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "ขอหนังสือฉบับลงนาม", "version": req.version})
    other_client, r2 = book(app, edu["other"], edu["big_room"], monday)
    taker = created(r2)
    # The first requester's correction now clashes and is refused as a whole.
    fresh = Request.get_by_id(req.id)
    data = room_data(edu["big_room"], monday)
    data.update({k: v for k, v in fresh.payload.items() if k not in data
                 and k != "national_id" and v is not None})
    r3 = send_form(citizen, f"/requests/{req.reference}/edit",
                   data={**data, "version": fresh.version})
    assert "มีผู้จองในช่วงเวลานี้แล้ว" in r3.get_data(as_text=True)
    assert Request.get_by_id(req.id).status == "returned"
    # The taker cancels; the correction now goes through and holds the room again.
    other_client.post(f"/requests/{taker.reference}/cancel", data={"version": taker.version})
    data["file_letter"] = pdf()
    r4 = send_form(citizen, f"/requests/{req.reference}/edit",
                   data={**data, "version": fresh.version})
    assert r4.status_code == 302
    assert Request.get_by_id(req.id).status == "resubmitted"
    assert Booking.select().where(Booking.request == req).count() == 1


@pytest.mark.parametrize("overrides, message", [
    ({"attendees": 500}, "รองรับได้ไม่เกิน"),
    ({"end_time": "08:00"}, "เวลาสิ้นสุดต้องอยู่หลังเวลาเริ่มต้น"),
    ({"start_date": "2020-01-01", "end_date": "2020-01-01"}, "วันที่นี้ผ่านมาแล้ว"),
    ({"room": 0}, "กรุณาเลือกห้องประชุม"),
    ({"start_date": "31/02/2570"}, "วัน/เดือน/ปี"),
])
def test_room_form_refusals(app, edu, monday, overrides, message):
    client = client_for(app, edu["citizen"])
    data = room_data(edu["small_room"], monday)
    data.update(overrides)
    r = submit(client, "meeting_room", data)
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    assert Request.select().count() == 0


def test_end_date_before_start_is_refused(app, edu, monday):
    client = client_for(app, edu["citizen"])
    data = room_data(edu["small_room"], monday, last_day=monday - dt.timedelta(days=1))
    r = submit(client, "meeting_room", data)
    assert "วันที่สิ้นสุดอยู่ก่อนวันที่เริ่มต้น" in r.get_data(as_text=True)


def test_buddhist_era_dates_are_understood(app, edu, monday):
    client = client_for(app, edu["citizen"])
    data = room_data(edu["small_room"], monday)
    data["start_date"] = data["end_date"] = f"{monday:%d/%m}/{monday.year + 543}"
    req = created(submit(client, "meeting_room", data))
    assert Booking.get(Booking.request == req).start_date == monday


def test_a_room_of_another_agency_cannot_be_booked(app, edu, monday):
    from plugins.education.demo import load

    from ...conftest import make_agency

    other = make_agency("far", services=("meeting_room",))
    load(other)
    foreign = next(r for r in other.resources if r.kind == "meeting_room")
    client = client_for(app, edu["citizen"])
    r = submit(client, "meeting_room", room_data(foreign, monday))
    assert r.status_code == 200
    assert Request.select().count() == 0


def test_twenty_people_book_one_slot_at_once_and_one_wins(app, edu, monday):
    users = [make_user() for _ in range(20)]
    clients = [client_for(app, u) for u in users]
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []
    errors: list[BaseException] = []

    def attempt(client) -> None:
        try:
            data = room_data(edu["big_room"], monday, "09:00", "10:00")
            barrier.wait()
            codes.append(submit(client, "meeting_room", data).status_code)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(codes) == [200] * 19 + [302]
    assert Booking.select().count() == 1
    assert Request.select().count() == 1


def test_week_view_shows_times_not_people(app, edu, monday):
    created(book(app, edu["citizen"], edu["big_room"], monday, "09:00", "12:00")[1])
    viewer = client_for(app, edu["other"])
    page = viewer.get(f"/resources/{edu['big_room'].id}/week?start={monday.isoformat()}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "09:00–12:00 จองแล้ว" in text
    reference = re.compile(r"31-\d{6}-[0-9A-Z]{5}")
    assert "สมศรี" not in text and not reference.search(text)
    staff_text = client_for(app, edu["staff"]).get(
        f"/resources/{edu['big_room'].id}/week?start={monday.isoformat()}").get_data(as_text=True)
    assert reference.search(staff_text)
    anonymous = app.test_client().get(f"/resources/{edu['big_room'].id}/week")
    assert anonymous.status_code == 302


def test_appointment_slots_and_no_double_booking(app, edu):
    tuesday = next_weekday(1)
    executive = edu["executive"]
    client = client_for(app, edu["citizen"])
    free = client.get("/appointments/edu/free").get_data(as_text=True)
    assert executive.name in free and "09:30–10:00 น." in free
    data = {"visitor": "โรงเรียนบ้านโนนสูง", "subject": "ขอคำปรึกษาเรื่องงบประมาณ",
            "executive": executive.id, "date": tuesday.isoformat(), "time": "09:30"}
    req = created(submit(client, "executive_appointment", data))
    held = Booking.get(Booking.request == req)
    assert (str(held.start_time), str(held.end_time)) == ("09:30:00", "10:00:00")
    other = client_for(app, edu["other"])
    r = submit(other, "executive_appointment", data)
    assert "มีผู้จองในช่วงเวลานี้แล้ว" in r.get_data(as_text=True)
    r = submit(other, "executive_appointment", {**data, "time": "12:30"})  # lunch
    assert "กรุณาเลือกจากรายการที่มีให้" in r.get_data(as_text=True)
    saturday = next_weekday(5)
    r = submit(other, "executive_appointment", {**data, "date": saturday.isoformat()})
    assert "ไม่มีเวลารับนัดในช่วงเวลานี้" in r.get_data(as_text=True)
    free_after = other.get("/appointments/edu/free").get_data(as_text=True)
    link = f"executive={executive.id}&amp;date={tuesday.isoformat()}&amp;time=09:30"
    assert link not in free_after


def test_free_time_link_prefills_the_form(app, edu):
    tuesday = next_weekday(1)
    client = client_for(app, edu["citizen"])
    page = client.get(f"/requests/new/edu/executive_appointment?executive={edu['executive'].id}"
                      f"&date={tuesday.isoformat()}&time=10:00").get_data(as_text=True)
    # The day, month and B.E. year inputs of the one date input.
    assert re.search(rf'name="date-day"[^>]*value="{tuesday.day}"', page)
    assert f'<option value="{tuesday.month}" selected>' in page
    assert re.search(rf'name="date-year"[^>]*value="{tuesday.year + 543}"', page)
    assert 'selected value="10:00"' in page or 'value="10:00" selected' in page
