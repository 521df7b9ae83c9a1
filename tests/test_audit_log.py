"""The audit log records who did what, when and from where — logins, failed
logins, status changes, downloads, exports, admin changes — and staff admins
can search it but nobody can change it through the UI."""

from __future__ import annotations

import io

from portal.models import AuditLog, Holiday
from portal.requests.lifecycle import Status

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
                                              "service": "certificate", "enabled": "0",
                                              "confirm": "1"})
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


def _written_action_codes() -> dict[str, str]:
    """Every action code a ``audit.record(...)`` call in the portal or a
    built-in plugin can write, with where: read from the source, so a new
    call is covered the day it is written."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent

    def values(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return values(node.body) + values(node.orelse)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return [a + b for a in values(node.left) for b in values(node.right)]
        raise ValueError(ast.dump(node))

    found: dict[str, str] = {}
    for path in [*root.glob("portal/**/*.py"), *root.glob("plugins/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "audit"):
                first = node.args[0] if node.args else next(
                    k.value for k in node.keywords if k.arg == "action")
                where = f"{path.relative_to(root)}:{node.lineno}"
                try:
                    codes = values(first)
                except ValueError:
                    place = str(path.relative_to(root))
                    assert place in COMPUTED_ACTIONS, (
                        f"{where}: spell the action code out, or list what it computes "
                        "in COMPUTED_ACTIONS")
                    codes = sorted(COMPUTED_ACTIONS[place])
                for code in codes:
                    found.setdefault(code, where)
    return found


# Calls that build their code from the table they write: what each can make.
COMPUTED_ACTIONS = {
    "plugins/education/admin.py": {"school_saved", "school_deleted", "form_price_saved",
                                   "form_price_deleted"},
    "plugins/ict/admin.py": {"ict_phone_call_saved", "ict_security_review_saved"},
}


def test_every_action_code_written_anywhere_has_words(app):
    from portal.staff.audit_log import action_labels

    written = _written_action_codes()
    assert {"status_changed", "delay_letter", "step", "recorded_on_behalf", "kpi_sent",
            "egov_upload", "service_disabled", "line_messages_off"} <= set(written)
    with app.test_request_context():
        labels = action_labels()
        missing = {code: where for code, where in written.items() if code not in labels}
        assert missing == {}
        assert all(str(labels[code]).strip() and str(labels[code]) != code for code in written)


def test_the_log_shows_words_for_actions_statuses_and_channels(app, world, bangkok_night):
    """The entries a clerk's day leaves, read by the agency admin: no code
    (delay_letter, recorded_on_behalf, in_progress → completed (status,
    staff), certificate via facebook) reaches the page."""
    import re

    from .helpers.certificate import certificate_data

    clerk = app.test_client()
    login(clerk, world["staff"])
    data = {k: v for k, v in certificate_data(channel="facebook").items()}
    r = clerk.post(f"/admin/requests/record?agency={world['agency'].id}&service=certificate",
                   data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    from portal.models import Request

    req = Request.select().order_by(Request.id.desc()).first()
    clerk.post(f"/admin/requests/process/{req.id}", data={
        "status": Status.IN_PROGRESS, "message": "", "version": req.version})
    clerk.post(f"/admin/requests/delay/{req.id}", data={
        "reason": "รอเอกสารจากโรงเรียน", "new_date": "31/12/2570"})
    assert {"request_submitted", "recorded_on_behalf", "status_changed", "delay_letter"} <= {
        e.action for e in AuditLog.select()}
    boss = app.test_client()
    login(boss, world["admin"])
    page = boss.get("/admin/audit/?search=" + req.reference).get_data(as_text=True)
    table = page.split("</thead>", 1)[1].split("</table>", 1)[0]
    cells = " ".join(re.sub(r"<[^>]+>", " ", table).split())
    for code in ("delay_letter", "recorded_on_behalf", "status_changed", "request_submitted",
                 "in_progress", "submitted →", "(status", "staff)", "via", "facebook",
                 "certificate"):
        assert code not in cells, code
    for words in ("ออกหนังสือแจ้งเรื่องล่าช้า", "บันทึกคำร้องแทนผู้ยื่น", "เปลี่ยนสถานะ",
                  "เจ้าหน้าที่กำลังดำเนินการ", "ทาง Facebook", "หนังสือรับรอง"):
        assert words in cells, words


def test_a_plugin_gives_words_for_its_own_actions_through_audit_actions(tmp_path, migrated_db):
    from portal import create_app, hookimpl
    from portal.staff.audit_log import action_words

    from .conftest import make_config

    class Parking:
        @hookimpl
        def audit_actions(self):
            return {"parking_permit_issued": "ออกบัตรจอดรถ"}

    app = create_app(make_config(tmp_path, migrated=True, PORTAL_EXTRA_PLUGINS=[Parking()]))
    with app.test_request_context():
        assert action_words("parking_permit_issued") == "ออกบัตรจอดรถ"
        assert action_words("no_such_code") == "no_such_code"
