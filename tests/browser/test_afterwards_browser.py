"""Issue 22, items 7, 8 and 11 in chromium at 360 px: the folded menu keeps
a form's first input in the first screen (cookie notice shown), tap targets
of 44 px, the location button hidden without JavaScript, and cancelling
with the keyboard alone through its confirmation page."""

from __future__ import annotations

import io
from typing import Any

import pytest

from portal.models import AgencyService, Request

from ..conftest import PASSWORD, login, make_agency, make_staff, make_user
from ..helpers.certificate import new_certificate as _new_certificate
from ..helpers.client import CSRFClient
from ..helpers.files import make_pdf

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


class LoopbackClient(CSRFClient):
    """The test client on the live server's app asks for its one host."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("base_url", "http://127.0.0.1")
        return super().open(*args, **kwargs)

    def get_cookie(self, key: str, domain: str = "127.0.0.1", path: str = "/") -> Any:
        return super().get_cookie(key, domain=domain, path=path)


def new_certificate(app: Any, citizen: Any, **kwargs: Any) -> Any:
    """A request sent through the real form (no browser: it is the set-up)."""
    app.test_client_class = LoopbackClient
    return _new_certificate(app, citizen, **kwargs)


def _sign_in(page: Any, url: str, user: Any) -> None:
    page.goto(url + "/login")
    page.fill("#national_id", user.national_id)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(lambda u: "/login" not in u)  # the robot check's work, then in


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box, selector
    return box


def test_signed_in_form_starts_in_the_first_screen_with_the_menu_folded(
        live_server, browser, shot):
    url = live_server["url"]
    make_agency("demo", services=("certificate",))
    citizen = make_user()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _sign_in(page, url, citizen)
    page.goto(url + "/requests/new/demo/certificate")
    assert page.locator(".cookie").is_visible()  # the notice not yet accepted
    shot(page, "form-first-screen")
    first = page.locator("main form.form").locator(
        "input:not([type=hidden]):visible, select:visible, textarea:visible").first
    box = first.bounding_box()
    assert box and box["y"] + 20 < PHONE["height"], box  # seen, not below the fold
    # The account links are folded behind "Menu", which opens without script.
    assert not page.get_by_role("link", name="แก้ไขรหัสผ่าน").is_visible()
    header = _box(page, "header.top")
    assert header["height"] <= 130, header
    no_script = browser.new_context(viewport=PHONE, java_script_enabled=False,
                                    storage_state=context.storage_state())
    bare = no_script.new_page()
    bare.goto(url + "/requests/new/demo/certificate")
    bare.locator("summary", has_text="เมนู").click()
    assert bare.get_by_role("link", name="แก้ไขรหัสผ่าน").is_visible()
    assert bare.get_by_role("button", name="ออกจากระบบ").is_visible()
    shot(bare, "menu-open-no-script")
    # On a desktop the menu is simply there.
    wide = context.new_page()
    wide.set_viewport_size({"width": 1280, "height": 800})
    wide.goto(url + "/requests")
    assert wide.get_by_role("link", name="แก้ไขรหัสผ่าน").is_visible()
    assert not wide.locator("summary", has_text="เมนู").is_visible()
    context.close()
    no_script.close()


def _target_of(page: Any, input_selector: str) -> list[dict[str, Any]]:
    """Each input's own box and the box of the label a finger taps."""
    return page.eval_on_selector_all(input_selector, """els => els.map(e => {
        const label = e.closest('label') || document.querySelector(`label[for="${e.id}"]`);
        const r = e.getBoundingClientRect(), l = label && label.getBoundingClientRect();
        return {name: e.name, value: e.value, input: [r.width, r.height],
                target: l ? [Math.max(l.width, r.width), Math.max(l.height, r.height)]
                          : [r.width, r.height]};
    })""")


def test_tap_targets_are_44_px_and_the_location_button_needs_script(live_server, browser,
                                                                     shot):
    url = live_server["url"]
    make_agency("tambon", services=("street_light",))
    page = browser.new_page(viewport=PHONE)
    page.goto(url + "/requests/new/tambon/street_light")
    shot(page, "street-light-form")
    radios = _target_of(page, "main input[type=radio]")
    assert radios
    for radio in radios:
        assert radio["input"][0] >= 24 and radio["input"][1] >= 24, radio
        assert radio["target"][0] >= 44 and radio["target"][1] >= 44, radio
    # The label is the target: a tap on its far end picks the choice.
    label = page.locator("main label.check:has(input[type=radio])").nth(1)
    box = label.bounding_box()
    label.click(position={"x": box["width"] - 6, "y": box["height"] - 4})
    assert page.locator("main input[type=radio]").nth(1).is_checked()
    buttons = page.eval_on_selector_all(
        "main button, main .btn, main input[type=submit]",
        "els => els.filter(e => e.offsetParent !== null).map(e => {"
        " const r = e.getBoundingClientRect();"
        " return [e.textContent.trim(), r.width, r.height]; })")
    assert buttons
    for name, width, height in buttons:
        assert width >= 44 and height >= 44, (name, width, height)
    # With script: the location button shows (the browser has geolocation).
    assert page.get_by_role("button", name="ใช้ตำแหน่งของฉัน").is_visible()

    register = browser.new_page(viewport=PHONE)
    register.goto(url + "/register")
    for box_ in _target_of(register, "main input[type=checkbox]"):
        assert box_["target"][0] >= 44 and box_["target"][1] >= 44, box_

    no_script = browser.new_context(viewport=PHONE, java_script_enabled=False)
    bare = no_script.new_page()
    bare.goto(url + "/requests/new/tambon/street_light")
    button = bare.locator("[data-geo-button]")
    assert button.count() == 1 and not button.is_visible()
    shot(bare, "street-light-no-script")
    no_script.close()


