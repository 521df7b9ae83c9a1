"""LINE Official Accounts against a stand-in for LINE's servers on loopback:
status messages pushed to people who linked LINE (through the outbox, with
retries), the opt-out, the webhook's signature check and its answers, and
the settings page."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from plugins.line.models import LineChannel, LineOptOut
from portal.lifecycle import Status
from portal.models import ExternalAccount, Notification, Request
from portal.notify import deliver_due

from ..conftest import login, make_agency_admin, make_staff
from ..helpers.certificate import new_certificate
from ..helpers.line_server import ACCESS_TOKEN, line_stand_in, signed

SECRET = "oa-channel-secret-for-tests"
LINE_ID = "U1234567890abcdef1234567890abcdef"


@pytest.fixture(scope="module")
def line() -> Iterator[Any]:
    with line_stand_in() as stand_in:
        yield stand_in


@pytest.fixture
def oa(app: Any, line: Any, world: Any) -> LineChannel:
    line.pushed.clear()
    line.replied.clear()
    line.retry_keys.clear()
    with app.app_context():
        return LineChannel.create(name="alpha-oa", agency=world["agency"], channel_secret=SECRET,
                                  access_token=ACCESS_TOKEN, api_base=line.url)


def _link_line(app: Any, user: Any) -> None:
    with app.app_context():
        ExternalAccount.create(provider="line", subject=LINE_ID, user=user)


def _texts(pushed: list[dict[str, Any]]) -> list[str]:
    return [m["messages"][0]["text"] for m in pushed if m["to"] == LINE_ID]


def _process(app: Any, staff: Any, req: Request, status: str, message: str = "") -> None:
    client = app.test_client()
    login(client, staff)
    r = client.post(f"/admin/requests/process/{req.id}",
                    data={"status": status, "message": message, "version": req.version})
    assert r.status_code == 302


def test_status_changes_reach_the_requester_in_line(app, world, line, oa):
    _link_line(app, world["citizen"])
    _client, req = new_certificate(app, world["citizen"])
    texts = _texts(line.pushed)
    assert len(texts) == 1 and req.reference in texts[0]
    assert "ได้รับคำร้องของท่านแล้ว" in texts[0]  # Thai, as the e-mail
    _process(app, world["staff"], req, Status.RETURNED, "กรุณาแนบสลิปเงินเดือนเดือนล่าสุด")
    texts = _texts(line.pushed)
    assert len(texts) == 2
    assert "เจ้าหน้าที่ส่งให้แก้ไขข้อมูล" in texts[1]
    assert "กรุณาแนบสลิปเงินเดือนเดือนล่าสุด" in texts[1]
    assert f"/status?ref={req.reference}" in texts[1]
    with app.app_context():
        rows = Notification.select().where(Notification.channel == "line")
        assert [(n.recipient, n.sent_at is not None) for n in rows] == [(LINE_ID, True)] * 2


def test_a_person_who_switched_line_off_gets_e_mail_only(app, world, line, oa):
    _link_line(app, world["citizen"])
    client = app.test_client()
    login(client, world["citizen"])
    page = client.get("/line/notifications").get_data(as_text=True)
    assert "ปิดการแจ้งเตือนทาง LINE" in page
    client.post("/line/notifications", data={"wanted": "0"})
    with app.app_context():
        assert LineOptOut.select().where(LineOptOut.user == world["citizen"].id).exists()
    new_certificate(app, world["citizen"])
    assert _texts(line.pushed) == []
    with app.app_context():
        assert not Notification.select().where(Notification.channel == "line").exists()
        assert Notification.select().where(Notification.channel == "email").exists()
    client.post("/line/notifications", data={"wanted": "1"})
    new_certificate(app, world["citizen"])
    assert len(_texts(line.pushed)) == 1


def test_a_failed_push_is_retried_with_the_same_retry_key(app, world, line, oa):
    _link_line(app, world["citizen"])
    line.fail_next = 1
    _client, req = new_certificate(app, world["citizen"])
    assert _texts(line.pushed) == []
    with app.app_context():
        note = Notification.get(Notification.channel == "line")
        assert note.sent_at is None and note.attempts == 1 and "500" in note.last_error
        # The backoff has passed.
        Notification.update(next_attempt_at=dt.datetime(2000, 1, 1)).execute()
        assert deliver_due() == 1
        assert Notification.get_by_id(note.id).sent_at is not None
    assert len(_texts(line.pushed)) == 1
    assert len(line.retry_keys) == 2 and line.retry_keys[0] == line.retry_keys[1] != ""


def _webhook(client: Any, text: str, *, user: str = LINE_ID, secret: str = SECRET,
             kind: str = "message") -> Any:
    event: dict[str, Any] = {"type": kind, "timestamp": 1764000000000, "mode": "active",
                             "source": {"type": "user", "userId": user},
                             "replyToken": f"reply-{len(text)}", "webhookEventId": "01JTEST",
                             "deliveryContext": {"isRedelivery": False}}
    if kind == "message":
        event["message"] = {"type": "text", "id": "1", "quoteToken": "q", "text": text}
    elif kind == "follow":
        event["follow"] = {"isUnblocked": False}
    body = json.dumps({"destination": "Ubot", "events": [event]}).encode()
    return client.post("/line/webhook/alpha-oa", data=body, content_type="application/json",
                       headers={"X-Line-Signature": signed(body, secret)})


def test_the_webhook_refuses_a_body_not_signed_with_the_channel_secret(app, world, line, oa):
    client = app.test_client()
    r = _webhook(client, "สวัสดี", secret="someone-else")
    assert r.status_code == 400 and line.replied == []
    assert client.post("/line/webhook/alpha-oa", data=b"{}",
                       content_type="application/json").status_code == 400
    assert _webhook(client, "สวัสดี").status_code == 200
    assert len(line.replied) == 1


def test_the_chat_answers_with_the_agencys_services(app, world, line, oa):
    r = _webhook(app.test_client(), "ขอใช้บริการค่ะ")
    assert r.status_code == 200
    reply = line.replied[0]["messages"][0]
    assert "บริการของ" in reply["text"] and "/services/alpha/certificate" in reply["text"]
    quick = reply["quickReply"]["items"]
    assert quick and all(len(i["action"]["label"]) <= 20 for i in quick)
    assert any(i["action"]["uri"].endswith("/services/alpha/certificate") for i in quick)
    # Adding the Official Account as a friend gets the same welcome.
    _webhook(app.test_client(), "", kind="follow")
    assert "/services/alpha/certificate" in line.replied[1]["messages"][0]["text"]


def test_the_chat_tells_a_status_only_to_whoever_may_know_it(app, world, line, oa):
    _client, req = new_certificate(app, world["citizen"])
    with app.app_context():
        last4 = Request.get_by_id(req.id).contact_phone[-4:]
    client = app.test_client()
    # A stranger with the reference alone learns nothing.
    _webhook(client, f"ขอทราบสถานะ {req.reference}", user="Ustranger")
    assert "ไม่พบ" in line.replied[-1]["messages"][0]["text"]
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" not in line.replied[-1]["messages"][0]["text"]
    wrong = "0000" if last4 != "0000" else "1111"
    _webhook(client, f"{req.reference} {wrong}", user="Ustranger")
    assert "ไม่พบ" in line.replied[-1]["messages"][0]["text"]
    # With the phone's last four digits, as on the status-check page.
    _webhook(client, f"{req.reference.lower()} {last4}", user="Ustranger")
    answer = line.replied[-1]["messages"][0]["text"]
    assert req.reference in answer and "ส่งคำร้องไปยังเจ้าหน้าที่" in answer
    # The requester who linked LINE needs only the reference.
    _link_line(app, world["citizen"])
    _webhook(client, req.reference)
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" in line.replied[-1]["messages"][0]["text"]


def test_agency_admins_set_their_own_official_account(app, world, line):
    admin = make_agency_admin(world["agency"])
    client = app.test_client()
    login(client, admin)
    form = {"name": "alpha-line", "agency": str(world["agency"].id),
            "channel_secret": SECRET, "access_token": ACCESS_TOKEN, "api_base": line.url,
            "enabled": "y"}
    assert client.post("/admin/line_channels/new/", data=form).status_code == 302
    # Not for another agency.
    client.post("/admin/line_channels/new/", data={**form, "name": "beta-line",
                                                   "agency": str(world["other_agency"].id)})
    with app.app_context():
        assert [c.name for c in LineChannel.select()] == ["alpha-line"]
        channel = LineChannel.get(LineChannel.name == "alpha-line")
    listing = client.get("/admin/line_channels/").get_data(as_text=True)
    edit = client.get(f"/admin/line_channels/edit/?id={channel.id}").get_data(as_text=True)
    assert SECRET not in listing + edit and ACCESS_TOKEN not in listing + edit
    r = client.post(f"/admin/line_channels/check/{channel.id}", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "alpha-line พร้อมใช้งาน" in page and "/line/webhook/alpha-line" in page
    # Saved without retyping: the secrets stay; a wrong token is reported.
    client.post(f"/admin/line_channels/edit/?id={channel.id}", data={
        **form, "channel_secret": "", "access_token": ""})
    with app.app_context():
        assert LineChannel.get_by_id(channel.id).access_token == ACCESS_TOKEN
        LineChannel.update(access_token="expired-token").execute()
    page = client.post(f"/admin/line_channels/check/{channel.id}",
                       follow_redirects=True).get_data(as_text=True)
    assert "LINE ไม่รับ access token" in page
    # Plain staff cannot open the settings.
    clerk = app.test_client()
    login(clerk, make_staff(world["agency"]))
    assert clerk.get("/admin/line_channels/").status_code == 403


def test_the_chat_reads_a_reference_and_phone_digits_typed_in_thai(app, world, line, oa):
    """A Thai keyboard sends ๐-๙: the same digits as on the status-check page."""
    _client, req = new_certificate(app, world["citizen"])
    with app.app_context():
        last4 = Request.get_by_id(req.id).contact_phone[-4:]
    digits = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    client = app.test_client()
    for text in (f"{req.reference} {last4.translate(digits)}",
                 f"{req.reference.translate(digits)} {last4.translate(digits)}"):
        assert _webhook(client, text, user="Ustranger").status_code == 200, text
        answer = line.replied[-1]["messages"][0]["text"]
        assert req.reference in answer and "ส่งคำร้องไปยังเจ้าหน้าที่" in answer, text
