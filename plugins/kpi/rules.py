"""Who may do what with KPIs, and the flows: assign, submit, withdraw,
receive, copy from last year, overview. Views stay thin; tests call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import peewee as pw
from flask import g
from flask_babel import lazy_gettext as _l

from portal.db import database
from portal.files import uploads
from portal.identity import access
from portal.models import Agency, Membership, User
from portal.thai import BE_OFFSET, local_today, utcnow

from .models import (
    ROUND_MONTHS,
    Kpi,
    KpiCategory,
    KpiDocument,
    KpiOfficer,
    KpiReporterRole,
    KpiRound,
    KpiYear,
)

DEFAULT_CATEGORIES = ("KRS", "ARS กลยุทธ์ที่ 1", "ARS กลยุทธ์ที่ 2",
                      "ARS กลยุทธ์ที่ 3", "ARS กลยุทธ์ที่ 4")
REPORTER, RECEIVER = "reporter", "receiver"


class KpiError(ValueError):
    """A refusal; ``str()`` is the Thai message."""


def fiscal_year(day: dt.date | None = None) -> int:
    day = day or local_today()
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


# ------------------------------------------------------------------ who ---

def staff_agencies(user: Any) -> list[Agency]:
    if user.is_system_admin:
        return list(Agency.select().order_by(Agency.id))
    return [m.agency for m in access.memberships(user)]


def is_admin(user: Any, agency: Agency | int) -> bool:
    agency_id = getattr(agency, "id", agency)
    return bool(user.is_system_admin or any(
        a.id == agency_id for a in access.admin_agencies(user)))


def menu_roles(user: Any) -> tuple[bool, bool]:
    """Whether ``user`` is a KPI reporter anywhere, and receives some KPI:
    one query, once per request, for the menu every staff page draws (three
    of its entries ask)."""
    known = g.get("kpi_menu_roles")
    if known is None or known[0] != user.id:
        reporter = KpiReporterRole.select().where(KpiReporterRole.user == user.id)
        receiver = (Kpi.select().join(KpiOfficer)
                    .where((KpiOfficer.user == user.id) & (KpiOfficer.role == RECEIVER)))
        found = pw.Select(columns=[pw.fn.EXISTS(reporter), pw.fn.EXISTS(receiver)]).bind(
            database).scalar(as_tuple=True)
        known = g.kpi_menu_roles = (user.id, bool(found[0]), bool(found[1]))
    return known[1], known[2]


def is_reporter(user: Any, agency: Agency | int) -> bool:
    return KpiReporterRole.select().where((KpiReporterRole.agency == agency)
                                          & (KpiReporterRole.user == user.id)).exists()


def officers(kpi: Kpi, role: str) -> list[User]:
    return list(User.select().join(KpiOfficer, on=(KpiOfficer.user == User.id))
                .where((KpiOfficer.kpi == kpi) & (KpiOfficer.role == role))
                .order_by(User.first_name))


def has_role(user: Any, kpi: Kpi, role: str) -> bool:
    return KpiOfficer.select().where((KpiOfficer.kpi == kpi) & (KpiOfficer.user == user.id)
                                     & (KpiOfficer.role == role)).exists()


def can_report(user: Any, kpi: Kpi) -> bool:
    """A reporter of this KPI who is still marked as a KPI reporter."""
    return has_role(user, kpi, REPORTER) and is_reporter(user, kpi.year.agency_id)


def can_receive(user: Any, kpi: Kpi) -> bool:
    return has_role(user, kpi, RECEIVER) or is_admin(user, kpi.year.agency_id)


def can_download(user: Any, document: KpiDocument) -> bool:
    kpi = document.kpi
    return bool(getattr(user, "is_authenticated", False) and (
        can_report(user, kpi) or can_receive(user, kpi)))


def agency_staff(agency: Agency) -> list[User]:
    return list(User.select().join(Membership).where(Membership.agency == agency)
                .order_by(User.first_name, User.last_name))


# ---------------------------------------------------------------- setup ---

def ensure_categories(agency: Agency) -> list[KpiCategory]:
    if not KpiCategory.select().where(KpiCategory.agency == agency).exists():
        for i, name in enumerate(DEFAULT_CATEGORIES):
            KpiCategory.create(agency=agency, name=name, position=i)
    return list(KpiCategory.select().where(KpiCategory.agency == agency)
                .order_by(KpiCategory.position, KpiCategory.name))


def ensure_year(agency: Agency, year: int) -> KpiYear:
    with database.atomic():
        kpi_year, _ = KpiYear.get_or_create(agency=agency, year=year)
        for months in ROUND_MONTHS:
            KpiRound.get_or_create(year=kpi_year, months=months)
    return kpi_year


def rounds_of(kpi_year: KpiYear) -> list[KpiRound]:
    return list(KpiRound.select().where(KpiRound.year == kpi_year).order_by(KpiRound.months))


def set_officers(kpi: Kpi, role: str, user_ids: list[int]) -> None:
    KpiOfficer.delete().where((KpiOfficer.kpi == kpi) & (KpiOfficer.role == role)).execute()
    for uid in dict.fromkeys(user_ids):
        KpiOfficer.create(kpi=kpi, user=uid, role=role)


def copy_from_last_year(kpi_year: KpiYear) -> int:
    """KPIs of the year before, with their officers; codes already there are
    kept as they are. Returns how many were copied."""
    previous = KpiYear.get_or_none((KpiYear.agency == kpi_year.agency_id)
                                   & (KpiYear.year == kpi_year.year - 1))
    if previous is None:
        return 0
    existing = {k.code for k in Kpi.select(Kpi.code).where(Kpi.year == kpi_year)}
    copied = 0
    with database.atomic():
        for old in Kpi.select().where(Kpi.year == previous).order_by(Kpi.code):
            if old.code in existing:
                continue
            new = Kpi.create(year=kpi_year, code=old.code, name=old.name,
                             category=old.category_id)
            for officer in KpiOfficer.select().where(KpiOfficer.kpi == old):
                KpiOfficer.create(kpi=new, user=officer.user_id, role=officer.role)
            copied += 1
    return copied


# ---------------------------------------------------------------- flows ---

def submit(kpi: Kpi, kpi_round: KpiRound, user: User, title: str,
           checked: uploads.CheckedFile) -> KpiDocument:
    if not can_report(user, kpi):
        raise KpiError(_l("You are not a reporter of this KPI."))
    if kpi_round.year_id != kpi.year_id:
        raise KpiError(_l("This round belongs to another fiscal year."))
    title = (title or "").strip()
    if not title:
        raise KpiError(_l("Please give the document a title."))
    files = uploads.store()
    with uploads.staged(files) as written, database.atomic():
        stored = files.write(checked)
        written.append(stored)
        late = bool(kpi_round.due_date and local_today() > kpi_round.due_date)
        return KpiDocument.create(
            kpi=kpi, round=kpi_round, title=title[:500], original_name=checked.original_name,
            stored_name=stored, content_type=checked.content_type, size=len(checked.data),
            sha256=checked.sha256, sent_by=user, late=late)


def withdraw(document: KpiDocument, user: User) -> None:
    if not can_report(user, document.kpi):
        raise KpiError(_l("You are not a reporter of this KPI."))
    if document.received_at is not None:
        raise KpiError(_l("This document has been filed already and can no longer be "
                          "withdrawn."))
    stored = document.stored_name
    with database.atomic():
        deleted = KpiDocument.delete().where((KpiDocument.id == document.id)
                                             & KpiDocument.received_at.is_null()).execute()
    if not deleted:
        raise KpiError(_l("This document has been filed already and can no longer be "
                          "withdrawn."))
    uploads.store().delete(stored)  # only after the row is gone for good


def receive(document: KpiDocument, user: User) -> None:
    if not can_receive(user, document.kpi):
        raise KpiError(_l("You do not receive documents of this KPI."))
    (KpiDocument.update(received_at=utcnow(), received_by=user)
     .where((KpiDocument.id == document.id) & KpiDocument.received_at.is_null()).execute())


# ------------------------------------------------------------- overview ---

@dataclass
class KpiLine:
    kpi: Kpi
    documents: int
    waiting: int
    received: int
    last_sent: dt.datetime | None
    late: int
    reporters: list[User]

    @property
    def state(self) -> str:
        if not self.documents:
            return "none"
        return "waiting" if self.waiting else "received"


STATE_LABELS = {"none": _l("No document yet"), "waiting": _l("Waiting to be filed"),
                "received": _l("All received")}


def lines(kpi_round: KpiRound, kpis: list[Kpi] | None = None) -> list[KpiLine]:
    kpis = kpis if kpis is not None else list(
        Kpi.select().where(Kpi.year == kpi_round.year_id).order_by(Kpi.code))
    docs: dict[int, list[KpiDocument]] = {k.id: [] for k in kpis}
    for doc in KpiDocument.select().where((KpiDocument.round == kpi_round)
                                          & KpiDocument.kpi.in_([k.id for k in kpis])):
        docs[doc.kpi_id].append(doc)
    out = []
    for kpi in kpis:
        mine = docs[kpi.id]
        out.append(KpiLine(kpi=kpi, documents=len(mine),
                           waiting=sum(1 for d in mine if d.received_at is None),
                           received=sum(1 for d in mine if d.received_at is not None),
                           last_sent=max((d.sent_at for d in mine), default=None),
                           late=sum(1 for d in mine if d.late),
                           reporters=officers(kpi, REPORTER)))
    return out


def counts(kpi_lines: list[KpiLine]) -> dict[str, int]:
    out = {state: 0 for state in STATE_LABELS}
    for line in kpi_lines:
        out[line.state] += 1
    return out
