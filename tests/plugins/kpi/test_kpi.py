"""KPI evidence: who sees what, send → file → "รับแล้ว", withdraw, late,
copy from last year, overview counts and exports, download rights."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest

from plugins.kpi import rules
from plugins.kpi.models import Kpi, KpiDocument, KpiReporterRole, KpiRound
from portal.models import AuditLog

from ...conftest import login, make_agency, make_agency_admin, make_staff
from ...helpers.files import EXE_BYTES, make_pdf
from ...helpers.pdf import archival_problems, title
from ...test_printing import pdf_text

YEAR = 2569


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


@pytest.fixture
def office(app) -> dict[str, Any]:
    agency = make_agency("kpi-office", services=())
    people = {name: make_staff(agency, services=()) for name in
              ("reporter", "reporter2", "receiver", "general")}
    people["admin"] = make_agency_admin(agency)
    other = make_agency("elsewhere", services=())
    people["other_admin"] = make_agency_admin(other)
    admin = client_for(app, people["admin"])
    for name in ("reporter", "reporter2"):
        admin.post(f"/admin/kpi_admin/people?agency={agency.id}",
                   data={"user": people[name].id, "reporter": "1"})
    categories = {c.name: c for c in rules.ensure_categories(agency)}
    for code, reporter in (("1.1", "reporter"), ("1.2", "reporter"), ("2.1", "reporter2")):
        r = admin.post(f"/admin/kpi_admin/kpi?agency={agency.id}&year={YEAR}", data={
            "code": code, "name": f"ตัวชี้วัด {code}", "category": categories["KRS"].id,
            "reporters": [people[reporter].id], "receivers": [people["receiver"].id]})
        assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    return {"agency": agency, "admin_client": admin, **people,
            "kpis": {k.code: k for k in Kpi.select()}}


def send(client, agency, kpi, title="โครงการประชุมเชิงปฏิบัติการ", months=6, data=None):
    return client.post(f"/admin/kpi_submit/?agency={agency.id}&year={YEAR}&round={months}",
                       data={"kpi": kpi.id, "title": title,
                             "file": (io.BytesIO(data or make_pdf()), "หลักฐาน.pdf")},
                       content_type="multipart/form-data", follow_redirects=True)


def test_reporters_see_only_their_kpis_and_general_staff_none(app, office):
    page = client_for(app, office["reporter"]).get(
        f"/admin/kpi_submit/?agency={office['agency'].id}&year={YEAR}").get_data(as_text=True)
    assert "ตัวชี้วัด 1.1" in page and "ตัวชี้วัด 1.2" in page and "ตัวชี้วัด 2.1" not in page
    assert client_for(app, office["general"]).get("/admin/kpi_submit/").status_code == 403
    # Sending to a KPI of someone else is refused and saves nothing.
    r = send(client_for(app, office["reporter"]), office["agency"], office["kpis"]["2.1"])
    assert r.status_code == 404
    assert KpiDocument.select().count() == 0


def test_unmarking_a_reporter_stops_their_submissions(app, office):
    office["admin_client"].post(f"/admin/kpi_admin/people?agency={office['agency'].id}",
                                data={"user": office["reporter"].id, "reporter": "0"})
    assert not KpiReporterRole.select().where(
        KpiReporterRole.user == office["reporter"].id).exists()
    assert client_for(app, office["reporter"]).get("/admin/kpi_submit/").status_code == 403


def test_send_file_and_received_shows_to_the_reporter(app, office):
    reporter = client_for(app, office["reporter"])
    page = send(reporter, office["agency"], office["kpis"]["1.1"]).get_data(as_text=True)
    assert "ส่งเอกสารเรียบร้อย" in page and "โครงการประชุมเชิงปฏิบัติการ" in page
    document = KpiDocument.get()
    assert (document.round.months, document.sent_by_id, document.late) == (
        6, office["reporter"].id, False)
    receiver = client_for(app, office["receiver"])
    table = receiver.get(f"/admin/kpi_receive/?agency={office['agency'].id}&year={YEAR}"
                         "&round=6").get_data(as_text=True)
    assert 'data-code="1.1"' in table
    assert table.split('data-code="1.1"')[1].split("</tr>")[0].count(
        '<td class="waiting">1</td>') == 1
    detail = receiver.get(f"/admin/kpi_receive/kpi/{office['kpis']['1.1'].id}?round=6")
    assert "หลักฐาน.pdf" in detail.get_data(as_text=True)
    assert receiver.get(f"/kpi/documents/{document.id}").data.startswith(b"%PDF")
    receiver.post(f"/admin/kpi_receive/file/{document.id}")
    document = KpiDocument.get_by_id(document.id)
    assert document.received_by_id == office["receiver"].id and document.received_at
    mine = reporter.get(f"/admin/kpi_submit/?agency={office['agency'].id}&year={YEAR}"
                        "&round=6").get_data(as_text=True)
    assert "รับแล้ว" in mine
    # Another round is another list.
    round9 = reporter.get(f"/admin/kpi_submit/?agency={office['agency'].id}&year={YEAR}"
                          "&round=9").get_data(as_text=True)
    assert "หลักฐาน.pdf" not in round9


def test_withdraw_only_before_filing(app, office):
    reporter = client_for(app, office["reporter"])
    send(reporter, office["agency"], office["kpis"]["1.1"], title="ฉบับร่าง")
    send(reporter, office["agency"], office["kpis"]["1.1"], title="ฉบับจริง")
    draft, final = KpiDocument.select().order_by(KpiDocument.id)
    path = Path(app.config["UPLOAD_DIR"]) / draft.stored_name[:2] / draft.stored_name
    assert path.exists()
    r = reporter.post(f"/admin/kpi_submit/withdraw/{draft.id}", follow_redirects=True)
    assert "ถอนเอกสารเรียบร้อย" in r.get_data(as_text=True)
    assert KpiDocument.get_or_none(KpiDocument.id == draft.id) is None and not path.exists()
    client_for(app, office["receiver"]).post(f"/admin/kpi_receive/file/{final.id}")
    r = reporter.post(f"/admin/kpi_submit/withdraw/{final.id}", follow_redirects=True)
    assert "ไม่สามารถถอนได้" in r.get_data(as_text=True)
    assert KpiDocument.get_or_none(KpiDocument.id == final.id) is not None
    other = client_for(app, office["reporter2"])
    send(reporter, office["agency"], office["kpis"]["1.2"])
    mine = KpiDocument.select().order_by(KpiDocument.id.desc()).first()
    other.post(f"/admin/kpi_submit/withdraw/{mine.id}")
    assert KpiDocument.get_or_none(KpiDocument.id == mine.id) is not None


def _due(**dates: str) -> dict[str, str]:
    """Round due dates as the page's date inputs send them ("day/month/year")."""
    data = {}
    for name, typed in dates.items():
        day, month, year = (typed.split("/") + ["", "", ""])[:3]
        data |= {f"{name}-day": day, f"{name}-month": month.lstrip("0"), f"{name}-year": year}
    return data


