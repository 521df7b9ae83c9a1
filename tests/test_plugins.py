"""The plugin contract: entry points, PORTAL_PLUGINS, every hook used by a
throwaway plugin, switching services on and off, and the hook docs."""

from __future__ import annotations

import inspect
import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from portal import create_app
from portal.models import Request
from portal.ops.migrate import upgrade
from portal.plugins import hookspecs
from portal.plugins.manager import plugin_manager
from portal.requests.catalogue import enabled_codes

from .conftest import login, make_agency, make_config, make_staff, make_user
from .helpers.certificate import new_certificate
from .helpers.client import CSRFClient
from .helpers.files import make_pdf
from .helpers.send import send_form
from .plugins import sample_plugin

ROOT = Path(__file__).resolve().parent.parent
HOOKS = sorted(name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
               if hasattr(fn, "portal_spec"))


@pytest.fixture
def sample_app(tmp_path, migrated_db):
    app = create_app(make_config(tmp_path, migrated=True, PORTAL_EXTRA_PLUGINS=[sample_plugin]))
    app.test_client_class = CSRFClient
    with app.app_context():
        upgrade(plugin_manager())
    sample_plugin.CALLS.clear()
    return app


def test_builtin_plugins_come_from_the_entry_points(app):
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="portal.plugins")}
    assert "education" in names
    pm = app.extensions["portal"].pm
    assert pm.get_plugin("education") is not None
    assert app.extensions["portal"].services["certificate"].plugin == "education"


def test_portal_plugins_setting_keeps_only_the_named(tmp_path):
    app = create_app(make_config(tmp_path, PORTAL_PLUGINS="nothing_else"))
    assert app.extensions["portal"].services == {}
    assert app.extensions["portal"].pm.is_blocked("education")
    with app.test_request_context():
        assert "certificates" not in {v.endpoint for v in app.extensions["admin"][0]._views}


def test_built_in_features_stay_unless_disabled(tmp_path):
    """Open311, the survey and delay letters were core features: naming only
    service families in PORTAL_PLUGINS keeps them; PORTAL_DISABLED_PLUGINS
    leaves any out, a service family too."""
    from portal.plugins.manager import BUILT_IN_PLUGINS

    kept = create_app(make_config(tmp_path, PORTAL_PLUGINS="education")).extensions["portal"].pm
    assert all(kept.get_plugin(name) is not None for name in BUILT_IN_PLUGINS)
    assert kept.is_blocked("tambon")
    left = create_app(make_config(tmp_path, PORTAL_DISABLED_PLUGINS="open311, tambon")
                      ).extensions["portal"].pm
    assert left.is_blocked("open311") and left.is_blocked("tambon")
    assert left.get_plugin("survey") is not None and left.get_plugin("education") is not None


def test_a_plugin_left_out_still_minds_the_data_it_left(tmp_path, migrated_db, world):
    """Review, finding 4: with the survey or the tambon family left out,
    their rows are still in backups and the orphan-file sweep's count, and
    an account's deletion still erases what they hold of the person."""
    from plugins.survey.models import SurveyResponse
    from plugins.tambon.models import ElderlyRegistration
    from portal.plugins.manager import all_models

    app = create_app(make_config(tmp_path, migrated=True,
                                 PORTAL_DISABLED_PLUGINS="survey,tambon"))
    pm = app.extensions["portal"].pm
    assert pm.is_blocked("survey") and pm.get_plugin("survey:data") is not None
    with app.app_context():
        models = all_models()
        assert SurveyResponse in models and ElderlyRegistration in models
        forgetters = {impl.plugin_name for impl in pm.hook.forget_request.get_hookimpls()}
        assert {"survey:data", "tambon:data"} <= forgetters
        # Only the data hooks: no pages, no services, no menu.
        assert "survey" not in {bp.name for bp in app.blueprints.values()}
        assert not {s.code for s in app.extensions["portal"].services.values()
                    if s.plugin == "tambon"}


def test_a_built_in_plugin_not_installed_stops_the_start(tmp_path, monkeypatch):
    """A deploy that pulled the code without installing it again has no
    entry point for a new built-in plugin: it says so instead of running
    without Open311 or the survey (review, doubt 10)."""
    from portal.plugins import manager

    real = manager.entry_points
    monkeypatch.setattr(manager, "entry_points", lambda group: [
        ep for ep in real(group=group) if ep.name != "survey"])
    with pytest.raises(RuntimeError, match="survey"):
        create_app(make_config(tmp_path))
    create_app(make_config(tmp_path, PORTAL_DISABLED_PLUGINS="survey"))  # said so: fine


