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
``tests/screenshots/axe-report-<language>.txt`` (git-ignored).
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

from plugins.builder.models import BuiltService
from portal import create_app
from portal.models import Request, User
from portal.ops.demo import DEMO_PASSWORD, load_demo
from portal.ops.migrate import upgrade
from portal.plugins.manager import plugin_manager
from portal.requests.lifecycle import Status
from portal.requests.submission import staff_change

from ..helpers.answers import answers, demo_agency_for
from ..helpers.submitted import submit_as
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
    r"|sent_print"
    r"|export|export_csv|export_xlsx|ajax_lookup|ajax_update|download|public_file|guest_file"
    r"|service_document|set_language|my_data|free_times|order_amounts|figures|resource_week"
    r"|notifications_json|start|callback|external_link|external_new|places_by_postcode)$"
    r"|^open311\.|^line\.notifications$|^builder_library\.schema$")

# Pages reached only through a secret a person is sent (a reset link, a
# survey link, the guest's own correction link), or only after a sign-in
# with an outside provider. Their templates are the same as pages walked
# here (the reset form, the survey form, the request form).
NEEDS_A_SECRET = {
    "identity.reset_link", "identity.reset_password", "identity.reset_code",
    "survey.answer", "requester.guest_edit", "requester.guest_edit_check",
    "public.status_again", "egov.onboard",
    "public.verify",
    # Shown only to the browser that has just sent a request as a guest.
    "requester.sent",
}

# Root pages Flask-Admin requires of a view that has none of its own: they
# only send staff on to another page (the delay letter's, to the request
# list), and no link leads to them.
SENDS_ON = {"delay_letters.index"}

# Routes that draw the very page another endpoint draws, and link nowhere:
# the overview inherits the receive view's KPI page.
SAME_PAGE = {"kpi_overview.kpi": "kpi_receive.kpi"}

# Endpoints whose pages differ by a part of their address (each service's
# form has its own fields): one walk per value of that part, in Thai; the
# English walk reads one of them (the words change, not the fields, and the
# 24 forms twice over were a tenth of the whole run). Other pages with an
# address part (a service's information page) are one template.
PER_VALUE = {"requester.new_request": "service_code"}
PER_VALUE_LANGUAGE = "th"

# Pages that name what they show in their query, kept in the address
# walked: Flask-Admin's edit and details pages their row (?id=, one page
# per list), the builder's question, page and work step their key
# (?key=, ?code=) and its preview the phone width (?phone=1). With one of
# these the page is another page than without it: a question edited and a
# new one, a preview at full and at phone width.
NAMED_IN_QUERY = {"builder.question": "key", "builder.page": "key", "builder.step": "code",
                  "builder.preview": "phone"}

# The most able staff role first: its pages show every control (edit,
# delete, filters); the others then add only what it cannot open.
ROLES = ("guest", "citizen", "system_admin", "agency_admin", "staff")
START = {"guest": ["/", "/login", "/register", "/password/forgot", "/privacy", "/status"],
         "citizen": ["/requests", "/"], "staff": ["/admin/"], "agency_admin": ["/admin/"],
         "system_admin": ["/admin/"]}


def _submitted(app: Any, citizen: User) -> list[Request]:
    """One request of each service from the demo citizen."""
    services = app.extensions["portal"].services
    return [submit_as(app, code, demo_agency_for(services[code]), citizen, nth=nth)
            for nth, code in enumerate(sorted(services))]


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
        # The check page and the confirmation come after a form is sent: the
        # walk posts these answers in the citizen's browser (its session owns
        # the draft), then presses the check page's button.
        service = app.extensions["portal"].services["certificate"]
        agency = demo_agency_for(service)
        form = (f"/requests/new/{agency.code}/certificate",
                answers(app, service, agency))
        # The demo office's built service: a new question is asked for by
        # its edit page's form (the type picked), not by a link.
        built = BuiltService.select().order_by(BuiltService.id).first()
        new_question = [f"/admin/builder/{built.id}/question"] if built else []
    server, url = serve(app)
    starts = {**START, "citizen": [*START["citizen"], *(f"/requests/{r.reference}"
                                                       for r in made[:2])],
              "agency_admin": [*START["agency_admin"], *new_question]}
    yield {"url": url, "app": app, "logins": logins, "starts": starts, "form": form,
           "returned": made[0].reference}
    server.shutdown()


def _sign_in(page: Any, url: str, national_id: str) -> None:
    page.goto(url + "/login")
    page.fill("#national_id", national_id)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(lambda u: "/login" not in u)


