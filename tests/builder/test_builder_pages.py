"""The builder's staff pages through real HTTP: an agency admin makes,
edits, previews, publishes, exports and imports a service; nobody else
reaches another agency's services."""

from __future__ import annotations

import io
import json
import re

import pytest

from plugins.builder.definition import load
from plugins.builder.models import BuiltService, BuiltVersion
from portal.models import AuditLog

from ..conftest import login, make_agency, make_agency_admin, make_staff
from .sample import build, sample


@pytest.fixture
def offices(app):
    with app.app_context():
        own, other = make_agency("tambon-a", services=()), make_agency("tambon-b", services=())
        people = {"admin": make_agency_admin(own), "other_admin": make_agency_admin(other),
                  "clerk": make_staff(own)}
    return own, other, people


def _as(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_an_admin_makes_a_service_from_scratch_and_publishes_it(app, offices):
    own, _other, people = offices
    client = _as(app, people["admin"])
    made = client.post("/admin/builder/new", data={
        "agency": own.id, "start": "blank", "title_th": "ขอรับน้ำประปา",
        "slug": "water", "ref_prefix": "WT"})
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    built = BuiltService.get(BuiltService.slug == "water")
    assert built.code == f"water-{own.id}" and built.draft["title"]["th"] == "ขอรับน้ำประปา"
    edit = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "ขอรับน้ำประปา" in edit and "ยังไม่เผยแพร่" in edit
    # Settings: a target in minutes and guests allowed.
    saved = client.post(f"/admin/builder/{built.id}/settings", data={
        "revision": built.revision, "title_th": "ขอรับน้ำประปา", "ref_prefix": "WT",
        "target_kind": "minutes", "target_days": "5", "target_minutes": "50",
        "guest_allowed": "y"})
    assert saved.status_code == 302
    built = BuiltService.get_by_id(built.id)
    assert built.draft["target_minutes"] == 50 and built.draft["guest_allowed"] is True
    published = client.post(f"/admin/builder/{built.id}/publish",
                            data={"revision": built.revision})
    assert published.status_code == 302
    assert BuiltVersion.get(BuiltVersion.service == built).number == 1
    assert AuditLog.select().where(AuditLog.action == "builder_published").count() == 1


def test_a_stale_page_does_not_overwrite_a_newer_change(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    first = client.post(f"/admin/builder/{built.id}/change", data={
        "revision": 0, "do": "add_page", "title": "หน้าใหม่"})
    assert first.status_code == 302
    stale = client.post(f"/admin/builder/{built.id}/change", data={
        "revision": 0, "do": "add_page", "title": "หน้าจากหน้าเก่า"}, follow_redirects=True)
    assert "มีผู้อื่นแก้ไข" in stale.get_data(as_text=True)
    titles = [p["title"]["th"] for p in BuiltService.get_by_id(built.id).draft["pages"]]
    assert "หน้าใหม่" in titles and "หน้าจากหน้าเก่า" not in titles


def test_moving_and_removing_questions(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    client.post(f"/admin/builder/{built.id}/change", data={
        "revision": 0, "do": "down", "kind": "question", "key": "request_type"})
    keys = [q["key"] for q in BuiltService.get_by_id(built.id).draft["pages"][0]["questions"]]
    assert keys[:2] == ["old_number", "request_type"]
    client.post(f"/admin/builder/{built.id}/change", data={
        "revision": 1, "do": "remove", "kind": "question", "key": "old_number",
        "confirm": "1"})
    keys = [q["key"] for q in BuiltService.get_by_id(built.id).draft["pages"][0]["questions"]]
    assert "old_number" not in keys


def test_preview_shows_the_citizens_form_and_stores_nothing(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    page = client.get(f"/admin/builder/{built.id}/preview?phone=1").get_data(as_text=True)
    assert "preview-phone" in page and "ประเภทคำขอ" in page and "ตัวอย่าง" in page
    answered = client.post(f"/admin/builder/{built.id}/preview", data={
        "phone": "0812345678", "title": "นาย", "first_name": "ทดลอง",
        "last_name": "ระบบ", "request_type": "new", "age": "30",
        "items-0-thing": "ข้าว", "items-0-qty": "1"}, content_type="multipart/form-data")
    html = answered.get_data(as_text=True)
    assert answered.status_code == 200
    assert "แนบไฟล์ภาพถ่ายความเสียหาย" in html  # checked as the real form is
    from portal.models import Request

    assert Request.select().count() == 0


def test_preview_of_a_sign_in_service_shows_no_guest_block(app, offices):
    """A service that needs an account: the citizen sees the ID of the
    account, read-only, and no guest's e-mail; the preview shows the same."""
    own, _other, people = offices
    with app.app_context():
        built = build(own)  # the sample does not allow guests
    page = _as(app, people["admin"]).get(f"/admin/builder/{built.id}/preview").get_data(
        as_text=True)
    assert 'name="email"' not in page and "อีเมล (ถ้ามี" not in page
    assert 'name="national_id"' in page and "ข้อมูลจากบัญชีผู้ใช้ของท่าน" in page
    assert f'value="{people["admin"].national_id}"' in page


def test_preview_of_a_guest_service_shows_the_guest_block(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own, sample(guest_allowed=True))
    page = _as(app, people["admin"]).get(f"/admin/builder/{built.id}/preview").get_data(
        as_text=True)
    assert 'name="email"' in page and 'name="national_id"' not in page


def test_a_table_question_is_titled_once(app, offices):
    """The table's legend names it; no label (pointing at no input) repeats
    it, and its hint and error are given once and named by the group."""
    own, _other, people = offices
    definition = sample()
    definition["pages"][1]["title"] = {"th": "สิ่งของที่ขอ"}
    definition["pages"][1]["questions"][1]["hint"] = {"th": "กรอกทีละแถว"}
    with app.app_context():
        built = build(own, definition)
    client = _as(app, people["admin"])
    for html in (client.get(f"/admin/builder/{built.id}/preview").get_data(as_text=True),
                 client.post(f"/admin/builder/{built.id}/preview", data={
                     "items-0-thing": "ข้าว"}, content_type="multipart/form-data"
                 ).get_data(as_text=True)):
        form = html[html.index('class="form"'):]  # the error summary names it too
        assert form.count("รายการสิ่งของ") == 1, form.count("รายการสิ่งของ")
        assert '<label for="items"' not in html
        assert html.count('id="items-hint"') == 1 and html.count("กรอกทีละแถว") == 1
        assert 'aria-describedby="items-hint' in html
    assert html.count('id="items-error"') == 1 and "แถวที่ 1" in html
    assert 'aria-describedby="items-hint items-error"' in html
    assert 'href="#items-0-qty"' in html  # the summary reaches the refused cell


def test_export_then_import_into_another_agency(app, offices):
    own, other, people = offices
    with app.app_context():
        built = build(own)
    exported = _as(app, people["admin"]).get(f"/admin/builder/{built.id}/export")
    assert exported.mimetype == "application/json"
    assert "attachment" in exported.headers["Content-Disposition"]
    definition = json.loads(exported.data)
    assert definition["title"]["th"] == "ขอรับความช่วยเหลือ"
    client = _as(app, people["other_admin"])
    imported = client.post("/admin/builder/import", data={
        "agency": other.id, "slug": "", "file": (io.BytesIO(exported.data), "relief.json")},
        content_type="multipart/form-data")
    assert imported.status_code == 302, imported.get_data(as_text=True)[:2000]
    copy = BuiltService.get(BuiltService.agency == other)
    assert copy.code == f"relief-{other.id}"
    assert load(copy.draft) == load(definition)


def test_another_agencys_admin_and_a_clerk_reach_none_of_it(app, offices):
    own, other, people = offices
    with app.app_context():
        built = build(own)
    outsider = _as(app, people["other_admin"])
    for url in ("", "settings", "preview", "export", "question", "step"):
        assert outsider.get(f"/admin/builder/{built.id}/{url}").status_code == 404, url
    for url, data in (("change", {"do": "add_page", "title": "x"}), ("publish", {}),
                      ("delete", {})):
        assert outsider.post(f"/admin/builder/{built.id}/{url}",
                             data={"revision": 0, **data}).status_code == 404, url
    assert "ขอรับความช่วยเหลือ" not in outsider.get("/admin/builder/").get_data(as_text=True)
    refused = outsider.post("/admin/builder/new", data={
        "agency": own.id, "start": "copy", "source": built.id, "title_th": "ขโมย",
        "slug": "steal", "ref_prefix": "ST"})
    assert refused.status_code == 200  # the agency is not theirs to choose
    assert not BuiltService.select().where(BuiltService.slug == "steal").exists()
    clerk = _as(app, people["clerk"])
    assert clerk.get("/admin/builder/").status_code in (302, 403)
    assert BuiltService.get_by_id(built.id).revision == 0


def test_a_service_with_requests_cannot_be_deleted(app, offices):
    from portal.requests.lifecycle import Status, create_request

    own, _other, people = offices
    with app.app_context():
        built = build(own)
        create_request(prefix="RL", service_code=built.code, agency=own, requester=None,
                       applicant_name="ก", status=Status.SUBMITTED, payload={})
    client = _as(app, people["admin"])
    refused = client.post(f"/admin/builder/{built.id}/delete", follow_redirects=True)
    assert "ไม่สามารถลบ" in refused.get_data(as_text=True)
    assert BuiltService.get_or_none(BuiltService.id == built.id) is not None


def test_questions_are_added_with_a_condition_through_the_editor(app, offices):
    own, _other, people = offices
    client = _as(app, people["admin"])
    client.post("/admin/builder/new", data={
        "agency": own.id, "start": "blank", "title_th": "ขอตัดต้นไม้", "slug": "trees",
        "ref_prefix": "TC"})
    built = BuiltService.get(BuiltService.slug == "trees")
    url = f"/admin/builder/{built.id}/question?page=page1"
    assert "ประเภทคำถาม" in client.get(url + "&type=choice").get_data(as_text=True)
    added = client.post(url, data={"revision": 0, "key": "kind", "type": "choice",
                                   "label_th": "ประเภทคำขอ", "required": "y",
                                   "options-0-th": "ขอใหม่", "options-1-th": "ต่ออายุ",
                                   "display": "radio"})
    assert added.status_code == 302, added.get_data(as_text=True)[:3000]
    kind = BuiltService.get_by_id(built.id).draft["pages"][0]["questions"][0]
    values = [o["value"] for o in kind["options"]]
    added = client.post(url, data={"revision": 1, "key": "old_no", "type": "text",
                                   "label_th": "เลขที่ใบอนุญาตเดิม", "required": "y",
                                   "when_key_1": "kind", "when_op_1": "eq",
                                   "when_value_1": "ต่ออายุ"})
    assert added.status_code == 302, added.get_data(as_text=True)[:3000]
    draft = BuiltService.get_by_id(built.id).draft
    old_no = draft["pages"][0]["questions"][1]
    assert old_no["when"] == {"==": [{"var": "kind"}, values[1]]}
    edit = client.get(f"/admin/builder/{built.id}/").get_data(as_text=True)
    assert "แสดงเมื่อ: ประเภทคำขอ เท่ากับ ต่ออายุ" in edit
    # A condition on a question that comes later is refused, in Thai.
    refused = client.post(f"/admin/builder/{built.id}/question?key=kind", data={
        "revision": 2, "key": "kind", "type": "choice", "label_th": "ประเภทคำขอ",
        "options-0-value": values[0], "options-0-th": "ขอใหม่",
        "options-1-value": values[1], "options-1-th": "ต่ออายุ",
        "when_json": '{"==": [{"var": "old_no"}, "x"]}'})
    assert refused.status_code == 200
    assert BuiltService.get_by_id(built.id).revision == 2


def test_deleting_an_unsent_service_asks_once_more(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    asked = client.post(f"/admin/builder/{built.id}/delete")
    assert asked.status_code == 200 and "ลบบริการนี้หรือไม่" in asked.get_data(as_text=True)
    assert BuiltService.get_or_none(BuiltService.id == built.id) is not None
    done = client.post(f"/admin/builder/{built.id}/delete", data={"confirm": "1"})
    assert done.status_code == 302
    assert BuiltService.get_or_none(BuiltService.id == built.id) is None


def test_one_request_per_national_id_counts_the_account_or_a_question(app, offices):
    from .sample import sample

    own, _other, people = offices
    defn = sample(slug="elderly")
    defn["pages"][0]["questions"].insert(0, {
        "key": "elder_id", "type": "national_id", "label": {"th": "เลขประจำตัวผู้สูงอายุ"},
        "required": True})
    with app.app_context():
        built = build(own, defn)
    client = _as(app, people["admin"])
    page = client.get(f"/admin/builder/{built.id}/settings").get_data(as_text=True)
    assert "เลขประจำตัวประชาชนที่ตอบในคำถาม «เลขประจำตัวผู้สูงอายุ»" in page
    base = {"title_th": "เบี้ยยังชีพ", "ref_prefix": "RL", "target_kind": "days",
            "target_days": "5"}
    for choice, stored in (("question:elder_id", "elder_id"), ("account", True), ("", None)):
        built = BuiltService.get_by_id(built.id)
        saved = client.post(f"/admin/builder/{built.id}/settings",
                            data={**base, "revision": built.revision,
                                  "one_per_national_id": choice})
        assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
        assert BuiltService.get_by_id(built.id).draft.get("one_per_national_id") == stored
    # A question that is not a national ID is not offered, and a crafted
    # answer naming it is refused.
    built = BuiltService.get_by_id(built.id)
    crafted = client.post(f"/admin/builder/{built.id}/settings", data={
        **base, "revision": built.revision, "one_per_national_id": "question:age"})
    assert crafted.status_code == 200
    assert BuiltService.get_by_id(built.id).draft.get("one_per_national_id") is None


# ---- The question editor on a phone: the type first, then its settings ----

def _names(html: str) -> set[str]:
    return set(re.findall(r'name="([^"]+)"', html))


def test_adding_a_question_asks_for_its_type_first(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    edit = client.get(f"/admin/builder/{built.id}/").get_data(as_text=True)
    assert f'href="/admin/builder/{built.id}/question?page=kind_page"' in edit
    url = f"/admin/builder/{built.id}/question?page=kind_page"
    asked = client.get(url).get_data(as_text=True)
    assert len(re.findall(r'type="radio" name="type"', asked)) == 19
    assert "ข้อความสั้น" in asked and "หลายแถว" in asked
    assert "ค่าที่คำนวณจากคำตอบก่อนหน้า" in asked  # a line saying what each type is
    assert "label_th" not in _names(asked)
    # Sent without a pick: asked again, in Thai.
    again = client.get(url + "&asked=1").get_data(as_text=True)
    assert "เลือกประเภทคำถาม" in again and 'aria-invalid="true"' in again
    # A picked type: only its settings.
    choice = _names(client.get(url + "&type=choice").get_data(as_text=True))
    assert {"label_th", "options-0-th", "options-0-en", "display", "required"} <= choice
    assert not choice & {"min", "max", "columns-0-th", "formula_kind", "text_th", "kinds",
                         "max_length", "options"}
    number = _names(client.get(url + "&type=number").get_data(as_text=True))
    assert {"min", "max", "decimals"} <= number and "options-0-th" not in number
    heading = _names(client.get(url + "&type=heading").get_data(as_text=True))
    assert "label_th" in heading and not heading & {"hint_th", "required", "personal"}


def test_editing_a_question_shows_its_types_settings_and_saved_values_read_only(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    html = client.get(f"/admin/builder/{built.id}/question?key=request_type").get_data(
        as_text=True)
    assert not _names(html) & {"min", "columns-0-th", "formula_kind", "text_th"}
    assert re.search(r'<input[^>]*type="hidden"[^>]*name="options-0-value"[^>]*value="new"',
                     html) or re.search(r'name="options-0-value" type="hidden" value="new"',
                                        html), html
    assert "<code>new</code>" in html and 'value="ขอใหม่"' in html
    table = _names(client.get(f"/admin/builder/{built.id}/question?key=items")
                   .get_data(as_text=True))
    assert {"columns-0-th", "columns-1-min", "columns-0-required", "min_rows"} <= table
    assert "columns-0-min" not in table  # a text column has no smallest value
    assert "options-0-th" not in table


def test_options_are_rows_whose_values_stay_when_reworded(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    saved = client.post(f"/admin/builder/{built.id}/question?key=request_type", data={
        "revision": 0, "shown_type": "choice", "type": "choice", "key": "request_type",
        "label_th": "ประเภทคำขอ", "required": "y", "display": "radio",
        "options-0-value": "renew", "options-0-th": "ต่ออายุใบอนุญาต",
        "options-1-value": "new", "options-1-th": "ขอใหม่", "options-1-en": "New",
        "options-2-th": "ย้ายที่อยู่", "options-2-en": "Moved house",
        "options-3-th": "แก้ไขข้อมูล", "options-4-th": "", "options-4-en": ""})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    q = BuiltService.get_by_id(built.id).draft["pages"][0]["questions"][0]
    assert q["options"] == [
        {"value": "renew", "label": {"th": "ต่ออายุใบอนุญาต"}},
        {"value": "new", "label": {"th": "ขอใหม่", "en": "New"}},
        {"value": "moved_house", "label": {"th": "ย้ายที่อยู่", "en": "Moved house"}},
        {"value": "option_1", "label": {"th": "แก้ไขข้อมูล"}}]
    # A row whose words are taken out goes; a crafted value is refused.
    refused = client.post(f"/admin/builder/{built.id}/question?key=request_type", data={
        "revision": 1, "shown_type": "choice", "type": "choice", "key": "request_type",
        "label_th": "ประเภทคำขอ", "options-0-value": "bad value", "options-0-th": "ก"})
    assert refused.status_code == 200
    assert "ตัวเลือกที่ 1" in refused.get_data(as_text=True)


def test_add_rows_draws_the_page_again_with_more_empty_rows(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    url = f"/admin/builder/{built.id}/question?page=kind_page&type=choice"
    first = _names(client.get(url).get_data(as_text=True))
    rows = len({n for n in first if n.startswith("options-") and n.endswith("-th")})
    more = client.post(url, data={"revision": 0, "shown_type": "choice", "type": "choice",
                                  "key": "q9", "label_th": "ขนาด", "options-0-th": "เล็ก",
                                  "options-1-th": "", "options-1-en": "", "more": "options"})
    html = more.get_data(as_text=True)
    assert more.status_code == 200
    after = {n for n in _names(html) if n.startswith("options-") and n.endswith("-th")}
    assert len(after) == rows + 3 and 'value="เล็ก"' in html and 'value="ขนาด"' in html
    assert BuiltService.get_by_id(built.id).revision == 0  # nothing saved
    # A table's columns and a choice column's options the same way.
    url = f"/admin/builder/{built.id}/question?key=items"
    html = client.post(url, data={
        "revision": 0, "shown_type": "table", "type": "table", "key": "items",
        "label_th": "รายการ", "columns-0-key": "thing", "columns-0-type": "text",
        "columns-0-th": "สิ่งของ", "columns-1-type": "choice", "columns-1-th": "ขนาด",
        "more": "columns"}).get_data(as_text=True)
    names = _names(html)
    assert "columns-1-options-0-th" in names and "columns-0-options-0-th" not in names
    assert len({n for n in names if re.fullmatch(r"columns-\d+-th", n)}) >= 5


def test_changing_the_type_draws_its_settings_and_keeps_what_was_typed(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    url = f"/admin/builder/{built.id}/question?key=old_number"
    base = {"revision": 0, "key": "old_number", "label_th": "เลขที่เดิม (แก้แล้ว)",
            "required": "y", "max_length": "20"}
    changed = client.post(url, data={**base, "shown_type": "text", "type": "choice",
                                     "do": "change_type"})
    html = changed.get_data(as_text=True)
    assert changed.status_code == 200 and "options-0-th" in _names(html)
    assert 'value="เลขที่เดิม (แก้แล้ว)"' in html
    # What the text question had stays on the page (hidden), said so.
    assert re.search(r'type="hidden"[^>]*name="max_length"[^>]*value="20"|'
                     r'name="max_length"[^>]*type="hidden"[^>]*value="20"', html), html
    assert "ไม่ใช้กับคำถามประเภทนี้" in html and "จำนวนตัวอักษรสูงสุด" in html
    assert BuiltService.get_by_id(built.id).revision == 0
    # Saving with another type picked but not yet drawn draws it first.
    drawn = client.post(url, data={**base, "shown_type": "text", "type": "number"})
    assert drawn.status_code == 200 and "min" in _names(drawn.get_data(as_text=True))
    assert BuiltService.get_by_id(built.id).revision == 0
    # Saved as a choice: the text's settings are not.
    saved = client.post(url, data={**base, "shown_type": "choice", "type": "choice",
                                   "options-0-th": "ก", "options-1-th": "ข"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    q = BuiltService.get_by_id(built.id).draft["pages"][0]["questions"][1]
    assert q["type"] == "choice" and "max_length" not in q and len(q["options"]) == 2


# ---- Deleting a question, a page or a step asks once more ---------------------

def _remove(client, built, kind, key, **extra):
    return client.post(f"/admin/builder/{built.id}/change", data={
        "revision": BuiltService.get_by_id(built.id).revision, "do": "remove", "kind": kind,
        "key": key, **extra})


def test_deleting_a_question_asks_once_more_and_names_what_reads_it(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    asked = _remove(client, built, "question", "carer_name")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "ลบคำถามนี้หรือไม่" in html and "ชื่อผู้ดูแล" in html
    assert 'name="confirm" value="1"' in html and 'name="csrf_token"' in html
    assert BuiltService.get_by_id(built.id).revision == 0
    done = _remove(client, built, "question", "carer_name", confirm="1")
    assert done.status_code == 302
    keys = [q["key"] for q in BuiltService.get_by_id(built.id).draft["pages"][0]["questions"]]
    assert "carer_name" not in keys
    # A question a condition reads: the page names the reader and has no yes.
    asked = _remove(client, built, "question", "request_type").get_data(as_text=True)
    assert "เลขที่คำขอเดิม" in asked and 'name="confirm"' not in asked
    assert "question?key=old_number" in asked
    refused = _remove(client, built, "question", "request_type", confirm="1")
    assert refused.status_code == 302
    keys = [q["key"] for q in BuiltService.get_by_id(built.id).draft["pages"][0]["questions"]]
    assert "request_type" in keys
    assert "อ่านคำตอบของคำถามนี้" in client.get(refused.headers["Location"]).get_data(
        as_text=True)
    # Deleting is a POST: a GET of the change address is not allowed.
    assert client.get(f"/admin/builder/{built.id}/change").status_code == 405


def test_deleting_a_page_asks_once_more_and_says_its_questions_go(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    asked = _remove(client, built, "page", "items_page").get_data(as_text=True)
    assert "ลบหน้านี้หรือไม่" in asked and "รายการสิ่งของ" in asked
    assert "ภาพถ่ายความเสียหาย" in asked  # its questions are listed
    assert len(BuiltService.get_by_id(built.id).draft["pages"]) == 2
    _remove(client, built, "page", "items_page", confirm="1")
    assert [p["key"] for p in BuiltService.get_by_id(built.id).draft["pages"]] == ["kind_page"]
    # The only page: nothing to confirm.
    asked = _remove(client, built, "page", "kind_page").get_data(as_text=True)
    assert 'name="confirm"' not in asked and "อย่างน้อยหนึ่งหน้า" in asked


def test_deleting_a_step_asks_once_more(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    asked = _remove(client, built, "step", "check").get_data(as_text=True)
    assert "ลบขั้นตอนนี้หรือไม่" in asked and "ตรวจสอบ" in asked
    _remove(client, built, "step", "check", confirm="1")
    assert [s["code"] for s in BuiltService.get_by_id(built.id).draft["steps"]] == ["decide"]


def test_the_reference_prefix_says_what_it_makes(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    for url in (f"/admin/builder/{built.id}/settings", "/admin/builder/new"):
        html = client.get(url).get_data(as_text=True)
        assert "ref_prefix-hint" in html and "TC-690315-K7Q4M" in html, url
        assert "ขึ้นต้นเลขที่คำร้อง" in html, url
