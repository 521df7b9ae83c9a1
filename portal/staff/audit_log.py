"""The audit log as staff read it: searchable, filterable, exportable, and
never editable — no form, no delete, no bulk action."""

from __future__ import annotations

import re
from typing import Any

from flask import g
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..identity import access
from ..models import AuditLog
from ..plugins.manager import all_services, plugin_manager
from ..requests.lifecycle import CHANNELS, EVENT_KIND_LABELS, ROLE_LABELS, STATUS_LABELS
from .base import (
    AgencyAdminAccess,
    LocalDateBetweenFilter,
    PortalModelView,
    be_datetime,
    live_options,
)

# Every action the core writes, in words. Plugins give theirs through the
# ``audit_actions`` hook; tests/test_audit_log.py fails on a code without.
CORE_ACTIONS: dict[str, Any] = {
    "login": _l("Logged in"), "login_failed": _l("Failed login"), "logout": _l("Logged out"),
    "register": _l("Registered an account"), "password_changed": _l("Changed the password"),
    "profile_changed": _l("Changed the profile"),
    "personal_data_exported": _l("Downloaded own personal data"),
    "account_deleted": _l("Deleted the account"),
    "external_linked": _l("Linked a sign-in account"),
    "external_unlinked": _l("Unlinked a sign-in account"),
    "request_submitted": _l("Request submitted"), "status_changed": _l("Status changed"),
    "request_reopened": _l("Request reopened"), "request_forwarded": _l("Request forwarded"),
    "recorded_on_behalf": _l("Recorded a request on the requester's behalf"),
    "step": _l("Recorded a work step"),
    "download": _l("File downloaded"), "print": _l("Printed a document"), "export": _l("Exported"),
    "admin_created": _l("Record added"), "admin_changed": _l("Record changed"),
    "admin_deleted": _l("Record deleted"),
    "digit_clash": _l("Same ID in other digits (to resolve)"),
    "digit_clash_fixed": _l("Same ID in other digits resolved"),
    "service_enabled": _l("Service switched on"), "service_disabled": _l("Service switched off"),
    "service_contact_saved": _l("Saved a service's responsible officer"),
    "holiday_saved": _l("Saved a holiday"), "holiday_deleted": _l("Deleted a holiday"),
    "canned_reply_saved": _l("Saved a ready-made reply"),
    "staff_saved": _l("Saved a staff member"), "staff_removed": _l("Removed a staff member"),
    "resource_saved": _l("Saved a room or an executive's hours"),
    "files_purged": _l("Deleted files past the retention period"),
    "agency_saved": _l("Saved an agency"),
    "password_reset_asked": _l("Asked for a password reset link"),
    "password_reset_sent": _l("Sent a password reset link to a staff member"),
    "password_reset_code_issued": _l("Gave a password reset code at the counter"),
    "password_reset_code_failed": _l("Typed a wrong password reset code"),
    "password_reset": _l("Set a new password with a reset link or code"),
    "password_reset_printed": _l("Printed a password reset link (operator)"),
    "password_set_by_operator": _l("Password set by the operator"),
    "password_reset_code_refused": _l("Typed a national ID that is not the requester's "
                                      "for a reset code"),
    "status_checked": _l("A guest passed the status check"),
    "service_document_saved": _l("Published a service's manual or paper form"),
    "service_document_removed": _l("Removed a service's manual or paper form"),
}
# Actions whose detail is made of codes (statuses, channels, services, work
# steps): those are shown in words too. Other details are what people typed.
CODED_DETAILS = frozenset({"status_changed", "request_submitted", "recorded_on_behalf", "step",
                           "request_forwarded", "service_enabled", "service_disabled",
                           "service_contact_saved"})
_CODE = re.compile(r"[a-z][a-z0-9_]*")
_SESSIONS_ENDED = re.compile(r"^other sessions ended: (\d+)$")


def action_labels() -> dict[str, Any]:
    """Every known action code and its words: the core's and each plugin's."""
    labels = dict(CORE_ACTIONS)
    for words in plugin_manager().hook.audit_actions():
        labels.update(words or {})
    return labels


def _words() -> tuple[dict[str, str], dict[str, str]]:
    """(actions, codes) in the reader's language, worked out once a request."""
    cached = g.get("audit_words")
    if cached is None:
        codes: dict[str, str] = {}
        for service in all_services().values():
            for step in service.steps:
                codes.setdefault(step.code, str(step.label))
        for code, service in all_services().items():
            codes[code] = str(service.title)
        for labels in (CHANNELS, ROLE_LABELS, EVENT_KIND_LABELS, STATUS_LABELS):
            codes.update({str(k): str(v) for k, v in labels.items()})
        codes["via"] = _("via")
        actions = {k: str(v) for k, v in action_labels().items()}
        cached = g.audit_words = (actions, codes)
    return cached


def action_words(action: str) -> str:
    return _words()[0].get(action, action)


def detail_words(action: str, detail: str) -> str:
    """"in_progress → completed (status, staff)" as the reader says it."""
    if not detail:
        return ""
    ended = _SESSIONS_ENDED.match(detail)
    if action == "password_changed" and ended:
        return _("other sessions ended: %(count)s", count=ended.group(1))
    if action not in CODED_DETAILS:
        return detail
    codes = _words()[1]
    return _CODE.sub(lambda m: codes.get(m.group(), m.group()), detail)


def _actions() -> list[tuple[str, str]]:
    rows = AuditLog.select(AuditLog.action).distinct().order_by(AuditLog.action)
    return [(r.action, action_words(r.action)) for r in rows]


class AuditLogView(AgencyAdminAccess, PortalModelView):
    """System admins read every entry; an agency admin reads the entries
    about the agencies they administer, whoever acted.

    Not "what the members of my agencies did": an agency admin makes anyone
    a member, the system admin included (pen-test finding 7). Like the
    request list, an agency's own entries only, not those of agencies below
    it."""

    can_create = can_edit = can_delete = False
    can_view_details = True
    can_export = True
    action_disallowed_list = ["delete"]
    column_list = ("at", "actor", "ip", "action", "target", "detail")
    column_details_list = (*column_list, "agency")
    column_labels = {"at": _l("When"), "actor": _l("Who"), "ip": _l("From (IP address)"),
                     "action": _l("Action"), "target": _l("Target"), "detail": _l("Detail"),
                     "agency": _l("Agency")}
    column_formatters = {"at": be_datetime,
                         "action": lambda v, c, m, n: action_words(m.action),
                         "detail": lambda v, c, m, n: detail_words(m.action, m.detail)}
    # "When" is exported for people and, beside it, as ISO 8601 with its
    # offset (PortalModelView.export_iso_instants): evidence to the second.
    column_formatters_export = {"at": be_datetime}
    column_default_sort = ("at", True)
    column_searchable_list = ("action", "target", "detail", "ip")
    search_hint = _l("Action, target (e.g. a reference number), detail or IP address")
    column_filters = (
        FilterEqual(AuditLog.action, _l("Action"), options=live_options(_actions)),
        FilterEqual(AuditLog.actor, _l("Who (user number)")),
        LocalDateBetweenFilter(AuditLog.at, _l("When")),
    )

    def scope(self, query: Any) -> Any:
        if current_user.is_system_admin:
            return query
        agencies = sorted(a.id for a in access.admin_agencies(current_user))
        return query.where(AuditLog.agency.in_(agencies))
