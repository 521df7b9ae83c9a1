"""The Thai address and the location questions every service may ask
(portal.forms.address): read against geothai on the server, without
JavaScript; stored as JSON with the official codes and names; shown, put
back into the edit form and compared like every other answer; and the
postcode look-up the page's small script uses."""

from __future__ import annotations

import html
import re

import pytest
from flask import render_template_string
from wtforms.validators import Optional

from portal.forms import PortalForm, answer_texts, answers_from_form, changed_labels, required
from portal.forms.address import (
    ADDRESS_PARTS,
    LATITUDES,
    LONGITUDES,
    LocationField,
    ThaiAddressField,
    places_for_postcode,
)
from portal.models import Agency, Request
from portal.requests.lifecycle import Role, Status, change_status

from .conftest import login, make_agency, make_config, make_user
from .helpers.client import CSRFClient
from .helpers.send import send_form
from .plugins import address_service


class AddressForm(PortalForm):
    home = ThaiAddressField("ที่อยู่ตามทะเบียนบ้าน", [required()])
    other = ThaiAddressField("ที่อยู่ที่ติดต่อได้", [Optional()])
    place = LocationField("ตำแหน่งที่เกิดเหตุ", [Optional()])
    spot = LocationField("ตำแหน่งบ้าน", [required()])


def parts(name: str = "home", **given: str) -> dict[str, str]:
    return {f"{name}-{part}": given.get(part, "") for part in ADDRESS_PARTS}


KO_TAO = {"house_no": "12", "moo": "3", "road": "ถนนสุขุมวิท", "subdistrict": "เกาะเต่า",
          "district": "เกาะพะงัน", "province": "84", "postcode": "84360"}
SPOT = {"spot-lat": "13.756331", "spot-lng": "100.501762"}


def post(app, data: dict[str, str], lang: str = "th") -> AddressForm:
    """The form, as a POST of ``data`` reaches it, validated."""
    with app.test_request_context("/", method="POST", data=data,
                                  headers={"Cookie": f"lang={lang}"}):
        form = AddressForm(meta={"csrf": False})
        form.validate()
        # Messages are lazy: read them while the request's language holds.
        form.messages = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return form


def good(app, **home: str) -> dict:
    form = post(app, {**parts(**{**KO_TAO, **home}), **SPOT})
    assert form.messages == {}, form.messages
    return answers_from_form(form)["home"]


# ---- reading an address against geothai ----------------------------------


@pytest.mark.parametrize("home, code, names", [
    (KO_TAO, "840503", ("เกาะเต่า", "เกาะพะงัน", "สุราษฎร์ธานี")),
    # Bangkok: แขวง and เขต, the name stored without its word "เขต".
    ({"house_no": "99/1", "moo": "", "road": "ซอยสีลม 5", "subdistrict": "แขวงสีลม",
      "district": "เขตบางรัก", "province": "10", "postcode": "10500"},
     "100402", ("สีลม", "บางรัก", "กรุงเทพมหานคร")),
    # The words and their short forms, and the capital district as "เมือง".
    ({"house_no": "5", "subdistrict": "ต.สุเทพ", "district": "อ. เมือง", "province": "50",
      "postcode": "50200"}, "500108", ("สุเทพ", "เมืองเชียงใหม่", "เชียงใหม่")),
    # English names, as a person abroad types them.
    ({"house_no": "7", "subdistrict": "Ko Tao", "district": "Ko Pha-ngan", "province": "84",
      "postcode": "84360"}, "840503", ("เกาะเต่า", "เกาะพะงัน", "สุราษฎร์ธานี")),
    # One subdistrict, two postcodes: either is its own.
    ({"house_no": "1", "subdistrict": "ปทุมวัน", "district": "ปทุมวัน", "province": "10",
      "postcode": "10500"}, "100703", ("ปทุมวัน", "ปทุมวัน", "กรุงเทพมหานคร")),
    # SARA AM typed as nikhahit + sara aa (what some keyboards send).
    ({"house_no": "8", "subdistrict": "ส\u0e4d\u0e32ราญ", "district": "เมืองขอนแก่น",
      "province": "40", "postcode": "40000"}, "400102", ("สำราญ", "เมืองขอนแก่น", "ขอนแก่น")),
])
def test_a_valid_address_keeps_the_official_code_and_names(app, home, code, names):
    answer = good(app, **{**dict.fromkeys(ADDRESS_PARTS, ""), **home})
    assert answer["subdistrict_code"] == code
    assert (answer["subdistrict"], answer["district"], answer["province"]) == names
    assert answer["postcode"] == home["postcode"]
    assert set(answer) == {"house_no", "moo", "road", "subdistrict_code", "subdistrict",
                           "district", "province", "postcode"}


