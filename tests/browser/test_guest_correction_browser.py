"""A guest clicks through on a phone: sends a sub-district petition without an
account, staff return it with a message, the guest checks the status with
the reference and phone digits, reads the message, corrects the request and
sends it again, and staff see the correction (issue #21 item 3)."""

from __future__ import annotations

import re

import pytest

from portal.models import Request
from portal.ops.demo import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.browser

PHONE = "0898765432"
MESSAGE = "กรุณาระบุจุดสังเกตของหลุมให้ชัดเจน"
CORRECTED = "หลุมลึกหน้าบ้านเลขที่ 5 หมู่ 3 ตรงข้ามศาลาวัด"


def test_a_guest_reads_the_message_corrects_and_resends(live_server, browser, shot):
    url, app = live_server["url"], live_server["app"]
    with app.app_context():
        demo = load_demo(app)
    staff_id = next(nid for role, nid, _name in demo["users"] if role == "staff")

    guest = browser.new_page(viewport={"width": 360, "height": 800})
    guest.goto(url + "/requests/new/demo-tambon/petition")
    guest.get_by_role("button", name="รับทราบ").click()  # cookie notice
    guest.select_option("#title", "นาง")
    guest.fill("#first_name", "บุญมี")
    guest.fill("#last_name", "ใจงาม")
    guest.fill("#phone", PHONE)
    guest.fill("#subject", "ถนนหน้าบ้านเป็นหลุม")
    guest.fill("#details", "หลุมลึกหน้าบ้าน")
    shot(guest, "form")
    guest.get_by_role("button", name="ดำเนินการต่อ", exact=True).click()
    guest.wait_for_url("**/check/**")
    shot(guest, "check")
    guest.get_by_role("button", name="ยืนยันและส่งคำร้อง").click()
    guest.wait_for_url("**/requests/sent/**", timeout=60_000)  # after the robot check's proof
    reference = guest.locator("#reference").inner_text().strip()
    shot(guest, "sent")

    clerk = browser.new_page(viewport={"width": 1280, "height": 900})
    clerk.goto(url + "/login")
    clerk.get_by_role("button", name="รับทราบ").click()
    clerk.fill("#national_id", staff_id)
    clerk.fill("#password", DEMO_PASSWORD)
    clerk.get_by_role("button", name="เข้าสู่ระบบ").click()
    clerk.wait_for_url(lambda u: "/login" not in u, timeout=60_000)
    clerk.goto(f"{url}/admin/requests/?search={reference}")
    clerk.locator(f"tr:has-text('{reference}') a[title='ดำเนินการ']").first.click()
    process_url = clerk.url
    clerk.select_option("#status", "returned")
    clerk.fill("#message", MESSAGE)
    clerk.get_by_role("button", name="บันทึก", exact=True).click()
    clerk.wait_for_selector("text=บันทึกเรียบร้อย")

    # The receipt's link fills in the reference; the phone digits open the rest.
    guest.get_by_role("link", name="ตรวจสอบสถานะคำร้อง").last.click()
    guest.evaluate("() => document.fonts.ready.then(() => true)")
    assert guest.input_value("#reference") == reference
    guest.fill("#phone_last4", PHONE[-4:])
    guest.get_by_role("button", name=re.compile("^ตรวจสอบ$")).click()
    guest.wait_for_selector(f"#staff-message:has-text('{MESSAGE}')")
    assert "ประวัติการดำเนินการ" in guest.content()
    shot(guest, "status-returned")
    guest.get_by_role("link", name="แก้ไขคำร้องแล้วส่งอีกครั้ง").click()
    assert guest.input_value("#subject") == "ถนนหน้าบ้านเป็นหลุม"
    guest.fill("#details", CORRECTED)
    shot(guest, "correction")
    guest.get_by_role("button", name="ดำเนินการต่อ", exact=True).click()
    guest.wait_for_url("**/check/**")
    assert CORRECTED in guest.content()
    guest.get_by_role("button", name="ยืนยันและส่งข้อมูลแก้ไข").click()
    guest.wait_for_selector("text=ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่เรียบร้อย")
    assert "ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่" in guest.locator(".result dl .badge").inner_text()
    shot(guest, "status-resubmitted")
    with app.app_context():
        req = Request.get(Request.reference == reference)
        assert (req.status, req.payload["details"]) == ("resubmitted", CORRECTED)

    clerk.goto(f"{url}/admin/requests/?search={reference}")
    row = clerk.locator(f"tr:has-text('{reference}')").first
    assert "ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่" in row.inner_text()
    clerk.goto(process_url)
    assert CORRECTED in clerk.content()
    assert clerk.locator(".alert-warning", has_text="รายละเอียดคำร้อง").count() == 1
    shot(clerk, "resubmitted")
    for page in (guest, clerk):
        page.close()