def test_late_documents_are_marked(app, office):
    rounds = f"/admin/kpi_admin/rounds?agency={office['agency'].id}&year={YEAR}"
    page = office["admin_client"].get(f"/admin/kpi_admin/?agency={office['agency'].id}"
                                      f"&year={YEAR}").get_data(as_text=True)
    assert 'name="due_6-day"' in page and 'name="due_6-year"' in page  # three boxes
    office["admin_client"].post(rounds, data=_due(due_6="31/03/2569", due_9="",
                                                  due_12="30/09/2569"))
    due = KpiRound.get(KpiRound.months == 6).due_date
    assert due == dt.date(2026, 3, 31)
    send(client_for(app, office["reporter"]), office["agency"], office["kpis"]["1.1"])
    assert KpiDocument.get().late  # today is after 31 March 2026
    r = office["admin_client"].post(rounds, data=_due(due_6="31/4/2569", due_12="30/09/2569"),
                                    follow_redirects=True)
    assert "เมษายน พ.ศ. 2569 มี 30 วัน" in r.get_data(as_text=True)
    assert KpiRound.get(KpiRound.months == 6).due_date == due  # nothing saved
    # Shown again in the boxes, in the Buddhist era.
    page = office["admin_client"].get(f"/admin/kpi_admin/?agency={office['agency'].id}"
                                      f"&year={YEAR}").get_data(as_text=True)
    year_box = re.search(r'<input[^>]*name="due_6-year"[^>]*>', page).group(0)
    assert 'value="2569"' in year_box


def test_bad_files_and_missing_titles_are_refused(app, office):
    reporter = client_for(app, office["reporter"])
    r = send(reporter, office["agency"], office["kpis"]["1.1"], data=EXE_BYTES)
    assert "รับเฉพาะไฟล์" in r.get_data(as_text=True)
    r = send(reporter, office["agency"], office["kpis"]["1.1"], title="")
    assert "กรอกชื่อเรื่อง" in r.get_data(as_text=True)
    assert KpiDocument.select().count() == 0


def test_copy_from_last_year(app, office):
    kpi_year = rules.ensure_year(office["agency"], YEAR + 1)
    office["admin_client"].post(f"/admin/kpi_admin/kpi?agency={office['agency'].id}"
                                f"&year={YEAR + 1}", data={"code": "1.1", "name": "ปรับแล้ว",
                                                           "category": 1})
    r = office["admin_client"].post(
        f"/admin/kpi_admin/copy?agency={office['agency'].id}&year={YEAR + 1}",
        follow_redirects=True)
    assert "คัดลอกตัวชี้วัด 2 รายการ" in r.get_data(as_text=True)
    new = {k.code: k for k in Kpi.select().where(Kpi.year == kpi_year)}
    assert sorted(new) == ["1.1", "1.2", "2.1"]
    assert new["1.1"].name == "ปรับแล้ว"  # kept, not overwritten
    assert [u.id for u in rules.officers(new["2.1"], rules.REPORTER)] == [office["reporter2"].id]
    assert [u.id for u in rules.officers(new["2.1"], rules.RECEIVER)] == [office["receiver"].id]


