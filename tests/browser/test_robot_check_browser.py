"""The robot check in chromium: the ALTCHA widget solves by itself while a
citizen signs in (nothing to read or type, so a screen-reader user passes
too), under the portal's Content-Security-Policy; where the widget cannot run
or JavaScript is off, asking for another picture keeps what was typed."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from portal.models import User

from ..conftest import CAPTCHA_TEXT, PASSWORD, make_user
from .conftest import ROBOT_CHECK_COST

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def real_cost(live_server: dict[str, Any]) -> None:
    """This file measures the widget: at the cost a real install sets."""
    live_server["app"].config.update(ROBOT_CHECK_COST)

REGISTRATION = {"#national_id": "3100600456785", "#first_name": "มานี", "#last_name": "มีแป้น",
                "#phone": "0861234567", "#email": "manee@example.com",
                "#password": "keeps-typing-1", "#password_again": "keeps-typing-1"}


def _watch(page: Any) -> tuple[list[str], list[tuple[str, float]]]:
    refused: list[str] = []
    states: list[tuple[str, float]] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)
        elif message.text.startswith("robot-check-test "):
            _tag, state, at = message.text.split()
            states.append((state, float(at)))

    page.on("console", on_console)
    return refused, states


def _fill_registration(page: Any) -> None:
    for selector, value in REGISTRATION.items():
        page.fill(selector, value)
    page.select_option("#title", "นาง")
    page.check("#pdpa")


def _typed(page: Any) -> dict[str, str]:
    return {selector: page.input_value(selector) for selector in REGISTRATION}


def test_a_citizen_signs_in_while_the_widget_solves_by_itself(live_server, browser, shot):
    url, app = live_server["url"], live_server["app"]
    with app.app_context():
        user = make_user()
    page = browser.new_page(viewport={"width": 360, "height": 800})
    refused, states = _watch(page)
    page.goto(url + "/login")
    page.get_by_role("button", name="รับทราบ").click()  # cookie notice
    widget = page.locator("altcha-widget")
    widget.wait_for()
    assert page.locator("#captcha").count() == 0  # no picture, no digits to type
    assert "ฉันไม่ใช่โปรแกรมอัตโนมัติ" in widget.inner_text()  # the widget speaks Thai
    page.evaluate("""() => document.querySelector('altcha-widget').addEventListener(
        'statechange', e => console.log('robot-check-test ' + e.detail.state + ' '
                                        + performance.now()))""")
    page.fill("#national_id", user.national_id)
    page.fill("#password", PASSWORD)
    shot(page, "filled")
    started = time.monotonic()
    send = page.get_by_role("button", name="เข้าสู่ระบบ")
    send.click()
    # An impatient second press while the proof is found must not send the
    # form without it.
    page.wait_for_function("document.querySelector('altcha-widget').getState() !== 'unverified'")
    if page.evaluate("document.querySelector('altcha-widget').getState()") == "verifying":
        try:
            send.click(timeout=5_000)
        except PlaywrightTimeout:
            pass  # the proof was found meanwhile and the form went: no button left
    page.wait_for_url("**/requests", timeout=60_000)
    took = time.monotonic() - started
    names = [s for s, _at in states]
    assert names[:2] == ["verifying", "verified"], states
    solving_ms = states[1][1] - states[0][1]
    print(f"\nproof of work in chromium: {solving_ms:.0f} ms "
          f"(ALTCHA_COST={app.config['ALTCHA_COST']}, counter "
          f"{app.config['ALTCHA_MIN_COUNTER']}-{app.config['ALTCHA_MAX_COUNTER']}); "
          f"click to signed in: {took:.2f} s")
    shot(page, "signed-in")
    assert refused == []


def test_a_new_picture_keeps_what_was_typed_when_the_widget_cannot_run(
        live_server, browser, shot):
    """The widget's script does not arrive (an old browser, a proxy that
    strips it): the picture takes its place, and "other numbers" changes
    the picture without touching the form."""
    url, app = live_server["url"], live_server["app"]
    page = browser.new_page(viewport={"width": 360, "height": 800})
    refused, _states = _watch(page)
    page.route("**/vendor/altcha/altcha.min.js", lambda route: route.abort())
    page.goto(url + "/register")
    page.get_by_role("button", name="รับทราบ").click()
    image = page.locator("[data-captcha-image]")
    image.wait_for()
    assert page.locator("altcha-widget").count() == 0
    _fill_registration(page)
    page.fill("#captcha", "1234")
    before = image.get_attribute("src")
    with page.expect_response(lambda r: "/captcha.png?" in r.url and r.status == 200):
        page.get_by_role("button", name="เปลี่ยนภาพตัวเลข").click()
    assert image.get_attribute("src") != before
    assert page.url.endswith("/register")
    assert _typed(page) == REGISTRATION and page.is_checked("#pdpa")
    assert page.input_value("#captcha") == ""  # the old picture's answer is gone
    shot(page, "new-picture-kept-typing")
    page.fill("#captcha", CAPTCHA_TEXT)
    page.get_by_role("button", name="ลงทะเบียน").click()
    page.wait_for_url("**/requests")
    with app.app_context():
        assert User.get(User.national_id == REGISTRATION["#national_id"]).first_name == "มานี"
    assert refused == []


def test_without_javascript_the_framed_picture_changes_and_the_form_keeps_its_values(
        live_server, browser, shot):
    url, app = live_server["url"], live_server["app"]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360,
                                                                       "height": 800})
    page = context.new_page()
    refused, _states = _watch(page)
    page.goto(url + "/register")
    frame = page.frame_locator("iframe.captcha-frame")
    frame.locator("img").wait_for()
    _fill_registration(page)
    with page.expect_response(lambda r: "/captcha.png" in r.url and r.status == 200):
        frame.get_by_role("link", name="เปลี่ยนภาพตัวเลข").click()
    assert page.url.endswith("/register")
    assert _typed(page) == REGISTRATION and page.is_checked("#pdpa")
    shot(page, "no-script-new-picture")
    page.fill("#captcha", CAPTCHA_TEXT)
    page.get_by_role("button", name="ลงทะเบียน").click()
    page.wait_for_url("**/requests")
    with app.app_context():
        assert User.get(User.national_id == REGISTRATION["#national_id"]).last_name == "มีแป้น"
    assert refused == []
    context.close()