def test_thai_digits_and_the_word_moo_are_read(app):
    answer = good(app, house_no="๑๒/๓", moo="หมู่ที่ ๐๓", postcode="๘๔ ๓๖๐")
    assert (answer["house_no"], answer["moo"], answer["postcode"]) == ("12/3", "3", "84360")


def test_the_province_may_come_as_a_name(app):
    """A link or an API that sends the province's name, not its code."""
    assert good(app, province="จ.สุราษฎร์ธานี")["subdistrict_code"] == "840503"
    assert good(app, house_no="1", subdistrict="สีลม", district="บางรัก", province="กทม",
                postcode="10500")["subdistrict_code"] == "100402"


@pytest.mark.parametrize("home, part, message", [
    ({"district": "เมืองสุราษฎร์ธานี", "postcode": "84000"}, "subdistrict",
     "ไม่มีตำบล “เกาะเต่า” ในอำเภอเมืองสุราษฎร์ธานี ตำบลเกาะเต่าอยู่ในอำเภอเกาะพะงัน"),
    ({"postcode": "84280"}, "postcode",
     "รหัสไปรษณีย์ 84280 ไม่ใช่ของตำบลเกาะเต่า อำเภอเกาะพะงัน "
     "รหัสไปรษณีย์ที่ถูกต้องคือ 84360"),
    ({"province": "50"}, "district",
     "ไม่มีอำเภอ “เกาะพะงัน” ในจังหวัดเชียงใหม่ อำเภอเกาะพะงันอยู่ในจังหวัดสุราษฎร์ธานี"),
    ({"subdistrict": "ทดสอบ", "postcode": "84280"}, "subdistrict",
     "ไม่มีตำบล “ทดสอบ” ในอำเภอเกาะพะงัน รหัสไปรษณีย์ 84280 เป็นของ"
     "ตำบลเกาะพะงัน, ตำบลบ้านใต้"),
    ({"subdistrict": "แขวงลุมพินี", "district": "เขตบางรัก", "province": "10",
      "postcode": "10500"}, "subdistrict",
     "ไม่มีแขวง “แขวงลุมพินี” ในเขตบางรัก แขวงลุมพินีอยู่ในเขตปทุมวัน"),
    ({"district": "บางพลี", "province": "10"}, "district",
     "ไม่มีเขต “บางพลี” ในกรุงเทพมหานคร อำเภอบางพลีอยู่ในจังหวัดสมุทรปราการ"),
    # No "อ.เมือง" in Bangkok.
    ({"district": "เมือง", "province": "10"}, "district", "ไม่มีเขต “เมือง” ในกรุงเทพมหานคร"),
    ({"postcode": "8436"}, "postcode", "รหัสไปรษณีย์มี 5 หลัก"),
    ({"moo": "100"}, "moo", "หมู่ที่ต้องเป็นตัวเลข 1 ถึง 99"),
    ({"house_no": "", "postcode": ""}, "house_no",
     "กรุณากรอก บ้านเลขที่, รหัสไปรษณีย์"),
    ({"province": "99"}, "province", "เลือกจังหวัดจากรายการ"),
])
def test_what_does_not_fit_is_refused_with_a_thai_message(app, home, part, message):
    form = post(app, {**parts(**{**KO_TAO, **home}), **SPOT})
    assert form.messages == {"home": [message]}
    assert form.home.bad_parts[0] == part
    assert answers_from_form(form)["home"] is None


