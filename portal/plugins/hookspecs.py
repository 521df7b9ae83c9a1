"""Every hook a plugin can implement. Each docstring is that hook's manual.

Hooks return data; the core does the wiring. A plugin is a module (or any
object) with functions marked ``@portal.hookimpl``, registered through the
``portal.plugins`` entry-point group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import peewee
    from flask import Blueprint
    from flask_admin import BaseView

    from ..models import Agency, Notification, Request, StatusEvent, User
    from .services import DashboardCard, MenuLink, PageAction, PageSection, Service, SignInOption

PROJECT = "portal"  # the pluggy project: hookimpl marks functions "portal_impl"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

# ---------------------------------------------------------------- Setup ---


@hookspec
def register_services() -> list[Service]:
    """Services this plugin offers.

    Called once when the app is built. Each code must be unique across all
    plugins; a clash fails at start-up.

    :return: a list of :class:`portal.plugins.Service`.

    Example::

        @hookimpl
        def register_services():
            return [Service(code="certificate", title=_l("Certificate"),
                            form_class=CertificateForm, ref_prefix="12")]
    """


@hookspec
def load_services() -> list[Service]:
    """Services this plugin makes from data, as they stand now (the service
    builder's published versions).

    Called when the app is built and again, in each process, whenever
    :func:`portal.plugins.services_changed` was called (in the transaction
    that changed them): once per app context the core compares one counter
    row with the one it loaded. Keep it to a query or two. A code already
    taken by another service is left out with an error in the log.

    Give ``agency_code`` to offer a service only in the agency that made it,
    and ``version`` for its published version: its requests keep that
    version and find it again through :func:`find_service`.

    :return: a list of :class:`portal.plugins.Service`, current versions only.
    """


@hookspec(firstresult=True)
def find_service(code: str) -> Service | None:
    """An earlier version of a service from :func:`load_services`, by the
    code its requests keep (``Service.answers_code``: ``"tree-cutting-7@2"``).

    Asked only for a code that is not a current service's; the answer is
    cached until the services change. None: not this plugin's.
    """


@hookspec
def register_models() -> list[type[peewee.Model]]:
    """Peewee models this plugin owns (bound to the core database).

    They are created by the plugin's migrations (see
    :func:`register_migrations`), or, for a model that moved out of the
    core, by the core's migrations that made its table; the list is used by
    the schema check test, backups and ``flask db`` to compare models with
    the migrated schema.

    :return: model classes subclassing :class:`portal.db.BaseModel`.
    """


@hookspec
def register_migrations() -> str | None:
    """Folder of this plugin's migrations, run by ``flask db upgrade``.

    Files are peewee-migrate steps named ``NNN_<plugin>_<what>.py``; the
    plugin prefix keeps names unique in the shared history table. Core
    migrations run first, then plugins in registration order.

    :return: an absolute path, or None when the plugin has no tables.
    """


@hookspec
def register_blueprints() -> list[Blueprint]:
    """Flask blueprints with the plugin's own pages.

    Routes that show a request or file must authorise through
    :mod:`portal.identity.access`.

    :return: blueprints; the core registers them on the app.
    """


@hookspec
def register_admin_views() -> list[BaseView]:
    """Flask-Admin views for staff (lists, reports) under ``/admin``.

    Subclass :class:`portal.staff.views.PortalModelView` (or
    ``PortalBaseView``) so access control and agency scoping stay in one
    place. Return new instances on every call: each app gets its own.

    :return: view instances.
    """


@hookspec
def demo_data(agency: Agency) -> Agency | None:
    """Load this plugin's demo records (rooms, schools...) for ``agency``.

    Called by ``flask demo`` (which ``make run`` uses) inside a transaction,
    after the demo agency and accounts exist. Must be idempotent: the command
    runs at every start.

    :param agency: the demo agency (an education area office).
    :return: the demo agency this plugin's services belong to when it made
        one of its own (a sub-district office), None for ``agency``. The
        core then switches the plugin's services on there, and only there,
        and lets the demo clerk handle them.
    Example::

        @hookimpl
        def demo_data(agency):
            office, _ = Agency.get_or_create(code="demo-tambon", defaults={...})
            return office
    """


@hookspec
def audit_actions() -> dict[str, Any]:
    """Words for the audit-log action codes this plugin writes.

    The staff's audit log shows an action in words, never its code; a test
    fails when a ``portal.base.audit.record(...)`` call anywhere writes a code
    that no plugin (and not the core) gives words for.

    :return: ``{code: lazy text}``.
    Example::

        @hookimpl
        def audit_actions():
            return {"kpi_sent": _l("KPI document sent")}
    """


# -------------------------------------------------------------- Request ---


@hookspec
def request_changed(request: Request, old_status: str | None, new_status: str,
                    actor: User | None, remark: str) -> None:
    """After a request's status change is committed (``old_status`` None = new).

    Runs outside the transaction: the change is final. Use it to notify,
    free a booked slot and the like; an exception here is logged and does not
    undo the change. It also runs when staff reopen a completed request
    (``completed`` → ``in_progress``) and when they forward one to another
    service or agency (→ ``submitted``; ``request.service_code`` and
    ``request.agency`` are already the receiving ones).

    :param request: the request, already reloaded with its new status.
    :param old_status: status before, None when just submitted.
    :param new_status: status now.
    :param actor: who made the change, None for the system.
    :param remark: the message given with the change.
    """


@hookspec
def message_channels(user: User) -> list[tuple[str, str]]:
    """Ways besides e-mail this plugin can reach ``user`` with news of their
    requests, as ``(channel, address)`` pairs.

    Asked inside the transaction of every change to one of the user's
    requests, and of sending them a link to set a new password (or telling
    them it was reset); each pair gets an outbox row with the e-mail's plain
    text, delivered and retried by the background job through
    :func:`send_message` (an account message has no ``request``). Return
    ``[]`` when the person has not linked the channel or has switched its
    messages off.

    :param user: the requester (a registered person; guests get e-mail only).
    Example::

        @hookimpl
        def message_channels(user):
            link = line_link(user)
            return [("line", link.subject)] if link and wants_messages(user) else []
    """


@hookspec(firstresult=True)
def send_message(notification: Notification) -> bool | None:
    """Deliver one queued message of a channel this plugin owns.

    Stops at first non-None result.

    :param notification: the outbox row: ``channel``, ``recipient`` (the
        channel's address), ``subject`` and ``body_text``.
    :return: True when the channel took it; None when the channel is not
        this plugin's. Raise to have it retried later, waiting longer each time.
    """


@hookspec
def forget_request(request: Request) -> None:
    """Erase what this plugin's own tables hold about the person behind
    ``request``: the requester deleted their account (PDPA).

    Called inside the deletion's transaction, once per request of the
    account, before the core empties the request's answers, names, remarks
    and files. Blank or generalise every column that could identify someone
    (names, numbers, addresses, places, exact dates of birth) and keep the
    ones statistics count by (kinds, villages, types), so staff figures stay
    the same. Raising aborts the whole deletion.

    :param request: a request of the account being deleted.
    Example::
        @hookimpl
        def forget_request(request):
            Pension.update(email="").where(Pension.request == request).execute()
    """


@hookspec
def request_personal_data(request: Request) -> dict[str, Any]:
    """What this plugin's tables hold about ``request``, for the requester's
    copy of their personal data (PDPA right of access, *ข้อมูลของฉัน*).

    Called once per request of the account, in the order the requests were
    sent; the keys are added to that request's entry of the export, after
    its files. The counterpart of :func:`forget_request`.

    :param request: a request of the account whose data is exported.
    :return: ``{key: JSON-able value}``; a key for "nothing here" (None)
        keeps the export's shape the same for every request.
    Example::

        @hookimpl
        def request_personal_data(request):
            row = Booking.get_or_none(Booking.request == request)
            return {"booking": None if row is None else {"room": row.room.name}}
    """


@hookspec(firstresult=True)
def take_reopen_ask(request: Request, event: StatusEvent) -> bool | None:
    """Staff are reopening a completed request: answer the requester's ask
    for it, when this plugin holds one.

    A completed request goes back to work (``completed`` → ``in_progress``,
    the clock starting again) only on its requester's ask, and each ask
    opens it once. Called inside the reopen's transaction, right after the
    status change (``event``); when no plugin returns True the reopen is
    refused and rolled back. Stops at first non-None result.

    :param request: the request, already ``in_progress`` (not yet committed).
    :param event: the history line of the reopen (``event.at``, ``.actor``).
    :return: True when this plugin held a pending ask and has marked it
        answered; None when it holds none.
    Example::

        @hookimpl
        def take_reopen_ask(request, event):
            asked = (Ask.update(answered_at=event.at)
                     .where((Ask.request == request) & Ask.answered_at.is_null()).execute())
            return True if asked else None
    """


# ---------------------------------------------------------------- Pages ---


@hookspec
def menu_links(user: Any) -> list[MenuLink]:
    """Entries this plugin adds to the public top menu for ``user``, or to
    their profile page (``MenuLink(place="profile")``).

    :param user: ``flask_login.current_user`` (may be anonymous).
    :return: :class:`portal.plugins.MenuLink` items; sorted by ``order``.
    """


@hookspec
def sign_in_options() -> list[SignInOption]:
    """Buttons this plugin adds under the login form, one per outside
    identity provider it has switched on (ThaID, Digital ID, LINE).

    The flow the endpoint starts ends in
    :func:`portal.identity.external.complete_sign_in`, which signs in a
    linked account, creates one from verified claims, or asks for the
    password once before linking an existing account.

    :return: :class:`portal.plugins.SignInOption` items; sorted by ``order``.
        Return ``[]`` while the provider is not configured.
    Example::

        @hookimpl
        def sign_in_options():
            return [SignInOption(label=_l("Sign in with ThaID"), provider="thaid",
                                 endpoint="oidc.start", values={"name": "thaid"})]
    """


@hookspec
def dashboard_cards(user: User) -> list[DashboardCard]:
    """Figures this plugin adds to the staff home page for ``user``.

    :param user: the signed-in staff member.
    :return: :class:`portal.plugins.DashboardCard` items; sorted by ``order``.
    """


@hookspec
def process_page_actions(request: Request, user: User) -> list[PageAction]:
    """Buttons this plugin adds to the staff's process page of ``request``,
    beside Print and Forward: each opens a page of the plugin's own about
    that request (a delay notice, a letter to send).

    Asked each time the page is shown, after the core has found that
    ``user`` may process the request. Return ``[]`` where the action does
    not apply (a closed request, another plugin's service). The page the
    button opens checks access again (:func:`portal.identity.access.can_process`):
    a button left out is no lock.

    :param request: the request the page shows.
    :param user: the signed-in staff member.
    :return: :class:`portal.plugins.PageAction` items; sorted by ``order``.
    Example::

        @hookimpl
        def process_page_actions(request, user):
            if request.status not in OPEN_STATUSES:
                return []
            return [PageAction(label=_l("Notice that a request is delayed"),
                               endpoint="delay_letters.delay", values={"id": request.id},
                               style="outline-warning")]
    """


@hookspec
def request_page_sections(request: Request, viewer: Any) -> list[PageSection]:
    """HTML this plugin adds to the requester's page of ``request``
    (``/requests/<reference>``).

    ``PageSection.place`` says where: ``"notice"`` inside the notice at the
    top of a returned or completed request, after what the core says there
    (the next thing to do: a survey link); ``"main"`` under the request's
    details; ``"actions"`` beside the Print button. The core shows the
    request to its owner and to staff who may see it; the section decides
    for whom it is, from ``viewer``.

    :param request: the request shown.
    :param viewer: ``flask_login.current_user``.
    :return: :class:`portal.plugins.PageSection` items, each place sorted by
        ``order``; ``[]`` for nothing.
    Example::

        @hookimpl
        def request_page_sections(request, viewer):
            if request.status != "completed" or request.requester_id != viewer.id:
                return []
            html = Markup(render_template("mine/link.html", request_=request))
            return [PageSection(html, place="notice")]
    """


@hookspec
def process_page_sections(request: Request, user: User) -> list[PageSection]:
    """HTML this plugin adds to the staff's process page of ``request``
    (``/admin/requests/process/<id>``).

    ``PageSection.place`` says where: ``"notice"`` above the request's
    details, for what staff must see first (the requester's rating, an ask
    to look again); ``"main"`` under the details; ``"actions"`` right under
    the staff section's form and its buttons (shown while the request is
    still open; outside that form, so a section may hold a form of its own).
    A plain button on that row is a :func:`process_page_actions` item. A
    form in a section posts to the plugin's own route, which authorises
    through :mod:`portal.identity.access` again.

    :param request: the request being processed.
    :param user: the signed-in staff member, already allowed to process it.
    :return: :class:`portal.plugins.PageSection` items, each place sorted by
        ``order``; ``[]`` for nothing.
    Example::

        @hookimpl
        def process_page_sections(request, user):
            return [PageSection(Markup('<a class="btn" href="...">Letter</a>'),
                                place="actions")]
    """