class Walk:
    """One role's walk in one language. ``checked`` is shared by the walks of
    one language: a page another role already had checked is not checked
    again, except each role's start pages (its menu, its home)."""

    def __init__(self, app: Any, base: str, checked: dict[str, str], language: str) -> None:
        self.adapter = app.url_map.bind("127.0.0.1")
        self.language = language
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
        if endpoint in PER_VALUE and self.language == PER_VALUE_LANGUAGE:
            key += ":" + str(args.get(PER_VALUE[endpoint]))
        query = parse_qs(parts.query)
        name = NAMED_IN_QUERY.get(endpoint)
        if name in query:
            return f"{key}:{name}", f"{parts.path}?{name}={query[name][0]}"
        if "id" in query:  # Flask-Admin's edit and details pages name their row so
            return key, f"{parts.path}?id={query['id'][0]}"
        return key, parts.path

    def offer(self, href: str, start: bool = False) -> None:
        """Queue ``href`` unless this walk has its page already. A start page
        is its own key (the citizen's returned request is not their other
        requests' page: it has the correction link)."""
        found = self.key(href)
        if found is None:
            return
        key = f"{found[0].split(':')[0]}:{found[1]}" if start else found[0]
        if key not in self.offered:
            self.offered.add(key)
            self.queue.append((key, found[1]))

    def to_check(self, key: str) -> bool:
        """Whether axe should read this page: no other role's walk had it
        checked (the page is still opened, for the links this role sees)."""
        return key not in self.checked


def _links(page: Any) -> list[str]:
    return page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")


def _walk(site: dict[str, Any], browser: Any, role: str, language: str,
          checked: dict[str, str], redirected: set[str], failures: list[str]) -> int:
    """Walk ``role``'s pages; returns how many axe runs were made."""
    url = site["url"]
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    prepare(context)
    page = context.new_page()
    if role != "guest":
        _sign_in(page, url, site["logins"][role])
    if language != "th":
        page.goto(f"{url}/lang/{language}")
    walk = Walk(site["app"], url, checked, language)
    if role == "citizen":
        runs_before = _after_the_form(page, site, checked, failures)
    else:
        runs_before = 0
    for start in site["starts"][role]:
        walk.offer(start, start=True)
    runs = 0
    while walk.queue:
        key, path = walk.queue.pop(0)
        response = page.goto(url + path)
        if response is None or response.status != 200 or \
                "text/html" not in response.headers.get("content-type", ""):
            continue  # a page this role may not open is not this role's page
        if urlsplit(page.url).path != urlsplit(path).path:
            # Sent on (a short link, a sign-in first): the page it lands on
            # is walked as itself.
            redirected.add(key.split(":")[0])
            walk.offer(page.url)
            continue
        for href in _links(page):
            walk.offer(href)
        if not walk.to_check(key):
            continue
        checked[key] = path
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found = serious_violations(page)
            runs += 1
            if found:
                failures.append(describe(found, f"[{role} {language} {width}px] {path}"))
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    context.close()
    return runs + runs_before


def _axe_both_widths(page: Any, label: str, failures: list[str]) -> int:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found = serious_violations(page)
        if found:
            failures.append(describe(found, f"[{label} {width}px] {urlsplit(page.url).path}"))
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return len(WIDTHS)


def _after_the_form(page: Any, site: dict[str, Any], checked: dict[str, str],
                    failures: list[str]) -> int:
    """The pages a form leads to: the check page of a new request and of a
    correction, and the confirmation page (checked once per language)."""
    url, runs = site["url"], 0
    path, data = site["form"]
    page.goto(url + path)
    token = page.get_attribute("input[name=csrf_token]", "value")
    multipart: dict[str, Any] = {"csrf_token": token}
    for name, value in data.items():
        if isinstance(value, tuple):
            stream, filename = value
            stream.seek(0)
            multipart[name] = {"name": filename, "mimeType": "application/pdf"
                               if filename.endswith(".pdf") else "image/jpeg",
                               "buffer": stream.read()}
        else:
            multipart[name] = str(value)
    posted = page.request.post(url + path, multipart=multipart, max_redirects=0)
    check = posted.headers.get("location", "")
    assert "/check/" in check, posted.text()[-2000:]
    page.goto(check if check.startswith("http") else url + check)
    checked["requester.check_request"] = urlsplit(page.url).path
    runs += _axe_both_widths(page, "citizen check", failures)
    page.locator("button[name=confirm]").click()
    page.wait_for_url("**/requests/sent/**")
    checked["requester.sent"] = urlsplit(page.url).path
    runs += _axe_both_widths(page, "citizen sent", failures)
    # The returned request: its form as it stands goes to its check page.
    page.goto(f"{url}/requests/{site['returned']}/edit")
    page.locator("form.form button[type=submit]").last.click()
    page.wait_for_url("**/edit/check/**")
    checked["requester.edit_check"] = urlsplit(page.url).path
    runs += _axe_both_widths(page, "citizen correction check", failures)
    return runs


