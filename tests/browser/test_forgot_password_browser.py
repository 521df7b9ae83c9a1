"""A citizen who forgot the password clicks through in chromium on a phone:
login page › ลืมรหัสผ่าน › national ID (the robot check solves by itself) ›
the link from the e-mail › the new password twice › signed in with it."""

from __future__ import annotations

import re

import pytest

from portal.models import Notification

from ..conftest import make_user

pytestmark = pytest.mark.browser

NEW = "remembered-now-7"


def test_forgot_password_from_the_login_page_to_signing_in(live_server, browser, shot):
    url, app = live_server["url"], live_server["app"]
    with app.app_context():
        user = make_user()
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(url + "/login")
    page.get_by_role("button", name="รับทราบ").click()  # cookie notice
    shot(page, "login")
    page.get_by_role("link", name="ลืมรหัสผ่าน").click()
    page.wait_for_url("**/password/forgot")
    page.fill("#national_id", user.national_id)
    shot(page, "forgot")
    page.get_by_role("button", name="ส่งลิงก์").click()
    page.wait_for_selector("text=ระบบได้ส่งลิงก์สำหรับตั้งรหัสผ่านใหม่")
    shot(page, "sent")

    # The e-mail waits in the outbox (no mail server in tests): read it there.
    mail = Notification.get((Notification.recipient == user.email)
                            & Notification.body_text.contains("/password/reset/"))
    link = re.search(re.escape(url) + r"/password/reset/[A-Za-z0-9_-]+", mail.body_text).group(0)
    page.goto(link)
    page.wait_for_url("**/password/new")  # the secret has left the address bar
    page.fill("#password", NEW)
    page.fill("#password_again", NEW)
    shot(page, "new-password")
    page.get_by_role("button", name="บันทึกรหัสผ่านใหม่").click()
    page.wait_for_url("**/login")
    page.wait_for_selector("text=ตั้งรหัสผ่านใหม่เรียบร้อยแล้ว")

    page.fill("#national_id", user.national_id)
    page.fill("#password", NEW)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/requests")
    shot(page, "signed-in")
    page.goto(link)  # spent
    assert "ลิงก์นี้ใช้ไม่ได้" in page.content()
