"""Keyboard alone, no mouse (issue 22): register, fill a request with a file,
check the answers, change one through its change link, confirm. Tab, Enter
and Space move and press (arrows step through a list, End moves the caret);
letters are typed into the focused field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.models import Attachment, Request, User

from ..conftest import make_agency
from ..helpers.files import make_pdf

pytestmark = pytest.mark.browser

ACTIVE = """() => { const e = document.activeElement;
    if (!e) return null;
    if (e.closest('altcha-widget')) return 'robot-check';
    if (e.tagName === 'BUTTON' && e.name === 'confirm') return 'confirm';
    if (e.type === 'submit' && e.closest('form.form')) return 'send';
    if (e.tagName === 'SUMMARY') {  // a held file's "change", or the folded menu
        const input = e.closest('details').querySelector('input');
        return 'summary:' + (input ? input.name : e.textContent.trim()); }
    if (e.tagName === 'A') { const row = e.closest('[data-field]');
        return row ? 'change:' + row.dataset.field : 'link:' + e.textContent.trim(); }
    return e.name || e.id; }"""


def tab_to(page: Any, target: str, limit: int = 80) -> list[str]:
    """Press Tab until ``target`` (as ACTIVE names it) has the focus; the
    names passed on the way, so a test can check the order."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(ACTIVE)
        passed.append(name)
        if name == target:
            return passed
    raise AssertionError(f"Tab never reached {target}: {passed}")


def attach(page: Any, field: str, path: Path) -> None:
    tab_to(page, field)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")  # a file input opens its chooser on Space
    chooser.value.set_files(str(path))


def test_register_submit_with_a_file_check_change_confirm_by_keyboard(
        live_server, browser, shot, tmp_path):
    url, app = live_server["url"], live_server["app"]
    make_agency("demo")
    slip = tmp_path / "สลิปเงินเดือน.pdf"
    slip.write_bytes(make_pdf("slip"))
    card = tmp_path / "สำเนาบัตร.pdf"
    card.write_bytes(make_pdf("card"))

    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(url + "/register")
    for name, text in (("national_id", "3100600456785"), ("first_name", "มานี"),
                       ("last_name", "มีแป้น"), ("phone", "0861234567"),
                       ("password", "keyboard-only-1"), ("password_again", "keyboard-only-1")):
        tab_to(page, name)
        page.keyboard.type(text)
        if name == "national_id":
            tab_to(page, "title")
            page.keyboard.press("ArrowDown")  # a closed select steps through its options
            page.keyboard.press("ArrowDown")
            assert page.input_value("#title") == "นาง"
    tab_to(page, "pdpa")
    page.keyboard.press("Space")
    tab_to(page, "send")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('คำร้องของฉัน'), p.error", timeout=60_000)  # robot check
    assert page.url.endswith("/requests"), page.locator(".error").all_inner_texts()
    with app.app_context():
        assert User.get(User.national_id == "3100600456785").title == "นาง"

    page.goto(url + "/requests/new/demo/certificate")
    tab_to(page, "official_type")
    page.keyboard.press("Space")  # the group's first choice
    for name, text in (("work_unit", "โรงเรียนบ้านหนองน้ำใส"), ("position", "ครู"),
                       ("salary", "35000"), ("purpose", "รับรองเงินเดือน")):
        tab_to(page, name)
        page.keyboard.type(text)
    attach(page, "file_id_card", card)
    attach(page, "file_salary_slip", slip)
    # "intended_use" is left empty on purpose: the error round keeps the files.
    tab_to(page, "send")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "/check/" not in page.url
    shot(page, "error-files-kept")
    assert "แนบแล้ว: สลิปเงินเดือน.pdf" in page.locator("form.form").inner_text(), (
        page.locator(".error").all_inner_texts())
    tab_to(page, "intended_use")
    page.keyboard.type("กู้เงินธนาคาร")
    tab_to(page, "send")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check/**")
    assert page.locator("h1").inner_text() == "ตรวจสอบข้อมูลก่อนส่ง"
    assert "สลิปเงินเดือน.pdf" in page.content()
    shot(page, "check")
    with app.app_context():
        assert Request.select().count() == 0

    # Change one answer through its own link, and come back.
    tab_to(page, "change:position")
    page.keyboard.press("Enter")
    page.wait_for_url("**#position")
    assert page.input_value("#position") == "ครู"
    assert page.input_value("#intended_use") == "กู้เงินธนาคาร"
    tab_to(page, "position")
    page.keyboard.press("End")
    page.keyboard.type("ชำนาญการ")
    # The held file's "change" opens its input with the space bar.
    tab_to(page, "summary:file_salary_slip")
    page.keyboard.press("Space")
    assert page.locator("#file_salary_slip").is_visible()
    shot(page, "change")
    tab_to(page, "send")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check/**")
    assert "ครูชำนาญการ" in page.content()

    tab_to(page, "confirm")
    page.keyboard.press("Enter")
    page.wait_for_url("**/requests/sent/**")
    shot(page, "sent")
    with app.app_context():
        req = Request.get()
        assert req.payload["position"] == "ครูชำนาญการ"
        names = {a.original_name for a in Attachment.select().where(Attachment.request == req)}
    assert names == {"สำเนาบัตร.pdf", "สลิปเงินเดือน.pdf"}
    assert page.locator("#reference").inner_text() == req.reference
