"""A person clicks through ThaID sign-in in chromium: the login page's
button, the provider's page, back to the portal, the short registration,
then straight in the next time."""

from __future__ import annotations

import pytest

from plugins.oidc.models import OidcProvider
from portal.models import ExternalAccount, User

from ..conftest import new_national_id
from ..helpers.oidc_server import person_at_provider

pytestmark = pytest.mark.browser


def test_first_and_second_sign_in_with_thaid(live_server, browser, shot, issuer):
    app = live_server["app"]
    with app.app_context():
        OidcProvider.create(name="thaid", label="ThaID", issuer=issuer,
                            client_id="portal-browser", client_secret="s3cret",
                            scopes="openid profile pid")
    national_id = new_national_id()
    subject = person_at_provider(issuer, national_id)

    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(live_server["url"] + "/login")
    page.get_by_role("button", name="รับทราบ").click()  # cookie notice
    page.get_by_role("link", name="เข้าสู่ระบบด้วย ThaID").click()
    # The provider's own page (here the stand-in's): the person approves.
    page.wait_for_selector("input[name=sub]")
    page.fill("input[name=sub]", subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**/signin/new")
    assert "สมศรี" in page.content() and "มีสุข" in page.content()
    page.select_option("#title", "นางสาว")
    page.fill("#phone", "0891234567")
    page.check("#pdpa")
    shot(page, "confirm")
    page.get_by_role("button", name="สร้างบัญชีของฉัน").click()
    page.wait_for_url("**/requests")
    shot(page, "signed-in")
    with app.app_context():
        user = User.get(User.national_id == national_id)
        assert ExternalAccount.get(ExternalAccount.user == user).subject == subject

    # Another day, another browser: one tap at ThaID and the person is in.
    again = browser.new_page(viewport={"width": 360, "height": 800})
    again.goto(live_server["url"] + "/login")
    again.get_by_role("link", name="เข้าสู่ระบบด้วย ThaID").click()
    again.wait_for_selector("input[name=sub]")
    again.fill("input[name=sub]", subject)
    again.get_by_role("button", name="Authorize").click()
    again.wait_for_url("**/requests")
    assert "ออกจากระบบ" in again.content()
