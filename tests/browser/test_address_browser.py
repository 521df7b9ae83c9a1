"""The Thai address and location questions on a phone: the postcode brings
the subdistricts to choose from and the province (static/thai-address.js),
nothing sticks out at 360 px, and "use my location" shows only with script."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.ops.migrate import upgrade
from portal.plugins.manager import plugin_manager

from ..conftest import make_agency
from ..plugins import address_service
from .axe import assert_no_serious
from .conftest import browser_config, serve

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def address_server(tmp_path):
    app = create_app({**browser_config(tmp_path), "PORTAL_EXTRA_PLUGINS": [address_service]})
    with app.app_context():
        upgrade(plugin_manager())
        make_agency("addr", services=("address_test",))
    server, url = serve(app)
    yield url + "/requests/new/addr/address_test"
    server.shutdown()


def test_the_postcode_suggests_the_places_at_360_px(address_server, browser, shot):
    expect = pytest.importorskip("playwright.sync_api").expect
    context = browser.new_context(viewport=PHONE, geolocation={"latitude": 9.95,
                                                               "longitude": 99.83},
                                  permissions=["geolocation"])
    page = context.new_page()
    page.goto(address_server)
    cookie = page.get_by_role("button", name="รับทราบ")
    if cookie.count():
        cookie.click()
    group = page.get_by_role("group", name="ที่อยู่ตามทะเบียนบ้าน")
    group.get_by_label("รหัสไปรษณีย์").fill("๘๔๒๘๐")  # Thai digits, as a Thai keyboard types
    page.locator("#home-subdistrict-list option").nth(1).wait_for(state="attached")
    assert page.input_value("#home-province") == "84"
    options = page.eval_on_selector_all("#home-subdistrict-list option",
                                        "os => os.map(o => o.value)")
    assert options == ["เกาะพะงัน", "บ้านใต้"]
    sub = group.get_by_label("ตำบล / แขวง")
    sub.fill("บ้านใต้")
    sub.dispatch_event("change")
    assert page.input_value("#home-district") == "เกาะพะงัน"
    assert "ให้เลือกแล้ว" in group.inner_text()
    # Nothing wider than the phone; house number and หมู่ share a line.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("#home").bounding_box()["y"] == \
        page.locator("#home-moo").bounding_box()["y"]
    place = page.get_by_role("group", name="ตำแหน่งบ้าน")
    place.get_by_role("button", name="ใช้ตำแหน่งของฉัน").click()
    expect(page.locator("#spot")).not_to_have_value("")
    assert (page.input_value("#spot"), page.input_value("#spot-lng")) == ("9.950000",
                                                                          "99.830000")
    shot(page, "address")
    assert_no_serious(page, "address form")
    # Refused by the server (a postcode of another ตำบล): still no fault.
    page.fill("#phone", "0812345678")
    page.select_option("#title", "นาง")
    page.fill("#first_name", "สมใจ")
    page.fill("#last_name", "ใจดี")
    page.fill("#home", "12")
    page.fill("#home-postcode", "84360")  # Ko Tao's
    with page.expect_navigation():
        page.get_by_role("button", name="ดำเนินการต่อ").click()
    assert "รหัสไปรษณีย์ 84360 ไม่ใช่ของตำบลบ้านใต้ อำเภอเกาะพะงัน" in page.get_by_role(
        "group", name="ที่อยู่ตามทะเบียนบ้าน").inner_text()
    assert page.input_value("#home-subdistrict") == "บ้านใต้"  # as typed
    assert_no_serious(page, "address form, refused")
    context.close()

    bare_context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    bare = bare_context.new_page()
    bare.goto(address_server)
    assert not bare.locator("[data-geo-button]").is_visible()
    assert bare.locator("#home-postcode").is_visible()
    # Without script the server reads the address and says what does not fit.
    bare.fill("#phone", "0812345678")
    bare.select_option("#title", "นาง")
    bare.fill("#first_name", "สมใจ")
    bare.fill("#last_name", "ใจดี")
    bare.fill("#home", "12")
    bare.fill("#home-postcode", "84280")
    bare.fill("#home-subdistrict", "ต.เกาะเต่า")
    bare.fill("#home-district", "อ.เกาะพะงัน")
    bare.select_option("#home-province", "84")
    with bare.expect_navigation():
        bare.get_by_role("button", name="ดำเนินการต่อ").click()
    group = bare.get_by_role("group", name="ที่อยู่ตามทะเบียนบ้าน")
    assert "รหัสไปรษณีย์ 84280 ไม่ใช่ของตำบลเกาะเต่า อำเภอเกาะพะงัน" in group.inner_text()
    assert bare.get_attribute("#home-postcode", "aria-invalid") == "true"
    bare.locator("a[href='#home-postcode']").click()
    assert bare.evaluate("document.activeElement.id") == "home-postcode"
    shot(bare, "refused-no-script")
    bare_context.close()
