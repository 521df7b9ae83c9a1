"""Electronic Government Act report: history and publish switches, scope to
subordinates, rights by structure, PDF and URL rules, CSV, tokens, the
public page and the draft announcement."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from plugins.egov.models import EgovFile, EgovLink, Obstacle, ObstacleKind, OnboardingToken
from portal.models import Agency, Membership

from ...conftest import login, make_agency, make_agency_admin, make_staff, make_user
from ...helpers.files import make_pdf, make_png
from ...helpers.pdf import archival_problems, title
from ...test_printing import pdf_text


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


@pytest.fixture
def tree(app) -> dict[str, Any]:
    ministry = make_agency("moe", services=(), name_th="กระทรวงศึกษาธิการ", level="ministry")
    department = make_agency("obec", services=(), name_th="สพฐ.", level="department",
                             parent=ministry)
    area = make_agency("area1", services=("certificate",), name_th="สพป.ทดสอบ เขต 1",
                       parent=department, email="saraban@area1.go.th",
                       email_complaint="complaint@area1.go.th", phone="045-789477")
    school = make_agency("school1", services=(), name_th="โรงเรียนบ้านหนองน้ำใส",
                         level="service_point", parent=area)
    sibling = make_agency("area2", services=(), name_th="สพป.ทดสอบ เขต 2", parent=department)
    return {"ministry": ministry, "department": department, "area": area, "school": school,
            "sibling": sibling, "area_admin": make_agency_admin(area),
            "dept_admin": make_agency_admin(department),
            "sibling_admin": make_agency_admin(sibling)}


def upload(client, agency, section="s10", dated="01/11/2566", scope="own", data=None,
           name="ประกาศ.pdf"):
    """Send one section's upload as the page's form does: the date in its
    day, month and B.E. year boxes (``dated`` is "day/month/year")."""
    day, month, year = (dated.split("/") + ["", "", ""])[:3]
    return client.post(f"/admin/egov_report/report/{agency.id}/upload/{section}", data={
        "file": (io.BytesIO(data if data is not None else make_pdf()), name),
        f"dated_{section}-day": day, f"dated_{section}-month": month.lstrip("0"),
        f"dated_{section}-year": year, "scope": scope},
        content_type="multipart/form-data", follow_redirects=True)


def public(app, agency) -> str:
    return app.test_client().get(f"/egov/{agency.code}").get_data(as_text=True)


def test_history_and_publish_switches(app, tree):
    admin = client_for(app, tree["area_admin"])
    upload(admin, tree["area"], name="ฉบับแรก.pdf", dated="01/11/2566")
    upload(admin, tree["area"], name="ฉบับแก้ไข.pdf", dated="15/11/2566")
    first, second = EgovFile.select().order_by(EgovFile.id)
    assert first.published and second.published  # a new upload does not unpublish the old
    assert first.dated == dt.date(2023, 11, 1)
    page = public(app, tree["area"])
    assert "ฉบับแรก.pdf" in page and "ฉบับแก้ไข.pdf" in page
    admin.post(f"/admin/egov_report/report/{tree['area'].id}/toggle/file/{first.id}")
    page = public(app, tree["area"])
    assert "ฉบับแรก.pdf" not in page and "ฉบับแก้ไข.pdf" in page
    assert app.test_client().get(f"/egov/files/{first.id}").status_code == 404
    assert app.test_client().get(f"/egov/files/{second.id}").data.startswith(b"%PDF")
    admin.post(f"/admin/egov_report/report/{tree['area'].id}/toggle/file/{second.id}")
    assert "ยังไม่มีประกาศที่เผยแพร่" in public(app, tree["area"])
    report = admin.get(f"/admin/egov_report/report/{tree['area'].id}").get_data(as_text=True)
    assert report.count("ระงับ</span>") == 2  # both still in the history


def test_announcement_for_subordinates_is_inherited(app, tree):
    dept = client_for(app, tree["dept_admin"])
    upload(dept, tree["department"], name="ประกาศกรม.pdf", scope="subordinates")
    upload(dept, tree["department"], name="เฉพาะกรม.pdf", scope="own")
    school_page = public(app, tree["school"])
    assert "ประกาศกรม.pdf" in school_page and "เฉพาะกรม.pdf" not in school_page
    assert "ประกาศจากหน่วยงานต้นสังกัด" in school_page
    own = client_for(app, tree["area_admin"])
    upload(own, tree["area"], name="ของเขต.pdf")
    area_page = public(app, tree["area"])
    assert "ประกาศกรม.pdf" in area_page and "ของเขต.pdf" in area_page  # both
    inherited = EgovFile.get(EgovFile.original_name == "ประกาศกรม.pdf")
    dept.post(f"/admin/egov_report/report/{tree['department'].id}/toggle/file/{inherited.id}")
    assert "ประกาศกรม.pdf" not in public(app, tree["school"])


def test_rights_follow_the_structure(app, tree):
    sibling = client_for(app, tree["sibling_admin"])
    assert sibling.get(f"/admin/egov_report/report/{tree['area'].id}").status_code == 404
    upload(sibling, tree["area"])
    assert EgovFile.select().count() == 0
    dept = client_for(app, tree["dept_admin"])
    assert dept.get(f"/admin/egov_report/report/{tree['school'].id}").status_code == 200
    upload(dept, tree["school"], name="ของโรงเรียน.pdf")
    assert EgovFile.get().agency_id == tree["school"].id
    listing = dept.get("/admin/egov_report/").get_data(as_text=True)
    for name in ("สพป.ทดสอบ เขต 1", "สพป.ทดสอบ เขต 2", "โรงเรียนบ้านหนองน้ำใส"):
        assert name in listing
    area_listing = client_for(app, tree["area_admin"]).get("/admin/egov_report/").get_data(
        as_text=True)
    assert "สพป.ทดสอบ เขต 2" not in area_listing and "โรงเรียนบ้านหนองน้ำใส" in area_listing
    staff = client_for(app, make_staff(tree["area"]))
    assert staff.get("/admin/egov_report/").status_code == 403


@pytest.mark.parametrize("data, name, message", [
    (make_png(), "scan.pdf", "รับเฉพาะไฟล์ pdf"),
    (b"%PDF-1.4" + b"0" * (5 * 1024 * 1024), "big.pdf", "เกิน 5 MB"),
    (b"", "empty.pdf", "กรุณาแนบไฟล์ PDF"),
])
def test_pdf_only_and_size(app, tree, data, name, message):
    admin = client_for(app, tree["area_admin"])
    r = upload(admin, tree["area"], data=data, name=name)
    assert message in r.get_data(as_text=True) or (not data and "ไฟล์" in r.get_data(
        as_text=True))
    assert EgovFile.select().count() == 0


def test_date_is_required(app, tree):
    r = upload(client_for(app, tree["area_admin"]), tree["area"], dated="")
    assert "กรอกวันที่ เลือกเดือน และกรอกปี พ.ศ." in r.get_data(as_text=True)
    assert EgovFile.select().count() == 0


def test_each_upload_date_is_the_three_box_date_input(app, tree):
    """Issue 22 §5: the date of an announcement is typed as every other
    date is (day, Thai month, B.E. year), not into a text box whose
    placeholder shows an example."""
    admin = client_for(app, tree["area_admin"])
    page = admin.get(f"/admin/egov_report/report/{tree['area'].id}").get_data(as_text=True)
    for section in ("s10", "s13_1", "s16"):
        for part in ("day", "month", "year"):
            assert f'name="dated_{section}-{part}"' in page
    assert 'placeholder="25/06/2567"' not in page
    r = upload(admin, tree["area"], dated="29/2/2568")
    assert "กุมภาพันธ์ พ.ศ. 2568 มี 28 วัน" in r.get_data(as_text=True)
    upload(admin, tree["area"], dated="29/2/2567")
    assert EgovFile.get().dated == dt.date(2024, 2, 29)


@pytest.mark.parametrize("url, ok", [
    ("https://ratchakitcha.soc.go.th/documents/1.pdf", True),
    ("http://www.example.go.th/licence", True),
    ("javascript:alert(1)", False),
    ("http://localhost", False),
    ("ftp://example.go.th/x", False),
    ("www.example.go.th", False),
])
def test_urls_are_checked(app, tree, url, ok):
    admin = client_for(app, tree["area_admin"])
    admin.post(f"/admin/egov_report/report/{tree['area'].id}/link/channel",
               data={"name": "ใบอนุญาตประกอบกิจการ", "url": url})
    admin.post(f"/admin/egov_report/report/{tree['area'].id}/link/gazette", data={"url": url})
    assert EgovLink.select().count() == (2 if ok else 0)


def test_channel_needs_a_licence_name(app, tree):
    admin = client_for(app, tree["area_admin"])
    r = admin.post(f"/admin/egov_report/report/{tree['area'].id}/link/channel",
                   data={"name": "", "url": "https://example.go.th"}, follow_redirects=True)
    assert "กรุณากรอกชื่อใบอนุญาต" in r.get_data(as_text=True)


def test_licences_obstacles_and_csv(app, tree):
    admin = client_for(app, tree["area_admin"])
    admin.post(f"/admin/egov_report/report/{tree['area'].id}/licences",
               data={"has_licences": "yes", "gazette_state": "some"})
    upload(admin, tree["area"])
    upload(admin, tree["area"], section="s16", dated="01/01/2567")
    admin.post(f"/admin/egov_report/report/{tree['area'].id}/link/channel",
               data={"name": "ใบอนุญาตจัดตั้งโรงเรียน", "url": "https://example.go.th/a"})
    kinds = list(ObstacleKind.select().order_by(ObstacleKind.position))
    r = admin.post(f"/admin/egov_report/report/{tree['area'].id}/obstacles", data={
        "kind_1": kinds[3].id, "text_1": "งบประมาณไม่เพียงพอ", "kind_2": kinds[3].id},
        follow_redirects=True)
    assert "แต่ละลำดับต้องเป็นประเภทปัญหาที่ต่างกัน" in r.get_data(as_text=True)
    admin.post(f"/admin/egov_report/report/{tree['area'].id}/obstacles", data={
        "kind_1": kinds[3].id, "text_1": "งบประมาณไม่เพียงพอ", "kind_2": kinds[4].id,
        "text_2": "ขาดบุคลากรด้านไอที"})
    assert [(o.rank, o.kind_id) for o in Obstacle.select().order_by(Obstacle.rank)] == [
        (1, kinds[3].id), (2, kinds[4].id)]
    dept = client_for(app, tree["dept_admin"])
    rows = list(csv.reader(io.StringIO(dept.get("/admin/egov_report/export.csv").get_data()
                                       .decode("utf-8-sig"))))
    assert rows[0][:2] == ["รหัสหน่วยงาน", "หน่วยงาน"]
    area = next(r for r in rows if r[0] == "area1")
    assert area[2] == "สพฐ." and area[3] == "1" and area[4] == "1 พ.ย. 2566"
    assert area[6:12] == ["มี", "ประกาศแล้ว ยังไม่ครบถ้วนทุกใบอนุญาต", "0", "0", "1", "1"]
    assert area[12] == "1. งบประมาณ | 2. บุคลากร"
    school = next(r for r in rows if r[0] == "school1")
    assert school[3:6] == ["0", "", "0"] and school[13] == ""
    assert {r[0] for r in rows[1:]} == {"obec", "area1", "area2", "school1"}  # the subtree


def test_tokens_bind_once_and_expire(app, tree):
    dept = client_for(app, tree["dept_admin"])
    page = dept.post("/admin/egov_report/tokens", data={"agency": tree["school"].id})
    token = page.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    assert len(token) == 15
    assert token not in str(list(OnboardingToken.select().dicts()))  # only a hash is kept
    newcomer, other = make_user(), make_user()
    client = client_for(app, newcomer)
    assert "ยืนยันตัวตนเจ้าหน้าที่ด้วย Token" in client.get("/profile").get_data(as_text=True)
    r = client.post("/onboard", data={"token": token.lower()}, follow_redirects=True)
    assert "ท่านเป็นเจ้าหน้าที่ของ โรงเรียนบ้านหนองน้ำใส แล้ว" in r.get_data(as_text=True)
    membership = Membership.get(Membership.user == newcomer)
    assert (membership.agency_id, membership.role) == (tree["school"].id, "staff")
    again = client_for(app, other).post("/onboard", data={"token": token})
    assert "Token ไม่ถูกต้อง ถูกใช้ไปแล้ว หรือหมดอายุ" in again.get_data(as_text=True)
    assert not Membership.select().where(Membership.user == other).exists()
    page = dept.post("/admin/egov_report/tokens", data={"agency": tree["school"].id})
    stale = page.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    OnboardingToken.update(expires_at=dt.datetime(2020, 1, 1)).where(
        OnboardingToken.used_at.is_null()).execute()
    late = client_for(app, other).post("/onboard", data={"token": stale})
    assert "หมดอายุ" in late.get_data(as_text=True)
    assert not Membership.select().where(Membership.user == other).exists()
    sibling = client_for(app, tree["sibling_admin"])
    assert sibling.post("/admin/egov_report/tokens",
                        data={"agency": tree["school"].id}).status_code == 404


def test_draft_announcement_lists_what_the_portal_knows(app, tree):
    admin = client_for(app, tree["area_admin"])
    page = admin.get(f"/admin/egov_report/report/{tree['area'].id}/draft").get_data(
        as_text=True)
    for text in ("มาตรา 10", "สพป.ทดสอบ เขต 1", "หนังสือรับรอง",
                 "/services/area1/certificate", "saraban@area1.go.th",
                 "complaint@area1.go.th", "045-789477", "/status"):
        assert text in page, text
    edited = "ประกาศสพป.ทดสอบ เขต 1\nเรื่อง ช่องทางอิเล็กทรอนิกส์\nข้อความที่แก้ไขแล้ว ทดสอบ"
    pdf = admin.post(f"/admin/egov_report/report/{tree['area'].id}/draft",
                     data={"text": edited})
    assert pdf.mimetype == "application/pdf"
    assert "ข้อความที่แก้ไขแล้ว ทดสอบ" in pdf_text(pdf.data)
    assert archival_problems(pdf.data) == [] and title(pdf.data) == "ประกาศสพป.ทดสอบ เขต 1"


def test_suspended_agency_has_no_public_page(app, tree):
    Agency.update(suspended=True).where(Agency.id == tree["school"].id).execute()
    assert app.test_client().get(f"/egov/{tree['school'].code}").status_code == 404
    listing = client_for(app, tree["dept_admin"]).get("/admin/egov_report/").get_data(
        as_text=True)
    assert "โรงเรียนบ้านหนองน้ำใส" not in listing


def test_system_admin_keeps_the_kinds_of_obstacles(app, tree):
    system = client_for(app, make_user(is_system_admin=True))
    r = system.post("/admin/egov_obstacle_kinds/new/", data={"position": 9,
                                                             "name": "ความปลอดภัยไซเบอร์"})
    assert r.status_code == 302
    assert ObstacleKind.get_or_none(ObstacleKind.name == "ความปลอดภัยไซเบอร์") is not None
    assert client_for(app, tree["area_admin"]).get(
        "/admin/egov_obstacle_kinds/").status_code == 403
    page = client_for(app, tree["area_admin"]).get(
        f"/admin/egov_report/report/{tree['area'].id}").get_data(as_text=True)
    assert "ความปลอดภัยไซเบอร์" in page
