"""Every route that shows a request, a file or a PDF, tried as the wrong
user: anonymous, another citizen, staff of another agency, staff of the same
agency who handle another service. The right users get through."""

from __future__ import annotations

import io

import pytest

from portal.models import Attachment, Request

from .conftest import login, make_staff
from .helpers.certificate import new_certificate
from .helpers.files import make_pdf

OUTSIDERS = ("anonymous", "other_citizen", "other_staff", "staff_other_service")


@pytest.fixture
def case(app, world):
    world["staff_other_service"] = make_staff(world["agency"], services=("meeting_room",))
    _client, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    staff.post(f"/admin/requests/process/{req.id}", data={
        "status": "returned", "message": "แก้ไข", "version": req.version,
        "result": (io.BytesIO(make_pdf()), "ผล.pdf")}, content_type="multipart/form-data")
    req = Request.get_by_id(req.id)
    files = list(Attachment.select().where(Attachment.request == req))
    assert any(f.is_result for f in files)
    return world, req, files


def client_as(app, world, who):
    client = app.test_client()
    if who != "anonymous":
        assert login(client, world[who]).status_code == 302
    return client


def routes(req, files):
    ref = req.reference
    out = [("GET", f"/requests/{ref}", None), ("GET", f"/requests/{ref}/edit", None),
           ("GET", f"/requests/{ref}/print", None),
           ("POST", f"/requests/{ref}/cancel", {"version": req.version}),
           ("POST", f"/requests/{ref}/edit", {"version": req.version}),
           ("GET", f"/admin/requests/process/{req.id}", None),
           ("POST", f"/admin/requests/process/{req.id}",
            {"status": "cancelled", "message": "x", "version": req.version})]
    out += [("GET", f"/files/{f.id}", None) for f in files]
    return out


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_are_refused_everywhere(app, case, who):
    world, req, files = case
    client = client_as(app, world, who)
    for method, url, data in routes(req, files):
        r = client.get(url) if method == "GET" else client.post(url, data=data)
        if who == "anonymous":
            assert r.status_code in (302, 403, 404), (url, r.status_code)
            if r.status_code == 302:
                assert "/login" in r.headers["Location"], url
        else:
            assert r.status_code in (403, 404), (who, url, r.status_code)
    assert Request.get_by_id(req.id).status == "returned"
    assert Request.get_by_id(req.id).version == req.version


@pytest.mark.parametrize("who", ("other_staff", "staff_other_service"))
def test_staff_lists_and_exports_do_not_show_other_requests(app, case, who):
    world, req, _files = case
    client = client_as(app, world, who)
    for url in ("/admin/requests/", "/admin/certificates/", "/admin/requests/export/csv/",
                "/admin/certificates/export/csv/", "/admin/"):
        r = client.get(url)
        assert r.status_code == 200, url
        body = r.get_data(as_text=True)
        assert req.reference not in body, url
        assert "สมชาย" not in body, url


def test_citizen_cannot_open_staff_pages(app, case):
    world, _req, _files = case
    client = client_as(app, world, "citizen")
    for url in ("/admin/", "/admin/requests/", "/admin/certificates/", "/admin/services/",
                "/admin/holidays/"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("who", ("citizen", "staff", "admin", "system"))
def test_the_right_users_get_through(app, case, who):
    world, req, files = case
    client = client_as(app, world, who)
    assert client.get(f"/requests/{req.reference}").status_code == 200
    assert client.get(f"/requests/{req.reference}/print").status_code == 200
    for f in files:
        assert client.get(f"/files/{f.id}").status_code == 200
    staff_page = client.get(f"/admin/requests/process/{req.id}").status_code
    assert staff_page == (403 if who == "citizen" else 200)


def test_staff_list_shows_own_agency_and_service(app, case):
    world, req, _files = case
    client = client_as(app, world, "staff")
    assert req.reference in client.get("/admin/requests/").get_data(as_text=True)
    assert req.reference in client.get("/admin/certificates/").get_data(as_text=True)
