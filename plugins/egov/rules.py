"""Rights, history and publication rules of the Electronic Government Act
report, kept apart from the pages so tests can call them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.db import database
from portal.files import iso_cell, uploads
from portal.identity import access
from portal.models import Agency, Membership, User
from portal.thai import utcnow

from .models import (
    SECTION_10,
    SECTION_13_1,
    SECTION_16,
    EgovFile,
    EgovLink,
    EgovReport,
    Obstacle,
    ObstacleKind,
    OnboardingToken,
)

GAZETTE_STATES = {"all": _l("Published in the Royal Gazette for all licences"),
                  "some": _l("Published for some licences"),
                  "none": _l("Not yet published (including in progress)")}
SCOPES = {"own": _l("For own agency"), "subordinates": _l("For all subordinate agencies")}
# "ดูเพิ่มเติม" under each section of the report: what the Act asks of the
# agency there (seed 003's manual and its cover letters).
EXPLANATIONS = {
    SECTION_10: _l(
        "Section 10: a state agency announces the electronic channels through which people "
        "may contact it, and takes contact through them. Upload the announcement as a PDF "
        "(at most 5 MB), give the date it bears, and switch each file on or off; upload a "
        "new file at any time and switch the old one off. An announcement for all "
        "subordinate agencies is shown on the page of every agency under this one."),
    SECTION_13_1: _l(
        "Section 13: where a law requires a licence to be displayed in public, the licensee "
        "has the right, and the licensing agency the duty, (1) to set how the licence may be "
        "displayed electronically, announced in the Royal Gazette, and (2) to disclose the "
        "licence electronically so that people can check it. Say whether the agency issues "
        "such licences; if it does not, go on to section 16."),
    "channel": _l(
        "Section 13(2): for each licence, give its name and the web address where people "
        "can check it; switch each line on or off."),
    SECTION_16: _l(
        "Section 16: the head of the agency orders the system by which its officials "
        "perform their duties electronically. Upload the order, give the date it takes "
        "effect, and switch each file on or off. Units under an agency need not issue "
        "their own order (OPDC letter นร 1200/ว6 of 24 February 2023)."),
    "obstacles": _l(
        "Choose the three most important kinds of problem in carrying out the Act or in "
        "serving people electronically, ranked 1 to 3, and describe each if you wish. A "
        "row switched off stays here but is left out of the report."),
}
TOKEN_LENGTH = 15
TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class EgovError(ValueError):
    """A refusal; ``str()`` is the Thai message."""


def can_edit(user: Any, agency: Agency | int) -> bool:
    return getattr(agency, "id", agency) in access.managed_agency_ids(user)


def report_for(agency: Agency) -> EgovReport:
    report, _ = EgovReport.get_or_create(agency=agency)
    return report


def touch(agency: Agency, user: User) -> None:
    report = report_for(agency)
    report.updated_at, report.updated_by = utcnow(), user
    report.save()


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in url:
        raise EgovError(_l("Please give a web address starting with http:// or https://"))
    return url[:1000]


def upload(agency: Agency, section: str, checked: uploads.CheckedFile, dated: dt.date,
           user: User, scope: str = "own") -> EgovFile:
    """Keep a new PDF; the ones before stay as they were (published or not)."""
    if section not in (SECTION_10, SECTION_13_1, SECTION_16):
        raise EgovError(_l("Unknown section."))
    files = uploads.store()
    with uploads.staged(files) as written, database.atomic():
        stored = files.write(checked)
        written.append(stored)
        row = EgovFile.create(agency=agency, section=section,
                              original_name=checked.original_name, stored_name=stored,
                              size=len(checked.data), sha256=checked.sha256, dated=dated,
                              scope=scope if section == SECTION_10 else "own",
                              uploaded_by=user)
        touch(agency, user)
    return row


def add_link(agency: Agency, kind: str, url: str, user: User, name: str = "") -> EgovLink:
    url = check_url(url)
    if kind == "channel" and not (name or "").strip():
        raise EgovError(_l("Please give the name of the licence."))
    with database.atomic():
        link = EgovLink.create(agency=agency, kind=kind, name=(name or "").strip()[:500],
                               url=url, created_by=user)
        touch(agency, user)
    return link


def section_16_required(agency: Agency) -> bool:
    """Service points issue no §16 order of their own: the cover letter of
    seed 003 (OPDC นร 1200/ว6, 24 Feb 2023) exempts units under an agency."""
    return agency.level != "service_point"


def toggle(row: EgovFile | EgovLink | Obstacle, user: User) -> None:
    with database.atomic():
        row.published = not row.published
        row.save()
        touch(row.agency, user)


def set_licences(agency: Agency, has_licences: bool | None, gazette_state: str,
                 user: User) -> None:
    report = report_for(agency)
    report.has_licences = has_licences
    report.gazette_state = gazette_state if has_licences and gazette_state in GAZETTE_STATES \
        else ""
    report.updated_at, report.updated_by = utcnow(), user
    report.save()


def set_obstacles(agency: Agency, ranked: list[tuple[int | None, str]], user: User) -> None:
    """Up to three (kind id, description), most important first."""
    chosen = [(kind, text) for kind, text in ranked if kind]
    kinds = [kind for kind, _text in chosen]
    if len(kinds) != len(set(kinds)):
        raise EgovError(_l("Each rank needs a different kind of problem."))
    if any(ObstacleKind.get_or_none(ObstacleKind.id == k) is None for k in kinds):
        raise EgovError(_l("Unknown kind of problem."))
    with database.atomic():
        # A kind that stays keeps its switch, whatever rank it moves to.
        switched = {o.kind_id: o.published for o in
                    Obstacle.select().where(Obstacle.agency == agency)}
        Obstacle.delete().where(Obstacle.agency == agency).execute()
        for rank, (kind, text) in enumerate(chosen[:3], start=1):
            Obstacle.create(agency=agency, rank=rank, kind=kind,
                            description=(text or "").strip()[:4000],
                            published=switched.get(kind, True))
        touch(agency, user)


def history(agency: Agency, section: str) -> list[EgovFile]:
    return list(EgovFile.select().where((EgovFile.agency == agency)
                                        & (EgovFile.section == section))
                .order_by(EgovFile.uploaded_at.desc(), EgovFile.id.desc()))


def links(agency: Agency, kind: str) -> list[EgovLink]:
    return list(EgovLink.select().where((EgovLink.agency == agency) & (EgovLink.kind == kind))
                .order_by(EgovLink.created_at.desc(), EgovLink.id.desc()))


def inherited_announcements(agency: Agency) -> list[EgovFile]:
    """§10 announcements a parent published for all its subordinates."""
    parents = [a.id for a in access.ancestors(agency)]
    if not parents:
        return []
    return list(EgovFile.select().where(EgovFile.agency.in_(parents)
                                        & (EgovFile.section == SECTION_10)
                                        & (EgovFile.scope == "subordinates")
                                        & EgovFile.published)
                .order_by(EgovFile.dated.desc()))


def published(agency: Agency) -> dict[str, Any]:
    """What the public page shows: only rows switched on."""
    def on(rows: list[Any]) -> list[Any]:
        return [r for r in rows if r.published]

    return {
        "s10": on(history(agency, SECTION_10)),
        "s10_parent": inherited_announcements(agency),
        "s13_1": on(history(agency, SECTION_13_1)),
        "gazette": on(links(agency, "gazette")),
        "channels": on(links(agency, "channel")),
        "s16": on(history(agency, SECTION_16)),
        "report": report_for(agency),
    }


def obstacles(agency: Agency, switched_on_only: bool = False) -> list[Obstacle]:
    query = (Obstacle.select(Obstacle, ObstacleKind).join(ObstacleKind)
             .where(Obstacle.agency == agency))
    if switched_on_only:
        query = query.where(Obstacle.published)
    return list(query.order_by(Obstacle.rank))


def csv_row(agency: Agency) -> list[Any]:
    """One agency's report as one row of the export."""
    report = EgovReport.get_or_none(EgovReport.agency == agency)
    data = published(agency)
    problems = obstacles(agency, switched_on_only=True)
    return [
        agency.code, agency.name_th, agency.parent.name_th if agency.parent_id else "",
        len(data["s10"]), max((f.dated for f in data["s10"]), default=""),
        len(data["s10_parent"]),
        "" if not report or report.has_licences is None else (
            "มี" if report.has_licences else "ไม่มี"),
        str(GAZETTE_STATES.get(report.gazette_state, "")) if report else "",
        len(data["s13_1"]), len(data["gazette"]), len(data["channels"]),
        len(data["s16"]) if section_16_required(agency) or data["s16"]
        else str(_l("Not required for service points")),
        " | ".join(f"{p.rank}. {p.kind.name}" for p in problems),
        # For people (Bangkok, Buddhist era: portal.files.exports), then the same two
        # moments for the programs that gather the reports of many agencies.
        report.created_at if report else "", report.updated_at if report else "",
        iso_cell(report.created_at) if report else "",
        iso_cell(report.updated_at) if report else "",
    ]


