"""The order of ปพ. forms in chromium on a phone: typing quantities updates the
amount to pay (the server's figures, fetched by order-total.js under the
Content-Security-Policy), and the review button does it without a script."""

from __future__ import annotations

from typing import Any

import pytest

from portal.ops.demo import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.browser


def _sign_in(page: Any, url: str, national_id: str) -> None:
    page.goto(url + "/login")
    page.get_by_role("button", name="รับทราบ").click()
    page.fill("#national_id", national_id)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(lambda u: "/login" not in u, timeout=60_000)


def test_the_amount_to_pay_follows_the_quantities(live_server, browser, shot):
    expect = pytest.importorskip("playwright.sync_api").expect
    url, app = live_server["url"], live_server["app"]
    with app.app_context():
        demo = load_demo(app)
    citizen = next(nid for role, nid, _name in demo["users"] if role == "citizen")
    page = browser.new_page(viewport={"width": 360, "height": 800})
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    _sign_in(page, url, citizen)
    page.goto(url + "/requests/new/demo/school_forms")
    grand = page.locator("[data-order-total] [data-amount='grand_total']")
    assert grand.inner_text().strip() == "0.00"
    page.fill("#qty_pp1_p", "3")
    page.fill("#qty_pp3_p", "10")
    expect(grand).to_have_text("555.00", timeout=10_000)  # no button pressed
    assert "ห้าร้อยห้าสิบห้าบาทถ้วน" in page.locator("[data-order-total]").inner_text()
    page.locator("#order-total").scroll_into_view_if_needed()
    shot(page, "live-total")
    assert refused == []

    # Without JavaScript the review button asks the server for the same figures.
    plain = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page2 = plain.new_page()
    page2.context.add_cookies(page.context.cookies())
    page2.goto(url + "/requests/new/demo/school_forms")
    page2.fill("#qty_pp1_b", "10")
    page2.get_by_role("button", name="ตรวจสอบยอดเงิน").click()
    page2.wait_for_load_state()
    assert page2.locator("[data-amount='grand_total']").inner_text().strip() == "1,656.00"
    assert page2.input_value("#qty_pp1_b") == "10"
    page2.locator("#order-total").scroll_into_view_if_needed()
    shot(page2, "reviewed")
    plain.close()
    page.close()
