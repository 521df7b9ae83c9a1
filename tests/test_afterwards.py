"""After sending (issue 22, items 7-10): cancelling asks first, the next
step stands at the top of the request page, a switched-off service says so
with whom to call, the catalogue is grouped and searchable, and the status
check shows a heading, the dated history and the office's contact."""

from __future__ import annotations

import io
import re

import pytest

from portal.models import AgencyService, AuditLog, Request
from portal.requests.catalogue import set_enabled

from .conftest import login, make_agency
from .helpers.certificate import new_certificate
from .helpers.files import make_pdf

pytestmark = pytest.mark.once


def _staff_sets(app, staff, req, status, message="", result=None):
    client = app.test_client()
    login(client, staff)
    data = {"status": status, "message": message, "version": Request.get_by_id(req.id).version}
    if result:
        data["result"] = (io.BytesIO(result), "ผลการดำเนินการ.pdf")
    r = client.post(f"/admin/requests/process/{req.id}", data=data,
                    content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    return r


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ------------------------------------------------- 7. cancel asks first ---

def test_cancel_in_the_list_and_on_the_page_leads_to_a_confirmation(app, world, bangkok_night):
    client, req = new_certificate(app, world["citizen"])
    confirm_url = f"/requests/{req.reference}/cancel"
    for page in (client.get("/requests"), client.get(f"/requests/{req.reference}")):
        html = page.get_data(as_text=True)
        # A link to the question, no form that cancels at one tap.
        assert f'href="{confirm_url}"' in html
        assert f'action="{confirm_url}"' not in html

    page = client.get(confirm_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = _text(html)
    assert "ต้องการยกเลิกคำร้องนี้หรือไม่" in text
    assert req.reference in text and "หนังสือรับรอง" in text
    assert "ยืนยันการยกเลิก" in text
    assert re.search(rf'<a href="/requests/{req.reference}">\s*ไม่ยกเลิก', html)
    assert f'action="{confirm_url}"' in html
    assert Request.get_by_id(req.id).status == "submitted"  # looking changes nothing

    r = client.post(confirm_url, data={"version": req.version})
    assert r.status_code == 302
    assert Request.get_by_id(req.id).status == "cancelled"
    assert AuditLog.select().where(AuditLog.target == f"request:{req.reference}").exists()
    # Cancelled: no confirmation page any more, and no cancel link.
    r = client.get(confirm_url, follow_redirects=True)
    assert "ยกเลิกไม่ได้แล้ว" in r.get_data(as_text=True)
    assert f'href="{confirm_url}"' not in client.get(f"/requests/{req.reference}").get_data(
        as_text=True)


def test_only_the_requester_sees_the_cancel_confirmation(app, world):
    _client, req = new_certificate(app, world["citizen"])
    other = app.test_client()
    login(other, world["other_citizen"])
    assert other.get(f"/requests/{req.reference}/cancel").status_code == 404
    staff = app.test_client()
    login(staff, world["staff"])
    assert staff.get(f"/requests/{req.reference}/cancel").status_code == 404
    guest = app.test_client()
    assert guest.get(f"/requests/{req.reference}/cancel").status_code == 302  # to log in


def test_a_cancelled_request_shows_no_expected_date(app, world, bangkok_night):
    client, req = new_certificate(app, world["citizen"])
    assert Request.get_by_id(req.id).due_date is not None
    status_form = {"reference": req.reference, "phone_last4": "5678"}
    assert "คาดว่าจะแล้วเสร็จ" in client.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "คาดว่าจะแล้วเสร็จ" in app.test_client().post("/status", data=status_form).get_data(
        as_text=True)
    client.post(f"/requests/{req.reference}/cancel", data={"version": req.version})
    assert "คาดว่าจะแล้วเสร็จ" not in client.get(f"/requests/{req.reference}").get_data(
        as_text=True)
    assert "คาดว่าจะแล้วเสร็จ" not in app.test_client().post(
        "/status", data=status_form).get_data(as_text=True)


# ---------------------------------------------- 8. the next step on top ---

def test_a_returned_request_has_its_edit_button_in_the_notice_at_the_top(app, world):
    client, req = new_certificate(app, world["citizen"])
    _staff_sets(app, world["staff"], req, "returned", "กรุณาแนบสลิปเดือนล่าสุด")
    html = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    notice = re.search(r'<section class="alert[^"]*next-step".*?</section>', html, re.S)
    assert notice, html[:3000]
    assert "กรุณาแนบสลิปเดือนล่าสุด" in notice.group(0)
    assert f'href="/requests/{req.reference}/edit"' in notice.group(0)
    assert html.count(f'href="/requests/{req.reference}/edit"') == 1
    # Above the request's details, the first thing under the heading.
    assert html.index(notice.group(0)) < html.index('class="pairs"')


def test_a_completed_request_has_its_result_and_survey_in_the_notice(app, world):
    client, req = new_certificate(app, world["citizen"])
    _staff_sets(app, world["staff"], req, "completed", "ออกหนังสือแล้ว", result=make_pdf("r"))
    html = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    notice = re.search(r'<section class="alert[^"]*next-step".*?</section>', html, re.S)
    assert notice, html[:3000]
    top = notice.group(0)
    assert "ดาวน์โหลดไฟล์จากเจ้าหน้าที่" in top and "ผลการดำเนินการ.pdf" in top
    assert f"/requests/{req.reference}/survey" in top or "survey" in top
    assert html.index(top) < html.index('class="pairs"')
    # Once, not twice: the list of files from staff further down is gone.
    assert html.count("ผลการดำเนินการ.pdf") == 1


# ----------------------------------- 9. a poster outlives its service ---

def _switched_off(app, world, phone="045-789477"):
    AgencyService.update(officer_name="นางสาวสุดา ทำงานดี", officer_phone="0891112222",
                         division="กลุ่มบริหารงานบุคคล").where(
        (AgencyService.agency == world["agency"]) &
        (AgencyService.service_code == "certificate")).execute()
    world["agency"].phone = phone
    world["agency"].save()
    set_enabled(world["agency"], "certificate", False)


@pytest.mark.parametrize("path", ["/s/alpha/certificate", "/requests/new/alpha/certificate",
                                  "/services/alpha/certificate"])
def test_a_switched_off_service_says_it_is_closed_and_whom_to_call(app, world, path):
    _switched_off(app, world)
    for client in (app.test_client(), _citizen(app, world)):
        r = client.get(path)
        # 404: the form is not there (crawlers and link checkers drop it);
        # the page says why and whom to call.
        assert r.status_code == 404
        text = _text(r.get_data(as_text=True))
        assert "บริการนี้ปิดรับทางออนไลน์ชั่วคราว" in text
        assert "หนังสือรับรอง" in text
        assert "0891112222" in text and "นางสาวสุดา ทำงานดี" in text
        assert 'href="/agencies/alpha"' in r.get_data(as_text=True)
        assert "ไม่พบหน้า" not in text


def _citizen(app, world):
    client = app.test_client()
    login(client, world["citizen"])
    return client


def test_a_closed_service_without_an_officer_gives_the_office_phone(app, world):
    set_enabled(world["agency"], "certificate", False)
    world["agency"].phone = "045-789477"
    world["agency"].save()
    text = _text(app.test_client().get("/s/alpha/certificate").get_data(as_text=True))
    assert "บริการนี้ปิดรับทางออนไลน์ชั่วคราว" in text and "045-789477" in text


def test_a_service_never_set_up_here_is_just_not_found(app, world):
    r = app.test_client().get("/s/alpha/street_light")
    assert r.status_code == 404
    assert "ปิดรับทางออนไลน์" not in r.get_data(as_text=True)
    assert app.test_client().get("/s/nowhere/certificate").status_code == 404


def test_switching_a_service_off_asks_first(app, world):
    admin = app.test_client()
    login(admin, world["admin"])
    listing = admin.get("/admin/services/").get_data(as_text=True)
    assert "/admin/services/toggle" in listing
    r = admin.post("/admin/services/toggle", data={
        "agency": world["agency"].id, "service": "certificate", "enabled": "0"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "ต้องการปิดบริการนี้หรือไม่" in html and "ยืนยันปิดบริการ" in html
    assert 'name="confirm" value="1"' in html
    assert 'href="/admin/services/#svc-' in html  # the way back
    assert app.test_client().get("/s/alpha/certificate").status_code == 302  # still on
    assert not AuditLog.select().where(AuditLog.action == "service_disabled").exists()

    r = admin.post("/admin/services/toggle", data={
        "agency": world["agency"].id, "service": "certificate", "enabled": "0", "confirm": "1"})
    assert r.status_code == 302
    assert AuditLog.select().where(AuditLog.action == "service_disabled").exists()
    assert app.test_client().get("/s/alpha/certificate").status_code == 404
    # Switching on needs no question.
    admin.post("/admin/services/toggle", data={
        "agency": world["agency"].id, "service": "certificate", "enabled": "1"})
    assert app.test_client().get("/s/alpha/certificate").status_code == 302


# ------------------------------------------------ 10. the home page ---

@pytest.fixture
def offices(app):
    make_agency("edu", services=("certificate", "staff_card"),
                name_th="สำนักงานเขตพื้นที่การศึกษาทดสอบ")
    make_agency("tambon", services=("street_light", "petition"),
                name_th="องค์การบริหารส่วนตำบลทดสอบ")


def _groups(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(
        r'<details class="office-group[^"]*" id="office-([^"]+)".*?</details>', html, re.S)}


def test_home_groups_services_by_office_with_status_check_and_sign_in_first(app, offices):
    html = app.test_client().get("/").get_data(as_text=True)
    groups = _groups(html)
    assert set(groups) == {"edu", "tambon"}
    assert "/requests/new/edu/certificate" in groups["edu"]
    assert "/requests/new/tambon/street_light" in groups["tambon"]
    assert "/requests/new/edu" not in groups["tambon"]
    assert "2 บริการ" in groups["edu"]
    first_group = html.index('<details class="office-group')
    for link in ('href="/status"', 'href="/login"', 'href="/register"', 'name="q"'):
        assert html.index(link, html.index("<main")) < first_group


@pytest.mark.parametrize(("q", "found", "not_found"), [
    ("ไฟฟ้า", ["/requests/new/tambon/street_light"],
     ["/requests/new/tambon/petition", "/requests/new/edu/"]),
    ("ตำบล", ["/requests/new/tambon/street_light", "/requests/new/tambon/petition"],
     ["/requests/new/edu/"]),
    ("รับรอง", ["/requests/new/edu/certificate"], ["/requests/new/tambon/", "staff_card"]),
])
def test_home_search_filters_titles_and_office_names_without_script(app, offices, q, found,
                                                                      not_found):
    html = app.test_client().get("/", query_string={"q": q}).get_data(as_text=True)
    for link in found:
        assert link in html
    for link in not_found:
        assert link not in html
    assert f'value="{q}"' in html  # the words stay in the box
    assert all(" open" in g.split(">", 1)[0] for g in _groups(html).values())


def test_home_search_with_no_match_says_so(app, offices):
    html = app.test_client().get("/", query_string={"q": "ไม่มีบริการนี้"}).get_data(
        as_text=True)
    assert "ไม่พบบริการที่ตรงกับคำค้น" in html
    assert not _groups(html)


# ---------------------------------------------- 10. the status check ---

def test_status_check_result_has_a_heading_history_and_the_office(app, world, bangkok_night):
    world["agency"].phone = "045-789477"
    world["agency"].save()
    AgencyService.update(officer_name="นางสาวสุดา ทำงานดี", officer_phone="0891112222").where(
        AgencyService.agency == world["agency"]).execute()
    _client, req = new_certificate(app, world["citizen"])
    _staff_sets(app, world["staff"], req, "in_progress", "ข้อความภายใน")
    html = app.test_client().post("/status", data={
        "reference": req.reference, "phone_last4": "5678"}).get_data(as_text=True)
    assert re.search(rf"<h2[^>]*>\s*สถานะคำร้อง {req.reference}", html)
    history = re.search(r'<ol class="history" id="public-history">.*?</ol>', html, re.S)
    assert history, html
    lines = re.findall(r"<li>", history.group(0))
    assert len(lines) == 2
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" in history.group(0)
    assert "เจ้าหน้าที่กำลังดำเนินการ" in history.group(0)
    assert "2 ธ.ค. 2569" in history.group(0)  # Bangkok's day, Buddhist era
    # Nobody's name, no staff remark for a request of an account.
    assert "ข้อความภายใน" not in html and world["staff"].first_name not in html
    office = re.search(r'<div id="request-office">.*?</div>', html, re.S).group(0)
    assert "หน่วยงาน alpha" in office
    assert "0891112222" in office and "045-789477" in office


def test_a_suspended_office_offers_nothing(app, world):
    """A suspended agency's forms are gone, like its own page: no form, no
    "closed for now" page naming its officer."""
    world["agency"].suspended = True
    world["agency"].save()
    for path in ("/requests/new/alpha/certificate", "/s/alpha/certificate",
                 "/services/alpha/certificate"):
        r = _citizen(app, world).get(path)
        assert r.status_code == 404, path
        assert "ปิดรับทางออนไลน์" not in r.get_data(as_text=True)
