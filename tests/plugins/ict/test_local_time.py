"""ICT phone log: the call-back time is typed and shown in Bangkok time, and
"overdue" means past that moment (the clock frozen at 00:30 Bangkok)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from plugins.ict.models import PhoneCall

from .conftest import client_for


def log_call(client, agency, caller, due):
    return client.post("/admin/ict_calls/new/", data={
        "agency": agency.id, "caller": caller, "unit": "โรงเรียนบ้านนา", "phone": "0811111111",
        "problem": "เข้าระบบ DMC ไม่ได้", "answer": "", "callback_due": due})


def overdue_filter(app) -> int:
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "ict_calls")
    return next(i for i, f in enumerate(view._filters) if "overdue" in str(f.name).lower()
                or "เลยเวลา" in str(f.name))


def test_call_back_typed_at_ten_is_ten_and_overdue_follows_bangkok(app, ict, bangkok_night):
    tech = client_for(app, ict["tech"])
    # As Flask-Admin's own picker wrote it, and as the browser's datetime-local does.
    assert log_call(tech, ict["agency"], "ผอ.สมชาย", "2026-12-02 10:00:00").status_code == 302
    assert log_call(tech, ict["agency"], "ครูสมหญิง", "2026-12-02T00:15").status_code == 302
    later = PhoneCall.get(PhoneCall.caller == "ผอ.สมชาย")
    assert later.callback_due == dt.datetime(2026, 12, 2, 3, 0)  # stored as UTC
    listing = tech.get("/admin/ict_calls/").get_data(as_text=True)
    assert "2 ธ.ค. 2569, 10:00 น." in listing and "17:00" not in listing
    assert "2 ธ.ค. 2569, 00:15 น." in listing
    form = tech.get(f"/admin/ict_calls/edit/?id={later.id}").get_data(as_text=True)
    assert 'value="2026-12-02T10:00"' in form
    idx = overdue_filter(app)
    overdue = tech.get(f"/admin/ict_calls/?flt0_{idx}=1").get_data(as_text=True)
    assert "ครูสมหญิง" in overdue and "ผอ.สมชาย" not in overdue
    waiting = tech.get(f"/admin/ict_calls/?flt0_{idx}=0").get_data(as_text=True)
    assert "ผอ.สมชาย" in waiting and "ครูสมหญิง" not in waiting
    # Saving the form unchanged keeps the moment (no 7-hour drift per save).
    tech.post(f"/admin/ict_calls/edit/?id={later.id}", data={
        "agency": ict["agency"].id, "caller": "ผอ.สมชาย", "unit": "โรงเรียนบ้านนา",
        "phone": "0811111111", "problem": "เข้าระบบ DMC ไม่ได้", "answer": "",
        "callback_due": "2026-12-02T10:00"})
    assert PhoneCall.get_by_id(later.id).callback_due == dt.datetime(2026, 12, 2, 3, 0)
    raw = tech.get("/admin/ict_calls/export/csv/").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    row = next((r for r in rows if "ผอ.สมชาย" in r), rows)
    assert "2 ธ.ค. 2569, 10:00 น." in row and "2026-12-02T10:00:00+07:00" in row


def test_figures_range_is_a_range_of_dates(app, ict):
    page = client_for(app, ict["tech"]).get(
        "/admin/ict_plan/figures?start=01/03/2569&end=31/03/2569").get_data(as_text=True)
    assert "ตั้งแต่วันที่" in page and "ถึงวันที่" in page
    assert "ตั้งแต่เวลา" not in page and "ถึงเวลา" not in page


def test_call_backs_saved_before_are_moved_to_utc(app, ict):
    import importlib

    from portal.db import database

    step = importlib.import_module("plugins.ict.migrations.003_ict_callback_due_utc")
    with app.app_context():
        typed = PhoneCall.create(agency=ict["agency"], caller="ก่อนแก้", unit="u", problem="p",
                                 answered_at_once=False,
                                 callback_due=dt.datetime(2026, 12, 2, 10, 0))  # as typed
        none = PhoneCall.create(agency=ict["agency"], caller="ตอบแล้ว", unit="u", problem="p")
        step.shift(database, -step.OFFSET)
        assert PhoneCall.get_by_id(typed.id).callback_due == dt.datetime(2026, 12, 2, 3, 0)
        assert PhoneCall.get_by_id(none.id).callback_due is None
