"""An agency with every education service on, its rooms, executives and schools."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from plugins.education.demo import load
from portal.models import Request, Resource
from portal.thai import local_today

from ...conftest import login, make_agency, make_staff, make_user
from ...helpers.files import make_jpg, make_pdf
from ...helpers.send import send_form

SERVICES = ("staff_card", "certificate", "pension_gratuity", "meeting_room",
            "executive_appointment", "school_forms")
APPLICANT = {"phone": "0812345678", "title": "นาง", "first_name": "สมศรี", "last_name": "มีสุข"}


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    day = (after or local_today()) + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def edu(app) -> dict[str, Any]:
    agency = make_agency("edu", services=SERVICES)
    load(agency)
    rooms = list(Resource.select().where((Resource.agency == agency)
                                         & (Resource.kind == "meeting_room"))
                 .order_by(Resource.capacity.desc()))
    executives = list(Resource.select().where((Resource.agency == agency)
                                              & (Resource.kind == "executive")))
    return {"agency": agency, "big_room": rooms[0], "small_room": rooms[1],
            "executive": executives[0], "citizen": make_user(), "other": make_user(),
            "staff": make_staff(agency, services=SERVICES),
            "other_staff": make_staff(make_agency(services=SERVICES), services=SERVICES)}


def pdf(name: str = "เอกสาร.pdf") -> tuple[io.BytesIO, str]:
    return io.BytesIO(make_pdf()), name


def jpg(name: str = "photo.jpg") -> tuple[io.BytesIO, str]:
    return io.BytesIO(make_jpg()), name


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def submit(client, service: str, data: dict[str, Any], agency: str = "edu"):
    payload = {**APPLICANT, **data}
    return send_form(client, f"/requests/new/{agency}/{service}",
                     data={k: v for k, v in payload.items() if v is not None})


def created(response) -> Request:
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    return Request.get(Request.reference == reference)


def room_data(room, day: dt.date, start: str = "09:00", end: str = "12:00",
              last_day: dt.date | None = None, attendees: int = 10) -> dict[str, Any]:
    return {"organisation": "กลุ่มนิเทศ", "attendees": attendees, "room": room.id,
            "purpose": "ประชุมครูวิชาการ", "start_date": day.isoformat(),
            "end_date": (last_day or day).isoformat(), "start_time": start, "end_time": end,
            "file_letter": pdf("หนังสือขอใช้.pdf")}
