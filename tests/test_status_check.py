"""Public status check: reference + last 4 phone digits, no personal data,
rate limited (SPEC §2, issue item 7)."""

from __future__ import annotations

from .conftest import make_config
from .helpers.certificate import new_certificate


def check(client, reference, last4):
    return client.post("/status", data={"reference": reference, "phone_last4": last4})


def test_right_second_factor_shows_status_without_personal_data(app, world):
    _c, req = new_certificate(app, world["citizen"])
    page = check(app.test_client(), req.reference.lower(), "5678").get_data(as_text=True)
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" in page and "หนังสือรับรอง" in page
    assert req.reference in page
    for private in ("สมชาย", "ใจดี", "0812345678", world["citizen"].national_id,
                    "โรงเรียนบ้านหนองน้ำใส"):
        assert private not in page


def test_wrong_phone_and_unknown_reference_answer_alike(app, world):
    _c, req = new_certificate(app, world["citizen"])
    client = app.test_client()
    wrong = check(client, req.reference, "0000").get_data(as_text=True)
    unknown = check(client, "12-690101-ZZZZZ", "5678").get_data(as_text=True)
    message = "ไม่พบคำร้องที่ตรงกับรหัสอ้างอิงและเบอร์โทรศัพท์นี้"
    assert message in wrong and message in unknown
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" not in wrong


def test_bad_input_is_explained(app):
    page = check(app.test_client(), "", "12a").get_data(as_text=True)
    assert "กรอกรหัสอ้างอิง" in page and "กรุณากรอกตัวเลข 4 หลัก" in page


def test_status_check_needs_no_login_and_is_linked_from_home(app):
    client = app.test_client()
    assert client.get("/status").status_code == 200
    assert 'href="/status"' in client.get("/").get_data(as_text=True)


def test_status_check_is_rate_limited(tmp_path, migrated_db):
    from portal import create_app

    from .helpers.client import CSRFClient

    app = create_app(make_config(tmp_path, migrated=True, STATUS_CHECK_RATE_LIMIT="5 per minute"))
    app.test_client_class = CSRFClient
    client = app.test_client()
    codes = [check(client, "12-690101-ZZZZZ", "1234").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]


def test_printed_qr_link_fills_in_the_reference(app, world):
    _c, req = new_certificate(app, world["citizen"])
    page = app.test_client().get(f"/status?ref={req.reference}").get_data(as_text=True)
    assert f'value="{req.reference}"' in page
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" not in page  # the phone digits are still needed


def test_guessing_the_four_digits_of_one_reference_is_stopped(app, world):
    """4 digits are 10,000 tries at most: after a few wrong ones for a
    reference, this address is locked out of it and every other address
    is slowed down, even with the right digits (then they work again)."""
    import datetime as dt

    import time_machine

    from portal.models import AuditLog

    _c, req = new_certificate(app, world["citizen"])
    guesser = app.test_client()
    for digits in ("0000", "0001", "0002", "0003", "0004"):
        check(guesser, req.reference, digits)
    refused = "กรอกข้อมูลไม่ถูกต้องหลายครั้งสำหรับรหัสอ้างอิงนี้"
    page = check(guesser, req.reference, "5678").get_data(as_text=True)
    assert refused in page and "ส่งคำร้องไปยังเจ้าหน้าที่" not in page
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    page = check(elsewhere, req.reference, "5678").get_data(as_text=True)
    assert refused in page  # slowed down everywhere
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)):
        page = check(elsewhere, req.reference, "5678").get_data(as_text=True)
        assert "ส่งคำร้องไปยังเจ้าหน้าที่" in page
        assert refused in check(guesser, req.reference, "5678").get_data(as_text=True)
    # Another reference is not affected.
    _c2, other = new_certificate(app, world["citizen"])
    assert "ส่งคำร้องไปยังเจ้าหน้าที่" in check(guesser, other.reference, "5678").get_data(
        as_text=True)
    assert not AuditLog.select().where(AuditLog.action == "status_checked").exists()  # accounts'
