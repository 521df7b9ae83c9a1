"""The error summary in chromium at 360 px (issue 22, item 4): focused when
the page opens, each link moving focus to its field (the first radio of a
group, the consent box, a file input), with JavaScript and without it.
Screenshots go to tests/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import PASSWORD, make_agency, make_user

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def _dismiss_cookies(page: Any) -> None:
    button = page.get_by_role("button", name="รับทราบ")
    if button.count():
        button.click()


def _check_summary(page: Any) -> list[str]:
    """Focus is on the summary; every link, pressed, focuses its target."""
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert page.title().startswith("ข้อผิดพลาด: ")
    hrefs = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs
    for href in hrefs:
        summary.locator(f"a[href='{href}']").click()
        focused = page.evaluate("() => document.activeElement && document.activeElement.id")
        assert focused == href[1:], (href, focused)
        box = page.locator(href).bounding_box()
        assert box and box["y"] + box["height"] > 0 and box["y"] < PHONE["height"], (href, box)
    return hrefs


def test_the_summary_takes_focus_and_its_links_reach_each_field(live_server, browser, shot):
    url, app = live_server["url"], live_server["app"]
    with app.app_context():
        make_agency("alpha", services=("certificate",))
        citizen = make_user()

    page = browser.new_page(viewport=PHONE)
    page.goto(url + "/register")
    _dismiss_cookies(page)
    page.get_by_role("button", name="ลงทะเบียน", exact=True).click()
    hrefs = _check_summary(page)
    assert hrefs[0] == "#national_id" and "#pdpa" in hrefs  # page order; the consent box
    page.locator("[data-error-summary]").scroll_into_view_if_needed()
    shot(page, "register")

    page.goto(url + "/login")
    page.fill("#national_id", citizen.national_id)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(lambda u: "/login" not in u, timeout=60_000)
    page.goto(url + "/requests/new/alpha/certificate")
    page.get_by_role("button", name="ดำเนินการต่อ", exact=True).click()
    hrefs = _check_summary(page)
    assert "#official_type-0" in hrefs and "#file_id_card" in hrefs
    # Pressing the radios' link shows their question too, not only the first radio.
    page.locator("[data-error-summary] a[href='#official_type-0']").click()
    legend = page.locator("fieldset.choices legend").first.bounding_box()
    assert legend and legend["y"] > -1  # in view (scrolling lands to a sub-pixel)
    shot(page, "certificate-radios")
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, "certificate-summary")


def test_without_javascript_the_summary_still_works(live_server, browser, shot):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server["url"] + "/register")
    page.get_by_role("button", name="ลงทะเบียน", exact=True).click()
    page.wait_for_url("**/register")
    hrefs = _check_summary(page)
    assert hrefs[0] == "#national_id" and "#pdpa" in hrefs
    shot(page, "register-no-js")
    context.close()
