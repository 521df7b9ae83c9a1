"""Staff pages as a clerk's browser draws them (issue 22, item 12)."""

from __future__ import annotations

import pytest

from portal.models import Membership

from ..conftest import PASSWORD, make_agency, make_agency_admin, make_staff, make_user
from ..helpers.submitted import submit_as
from .axe import assert_no_serious

pytestmark = pytest.mark.browser

ORDER_FORMS = "สั่งซื้อแบบพิมพ์ทางการศึกษา (ปพ.1-3)"


def _sign_in(page, url: str, user) -> None:
    page.goto(url + "/login")
    page.fill("#national_id", user.national_id)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/admin/")


@pytest.mark.parametrize("width", [1366, 360])
def test_ticking_the_last_service_ticks_it_and_saves_nothing(live_server, browser, shot, width):
    """The list of services handled used to spill under the Save button: a
    tap on "สั่งซื้อแบบพิมพ์ (ปพ.1-3)" sent the form."""
    url = live_server["url"]
    agency = make_agency("staff-form")
    admin = make_agency_admin(agency)
    clerk = make_staff(agency)
    membership = Membership.get(Membership.user == clerk.id)
    page = browser.new_page(viewport={"width": width, "height": 900})
    _sign_in(page, url, admin)
    edit = f"{url}/admin/staff/edit/?id={membership.id}"
    page.goto(edit)
    box = page.get_by_role("checkbox", name=ORDER_FORMS)
    assert not box.is_checked()
    page.get_by_text(ORDER_FORMS, exact=True).click()
    assert box.is_checked()
    assert page.url == edit  # nothing was sent
    listed = page.locator("#services").bounding_box()
    save = page.locator("input[type=submit]").first.bounding_box()
    assert listed["y"] + listed["height"] <= save["y"]
    shot(page, f"staff-form-{width}")
    assert_no_serious(page, f"staff edit form at {width}px")
    page.close()


def test_request_row_actions_are_named_targets_with_cancel_apart(live_server, browser, shot):
    """Process, print and cancel each say what they do, are at least 44 px
    each way, and cancel keeps a gap from print (it was a 13×21 px ✕ beside it)."""
    url, app = live_server["url"], live_server["app"]
    agency = make_agency("row-actions")
    clerk = make_staff(agency)
    submit_as(app, "certificate", agency, make_user())
    page = browser.new_page(viewport={"width": 360, "height": 800})
    _sign_in(page, url, clerk)
    page.goto(url + "/admin/requests/")
    row = page.locator("td.list-buttons-column").first
    boxes = {}
    for name in ("ดำเนินการ", "พิมพ์", "ยกเลิก"):
        link = row.get_by_role("link", name=name, exact=True)
        boxes[name] = link.bounding_box()
        assert boxes[name]["width"] >= 44 and boxes[name]["height"] >= 44, (name, boxes[name])
    printed, cancel = boxes["พิมพ์"], boxes["ยกเลิก"]
    # The space between the two boxes, beside each other or one below the other.
    across = max(cancel["x"] - (printed["x"] + printed["width"]),
                 printed["x"] - (cancel["x"] + cancel["width"]))
    down = max(cancel["y"] - (printed["y"] + printed["height"]),
               printed["y"] - (cancel["y"] + cancel["height"]))
    assert max(across, down) >= 8, (printed, cancel)
    shot(page, "request-row-actions")
    assert_no_serious(page, "request list at 360px")
    page.close()


def test_a_list_filters_by_dates_typed_in_three_boxes(live_server, browser, shot):
    """Issue 22 §5, staff filters too: the date filter is the portal's date
    input (day, Thai month, B.E. year) for each end of the range, not a text
    box to type "1/6/2567 - 30/6/2567" into."""
    import datetime as dt

    from portal.models import Request
    from portal.thai import local_today

    url, app = live_server["url"], live_server["app"]
    agency = make_agency("date-filter")
    clerk = make_staff(agency)
    inside = submit_as(app, "certificate", agency, make_user())
    outside = submit_as(app, "certificate", agency, make_user())
    Request.update(submitted_at=dt.datetime(2025, 1, 10, 3, 0)).where(
        Request.id == outside.id).execute()
    today = local_today()
    page = browser.new_page(viewport={"width": 360, "height": 800})
    _sign_in(page, url, clerk)
    page.goto(url + "/admin/requests/")
    page.get_by_text("เพิ่มตัวกรอง", exact=True).click()
    page.locator(".field-filters a.filter", has_text="วันที่ยื่น").click()
    start = page.get_by_role("group", name="ตั้งแต่วันที่")
    end = page.get_by_role("group", name="ถึงวันที่")
    assert start.count() == 1 and end.count() == 1
    start.get_by_label("วันที่", exact=True).fill("1")
    start.get_by_label("เดือน", exact=True).select_option(label="มกราคม")
    start.get_by_label("ปี พ.ศ.", exact=True).fill("2569")
    end.get_by_label("วันที่", exact=True).fill(str(today.day))
    end.get_by_label("เดือน", exact=True).select_option(str(today.month))
    end.get_by_label("ปี พ.ศ.", exact=True).fill(str(today.year + 543))
    assert page.locator("#filter_form input[type=text].filter-val").count() == 0
    shot(page, "date-filter-360")
    assert_no_serious(page, "request list with its date filter open")
    with page.expect_navigation():
        page.get_by_role("button", name="กรอง", exact=True).click()
    listed = page.locator("table.model-list").inner_text()
    assert inside.reference in listed and outside.reference not in listed
    # The filter shows what it filters by, in the same three boxes.
    start = page.get_by_role("group", name="ตั้งแต่วันที่")
    assert start.get_by_label("วันที่", exact=True).input_value() == "1"
    assert start.get_by_label("ปี พ.ศ.", exact=True).input_value() == "2569"
    box = start.bounding_box()
    assert box and box["x"] + box["width"] <= 360
    # Only the end given: everything up to it, and it stays in the "to" boxes.
    for label in ("วันที่", "ปี พ.ศ."):
        start.get_by_label(label, exact=True).fill("")
    start.get_by_label("เดือน", exact=True).select_option("")
    with page.expect_navigation():
        page.get_by_role("button", name="กรอง", exact=True).click()
    listed = page.locator("table.model-list").inner_text()
    assert inside.reference in listed and outside.reference in listed
    end = page.get_by_role("group", name="ถึงวันที่")
    assert end.get_by_label("ปี พ.ศ.", exact=True).input_value() == str(today.year + 543)
    assert page.get_by_role("group", name="ตั้งแต่วันที่").get_by_label(
        "ปี พ.ศ.", exact=True).input_value() == ""
    page.close()
