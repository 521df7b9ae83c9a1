"""Who may see or act on what. Every route that shows a request, a file or a
PDF asks here; nothing decides it locally."""

from __future__ import annotations

from typing import Any

import peewee as pw
from flask import abort
from flask_login import current_user

from ..models import Agency, Membership, MembershipService, Request, User
from ..thai import ascii_digits

STAFF = "staff"
AGENCY_ADMIN = "agency_admin"


def memberships(user: User) -> list[Membership]:
    """The user's memberships with their agencies and handled service codes
    (``service_codes``), read once per request: a staff page asks many times
    (every menu entry checks access)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_memberships", None)
    if cache is None:
        # One query: a row per (membership, handled service), or one with
        # no service for an agency admin or a staff member without any.
        rows = (Membership.select(Membership, Agency, MembershipService.service_code)
                .join(Agency).switch(Membership)
                .join(MembershipService, pw.JOIN.LEFT_OUTER)
                .where(Membership.user == user.id).order_by(Membership.id))
        found: dict[int, Membership] = {}
        codes: dict[int, set[str]] = {}
        for row in rows:
            service = row.__dict__.pop("membershipservice", None)
            found.setdefault(row.id, row)
            handled = codes.setdefault(row.id, set())
            if service is not None and service.service_code:
                handled.add(service.service_code)
        cache = list(found.values())
        for m in cache:
            m.service_codes = frozenset(codes[m.id])
        user._memberships = cache
    return cache


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_system_admin or memberships(user)))


def admin_agencies(user: User) -> list[Agency]:
    """Agencies whose settings ``user`` may change."""
    return [m.agency for m in memberships(user) if m.role == AGENCY_ADMIN]


def sole_agency(user: Any) -> int | None:
    """The one agency whose data ``user`` works on, or None: for a system
    admin, or staff of several agencies, a list they export spans more than
    one (the audit log then leaves the export to system admins)."""
    if not getattr(user, "is_authenticated", False) or user.is_system_admin:
        return None
    ids = {m.agency_id for m in memberships(user)}
    return ids.pop() if len(ids) == 1 else None


def handled_services(user: User, agency_id: int) -> set[str] | None:
    """Service codes ``user`` handles in the agency; None means all of them
    (agency admin); an empty set means none."""
    for m in memberships(user):
        if m.agency_id == agency_id:
            if m.role == AGENCY_ADMIN:
                return None
            return set(m.service_codes)
    return set()


def staff_scope(user: User, table: Any = Request) -> pw.Expression | None:
    """A WHERE clause over :class:`Request` for the requests staff may handle.

    System admins see everything (None); an agency admin sees the agency's
    requests; staff see their agency's requests for the services they handle.

    :param table: any model with ``agency`` (or ``agency_id``) and
        ``service_code`` columns, e.g. the dashboard's :class:`RequestCount`.
    """
    if user.is_system_admin:
        return None
    agency = table.agency if "agency" in table._meta.fields else table.agency_id
    clauses = []
    for m in memberships(user):
        if m.role == AGENCY_ADMIN:
            clauses.append(agency == m.agency_id)
        elif m.service_codes:
            # The codes as literals, not a subquery: the planner then walks
            # the (agency, service, status) index once per code.
            clauses.append((agency == m.agency_id)
                           & table.service_code.in_(sorted(m.service_codes)))
    if not clauses:
        return pw.SQL("1 = 0")  # matches nothing
    expr = clauses[0]
    for clause in clauses[1:]:
        expr = expr | clause
    return expr


def can_process(user: Any, request: Request) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_system_admin:
        return True
    services = handled_services(user, request.agency_id)
    return services is None or request.service_code in services


def can_view(user: Any, request: Request) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if request.requester_id is not None and request.requester_id == user.id:
        return True
    return can_process(user, request)


def is_requester(user: Any, request: Request) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and request.requester_id == user.id)


def request_or_404(reference: str, *, for_staff: bool = False) -> Request:
    """The request, if the current user may see it; 404 otherwise so that a
    stranger cannot even learn that a reference exists."""
    request = Request.get_or_none(Request.reference == ascii_digits(reference))
    if request is None:
        abort(404)
    ok = can_process(current_user, request) if for_staff else can_view(current_user, request)
    if not ok:
        abort(404)
    return request


def subtree_ids(roots: list[int]) -> set[int]:
    """The agencies ``roots`` and every agency below them (one query a level)."""
    found = set(roots)
    frontier = list(roots)
    while frontier:
        children = [a.id for a in Agency.select(Agency.id).where(Agency.parent.in_(frontier))
                    if a.id not in found]
        found.update(children)
        frontier = children
    return found


def managed_agency_ids(user: Any) -> set[int]:
    """Agencies whose records and reports ``user`` may edit: those they
    administer and all their subordinates (seed 003's rights by structure)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_system_admin:
        return {a.id for a in Agency.select(Agency.id)}
    return subtree_ids([a.id for a in admin_agencies(user)])


def ancestors(agency: Agency) -> list[Agency]:
    """Parent, grandparent, ... up to the ministry."""
    out: list[Agency] = []
    seen = {agency.id}
    current = agency
    while current.parent_id and current.parent_id not in seen:
        current = Agency.get_by_id(current.parent_id)
        seen.add(current.id)
        out.append(current)
    return out
