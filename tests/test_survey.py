"""Satisfaction survey: a signed link that needs no login, one answer per
request, expired or altered links refused, averages for staff."""

from __future__ import annotations

import datetime as dt
import re

from plugins.survey.models import SurveyResponse
from portal.models import Request
from portal.thai import local_today

from .conftest import login
from .helpers.certificate import new_certificate

ANSWER = {"speed": "5", "courtesy": "4", "clarity": "3", "overall": "4", "comment": "ดีมาก"}


def completed(app, world):
    client, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "completed", "message": "", "version": req.version})
    return client, Request.get_by_id(req.id), staff


def test_signed_link_one_answer_and_refusals(app, world, monkeypatch):
    from plugins.survey import views as survey

    _client, req, staff = completed(app, world)
    with app.test_request_context():
        token = survey.token_for(req)
    guest = app.test_client()  # no login: the e-mail link is enough
    page = guest.get(f"/survey/{token}")
    assert page.status_code == 200
    assert "ความรวดเร็วในการให้บริการ" in page.get_data(as_text=True)
    assert guest.post(f"/survey/{token}", data=ANSWER).status_code == 302
    answer = SurveyResponse.get(SurveyResponse.request == req)
    assert (answer.speed, answer.overall, answer.comment) == (5, 4, "ดีมาก")
    again = guest.post(f"/survey/{token}", data={**ANSWER, "overall": "1"})
    assert 'id="survey-done"' in again.get_data(as_text=True)
    assert SurveyResponse.select().count() == 1
    assert SurveyResponse.get().overall == 4
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert guest.get(f"/survey/{altered}").status_code == 404
    monkeypatch.setattr(survey, "LIFETIME", dt.timedelta(seconds=-1))
    assert guest.get(f"/survey/{token}").status_code == 410


def test_only_completed_requests_and_only_the_requester_in_the_portal(app, world):
    from plugins.survey import views as survey

    client, req = new_certificate(app, world["citizen"])
    with app.test_request_context():
        token = survey.token_for(req)
    assert app.test_client().get(f"/survey/{token}").status_code == 404  # not completed
    client2, done, _staff = completed(app, world)
    assert client2.get(f"/requests/{done.reference}/survey").status_code == 200
    other = app.test_client()
    login(other, world["other_citizen"])
    assert other.get(f"/requests/{done.reference}/survey").status_code == 404


