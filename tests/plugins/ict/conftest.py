"""An agency with the ICT services on, ICT staff, another group's staff as requesters."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.ict.services import SERVICES
from portal.models import Request

from ...conftest import login, make_agency, make_staff, make_user
from ...helpers.send import send_form

CODES = tuple(s.code for s in SERVICES)
APPLICANT = {"phone": "0812345678", "title": "นาย", "first_name": "วิชัย", "last_name": "ครูดี",
             "unit": "กลุ่มนโยบายและแผน"}


@pytest.fixture
def ict(app) -> dict[str, Any]:
    agency = make_agency("sec11", services=CODES + ("certificate",))
    return {"agency": agency, "requester": make_user(),
            "tech": make_staff(agency, services=CODES),
            "clerk": make_staff(agency, services=("certificate",)),
            "outsider": make_staff(make_agency(services=CODES), services=CODES)}


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def ask(client, code: str, data: dict[str, Any]) -> Request:
    r = send_form(client, f"/requests/new/sec11/{code}", data={**APPLICANT, **data})
    assert r.status_code == 302, r.get_data(as_text=True)[-2500:]
    return Request.get(Request.reference == r.headers["Location"].rsplit("/", 1)[-1])


REPAIR = {"asset_number": "7440-001-0001/64", "equipment": "printer", "location": "ห้องธุรการ",
          "symptom": "กระดาษติดทุกครั้งที่พิมพ์"}


def tick(client, req, step, outcome="", value="", note=""):
    return client.post(f"/admin/requests/steps/{req.id}", data={
        "step": step, "outcome": outcome, "value": value, "note": note},
        follow_redirects=True)
