"""A person clicks through: register, log in, request a certificate with a
PDF, staff complete it with a result file, the requester downloads it."""

from __future__ import annotations

import pytest

from portal.models import Request

from ..conftest import make_agency, make_staff
from ..helpers.files import make_pdf

pytestmark = pytest.mark.browser


def test_certificate_from_registration_to_download(live_server, browser, shot, tmp_path):
    url = live_server["url"]
    staff = make_staff(make_agency("demo"))
    evidence = tmp_path / "สำเนาบัตร.pdf"
    evidence.write_bytes(make_pdf())
    result_file = tmp_path / "หนังสือรับรองเงินเดือน.pdf"
    result_file.write_bytes(make_pdf("result"))

    citizen = browser.new_page(viewport={"width": 360, "height": 800}, accept_downloads=True)
    citizen.goto(url + "/")
    citizen.get_by_role("button", name="รับทราบ").click()  # cookie notice
    citizen.get_by_role("link", name="ลงทะเบียน").first.click()
    citizen.fill("#national_id", "1101700123456")
    citizen.select_option("#title", "นาง")
    citizen.fill("#first_name", "สมศรี")
    citizen.fill("#last_name", "มีสุข")
    citizen.fill("#phone", "0891234567")
    citizen.fill("#password", "pass-word-1")
    citizen.fill("#password_again", "pass-word-1")
    citizen.check("#pdpa")
    shot(citizen, "register")
    citizen.get_by_role("button", name="ลงทะเบียน").click()
    citizen.wait_for_url("**/requests")

    citizen.goto(url + "/requests/new/demo/certificate")
    citizen.check("input[name=official_type][value=teacher]")
    citizen.fill("#work_unit", "โรงเรียนบ้านหนองน้ำใส")
    citizen.fill("#position", "ครู")
    citizen.fill("#salary", "35000")
    citizen.fill("#purpose", "รับรองเงินเดือน")
    citizen.fill("#intended_use", "กู้เงินธนาคาร")
    citizen.set_input_files("#file_id_card", str(evidence))
    citizen.set_input_files("#file_salary_slip", str(evidence))
    shot(citizen, "form")
    citizen.get_by_role("button", name="ดำเนินการต่อ").click()
    citizen.wait_for_url("**/check/**")
    shot(citizen, "check")
    citizen.get_by_role("button", name="ยืนยันและส่งคำร้อง").click()
    citizen.wait_for_url("**/requests/sent/**")
    shot(citizen, "submitted")
    reference = Request.get().reference
    assert reference in citizen.content()

    clerk = browser.new_page(viewport={"width": 1280, "height": 900})
    clerk.goto(url + "/login")
    clerk.fill("#national_id", staff.national_id)
    clerk.fill("#password", "correct-horse-9")
    clerk.get_by_role("button", name="เข้าสู่ระบบ").click()
    clerk.wait_for_url("**/admin/")  # the robot check's proof of work, then the login
    clerk.goto(url + "/admin/requests/")
    shot(clerk, "staff-list")
    clerk.locator(f"tr:has-text('{reference}') a[title='ดำเนินการ']").first.click()
    clerk.select_option("#status", "completed")
    clerk.fill("#message", "ออกหนังสือรับรองแล้ว")
    clerk.set_input_files("#result", str(result_file))
    shot(clerk, "process")
    clerk.get_by_role("button", name="บันทึก").click()
    clerk.wait_for_selector("text=บันทึกเรียบร้อย")
    assert Request.get().status == "completed"

    citizen.goto(url + f"/requests/{reference}")
    shot(citizen, "completed")
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="ดาวน์โหลดไฟล์จากเจ้าหน้าที่").click()
    saved = tmp_path / "got.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "หนังสือรับรองเงินเดือน.pdf"
    got = saved.read_bytes()
    assert got.startswith(b"%PDF") and got != result_file.read_bytes()  # stamped with its code
    from portal.files.verify import check
    from portal.models import IssuedDocument

    code = IssuedDocument.get(IssuedDocument.title.startswith("result:")).code
    with live_server["app"].app_context():
        assert check(code, got)
