"""Errors and hints the GOV.UK way (issue 22, items 4 and 6), over every form
a person fills: each service's request form (signed in, as a guest, and
recorded by staff), the account forms, the status check and the survey.

Posted empty, each page opens with one error summary, focused, whose links
reach an existing, focusable element (the first radio of a group) in the
order of the page; the title starts "ข้อผิดพลาด: "; each message says what to
do for its kind of field; hints are named by their inputs; no placeholder
stands in for a hint."""

from __future__ import annotations

import re
from typing import Any

import pytest

from portal import thai
from portal.forms.fields import build_request_form
from portal.models import User
from portal.ops.demo import load_demo

from .conftest import PASSWORD, PASSWORD_HASH, login, make_agency_admin, make_user
from .helpers.answers import demo_agency_for
from .helpers.error_summary import read_page, summary_problems
from .test_hostile_input import SERVICE_CODES

ONE_FOR_ALL = "กรุณากรอกข้อมูลช่องนี้"  # the message every field used to give


@pytest.fixture
def office(app) -> dict[str, Any]:
    with app.app_context():
        demo = load_demo(app)
    User.update(password_hash=PASSWORD_HASH).execute()
    citizen = User.get(User.national_id == demo["users"][0][1])
    client = app.test_client()
    assert login(client, citizen).status_code == 302
    return {"client": client}


CERTIFICATE = "/requests/new/alpha/certificate"  # radios, a list, files


@pytest.fixture
def citizen(app, world) -> Any:
    client = app.test_client()
    assert login(client, world["citizen"]).status_code == 302
    return client


def _services(app) -> list[Any]:
    return [app.extensions["portal"].services[code] for code in SERVICE_CODES]


def _post_empty(client, url: str) -> str:
    r = client.post(url, data={}, content_type="multipart/form-data")
    assert r.status_code == 200, (url, r.status_code)
    return r.get_data(as_text=True)


def _errors(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", e).replace("ข้อผิดพลาด:", "").strip()
            for e in re.findall(r'<p class="error"[^>]*>(.*?)</p>', page, re.S)]


def test_every_service_form_posted_empty_links_each_error_to_its_input(app, office):
    """Signed in and as a guest: every summary link reaches an element that
    takes focus, in the page's order, and no message is the one for all."""
    problems: dict[str, list[str]] = {}
    guest = app.test_client()
    for service in _services(app):
        agency = demo_agency_for(service)
        url = f"/requests/new/{agency.code}/{service.code}"
        pages = {"citizen": _post_empty(office["client"], url)}
        if service.guest_allowed:
            pages["guest"] = _post_empty(guest, url)
        for who, page in pages.items():
            found = summary_problems(page)
            if ONE_FOR_ALL in page or "กรุณาแนบไฟล์นี้" in page:
                found.append("a message that does not say what to do")
            if found:
                problems[f"{service.code} ({who})"] = found
    assert problems == {}


def test_every_service_recorded_by_staff_posted_empty(app, office):
    """The staff record-on-behalf form of every service: the same summary."""
    problems: dict[str, list[str]] = {}
    clerks: dict[int, Any] = {}
    for service in _services(app):
        agency = demo_agency_for(service)
        if agency.id not in clerks:
            clerks[agency.id] = app.test_client()
            login(clerks[agency.id], make_agency_admin(agency))
        page = _post_empty(clerks[agency.id],
                           f"/admin/requests/record?agency={agency.id}&service={service.code}")
        found = summary_problems(page)
        if found:
            problems[service.code] = found
    assert problems == {}


@pytest.mark.once
def test_account_status_and_survey_forms_posted_empty(app):
    user = make_user()
    signed_in = app.test_client()
    login(signed_in, user)
    pages = {
        "register": _post_empty(app.test_client(), "/register"),
        "login": _post_empty(app.test_client(), "/login"),
        "forgot password": _post_empty(app.test_client(), "/password/forgot"),
        "reset code": _post_empty(app.test_client(), "/password/code"),
        "status check": _post_empty(app.test_client(), "/status"),
        "profile": signed_in.post("/profile", data={"title": ""}).get_data(as_text=True),
        "password": _post_empty(signed_in, "/password"),
    }
    problems = {name: summary_problems(page) for name, page in pages.items()}
    assert {name: found for name, found in problems.items() if found} == {}
    # The register page draws the national ID first: so does its summary.
    assert read_page(pages["register"]).links[0] == "#national_id"


