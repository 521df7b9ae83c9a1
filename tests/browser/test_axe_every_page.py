"""axe-core over every page a person can open: public pages as a guest,
requester pages as a signed-in citizen, staff pages as a clerk, an agency
admin and a system admin — each in Thai and English, at 1366 and 360 px.
Any critical or serious violation fails.

Pages are found, not listed: each role's walk starts at its home page(s) and
follows the links it is shown (Flask-Admin's menus, list rows' edit and
details links), one page per endpoint (per service for the forms, which
differ by service). Afterwards every page-like GET endpoint of the url_map
must have been reached by some role, so a new page is checked without
anyone adding it here. One browser context per role and language; the two
widths are one page resized.

The report of every failing page is also written to
``tests/screenshots/axe-report.txt`` (git-ignored).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from portal import create_app
from portal.demo import DEMO_PASSWORD, load_demo
from portal.forms import build_request_form
from portal.lifecycle import Status
from portal.migrate import upgrade
from portal.models import Request, User
from portal.plugins import plugin_manager
from portal.submission import staff_change, submit

from ..helpers.answers import answers, demo_agency_for
from .axe import describe, prepare, serious_violations
from .conftest import SHOTS, browser_config, serve

pytestmark = pytest.mark.browser

WIDTHS = (1366, 360)
LANGUAGES = ("th", "en")

# Endpoints that answer with something other than a page (files, PDFs,
# images, JSON, CSV), that act on a GET (the language switch), or that are
# steps of an outside sign-in: nothing for axe to read.
NOT_PAGES = re.compile(
    r"(^|\.)(static|font|captcha_image|captcha_frame|robot_challenge|qr_code|poster|print_pdf"
    r"|export|export_csv|export_xlsx|ajax_lookup|ajax_update|download|public_file|guest_file"
    r"|service_document|set_language|my_data|free_times|order_amounts|figures|resource_week"
    r"|notifications_json|start|callback|external_link|external_new)$"
    r"|^open311\.|^line\.notifications$")

# Pages reached only through a secret a person is sent (a reset link, a
# survey link, the guest's own correction link), or only after a sign-in
# with an outside provider. Their templates are the same as pages walked
# here (the reset form, the survey form, the request form).
NEEDS_A_SECRET = {
    "identity.reset_link", "identity.reset_password", "identity.reset_code",
    "survey.answer", "requester.guest_edit", "public.status_again", "egov.onboard",
    "public.verify",
}

# Endpoints whose pages differ by a part of their address (each service's
# form has its own fields): one walk per value of that part. Other pages
# with an address part (a service's information page) are one template.
PER_VALUE = {"requester.new_request": "service_code"}

# The most able staff role first: its pages show every control (edit,
# delete, filters); the others then add only what it cannot open.
ROLES = ("guest", "citizen", "system_admin", "agency_admin", "staff")
START = {"guest": ["/", "/login", "/register", "/password/forgot", "/privacy", "/status"],
         "citizen": ["/requests", "/"], "staff": ["/admin/"], "agency_admin": ["/admin/"],
         "system_admin": ["/admin/"]}


def _submitted(app: Any, citizen: User) -> list[Request]:
    """One request of each service from the demo citizen, through the same
    form and submission code a browser's would go through."""
    made = []
    for nth, (code, service) in enumerate(sorted(app.extensions["portal"].services.items())):
        agency = demo_agency_for(service)
        data = answers(app, service, agency, nth=nth)
        with app.test_request_context(method="POST", data=data,
                                      content_type="multipart/form-data"):
            form = build_request_form(service)(meta={"csrf": False})
            if service.prepare_form:
                service.prepare_form(form, agency)
            assert form.validate(), (code, form.errors)
            made.append(submit(service, agency, citizen, form))
    return made


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("axe-site")
    # Every sign-in page asks for a robot-check challenge; a walk opens many.
    app = create_app({**browser_config(folder), "CAPTCHA_RATE_LIMIT": "10000 per minute"})
    with app.app_context():
        upgrade(plugin_manager())
        demo = load_demo(app)
        logins = {role: nid for role, nid, _n in demo["users"]}
        citizen = User.get(User.national_id == logins["citizen"])
        made = _submitted(app, citizen)
        # A returned request and a completed one: their pages show the
        # correction form and the result notice.
        clerk = User.get(User.national_id == logins["staff"])
        with app.test_request_context():
            for request, steps in ((made[0], (Status.IN_PROGRESS, Status.RETURNED)),
                                   (made[1], (Status.IN_PROGRESS, Status.COMPLETED))):
                for status in steps:
                    request = Request.get_by_id(request.id)
                    staff_change(request, status, clerk, "แนบสำเนาบัตรให้ชัดเจน",
                                 expected_version=request.version)
    server, url = serve(app)
    yield {"url": url, "app": app, "logins": logins}
    server.shutdown()


def _sign_in(page: Any, url: str, national_id: str) -> None:
    page.goto(url + "/login")
    page.fill("#national_id", national_id)
    page.fill("#password", DEMO_PASSWORD)
    try:
        page.get_by_role("button", name="เข้าสู่ระบบ").click(timeout=5000)
    except Exception:
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / "axe-login.html").write_text(page.content())
        raise
    page.wait_for_url(lambda u: "/login" not in u)


