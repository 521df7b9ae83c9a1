"""The service builder as an attacker uses it (an outside review's probes):
cross-agency ids, crafted posts, hostile definitions, deletion and versions."""

from __future__ import annotations

import csv
import io
import json

import pytest

from plugins.builder.definition import problems
from plugins.builder.models import BuiltService, BuiltVersion, LibraryTemplate
from portal.models import Attachment, Request

from ..conftest import login, make_agency, make_agency_admin, make_staff, make_user
from ..helpers.files import make_jpg
from ..helpers.send import send_form
from .sample import build, sample

APPLICANT = {"phone": "0812345678", "title": "นาง", "first_name": "สมศรี", "last_name": "ใจดี"}
XSS = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def _as(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _answers(**more):
    data = {**APPLICANT, "request_type": "new", "age": "45",
            "items-0-thing": "ข้าวสาร", "items-0-qty": "2", "items-0-price": "350.50"}
    data.update(more)
    return data


@pytest.fixture
def offices(app):
    with app.app_context():
        own, other = make_agency("tambon-a", services=()), make_agency("tambon-b", services=())
        people = {"admin": make_agency_admin(own), "other_admin": make_agency_admin(other),
                  "clerk": make_staff(own, services=()), "citizen": make_user(),
                  "system": make_user(is_system_admin=True)}
    return own, other, people


# ------------------------------------------------------------------ access

def test_foreign_agency_through_every_shape(app, offices):
    own, other, people = offices
    with app.app_context():
        built = build(own)
    outsider = _as(app, people["other_admin"])
    # new, blank, into a foreign agency
    r = outsider.post("/admin/builder/new", data={
        "agency": own.id, "start": "blank", "title_th": "x", "slug": "evil", "ref_prefix": "EV"})
    assert r.status_code == 200 and not BuiltService.select().where(
        BuiltService.slug == "evil").exists()
    # copy a foreign service into one's own agency
    r = outsider.post("/admin/builder/new", data={
        "agency": other.id, "start": "copy", "source": built.id, "title_th": "x",
        "slug": "evil2", "ref_prefix": "EV"})
    assert r.status_code == 200 and not BuiltService.select().where(
        BuiltService.slug == "evil2").exists()
    # import into a foreign agency
    r = outsider.post("/admin/builder/import", data={
        "agency": own.id, "file": (io.BytesIO(json.dumps(sample(slug="evil3")).encode()),
                                   "x.json")}, content_type="multipart/form-data")
    assert not BuiltService.select().where(BuiltService.slug == "evil3").exists()
    # editor pages by POST
    for url, data in (("settings", {"title_th": "x", "ref_prefix": "EV", "target_days": 5}),
                      ("question?page=kind_page", {"type": "text", "key": "zz",
                                                   "label_th": "x"}),
                      ("page?key=kind_page", {"title_th": "x"}),
                      ("step", {"code": "zz", "label_th": "x"}),
                      ("preview", {}), ("export?version=1", {})):
        method = outsider.get if url.startswith("export") else outsider.post
        kwargs = {} if url.startswith("export") else {"data": {"revision": 0, **data}}
        assert method(f"/admin/builder/{built.id}/{url}", **kwargs).status_code == 404, url
    # template library as an agency admin
    assert outsider.post("/admin/builder_library/add",
                         data={"source": built.id}).status_code == 403
    assert not LibraryTemplate.select().exists()
    # staff list and its exports
    for url in ("", "export.csv", "export.xlsx"):
        assert outsider.get(f"/admin/built_requests/{built.code}/{url}").status_code == 404
    assert built.code not in outsider.get("/admin/built_requests/").get_data(as_text=True)
    assert BuiltService.get_by_id(built.id).revision == 0


def test_clerk_and_citizen_reach_no_builder_page(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    for who in ("clerk", "citizen"):
        c = _as(app, people[who])
        for url in ("/admin/builder/", f"/admin/builder/{built.id}/",
                    f"/admin/builder/{built.id}/export", "/admin/builder_library/",
                    f"/admin/built_requests/{built.code}/",
                    f"/admin/built_requests/{built.code}/export.csv"):
            assert c.get(url).status_code in (302, 403, 404), (who, url)
        assert c.post(f"/admin/builder/{built.id}/publish",
                      data={"revision": 0}).status_code in (302, 403, 404)
    assert BuiltVersion.select().count() == 1


POSTS = ("new", "import", "{id}/settings", "{id}/change", "{id}/question?page=kind_page",
         "{id}/page?key=kind_page", "{id}/step", "{id}/publish", "{id}/delete")


@pytest.mark.parametrize("url", POSTS)
def test_every_builder_post_needs_csrf(app, offices, url):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["admin"])
    r = client.post("/admin/builder/" + url.format(id=built.id), csrf=False,
                    data={"revision": 0, "do": "add_page", "title": "x", "agency": own.id,
                          "start": "blank", "title_th": "x", "slug": "csrf", "ref_prefix": "C"})
    assert r.status_code == 400, (url, r.status_code)
    assert BuiltService.get_by_id(built.id).revision == 0
    assert BuiltVersion.select().count() == 1


@pytest.mark.parametrize("url", ("add", "remove"))
def test_library_posts_need_csrf(app, offices, url):
    own, _other, people = offices
    with app.app_context():
        built = build(own)
    client = _as(app, people["system"])
    r = client.post(f"/admin/builder_library/{url}", csrf=False,
                    data={"source": built.id, "slug": "x"})
    assert r.status_code == 400


# ------------------------------------------------------------------ stored XSS

def _hostile():
    d = sample(slug="xss")
    d["title"] = {"th": "T" + XSS}
    d["description"] = {"th": "D" + XSS}
    p0 = d["pages"][0]
    p0["title"] = {"th": "P" + XSS}
    q = p0["questions"][0]
    q["label"] = {"th": "L" + XSS}
    q["hint"] = {"th": "H" + XSS}
    q["options"][0]["label"] = {"th": "O" + XSS}
    p0["questions"][1]["label"] = {"th": "C" + XSS}  # has a condition
    p1 = d["pages"][1]
    p1["questions"][0]["text"] = {"th": '<b onclick="x()">ok</b><a href="javascript:1">y</a>'
                                        '<img src=http://evil/x>' + XSS}
    p1["questions"][1]["columns"][0]["label"] = {"th": "K" + XSS}
    p1["questions"].insert(0, {"key": "head", "type": "heading", "label": {"th": "G" + XSS}})
    p1["questions"].insert(0, {"key": "mc", "type": "multichoice", "label": {"th": "M" + XSS},
                               "options": [{"value": "a", "label": {"th": "MO" + XSS}}]})
    d["steps"][0]["label"] = {"th": "S" + XSS}
    d["steps"][1]["outcomes"][0]["label"] = {"th": "U" + XSS}
    d["staff_columns"] = ["request_type", "old_number", "mc"]
    return d


def _no_markup(page, where):
    assert "<script>alert(2)" not in page, where
    assert "<img src=x" not in page, where
    assert "<b onclick" not in page and 'href="javascript:1' not in page, where
    assert "<img src=http://evil" not in page, where


def test_definition_text_is_never_markup(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own, _hostile())
    admin = _as(app, people["admin"])
    for url in (f"/admin/builder/{built.id}/", f"/admin/builder/{built.id}/preview",
                f"/admin/builder/{built.id}/preview?phone=1",
                f"/admin/builder/{built.id}/question?key=request_type",
                f"/admin/builder/{built.id}/question?key=old_number",
                f"/admin/builder/{built.id}/page?key=kind_page",
                f"/admin/builder/{built.id}/step?code=check",
                f"/admin/builder/{built.id}/step?code=decide",
                f"/admin/builder/{built.id}/settings", "/admin/builder/",
                "/admin/built_requests/", f"/admin/built_requests/{built.code}/"):
        r = admin.get(url)
        assert r.status_code == 200, url
        _no_markup(r.get_data(as_text=True), url)
    citizen = _as(app, people["citizen"])
    url = f"/requests/new/tambon-a/{built.code}"
    page = citizen.get(url).get_data(as_text=True)
    _no_markup(page, "form")
    data = _answers(request_type="renew", old_number="1", mc="a",
                    file_photo=(io.BytesIO(make_jpg()), "p.jpg"))
    first = citizen.post(url, data=data, content_type="multipart/form-data")
    assert first.status_code == 302, first.get_data(as_text=True)[:3000]
    check = citizen.get(first.headers["Location"]).get_data(as_text=True)
    _no_markup(check, "check page")
    citizen.post(first.headers["Location"], data={"confirm": "1"})
    req = Request.get(Request.service_code == built.code)
    _no_markup(citizen.get(f"/requests/{req.reference}").get_data(as_text=True), "view")
    _no_markup(admin.get(f"/admin/built_requests/{built.code}/").get_data(as_text=True), "list")
    proc = admin.get(f"/admin/requests/process/{req.id}")
    assert proc.status_code == 200, proc.status_code
    _no_markup(proc.get_data(as_text=True), "process")
    pdf = citizen.get(f"/requests/{req.reference}/print")
    assert pdf.status_code == 200


def test_exports_neutralise_formulas_in_headers_and_answers(app, offices):
    own, _other, people = offices
    d = sample(slug="formula")
    d["pages"][0]["questions"][2]["label"] = {"th": "=HYPERLINK(\"http://evil\",\"x\")"}
    d["pages"][0]["questions"].append({"key": "note", "type": "text",
                                       "label": {"th": "@SUM(1)"}})
    with app.app_context():
        built = build(own, d)
    citizen = _as(app, people["citizen"])
    url = f"/requests/new/tambon-a/{built.code}"
    sent = send_form(citizen, url, _answers(
        note="=cmd|' /C calc'!A0", **{"items-0-thing": "+1+1"},
        file_photo=(io.BytesIO(make_jpg()), "p.jpg")))
    assert sent.status_code == 302
    admin = _as(app, people["admin"])
    body = admin.get(f"/admin/built_requests/{built.code}/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_xlsx_export_with_a_slash_in_the_title(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own, sample(slug="slash", title={"th": "ขออนุญาต ก่อสร้าง/รื้อถอน [ข.1]"}))
    admin = _as(app, people["admin"])
    r = admin.get(f"/admin/built_requests/{built.code}/export.xlsx")
    assert r.status_code == 200


# ------------------------------------------------------------------ crafted posts

def _photo_on_condition():
    d = sample(slug="hidden-file")
    d["pages"][1]["questions"][-1]["when"] = {"==": [{"var": "request_type"}, "renew"]}
    d["pages"][1]["questions"][-1]["required"] = False
    return d


def test_a_file_held_for_a_slot_that_became_hidden_is_not_attached(app, offices):
    own, _other, people = offices
    with app.app_context():
        built = build(own, _photo_on_condition())
    citizen = _as(app, people["citizen"])
    url = f"/requests/new/tambon-a/{built.code}"
    # Round 1: the slot shows (renewal), a file is held with the draft.
    first = citizen.post(url, data=_answers(request_type="renew", old_number="9",
                                            file_photo=(io.BytesIO(make_jpg()), "p.jpg")),
                         content_type="multipart/form-data")
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    token = first.headers["Location"].rsplit("/", 1)[1]
    # Round 2: the same draft, now "new": the slot is hidden.
    second = citizen.post(url, data=_answers(request_type="new", draft=token),
                          content_type="multipart/form-data")
    assert second.status_code == 302, second.get_data(as_text=True)[:2000]
    citizen.post(second.headers["Location"], data={"confirm": "1"})
    req = Request.get(Request.service_code == built.code)
    assert "old_number" not in req.payload
    assert Attachment.select().where(Attachment.request == req).count() == 0


def test_crafted_posts(app, offices):
    own, _other, people = offices
    d = sample(slug="crafted")
    d["pages"][0]["questions"].append({"key": "mc", "type": "multichoice",
                                       "label": {"th": "หลายข้อ"},
                                       "options": [{"value": "a", "label": {"th": "ก"}}]})
    with app.app_context():
        built = build(own, d)
    citizen = _as(app, people["citizen"])
    url = f"/requests/new/tambon-a/{built.code}"
    extra = {f"items-{i}-thing": "x" for i in range(1, 12)}
    extra.update({f"items-{i}-qty": "1" for i in range(1, 12)})
    extra["items-999999-thing"] = "far"
    extra["items-999999-qty"] = "1"
    bad = send_form(citizen, url, _answers(mc=["a", "zzz"], total="999999", **extra,
                                           file_photo=(io.BytesIO(make_jpg()), "p.jpg")))
    assert bad.status_code == 200  # zzz is not an option
    sent = send_form(citizen, url, _answers(mc=["a"], total="999999", **extra,
                                            file_photo=(io.BytesIO(make_jpg()), "p.jpg")))
    assert sent.status_code == 302
    req = Request.get(Request.service_code == built.code)
    assert len(req.payload["items"]) <= 5
    assert req.payload["total"] != "999999"
    assert "far" not in json.dumps(req.payload)


def test_a_guest_cannot_send_a_sign_in_service(app, offices):
    own, _other, _people = offices
    with app.app_context():
        built = build(own)
    guest = app.test_client()
    url = f"/requests/new/tambon-a/{built.code}"
    assert guest.get(url).status_code == 302
    r = send_form(guest, url, _answers(file_photo=(io.BytesIO(make_jpg()), "p.jpg")))
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert not Request.select().exists()


def test_one_per_national_id_through_open311(app, offices):
    from plugins.open311.api import issue_key

    own, _other, people = offices
    d = {"format": "eservice-portal/service-definition", "format_version": 1,
         "slug": "allowance", "title": {"th": "เบี้ยยังชีพ"}, "ref_prefix": "AL",
         "open311": True, "one_per_national_id": True, "pages": [
             {"key": "p", "title": {"th": "หน้า"}, "questions": [
                 {"key": "note", "type": "text", "label": {"th": "หมายเหตุ"}}]}]}
    with app.app_context():
        built = build(own, d)
        key = issue_key(own, "app", people["admin"])
    c = app.test_client()
    codes = []
    for _ in range(3):
        r = c.post("/open311/v2/requests.json", data={
            "api_key": key, "jurisdiction_id": "tambon-a", "service_code": built.code,
            "first_name": "สมปอง", "last_name": "ดีใจ", "phone": "0861234567"}, csrf=False)
        codes.append(r.status_code)
    # One request per national ID: a channel that gives no national ID should
    # not take it at all (or at most once).
    assert codes.count(201) <= 1, codes


def test_one_per_national_id_recorded_by_staff(app, offices):
    own, _other, people = offices
    d = {"format": "eservice-portal/service-definition", "format_version": 1,
         "slug": "allowance", "title": {"th": "เบี้ยยังชีพ"}, "ref_prefix": "AL",
         "one_per_national_id": True, "pages": [
             {"key": "p", "title": {"th": "หน้า"}, "questions": [
                 {"key": "nid", "type": "national_id", "label": {"th": "เลขบัตร"}}]}]}
    with app.app_context():
        built = build(own, d)
        clerk = make_staff(own, services=(built.code,))
    c = _as(app, clerk)
    for _ in range(2):
        c.post(f"/admin/requests/record?agency={own.id}&service={built.code}", data={
            "channel": "counter", **APPLICANT, "nid": people["citizen"].national_id})
    assert Request.select().where(Request.service_code == built.code).count() <= 1


# ------------------------------------------------------------------ versions

def test_deleting_a_service_whose_request_was_forwarded_keeps_its_form(app, offices):
    from portal.requests import forwarding
    from portal.requests.catalogue import set_enabled
    from portal.requests.lifecycle import Status, create_request

    own, _other, people = offices
    with app.app_context():
        built = build(own)
        set_enabled(own, "certificate", True)
        req = create_request(prefix="RL", service_code=built.code, agency=own, requester=None,
                             applicant_name="ก", status=Status.SUBMITTED,
                             payload={"request_type": "new", "age": 45},
                             form_code=f"{built.code}@1")
        from portal.plugins import get_service
        forwarding.forward(req, own, get_service("certificate"), actor=people["admin"],
                           remark="ผิดบริการ", expected_version=req.version)
    admin = _as(app, people["admin"])
    admin.post(f"/admin/builder/{built.id}/delete")
    # The forwarded request still reads its answers on the form it was filled on.
    assert BuiltVersion.select().where(BuiltVersion.service == built.id).exists(), \
        "versions of a form a request keeps were deleted"


def test_a_service_a_forwarded_request_still_reads_is_not_deleted(app, offices):
    from portal.plugins import answers_service
    from portal.requests import forwarding
    from portal.requests.catalogue import set_enabled
    from portal.requests.lifecycle import Status, create_request

    own, _other, people = offices
    with app.app_context():
        built = build(own)
        code = built.code
        set_enabled(own, "certificate", True)
        req = create_request(prefix="RL", service_code=code, agency=own, requester=None,
                             applicant_name="ก", status=Status.SUBMITTED,
                             payload={"request_type": "new", "age": 45},
                             form_code=f"{code}@1")
        from portal.plugins import get_service
        forwarding.forward(req, own, get_service("certificate"), actor=people["admin"],
                           remark="ผิดบริการ", expected_version=req.version)
    admin = _as(app, people["admin"])
    admin.post(f"/admin/builder/{built.id}/delete")
    # Refused: the forwarded request still reads its answers on this form,
    # so the code is never free for another service.
    assert BuiltService.get_or_none(BuiltService.id == built.id) is not None
    with app.app_context():
        assert str(answers_service(Request.get_by_id(req.id)).title) == "ขอรับความช่วยเหลือ"


@pytest.mark.parametrize("ckey", ["data", "errors", "validate", "process", "meta", "populate_obj"])
def test_column_keys_that_shadow_form_attributes_are_refused(ckey):
    """A cell's key is an attribute of its row form: one that names the
    form's own (process, meta...) would break every page of the service."""
    d = sample(slug="col")
    d["pages"][1]["questions"][1]["columns"][0]["key"] = ckey
    d["pages"][1]["questions"][2]["formula"] = 0
    found = problems(d)
    assert [p.where for p in found] == ["items"], found
    assert f"«{ckey}»" in found[0].message


def test_another_agencys_address_for_a_built_service(app, offices):
    own, other, people = offices
    with app.app_context():
        built = build(own)
    c = _as(app, people["citizen"])
    assert c.get(f"/requests/new/tambon-b/{built.code}").status_code == 404
    assert c.get(f"/requests/new/tambon-a/{built.code}@1").status_code == 404


def test_deep_json_in_the_editors_advanced_condition(app, offices):
    own, _o, people = offices
    with app.app_context():
        built = build(own)
    c = _as(app, people["admin"])
    for depth in (600, 100000):
        r = c.post(f"/admin/builder/{built.id}/question?key=carer_name", data={
            "type": "text", "key": "carer_name", "label_th": "x",
            "when_json": "[" * depth + "]" * depth})
        assert r.status_code in (200, 302), (depth, r.status_code)