def test_overview_counts_and_exports(app, office):
    reporter, reporter2 = client_for(app, office["reporter"]), client_for(app, office["reporter2"])
    send(reporter, office["agency"], office["kpis"]["1.1"])
    send(reporter2, office["agency"], office["kpis"]["2.1"])
    client_for(app, office["receiver"]).post(
        f"/admin/kpi_receive/file/{KpiDocument.get(KpiDocument.kpi == office['kpis']['2.1']).id}")
    admin = office["admin_client"]
    args = f"agency={office['agency'].id}&year={YEAR}&round=6"
    page = admin.get(f"/admin/kpi_overview/?{args}").get_data(as_text=True)
    for state, n in (("none", 1), ("waiting", 1), ("received", 1)):
        assert f'data-state="{state}">{n}<' in page
    assert 'data-code="1.2" data-state="none"' in page
    rows = list(csv.reader(io.StringIO(admin.get(f"/admin/kpi_overview/export.csv?{args}")
                                       .get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "ตัวชี้วัดที่"
    assert [(r[0], r[-1]) for r in rows[1:]] == [("1.1", "รอจัดเก็บ"), ("1.2", "ยังไม่มีเอกสาร"),
                                                 ("2.1", "รับครบแล้ว")]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(admin.get(f"/admin/kpi_overview/export.xlsx?{args}").data))
    sheet = book.active
    assert [c.value for c in sheet["A"]] == ["ตัวชี้วัดที่", "1.1", "1.2", "2.1"]
    printed = admin.get(f"/admin/kpi_overview/print?{args}").data
    assert archival_problems(printed) == [] and "ภาพรวมรายรอบ" in title(printed)
    text = pdf_text(printed)
    assert "ภาพรวมรายรอบ" in text and "รอบ 6 เดือน ปีงบประมาณ 2569" in text
    assert AuditLog.select().where(AuditLog.action == "export").count() == 2


def test_download_rights(app, office):
    send(client_for(app, office["reporter"]), office["agency"], office["kpis"]["1.1"])
    document = KpiDocument.get()
    url = f"/kpi/documents/{document.id}"
    for who, code in (("reporter", 200), ("receiver", 200), ("admin", 200),
                      ("reporter2", 404), ("general", 404), ("other_admin", 404)):
        assert client_for(app, office[who]).get(url).status_code == code, who
    assert app.test_client().get(url).status_code == 302
    assert AuditLog.select().where(AuditLog.action == "download").count() == 3


def test_only_the_kpi_admin_sets_up(app, office):
    for who in ("reporter", "receiver", "general"):
        assert client_for(app, office[who]).get("/admin/kpi_admin/").status_code == 403
    other = client_for(app, office["other_admin"])
    assert other.get(f"/admin/kpi_admin/?agency={office['agency'].id}").status_code in (
        200, 403)
    r = other.post(f"/admin/kpi_admin/people?agency={office['agency'].id}",
                   data={"user": office["general"].id, "reporter": "1"})
    assert not KpiReporterRole.select().where(
        KpiReporterRole.user == office["general"].id).exists()
    assert r.status_code in (302, 403, 404)
    receiver_page = client_for(app, office["general"]).get("/admin/kpi_receive/")
    assert receiver_page.status_code == 403


def test_demo_data_gives_the_demo_staff_kpis(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent
    from portal.models import Agency

    agency = Agency.get(Agency.code == "demo")
    kpis = list(Kpi.select().join(rules.KpiYear).where(rules.KpiYear.agency == agency))
    assert sorted(k.code for k in kpis) == ["1.1", "2.1"]
    assert KpiReporterRole.select().where(KpiReporterRole.agency == agency).count() == 1


def test_categories_are_named_as_seed_002_names_them(app):
    """"ARS กลยุทธ์ที่ n"; databases made before get the old defaults renamed
    (not where the agency already made a category of the new name)."""
    import importlib.util
    from pathlib import Path

    from plugins.kpi import rules
    from plugins.kpi.models import KpiCategory
    from portal.db import database

    from ...conftest import make_agency

    fresh = make_agency()
    assert [c.name for c in rules.ensure_categories(fresh)] == [
        "KRS", "ARS กลยุทธ์ที่ 1", "ARS กลยุทธ์ที่ 2", "ARS กลยุทธ์ที่ 3", "ARS กลยุทธ์ที่ 4"]
    old, both = make_agency(), make_agency()
    for agency in (old, both):
        KpiCategory.create(agency=agency, name="ARS ยุทธศาสตร์ที่ 2", position=2)
    KpiCategory.create(agency=both, name="ARS กลยุทธ์ที่ 2", position=3)
    path = Path(rules.__file__).parent / "migrations" / "002_kpi_strategy_names.py"
    spec = importlib.util.spec_from_file_location("kpi_002", path)
    step = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(step)
    step._rename(database, step.RENAMES)
    assert [c.name for c in KpiCategory.select().where(KpiCategory.agency == old)] == [
        "ARS กลยุทธ์ที่ 2"]
    assert sorted(c.name for c in KpiCategory.select().where(KpiCategory.agency == both)) == [
        "ARS กลยุทธ์ที่ 2", "ARS ยุทธศาสตร์ที่ 2"]
