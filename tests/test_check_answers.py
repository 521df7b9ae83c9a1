"""Issue 22 §1–3: check answers before sending, files that survive errors,
and the confirmation page (GOV.UK's "check answers" and "confirmation page"
patterns), through real HTTP on a real database and file store."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pytest
import time_machine

from portal.models import AgencyService, Attachment, Draft, HeldFile, Request
from portal.thai import utcnow

from .conftest import CAPTCHA_TEXT, login, make_agency
from .helpers.certificate import certificate_data
from .helpers.files import EXE_BYTES, make_pdf, make_png
from .helpers.forms import form_values
from .helpers.send import is_check_page, send_form, sent_reference

FORM = "/requests/new/alpha/certificate"


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def stored(app) -> set[str]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def set_contact(agency, code: str, name: str, phone: str) -> None:
    (AgencyService.update(officer_name=name, officer_phone=phone)
     .where((AgencyService.agency == agency) & (AgencyService.service_code == code)).execute())


def post(client, url=FORM, **overrides):
    return client.post(url, data=certificate_data(**overrides),
                       content_type="multipart/form-data")


def test_nothing_is_created_until_the_check_page_button(app, world):
    client = signed_in(app, world["citizen"])
    r = post(client)
    assert is_check_page(r)
    assert Request.select().count() == 0 and Attachment.select().count() == 0
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "ตรวจสอบข้อมูลก่อนส่ง" in page and "ยืนยันและส่งคำร้อง" in page
    # Every answer and every file is listed, each with its own change link.
    for label, text in (("ตำแหน่ง", "ครู"), ("หน่วยงาน", "โรงเรียนบ้านหนองน้ำใส"),
                        ("เงินเดือน", "35,210.50"), ("ชื่อ", "สมชาย")):
        assert label in page and text in page
    assert "สำเนาบัตร.pdf" in page and "slip.png" in page
    assert page.count(">เปลี่ยน<") >= 10
    # Opening the check page again creates nothing either.
    client.get(r.headers["Location"])
    assert Request.select().count() == 0
    done = client.post(r.headers["Location"], data={"confirm": "1"})
    req = Request.get(Request.reference == sent_reference(done))
    files = {a.slot: a.original_name for a in Attachment.select().where(Attachment.request == req)}
    assert files == {"id_card": "สำเนาบัตร.pdf", "salary_slip": "slip.png"}
    assert Draft.select().count() == 0 and HeldFile.select().count() == 0
    # Pressing the button again (back button, double tap) sends nothing more.
    client.post(r.headers["Location"], data={"confirm": "1"})
    assert Request.select().count() == 1


def test_a_change_link_goes_back_to_that_field_with_every_value_kept(app, world):
    client = signed_in(app, world["citizen"])
    check = post(client).headers["Location"]
    page = client.get(check).get_data(as_text=True)
    links = dict(re.findall(r'data-field="(\w+)">.*?<a href="([^"]+)"', page, re.S))
    link = links["position"].replace("&amp;", "&")
    assert link.endswith("#position") and "draft=" in link
    form_page = client.get(link.split("#")[0]).get_data(as_text=True)
    values = form_values(form_page)
    assert values["position"] == "ครู" and values["work_unit"] == "โรงเรียนบ้านหนองน้ำใส"
    assert values["salary"] == "35210.50" and values["official_type"] == "teacher"
    assert "แนบแล้ว: สำเนาบัตร.pdf" in form_page and "แนบแล้ว: slip.png" in form_page
    # The file's change link opens that file's input (no JavaScript needed).
    file_page = client.get(links["file_id_card"].replace("&amp;", "&").split("#")[0])
    assert re.search(r'<details class="held-change" open>\s*<summary>เปลี่ยน<span[^>]*> '
                     r'สำเนาบัตรประชาชน</span></summary>\s*<label for="file_id_card"',
                     file_page.get_data(as_text=True))
    # Changed and sent again: one request with the new answer and the held files.
    r = send_form(client, FORM, data={**values, "position": "ครูชำนาญการ"})
    req = Request.get(Request.reference == sent_reference(r))
    assert req.payload["position"] == "ครูชำนาญการ"
    assert Attachment.select().where(Attachment.request == req).count() == 2


def test_a_file_stays_attached_across_an_error(app, world):
    client = signed_in(app, world["citizen"])
    slip = make_png()
    r = post(client, work_unit="", file_salary_slip=(io.BytesIO(slip), "สลิป.png"))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="work_unit-error"' in page
    assert "แนบแล้ว: สำเนาบัตร.pdf" in page and "แนบแล้ว: สลิป.png" in page
    values = form_values(page)
    assert values["draft"]
    # Fixed, with no file chosen again: both files are still there.
    r = send_form(client, FORM, data={**values, "work_unit": "โรงเรียนวัดใหม่"})
    req = Request.get(Request.reference == sent_reference(r))
    kept = {a.slot: a for a in Attachment.select().where(Attachment.request == req)}
    assert set(kept) == {"id_card", "salary_slip"}
    # The held bytes are what the request keeps: no copy, no second upload.
    assert kept["salary_slip"].stored_name in stored(app)
    data = (Path(app.config["UPLOAD_DIR"]) / kept["salary_slip"].stored_name[:2]
            / kept["salary_slip"].stored_name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == kept["salary_slip"].sha256


def test_a_wrong_file_type_is_reported_with_the_missing_field_in_one_round(app, world):
    client = signed_in(app, world["citizen"])
    r = post(client, work_unit="", file_id_card=(io.BytesIO(EXE_BYTES), "virus.pdf"))
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'id="work_unit-error"' in page and "รับเฉพาะไฟล์" in page
    # The refused file is not kept; the good one is.
    assert "แนบแล้ว: slip.png" in page and "แนบแล้ว: virus" not in page
    assert {h.slot for h in HeldFile.select()} == {"salary_slip"}


def test_a_held_file_is_refused_to_another_session(app, world):
    owner = signed_in(app, world["citizen"])
    page = post(owner, work_unit="").get_data(as_text=True)
    token = form_values(page)["draft"]
    held = HeldFile.get(HeldFile.slot == "id_card")
    data = {**certificate_data(file_id_card=None, file_salary_slip=None), "draft": token}
    # Another person, the same person in another browser, and a guest.
    for intruder in (signed_in(app, world["other_citizen"]), signed_in(app, world["citizen"]),
                     app.test_client()):
        r = intruder.post(FORM, data=data, content_type="multipart/form-data")
        if r.status_code == 302 and not is_check_page(r):
            continue  # a guest may not send this service at all: the login page
        text = r.get_data(as_text=True)
        assert r.status_code == 200 and 'id="file_id_card-error"' in text
        assert "สำเนาบัตร.pdf" not in text
        check = f"{FORM}/check/{token}"
        assert intruder.get(check).status_code == 302
        assert intruder.post(check, data={"confirm": "1"}).status_code == 302
    assert Request.select().count() == 0
    assert HeldFile.get_by_id(held.id).stored_name in stored(app)
    # The owner still has it.
    r = send_form(owner, FORM, data={**form_values(page), "work_unit": "โรงเรียนวัดใหม่"})
    req = Request.get(Request.reference == sent_reference(r))
    assert Attachment.get((Attachment.request == req) & (Attachment.slot == "id_card")
                          ).stored_name == held.stored_name


def test_the_sweep_removes_held_files_a_day_old(app, world):
    import time_machine

    from portal.ops import schedule

    old = signed_in(app, world["citizen"])
    post(old, work_unit="")
    old_names = {h.stored_name for h in HeldFile.select()}
    with time_machine.travel(utcnow().replace(tzinfo=dt.UTC) + dt.timedelta(hours=23)):
        fresh = signed_in(app, world["other_citizen"])
        post(fresh, work_unit="")
    fresh_names = {h.stored_name for h in HeldFile.select()} - old_names
    assert old_names <= stored(app) and len(fresh_names) == 2
    with time_machine.travel(utcnow().replace(tzinfo=dt.UTC) + dt.timedelta(hours=25)):
        with app.app_context():
            removed = schedule.sweep_drafts.call_local()
    assert removed == 2
    assert not (old_names & stored(app)) and fresh_names <= stored(app)
    assert {h.stored_name for h in HeldFile.select()} == fresh_names
    assert Draft.select().count() == 1


@pytest.mark.once
def test_the_sweep_is_a_periodic_job():
    from portal.base import jobs
    from portal.ops import schedule

    assert schedule.sweep_drafts in jobs.huey._registry._periodic_tasks or any(
        t.name.endswith("sweep_drafts") for t in jobs.huey._registry.periodic_tasks)


def test_the_confirmation_page_for_a_signed_in_citizen(app, world, bangkok_night):
    set_contact(world["agency"], "certificate", "นางสาวสุดา ใจดี", "02-123-4567")
    client = signed_in(app, world["citizen"])
    r = send_form(client, FORM, data=certificate_data())
    assert "/requests/sent/" in r.headers["Location"]
    req = Request.get(Request.reference == sent_reference(r))
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f'<strong id="reference">{req.reference}</strong>' in page
    assert "ขั้นตอนต่อไป" in page and "คาดว่าจะแล้วเสร็จ" in page
    assert "2569" in page  # the expected date, Buddhist era
    assert "นางสาวสุดา ใจดี" in page and "02-123-4567" in page
    assert f"/requests/{req.reference}/print" in page
    assert f"/status?ref={req.reference}" in page
    assert "เวลาราชการ" not in page  # a target in days: no office-hours sentence
    # Only its requester sees it.
    assert signed_in(app, world["other_citizen"]).get(r.headers["Location"]).status_code == 404
    assert app.test_client().get(r.headers["Location"]).status_code == 404


def test_the_confirmation_page_of_a_minute_target_sent_at_night(app, bangkok_night):
    from portal.requests.catalogue import set_enabled

    agency = make_agency("tambon-n", services=())
    set_enabled(agency, "street_light", True)
    set_contact(agency, "street_light", "นายช่างไฟฟ้า สว่างใจ", "081-111-2222")
    guest = app.test_client()
    guest.get("/captcha.png")
    r = send_form(guest, "/requests/new/tambon-n/street_light", data={
        "phone": "0898765432", "title": "นาง", "first_name": "บุญมี", "last_name": "ใจงาม",
        "problem": "out", "pole": "เสาที่ 12", "village": "3", "captcha": CAPTCHA_TEXT})
    assert "/requests/sent/" in r.headers["Location"], r.get_data(as_text=True)[-2000:]
    req = Request.get(Request.reference == sent_reference(r))
    page = guest.get(r.headers["Location"]).get_data(as_text=True)
    # Sent at 00:30 on Wednesday 2 Dec 2569: due 50 office minutes after 08:30.
    assert "2 ธ.ค. 2569, 09:20 น." in page
    assert "นับเฉพาะในเวลาราชการ (08:30–16:30 น. ในวันทำการ)" in page
    assert "นายช่างไฟฟ้า สว่างใจ" in page and "081-111-2222" in page
    # A guest prints from the confirmation page, in the browser that sent it.
    pdf = guest.get(f"/requests/sent/{req.reference}/print")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert app.test_client().get(f"/requests/sent/{req.reference}/print").status_code == 404


def test_a_guest_solves_the_robot_check_once_on_the_check_page(app):
    from portal.requests.catalogue import set_enabled

    agency = make_agency("tambon-c", services=())
    set_enabled(agency, "street_light", True)
    url = "/requests/new/tambon-c/street_light"
    guest = app.test_client()
    assert 'name="captcha"' not in guest.get(url).get_data(as_text=True)
    light = {"phone": "0898765432", "title": "นาง", "first_name": "บุญมี",
             "last_name": "ใจงาม", "problem": "out", "pole": "เสา 1", "village": "3"}
    # An error round spends no robot check; the form no longer asks one.
    bad = guest.post(url, data={**light, "pole": ""}, content_type="multipart/form-data")
    assert bad.status_code == 200 and 'name="captcha"' not in bad.get_data(as_text=True)
    r = guest.post(url, data={**form_values(bad.get_data(as_text=True)), "pole": "เสา 1"},
                   content_type="multipart/form-data")
    check = r.headers["Location"]
    assert 'name="captcha"' in guest.get(check).get_data(as_text=True)
    refused = guest.post(check, data={"confirm": "1"})
    assert refused.status_code == 200 and Request.select().count() == 0
    guest.get("/captcha.png")
    assert guest.post(check, data={"confirm": "1", "captcha": CAPTCHA_TEXT}).status_code == 302
    assert Request.select().count() == 1


def test_a_returned_request_is_corrected_through_its_check_page(app, world):
    from .helpers.certificate import new_certificate

    client, req = new_certificate(app, world["citizen"])
    signed_in(app, world["staff"]).post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "กรุณาแนบสลิปเดือนล่าสุด", "version": req.version})
    assert Request.get_by_id(req.id).status == "returned"
    edit = f"/requests/{req.reference}/edit"
    values = form_values(client.get(edit).get_data(as_text=True))
    r = client.post(edit, data={**values, "position": "ครูผู้ช่วย",
                                "file_salary_slip": (io.BytesIO(make_pdf()), "สลิปใหม่.pdf")},
                    content_type="multipart/form-data")
    assert is_check_page(r)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "ครูผู้ช่วย" in page and "สลิปใหม่.pdf" in page and "ยืนยันและส่งข้อมูลแก้ไข" in page
    assert "สำเนาบัตร.pdf (ไฟล์เดิมที่ส่งไว้แล้ว)" in page
    assert Request.get_by_id(req.id).status == "returned"  # nothing sent yet
    client.post(r.headers["Location"], data={"confirm": "1"})
    req = Request.get_by_id(req.id)
    assert req.status == "resubmitted" and req.payload["position"] == "ครูผู้ช่วย"
    current = {a.slot: a.original_name for a in Attachment.select().where(
        (Attachment.request == req) & Attachment.replaced_at.is_null())}
    assert current == {"id_card": "สำเนาบัตร.pdf", "salary_slip": "สลิปใหม่.pdf"}


def test_a_png_kept_after_an_error_is_shown_by_name_only_to_its_owner(app, world):
    """The form page of another session never names a held file."""
    client = signed_in(app, world["citizen"])
    post(client, work_unit="", file_salary_slip=(io.BytesIO(make_png()), "ลับเฉพาะ.png"))
    other = signed_in(app, world["other_citizen"])
    assert "ลับเฉพาะ.png" not in other.get(FORM).get_data(as_text=True)


def test_pressing_the_button_twice_sends_one_request(app, world, monkeypatch):
    """Two taps (or two tabs) that both found the draft before the first
    one's commit: the second stops at claiming it, and nothing doubles."""
    from portal.requests import drafts

    client = signed_in(app, world["citizen"])
    check = post(client).headers["Location"]
    stale = Draft.get(Draft.token == check.rsplit("/", 1)[1])
    stale_held = drafts.held(stale)
    real_find, real_held = drafts.find, drafts.held
    monkeypatch.setattr(drafts, "find", lambda token, **kw: real_find(token, **kw) or (
        stale if token == stale.token else None))
    monkeypatch.setattr(drafts, "held", lambda draft: real_held(draft) or (
        stale_held if draft is not None and draft.id == stale.id else {}))
    first = client.post(check, data={"confirm": "1"})
    second = client.post(check, data={"confirm": "1"})
    assert sent_reference(first)
    assert second.status_code == 302 and second.headers["Location"].endswith("/requests")
    assert Request.select().count() == 1 and Attachment.select().count() == 2


def test_a_guests_confirmation_is_not_left_to_the_next_person(app, world, bangkok_night):
    """An office's shared computer: the guest's confirmation page and print
    stay open to that browser for half an hour, and not once someone signs
    in or out on it."""
    from portal.requests.catalogue import set_enabled

    agency = make_agency("tambon-s", services=())
    set_enabled(agency, "street_light", True)
    light = {"phone": "0898765432", "title": "นาง", "first_name": "บุญมี",
             "last_name": "ใจงาม", "problem": "out", "pole": "เสาที่ 12", "village": "3"}

    def guest_sends(client):
        client.get("/captcha.png")
        r = send_form(client, "/requests/new/tambon-s/street_light",
                      data={**light, "captcha": CAPTCHA_TEXT})
        return f"/requests/sent/{sent_reference(r)}"

    shared = app.test_client()
    sent = guest_sends(shared)
    assert shared.get(sent).status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31)):
        assert shared.get(sent).status_code == 404
        assert shared.get(f"{sent}/print").status_code == 404
    # Sent, then the next person signs in at the same computer.
    sent = guest_sends(shared)
    assert shared.get(sent).status_code == 200
    assert login(shared, world["other_citizen"]).status_code == 302
    assert shared.get(sent).status_code == 404
