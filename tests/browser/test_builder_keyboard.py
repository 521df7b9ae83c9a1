"""An agency admin builds an e-service with the keyboard alone (issue 24):
a blank service, a second page, a choice, a text question shown only for
one of its options (the condition picker), a file slot; the preview at
phone width, publishing, switching it on; then a citizen opens its QR short
link, fills it in (the conditional question appears), attaches a file,
checks and confirms it.

Only the first builder page is opened by address; every later step is
Tab, Shift+Tab, Enter, Space, arrow keys and typing. Everything runs at
360 px, a phone's width. Screenshots go to /tmp/builder-shots/ (not kept).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.models import Attachment, Request

from ..conftest import PASSWORD, make_agency, make_agency_admin, make_user
from ..helpers.files import make_pdf

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/builder-shots")
WIDTH = 360

# What has the focus: a link or a button by its words (screen-reader-only
# words included), a field by its id (else its name).
FOCUSED = """() => { const e = document.activeElement;
    if (!e || e === document.body) return '';
    const words = (e.textContent || '').replace(/\\s+/g, ' ').trim();
    if (e.tagName === 'A') return 'link:' + words;
    if (e.tagName === 'BUTTON') return 'button:' + words;
    if (e.tagName === 'INPUT' && e.type === 'submit') return 'button:' + e.value;
    if (e.tagName === 'SUMMARY') return 'summary:' + words;
    return e.id || e.name; }"""

WIDEST = "() => document.documentElement.scrollWidth"


def tab_to(page: Any, target: str, *, back: bool = False, limit: int = 150) -> None:
    """Press Tab (Shift+Tab with ``back``) until ``target`` has the focus
    (as FOCUSED names it; a target ending in '…' is a start of the name)."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        name = page.evaluate(FOCUSED)
        passed.append(name)
        if name == target or (target.endswith("…") and name.startswith(target[:-1])):
            return
    raise AssertionError(f"Tab never reached {target}: {passed}")


def press(page: Any, target: str, key: str = "Enter", **kwargs: Any) -> None:
    """Tab to ``target`` and press it; wait for the page it loads."""
    tab_to(page, target, **kwargs)
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page: Any, field: str, text: str) -> None:
    """Tab to a field, clear what it holds and type ``text`` (Enter in a
    text area makes a new line)."""
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for n, line in enumerate(text.split("\n")):
        if n:
            page.keyboard.press("Enter")
        page.keyboard.type(line)


def pick(page: Any, field: str, words: str) -> None:
    """Tab to a closed select and step to the option of ``words`` with the
    arrow keys, as a person does."""
    tab_to(page, field)
    options = page.evaluate("""() => Array.from(document.activeElement.options,
                                                o => o.textContent.trim())""")
    assert words in options, (field, options)
    now = page.evaluate("() => document.activeElement.selectedIndex")
    wanted = options.index(words)
    for _ in range(abs(wanted - now)):
        page.keyboard.press("ArrowDown" if wanted > now else "ArrowUp")
    assert page.evaluate("() => document.activeElement.selectedIndex") == wanted, field


def add_question(page: Any, page_title: str, type_words: str) -> None:
    """From the edit page: a page's "add a question" link, then its type
    picked from the list with the arrow keys, then on to the editor."""
    press(page, f"link:เพิ่มคำถาม ในหน้า {page_title}")
    names = page.evaluate("""() => Array.from(document.querySelectorAll('input[name=type]'),
        i => document.querySelector(`label[for="${i.id}"]`).textContent.trim())""")
    assert type_words in names, names
    tab_to(page, "type-text")  # the first of the list; none is picked yet
    page.keyboard.press("Space")
    for _ in range(names.index(type_words)):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.labels[0].textContent.trim()") \
        == type_words
    press(page, "button:ต่อไป")


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page: Any, where: str) -> None:
    assert page.evaluate(WIDEST) <= WIDTH, f"{where} scrolls sideways: {page.evaluate(WIDEST)} px"


