"""The audit log records who did what, when and from where — logins, failed
logins, status changes, downloads, exports, admin changes — and staff admins
can search it but nobody can change it through the UI."""

from __future__ import annotations

import io

from portal.lifecycle import Status
from portal.models import AuditLog, Holiday

from .conftest import login, make_agency, make_agency_admin, make_user
from .helpers.certificate import new_certificate
from .helpers.files import make_pdf


def _entries(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


def test_every_kind_of_event_is_recorded_with_who_when_and_where(app, world):
    citizen, staff, admin = world["citizen"], world["staff"], world["admin"]
    stranger = app.test_client()
    stranger.get("/captcha.png")
    stranger.post("/login", data={"national_id": citizen.national_id, "password": "wrong-pw-1",
                                  "captcha": "24680"})
    client, req = new_certificate(app, citizen)
    clerk = app.test_client()
    login(clerk, staff)
    clerk.post(f"/admin/requests/process/{req.id}", data={
        "status": Status.COMPLETED, "message": "เสร็จ", "version": req.version,
        "result": (io.BytesIO(make_pdf()), "ผล.pdf")}, content_type="multipart/form-data")
    clerk.get("/admin/requests/export/csv/")
    from portal.models import Attachment

    result = Attachment.get((Attachment.request == req) & (Attachment.slot == "result"))
    assert client.get(f"/files/{result.id}").status_code == 200
    boss = app.test_client()
    login(boss, admin)
    boss.post("/admin/holidays/new/", data={"day": "2027-12-30", "name": "วันหยุดพิเศษ",
                                            "agency": world["agency"].id})

    failed = _entries("login_failed")[-1]
    assert failed.actor is None and failed.ip == "127.0.0.1"
    assert [e.actor_id for e in _entries("login")][-3:] == [citizen.id, staff.id, admin.id]
    submitted = _entries("request_submitted")[-1]
    assert submitted.target == f"request:{req.reference}" and submitted.actor_id == citizen.id
    changed = _entries("status_changed")[-1]
    assert changed.actor_id == staff.id and "submitted → completed" in changed.detail
    assert changed.ip == "127.0.0.1" and changed.at is not None
    download = _entries("download")[-1]
    assert download.actor_id == citizen.id and req.reference in download.target + download.detail
    export = _entries("export")[-1]
    assert export.actor_id == staff.id and export.target == "list:requests"
    created = _entries("admin_created")[-1]
    assert created.actor_id == admin.id and created.target.startswith("holidays:")
    assert Holiday.get(Holiday.name == "วันหยุดพิเศษ")


def test_admins_search_their_own_agencys_trail_only(app, world):
    _client, req = new_certificate(app, world["citizen"])
    clerk = app.test_client()
    login(clerk, world["staff"])
    clerk.post(f"/admin/requests/process/{req.id}", data={
        "status": Status.IN_PROGRESS, "message": "", "version": req.version})
    boss = app.test_client()
    login(boss, world["admin"])
    page = boss.get(f"/admin/audit/?search={req.reference}").get_data(as_text=True)
    assert f"request:{req.reference}" in page and "status_changed" in page
    outsider = app.test_client()
    login(outsider, make_agency_admin(make_agency("gamma")))
    page = outsider.get(f"/admin/audit/?search={req.reference}").get_data(as_text=True)
    assert outsider.get("/admin/audit/").status_code == 200
    assert f"request:{req.reference}" not in page  # (the search box repeats the words)
    citizen = app.test_client()
    login(citizen, make_user())
    assert citizen.get("/admin/audit/").status_code in (302, 403)


def test_nobody_can_change_or_delete_the_trail_through_the_ui(app, world):
    system = app.test_client()
    login(system, world["system"])
    entry = AuditLog.select().order_by(AuditLog.id.desc()).first()
    before = (entry.action, entry.target, entry.detail, AuditLog.select().count())
    system.post(f"/admin/audit/edit/?id={entry.id}", data={"action": "x", "detail": "แก้"})
    system.post("/admin/audit/delete/", data={"id": entry.id})
    system.post("/admin/audit/action/", data={"action": "delete", "rowid": [entry.id]})
    system.post("/admin/audit/new/", data={"action": "forged", "target": "x"})
    after = AuditLog.get_by_id(entry.id)
    assert (after.action, after.target, after.detail) == before[:3]
    assert AuditLog.select().where(AuditLog.action == "forged").count() == 0
    page = system.get("/admin/audit/").get_data(as_text=True)
    assert "/admin/audit/edit/" not in page and "/admin/audit/delete/" not in page


def _visible(client) -> list[dict[str, str]]:
    """The audit entries a signed-in staff member can read, as the view's CSV
    export gives them (the same scope as the list, every row)."""
    import csv

    client.get("/lang/en")  # column names in English
    r = client.get("/admin/audit/export/csv/")
    assert r.status_code == 200
    return list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))