class Walk:
    """One role's walk in one language. ``checked`` is shared by the walks of
    one language: a page another role already had checked is not checked
    again, except each role's start pages (its menu, its home)."""

    def __init__(self, app: Any, base: str, checked: dict[str, str]) -> None:
        self.adapter = app.url_map.bind("127.0.0.1")
        self.base = base
        self.checked = checked  # page key -> URL, across roles
        self.offered: set[str] = set()
        self.queue: list[tuple[str, str]] = []

    def key(self, href: str) -> tuple[str, str] | None:
        """(page key, URL) of a link worth walking; None for anything else."""
        parts = urlsplit(href)
        if parts.netloc and parts.netloc != urlsplit(self.base).netloc:
            return None
        try:
            endpoint, args = self.adapter.match(parts.path, method="GET")
        except RequestRedirect as moved:
            return self.key(moved.new_url)
        except HTTPException:
            return None
        if NOT_PAGES.search(endpoint):
            return None
        key = endpoint
        if endpoint in PER_VALUE:
            key += ":" + str(args.get(PER_VALUE[endpoint]))
        query = parse_qs(parts.query)
        if "id" in query:  # Flask-Admin's edit and details pages name their row so
            return key, f"{parts.path}?id={query['id'][0]}"
        return key, parts.path

    def offer(self, href: str, start: bool = False) -> None:
        found = self.key(href)
        if found is None or found[0] in self.offered:
            return
        if found[0] in self.checked and not start:
            return
        self.offered.add(found[0])
        self.queue.append(found)


def _links(page: Any) -> list[str]:
    return page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")


def _walk(site: dict[str, Any], browser: Any, role: str, language: str,
          checked: dict[str, str], failures: list[str]) -> int:
    """Walk ``role``'s pages; returns how many axe runs were made."""
    url = site["url"]
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    prepare(context)
    page = context.new_page()
    if role != "guest":
        _sign_in(page, url, site["logins"][role])
    if language != "th":
        page.goto(f"{url}/lang/{language}")
    walk = Walk(site["app"], url, checked)
    for start in START[role]:
        walk.offer(start, start=True)
    runs = 0
    while walk.queue:
        key, path = walk.queue.pop(0)
        response = page.goto(url + path)
        if response is None or response.status != 200 or \
                "text/html" not in response.headers.get("content-type", ""):
            continue  # a page this role may not open is not this role's page
        if urlsplit(page.url).path != urlsplit(path).path:
            walk.offer(page.url)  # sent elsewhere (to sign in): that page is walked as itself
            continue
        checked[key] = path
        for href in _links(page):
            walk.offer(href)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found = serious_violations(page)
            runs += 1
            if found:
                failures.append(describe(found, f"[{role} {language} {width}px] {path}"))
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    context.close()
    return runs


def _page_endpoints(app: Any) -> set[str]:
    """Every GET endpoint of the url_map that answers with a page."""
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not NOT_PAGES.search(rule.endpoint)}


def test_no_serious_accessibility_fault_on_any_page(site, browser):
    started = time.monotonic()
    failures: list[str] = []
    reached: set[str] = set()
    runs = 0
    for language in LANGUAGES:
        checked: dict[str, str] = {}
        for role in ROLES:
            runs += _walk(site, browser, role, language, checked, failures)
        reached |= {key.split(":")[0] for key in checked}
    elapsed = time.monotonic() - started
    SHOTS.mkdir(exist_ok=True)
    summary = f"{runs} axe runs in {elapsed:.0f} s; {len(failures)} failing"
    (SHOTS / "axe-report.txt").write_text(summary + "\n\n" + "\n\n".join(failures) + "\n",
                                         encoding="utf-8")
    print(summary)
    missed = _page_endpoints(site["app"]) - reached - NEEDS_A_SECRET
    assert not missed, f"no role's walk reached these pages: {sorted(missed)}"
    assert not failures, f"{summary}:\n\n" + "\n\n".join(failures)


def test_the_walk_finds_staff_pages_by_their_links(site):
    """The page keys: an edit page is walked once per list, whatever its row;
    a page another role had checked is not walked again."""
    walk = Walk(site["app"], site["url"], {"admin.index": "/admin/"})
    walk.offer("/admin/holidays/edit/?id=3&url=%2Fadmin%2Fholidays%2F")
    walk.offer("/admin/holidays/edit/?id=4")
    walk.offer("/requests/new/demo/certificate")
    walk.offer("/requests/new/demo/pension_gratuity")
    walk.offer("/lang/en")
    walk.offer("http://example.com/admin/")
    walk.offer("/admin/")
    assert [path for _key, path in walk.queue] == [
        "/admin/holidays/edit/?id=3", "/requests/new/demo/certificate",
        "/requests/new/demo/pension_gratuity"]
    walk.offer("/admin/", start=True)
    assert walk.queue[-1] == ("admin.index", "/admin/")