def sign_in(page: Any, url: str, national_id: str) -> None:
    page.goto(url + "/login")
    type_into(page, "national_id", national_id)
    type_into(page, "password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def visible(page: Any, field_id: str) -> bool:
    return page.locator(f"#{field_id}").is_visible()


def test_an_admin_builds_publishes_and_a_citizen_sends_it_by_keyboard(
        live_server, browser, tmp_path):
    url = live_server["url"]
    agency = make_agency("tambon-nong", services=())
    admin = make_agency_admin(agency)
    citizen = make_user()
    photo = tmp_path / "ต้นไม้.pdf"
    photo.write_bytes(make_pdf("tree"))

    staff = browser.new_page(viewport={"width": WIDTH, "height": 800})
    sign_in(staff, url, admin.national_id)
    staff.goto(url + "/admin/builder/")  # the one address typed
    shot(staff, "01-builder-index")
    fits(staff, "the builder's list")

    # A blank service.
    press(staff, "link:สร้างบริการใหม่")
    assert staff.locator("#start-0").is_checked()  # an empty form, the default
    type_into(staff, "title_th", "ขออนุญาตตัดต้นไม้")
    type_into(staff, "slug", "tree-cut")
    type_into(staff, "ref_prefix", "TC")
    shot(staff, "02-new")
    fits(staff, "the new service form")
    press(staff, "button:สร้าง")
    assert staff.locator("h1").inner_text() == "ขออนุญาตตัดต้นไม้"
    edit = staff.url
    fits(staff, "the edit page")

    # A second page.
    type_into(staff, "new-page-title", "เอกสารแนบ")
    press(staff, "button:เพิ่มหน้า")
    assert staff.locator("#page-page2").count() == 1

    # A choice on the first page.
    tab_to(staff, "link:ตั้งค่า", back=True)  # from the end back to the top
    add_question(staff, "ข้อมูลคำขอ", "ตัวเลือก (เลือกได้ข้อเดียว)")
    assert staff.locator("#columns-0-th").count() == 0  # only a choice's settings
    type_into(staff, "key", "kind")
    type_into(staff, "label_th", "ประเภทคำขอ")
    tab_to(staff, "required")
    staff.keyboard.press("Space")
    # One row an option; the stored values come from the English words.
    type_into(staff, "options-0-th", "ตัดต้นไม้ใหม่")
    type_into(staff, "options-0-en", "new")
    type_into(staff, "options-1-th", "ตัดแต่งกิ่ง")
    type_into(staff, "options-1-en", "prune")
    shot(staff, "03-question-choice")
    fits(staff, "the question editor")
    press(staff, "button:บันทึก")
    assert staff.url.startswith(edit) and staff.locator("#question-kind").count() == 1

    # A text question shown only when the choice is "ตัดต้นไม้ใหม่".
    add_question(staff, "ข้อมูลคำขอ", "ข้อความสั้น")
    type_into(staff, "key", "reason")
    type_into(staff, "label_th", "เหตุผลที่ต้องตัดทั้งต้น")
    pick(staff, "when_key_1", "ข้อมูลคำขอ › ประเภทคำขอ")
    pick(staff, "when_op_1", "เท่ากับ")
    type_into(staff, "when_value_1", "ตัดต้นไม้ใหม่")
    shot(staff, "04-question-condition")
    press(staff, "button:บันทึก")
    shown = staff.locator("#question-reason").inner_text()
    assert "แสดงเมื่อ" in shown and "ตัดต้นไม้ใหม่" in shown, shown

    # A file slot on the second page.
    add_question(staff, "เอกสารแนบ", "ไฟล์แนบ")
    type_into(staff, "key", "tree_photo")
    type_into(staff, "label_th", "รูปถ่ายต้นไม้")
    tab_to(staff, "required")
    staff.keyboard.press("Space")
    press(staff, "button:บันทึก")
    assert staff.locator("#question-tree_photo").count() == 1
    shot(staff, "05-edit")
    fits(staff, "the edit page with its questions")

    # The preview at phone width: the condition hides and shows the question.
    tab_to(staff, "link:ตั้งค่า", back=True)
    press(staff, "link:ดูตัวอย่างขนาดจอโทรศัพท์")
    assert "/preview" in staff.url
    fits(staff, "the preview")
    assert not visible(staff, "reason")
    tab_to(staff, "kind-0")
    staff.keyboard.press("Space")
    assert staff.locator("#kind-0").is_checked()
    assert visible(staff, "reason")
    shot(staff, "06-preview-shown")
    staff.keyboard.press("ArrowDown")  # the other option
    assert staff.locator("#kind-1").is_checked()
    assert not visible(staff, "reason")
    shot(staff, "07-preview-hidden")
    fits(staff, "the preview")

    # Publish, then switch it on for the public.
    press(staff, "link:กลับไปหน้าสร้างบริการ", back=True)
    press(staff, "button:เผยแพร่")
    assert "เผยแพร่เป็นฉบับที่ 1" in staff.locator("body").inner_text()
    code = f"tree-cut-{agency.id}"  # the web-address part and the agency
    press(staff, "link:บริการที่เปิดให้ใช้งาน")
    assert staff.url.endswith(f"/admin/services/#svc-{agency.id}-{code}"), staff.url
    row = staff.locator(f"#svc-{agency.id}-{code}")
    assert row.locator(".badge").inner_text() == "ปิด"
    # The link lands on the service's row: its own button is a few Tabs on.
    press(staff, "button:เปิดบริการ ขออนุญาตตัดต้นไม้")  # each switch names its service
    assert row.locator(".badge").inner_text() == "เปิด"
    shot(staff, "08-services")
    staff.close()

    # The citizen, from the QR code's short link.
    person = browser.new_page(viewport={"width": WIDTH, "height": 800})
    sign_in(person, url, citizen.national_id)
    person.goto(f"{url}/s/{agency.code}/{code}")
    shot(person, "09-service-info")
    fits(person, "the service's page")
    press(person, "link:ยื่นคำร้อง…")
    assert f"/requests/new/{agency.code}/{code}" in person.url
    fits(person, "the citizen's form")
    assert not visible(person, "reason")
    tab_to(person, "kind-0")
    person.keyboard.press("Space")
    assert visible(person, "reason")
    type_into(person, "reason", "ต้นไม้ผุ เอนเข้าหาบ้าน")
    tab_to(person, "file_tree_photo")
    with person.expect_file_chooser() as chooser:
        person.keyboard.press("Space")
    chooser.value.set_files(str(photo))
    shot(person, "10-citizen-form")
    press(person, "button:ดำเนินการต่อ…")
    assert "/check/" in person.url, person.locator(".error").all_inner_texts()
    checked = person.locator("main").inner_text()
    assert "ตัดต้นไม้ใหม่" in checked and "ต้นไม้ผุ เอนเข้าหาบ้าน" in checked
    assert "ต้นไม้.pdf" in checked
    shot(person, "11-check")
    fits(person, "the check page")
    press(person, "button:ยืนยัน…")
    assert "/requests/sent/" in person.url
    shot(person, "12-sent")
    reference = person.locator("#reference").inner_text()
    assert reference.startswith("TC")

    with live_server["app"].app_context():
        sent = Request.get(Request.reference == reference)
        assert sent.service_code == code and sent.form_code == f"{code}@1"
        assert sent.payload["kind"] == "new"
        assert sent.payload["reason"] == "ต้นไม้ผุ เอนเข้าหาบ้าน"
        names = [a.original_name for a in Attachment.select().where(Attachment.request == sent)]
    assert names == ["ต้นไม้.pdf"]
