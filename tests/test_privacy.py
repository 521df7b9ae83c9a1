"""PDPA: masked national IDs in staff lists and exports, a person's JSON copy
of their data, account deletion by anonymisation that keeps the statistics,
and the retention period for files of closed requests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from plugins.survey.models import SurveyResponse
from portal.models import Agency, Attachment, AuditLog, Membership, Request, StatusEvent, User
from portal.ops.demo import load_demo
from portal.requests import privacy
from portal.requests.lifecycle import Status
from portal.staff.dashboard import status_counts
from portal.thai import national_id_is_valid, utcnow

from .conftest import PASSWORD, PASSWORD_HASH, login, make_staff
from .helpers.answers import ELDER_ID, answers, demo_agency_for
from .helpers.files import make_pdf
from .helpers.send import send_form

FREE_TEXT = "ข้อความทดสอบภาษาไทย"  # what tests/helpers/answers.py types into text fields
# Columns that hold the office's own data, not the person's, kept on deletion.
OFFICE_COLUMNS = {("ict_repair_ticket", "asset_number")}


@pytest.fixture
def office(app) -> dict[str, Any]:
    """The demo offices with one request of every service from the demo
    citizen, each with its files."""
    with app.app_context():
        demo = load_demo(app)
    User.update(password_hash=PASSWORD_HASH).execute()
    people = {role: User.get(User.national_id == nid) for role, nid, _n in demo["users"]}
    citizen = app.test_client()
    assert login(citizen, people["citizen"]).status_code == 302
    clerk = app.test_client()
    assert login(clerk, people["staff"]).status_code == 302
    services = app.extensions["portal"].services
    for service in services.values():
        agency = demo_agency_for(service)
        r = send_form(citizen, f"/requests/new/{agency.code}/{service.code}",
                         data=answers(app, service, agency), content_type="multipart/form-data")
        assert r.status_code == 302, (service.code, r.get_data(as_text=True)[:500])
    return {"people": people, "citizen": citizen, "clerk": clerk, "services": services}


def _close_all(clerk, *, result: bool = False) -> None:
    """Staff finish every open request: completed (with a result file on the
    first one), the booking ones cancelled, so both final statuses occur."""
    for n, req in enumerate(list(Request.select().where(Request.status == Status.SUBMITTED)
                                 .order_by(Request.id))):
        status = Status.CANCELLED if n % 3 == 2 else Status.COMPLETED
        data: dict[str, Any] = {"status": status, "message": f"แจ้งคุณสมชาย ใจดี ({n})",
                                "version": req.version}
        if result and n == 0:
            data["result"] = (io.BytesIO(make_pdf()), "หนังสือรับรอง.pdf")
        r = clerk.post(f"/admin/requests/process/{req.id}", data=data,
                       content_type="multipart/form-data")
        assert r.status_code == 302, (req.service_code, r.get_data(as_text=True)[:800])
        assert Request.get_by_id(req.id).status == status


def _admin_pages(app, client) -> dict[str, str]:
    """Every staff list this person may open, and every CSV export, as text."""
    pages = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith(".index_view") and not rule.arguments:
            url = rule.rule
        elif rule.endpoint.endswith(".export") and "<export_type>" in rule.rule:
            url = rule.rule.replace("<export_type>", "csv")
        else:
            continue
        r = client.get(url)
        if r.status_code == 200:
            pages[url] = r.get_data(as_text=True)
    return pages


def _full_ids(text: str) -> set[str]:
    found = set()
    for match in re.finditer(r"(?<![\d-])(\d(?:-?\d){12})(?![\d-])", text):
        digits = match.group(1).replace("-", "")
        if national_id_is_valid(digits):
            found.add(digits)
    return found


def test_staff_lists_and_exports_show_no_full_national_id(app, office):
    """Every list and CSV export, for the clerk, the agency admin and the
    system admin: not one valid 13-digit national ID, masked or not, of any
    person — the elderly allowance list shows 3-1005-xxxxx-xx-N."""
    people = office["people"]
    known = {u.national_id for u in User.select()} | {ELDER_ID}
    checked = 0
    for role in ("staff", "agency_admin", "system_admin"):
        client = office["clerk"] if role == "staff" else app.test_client()
        if role != "staff":
            assert login(client, people[role]).status_code == 302
        pages = _admin_pages(app, client)
        assert len(pages) >= 15, role
        for url, text in pages.items():
            assert not (_full_ids(text) & known), (role, url, _full_ids(text) & known)
            checked += 1
    elderly = office["clerk"].get("/admin/tambon_elderly/").get_data(as_text=True)
    assert f"{ELDER_ID[0]}-{ELDER_ID[1:5]}-xxxxx-xx-{ELDER_ID[12]}" in elderly
    assert checked >= 45


def test_agency_admin_lets_one_clerk_see_full_ids_of_that_agency_only(app, office):
    people = office["people"]
    tambon = Agency.get(Agency.code == "demo-tambon")
    membership = Membership.get((Membership.user == people["staff"])
                                & (Membership.agency == tambon))
    admin = app.test_client()
    make_staff(tambon, role="agency_admin")  # the tambon's own admin
    tambon_admin = Membership.get((Membership.agency == tambon)
                                  & (Membership.role == "agency_admin")).user
    assert login(admin, tambon_admin).status_code == 302
    form = admin.get(f"/admin/staff/edit/?id={membership.id}").get_data(as_text=True)
    assert "sees_national_ids" in form
    codes = [s.service_code for s in membership.services]
    r = admin.post(f"/admin/staff/edit/?id={membership.id}", data={
        "national_id": people["staff"].national_id, "agency": tambon.id, "role": "staff",
        "services": codes, "sees_national_ids": "y"})
    assert r.status_code == 302, r.get_data(as_text=True)[:1500]
    assert Membership.get_by_id(membership.id).sees_national_ids
    assert AuditLog.select().where((AuditLog.action == "staff_saved")
                                   & AuditLog.detail.contains("full_ids:1")).exists()

    clerk = office["clerk"]
    export = clerk.get("/admin/tambon_elderly/export/csv/").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    assert any(ELDER_ID in row for row in rows), rows
    assert ELDER_ID in clerk.get("/admin/tambon_elderly/").get_data(as_text=True)
    # The permission is the tambon's: the education office's lists stay masked.
    education_pages = {url: text for url, text in _admin_pages(app, clerk).items()
                       if "tambon" not in url}
    demo_citizen = people["citizen"].national_id
    assert all(demo_citizen not in _full_ids(t) for t in education_pages.values())
    # The agency admin who granted it still sees masked numbers.
    assert ELDER_ID not in admin.get("/admin/tambon_elderly/export/csv/").get_data(as_text=True)


def test_a_person_downloads_everything_held_about_them(app, office):
    _close_all(office["clerk"], result=True)
    citizen = office["citizen"]
    me = office["people"]["citizen"]
    other = office["people"]["agency_admin"]  # has no requests; must not appear
    r = citizen.get("/account/data.json")
    assert r.status_code == 200
    assert r.mimetype == "application/json"
    assert "attachment" in r.headers["Content-Disposition"]
    data = json.loads(r.get_data(as_text=True))
    assert data["account"]["national_id"] == me.national_id
    assert data["account"]["first_name"] == me.first_name
    mine = {q.reference for q in Request.select().where(Request.requester == me)}
    assert {q["reference"] for q in data["requests"]} == mine
    assert len(mine) == len(office["services"])
    one = next(q for q in data["requests"] if q["history"][-1]["remark"].endswith("(0)"))
    assert one["history"][0]["to"] == "submitted"
    assert FREE_TEXT in json.dumps(one["answers"], ensure_ascii=False)
    assert any(a["text"] != "-" for a in one["answers_as_shown"])
    result = next(f for f in one["files"] if f["from_staff"])
    assert result["name"] == "หนังสือรับรอง.pdf"
    # Every link in the copy opens for its owner.
    for q in data["requests"]:
        for f in q["files"]:
            assert citizen.get(f["download"]).status_code == 200, f
    assert data["sign_ins"] and data["activity"]
    assert other.national_id not in r.get_data(as_text=True)
    assert AuditLog.select().where((AuditLog.action == "personal_data_exported")
                                   & (AuditLog.actor == me)).exists()
    assert app.test_client().get("/account/data.json").status_code == 302  # to the login


def test_deletion_waits_for_open_requests_and_refuses_staff(app, office):
    citizen, me = office["citizen"], office["people"]["citizen"]
    page = citizen.get("/account/delete").get_data(as_text=True)
    assert "ยังดำเนินการอยู่" in page or "กำลังดำเนินการ" in page
    some = Request.select().where(Request.requester == me).first()
    assert some.reference in page
    r = citizen.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert r.status_code == 200
    assert User.get_by_id(me.id).deleted_at is None
    assert User.get_by_id(me.id).national_id == me.national_id

    clerk = office["clerk"]
    page = clerk.get("/account/delete").get_data(as_text=True)
    assert "ผู้ดูแลหน่วยงาน" in page
    clerk.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert User.get_by_id(office["people"]["staff"].id).deleted_at is None


def _every_row_text(app) -> str:
    """Every column of every table, core and plugin, as one text."""
    from portal.plugins.manager import all_models

    rows = []
    with app.app_context():
        models = all_models()
    for model in models:
        for row in model.select().dicts():
            for table, column in OFFICE_COLUMNS:
                if model._meta.table_name == table:
                    row.pop(column)
            rows.append(json.dumps(row, default=str, ensure_ascii=False))
    return "\n".join(rows)


def test_deleting_an_account_erases_the_person_and_keeps_the_statistics(app, office):
    clerk, citizen = office["clerk"], office["citizen"]
    me = User.get_by_id(office["people"]["citizen"].id)
    _close_all(clerk, result=True)
    first = Request.select().where(Request.requester == me).order_by(Request.id).first()
    r = citizen.post(f"/requests/{first.reference}/survey", data={
        "speed": 5, "courtesy": 4, "clarity": 5, "overall": 5,
        "comment": "คุณสุดาบริการดีมาก โทร 0812345678"})
    sysadmin = office["people"]["system_admin"]
    survey_before = SurveyResponse.select().count()
    counts_before = status_counts(sysadmin)
    events_before = StatusEvent.select().count()
    stored = [Path(app.config["UPLOAD_DIR"]) / a.stored_name[:2] / a.stored_name
              for a in Attachment.select().join(Request).where(Request.requester == me)]
    assert stored and all(p.exists() for p in stored)
    secrets_of_me = [me.national_id, me.first_name + " " + me.last_name, me.phone, me.email,
                     ELDER_ID, FREE_TEXT, "คุณสมชาย", "บริการดีมาก"]
    for text in secrets_of_me:
        assert text in _every_row_text(app) or text == ELDER_ID, text

    wrong = citizen.post("/account/delete", data={"password": "not-mine", "understood": "y"})
    assert "รหัสผ่านไม่ถูกต้อง" in wrong.get_data(as_text=True)
    unticked = citizen.post("/account/delete", data={"password": PASSWORD})
    assert "ทำเครื่องหมาย" in unticked.get_data(as_text=True)
    assert User.get_by_id(me.id).deleted_at is None

    r = citizen.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert r.status_code == 302
    gone = User.get_by_id(me.id)
    assert gone.deleted_at is not None and not gone.active
    everything = _every_row_text(app)
    for text in secrets_of_me:
        if text == ELDER_ID:  # also the demo clerk's own number: check the registration
            from plugins.tambon.models import ElderlyRegistration

            assert not ElderlyRegistration.select().where(
                ElderlyRegistration.national_id == ELDER_ID).exists()
            continue
        assert text not in everything, [line for line in everything.splitlines()
                                         if text in line]
    assert not any(p.exists() for p in stored)
    # Staff figures are what they were.
    assert status_counts(sysadmin) == counts_before
    assert StatusEvent.select().count() == events_before
    assert SurveyResponse.select().count() == survey_before
    assert Request.select().where(Request.requester == me).count() == len(office["services"])
    # Staff still open and print every anonymised request.
    for req in list(Request.select().where(Request.requester == me)):
        assert clerk.get(f"/admin/requests/process/{req.id}").status_code == 200
        pdf = clerk.get(f"/requests/{req.reference}/print")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), req.service_code
    # The old cookie and the old password both stopped working.
    assert citizen.get("/requests").status_code == 302
    assert login(app.test_client(), me).status_code == 200
    assert AuditLog.select().where(AuditLog.action == "account_deleted").count() == 1


def test_a_failing_plugin_leaves_the_account_untouched(app, office, monkeypatch):
    _close_all(office["clerk"])
    me = User.get_by_id(office["people"]["citizen"].id)
    from plugins import tambon

    def broken(request: Any) -> None:
        raise RuntimeError("disk full")

    from portal import hookimpl

    monkeypatch.setattr(tambon, "forget_request", hookimpl(broken))
    pm = app.extensions["portal"].pm
    pm.unregister(tambon)
    pm.register(tambon, "tambon")
    files_before = sorted(p.name for p in Path(app.config["UPLOAD_DIR"]).rglob("*.*"))
    with app.test_request_context(), pytest.raises(RuntimeError):
        privacy.anonymise(me)
    again = User.get_by_id(me.id)
    assert (again.national_id, again.first_name, again.deleted_at) == (
        me.national_id, me.first_name, None)
    assert Request.select().where((Request.requester == me)
                                  & (Request.applicant_name == privacy.DELETED_NAME)).count() == 0
    assert sorted(p.name for p in Path(app.config["UPLOAD_DIR"]).rglob("*.*")) == files_before


def test_files_of_closed_requests_go_after_the_agencys_retention_period(app, office):
    clerk, citizen = office["clerk"], office["citizen"]
    _close_all(clerk, result=True)
    agency = Agency.get(Agency.code == "demo")
    admin = app.test_client()
    assert login(admin, office["people"]["agency_admin"]).status_code == 302
    form = admin.get(f"/admin/agencies/edit/?id={agency.id}").get_data(as_text=True)
    assert "attachment_retention_days" in form
    bad = admin.post(f"/admin/agencies/edit/?id={agency.id}",
                     data=_agency_form(agency, attachment_retention_days="-5"))
    assert Agency.get_by_id(agency.id).attachment_retention_days is None
    assert bad.status_code == 200
    r = admin.post(f"/admin/agencies/edit/?id={agency.id}",
                   data=_agency_form(agency, attachment_retention_days="30"))
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    assert Agency.get_by_id(agency.id).attachment_retention_days == 30

    mine = list(Request.select().where(Request.agency == agency).order_by(Request.id))
    old, recent, still_open = mine[0], mine[1], mine[2]
    now = utcnow()
    Request.update(status_changed_at=now - dt.timedelta(days=31)).where(
        Request.id == old.id).execute()
    Request.update(status_changed_at=now - dt.timedelta(days=29)).where(
        Request.id == recent.id).execute()
    Request.update(status=Status.IN_PROGRESS, status_changed_at=now - dt.timedelta(days=90)
                   ).where(Request.id == still_open.id).execute()
    upload_dir = Path(app.config["UPLOAD_DIR"])

    def on_disk(req: Request) -> dict[bool, list[bool]]:
        found: dict[bool, list[bool]] = {True: [], False: []}
        for a in Attachment.select().where(Attachment.request == req):
            found[a.is_result].append((upload_dir / a.stored_name[:2] / a.stored_name).exists())
        return found

    assert all(on_disk(old)[False]) and on_disk(old)[True] == [True]
    with app.test_request_context():
        assert privacy.purge_closed_files() == len(on_disk(old)[False])
    assert on_disk(old) == {False: [False] * len(on_disk(old)[False]), True: [True]}
    assert all(on_disk(recent)[False]) and all(on_disk(still_open)[False])
    # The tambon keeps files: it set no period.
    tambon_files = Attachment.select().join(Request).join(Agency).where(
        Agency.code == "demo-tambon")
    assert all((upload_dir / a.stored_name[:2] / a.stored_name).exists() for a in tambon_files)

    purged = Attachment.get((Attachment.request == old) & ~Attachment.is_result)
    assert purged.purged_at is not None
    gone = citizen.get(f"/files/{purged.id}")
    assert gone.status_code == 410
    assert "ระยะเวลาการเก็บรักษา" in gone.get_data(as_text=True)
    result = Attachment.get((Attachment.request == old) & Attachment.is_result)
    assert citizen.get(f"/files/{result.id}").status_code == 200
    page = citizen.get(f"/requests/{old.reference}").get_data(as_text=True)
    assert purged.original_name in page and "ลบแล้ว" in page
    # A stranger still learns nothing: 404, not 410.
    stranger = app.test_client()
    assert login(stranger, make_staff(Agency.get(Agency.code == "demo-tambon"),
                                      services=("petition",))).status_code == 302
    assert stranger.get(f"/files/{purged.id}").status_code == 404
    assert AuditLog.select().where(AuditLog.action == "files_purged").count() == 1
    assert AuditLog.get(AuditLog.action == "files_purged").detail.endswith("+07:00")
    with app.test_request_context():
        assert privacy.purge_closed_files() == 0  # nothing twice


def _agency_form(agency: Agency, **changes: str) -> dict[str, str]:
    data = {"code": agency.code, "level": agency.level, "parent": agency.parent_id or "",
            "name_th": agency.name_th, "name_en": agency.name_en,
            "full_name": agency.full_name, "address": agency.address,
            "address_en": agency.address_en, "website": agency.website, "phone": agency.phone,
            "email": agency.email, "email_dga": agency.email_dga,
            "email_complaint": agency.email_complaint, "attachment_retention_days": ""}
    data.update(changes)
    return data