CSV_HEADER = (_l("Agency code"), _l("Agency"), _l("Parent agency"),
              _l("Section 10 announcements published"), _l("Latest announcement date"),
              _l("Announcements of the parent"), _l("Issues licences (section 13(1))"),
              _l("Royal Gazette"), _l("Section 13(1) files published"),
              _l("Royal Gazette links published"), _l("Section 13(2) channels published"),
              _l("Section 16 orders published"), _l("Obstacles"), _l("Report created"),
              _l("Report last edited"), _l("Report created (ISO 8601)"),
              _l("Report last edited (ISO 8601)"))


# --------------------------------------------------------------- tokens ---

def _hash(token: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hashlib.sha256(key + token.strip().upper().encode()).hexdigest()


def issue_token(agency: Agency, user: User, days: int = 7) -> str:
    """A new 15-character token for ``agency``; only its hash is kept."""
    if not can_edit(user, agency):
        raise EgovError(_l("You have no rights over this agency."))
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    OnboardingToken.create(agency=agency, token_hash=_hash(token), hint=token[-4:],
                           created_by=user, expires_at=utcnow() + dt.timedelta(days=days))
    return token


def redeem(token: str, user: User) -> Membership:
    """Bind ``user`` to the token's agency as staff; once, before it expires."""
    with database.atomic():
        row = OnboardingToken.get_or_none(OnboardingToken.token_hash == _hash(token))
        if row is None or row.used_at is not None or row.expires_at < utcnow():
            raise EgovError(_l("This token is not valid, was used already or has expired. "
                               "Please ask your parent agency for a new one."))
        claimed = (OnboardingToken.update(used_at=utcnow(), used_by=user)
                   .where((OnboardingToken.id == row.id) & OnboardingToken.used_at.is_null())
                   .execute())
        if not claimed:
            raise EgovError(_l("This token is not valid, was used already or has expired. "
                               "Please ask your parent agency for a new one."))
        membership, _ = Membership.get_or_create(user=user, agency=row.agency_id,
                                                 defaults={"role": access.STAFF})
    return membership
