"""A built service filled in and sent through the real pages, with its
conditions worked out on the server."""

from __future__ import annotations

import io

from portal.models import Attachment, Request

from ..conftest import login, make_agency, make_user
from ..helpers.files import make_jpg
from ..helpers.send import send_form
from .sample import build

APPLICANT = {"phone": "0812345678", "title": "นาง", "first_name": "สมศรี", "last_name": "ใจดี"}


def _answers(**more):
    data = {**APPLICANT, "request_type": "new", "age": "45",
            "items-0-thing": "ข้าวสาร", "items-0-qty": "2", "items-0-price": "350.50",
            "items-1-thing": "น้ำดื่ม", "items-1-qty": "10", "items-1-price": "12",
            }
    data.update(more)
    return data


def _setup(app):
    with app.app_context():
        agency = make_agency("tambon-a", services=())
        built = build(agency)
        citizen = make_user()
    return agency, built, citizen


def test_a_built_service_is_sent_and_reads_back(app):
    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    url = f"/requests/new/tambon-a/{built.code}"
    page = client.get(url).get_data(as_text=True)
    assert "ประเภทคำขอ" in page and "รายการสิ่งของ" in page
    assert "<b>กรอก</b>" in page and "alert(1)" not in page  # sanitised help text
    data = _answers(file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    sent = send_form(client, url, data)
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    with app.app_context():
        req = Request.get(Request.service_code == built.code)
        assert req.form_code == f"{built.code}@1"
        assert req.payload["items"] == [
            {"thing": "ข้าวสาร", "qty": 2, "price": "350.50"},
            {"thing": "น้ำดื่ม", "qty": 10, "price": "12.00"}]
        assert req.payload["total"] == "821.00"
        # Questions their conditions hid are not answers at all.
        assert "old_number" not in req.payload and "carer_name" not in req.payload
        assert "big_reason" not in req.payload
        assert Attachment.get(Attachment.request == req).slot == "photo"
    view = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    assert "1. สิ่งของ ข้าวสาร, จำนวน 2, ราคาต่อหน่วย 350.50" in view
    assert "821.00" in view and "เลขที่คำขอเดิม" not in view


def test_a_hidden_required_question_is_not_required_and_a_crafted_answer_is_dropped(app):
    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    data = _answers(old_number="แอบส่ง", carer_name="แอบส่ง", big_reason="แอบส่ง",
                    file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    sent = send_form(client, f"/requests/new/tambon-a/{built.code}", data)
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    with app.app_context():
        payload = Request.get(Request.service_code == built.code).payload
    assert not {"old_number", "carer_name", "big_reason"} & set(payload)


def test_a_condition_that_holds_makes_its_question_required(app):
    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    # Renewal at 70 with a total over 10,000: three more questions apply.
    data = _answers(request_type="renew", age="70", **{"items-0-qty": "40"},
                    file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    refused = send_form(client, f"/requests/new/tambon-a/{built.code}", data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    for label in ("เลขที่คำขอเดิม", "ชื่อผู้ดูแล", "เหตุผลที่ขอมาก"):
        assert f"กรอก{label}" in html, label
    data.update(old_number="RL-1", carer_name="นายดูแล ดี", big_reason="บ้านเสียหายทั้งหลัง",
                file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    sent = send_form(client, f"/requests/new/tambon-a/{built.code}", data)
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    with app.app_context():
        payload = Request.get(Request.service_code == built.code).payload
    assert payload["old_number"] == "RL-1" and payload["total"] == "14140.00"


def test_table_rows_are_checked_per_filled_row(app):
    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    data = _answers(**{"items-1-qty": "", "items-0-qty": "ศูนย์"},
                    file_photo=(io.BytesIO(make_jpg()), "photo.jpg"))
    refused = send_form(client, f"/requests/new/tambon-a/{built.code}", data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "แถวที่ 1" in html and "แถวที่ 2" in html


def _limited(app, **settings):
    from .sample import sample

    with app.app_context():
        agency = make_agency("tambon-b", services=())
        built = build(agency, sample(slug="seats", **settings))
        people = [make_user() for _ in range(3)]
    return built, people


def _send(app, built, person):
    client = app.test_client()
    login(client, person)
    return client, send_form(client, f"/requests/new/tambon-b/{built.code}",
                             _answers(file_photo=(io.BytesIO(make_jpg()), "p.jpg")))


def test_the_last_seat_closes_the_form(app):
    built, people = _limited(app, max_submissions=1)
    _client, first = _send(app, built, people[0])
    assert first.status_code == 302
    client = app.test_client()
    login(client, people[1])
    closed = client.get(f"/requests/new/tambon-b/{built.code}")
    assert closed.status_code == 404
    assert "มีผู้ยื่นคำร้องครบ 1 รายแล้ว" in closed.get_data(as_text=True)


def test_a_seat_taken_between_the_form_and_the_check_page_is_refused_in_words(app):
    built, people = _limited(app, max_submissions=1)
    late = app.test_client()
    login(late, people[1])
    form = late.post(f"/requests/new/tambon-b/{built.code}",
                     data=_answers(file_photo=(io.BytesIO(make_jpg()), "p.jpg")),
                     content_type="multipart/form-data")
    assert "/check/" in form.headers["Location"]
    _send(app, built, people[0])  # takes the seat meanwhile
    refused = late.post(form.headers["Location"], data={"confirm": "1"},
                        follow_redirects=True)
    assert "มีผู้ยื่นคำร้องครบ 1 รายแล้ว" in refused.get_data(as_text=True)
    with app.app_context():
        assert Request.select().where(Request.service_code == built.code).count() == 1


def test_one_request_per_person(app):
    built, people = _limited(app, one_per_national_id=True)
    _client, first = _send(app, built, people[0])
    assert first.status_code == 302
    _client, again = _send(app, built, people[0])
    assert "คุณมีคำร้องบริการนี้อยู่แล้ว" in again.get_data(as_text=True)
    _client, other = _send(app, built, people[1])
    assert other.status_code == 302


def _per_elder(app):
    """A service taking one request per elderly person, whose ID the carer
    gives in a question (the carer applies, not the elder)."""
    from .sample import sample

    defn = sample(slug="elderly", one_per_national_id="elder_id")
    defn["pages"][0]["questions"].insert(0, {
        "key": "elder_id", "type": "national_id", "label": {"th": "เลขประจำตัวผู้สูงอายุ"},
        "required": True})
    with app.app_context():
        agency = make_agency("tambon-c", services=())
        built = build(agency, defn)
        carers = [make_user() for _ in range(2)]
    return agency, built, carers


def _apply_for(app, built, carer, elder_id, **more):
    client = app.test_client()
    login(client, carer)
    return client, send_form(client, f"/requests/new/tambon-c/{built.code}", _answers(
        elder_id=elder_id, file_photo=(io.BytesIO(make_jpg()), "p.jpg"), **more))


def test_one_request_per_the_national_id_a_carer_gives(app):
    from ..conftest import new_national_id

    _agency, built, carers = _per_elder(app)
    elder, other_elder = new_national_id(), new_national_id()
    _c, first = _apply_for(app, built, carers[0], elder)
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    # Another carer, the same elder: refused at the question, and the
    # earlier request's reference is not told to whoever typed the ID.
    _c, again = _apply_for(app, built, carers[1], elder)
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "มีคำร้องของเลขประจำตัวประชาชนนี้อยู่แล้ว" in html
    earlier = Request.get(Request.service_code == built.code)
    assert earlier.reference not in html
    # The same carer may apply for a second elder: it is the elder who counts.
    _c, second = _apply_for(app, built, carers[0], other_elder)
    assert second.status_code == 302
    assert Request.select().where(Request.service_code == built.code).count() == 2
    # A cancelled request no longer holds the elder's place.
    Request.update(status="cancelled").where(Request.id == earlier.id).execute()
    _c, after = _apply_for(app, built, carers[1], elder)
    assert after.status_code == 302


def test_one_request_per_national_id_holds_when_staff_record_it(app):
    from ..conftest import make_staff, new_national_id

    agency, built, carers = _per_elder(app)
    elder = new_national_id()
    _c, first = _apply_for(app, built, carers[0], elder)
    assert first.status_code == 302
    with app.app_context():
        clerk = make_staff(agency, services=(built.code,))
    staff = app.test_client()
    login(staff, clerk)
    url = f"/admin/requests/record?agency={agency.id}&service={built.code}"
    counter = {"channel": "counter", **_answers(file_photo=(io.BytesIO(make_jpg()), "p.jpg"))}
    refused = send_form(staff, url, {**counter, "elder_id": elder})
    assert "มีคำร้องของเลขประจำตัวประชาชนนี้อยู่แล้ว" in refused.get_data(as_text=True)
    assert Request.select().where(Request.service_code == built.code).count() == 1
    # An elder who walks in with no account is recorded: no account is needed
    # when the ID counted is an answer.
    counter["file_photo"] = (io.BytesIO(make_jpg()), "p.jpg")
    taken = send_form(staff, url, {**counter, "elder_id": new_national_id()})
    assert taken.status_code == 302, taken.get_data(as_text=True)[:3000]
    assert Request.select().where(Request.service_code == built.code).count() == 2


def test_a_correction_may_not_take_another_elders_place(app):
    from ..conftest import make_staff, new_national_id
    from ..helpers.forms import form_values

    agency, built, carers = _per_elder(app)
    elder, other_elder = new_national_id(), new_national_id()
    _apply_for(app, built, carers[0], elder)
    carer, second = _apply_for(app, built, carers[1], other_elder)
    assert second.status_code == 302
    req = Request.get((Request.service_code == built.code) & (Request.requester == carers[1].id))
    with app.app_context():
        clerk = make_staff(agency, services=(built.code,))
    staff = app.test_client()
    login(staff, clerk)
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "กรุณาตรวจเลขบัตร", "version": req.version})
    assert Request.get_by_id(req.id).status == "returned"
    edit = carer.get(f"/requests/{req.reference}/edit")
    assert edit.status_code == 200
    values = form_values(edit.get_data(as_text=True))
    values["elder_id"] = elder
    refused = send_form(carer, f"/requests/{req.reference}/edit", values)
    assert "มีคำร้องของเลขประจำตัวประชาชนนี้อยู่แล้ว" in refused.get_data(as_text=True)
    assert Request.get_by_id(req.id).status == "returned"
    assert Request.get_by_id(req.id).payload["elder_id"] == other_elder


def test_dates_open_and_close_the_form(app, bangkok_night):
    import datetime as dt

    today = bangkok_night.date()
    built, people = _limited(app, opens_on=(today + dt.timedelta(days=1)).isoformat())
    client = app.test_client()
    login(client, people[0])
    early = client.get(f"/requests/new/tambon-b/{built.code}")
    assert early.status_code == 404 and "เปิดรับคำร้องตั้งแต่วันที่" in early.get_data(
        as_text=True)


def test_a_returned_v1_request_is_corrected_on_v1_after_v2_is_published(app):
    from plugins.builder.models import BuiltService
    from plugins.builder.store import publish
    from portal.models import Membership, MembershipService

    from ..conftest import make_staff
    from ..helpers.forms import form_values
    from .sample import sample

    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    sent = send_form(client, f"/requests/new/tambon-a/{built.code}",
                     _answers(file_photo=(io.BytesIO(make_jpg()), "photo.jpg")))
    assert sent.status_code == 302
    with app.app_context():
        req = Request.get(Request.service_code == built.code)
        clerk = make_staff(agency, services=(built.code,))
        assert MembershipService.select().join(Membership).where(
            Membership.user == clerk).count() == 1
    staff = app.test_client()
    login(staff, clerk)
    returned = staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "กรุณาแก้จำนวน", "version": req.version})
    assert returned.status_code in (200, 302)
    assert Request.get_by_id(req.id).status == "returned"
    # Version 2 renames the age question and adds a required one.
    v2 = sample()
    v2["pages"][0]["questions"][2]["label"] = {"th": "อายุ (ปีเต็ม) ฉบับสอง"}
    v2["pages"][0]["questions"].append({"key": "village", "type": "text", "required": True,
                                        "label": {"th": "หมู่บ้าน (ฉบับสอง)"}})
    with app.app_context():
        publish(BuiltService.get_by_id(built.id), v2, None)
    edit = f"/requests/{req.reference}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert "อายุ" in page and "ฉบับสอง" not in page  # still the form it was sent on
    values = form_values(page)
    values["items-0-qty"] = "3"
    r = client.post(edit, data=values, content_type="multipart/form-data")
    assert "/check/" in r.headers.get("Location", ""), r.get_data(as_text=True)[:3000]
    client.post(r.headers["Location"], data={"confirm": "1"})
    req = Request.get_by_id(req.id)
    assert req.status == "resubmitted" and req.form_code == f"{built.code}@1"
    assert req.payload["items"][0]["qty"] == 3 and "village" not in req.payload
    # The staff see the answers on v1's labels, and the change named.
    process = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "อายุ" in process and "ฉบับสอง" not in process
    assert "รายการสิ่งของ" in process
    # A new request takes v2.
    fresh = client.get(f"/requests/new/tambon-a/{built.code}").get_data(as_text=True)
    assert "หมู่บ้าน (ฉบับสอง)" in fresh


def test_a_built_request_prints_checks_and_forgets_like_a_written_one(app):
    """The printed PDF lays its answers out in Thai, the status check
    finds it, and deleting the account blanks every answer."""
    from portal.models import Notification
    from portal.requests.privacy import anonymise

    from ..test_printing import pdf_text

    agency, built, citizen = _setup(app)
    client = app.test_client()
    login(client, citizen)
    send_form(client, f"/requests/new/tambon-a/{built.code}",
              _answers(file_photo=(io.BytesIO(make_jpg()), "photo.jpg")))
    req = Request.get(Request.service_code == built.code)
    assert req.reference.startswith("RL")
    text = pdf_text(client.get(f"/requests/{req.reference}/print").data)
    for expected in (req.reference, "ขอรับความช่วยเหลือ", "ประเภทคำขอ", "ขอใหม่",
                     "ข้าวสาร", "821.00", "ภาพถ่ายความเสียหาย"):
        assert expected in text, expected
    checked = app.test_client().post("/status", data={"reference": req.reference,
                                                      "phone_last4": "5678"})
    assert "ขอรับความช่วยเหลือ" in checked.get_data(as_text=True)
    assert Notification.select().where(Notification.request == req).exists()
    with app.app_context():
        Request.update(status="cancelled").where(Request.id == req.id).execute()
        anonymise(citizen)
    assert Request.get_by_id(req.id).payload == {}


def test_the_staff_list_filters_on_a_choice_and_exports_every_question(app):
    from ..conftest import make_staff
    from .sample import sample

    with app.app_context():
        agency = make_agency("tambon-a", services=())
        built = build(agency, sample(staff_columns=["request_type", "total"]))
        clerk = make_staff(agency, services=(built.code,))
        outsider = make_staff(make_agency("tambon-z", services=()), services=(built.code,))
        people = [make_user(), make_user()]
    for person, kind in zip(people, ("new", "renew"), strict=True):
        client = app.test_client()
        login(client, person)
        sent = send_form(client, f"/requests/new/tambon-a/{built.code}", _answers(
            request_type=kind, old_number="A-1",
            file_photo=(io.BytesIO(make_jpg()), "p.jpg")))
        assert sent.status_code == 302
    staff = app.test_client()
    login(staff, clerk)
    listed = staff.get(f"/admin/built_requests/{built.code}/").get_data(as_text=True)
    assert listed.count("RL") >= 2 and "ต่ออายุ" in listed and "821.00" in listed
    only_new = staff.get(f"/admin/built_requests/{built.code}/?f_request_type=new")
    html = only_new.get_data(as_text=True)
    assert "ขอใหม่" in html and "ต่ออายุ</td>" not in html
    exported = staff.get(f"/admin/built_requests/{built.code}/export.csv?f_request_type=renew")
    import csv

    head, *rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert {"ประเภทคำขอ", "เลขที่คำขอเดิม", "รายการสิ่งของ", "รวมเป็นเงิน"} <= set(head)
    assert len(rows) == 1 and "ต่ออายุ" in rows[0] and "A-1" in rows[0]
    assert rows[0][head.index("รายการสิ่งของ")].startswith("1. สิ่งของ ข้าวสาร")
    xlsx = staff.get(f"/admin/built_requests/{built.code}/export.xlsx")
    assert xlsx.data[:2] == b"PK"
    # Staff of another agency who handle a service of that code see nothing.
    other = app.test_client()
    login(other, outsider)
    assert other.get(f"/admin/built_requests/{built.code}/").status_code == 404
    assert other.get(f"/admin/built_requests/{built.code}/export.csv").status_code == 404


def test_a_built_service_has_its_page_short_link_qr_and_poster(app):
    from ..test_printing import pdf_text

    agency, built, _citizen = _setup(app)
    client = app.test_client()
    info = client.get(f"/services/tambon-a/{built.code}")
    assert info.status_code == 200 and "ขอรับความช่วยเหลือ" in info.get_data(as_text=True)
    short = client.get(f"/s/tambon-a/{built.code}")
    assert short.status_code in (301, 302) and built.code in short.headers["Location"]
    assert client.get(f"/qr/tambon-a/{built.code}.png").mimetype == "image/png"
    poster = client.get(f"/poster/tambon-a/{built.code}.pdf")
    assert poster.mimetype == "application/pdf"
    assert "ขอรับความช่วยเหลือ" in pdf_text(poster.data)


def test_texts_of_a_definition_are_never_markup(app):
    """Labels, options, page titles and the service's name are what an
    admin (or an imported file) typed: drawn as text everywhere."""
    from .sample import sample

    attack = "<img src=x onerror=alert(1)>"
    definition = sample(slug="xss", title={"th": f"บริการ{attack}"})
    definition["pages"][0]["title"] = {"th": f"หน้า{attack}"}
    definition["pages"][0]["questions"][0]["label"] = {"th": f"ประเภท{attack}"}
    definition["pages"][0]["questions"][0]["options"][0]["label"] = {"th": f"ใหม่{attack}"}
    with app.app_context():
        agency = make_agency("tambon-x", services=())
        built = build(agency, definition)
        citizen = make_user()
    client = app.test_client()
    login(client, citizen)
    for url in (f"/requests/new/tambon-x/{built.code}", "/", f"/services/tambon-x/{built.code}"):
        html = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in html, url
    assert "&lt;img src=x" in client.get(f"/requests/new/tambon-x/{built.code}").get_data(
        as_text=True)


def test_a_long_list_says_more_than_rather_than_counting_them_all(app, monkeypatch):
    import datetime as dt

    from plugins.builder import lists
    from plugins.builder.models import BuiltAnswer

    from ..conftest import make_staff

    monkeypatch.setattr(lists, "COUNT_LIMIT", 30)
    with app.app_context():
        agency = make_agency("tambon-a", services=())
        built = build(agency)
        clerk = make_staff(agency, services=(built.code,))
        Request.insert_many([{
            "reference": f"RL-{i:05d}", "service_code": built.code, "agency": agency.id,
            "applicant_name": "ก", "status": "submitted", "payload": {},
            "submitted_at": dt.datetime(2025, 1, 1) + dt.timedelta(minutes=i),
            "status_changed_at": dt.datetime(2025, 1, 1)} for i in range(45)]).execute()
        BuiltAnswer.insert_many([{"request": r.id, "service_code": built.code,
                                  "key": "request_type", "value": "new"}
                                 for r in Request.select()]).execute()
    staff = app.test_client()
    login(staff, clerk)
    html = staff.get(f"/admin/built_requests/{built.code}/?f_request_type=new").get_data(
        as_text=True)
    assert "จากมากกว่า 30 รายการ" in html and "RL-00044" in html
    few = staff.get(f"/admin/built_requests/{built.code}/?f_request_type=renew").get_data(
        as_text=True)
    assert "มากกว่า" not in few and "RL-" not in few


def test_the_staff_list_filters_a_date_typed_in_three_boxes_behind_a_fold(app):
    """A date question filters by from/to, each a day, a Thai month and a
    B.E. year (the portal's date input), not one text box; the filters fold
    away under "ตัวกรอง", open while one is set."""
    import datetime as dt

    from plugins.builder.models import BuiltAnswer

    from ..conftest import make_staff
    from .sample import sample

    definition = sample()
    definition["pages"][0]["questions"].append(
        {"key": "happened_on", "type": "date", "label": {"th": "วันที่เกิดเหตุ"}})
    with app.app_context():
        agency = make_agency("tambon-a", services=())
        built = build(agency, definition)
        clerk = make_staff(agency, services=(built.code,))
        for number, day in enumerate(("2025-01-10", "2025-03-05")):
            req = Request.create(
                reference=f"RL-0000{number}", service_code=built.code, agency=agency.id,
                applicant_name="ก", status="submitted", payload={"happened_on": day},
                submitted_at=dt.datetime(2025, 3, 6), status_changed_at=dt.datetime(2025, 3, 6))
            BuiltAnswer.create(request=req.id, service_code=built.code, key="happened_on",
                               value=day)
    staff = app.test_client()
    login(staff, clerk)
    url = f"/admin/built_requests/{built.code}/"
    plain = staff.get(url).get_data(as_text=True)
    assert "<details" in plain and "<details class=\"mb-2\" open" not in plain
    assert 'name="f_happened_on"' not in plain  # no single text box
    for part in ("day", "month", "year"):
        assert f'name="from_happened_on-{part}"' in plain
        assert f'name="to_happened_on-{part}"' in plain
    typed = staff.get(url, query_string={
        "from_happened_on-day": "1", "from_happened_on-month": "1",
        "from_happened_on-year": "2568", "to_happened_on-day": "๓๑",
        "to_happened_on-month": "1", "to_happened_on-year": "2568"}).get_data(as_text=True)
    assert "RL-00000" in typed and "RL-00001" not in typed
    assert "<details class=\"mb-2\" open" in typed
    assert _box(typed, "to_happened_on-year") == "2568"
    assert _box(typed, "to_happened_on") == "๓๑"  # as typed
    # The pages after the first, and the export, keep the filter.
    assert "from_happened_on=2025-01-01" in typed and "to_happened_on=2025-01-31" in typed
    # Only one end: from then on.
    later = staff.get(url, query_string={
        "from_happened_on-day": "1", "from_happened_on-month": "2",
        "from_happened_on-year": "2568"}).get_data(as_text=True)
    assert "RL-00001" in later and "RL-00000" not in later
    # A link made before, with the range as text, still filters and shows its dates.
    old = staff.get(url, query_string={"f_happened_on": "1/3/2568 - 31/3/2568"}).get_data(
        as_text=True)
    assert "RL-00001" in old and "RL-00000" not in old
    assert _box(old, "from_happened_on") == "1" and _box(old, "to_happened_on") == "31"
    assert "from_happened_on=2025-03-01" in old
    # A date that is no date filters nothing and says why, with the fold open.
    wrong = staff.get(url, query_string={
        "from_happened_on-day": "31", "from_happened_on-month": "2",
        "from_happened_on-year": "2568"}).get_data(as_text=True)
    assert "RL-00000" in wrong and "RL-00001" in wrong
    assert "<details class=\"mb-2\" open" in wrong and 'id="from_happened_on-error"' in wrong


def _box(html, box_id):
    """The value an input of the page (by id) shows."""
    import re

    tag = re.search(rf'<input[^>]*\bid="{re.escape(box_id)}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)