def _page_endpoints(app: Any) -> set[str]:
    """Every GET endpoint of the url_map that answers with a page: Flask-Admin
    routes create, edit and details of every model view, and sends away from
    those its view switched off (``can_create`` …), so those are left out."""
    off = set()
    for view in app.extensions["admin"][0]._views:  # noqa: SLF001
        for flag, endpoint in (("can_create", "create_view"), ("can_edit", "edit_view"),
                               ("can_view_details", "details_view")):
            if getattr(view, flag, True) is False:
                off.add(f"{view.endpoint}.{endpoint}")
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not NOT_PAGES.search(rule.endpoint)} - off


def _without_rows(app: Any) -> set[str]:
    """Edit and details pages of model views whose table the demo data leaves
    empty: no row, no page to open (reported, not failed)."""
    empty = set()
    with app.app_context():
        for view in app.extensions["admin"][0]._views:  # noqa: SLF001
            model = getattr(view, "model", None)
            if model is not None and not model.select().exists():
                empty |= {f"{view.endpoint}.edit_view", f"{view.endpoint}.details_view"}
    return empty


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_accessibility_fault_on_any_page(site, browser, language):
    """One walk per language, each reaching every page by itself: the two
    run side by side on the suite's two workers (one walk is minutes)."""
    started = time.monotonic()
    failures: list[str] = []
    runs = 0
    redirected: set[str] = set()  # endpoints that only send on to another page
    checked: dict[str, str] = {}
    for role in ROLES:
        runs += _walk(site, browser, role, language, checked, redirected, failures)
    reached = {key.split(":")[0] for key in checked} | redirected
    elapsed = time.monotonic() - started
    SHOTS.mkdir(exist_ok=True)
    summary = f"{language}: {runs} axe runs in {elapsed:.0f} s; {len(failures)} failing"
    expected = _page_endpoints(site["app"]) - NEEDS_A_SECRET - set(SAME_PAGE) - SENDS_ON
    no_rows = sorted((expected - reached) & _without_rows(site["app"]))
    summary += f"; not walked, no row in the demo data: {', '.join(no_rows) or 'none'}"
    (SHOTS / f"axe-report-{language}.txt").write_text(
        summary + "\n\n" + "\n\n".join(failures) + "\n", encoding="utf-8")
    print(summary)
    missed = expected - reached - set(no_rows)
    assert not missed, f"no role's walk reached these pages: {sorted(missed)}"
    assert not failures, f"{summary}:\n\n" + "\n\n".join(failures)


def test_the_walk_finds_staff_pages_by_their_links(site):
    """The page keys: an edit page is walked once per list, whatever its row;
    a page another role had checked is opened (for its links), not checked."""
    walk = Walk(site["app"], site["url"], {"admin.index": "/admin/"}, "th")
    walk.offer("/admin/holidays/edit/?id=3&url=%2Fadmin%2Fholidays%2F")
    walk.offer("/admin/holidays/edit/?id=4")
    walk.offer("/requests/new/demo/certificate")
    walk.offer("/requests/new/demo/pension_gratuity")
    walk.offer("/lang/en")
    # The builder's question, page and step name theirs in the query; a new
    # question and an edited one are two pages, as are the two previews.
    walk.offer("/admin/builder/1/question?key=name&x=1")
    walk.offer("/admin/builder/1/question?key=other")
    walk.offer("/admin/builder/1/question?page=page1&type=choice")
    walk.offer("/admin/builder/1/page?key=page1")
    walk.offer("/admin/builder/1/preview?phone=1")
    walk.offer("/admin/builder/1/preview")
    walk.offer("/admin/builder/1/export?version=1")
    walk.offer("/admin/builder_library/schema.json")
    walk.offer("http://example.com/admin/")
    walk.offer("/admin/")
    assert walk.queue == [
        ("holidays.edit_view", "/admin/holidays/edit/?id=3"),
        ("requester.new_request:certificate", "/requests/new/demo/certificate"),
        ("requester.new_request:pension_gratuity", "/requests/new/demo/pension_gratuity"),
        ("builder.question:key", "/admin/builder/1/question?key=name"),
        ("builder.question", "/admin/builder/1/question"),
        ("builder.page:key", "/admin/builder/1/page?key=page1"),
        ("builder.preview:phone", "/admin/builder/1/preview?phone=1"),
        ("builder.preview", "/admin/builder/1/preview"),
        ("admin.index", "/admin/")]
    # In English, one service's form stands for all of them.
    english = Walk(site["app"], site["url"], {}, "en")
    for href in ("/requests/new/demo/certificate", "/requests/new/demo/pension_gratuity"):
        english.offer(href)
    assert english.queue == [("requester.new_request", "/requests/new/demo/certificate")]
    assert not walk.to_check("admin.index")
    assert walk.to_check("holidays.edit_view")
    walk.offer("/requests/ABC-1", start=True)
    walk.offer("/requests/ABC-2", start=True)
    assert walk.queue[-2:] == [("requester.view:/requests/ABC-1", "/requests/ABC-1"),
                               ("requester.view:/requests/ABC-2", "/requests/ABC-2")]
