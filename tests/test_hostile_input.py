"""Hostile input on every form of every service (hypothesis): control
characters, lone Thai marks, overlong text, HTML/JS and SQL, spreadsheet
formulas. Whatever is typed, the portal answers without a crash; what it
keeps comes out escaped in the pages, the printed PDF and the CSV export;
what it refuses gets a Thai message beside the field and nothing is saved.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from wtforms import StringField
from wtforms.validators import Length, Regexp

from portal.forms.fields import DigitsField, NationalID, build_request_form
from portal.models import Attachment, Request, User
from portal.ops.demo import load_demo
from portal.thai import ascii_digits

from .conftest import PASSWORD_HASH, login
from .helpers.answers import answers, demo_agency_for
from .helpers.csp import inline_scripts
from .helpers.send import send_form

THAI_MARKS = "".join(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))
THAI = re.compile("[\u0e01-\u0e2e]")
PAYLOADS = (
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "<b>ตัวหนา</b>&amp;",
    "javascript:alert(1)",
    "'; DROP TABLE request; --",
    "1 OR 1=1 /* */ %_\\",
    '=HYPERLINK("http://evil.example","คลิก")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\u202eกลับด้าน",
    "\x00\x07\x1b[31m",
)
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(alphabet=THAI_MARKS, min_size=1, max_size=5),
    st.text(alphabet=st.characters(codec="utf-8", categories=("Cc", "Cf", "Mn", "Lo", "P", "S")),
            min_size=1, max_size=60),
    st.builds(lambda n: "ก" * n, st.integers(min_value=2_000, max_value=20_000)),
)


BIDI_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _typed_text(text: str) -> str:
    """What the portal should keep of ``text``: no control characters but tab
    and newline, no bidirectional overrides, Windows line ends as \\n."""
    return "".join(ch for ch in text.replace("\r\n", "\n")
                   if ch in "\t\n" or not (unicodedata.category(ch) == "Cc"
                                            or ord(ch) in BIDI_CONTROLS))


def _text_fields(app, service) -> list[str]:
    with app.test_request_context():
        form = build_request_form(service)(meta={"csrf": False})
        return [f.name for f in form if f.type in ("StringField", "TextAreaField", "DigitsField")
                and f.name != "national_id"]  # the account's own, read-only


def _digit_fields(app, service) -> set[str]:
    """Fields that keep digits of any script as ASCII (a Thai keyboard's ๐-๙)."""
    with app.test_request_context():
        form = build_request_form(service)(meta={"csrf": False})
        return {f.name for f in form if isinstance(f, DigitsField)}


def _services(app) -> list[Any]:
    return list(app.extensions["portal"].services.values())


def test_every_text_input_of_every_form_has_a_length_limit(app):
    """PostgreSQL refuses a string longer than its column; SQLite would keep
    anything. A limit in the form makes both answer with a Thai message."""
    unbounded = []
    for service in _services(app):
        with app.test_request_context():
            form = build_request_form(service)(meta={"csrf": False})
        for field in form:
            if isinstance(field, StringField) and field.type not in ("HiddenField",
                                                                      "CSRFTokenField"):
                if field.name == "national_id":
                    continue
                bounded = (Length, Regexp, NationalID)  # phone numbers: ^0\d{8,9}$
                if not any(isinstance(v, bounded) for v in field.validators):
                    unbounded.append(f"{service.code}.{field.name}")
    assert unbounded == []


@pytest.fixture
def office(app) -> dict[str, Any]:
    with app.app_context():
        demo = load_demo(app)
    User.update(password_hash=PASSWORD_HASH).execute()
    citizen = User.get(User.national_id == demo["users"][0][1])
    staff = User.get(User.national_id == demo["users"][1][1])
    client = app.test_client()
    assert login(client, citizen).status_code == 302
    clerk = app.test_client()
    assert login(clerk, staff).status_code == 302
    return {"client": client, "clerk": clerk}


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _files_on_disk(app) -> int:
    """Files saved for good (not those held for an unconfirmed form)."""
    from portal.models import HeldFile

    held = {h.stored_name for h in HeldFile.select()}
    return sum(1 for p in Path(app.config["UPLOAD_DIR"]).rglob("*")
               if p.is_file() and p.name not in held)


CHECKS = settings(max_examples=12, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.function_scoped_fixture,
                                         HealthCheck.too_slow])


