"""The ``configure_*`` steps of :func:`portal.create_app`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import jinja2
import peewee as pw
import pluggy
from flask import Flask, g, has_request_context, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from ..base.extensions import (
    CONTENT_SECURITY_POLICY,
    babel,
    csrf,
    limiter,
    login_manager,
    talisman,
)
from ..base.links import check_base_url, public_host, public_url
from ..config import production_start
from ..forms.pages import register_form_helpers
from ..i18n import DIRECTORY as TRANSLATIONS
from ..i18n import agency_name, local_tz, show_date, show_datetime, show_due
from ..identity import access, captcha
from ..models import Agency, AuditLog, CannedReply, Holiday, Membership, Notice, Request
from ..ops.cli import backup_cli, db_cli, demo_command, holidays_cli, jobs_cli, users_cli
from ..plugins.manager import collect
from ..plugins.services import ApiBlueprint
from ..requests.catalogue import ServiceClosed, contact
from ..requests.lifecycle import STATUS_LABELS
from ..requests.notify import notice_text
from ..staff.audit_log import AuditLogView
from ..staff.dashboard import DashboardView, OverdueView
from ..staff.menu import MenuCache, staff_menu
from ..staff.people import AgencyView, StaffView
from ..staff.requests import RequestView
from ..staff.settings import CannedReplyView, HolidayView, ServiceSwitchView
from ..thai import BE_OFFSET, age_years, baht_text, mask_national_id, to_local
from .account import bp as identity_bp
from .public import bp as public_bp
from .requester import bp as requester_bp


def _locale() -> str:
    lang = request.cookies.get("lang") if request else None
    return lang if lang in ("th", "en") else "th"


class PortalSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the page came over HTTPS, so an
    install behind TLS needs no extra setting to get it right."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (request and request.is_secure))


def configure_hosts(app: Flask) -> None:
    """Check the public address, and answer only for the portal's own hosts.

    Flask's TRUSTED_HOSTS (PUBLIC_BASE_URL's host, then the TRUSTED_HOSTS
    setting) refuses any other Host with 400 before the view runs, so
    nothing a forged Host asks for is saved or queued. Behind ProxyFix the
    host checked is the forwarded one, as the person's browser sent it.
    """
    base = app.config.get("PUBLIC_BASE_URL") or ""
    if base:
        base = app.config["PUBLIC_BASE_URL"] = check_base_url(base)
    elif production_start(app):
        raise RuntimeError(
            "PUBLIC_BASE_URL is not set. A production start needs the portal's public "
            "address, e.g. PUBLIC_BASE_URL=https://eservice.example.go.th: links in e-mail, "
            "LINE, PDFs and QR codes are built on it, and requests for any other host "
            "(beyond TRUSTED_HOSTS) are refused.")
    extra = app.config.get("TRUSTED_HOSTS") or []
    if isinstance(extra, str):  # from the environment: a comma list
        extra = extra.split(",")
    hosts = ([public_host(base)] if base else []) + [h.strip().lower() for h in extra]
    # None is Flask's "every host": left only to a test or debug start that
    # names no host at all, where no link can be built either.
    app.config["TRUSTED_HOSTS"] = list(dict.fromkeys(h for h in hosts if h)) or None


def configure_extensions(app: Flask) -> None:
    app.session_interface = PortalSessionInterface()
    if app.config.get("TRUST_PROXY_HEADERS"):
        # Behind nginx/Apache: take scheme and client address from the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    babel.init_app(app, locale_selector=_locale,
                   default_translation_directories=TRANSLATIONS)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "identity.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    limiter.init_app(app)

    talisman.init_app(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy={"geolocation": "(self)", "camera": "()", "microphone": "()",
                            "browsing-topics": "()"},
        force_https=app.config["FORCE_HTTPS"],
        frame_options="DENY",
        referrer_policy="same-origin",
        # Sent only on HTTPS responses; Secure cookies are PortalSessionInterface's job.
        strict_transport_security=True,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
    )

    def _error(code: int, message: Any) -> Any:
        def handler(error: Exception) -> Any:
            return render_template("error.html", code=code, message=message), code
        return handler

    # A number or a date no column or calendar holds (a 25-digit id, the
    # year 1) is a mistake in what was sent, wherever it surfaces.
    bad_input = _error(400, _l("Something in the address or the form is not valid. Please "
                               "go back, check it and try again."))
    for error in (400, OverflowError, pw.DataError):
        app.register_error_handler(error, bad_input)
    app.register_error_handler(403, _error(403, _l("You do not have permission to see this page.")))
    app.register_error_handler(404, _error(404, _l("The page you are looking for does not exist.")))
    app.register_error_handler(ServiceClosed, _service_closed)
    app.register_error_handler(410, _error(410, _l(
        "This file was deleted when the agency's period for keeping the files of closed "
        "requests ended.")))
    app.register_error_handler(413, _error(413, _l(
        "The files sent are too large. Each file may be at most 5 MB.")))
    app.register_error_handler(429, _error(429, _l(
        "Too many attempts. Please wait a minute and try again.")))
    # Anything unforeseen: the transaction was rolled back and the files of
    # the attempt deleted (portal.files.uploads.staged), so "nothing was saved" is true.
    app.register_error_handler(500, _error(500, _l(
        "Something went wrong on our side and nothing was saved. Please try again in a "
        "moment; if it happens again, contact the agency.")))
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import SecurityError

    app.register_error_handler(CSRFError, _error(400, _l(
        "The form has expired. Please go back, reload the page and try again.")))
    def foreign_host(error: SecurityError) -> Any:
        home = public_url("public.home") if app.config.get("PUBLIC_BASE_URL") else ""
        return render_template("foreign_host.html", home=home, message=_l(
            "This web address is not the portal's. Please open the portal from its official "
            "web address.")), 400

    # Raised by Flask's TRUSTED_HOSTS check (configure_hosts).
    app.register_error_handler(SecurityError, foreign_host)


def _service_closed(error: ServiceClosed) -> Any:
    """The page of a switched-off service (a QR poster, a bookmark): closed
    online for now, whom to call, the office's page. Still a 404: the form
    is not there, and a crawler or link checker must not keep the notice
    as the service's page."""
    agency = error.agency
    return render_template("public/service_closed.html", agency=agency,
                           service=error.service, reason=error.reason,
                           contact=contact(agency, error.service.code),
                           agency_page=agency.displayed and not agency.suspended), 404


