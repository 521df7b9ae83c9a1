"""LINE Official Accounts against a stand-in for LINE's servers on loopback:
status messages pushed to people who linked LINE (through the outbox, with
retries), the opt-out, the webhook's signature check and its answers, and
the settings page."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import message_flashed

from plugins.line.models import LineChannel, LineOptOut
from portal.base.outbox import deliver_due
from portal.models import ExternalAccount, Notification, Request
from portal.requests.lifecycle import Status

from ..conftest import login, make_agency_admin, make_config, make_staff
from ..helpers.certificate import new_certificate
from ..helpers.line_server import ACCESS_TOKEN, line_stand_in, signed

SECRET = "oa-channel-secret-for-tests"
LINE_ID = "U1234567890abcdef1234567890abcdef"


@pytest.fixture(scope="module")
def line() -> Iterator[Any]:
    with line_stand_in() as stand_in:
        yield stand_in


@pytest.fixture
def app_config(tmp_path: Any, migrated_db: Any, line: Any) -> dict[str, Any]:
    # The operator points the install at the stand-in; no staff form can.
    return make_config(tmp_path, migrated=True, LINE_API_BASE=line.url)


@pytest.fixture
def oa(app: Any, line: Any, world: Any) -> LineChannel:
    line.pushed.clear()
    line.replied.clear()
    line.retry_keys.clear()
    with app.app_context():
        return LineChannel.create(name="alpha-oa", agency=world["agency"], channel_secret=SECRET,
                                  access_token=ACCESS_TOKEN)


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
            "channel_secret": SECRET, "access_token": ACCESS_TOKEN, "enabled": "y"}
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


@contextmanager
def _closed_port() -> Iterator[int]:
    """A loopback port nothing listens on: connecting is refused."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    yield port


@contextmanager
def _flashes(app: Any) -> Iterator[list[tuple[str, str]]]:
    seen: list[tuple[str, str]] = []

    def record(sender: Any, message: Any, category: str, **_extra: Any) -> None:
        seen.append((category, str(message)))

    with message_flashed.connected_to(record, app):
        yield seen


def test_the_settings_form_takes_no_api_address(app, world, line):
    """Where the Messaging API lives is the operator's setting: an address
    typed into the staff form is neither offered nor stored nor called."""
    admin = make_agency_admin(world["agency"])
    client = app.test_client()
    login(client, admin)
    assert 'name="api_base"' not in client.get("/admin/line_channels/new/").get_data(as_text=True)
    with _closed_port() as port:
        form = {"name": "alpha-line", "agency": str(world["agency"].id),
                "channel_secret": SECRET, "access_token": ACCESS_TOKEN, "enabled": "y",
                "api_base": f"http://127.0.0.1:{port}/any-path?x="}
        assert client.post("/admin/line_channels/new/", data=form).status_code == 302
        with app.app_context():
            from portal.db import database

            channel = LineChannel.get(LineChannel.name == "alpha-line")
            assert "api_base" not in {c.name for c in database.get_columns("line_channel")}
        with _flashes(app) as seen:
            client.post(f"/admin/line_channels/check/{channel.id}")
    # The check went to the stand-in the operator configured, not to the port.
    assert [c for c, _m in seen] == ["success"] and "alpha-line พร้อมใช้งาน" in seen[0][1]


def test_a_check_that_cannot_reach_line_says_one_plain_sentence(app, world, oa, caplog):
    """Staff learn that LINE cannot be reached, not which port answered how:
    the exception goes to the log only."""
    admin = make_agency_admin(world["agency"])
    client = app.test_client()
    login(client, admin)
    with _closed_port() as port:
        app.config["LINE_API_BASE"] = f"http://127.0.0.1:{port}/any-path?x="
        with _flashes(app) as seen, caplog.at_level(logging.WARNING, logger="plugins.line"):
            client.post(f"/admin/line_channels/check/{oa.id}")
    assert seen == [("danger", "alpha-oa: ติดต่อ LINE ไม่ได้ในขณะนี้ "
                               "กรุณาลองใหม่ภายหลังหรือแจ้งผู้ดูแลระบบ")]
    assert str(port) not in seen[0][1]
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert str(port) in logged


def test_pushes_and_replies_go_to_the_operators_address(app, world, line, oa):
    """The channel row names no address: both kinds of call reach LINE_API_BASE."""
    assert "api_base" not in LineChannel._meta.fields
    _link_line(app, world["citizen"])
    _client, req = new_certificate(app, world["citizen"])
    assert req.reference in _texts(line.pushed)[0]
    _webhook(app.test_client(), "สวัสดี")
    assert len(line.replied) == 1