def test_open311_disabled_leaves_no_api_and_the_core_starts(tmp_path, migrated_db):
    app = create_app(make_config(tmp_path, migrated=True, PORTAL_DISABLED_PLUGINS="open311"))
    assert app.extensions["portal"].pm.is_blocked("open311")
    client = app.test_client()
    assert client.get("/open311/v2/services.json").status_code == 404
    assert client.get("/open311/v2/services.json?jurisdiction_id=demo-tambon"
                      ).status_code == 404
    assert client.get("/").status_code == 200
    assert "api_keys.index" not in app.view_functions
    # The street lights are still offered on the web; only the API is gone.
    assert app.extensions["portal"].services["street_light"].open311


def test_an_api_blueprint_has_no_csrf_and_its_own_rate_limit(sample_app):
    """``register_blueprints`` may return a ``portal.plugins.ApiBlueprint``:
    programs post to it without a CSRF token, up to its rate limit."""
    client = FlaskClient(sample_app)  # sends no CSRF token
    assert client.post("/sample/form").status_code == 400  # an ordinary blueprint
    assert [client.post("/sample/api/echo").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/sample/hello").status_code == 200


def test_duplicate_service_code_fails_at_start(tmp_path):
    class Clash:
        @staticmethod
        @__import__("portal").hookimpl
        def register_services():
            return sample_plugin.register_services()

    with pytest.raises(RuntimeError, match="sample_petition"):
        create_app(make_config(tmp_path, PORTAL_EXTRA_PLUGINS=[sample_plugin, Clash]))


def test_misspelt_hookimpl_fails_loudly(tmp_path):
    class Typo:
        @staticmethod
        @__import__("portal").hookimpl
        def register_servces():
            return []

    from pluggy import PluginValidationError

    with pytest.raises(PluginValidationError):
        create_app(make_config(tmp_path, PORTAL_EXTRA_PLUGINS=[Typo]))


def test_message_channels_and_send_message_carry_news_beside_e_mail(sample_app):
    from portal.models import Notification

    make_agency("delta", services=("sample_petition",))
    citizen, quiet = make_user(), make_user()
    sample_plugin.CHAT_USERS.clear()
    sample_plugin.CHAT_SENT.clear()
    sample_plugin.CHAT_USERS.add(citizen.id)
    for person in (citizen, quiet):
        client = sample_app.test_client()
        login(client, person)
        send_form(client, "/requests/new/delta/sample_petition", data={
            "phone": "0812345678", "title": "นาย", "first_name": "ก", "last_name": "ข",
            "subject": "ขอซ่อมถนน", "file_doc": (io.BytesIO(make_pdf()), "ถนน.pdf")},
            content_type="multipart/form-data")
    # Only the person who has the channel gets it, with the e-mail's Thai text.
    assert [(to, "ได้รับคำร้องของท่านแล้ว" in text) for to, text in sample_plugin.CHAT_SENT] == [
        (f"chat-{citizen.id}", True)]
    row = Notification.get(Notification.channel == "sample_chat")
    assert row.sent_at is not None and row.body_html == ""
    # A failed delivery waits and is retried, like e-mail.
    Notification.create(channel="sample_chat", recipient="chat-down", subject="s", body_text="t")
    with sample_app.app_context():
        from portal.base.outbox import deliver_due

        deliver_due()
    down = Notification.get(Notification.recipient == "chat-down")
    assert down.sent_at is None and down.attempts == 1 and "down" in down.last_error
    # A channel nobody delivers is an error on the row, not a crash.
    Notification.create(channel="pigeon", recipient="x", subject="s", body_text="t")
    with sample_app.app_context():
        deliver_due()
    assert "pigeon" in Notification.get(Notification.channel == "pigeon").last_error


def test_register_services_and_request_changed(sample_app):
    agency = make_agency("gamma", services=("sample_petition",))
    citizen = make_user()
    client = sample_app.test_client()
    login(client, citizen)
    assert "คำร้องทั่วไป" in client.get("/").get_data(as_text=True)
    r = send_form(client, "/requests/new/gamma/sample_petition", data={
        "phone": "0812345678", "title": "นาย", "first_name": "ก", "last_name": "ข",
        "subject": "ขอซ่อมถนน", "file_doc": (io.BytesIO(make_pdf()), "ถนน.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 302
    req = Request.get(Request.service_code == "sample_petition")
    assert req.reference.startswith("51-")
    assert sample_plugin.CALLS == [(req.reference, None, "submitted", "")]
    staff = make_staff(agency, services=("sample_petition",))
    s = sample_app.test_client()
    login(s, staff)
    s.post(f"/admin/requests/process/{req.id}",
           data={"status": "returned", "message": "ขอรายละเอียด", "version": req.version})
    assert sample_plugin.CALLS[-1] == (req.reference, "submitted", "returned", "ขอรายละเอียด")


def test_forget_request_runs_for_each_request_of_a_deleted_account(sample_app):
    """A third-party plugin hears of an account deletion once per request,
    and the core blanks what it holds itself."""
    from portal.models import User
    from tests.conftest import PASSWORD

    make_agency("gamma", services=("sample_petition",))
    citizen = make_user()
    client = sample_app.test_client()
    login(client, citizen)
    refs = []
    for subject in ("ขอซ่อมถนน", "ขอไฟส่องสว่าง"):
        send_form(client, "/requests/new/gamma/sample_petition", data={
            "phone": "0812345678", "title": "นาย", "first_name": "ก", "last_name": "ข",
            "subject": subject, "file_doc": (io.BytesIO(make_pdf()), "ถนน.pdf")},
            content_type="multipart/form-data")
        req = Request.select().order_by(Request.id.desc()).first()
        client.post(f"/requests/{req.reference}/cancel", data={"version": req.version})
        refs.append(req.reference)
    assert Request.select().where(Request.status == "cancelled").count() == 2
    sample_plugin.CALLS.clear()
    r = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert r.status_code == 302
    assert sorted(c for c in sample_plugin.CALLS if c[0] == "forget") == sorted(
        ("forget", ref) for ref in refs)
    assert {q.payload.get("subject") for q in Request.select()} == {None}
    assert User.get_by_id(citizen.id).deleted_at is not None


def _petition(client, subject="ขอซ่อมถนน"):
    send_form(client, "/requests/new/gamma/sample_petition", data={
        "phone": "0812345678", "title": "นาย", "first_name": "ก", "last_name": "ข",
        "subject": subject, "file_doc": (io.BytesIO(make_pdf()), "ถนน.pdf")},
        content_type="multipart/form-data")
    return Request.select().order_by(Request.id.desc()).first()


def test_request_page_sections_and_process_page_sections_show_in_their_places(sample_app):
    agency = make_agency("gamma", services=("sample_petition",))
    citizen = make_user()
    client = sample_app.test_client()
    login(client, citizen)
    req = _petition(client)
    staff = make_staff(agency, services=("sample_petition",))
    s = sample_app.test_client()
    login(s, staff)
    process = s.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    # Above the details, under them, and beside Print in the staff section.
    top, details = process.index('id="sample-staff-notice"'), process.index('class="pairs"')
    assert top < details < process.index('id="sample-staff-main"')
    staff_section = process.index("staff-details")
    assert process.index('id="sample-staff-actions"') > process.index(
        'href="/requests/' + req.reference + '/print"', staff_section)
    # Plain text is text: only Markup is HTML.
    assert "&lt;b&gt;escaped&lt;/b&gt;" in process and "<b>escaped</b>" not in process
    page = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    # No top notice while it is just sent: the notice place shows nowhere.
    assert 'id="sample-requester-notice"' not in page
    assert page.index('class="pairs"') < page.index('id="sample-requester-main"')
    assert page.index('id="sample-requester-actions"') > page.index('class="actions"')
    s.post(f"/admin/requests/process/{req.id}",
           data={"status": "returned", "message": "ขอรายละเอียด", "version": req.version})
    page = client.get(f"/requests/{req.reference}").get_data(as_text=True)
    notice = re.search(r'<section class="alert[^"]*next-step".*?</section>', page, re.S).group(0)
    assert 'id="sample-requester-notice"' in notice


def test_request_personal_data_joins_each_request_of_the_export(sample_app):
    make_agency("gamma", services=("sample_petition",))
    citizen = make_user()
    client = sample_app.test_client()
    login(client, citizen)
    req = _petition(client)
    from portal.requests.privacy import personal_data

    with sample_app.test_request_context():
        exported = personal_data(citizen)
    entry = exported["requests"][0]
    assert entry["sample_note"] == f"note of {req.reference}"
    keys = list(entry)
    assert keys.index("files") < keys.index("sample_note") < keys.index("status_check")
    assert isinstance(entry["files"], list)  # the core's list, not the plugin's word


def test_take_reopen_ask_lets_staff_reopen_once_per_ask(sample_app):
    agency = make_agency("gamma", services=("sample_petition",))
    client = sample_app.test_client()
    login(client, make_user())
    req = _petition(client)
    staff = make_staff(agency, services=("sample_petition",))
    s = sample_app.test_client()
    login(s, staff)
    s.post(f"/admin/requests/process/{req.id}",
           data={"status": "completed", "message": "", "version": req.version})
    done = Request.get_by_id(req.id)
    sample_plugin.REOPEN_ASKS.clear()
    s.post(f"/admin/requests/reopen/{req.id}", data={"remark": "ดูใหม่", "version": done.version})
    assert Request.get_by_id(req.id).status == "completed"  # nobody asked
    sample_plugin.REOPEN_ASKS.add(req.reference)
    s.post(f"/admin/requests/reopen/{req.id}", data={"remark": "ดูใหม่", "version": done.version})
    again = Request.get_by_id(req.id)
    assert again.status == "in_progress" and ("reopen", req.reference, "reopen") in (
        sample_plugin.CALLS)
    s.post(f"/admin/requests/process/{req.id}",
           data={"status": "completed", "message": "", "version": again.version})
    done = Request.get_by_id(req.id)
    s.post(f"/admin/requests/reopen/{req.id}", data={"remark": "อีก", "version": done.version})
    assert Request.get_by_id(req.id).status == "completed"  # the ask was answered


def test_request_changed_failure_does_not_undo_the_change(sample_app, monkeypatch):
    make_agency("gamma", services=("sample_petition",))
    citizen = make_user()

    def boom(**kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(sample_plugin, "request_changed", boom, raising=True)
    pm = sample_app.extensions["portal"].pm
    pm.unregister(sample_plugin)
    pm.register(sample_plugin)
    client = sample_app.test_client()
    login(client, citizen)
    r = send_form(client, "/requests/new/gamma/sample_petition", data={
        "phone": "0812345678", "title": "นาย", "first_name": "ก", "last_name": "ข",
        "subject": "ไฟดับ"}, content_type="multipart/form-data")
    assert r.status_code == 302
    assert Request.select().count() == 1


def test_register_blueprints_menu_links_dashboard_cards_register_admin_views(sample_app):
    client = sample_app.test_client()
    assert client.get("/sample/hello").get_data(as_text=True) == "สวัสดี"
    assert "ลิงก์ทดสอบ" in client.get("/").get_data(as_text=True)
    staff = make_staff(make_agency(services=("sample_petition",)), services=("sample_petition",))
    login(client, staff)
    assert "การ์ดทดสอบ" in client.get("/admin/").get_data(as_text=True)
    assert client.get("/admin/sample_admin/").get_data(as_text=True) == "sample admin"


def test_process_page_actions_add_buttons_to_the_process_page(sample_app):
    """Open or closed, the request's process page shows the plugin's button
    (asked with the staff member who looks); another service's does not."""
    agency = make_agency("gamma", services=("sample_petition", "certificate"))
    citizen = make_user()
    client = sample_app.test_client()
    login(client, citizen)
    send_form(client, "/requests/new/gamma/sample_petition", data={
        "phone": "0812345678", "title": "นาย", "first_name": "ก", "last_name": "ข",
        "subject": "ขอซ่อมถนน", "file_doc": (io.BytesIO(make_pdf()), "ถนน.pdf")},
        content_type="multipart/form-data")
    req = Request.get(Request.service_code == "sample_petition")
    staff = make_staff(agency, services=("sample_petition", "certificate"))
    s = sample_app.test_client()
    login(s, staff)
    button = (f'<a class="btn btn-info" href="/sample/hello?ref={req.reference}&amp;by={staff.id}">'
              "ปุ่มทดสอบ</a>")
    assert button in s.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    s.post(f"/admin/requests/process/{req.id}",
           data={"status": "completed", "message": "", "version": req.version})
    page = s.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert button in page.split("alert-secondary", 1)[1]  # below "this request is closed"
    _client, other = new_certificate(sample_app, citizen, agency_code="gamma")
    assert "ปุ่มทดสอบ" not in s.get(f"/admin/requests/process/{other.id}").get_data(as_text=True)


def test_delay_letters_offer_their_page_on_open_requests_only(app, world):
    _client, req = new_certificate(app, world["citizen"])
    staff = app.test_client()
    login(staff, world["staff"])
    button = (f'<a class="btn btn-outline-warning" href="/admin/requests/delay/{req.id}">'
              "หนังสือแจ้งเรื่องล่าช้า</a>")
    assert button in staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    staff.post(f"/admin/requests/process/{req.id}",
               data={"status": "completed", "message": "", "version": req.version})
    page = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "/admin/requests/delay/" not in page
    assert staff.get(f"/admin/requests/delay/{req.id}").status_code == 404


def test_delay_letters_can_be_switched_off(tmp_path, migrated_db):
    """With the built-in plugin left out the app starts, the process page
    offers no delay notice and its page is gone."""
    app = create_app(make_config(tmp_path, migrated=True,
                                 PORTAL_DISABLED_PLUGINS="delay_letters"))
    app.test_client_class = CSRFClient
    with app.app_context():
        upgrade(plugin_manager())
    assert app.extensions["portal"].pm.is_blocked("delay_letters")
    agency = make_agency("alpha")
    _client, req = new_certificate(app, make_user())
    staff = app.test_client()
    login(staff, make_staff(agency))
    page = staff.get(f"/admin/requests/process/{req.id}").get_data(as_text=True)
    assert "/admin/requests/delay/" not in page and "แจ้งเรื่องล่าช้า" not in page
    assert 'class="btn btn-secondary" href="/requests/' in page  # the buttons' row is there
    assert staff.get(f"/admin/requests/delay/{req.id}").status_code == 404


def test_sign_in_options_show_under_the_login_form(sample_app):
    page = sample_app.test_client().get("/login").get_data(as_text=True)
    assert "เข้าสู่ระบบด้วยผู้ให้บริการทดสอบ" in page and 'href="/sample/hello"' in page


def test_register_models_and_register_migrations_are_collected(app):
    from plugins.education.models import CertificateRequest
    from portal.ops.migrate import routers

    pm = app.extensions["portal"].pm
    models = [m for result in pm.hook.register_models() for m in result]
    assert CertificateRequest in models
    names = [name for name, _r in routers(pm)]
    assert names[0] == "core"  # the core's tables exist before any plugin's
    assert set(names[1:]) == {"education", "ict", "kpi", "egov", "tambon", "oidc",
                             "line", "builder"}


def test_switching_a_service_off_hides_it_but_keeps_old_requests_readable(app, world):
    _client, req = new_certificate(app, world["citizen"])
    admin = app.test_client()
    login(admin, world["admin"])
    r = admin.post("/admin/services/toggle", data={
        "agency": world["agency"].id, "service": "certificate", "enabled": "0", "confirm": "1"})
    assert r.status_code == 302
    citizen = app.test_client()
    login(citizen, world["citizen"])
    home = citizen.get("/").get_data(as_text=True)
    assert "/requests/new/alpha/certificate" not in home
    assert citizen.get("/requests/new/alpha/certificate").status_code == 404
    assert citizen.get("/services/alpha/certificate").status_code == 404
    assert citizen.get(f"/requests/{req.reference}").status_code == 200
    staff = app.test_client()
    login(staff, world["staff"])
    assert staff.get(f"/admin/requests/process/{req.id}").status_code == 200
    assert req.reference in staff.get("/admin/requests/").get_data(as_text=True)
    admin.post("/admin/services/toggle", data={
        "agency": world["agency"].id, "service": "certificate", "enabled": "1"})
    assert citizen.get("/requests/new/alpha/certificate").status_code == 200


def test_agency_admin_cannot_switch_another_agencys_services(app, world):
    admin = app.test_client()
    login(admin, world["admin"])
    r = admin.post("/admin/services/toggle", data={
        "agency": world["other_agency"].id, "service": "certificate", "enabled": "0"})
    assert r.status_code == 404
    staff = app.test_client()
    login(staff, world["staff"])
    assert staff.get("/admin/services/").status_code == 403
    with app.app_context():
        assert "certificate" in enabled_codes(world["other_agency"])


def test_every_hook_is_documented_and_tested():
    docs = (ROOT / "docs" / "plugin_hooks.md").read_text()
    tests = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py"))
    for hook in HOOKS:
        assert re.search(rf"^### {hook}\(", docs, re.M), f"{hook} missing from docs"
        assert hook in tests, f"{hook} has no test"
        assert (getattr(hookspecs, hook).__doc__ or "").strip(), f"{hook} has no docstring"
    assert len(HOOKS) == 21
