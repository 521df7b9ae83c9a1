"""The one date input on a phone: typed with the keyboard alone, refused in
Thai when the day does not exist, and a Christian-era year converted with a
note the person sees."""

from __future__ import annotations

import pytest

from plugins.tambon.demo import load as load_demo

from ..conftest import make_agency, make_staff

pytestmark = pytest.mark.browser


def test_a_date_typed_with_the_keyboard_at_360_px(live_server, browser, shot):
    with live_server["app"].app_context():
        education = make_agency("demo-edu", services=())
        make_staff(education, services=())
        load_demo(education)
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(live_server["url"] + "/requests/new/demo-tambon/disaster")
    cookie = page.get_by_role("button", name="รับทราบ")
    if cookie.count():
        cookie.click()
    group = page.get_by_role("group", name="วันที่เกิดเหตุ")
    assert group.count() == 1
    day = group.get_by_label("วันที่", exact=True)
    day.focus()
    page.keyboard.type("29")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # — เลือก — › มกราคม › กุมภาพันธ์
    page.keyboard.press("Tab")
    page.keyboard.type("2025")
    box = group.bounding_box()
    assert box and box["width"] <= 360  # nothing sticks out of a phone's screen
    tops = {part: page.locator(f"#day{part}").bounding_box()["y"]
            for part in ("", "-month", "-year")}
    assert len(set(tops.values())) == 1, tops  # day, month and year on one line
    shot(page, "typed")
    with page.expect_navigation():  # the robot check solves its puzzle, then sends
        page.keyboard.press("Enter")

    group = page.get_by_role("group", name="วันที่เกิดเหตุ")
    assert "วันที่ไม่มีอยู่จริง: กุมภาพันธ์ พ.ศ. 2568 มี 28 วัน" in group.inner_text()
    assert page.input_value("#day") == "29"
    assert page.input_value("#day-month") == "2"
    assert page.input_value("#day-year") == "2025"
    page.locator("a[href='#day']").first.click()  # the error summary lands on the day
    assert page.evaluate("document.activeElement.id") == "day"
    shot(page, "no-such-day")

    page.fill("#day", "28")
    with page.expect_navigation():
        page.locator("#day").press("Enter")
    group = page.get_by_role("group", name="วันที่เกิดเหตุ")
    assert "ถือว่าเป็น ค.ศ. 2025 = พ.ศ. 2568" in group.inner_text()
    assert "วันที่ไม่มีอยู่จริง" not in page.content()
    described = group.get_attribute("aria-describedby") or ""
    assert "day-hint" in described and "day-note" in described
    shot(page, "converted")