def test_the_survey_links_its_radios(app, world):
    from plugins.survey import views as survey

    from .test_survey import completed

    _client, req, _staff = completed(app, world)
    with app.test_request_context():
        token = survey.token_for(req)
    page = _post_empty(app.test_client(), f"/survey/{token}")
    assert summary_problems(page) == []
    assert read_page(page).links[:2] == ["#speed-0", "#courtesy-0"]


@pytest.mark.once
def test_messages_say_what_to_do_for_each_kind_of_field(app, citizen):
    certificate = _post_empty(citizen, CERTIFICATE)
    register = _post_empty(app.test_client(), "/register")
    errors = _errors(certificate) + _errors(register)
    for message in ("เลือกคำนำหน้าชื่อ",                # a list
                    "กรอกเลขประจำตัวประชาชน 13 หลัก",    # typed, with its own words
                    "กรอกชื่อ", "กรอกเบอร์โทรศัพท์",       # typed
                    "เลือกประเภทเจ้าหน้าที่ของรัฐ",          # radios
                    "แนบไฟล์สำเนาบัตรประชาชน",           # a file
                    "ต้องให้ความยินยอมก่อนลงทะเบียน"):    # a box to tick
        assert message in errors, message
    # A label that asks already is not asked twice ("แนบไฟล์แนบสำเนา…").
    assert not any("แนบไฟล์แนบ" in e for e in errors)
    # The summary says the same as the field, with the field's name in it.
    summary = certificate[certificate.index("data-error-summary"):certificate.index("</ul>")]
    assert ">เลือกคำนำหน้าชื่อ</a>" in summary


@pytest.mark.once
def test_groups_of_radios_and_boxes_are_marked_invalid(app, citizen):
    page = _post_empty(citizen, CERTIFICATE)
    group = re.search(r'<fieldset class="choices"[^>]*>', page).group(0)
    assert 'role="radiogroup"' in group and 'aria-invalid="true"' in group
    assert 'aria-describedby="official_type-error"' in group
    # The message sits inside the group, under its legend and above the radios.
    inside = page[page.index(group):page.index("</fieldset>", page.index(group))]
    assert inside.index("official_type-error") < inside.index('id="official_type-0"')
    register = _post_empty(app.test_client(), "/register")
    box = re.search(r'<input[^>]*id="pdpa"[^>]*>', register).group(0)
    assert 'aria-invalid="true"' in box and "pdpa-error" in box
    assert register.index('id="pdpa-error"') < register.index('id="pdpa"')


@pytest.mark.once
def test_a_page_without_errors_has_a_plain_title(app, citizen):
    page = citizen.get(CERTIFICATE).get_data(as_text=True)
    assert "ข้อผิดพลาด" not in read_page(page).title
    assert "data-error-summary" not in page


@pytest.mark.once
def test_a_wrong_password_is_an_error_in_the_title(app):
    user = make_user()
    client = app.test_client()
    client.get("/captcha.png")
    from .conftest import CAPTCHA_TEXT

    page = client.post("/login", data={"national_id": user.national_id, "password": "nope-nope",
                                       "captcha": CAPTCHA_TEXT}).get_data(as_text=True)
    assert read_page(page).title.startswith("ข้อผิดพลาด: ")


def _described(page: str, element_id: str) -> list[str]:
    tag = re.search(rf'<(?:input|select|textarea|fieldset)[^>]*\bid="{element_id}"[^>]*>',
                    page).group(0)
    match = re.search(r'aria-describedby="([^"]*)"', tag)
    return match.group(1).split() if match else []