def test_unhappy_answer_flags_the_request_and_averages(app, world):
    client, req, staff = completed(app, world)
    client.post(f"/requests/{req.reference}/survey",
                data={**ANSWER, "overall": "1", "reopen": "y", "comment": "ช้ามาก"})
    process = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "ช้ามาก" in process and 'alert-danger" id="survey"' in process
    # The request's own answers and the survey's count are two different words.
    assert "<h2>ข้อมูลในคำร้อง</h2>" in process and "จำนวนผู้ประเมิน" not in process
    client2, req2, _s = completed(app, world)
    client2.post(f"/requests/{req2.reference}/survey", data={**ANSWER, "overall": "5"})
    page = staff.get("/admin/satisfaction/").get_data(as_text=True)
    row = re.search(r'data-code="certificate">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells == ["2", "5.00", "4.00", "3.00", "3.00", "1"]
    assert "<svg" in page and "จำนวนผู้ประเมิน" in page
    # Another month, picked as a Thai month and a B.E. year (no A.D. calendar).
    assert 'type="month"' not in page
    today = local_today()
    last_year = staff.get("/admin/satisfaction/", query_string={
        "month-month": today.month, "month-year": today.year + 543 - 1}).get_data(as_text=True)
    assert "ยังไม่มีผลการประเมินในเดือนนี้" in last_year
    assert re.search(rf'name="month-year"[^>]*value="{today.year + 542}"', last_year)
    other = app.test_client()
    login(other, world["other_staff"])
    assert "ยังไม่มีผลการประเมินในเดือนนี้" in other.get("/admin/satisfaction/").get_data(
        as_text=True)


def test_satisfaction_prints(app, world):
    from .helpers.pdf import archival_problems, title
    from .test_printing import pdf_text

    client, req, staff = completed(app, world)
    client.post(f"/requests/{req.reference}/survey", data=ANSWER)
    pdf = staff.get("/admin/satisfaction/print")
    assert pdf.mimetype == "application/pdf"
    assert archival_problems(pdf.data) == [] and "ความพึงพอใจ" in title(pdf.data)
    text = pdf_text(pdf.data)
    assert "ความพึงพอใจ" in text and "หนังสือรับรอง" in text and "4.00" in text


def test_staff_reopen_only_on_the_requesters_ask_and_only_once(app, world):
    from portal.models import StatusEvent

    client, req, staff = completed(app, world)
    # Without an ask there is no way back from completed.
    r = staff.post(f"/admin/requests/reopen/{req.id}",
                   data={"remark": "ขอดูใหม่", "version": req.version})
    assert Request.get_by_id(req.id).status == "completed"
    client.post(f"/requests/{req.reference}/survey",
                data={**ANSWER, "overall": "1", "reopen": "y", "comment": "ได้เอกสารผิดคน"})
    page = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert 'id="reopen"' in page
    # Staff of another agency cannot reach it; a remark is required.
    other = app.test_client()
    login(other, world["other_staff"])
    assert other.post(f"/admin/requests/reopen/{req.id}",
                      data={"remark": "x", "version": req.version}).status_code == 404
    staff.post(f"/admin/requests/reopen/{req.id}", data={"remark": "", "version": req.version})
    assert Request.get_by_id(req.id).status == "completed"
    r = staff.post(f"/admin/requests/reopen/{req.id}",
                   data={"remark": "จะออกเอกสารให้ใหม่", "version": req.version})
    assert r.status_code == 302
    reopened = Request.get_by_id(req.id)
    assert reopened.status == "in_progress" and reopened.reference == req.reference
    event = StatusEvent.select().where(StatusEvent.request == req).order_by(
        StatusEvent.id.desc()).get()
    assert (event.kind, event.from_status, event.to_status) == ("reopen", "completed",
                                                               "in_progress")
    assert event.actor_id == world["staff"].id and event.remark == "จะออกเอกสารให้ใหม่"
    assert SurveyResponse.get(SurveyResponse.request == req).reopened_at is not None
    view = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "เปิดคำร้องอีกครั้ง" in view and "จะออกเอกสารให้ใหม่" in view
    # Completed again, the old ask does not open it a second time.
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "completed", "message": "", "version": reopened.version})
    done = Request.get_by_id(req.id)
    assert done.status == "completed"
    staff.post(f"/admin/requests/reopen/{req.id}", data={"remark": "อีกครั้ง",
                                                        "version": done.version})
    assert Request.get_by_id(req.id).status == "completed"


def test_switched_off_the_survey_leaves_no_link_no_page_and_no_invitation(tmp_path, migrated_db):
    """PORTAL_DISABLED_PLUGINS=survey: the portal starts without it, a
    completed request's page has no survey link and the survey's pages are
    gone; the table stays (the core's migrations made it)."""
    from plugins.survey import views
    from portal import create_app
    from portal.models import Notification

    from .conftest import make_agency, make_config, make_staff, make_user
    from .helpers.client import CSRFClient

    app = create_app(make_config(tmp_path, migrated=True, PORTAL_DISABLED_PLUGINS="survey"))
    app.test_client_class = CSRFClient
    assert app.extensions["portal"].pm.is_blocked("survey")
    agency = make_agency("alpha")
    citizen = make_user(email="rate@example.com")
    client, req = new_certificate(app, citizen)
    staff = app.test_client()
    login(staff, make_staff(agency))
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "completed", "message": "", "version": req.version})
    assert Request.get_by_id(req.id).status == "completed"
    page = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "ดำเนินการเรียบร้อย" in page or "next-step" in page
    assert "/survey" not in page and "ประเมินความพึงพอใจ" not in page
    assert client.get(f"/requests/{req.reference}/survey").status_code == 404
    with app.test_request_context():
        token = views.token_for(req)
    assert app.test_client().get(f"/survey/{token}").status_code == 404
    assert staff.get("/admin/satisfaction/").status_code == 404
    assert not Notification.select().where(
        Notification.subject.contains("ประเมินความพึงพอใจ")).exists()
    assert staff.get(f"/admin/requests/process/{req.id}").status_code == 200
    assert SurveyResponse.select().count() == 0  # the table is still there