def test_channels_saved_before_keep_their_settings_when_the_address_column_goes(tmp_path):
    """Migration 002 on a database in use, and back."""
    from portal import create_app
    from portal.db import database
    from portal.ops.migrate import pending, routers, upgrade
    from portal.plugins.manager import plugin_manager

    app = create_app(make_config(tmp_path))
    with app.app_context():
        pm = plugin_manager()
        steps = dict(routers(pm))
        for name, router in steps.items():
            if name != "line":
                router.run()
        steps["line"].run(name="001_line_initial")
        database.execute_sql(
            "INSERT INTO line_channel (name, agency_id, channel_secret, access_token, api_base, "
            "enabled, updated_at) VALUES ('old-oa', NULL, 's', 't', 'http://127.0.0.1:9', "
            "TRUE, '2025-01-01 00:00:00')")
        upgrade(pm)
        assert pending(pm) == []
        assert "api_base" not in {c.name for c in database.get_columns("line_channel")}
        old = LineChannel.get(LineChannel.name == "old-oa")
        assert (old.channel_secret, old.access_token, old.enabled) == ("s", "t", True)
        dict(routers(pm))["line"].rollback()
        assert "api_base" in {c.name for c in database.get_columns("line_channel")}
        assert database.execute_sql("SELECT api_base FROM line_channel").fetchall() == [
            ("https://api.line.me",)]


def test_an_agencys_channel_tells_owners_only_of_its_own_agencys_requests(app, world, line, oa):
    """Whoever holds alpha's channel secret can sign any event, claiming any
    LINE user: the owner shortcut must not open beta's requests to them."""
    _client, theirs = new_certificate(app, world["citizen"], agency_code="beta")
    _client, ours = new_certificate(app, world["citizen"])
    _link_line(app, world["citizen"])
    client = app.test_client()
    _webhook(client, theirs.reference)
    answer = line.replied[-1]["messages"][0]["text"]
    assert "ไม่พบ" in answer and theirs.reference not in answer
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" not in answer
    _webhook(client, ours.reference)
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" in line.replied[-1]["messages"][0]["text"]
    # The install's own account speaks for every agency.
    with app.app_context():
        LineChannel.update(agency=None).where(LineChannel.id == oa.id).execute()
    _webhook(client, theirs.reference)
    answer = line.replied[-1]["messages"][0]["text"]
    assert theirs.reference in answer and "ส่งคำร้องไปยังเจ้าหน้าที่" in answer


def test_the_chat_status_lookup_is_rate_limited_per_line_user_and_per_channel(
        app, world, line, oa, monkeypatch):
    """Four digits are 10,000 guesses: the chat counts them as the status
    page does (same limiter, same storage), per LINE user on each channel,
    and for the whole channel (an admin who signs events can claim any user
    id)."""
    from plugins.line import chat

    _client, req = new_certificate(app, world["citizen"])
    with app.app_context():
        last4 = Request.get_by_id(req.id).contact_phone[-4:]
    wrong = "0000" if last4 != "0000" else "1111"
    looked_up: list[str] = []
    real = chat.checked_request
    monkeypatch.setattr(chat, "checked_request",
                        lambda ref, digits: looked_up.append(digits) or real(ref, digits))
    app.config.update(STATUS_CHECK_RATE_LIMIT="3 per minute",
                      LINE_CHAT_CHANNEL_RATE_LIMIT="5 per minute")
    client = app.test_client()
    for _ in range(3):
        _webhook(client, f"{req.reference} {wrong}", user="Uguesser")
        assert "ไม่พบ" in line.replied[-1]["messages"][0]["text"]
    _webhook(client, f"{req.reference} {last4}", user="Uguesser")
    answer = line.replied[-1]["messages"][0]["text"]
    assert "บ่อยเกินไป" in answer and "ส่งคำร้องไปยังเจ้าหน้าที่" not in answer
    assert looked_up == [wrong] * 3
    # Someone else on the same channel still gets an answer...
    _webhook(client, f"{req.reference} {last4}", user="Uneighbour")
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" in line.replied[-1]["messages"][0]["text"]
    _webhook(client, f"{req.reference} {last4}", user="Uthird")
    # ...until the channel as a whole has asked its five.
    _webhook(client, f"{req.reference} {last4}", user="Ufourth")
    answer = line.replied[-1]["messages"][0]["text"]
    assert "บ่อยเกินไป" in answer and "ส่งคำร้องไปยังเจ้าหน้าที่" not in answer
    assert len(looked_up) == 5
    # Asking for the services is not a lookup and is never held back.
    _webhook(client, "สวัสดี", user="Uguesser")
    assert "/services/alpha/certificate" in line.replied[-1]["messages"][0]["text"]

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