def _plugin_template_dirs(pm: pluggy.PluginManager) -> list[str]:
    dirs = []
    for plugin in pm.get_plugins():
        module = sys.modules.get(getattr(plugin, "__name__", ""), plugin)
        path = getattr(module, "__file__", None)
        if path and (Path(path).parent / "templates").is_dir():
            dirs.append(str(Path(path).parent / "templates"))
    return dirs


def _flask_admin_templates() -> jinja2.BaseLoader:
    """Flask-Admin's own templates under ``flask_admin:``, so the few files
    templates/admin/ replaces can import the originals and change one macro."""
    import flask_admin

    return jinja2.FileSystemLoader(str(Path(flask_admin.__file__).parent
                                       / "templates" / "bootstrap4"))


def configure_templates(app: Flask, pm: pluggy.PluginManager) -> None:
    """Instance overrides › plugins › core; ``default:`` names the core copy
    so an override can extend what it replaces."""
    core = jinja2.FileSystemLoader(app.template_folder)
    app.jinja_loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(Path(app.instance_path) / "templates")),
        jinja2.FileSystemLoader(_plugin_template_dirs(pm)),
        core,
        jinja2.PrefixLoader({"default": core, "flask_admin": _flask_admin_templates()},
                            delimiter=":"),
    ])
    app.add_template_global(captcha.widget_strings, "robot_check_strings")
    register_form_helpers(app)
    if app.config.get("TESTING"):
        app.jinja_env.finalize = _no_raw_instants
    # Every day and instant a template shows goes through these (portal.i18n).
    app.jinja_env.filters.update(
        be_date=show_date,
        be_datetime=show_datetime,
        be_due=show_due,
        iso_date=iso_date,
        iso_month=iso_month,
        typed_date=typed_date,
        hhmm=hhmm,
        mask_nid=mask_national_id,
        status_label=lambda s: STATUS_LABELS.get(s, s),
        age_years=age_years,
        bahttext=baht_text,
        agency_name=agency_name,
        notice_text=notice_text,
    )

    def plugin_menu(place: str = "menu") -> list[Any]:
        return sorted((link for link in collect(pm, "menu_links", user=current_user)
                       if link.place == place), key=lambda m: m.order)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        # The menu and the bell are functions: only the layouts call them,
        # not every PDF, e-mail and partial rendered along the way (each
        # costs a query or a hook call).
        return {
            "unread_notices": unread_notices,
            "timedelta": dt.timedelta,
            "plugin_menu": plugin_menu,
            "is_staff": access.is_staff(current_user),
            "current_locale": str(get_locale() or "th"),
        }


