"""E-mail notifications through a real SMTP server on loopback (aiosmtpd):
what arrives, in Thai, and nothing lost while the mail server is down."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from portal.models import Notification, Request
from portal.thai import local_today

from .conftest import login, make_agency, make_staff, make_user
from .helpers.certificate import new_certificate
from .helpers.files import make_pdf
from .helpers.send import send_form


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_port: int) -> dict[str, Any]:
    return {**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port,
            "MAIL_FROM": "saraban@office.go.th", "MAIL_TIMEOUT": 2}


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield box
    controller.stop()


def body(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_submission_tells_the_requester_and_the_staff(app, inbox):
    agency = make_agency("mail-office")
    clerk = make_staff(agency)
    citizen = make_user(email="somchai@example.com")
    _client, req = new_certificate(app, citizen, agency_code="mail-office")
    mine = inbox.to("somchai@example.com")
    assert len(mine) == 1
    assert mine[0]["Subject"].startswith(f"ได้รับคำร้องแล้ว: {req.reference}")
    text = body(mine[0])
    assert req.reference in text and "หนังสือรับรอง" in text and "/status?ref=" in text
    assert mine[0].get_body(preferencelist=("html",)) is not None
    staff_mail = inbox.to(clerk.email)
    assert len(staff_mail) == 1 and "คำร้องใหม่" in staff_mail[0]["Subject"]
    assert Notification.select().where(Notification.sent_at.is_null()).count() == 0


def test_status_change_and_result_file(app, inbox):
    agency = make_agency("mail-office2")
    clerk = make_staff(agency)
    citizen = make_user(email="somsri@example.com")
    _client, req = new_certificate(app, citizen, agency_code="mail-office2")
    staff = app.test_client()
    login(staff, clerk)
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "กรุณาแนบสลิปเดือนล่าสุด", "version": req.version})
    returned = inbox.to("somsri@example.com")[-1]
    assert "เจ้าหน้าที่ส่งให้แก้ไขข้อมูล" in returned["Subject"]
    assert "กรุณาแนบสลิปเดือนล่าสุด" in body(returned)
    fresh = Request.get_by_id(req.id)
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "cancelled", "message": "ผู้ยื่นขอยกเลิก", "version": fresh.version})
    assert "ยกเลิกคำร้อง" in inbox.to("somsri@example.com")[-1]["Subject"]
    _c2, req2 = new_certificate(app, citizen, agency_code="mail-office2")
    staff.post(f"/admin/requests/process/{req2.id}", data={
        "status": "completed", "message": "รับได้ที่ธุรการ", "version": req2.version,
        "result": (io.BytesIO(make_pdf()), "ผล.pdf")}, content_type="multipart/form-data")
    subjects = [m["Subject"] for m in inbox.to("somsri@example.com")]
    assert any(req2.reference in s and "ไฟล์จากเจ้าหน้าที่พร้อมแล้ว" in s for s in subjects)


def test_nothing_is_lost_while_the_mail_server_is_down(app, smtp_port):
    from portal.base.outbox import deliver_due

    make_agency("mail-office3")
    citizen = make_user(email="waiting@example.com")
    _client, req = new_certificate(app, citizen, agency_code="mail-office3")
    note = Notification.get(Notification.recipient == "waiting@example.com")
    assert note.sent_at is None and note.attempts == 1 and note.last_error
    assert note.next_attempt_at > dt.datetime.utcnow()  # backs off before the next try
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with app.app_context():
            assert deliver_due() == 0  # not due yet
            Notification.update(next_attempt_at=dt.datetime(2000, 1, 1)).execute()
            assert deliver_due() >= 1
    finally:
        controller.stop()
    assert [m["To"] for m in box.messages] == ["waiting@example.com"]
    assert req.reference in box.messages[0]["Subject"]
    assert Notification.get_by_id(note.id).sent_at is not None


def test_a_guest_is_told_at_the_e_mail_they_gave(app, inbox):
    from portal.requests.catalogue import set_enabled

    from .conftest import CAPTCHA_TEXT

    agency = make_agency("mail-tambon", services=())
    set_enabled(agency, "petition", True)
    guest = app.test_client()
    guest.get("/captcha.png")
    r = send_form(guest, "/requests/new/mail-tambon/petition", data={
        "phone": "0812345678", "title": "นาย", "first_name": "แขก", "last_name": "ผู้มาเยือน",
        "email": "guest@example.com", "subject": "ถนน", "details": "หลุม",
        "captcha": CAPTCHA_TEXT}, content_type="multipart/form-data")
    assert r.status_code == 302
    assert len(inbox.to("guest@example.com")) == 1


def test_worker_mode_queues_in_the_configured_sqlite_file(tmp_path):
    from portal import create_app
    from portal.base.jobs import huey

    from .conftest import make_config

    create_app(make_config(tmp_path, JOBS_IMMEDIATE=False, JOBS_DB=str(tmp_path / "jobs.db")))
    try:
        assert not huey.immediate
        from portal.base.jobs import deliver_notifications

        deliver_notifications()  # queued for the worker, not run here
        assert (tmp_path / "jobs.db").exists() and huey.pending_count() == 1
    finally:
        huey.flush()
        huey.immediate = True


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_the_worker_sends_what_the_web_process_queued(app, inbox, tmp_path, queue, request):
    """A separate worker (``flask jobs worker``) runs tasks in its own threads,
    with no app context of its own; the queue is a SQLite file or Redis."""
    import threading

    from portal.base import jobs

    redis_url = request.getfixturevalue("redis_url") if queue == "redis" else ""
    app.config.update(JOBS_IMMEDIATE=False, JOBS_DB=str(tmp_path / "jobs.db"),
                      JOBS_REDIS_URL=redis_url)
    jobs.configure(app)
    assert type(jobs.huey.storage).__name__ == ("RedisStorage" if redis_url
                                                else "SqliteStorage")
    try:
        make_agency("mail-worker")
        citizen = make_user(email="queued@example.com")
        _client, req = new_certificate(app, citizen, agency_code="mail-worker")
        assert inbox.to("queued@example.com") == []  # waiting for the worker
        assert jobs.huey.pending_count() >= 1
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                while (task := jobs.huey.dequeue()) is not None:
                    jobs.huey.execute(task)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(30)
        assert not errors
        assert [req.reference in m["Subject"] for m in inbox.to("queued@example.com")] == [True]
    finally:
        jobs.huey.flush()
        app.config.update(JOBS_IMMEDIATE=True, JOBS_REDIS_URL="")
        jobs.configure(app)


def test_the_bell_counts_what_changed(app):
    from portal.models import Notice

    agency = make_agency("bell-office")
    clerk = make_staff(agency)
    citizen = make_user()
    client, req = new_certificate(app, citizen, agency_code="bell-office")
    staff = app.test_client()
    login(staff, clerk)
    assert Notice.select().where(Notice.user == citizen.id).count() == 1
    staff_bell = staff.get("/notifications").get_data(as_text=True)
    assert f"คำร้องใหม่หรือแก้ไขแล้ว {req.reference}" in staff_bell
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "in_progress", "message": "", "version": req.version})
    page = client.get("/requests").get_data(as_text=True)
    assert 'data-testid="unread">2<' in page  # sent, then in progress
    listing = client.get("/notifications").get_data(as_text=True)
    assert f"{req.reference}: เจ้าหน้าที่กำลังดำเนินการ" in listing
    client.post("/notifications")
    assert 'data-testid="unread"' not in client.get("/requests").get_data(as_text=True)
    other = app.test_client()
    login(other, make_user())
    assert req.reference not in other.get("/notifications").get_data(as_text=True)


def test_daily_digest_to_the_staff_who_handle_late_requests(app, inbox):
    from portal.base.outbox import deliver_due
    from portal.models import Notification
    from portal.requests.notify import daily_digest

    agency = make_agency("digest-office")
    clerk = make_staff(agency)
    elsewhere = make_staff(make_agency("digest-other"))
    _client, late = new_certificate(app, make_user(), agency_code="digest-office")
    Request.update(due_date=local_today() - dt.timedelta(days=2)).where(
        Request.id == late.id).execute()
    with app.app_context():
        Notification.delete().execute()
        assert daily_digest() == 1
        deliver_due()
    mail = [m for m in inbox.to(clerk.email) if "ครบกำหนดพรุ่งนี้" in m["Subject"]]
    assert len(mail) == 1 and mail[0]["Subject"].startswith("คำร้อง 1 รายการ")
    assert late.reference in body(mail[0]) and "เกินกำหนด 2 วัน" in body(mail[0])
    assert inbox.to(elsewhere.email) == []


def test_delay_notice_letter(app, inbox):
    from portal.models import Attachment, IssuedDocument, StatusEvent

    from .test_printing import pdf_text

    agency = make_agency("delay-office")
    clerk = make_staff(agency)
    citizen = make_user(email="late@example.com")
    client, req = new_certificate(app, citizen, agency_code="delay-office")
    staff = app.test_client()
    login(staff, clerk)
    r = staff.post(f"/admin/requests/delay/{req.id}", data={
        "reason": "รอเอกสารจากกรมบัญชีกลาง", "new_date": "2020-01-01"})
    assert "กรุณาเลือกวันที่หลังวันนี้" in r.get_data(as_text=True)
    later = local_today() + dt.timedelta(days=14)
    r = staff.post(f"/admin/requests/delay/{req.id}", data={
        "reason": "รอเอกสารจากกรมบัญชีกลาง", "new_date": later.isoformat()})
    assert r.status_code == 302
    fresh = Request.get_by_id(req.id)
    assert fresh.due_date == later and fresh.status == "submitted" and fresh.version == 1
    line = StatusEvent.select().where(StatusEvent.request == req).order_by(
        StatusEvent.id.desc()).first()
    assert "หนังสือแจ้งเรื่องล่าช้า: รอเอกสารจากกรมบัญชีกลาง" in line.remark
    letter = Attachment.get(Attachment.slot == "delay_letter")
    text = pdf_text(client.get(f"/files/{letter.id}").data).replace("\n", "")
    assert "แจ้งเรื่องล่าช้า" in text and "รอเอกสารจากกรมบัญชีกลาง" in text
    assert str(later.year + 543) in text
    assert IssuedDocument.get(IssuedDocument.sha256 == letter.sha256).code in text
    mail = [m for m in inbox.to("late@example.com") if "ล่าช้า" in m["Subject"] or
            "นานกว่ากำหนด" in m["Subject"]]
    assert len(mail) == 1 and "รอเอกสารจากกรมบัญชีกลาง" in body(mail[0])
    outsider = app.test_client()
    login(outsider, make_staff(make_agency("delay-other")))
    assert outsider.post(f"/admin/requests/delay/{req.id}", data={
        "reason": "x", "new_date": later.isoformat()}).status_code == 404


def test_completion_invites_to_the_survey_by_e_mail(app, inbox):
    agency = make_agency("survey-office")
    clerk = make_staff(agency)
    citizen = make_user(email="rate@example.com")
    _client, req = new_certificate(app, citizen, agency_code="survey-office")
    staff = app.test_client()
    login(staff, clerk)
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "completed", "message": "", "version": req.version})
    invite = [m for m in inbox.to("rate@example.com") if "ประเมินความพึงพอใจ" in m["Subject"]]
    assert len(invite) == 1
    link = next(w for w in body(invite[0]).split() if "/survey/" in w)
    guest = app.test_client()  # the link works without logging in
    page = guest.get(link.replace("http://localhost", ""))
    assert page.status_code == 200 and req.reference in page.get_data(as_text=True)


def test_the_bell_is_read_in_the_readers_language(app):
    """A notice keeps what happened, not Thai words: the same notice reads
    in English after switching language (it was stored as Thai text)."""
    agency = make_agency("bell-words")
    clerk = make_staff(agency)
    citizen = make_user()
    client, req = new_certificate(app, citizen, agency_code="bell-words")
    staff = app.test_client()
    login(staff, clerk)
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "in_progress", "message": "", "version": req.version})
    assert f"{req.reference}: เจ้าหน้าที่กำลังดำเนินการ" in \
        client.get("/notifications").get_data(as_text=True)
    client.get("/lang/en", headers={"Referer": "http://localhost/"})
    english = client.get("/notifications").get_data(as_text=True)
    assert f"{req.reference}: Staff are working on it" in english
    assert "เจ้าหน้าที่กำลังดำเนินการ" not in english
    staff.get("/lang/en", headers={"Referer": "http://localhost/"})
    assert f"New or corrected request {req.reference}" in \
        staff.get("/notifications").get_data(as_text=True)
