"""Under the Content-Security-Policy (no inline script) the pages still work
in a real browser, and the browser reports no refused script or style: the
staff lists' filters, delete with its confirmation, inline rows of a form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from portal.models import Holiday, User
from portal.ops.demo import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.browser


def _watch(page: Any) -> list[str]:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    return refused


def _sign_in(page: Any, url: str, national_id: str) -> None:
    page.goto(url + "/login")
    page.get_by_role("button", name="รับทราบ").click()
    page.fill("#national_id", national_id)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/admin/")  # staff land on the staff pages


def test_public_and_staff_pages_work_without_inline_script(live_server, browser, shot):
    url, app = live_server["url"], live_server["app"]
    with app.app_context():
        load_demo(app)
    admin = User.get(User.is_system_admin == True)  # noqa: E712 - peewee expression
    Holiday.create(day=dt.date(2027, 12, 30), name="วันหยุดทดสอบลบ")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    refused = _watch(page)
    for path in ("/", "/register", "/status", "/services/demo"):
        page.goto(url + path)
    _sign_in(page, url, admin.national_id)

    page.goto(url + "/admin/requests/")
    page.get_by_role("link", name="เพิ่มตัวกรอง").click()
    page.locator("a.filter").first.click()
    assert page.locator(".filters tr, #filter_form .filter-row, .filter-row").count() >= 1
    assert page.url.endswith("/admin/requests/")  # the '#' item did not navigate
    shot(page, "filter")

    page.goto(url + "/admin/holidays/?search=ทดสอบลบ")
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_role("button", name="ลบรายการ").click()
    assert Holiday.get_or_none(Holiday.name == "วันหยุดทดสอบลบ") is not None
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="ลบรายการ").click()
    page.wait_for_load_state()
    assert Holiday.get_or_none(Holiday.name == "วันหยุดทดสอบลบ") is None

    page.goto(url + "/admin/executives/new/")
    before = page.locator(".inline-field-list .inline-field").count()
    page.locator("[data-inline-add]").click()
    assert page.locator(".inline-field-list .inline-field").count() == before + 1
    shot(page, "inline-row")
    assert refused == []