def test_an_agency_admin_who_adds_the_system_admin_still_cannot_read_their_trail(app, world):
    """Pen-test finding 7: the view showed "actions by members of my agency",
    and an agency admin can make anyone a member. Adding the system admin
    showed their sign-ins, their personal-data exports and their work on
    other agencies' requests."""
    system, admin = world["system"], world["admin"]
    boss = app.test_client()
    login(boss, admin)
    r = boss.post("/admin/staff/new/", data={
        "national_id": system.national_id, "agency": world["agency"].id, "role": "staff",
        "services": ["certificate"]})
    assert r.status_code == 302
    _c, elsewhere = new_certificate(app, world["other_citizen"], agency_code="beta")
    root = app.test_client()
    login(root, system)
    assert root.get("/account/data.json").status_code == 200
    root.post(f"/admin/requests/process/{elsewhere.id}", data={
        "status": Status.IN_PROGRESS, "message": "", "version": elsewhere.version})
    root.post("/admin/services/toggle", data={"agency": world["other_agency"].id,
                                              "service": "certificate", "enabled": "0"})
    root.get("/admin/requests/export/csv/")
    done = {e.action for e in AuditLog.select().where(AuditLog.actor == system.id)}
    assert {"login", "personal_data_exported", "status_changed", "service_disabled",
            "export"} <= done

    seen = _visible(boss)
    assert seen, "the admin's own entries are there"
    assert [row for row in seen if row["Who"] == system.full_name] == []
    assert not any(elsewhere.reference in row["Target"] + row["Detail"] for row in seen)
    hidden = AuditLog.select().where(AuditLog.actor == system.id).first()
    assert boss.get(f"/admin/audit/details/?id={hidden.id}").status_code == 404
    # The system admin reads everything, entries of no agency included.
    assert {"login", "personal_data_exported", "status_changed"} <= {
        row["Action"] for row in _visible(root) if row["Who"] == system.full_name}


def test_an_agency_admin_reads_what_anyone_did_to_their_agencys_requests(app, world):
    """Entries are scoped by the agency they concern: the citizen who sent a
    request, the clerk and the system admin who worked on it all show; the
    other agency's admin sees none of it."""
    system, admin = world["system"], world["admin"]
    _c, req = new_certificate(app, world["citizen"])
    root = app.test_client()
    login(root, system)
    root.post(f"/admin/requests/process/{req.id}", data={
        "status": Status.IN_PROGRESS, "message": "", "version": req.version})
    boss = app.test_client()
    login(boss, admin)
    mine = [row for row in _visible(boss) if row["Target"] == f"request:{req.reference}"]
    assert {(row["Who"], row["Action"]) for row in mine} == {
        (world["citizen"].full_name, "request_submitted"),
        (system.full_name, "status_changed")}
    other = app.test_client()
    login(other, make_agency_admin(world["other_agency"]))
    assert not any(req.reference in row["Target"] for row in _visible(other))


def test_each_entry_stores_the_agency_it_concerns(app, world):
    agency = world["agency"]
    client, req = new_certificate(app, world["citizen"])
    client.get(f"/requests/{req.reference}/print")
    client.get("/account/data.json")
    boss = app.test_client()
    login(boss, world["admin"])
    boss.post("/admin/holidays/new/", data={"day": "2027-12-30", "name": "วันหยุดพิเศษ",
                                            "agency": agency.id})
    boss.post("/admin/services/toggle", data={"agency": agency.id, "service": "certificate",
                                              "enabled": "1"})

    def agency_of(action: str) -> int | None:
        return _entries(action)[-1].agency_id

    for action in ("request_submitted", "print", "admin_created", "holiday_saved",
                   "service_enabled"):
        assert agency_of(action) == agency.id, action
    for action in ("login", "personal_data_exported"):
        assert agency_of(action) is None, action