def iso_date(value: dt.date | None) -> str:
    """A day as a date input and a URL want it (``2026-12-02``); an instant
    is first made the office's day."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value, local_tz()).date()
    return value.isoformat()


def iso_month(value: dt.date | None) -> str:
    """A month as a month input and a URL want it (``2026-12``)."""
    return "" if value is None else f"{value.year:04d}-{value.month:02d}"


def typed_date(value: dt.date | None) -> str:
    """A day as staff type it in a text box: ``02/12/2569`` (Buddhist era)."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"


def hhmm(value: dt.time | None) -> str:
    """A time of day at the office (a room's slot, opening hours): ``09:30``.
    Not for instants: those are shown with ``be_datetime``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        raise TypeError("hhmm is for times of day; show an instant with be_datetime")
    return value.strftime("%H:%M")


def _no_raw_instants(value: Any) -> Any:
    """Under test, ``{{ a_datetime }}`` fails: printed raw it is UTC, in the
    Christian era and to the microsecond."""
    if isinstance(value, dt.datetime):
        raise TypeError(f"a datetime rendered without a filter ({value!r}): "
                        "use |be_datetime, |be_date or |iso_date")
    return value


def unread_notices() -> int:
    """The signed-in user's unread notices (the bell), counted once per request."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    if "unread_notices" not in g:

        g.unread_notices = Notice.select().where((Notice.user == current_user.id)
                                                 & Notice.read_at.is_null()).count()
    return g.unread_notices


def configure_blueprints(app: Flask, pm: pluggy.PluginManager) -> None:
    for bp in (public_bp, identity_bp, requester_bp,
               *collect(pm, "register_blueprints")):
        if isinstance(bp, ApiBlueprint):
            csrf.exempt(bp)
            if bp.rate_limit:
                limiter.limit(bp.rate_limit, methods=list(bp.limited_methods))(bp)
        app.register_blueprint(bp)


def configure_admin(app: Flask, pm: pluggy.PluginManager) -> None:
    from flask_admin import Admin
    from flask_admin.theme import Bootstrap4Theme

    admin = Admin(
        app, name=str(_l("Staff")),
        index_view=DashboardView(name=_l("Summary"), url="/admin"),
        theme=Bootstrap4Theme(base_template="staff/master.html", swatch="default"),
        translations_path=TRANSLATIONS,
    )
    admin.add_view(RequestView(Request, name=_l("Requests"), endpoint="requests"))
    admin.add_view(OverdueView(name=_l("Overdue"), endpoint="overdue"))
    admin.add_view(ServiceSwitchView(name=_l("Services"), endpoint="services",
                                     category=_l("Settings")))
    admin.add_view(HolidayView(Holiday, name=_l("Holidays"), endpoint="holidays",
                               category=_l("Settings")))
    admin.add_view(StaffView(Membership, name=_l("Staff members"), endpoint="staff",
                             category=_l("Settings")))
    admin.add_view(CannedReplyView(CannedReply, name=_l("Ready-made replies"),
                                   endpoint="replies", category=_l("Settings")))
    admin.add_view(AgencyView(Agency, name=_l("Agencies"), endpoint="agencies",
                              category=_l("Settings")))
    admin.add_view(AuditLogView(AuditLog, name=_l("Audit log"), endpoint="audit",
                                category=_l("Settings")))
    for view in collect(pm, "register_admin_views"):
        admin.add_view(view)
    for view in admin._views:
        _remember_access(view)
    app.extensions["staff_menu"] = MenuCache()
    app.add_template_global(staff_menu)


def _remember_access(view: Any) -> None:
    """Answer ``is_accessible`` once per request: every staff page asks it of
    every view for the menu, and some views query the database to decide
    (KPI officers, ICT handlers) — 30 views, some twice, on every page."""
    decide = view.is_accessible

    def is_accessible() -> bool:
        if not has_request_context():
            return decide()
        known = g.setdefault("admin_access", {})
        if view.endpoint not in known:
            known[view.endpoint] = decide()
        return known[view.endpoint]

    view.is_accessible = is_accessible


def configure_cli(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(holidays_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_cli)
