"""Every place the portal sends a browser back to: only its own pages."""

from __future__ import annotations

import pytest

from portal.base.safe_urls import local_path

from .conftest import login

OFF_SITE = ["http:evil.example", "https://evil.example/", "//evil.example", "/\\evil.example",
            "\\\\evil.example", "/\t/evil.example", "javascript:alert(1)",
            " /admin/", "/admin/\x00", "http:///evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_only_a_local_path_is_a_place_to_return_to(target):
    assert local_path(target) is None


def test_local_paths_are_kept_as_they_are():
    for target in ("/admin/requests/?page=2&flt0_0=x", "/requests/AB12", "/"):
        assert local_path(target) == target


@pytest.mark.parametrize("target", OFF_SITE[:6])
def test_a_staff_page_refuses_an_off_site_return_address(app, world, target):
    client = app.test_client()
    login(client, world["admin"])
    for url in (f"/admin/holidays/new/?url={target}", f"/admin/requests/?url={target}",
                f"/admin/services/?url={target}"):
        answer = client.get(url)
        assert answer.status_code == 400, url
        assert "evil" not in answer.headers.get("Location", "")
    saved = client.post(f"/admin/holidays/new/?url={target}", data={
        "day": "2027-06-01", "name": "วันหยุด", "agency": world["agency"].id})
    assert saved.status_code == 400


def test_the_sign_in_chain_cannot_end_off_site(app, world):
    """/login?next=/admin/...?url=... once went through the admin's url=."""
    client = app.test_client()
    client.get("/captcha.png")
    from .conftest import CAPTCHA_TEXT, PASSWORD

    answer = client.post("/login?next=/\\evil.example", data={
        "national_id": world["admin"].national_id, "password": PASSWORD,
        "captcha": CAPTCHA_TEXT})
    assert answer.status_code == 302
    assert "evil" not in answer.headers["Location"]
    assert client.get("/admin/requests/edit/?url=http:evil.example").status_code == 400
