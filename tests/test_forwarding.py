"""Forwarding: same reference number, a history line naming both ends, the
receiving service's clock, answers kept on the form they were written on."""

from __future__ import annotations

import datetime as dt

from portal.models import AuditLog, Notice, Request, StatusEvent
from portal.requests.catalogue import set_enabled
from portal.thai import local_today

from .conftest import login, make_staff
from .helpers.certificate import new_certificate
from .helpers.counts import kept_counts


def _staff(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_forward_to_another_agency_keeps_reference_and_history(app, world):
    citizen_client, req = new_certificate(app, world["citizen"])
    staff = _staff(app, world["staff"])
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "in_progress", "message": "", "version": req.version})
    req = Request.get_by_id(req.id)
    Request.update(due_date=dt.date(2000, 1, 3)).where(Request.id == req.id).execute()
    page = staff.get(f"/admin/requests/forward/{req.id}").get_data(as_text=True)
    target = f'{world["other_agency"].id}:certificate'
    assert f'value="{target}"' in page
    assert f'value="{world["agency"].id}:certificate"' not in page  # not where it is
    # A remark is required; nothing moves without it.
    staff.post(f"/admin/requests/forward/{req.id}",
               data={"destination": target, "remark": "", "version": req.version})
    assert Request.get_by_id(req.id).agency_id == world["agency"].id
    r = staff.post(f"/admin/requests/forward/{req.id}", data={
        "destination": target, "remark": "ผู้ยื่นสังกัดเขตพื้นที่อื่น", "version": req.version})
    assert r.status_code == 302
    moved = Request.get_by_id(req.id)
    assert moved.reference == req.reference and moved.agency_id == world["other_agency"].id
    assert moved.status == "submitted" and moved.form_code == ""
    assert moved.due_date > local_today()  # the clock restarted by the new target
    line = StatusEvent.select().where(StatusEvent.request == req).order_by(
        StatusEvent.id.desc()).get()
    assert line.kind == "forward" and (line.from_status, line.to_status) == ("in_progress",
                                                                             "submitted")
    assert world["agency"].name_th in line.remark and world["other_agency"].name_th in line.remark
    assert "ผู้ยื่นสังกัดเขตพื้นที่อื่น" in line.remark
    assert AuditLog.select().where(AuditLog.action == "request_forwarded").count() == 1
    assert kept_counts() == {(world["other_agency"].id, "certificate", "submitted"): 1}
    # Now it is theirs, not ours; the requester still follows it.
    assert staff.get(f"/admin/requests/process/{req.id}").status_code == 404
    theirs = _staff(app, world["other_staff"])
    assert req.reference in theirs.get(f"/admin/requests/process/{req.id}").get_data(
        as_text=True)
    assert Notice.select().where(Notice.user == world["other_staff"].id).exists()
    view = citizen_client.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "ส่งต่อ" in view and world["other_agency"].name_th in view
    assert "โรงเรียนบ้านหนองน้ำใส" in view  # the answers are all still there


def test_forward_to_another_service_keeps_the_answers_form(app, world):
    set_enabled(world["agency"], "pension_gratuity", True)
    pension_clerk = make_staff(world["agency"], services=("pension_gratuity",))
    citizen_client, req = new_certificate(app, world["citizen"])
    staff = _staff(app, world["staff"])
    r = staff.post(f"/admin/requests/forward/{req.id}", data={
        "destination": f'{world["agency"].id}:pension_gratuity', "remark": "เป็นเรื่องบำเหน็จ",
        "version": req.version})
    assert r.status_code == 302
    moved = Request.get_by_id(req.id)
    assert (moved.service_code, moved.form_code) == ("pension_gratuity", "certificate")
    page = _staff(app, pension_clerk).get(f"/admin/requests/process/{req.id}").get_data(
        as_text=True)
    assert "35,210.50" in page and "รับรองเงินเดือน" in page
    pdf = citizen_client.get(f"/requests/{req.reference}/print")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # Forwarded back to where the form came from, the marker goes away.
    back = _staff(app, pension_clerk).post(f"/admin/requests/forward/{req.id}", data={
        "destination": f'{world["agency"].id}:certificate', "remark": "ส่งคืน",
        "version": moved.version})
    assert back.status_code == 302
    assert Request.get_by_id(req.id).form_code == ""


def test_what_cannot_be_forwarded(app, world):
    staff = _staff(app, world["staff"])
    _c, req = new_certificate(app, world["citizen"])
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "returned", "message": "แก้ไข", "version": req.version})
    # With the requester (returned): no forward.
    req = Request.get_by_id(req.id)
    r = staff.post(f"/admin/requests/forward/{req.id}", data={
        "destination": f'{world["other_agency"].id}:certificate', "remark": "x",
        "version": req.version})
    assert Request.get_by_id(req.id).agency_id == world["agency"].id
    assert r.status_code == 302
    # A destination that is switched off or made up is not offered or taken.
    _c, fresh = new_certificate(app, world["citizen"])
    set_enabled(world["other_agency"], "certificate", False)
    page = staff.get(f"/admin/requests/forward/{fresh.id}").get_data(as_text=True)
    assert f'{world["other_agency"].id}:certificate' not in page
    staff.post(f"/admin/requests/forward/{fresh.id}", data={
        "destination": f'{world["other_agency"].id}:certificate', "remark": "x",
        "version": fresh.version})
    assert Request.get_by_id(fresh.id).agency_id == world["agency"].id
    # Another agency's clerk cannot forward our request.
    other = _staff(app, world["other_staff"])
    assert other.get(f"/admin/requests/forward/{fresh.id}").status_code == 404


def test_booking_services_are_not_forwardable():
    from portal import create_app
    from portal.plugins.manager import get_service

    app = create_app({"DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        assert not get_service("meeting_room").forwardable
        assert not get_service("executive_appointment").forwardable
        assert not get_service("hall_booking").forwardable
        assert get_service("petition").forwardable
