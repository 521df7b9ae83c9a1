"""The audit log as staff read it: searchable, filterable, exportable, and
never editable — no form, no delete, no bulk action."""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.peewee.filters import FilterEqual
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access
from ..models import AuditLog
from .base import (
    AgencyAdminAccess,
    LocalDateBetweenFilter,
    PortalModelView,
    be_datetime,
    live_options,
)

# The actions a clerk meets most, in words; any other shows its code.
ACTION_LABELS = {
    "login": _l("Logged in"), "login_failed": _l("Failed login"), "logout": _l("Logged out"),
    "request_submitted": _l("Request submitted"), "status_changed": _l("Status changed"),
    "download": _l("File downloaded"), "print": _l("Printed a document"), "export": _l("Exported"),
    "admin_created": _l("Record added"), "admin_changed": _l("Record changed"),
    "admin_deleted": _l("Record deleted"),
    "digit_clash": _l("Same ID in other digits (to resolve)"),
    "digit_clash_fixed": _l("Same ID in other digits resolved"),
}


def _label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _actions() -> list[tuple[str, str]]:
    rows = AuditLog.select(AuditLog.action).distinct().order_by(AuditLog.action)
    return [(r.action, _label(r.action)) for r in rows]


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
                         "action": lambda v, c, m, n: _label(m.action)}
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
