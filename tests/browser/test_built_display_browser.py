"""Built services and the services page on a 360 px phone (a walk-through
found them): radio and box labels apart from their boxes, a built list
whose filters fold away under the list's first rows and take dates in
three boxes, and the agency admin's services page without a sideways
scroll, its buttons naming their service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plugins.builder.models import BuiltAnswer
from portal.models import Request

from ..builder.sample import build, sample
from ..conftest import PASSWORD, make_agency, make_agency_admin, make_staff, make_user
from .axe import assert_no_serious

pytestmark = pytest.mark.browser

WIDTH = 360
WIDEST = "() => document.documentElement.scrollWidth"

# For each radio or box of the form: the gap between the box's right edge
# and its words, and how far the middle of their first line is from the
# middle of the box.
GAPS = """() => Array.from(document.querySelectorAll(
    'label.check > input[type=radio], label.check > input[type=checkbox]')).map(box => {
  const words = document.createRange();
  words.selectNodeContents(box.parentElement.querySelector('span'));
  const line = words.getClientRects()[0], b = box.getBoundingClientRect();
  return [box.id, Math.round(line.left - b.right),
          Math.round((line.top + line.bottom) / 2 - (b.top + b.bottom) / 2)];
})"""


def _sign_in(page: Any, url: str, user: Any, landing: str = "**/admin/") -> None:
    page.goto(url + "/login")
    page.fill("#national_id", user.national_id)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(landing)


def _with_filters() -> dict[str, Any]:
    """The sample with a yes/no, a box list and a date to filter on."""
    definition = sample()
    definition["pages"][0]["questions"] += [
        {"key": "flooded", "type": "yesno", "label": {"th": "น้ำท่วมบ้าน"}},
        {"key": "needs", "type": "multichoice", "label": {"th": "สิ่งที่ต้องการ"},
         "options": [{"value": "food", "label": {"th": "อาหาร"}},
                     {"value": "water", "label": {"th": "น้ำดื่ม"}},
                     # Two lines at 360 px: the box stays by the first.
                     {"value": "kit", "label": {"th": "ของใช้จำเป็นสำหรับเด็กเล็กและผู้สูงอายุ"
                                                      "ในครอบครัวที่ได้รับผลกระทบจากน้ำท่วม"}}]},
        {"key": "happened_on", "type": "date", "label": {"th": "วันที่เกิดเหตุ"}},
    ]
    return definition


def test_radio_and_box_labels_keep_apart_from_their_boxes(live_server, browser, shot):
    url = live_server["url"]
    agency = make_agency("gap-a", services=())
    built = build(agency, _with_filters())
    citizen = make_user()
    page = browser.new_page(viewport={"width": WIDTH, "height": 800})
    _sign_in(page, url, citizen, landing="**/requests**")
    page.goto(f"{url}/requests/new/gap-a/{built.code}")
    gaps = page.evaluate(GAPS)
    assert len(gaps) >= 6, gaps  # two radios, yes and no, two boxes
    # GOV.UK's radios keep about 12 px between the box and its words.
    assert all(gap >= 12 and abs(off) <= 2 for _id, gap, off in gaps), gaps
    assert page.evaluate(WIDEST) <= WIDTH
    shot(page, "citizen-choices-360")
    page.close()


def test_a_built_list_shows_its_rows_first_and_filters_dates_in_three_boxes(
        live_server, browser, shot):
    url = live_server["url"]
    agency = make_agency("list-a", services=())
    built = build(agency, _with_filters())
    clerk = make_staff(agency, services=(built.code,))
    for number, day in enumerate(("2025-01-10", "2025-03-05")):
        req = Request.create(reference=f"RL-0000{number}", service_code=built.code,
                             agency=agency.id, applicant_name="สมศรี ใจดี", status="submitted",
                             payload={"happened_on": day},
                             submitted_at=dt.datetime(2025, 3, 6),
                             status_changed_at=dt.datetime(2025, 3, 6))
        BuiltAnswer.create(request=req.id, service_code=built.code, key="happened_on", value=day)
    page = browser.new_page(viewport={"width": WIDTH, "height": 800})
    _sign_in(page, url, clerk)
    page.goto(f"{url}/admin/built_requests/{built.code}/")
    assert page.evaluate(WIDEST) <= WIDTH
    first_row = page.get_by_role("link", name="RL-00001").bounding_box()
    assert first_row["y"] + first_row["height"] <= 800, first_row  # no scrolling to reach it
    shot(page, "built-list-folded-360")
    page.get_by_text("ตัวกรอง", exact=True).click()
    when = page.get_by_role("group", name="วันที่เกิดเหตุ")
    start = when.get_by_role("group", name="ตั้งแต่วันที่")
    end = when.get_by_role("group", name="ถึงวันที่")
    start.get_by_label("วันที่", exact=True).fill("1")
    start.get_by_label("เดือน", exact=True).select_option(label="มกราคม")
    start.get_by_label("ปี พ.ศ.", exact=True).fill("2568")
    end.get_by_label("วันที่", exact=True).fill("31")
    end.get_by_label("เดือน", exact=True).select_option(label="มกราคม")
    end.get_by_label("ปี พ.ศ.", exact=True).fill("2568")
    assert page.evaluate(WIDEST) <= WIDTH
    shot(page, "built-list-filters-open-360")
    assert_no_serious(page, "built list with its filters open at 360px")
    with page.expect_navigation():
        page.get_by_role("button", name="ค้นหา", exact=True).click()
    listed = page.locator("table").inner_text()
    assert "RL-00000" in listed and "RL-00001" not in listed
    # A filter is set: the filters are open, the dates in their boxes.
    start = page.get_by_role("group", name="วันที่เกิดเหตุ").get_by_role(
        "group", name="ตั้งแต่วันที่")
    assert start.get_by_label("ปี พ.ศ.", exact=True).is_visible()
    assert start.get_by_label("ปี พ.ศ.", exact=True).input_value() == "2568"
    page.close()


def test_the_services_page_fits_a_phone_and_names_each_switch(live_server, browser, shot):
    url = live_server["url"]
    agency = make_agency("svc-a")
    admin = make_agency_admin(agency)
    page = browser.new_page(viewport={"width": WIDTH, "height": 800})
    _sign_in(page, url, admin)
    page.goto(url + "/admin/services/")
    widest = page.evaluate(WIDEST)
    shot(page, "services-360")
    assert widest <= WIDTH, widest
    # Each switch says which service it switches (the agency offers only
    # the certificate); no button is a bare "switch on".
    assert page.get_by_role("button", name="ปิดบริการ หนังสือรับรอง", exact=True).count() == 1
    assert page.get_by_role("button", name="เปิดบริการ ขอมีบัตรประจำตัวหรือขอบัตรประจำตัวใหม่",
                            exact=True).count() == 1
    assert page.get_by_role("button", name="เปิดบริการ", exact=True).count() == 0
    assert page.get_by_role("button", name="บันทึก หนังสือรับรอง", exact=True).count() == 1
    assert_no_serious(page, "services page at 360px")
    page.close()
