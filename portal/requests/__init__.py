"""What a request is: its life (lifecycle), how it is sent and changed
(submission, drafts, forwarding), its clock in working days or office
minutes (clock, holidays), work steps (steps), bookings (booking,
booking_forms), ready-made replies (replies), who is told what (notify),
personal data kept and deleted (privacy), the services an agency offers
(catalogue) and what a request's pages show (pages).

Imports from: portal.identity, portal.files, portal.forms, portal.base,
portal.plugins and the bottom modules. Never from staff, web or ops."""

from __future__ import annotations

from .booking import (
    free_slots,
    slot_at,
    slot_times,
)
from .booking_forms import (
    capacity_validator,
    fill_choices,
    hold,
    resource_field,
    resources_of,
    span_fields,
    validate_end_date,
    validate_end_time,
    validate_start_date,
)
from .catalogue import (
    enabled_services,
    offered_or_404,
    set_enabled,
)
from .lifecycle import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    STATUS_LABELS,
    Role,
    Status,
    holidays_between,
)
from .notify import (
    requester_email,
)
from .pages import (
    checked_request,
    public_status,
)
from .privacy import (
    national_id_for,
    placeholder_id,
)
from .submission import (
    submit,
)

__all__ = [
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "Role",
    "STATUS_LABELS",
    "Status",
    "capacity_validator",
    "checked_request",
    "enabled_services",
    "fill_choices",
    "free_slots",
    "hold",
    "holidays_between",
    "offered_or_404",
    "national_id_for",
    "placeholder_id",
    "public_status",
    "requester_email",
    "resource_field",
    "resources_of",
    "set_enabled",
    "slot_at",
    "slot_times",
    "span_fields",
    "submit",
    "validate_end_date",
    "validate_end_time",
    "validate_start_date",
]