def test_the_refused_input_is_marked_and_the_summary_links_to_it(app):
    data = {**parts(**{**KO_TAO, "postcode": "84280"}), **SPOT}
    with app.test_request_context("/", method="POST", data=data):
        form = AddressForm(meta={"csrf": False})
        assert not form.validate()
        page = render_template_string(
            '{% from "_macros.html" import field, error_summary %}'
            "{{ error_summary(form) }}{{ field(form.home) }}", form=form)
    postcode = re.search(r'<input[^>]*name="home-postcode"[^>]*>', page).group(0)
    house = re.search(r'<input[^>]*name="home-house_no"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in postcode and "aria-invalid" not in house
    assert 'aria-describedby="home-error"' in postcode
    assert 'href="#home-postcode"' in page
    # What was typed comes back as typed.
    assert 'value="84280"' in postcode and 'value="12"' in house
    with app.test_request_context("/", method="POST", data=data):
        form = AddressForm(meta={"csrf": False})
        form.validate()
        staff = render_template_string('{% from "_macros.html" import staff_field %}'
                                       "{{ staff_field(form.home) }}", form=form)
    invalid = re.findall(r'<(?:input|select)[^>]*is-invalid[^>]*name="([^"]+)"', staff)
    assert invalid == ["home-postcode"]


def test_a_required_address_left_empty_asks_for_it(app):
    form = post(app, {**parts(), **SPOT})
    assert form.messages["home"] == [
        "กรุณากรอก บ้านเลขที่, รหัสไปรษณีย์, ตำบล / แขวง, อำเภอ / เขต, จังหวัด"]


def test_an_optional_address_may_be_left_out_but_not_half_given(app):
    empty = post(app, {**parts(**KO_TAO), **parts("other"), **SPOT})
    assert empty.messages == {} and answers_from_form(empty)["other"] is None
    # No house number is fine in an optional address; the place is not.
    half = post(app, {**parts(**KO_TAO), **parts("other", subdistrict="เกาะเต่า"), **SPOT})
    assert half.messages == {"other": ["กรุณากรอก รหัสไปรษณีย์, อำเภอ / เขต, จังหวัด"]}
    whole = post(app, {**parts(**KO_TAO), **SPOT,
                       **parts("other", **{**KO_TAO, "house_no": ""})})
    assert whole.messages == {} and answers_from_form(whole)["other"]["house_no"] == ""


def test_english_pages_get_english_messages(app):
    form = post(app, {**parts(**{**KO_TAO, "postcode": "84280"}), **SPOT}, lang="en")
    assert form.messages["home"] == [
        "Postcode 84280 is not that of Ko Tao subdistrict, Ko Pha-ngan district: "
        "its postcode is 84360."]


# ---- showing, editing and comparing a stored address ----------------------


def test_answer_text_is_the_one_line_thai_address(app):
    answer = good(app)
    with app.test_request_context("/"):
        field = AddressForm(meta={"csrf": False}).home
        assert field.answer_text(answer, "th") == (
            "เลขที่ 12 หมู่ 3 ถนนสุขุมวิท ตำบลเกาะเต่า อำเภอเกาะพะงัน "
            "จังหวัดสุราษฎร์ธานี 84360")
        assert field.answer_text(answer, "en") == (
            "12 Moo 3, ถนนสุขุมวิท, Ko Tao Subdistrict, Ko Pha-ngan District, "
            "Surat Thani 84360")
        bangkok = good(app, house_no="99/1", moo="", road="ซอยสีลม 5", subdistrict="สีลม",
                       district="บางรัก", province="10", postcode="10500")
        assert field.answer_text(bangkok, "th") == (
            "เลขที่ 99/1 ซอยสีลม 5 แขวงสีลม เขตบางรัก กรุงเทพมหานคร 10500")
        assert field.answer_text(bangkok, "en") == (
            "99/1, ซอยสีลม 5, Si Lom Subdistrict, Bang Rak District, Bangkok 10500")


def test_the_edit_form_shows_what_was_stored_and_sends_it_again(app):
    stored = {"home": good(app, house_no="99/1", moo="", road="ซอยสีลม 5", subdistrict="สีลม",
                           district="บางรัก", province="10", postcode="10500"),
              "spot": {"lat": 13.756331, "lng": 100.501762}}
    with app.test_request_context("/"):
        blank = AddressForm(meta={"csrf": False}, formdata=None)
        form = AddressForm(meta={"csrf": False}, formdata=None,
                           data={k: getattr(blank, k).stored_to_data(v)
                                 for k, v in stored.items()})
        page = render_template_string('{% from "_macros.html" import field %}'
                                      "{{ field(form.home) }}{{ field(form.spot) }}", form=form)
    shown = dict(re.findall(r'name="(home-[a-z_]+|spot-[a-z]+)"[^>]*value="([^"]*)"', page))
    shown["home-province"] = re.search(
        r'<select[^>]*name="home-province".*?<option value="(\d+)" selected', page, re.S).group(1)
    assert shown == {"home-house_no": "99/1", "home-moo": "", "home-road": "ซอยสีลม 5",
                     "home-subdistrict": "สีลม", "home-district": "บางรัก",
                     "home-province": "10", "home-postcode": "10500",
                     "spot-lat": "13.756331", "spot-lng": "100.501762"}
    again = post(app, {k: html.unescape(v) for k, v in shown.items()})
    assert again.messages == {}
    assert answers_from_form(again)["home"] == stored["home"]
    assert answers_from_form(again)["spot"] == stored["spot"]


def test_comparable_sees_a_change_of_place_not_of_spelling(app):
    first = good(app)
    same = good(app, subdistrict="ต.เกาะเต่า", district="อ.เกาะพะงัน", postcode="๘๔๓๖๐")
    moved = good(app, house_no="13")
    with app.test_request_context("/"):
        field = AddressForm(meta={"csrf": False}).home
        assert field.comparable(first) == field.comparable(same)
        assert field.comparable(first) != field.comparable(moved)
        assert field.answer_is_empty(None) and field.answer_is_empty({})
        assert not field.answer_is_empty(first)


def test_the_widget_is_a_labelled_fieldset_for_a_phone(app):
    with app.test_request_context("/"):
        form = AddressForm(meta={"csrf": False}, formdata=None)
        page = render_template_string('{% from "_macros.html" import field %}'
                                      "{{ field(form.home) }}", form=form)
    assert re.search(r"<fieldset[^>]*>\s*<legend>ที่อยู่ตามทะเบียนบ้าน", page)
    for part in ADDRESS_PARTS:
        input_id = "home" if part == "house_no" else f"home-{part}"
        assert f'for="{input_id}"' in page and f'id="{input_id}"' in page, part
    for part, auto in (("house_no", "address-line1"), ("postcode", "postal-code"),
                       ("province", "address-level1"), ("district", "address-level2"),
                       ("subdistrict", "address-level3")):
        tag = re.search(rf'<(input|select)[^>]*name="home-{part}"[^>]*>', page).group(0)
        assert f'autocomplete="section-home {auto}"' in tag, tag
    for part in ("moo", "postcode"):
        tag = re.search(rf'<input[^>]*name="home-{part}"[^>]*>', page).group(0)
        assert 'inputmode="numeric"' in tag
    options = re.findall(r'<option value="(\d\d)"', page)
    assert len(options) == 77 and options[0] == "10"  # Bangkok first
    assert "thai-address.js" in page and "<script>" not in page


# ---- location ---------------------------------------------------------------


@pytest.mark.parametrize("lat, lng, stored", [
    ("13.756331", "100.501762", {"lat": 13.756331, "lng": 100.501762}),
    ("๑๓.๗๕๖๓๓๑๒๙", "๑๐๐.๕๐๑๗๖๒", {"lat": 13.756331, "lng": 100.501762}),
    ("13.756331, 100.501762", "", {"lat": 13.756331, "lng": 100.501762}),  # pasted
    (" 5.5 ", "105.7", {"lat": 5.5, "lng": 105.7}),
])
def test_a_location_in_thailand_is_kept_to_six_places(app, lat, lng, stored):
    form = post(app, {**parts(**KO_TAO), "spot-lat": lat, "spot-lng": lng})
    assert form.messages == {}
    assert answers_from_form(form)["spot"] == stored


@pytest.mark.parametrize("lat, lng, message", [
    ("21.0", "100.5", "ละติจูดในประเทศไทยอยู่ระหว่าง 5.5 ถึง 20.5"),
    ("13.7", "106.0", "ลองจิจูดในประเทศไทยอยู่ระหว่าง 97.3 ถึง 105.7"),
    ("100.5", "13.7", "ดูเหมือนจะสลับละติจูดกับลองจิจูด"),
    ("13.7", "", "กรุณากรอกทั้งละติจูดและลองจิจูด"),
    ("สิบสาม", "100.5", "พิมพ์ละติจูดเป็นเลขทศนิยม เช่น 13.756331"),
    ("", "", "กรุณากรอกละติจูดและลองจิจูด"),
])
def test_a_location_outside_thailand_is_refused(app, lat, lng, message):
    form = post(app, {**parts(**KO_TAO), "spot-lat": lat, "spot-lng": lng})
    assert form.messages == {"spot": [message]}


def test_the_bounds_are_thailands(app):
    assert (LATITUDES, LONGITUDES) == ((5.5, 20.5), (97.3, 105.7))


def test_a_location_reads_back(app):
    form = post(app, {**parts(**KO_TAO), **SPOT, "place-lat": "", "place-lng": ""})
    answers = answers_from_form(form)
    assert answers["place"] is None
    with app.test_request_context("/"):
        texts = {f.name: t for f, t in answer_texts(form, answers, "th")}
        assert texts["spot"] == "13.756331, 100.501762" and texts["place"] == "-"
        assert form.spot.comparable({"lat": 13.7563310, "lng": 100.501762}) == \
            form.spot.comparable(answers["spot"])


# ---- the postcode look-up ---------------------------------------------------


def test_places_for_a_postcode(app):
    places = places_for_postcode("84280")
    assert [(p["subdistrict_code"], p["subdistrict"], p["district"], p["province"])
            for p in places] == [("840501", "เกาะพะงัน", "เกาะพะงัน", "สุราษฎร์ธานี"),
                                 ("840502", "บ้านใต้", "เกาะพะงัน", "สุราษฎร์ธานี")]
    assert places[0]["subdistrict_en"] == "Ko Pha-ngan" and places[0]["province_code"] == "84"
    assert places_for_postcode("00000") == []


def test_the_postcode_endpoint_is_public_and_cacheable(client):
    response = client.get("/places/postcode/10500.json")
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["postcode"] == "10500"
    assert {p["subdistrict"] for p in body["places"]} >= {"สีลม", "บางรัก", "ปทุมวัน"}
    assert {p["district"] for p in body["places"] if p["subdistrict"] == "สีลม"} == {"บางรัก"}
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    etag = response.headers["ETag"]
    assert client.get("/places/postcode/10500.json",
                      headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/places/postcode/99999.json").get_json()["places"] == []
    for bad in ("1050", "105000", "1050x", "๑๐๕๐๐"):
        assert client.get(f"/places/postcode/{bad}.json").status_code == 404


def test_the_page_may_load_the_script(client):
    """The Content-Security-Policy takes scripts and look-ups from the site
    itself: the static script and the JSON endpoint need nothing more."""
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    assert client.get("/static/thai-address.js").status_code == 200
    assert client.get("/static/geo.js").status_code == 200


# ---- on a real service form -------------------------------------------------


@pytest.fixture
def address_app(tmp_path, migrated_db):
    from portal import create_app
    from portal.ops.migrate import upgrade
    from portal.plugins.manager import plugin_manager

    app = create_app(make_config(tmp_path, migrated=True,
                                 PORTAL_EXTRA_PLUGINS=[address_service]))
    app.test_client_class = CSRFClient
    with app.app_context():
        upgrade(plugin_manager())
        make_agency("addr", services=("address_test",))
    return app


APPLICANT = {"phone": "0812345678", "title": "นาง", "first_name": "สมใจ", "last_name": "ใจดี"}


def test_a_service_form_takes_an_address_and_a_location(address_app):
    client = address_app.test_client()
    with address_app.app_context():
        user = make_user()
    assert login(client, user).status_code == 302
    url = "/requests/new/addr/address_test"
    page = client.get(url).get_data(as_text=True)
    assert 'name="home-postcode"' in page and 'name="spot-lat"' in page
    refused = send_form(client, url, {**APPLICANT, **parts(**{**KO_TAO, "postcode": "84280"}),
                                      **SPOT})
    assert refused.status_code == 200
    assert "รหัสไปรษณีย์ 84280 ไม่ใช่ของตำบลเกาะเต่า" in refused.get_data(as_text=True)
    sent = send_form(client, url, {**APPLICANT, **parts(**KO_TAO), **SPOT})
    assert sent.status_code == 302, sent.get_data(as_text=True)[-2000:]
    with address_app.app_context():
        req = Request.select().where(Request.agency == Agency.get(Agency.code == "addr")).get()
        assert req.payload["home"]["subdistrict_code"] == "840503"
        assert req.payload["spot"] == {"lat": 13.756331, "lng": 100.501762}
        reference = req.reference
        before, after = req.payload, {**req.payload, "home": {**req.payload["home"],
                                                              "house_no": "13"}}
        service = address_app.extensions["portal"].services["address_test"]
        assert changed_labels(service, req.agency, before, after) == ["ที่อยู่ตามทะเบียนบ้าน"]
    shown = client.get(f"/requests/{reference}").get_data(as_text=True)
    assert ("เลขที่ 12 หมู่ 3 ถนนสุขุมวิท ตำบลเกาะเต่า อำเภอเกาะพะงัน "
            "จังหวัดสุราษฎร์ธานี 84360") in shown
    assert "13.756331, 100.501762" in shown

    # Returned for correction: the edit form shows the stored answer, and
    # the correction is read against geothai again.
    with address_app.app_context():
        change_status(Request.get(Request.reference == reference), Status.RETURNED,
                      actor=None, role=Role.STAFF, remark="แก้บ้านเลขที่")
        version = Request.get(Request.reference == reference).version
    edit = client.get(f"/requests/{reference}/edit").get_data(as_text=True)
    assert re.search(r'name="home-subdistrict"[^>]*value="เกาะเต่า"', edit)
    assert re.search(r'<option value="84" selected>', edit)
    assert re.search(r'name="spot-lat"[^>]*value="13.756331"', edit)
    fixed = send_form(client, f"/requests/{reference}/edit",
                      {**APPLICANT, **parts(**{**KO_TAO, "house_no": "13"}), **SPOT,
                       "version": version})
    assert fixed.status_code == 302, fixed.get_data(as_text=True)[-2000:]
    with address_app.app_context():
        req = Request.get(Request.reference == reference)
        assert (req.status, req.payload["home"]["house_no"]) == (Status.RESUBMITTED, "13")