def test_cancel_with_the_keyboard_alone_asks_first(live_server, browser, shot):
    url, app = live_server["url"], live_server["app"]
    make_agency("alpha", services=("certificate",))
    citizen = make_user()
    _client, req = new_certificate(app, citizen)
    page = browser.new_page(viewport=PHONE)
    _sign_in(page, url, citizen)
    page.goto(url + "/requests")
    shot(page, "my-requests")

    def tab_to(predicate: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const e = document.activeElement; return {predicate}; }}"):
                return
        raise AssertionError(f"never reached: {predicate}")

    # First the way back: "ไม่ยกเลิก" keeps the request.
    tab_to("e.classList.contains('action-cancel')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/requests/{req.reference}/cancel")
    shot(page, "cancel-confirm")
    assert page.get_by_role("heading", name="ต้องการยกเลิกคำร้องนี้หรือไม่").is_visible()
    tab_to("e.textContent.trim() === 'ไม่ยกเลิก'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/requests/{req.reference}")
    assert Request.get_by_id(req.id).status == "submitted"

    # Then from the request page, to the end.
    tab_to("e.textContent.trim() === 'ยกเลิกคำร้อง'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/requests/{req.reference}/cancel")
    tab_to("e.textContent.trim() === 'ยืนยันการยกเลิก'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/requests/{req.reference}")
    page.wait_for_selector("text=ยกเลิกคำร้องเรียบร้อย")
    assert Request.get_by_id(req.id).status == "cancelled"
    assert not page.get_by_text("คาดว่าจะแล้วเสร็จ").count()
    shot(page, "cancelled")


def test_screens_of_the_afterwards_pages(live_server, browser, shot):
    """Screenshots at 360 px of the pages items 8-10 changed, to look at."""
    url, app = live_server["url"], live_server["app"]
    edu = make_agency("edu", services=("certificate", "staff_card", "pension_gratuity"),
                      name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1",
                      phone="045-789477")
    make_agency("tambon", services=("street_light", "petition", "disaster"),
                name_th="องค์การบริหารส่วนตำบลตัวอย่าง")
    AgencyService.update(officer_name="นางสาวสุดา ทำงานดี", officer_phone="0891112222").where(
        AgencyService.agency == edu).execute()
    page = browser.new_page(viewport=PHONE)
    page.goto(url + "/")
    shot(page, "home")
    page.fill("#q", "ไฟฟ้า")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=*")
    assert page.get_by_role("link", name="ยื่นคำร้อง").count() == 1
    shot(page, "home-search")

    citizen = make_user(phone="0812345678")
    _client, req = new_certificate(app, citizen, agency_code="edu")
    page.goto(url + "/status")
    page.fill("#reference", req.reference)
    page.fill("#phone_last4", "5678")
    page.get_by_role("button", name="ตรวจสอบ", exact=True).click()
    page.wait_for_selector("#public-history")
    shot(page, "status-result")

    # The next step on top: a returned request's edit button, a completed
    # one's result file, inside the notice.
    clerk = app.test_client()
    login(clerk, make_staff(edu))
    _returned_client, returned = new_certificate(app, citizen, agency_code="edu")
    for one, status, extra in ((returned, "returned", {}),
                               (req, "completed", {"result": (io.BytesIO(make_pdf("r")),
                                                              "หนังสือรับรอง.pdf")})):
        clerk.post(f"/admin/requests/process/{one.id}", data={
            "status": status, "message": "กรุณาแนบสลิปเดือนล่าสุด" if extra == {} else
            "ออกหนังสือรับรองแล้ว", "version": Request.get_by_id(one.id).version, **extra},
            content_type="multipart/form-data")
        assert Request.get_by_id(one.id).status == status
    mine = browser.new_page(viewport=PHONE)
    _sign_in(mine, url, citizen)
    mine.goto(f"{url}/requests/{returned.reference}")
    edit = mine.get_by_role("link", name="แก้ไขคำร้อง")
    assert edit.bounding_box()["y"] < PHONE["height"]  # in the first screen
    shot(mine, "returned")
    mine.goto(f"{url}/requests/{req.reference}")
    download = mine.get_by_role("link", name="ดาวน์โหลดไฟล์จากเจ้าหน้าที่: หนังสือรับรอง.pdf")
    assert download.bounding_box()["y"] < PHONE["height"]
    shot(mine, "completed")

    from portal.requests.catalogue import set_enabled

    set_enabled(edu, "pension_gratuity", False)
    page.goto(url + "/s/edu/pension_gratuity")
    assert page.get_by_role("heading", name="บริการนี้ปิดรับทางออนไลน์ชั่วคราว").is_visible()
    shot(page, "service-closed")