@pytest.mark.once
def test_hints_are_named_by_their_inputs(app, citizen):
    register = app.test_client().get("/register").get_data(as_text=True)
    for field, words in (("national_id", "13 หลัก"), ("phone", "081-234-5678"),
                         ("password", "อย่างน้อย 8 ตัวอักษร")):
        assert _described(register, field) == [f"{field}-hint"], field
        hint = re.search(rf'<p class="hint" id="{field}-hint">(.*?)</p>', register).group(1)
        assert words in hint, (field, hint)
    # After an error the input names both, hint first.
    refused = _post_empty(app.test_client(), "/register")
    assert _described(refused, "national_id") == ["national_id-hint", "national_id-error"]
    form = citizen.get(CERTIFICATE).get_data(as_text=True)
    assert _described(form, "file_id_card") == ["file_id_card-hint"]
    assert "PDF, PNG, JPG" in form and "ไม่เกิน 5 MB" in form
    assert "เช่น รับรองเงินเดือน" in form and "เช่น กู้เงินธนาคาร" in form


def test_no_request_form_uses_a_placeholder(app, office):
    """A placeholder vanishes as one types and reads like an answer already
    given ("รับรองเงินเดือน"): examples and formats go into hints."""
    found = []
    guest = app.test_client()
    for service in _services(app):
        agency = demo_agency_for(service)
        url = f"/requests/new/{agency.code}/{service.code}"
        pages = [office["client"].get(url).get_data(as_text=True)]
        if service.guest_allowed:
            pages.append(guest.get(url).get_data(as_text=True))
        for page in pages:
            found += [(service.code, p) for p in re.findall(r'placeholder="([^"]*)"', page)]
    assert found == []
    with app.test_request_context():  # nor any form class, whichever page draws it
        for service in _services(app):
            form = build_request_form(service)(meta={"csrf": False})
            assert not [f.name for f in form if "placeholder" in (f.render_kw or {})]


@pytest.mark.once
def test_read_only_fields_say_so(app, citizen):
    form = citizen.get(CERTIFICATE).get_data(as_text=True)
    nid = re.search(r'<input[^>]*id="national_id"[^>]*>', form).group(0)
    assert "readonly" in nid and _described(form, "national_id") == ["national_id-hint"]
    assert "แก้ไขในหน้านี้ไม่ได้" in form
    # Not marked required: nothing there for the person to fill.
    label = re.search(r'<label for="national_id">(.*?)</label>', form).group(1)
    assert 'class="req"' not in label


@pytest.mark.once
@pytest.mark.parametrize("typed", ["081-234-5678", "081 234 5678", "0812345678",
                                   "(081) 234-5678", "+66 81 234 5678", "๐๘๑-๒๓๔-๕๖๗๘",
                                   "081–234–5678"])
def test_phone_numbers_as_people_type_them(typed):
    assert thai.normalise_phone(typed) == "0812345678"


def test_a_phone_with_dashes_and_spaces_is_kept_as_digits(app):
    user = make_user()
    client = app.test_client()
    login(client, user)
    for typed, kept in (("081-234-5678", "0812345678"), ("02 123 4567", "021234567")):
        r = client.post("/profile", data={"title": "นาย", "first_name": "สมชาย",
                                          "last_name": "ใจดี", "phone": typed, "email": ""})
        assert r.status_code == 302, _errors(r.get_data(as_text=True))
        assert User.get_by_id(user.id).phone == kept
    r = client.post("/profile", data={"title": "นาย", "first_name": "สมชาย",
                                      "last_name": "ใจดี", "phone": "081-234-56", "email": ""})
    assert r.status_code == 200 and User.get_by_id(user.id).phone == "021234567"


@pytest.mark.once
def test_staff_pages_with_errors_say_so_in_the_title(app, world):
    agency = world["agency"]
    clerk = app.test_client()
    login(clerk, make_agency_admin(agency), PASSWORD)
    page = _post_empty(clerk, f"/admin/requests/record?agency={agency.id}&service=certificate")
    assert read_page(page).title.startswith("ข้อผิดพลาด: ")
    ok = clerk.get(f"/admin/requests/record?agency={agency.id}&service=certificate")
    assert "ข้อผิดพลาด" not in read_page(ok.get_data(as_text=True)).title
