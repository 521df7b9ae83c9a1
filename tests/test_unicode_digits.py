"""Digits typed in another script (Thai ๐-๙ from a Thai keyboard, Arabic-Indic,
full-width from a Chinese or Japanese input method) are the same digits: a
national ID, phone or reference number written with them is the one written
in ASCII, for uniqueness, sign-in and every lookup (pen-test finding 9)."""

from __future__ import annotations

import pytest

from portal.models import AuditLog, Membership, User
from portal.ops.demo import demo_id
from portal.thai import national_id_is_valid, normalise_national_id

from .conftest import CAPTCHA_TEXT, PASSWORD, login, make_user
from .helpers.certificate import new_certificate

DEMO_CITIZEN = demo_id("110170012345")  # 1101700123456, the demo's citizen

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def thai(text: str) -> str:
    return text.translate(THAI)


def one_thai_digit(text: str) -> str:
    """Only the last digit in Thai: enough to have slipped past before."""
    return text[:-1] + thai(text[-1])


SPELLINGS = {
    "all Thai": thai(DEMO_CITIZEN),
    "one Thai digit": one_thai_digit(DEMO_CITIZEN),
    "Thai with dashes": thai("1-1017-00123-45-6"),
    "Arabic-Indic": DEMO_CITIZEN.translate(ARABIC_INDIC),
    "full-width": DEMO_CITIZEN.translate(FULL_WIDTH),
}


def test_every_decimal_digit_becomes_its_ascii_digit():
    from portal.thai import ascii_digits

    assert ascii_digits("๐๑๒๓๔๕๖๗๘๙") == "0123456789"
    assert ascii_digits("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹") == "0123456789 0123456789"
    assert ascii_digits("０１２ ०१२ ໐໑໒ ၀၁၂") == "012 012 012 012"
    # Letters, Thai text and signs stay as they are; so do characters that
    # are not decimal digits (superscripts, circled numbers).
    assert ascii_digits("12-๖๙๑๑๒๔-K7Q4M หมู่ ๓") == "12-691124-K7Q4M หมู่ 3"
    assert ascii_digits("x²①") == "x²①"
    assert ascii_digits("") == ""


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_a_national_id_in_any_digits_is_the_ascii_one(spelling):
    assert normalise_national_id(spelling) == DEMO_CITIZEN
    # The check itself takes ASCII only: an unnormalised value never passes.
    assert not national_id_is_valid(thai(DEMO_CITIZEN))
    assert not national_id_is_valid(one_thai_digit(DEMO_CITIZEN))


def _register(client, national_id: str, phone: str = "0891234567",
              captcha: str = CAPTCHA_TEXT):
    client.get("/captcha.png")
    return client.post("/register", data={
        "national_id": national_id, "title": "นาย", "first_name": "สมชาย", "last_name": "ซ้ำ",
        "phone": phone, "password": "pass-word-1", "password_again": "pass-word-1",
        "pdpa": "y", "captcha": captcha})


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_registering_the_demo_citizens_id_in_other_digits_is_refused(client, spelling):
    make_user(national_id=DEMO_CITIZEN)
    r = _register(client, spelling)
    assert r.status_code == 200
    assert "ลงทะเบียนแล้ว" in r.get_data(as_text=True)
    assert [u.national_id for u in User.select()] == [DEMO_CITIZEN]


def test_a_new_account_in_thai_digits_is_stored_in_ascii(client):
    """The robot check's numbers may be typed on a Thai keyboard too."""
    r = _register(client, thai(DEMO_CITIZEN), phone=thai("0891234567"),
                  captcha=thai(CAPTCHA_TEXT))
    assert r.status_code == 302
    user = User.get()
    assert (user.national_id, user.phone) == (DEMO_CITIZEN, "0891234567")


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_signing_in_with_other_digits_signs_in_the_ascii_account(client, spelling):
    user = make_user(national_id=DEMO_CITIZEN)
    client.get("/captcha.png")
    r = client.post("/login", data={"national_id": spelling, "password": PASSWORD,
                                    "captcha": CAPTCHA_TEXT})
    assert r.status_code == 302
    last = AuditLog.select().where(AuditLog.action == "login").order_by(AuditLog.id.desc()).get()
    assert last.actor_id == user.id


def test_the_status_check_reads_thai_digits(app, world):
    _client, req = new_certificate(app, world["citizen"], phone="0812345678")
    for reference, last4 in ((req.reference, thai("5678")),
                             (thai(req.reference), "5678"),
                             (thai(req.reference.lower()), thai("5678"))):
        r = app.test_client().post("/status", data={"reference": reference,
                                                    "phone_last4": last4})
        assert r.status_code == 200, (reference, last4)
        assert "ส่งคำร้องไปยังเจ้าหน้าที่" in r.get_data(as_text=True), (reference, last4)


def test_a_request_sent_with_a_thai_phone_keeps_it_in_ascii(app, world):
    _client, req = new_certificate(app, world["citizen"], phone=thai("0812345678"))
    assert req.contact_phone == "0812345678" and req.payload["phone"] == "0812345678"


def test_the_requester_finds_a_reference_typed_in_thai(app, world):
    client, req = new_certificate(app, world["citizen"])
    assert client.get(f"/requests/{thai(req.reference)}").status_code == 200
    page = client.get("/requests", query_string={"q": thai(req.reference[-9:])})
    assert req.reference in page.get_data(as_text=True)


def test_an_agency_admin_adds_staff_by_a_thai_digit_id(app, world):
    newcomer = make_user()
    admin = app.test_client()
    login(admin, world["admin"])
    r = admin.post("/admin/staff/new/", data={
        "national_id": thai(newcomer.national_id), "agency": world["agency"].id,
        "role": "staff", "services": ["certificate"]})
    assert r.status_code == 302
    assert Membership.get(Membership.user == newcomer).agency_id == world["agency"].id