SERVICE_CODES = [
    "staff_card", "certificate", "pension_gratuity", "meeting_room", "executive_appointment",
    "school_forms", "ict_repair", "ict_website", "ict_software", "ict_news", "ict_appdev",
    "ict_edoc", "street_light", "disaster", "nuisance", "elderly_allowance", "hall_booking",
    "petition"]


def test_the_hostile_input_list_names_every_service(app):
    """A new service must be added to SERVICE_CODES (parametrised at collection)."""
    assert sorted(SERVICE_CODES) == sorted(app.extensions["portal"].services)


@pytest.mark.parametrize("code", SERVICE_CODES)
def test_hostile_text_in_each_form(app, office, code):
    service = app.extensions["portal"].services[code]
    agency = demo_agency_for(service)
    fields = _text_fields(app, service)
    digit_fields = _digit_fields(app, service)
    client = office["client"]
    sent = iter(range(1000))

    @CHECKS
    @given(field=st.sampled_from(fields), text=hostile_text)
    def attempt(field: str, text: str) -> None:
        data = answers(app, service, agency, nth=next(sent))
        data[field] = text
        requests_before, files_before = Request.select().count(), _files_on_disk(app)
        r = send_form(client, f"/requests/new/{agency.code}/{code}", data=data,
                        content_type="multipart/form-data")
        assert r.status_code in (200, 302), (field, text, r.status_code)
        page = r.get_data(as_text=True)
        if r.status_code == 200:  # refused: Thai words beside the field, nothing kept
            errors = re.findall(r'<p class="error"[^>]*>(.*?)</p>', page, re.S)
            assert errors and all(THAI.search(e) for e in errors), (field, text, errors)
            assert Request.select().count() == requests_before
            assert _files_on_disk(app) == files_before
            assert inline_scripts(page) == []
            return
        reference = r.headers["Location"].rsplit("/", 1)[-1]
        req = Request.get(Request.reference == reference)
        kept = _typed_text(text)
        if field in digit_fields:
            kept = ascii_digits(kept)
        assert req.payload.get(field) == kept  # cleaned, never cut short
        sent_files = sum(1 for key in data if key.startswith("file_"))
        assert Attachment.select().where(Attachment.request == req).count() == sent_files
        view = client.get(f"/requests/{reference}").get_data(as_text=True)
        assert inline_scripts(view) == []
        if "<" in kept:
            assert kept not in view  # escaped, not markup
        if kept.isascii() and kept.strip() and len(kept) < 200:
            printed = client.get(f"/requests/{reference}/print")
            assert printed.status_code == 200 and printed.data.startswith(b"%PDF")
            flat = "".join(_pdf_text(printed.data).split())
            assert "".join(kept.split()) in flat, (field, kept)

    attempt()


def test_formula_and_markup_in_names_are_neutralised_in_every_csv_export(app, office):
    """The applicant's name reaches the staff lists of every service: each
    list's CSV export keeps =, +, -, @ cells as text."""
    client, clerk = office["client"], office["clerk"]
    formula = '=HYPERLINK("http://evil.example","x")'
    for service in _services(app):
        agency = demo_agency_for(service)
        data = {**answers(app, service, agency), "first_name": "สมชาย" + formula,
                "last_name": formula}
        r = send_form(client, f"/requests/new/{agency.code}/{service.code}", data=data,
                        content_type="multipart/form-data")
        assert r.status_code == 302, service.code
    exports = [rule.rule for rule in app.url_map.iter_rules()
               if rule.endpoint.endswith(".export") and "<export_type>" in rule.rule]
    assert exports
    checked = 0
    for rule in exports:
        url = rule.replace("<export_type>", "csv")
        r = clerk.get(url)
        if r.status_code != 200:
            continue
        rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
        for row in rows:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (url, cell)
        checked += any(formula in cell for row in rows for cell in row)
    assert checked >= 2  # at least the request list and a plugin's list carry the name
