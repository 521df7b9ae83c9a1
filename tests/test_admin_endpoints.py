"""Every endpoint shape of every staff list, against rows of another agency.

The route matrix (test_access_matrix) opens each page; this one goes through
each Flask-Admin door of each registered list view — the list, details,
edit (GET and POST), delete, bulk ``action/``, export and both ajax
endpoints — as each kind of user of the demo office, aimed at rows that
belong to another agency (or to the whole install). Which agency a row
belongs to is read from the row itself, by following its foreign keys to
:class:`Agency`, never from the view's own scope: a view that forgot to
scope would otherwise look clean.

Expected: the rows of another agency never reach a list or an export and no
door opens on them; nationwide rows (no agency) may be shown but only the
system admin changes them; afterwards every such row is exactly as it was.
The system admin, who may do all of it, is the positive control that proves
each check can see a leak.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import peewee as pw
import pytest
from flask import template_rendered
from flask_admin.contrib.peewee import ModelView

from portal.identity import access
from portal.models import Agency, AuditLog, CannedReply, Holiday, Membership, Request, User
from portal.ops.demo import load_demo
from portal.plugins.manager import plugin_manager

from .conftest import PASSWORD_HASH, login, make_agency, make_staff, make_user
from .helpers.certificate import new_certificate

ANON, CITIZEN, STAFF, AGENCY_ADMIN, SYSTEM_ADMIN = (
    "anonymous", "citizen", "staff", "agency_admin", "system_admin")
KINDS = (ANON, CITIZEN, STAFF, AGENCY_ADMIN, SYSTEM_ADMIN)

NO_OWNER = object()  # a row that belongs to no agency at all (users, providers)


def owner_agency(row: Any, depth: int = 0) -> Any:
    """The agency id a row belongs to, by its foreign keys: None for a
    nationwide row (an agency column left empty), NO_OWNER when nothing
    leads to an agency."""
    if isinstance(row, Agency):
        return row.id
    fields = row._meta.fields.values()
    for field in fields:
        if isinstance(field, pw.ForeignKeyField) and field.rel_model is Agency:
            return getattr(row, field.column_name)
    if depth < 3:
        for field in fields:
            if isinstance(field, pw.ForeignKeyField) and field.rel_model is not User:
                parent = getattr(row, field.name, None)
                if parent is not None:
                    found = owner_agency(parent, depth + 1)
                    if found is not NO_OWNER:
                        return found
    return NO_OWNER


@pytest.fixture
def offices(app) -> dict[str, Any]:
    """The demo office as in ``make run``, and a second agency with a row of
    every kind the staff lists show."""
    with app.app_context():
        demo = load_demo(app)
    User.update(password_hash=PASSWORD_HASH).execute()
    users = {role: User.get(User.national_id == nid) for role, nid, _n in demo["users"]}
    beta = make_agency("beta", services=("certificate", "meeting_room", "street_light"))
    with app.test_request_context():
        plugin_manager().hook.demo_data(agency=beta)
    outsider = make_staff(beta)
    Membership.create(user=make_user(), agency=beta, role=access.AGENCY_ADMIN)
    Holiday.create(day=dt.date(2027, 3, 3), name="วันหยุดของหน่วยงานอื่น", agency=beta)
    Holiday.create(day=dt.date(2027, 4, 6), name="วันจักรี", agency=None)
    CannedReply.create(agency=beta, title="ตอบของหน่วยงานอื่น", body="ข้อความ")
    from plugins.ict.models import PhoneCall, SecurityReview
    from plugins.line.models import LineChannel

    PhoneCall.create(agency=beta, caller="ผู้โทร", unit="โรงเรียน", problem="เครื่องพิมพ์เสีย")
    SecurityReview.create(agency=beta, review_date=dt.date(2026, 11, 1), servers="web01",
                          risks="-", items_checked="-", plan="-")
    LineChannel.create(name="beta-oa", agency=beta)
    LineChannel.create(name="install-oa", agency=None)
    new_certificate(app, make_user(), agency_code="beta")
    AuditLog.create(actor=outsider, action="test_entry", target="agency:beta")
    return {"demo": demo["agency"], "beta": beta,
            "people": {CITIZEN: users["citizen"], STAFF: users["staff"],
                       AGENCY_ADMIN: users["agency_admin"], SYSTEM_ADMIN: users["system_admin"]}}


def model_views(app) -> list[ModelView]:
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, ModelView)]


def targets(app, view: ModelView, own: set[int]) -> tuple[list[Any], list[Any]]:
    """Rows of ``view``'s model that belong to another agency, and the
    nationwide ones (agency left empty)."""
    foreign, nationwide = [], []
    with app.app_context():
        for row in view.model.select():
            owner = owner_agency(row)
            if owner is None:
                nationwide.append(row)
            elif owner is not NO_OWNER and owner not in own:
                foreign.append(row)
    return foreign, nationwide


def snapshot(app) -> dict[tuple[str, Any], dict[str, Any]]:
    with app.app_context():
        return {(v.model.__name__, row._pk): dict(row.__data__)
                for v in model_views(app) for row in v.model.select()}


class ListSpy:
    """Rows handed to each list template (the list page and nothing else)."""

    def __init__(self, app) -> None:
        self.app, self.rows = app, []

    def __enter__(self) -> ListSpy:
        template_rendered.connect(self._seen, self.app)
        return self

    def __exit__(self, *exc: Any) -> None:
        template_rendered.disconnect(self._seen, self.app)

    def _seen(self, sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        if "list_columns" in context and context.get("data") is not None:
            self.rows.extend(context["data"])


def csv_rows(response: Any) -> list[list[str]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))[1:]


def probe(client: Any, view: ModelView, row: Any, *, foreign: bool) -> list[str]:
    """Every door of ``view`` aimed at ``row``; the doors that opened."""
    base = f"/admin/{view.endpoint}"
    pk = row._pk
    opened = []
    if foreign:
        details = client.get(f"{base}/details/?id={pk}")
        if details.status_code == 200:
            opened.append("details")
    if client.get(f"{base}/edit/?id={pk}").status_code == 200:
        opened.append("edit GET")
    if client.post(f"{base}/edit/?id={pk}", data={}).status_code == 200:
        opened.append("edit POST")
    client.post(f"{base}/delete/", data={"id": pk})
    client.post(f"{base}/action/", data={"action": "delete", "rowid": [pk]})
    lookup = client.get(f"{base}/ajax/lookup/?name=agency&query=")
    if lookup.status_code == 200 and lookup.get_data(as_text=True).strip() not in ("", "[]"):
        opened.append("ajax lookup")
    update = client.post(f"{base}/ajax/update/",
                         data={"list_form_pk": pk, "name": "x"})
    if update.status_code == 200:
        opened.append("ajax update")
    return opened


@pytest.mark.parametrize("kind", KINDS)
def test_no_door_of_a_staff_list_opens_on_another_agencys_rows(app, offices, kind):
    client = app.test_client()
    own = access.subtree_ids([offices["demo"].id])
    if kind != ANON:
        assert login(client, offices["people"][kind]).status_code == 302
    before = snapshot(app)
    leaks, exercised = [], []
    for view in model_views(app):
        foreign, nationwide = targets(app, view, own)
        # The export first: it writes its own audit line, which a list read
        # after it shows too.
        export = client.get(f"/admin/{view.endpoint}/export/csv/?page_size=50") \
            if view.can_export else None
        with ListSpy(app) as spy:
            client.get(f"/admin/{view.endpoint}/?page_size=50")
        shown = {r._pk for r in spy.rows}
        hidden = [r for r in foreign if r._pk not in shown]
        if kind == SYSTEM_ADMIN:
            # The positive control: the same checks do see the rows.
            seen = [r for r in foreign if r._pk in shown]
            if foreign and not seen:
                leaks.append((view.endpoint, "system admin's list lacks the foreign rows"))
            if seen and view.can_edit:
                edit = client.get(f"/admin/{view.endpoint}/edit/?id={seen[0]._pk}")
                if edit.status_code != 200:
                    leaks.append((view.endpoint, "system admin cannot open a foreign row"))
            continue
        if len(hidden) != len(foreign):
            leaks.append((view.endpoint, "list", sorted(set(r._pk for r in foreign) & shown)))
        if export is not None:
            if export.status_code == 200 and len(csv_rows(export)) > len(shown):
                leaks.append((view.endpoint, "export", len(csv_rows(export)), len(shown)))
        for row in foreign + nationwide:
            opened = probe(client, view, row, foreign=row in foreign)
            if opened:
                leaks.append((view.endpoint, row._pk, opened))
        if foreign or nationwide:
            exercised.append(view.endpoint)
    after = snapshot(app)
    changed = sorted(key for key, data in before.items() if after.get(key) != data)
    assert leaks == []
    assert changed == []
    if kind != SYSTEM_ADMIN:
        # Rows of another agency exist for every list that keeps any.
        assert {"agencies", "staff", "holidays", "replies", "requests", "ict_calls",
                "ict_security", "line_channels", "certificates", "rooms"} <= set(exercised)


def test_bulk_delete_goes_row_by_row_through_the_views_checks_and_the_audit_log(app, offices):
    """Agency admin ticks two of their own holidays: both go, each with its
    audit line; ticking one of another agency with them deletes nothing."""
    admin = offices["people"][AGENCY_ADMIN]
    mine = [Holiday.create(day=dt.date(2027, 5, d), name=f"วันหยุด {d}", agency=offices["demo"])
            for d in (1, 2)]
    theirs = Holiday.get(Holiday.agency == offices["beta"])
    client = app.test_client()
    login(client, admin)
    client.post("/admin/holidays/action/", data={
        "action": "delete", "rowid": [mine[0].id, theirs.id]})
    assert Holiday.select().where(Holiday.id.in_([h.id for h in mine] + [theirs.id])).count() == 3
    client.post("/admin/holidays/action/", data={
        "action": "delete", "rowid": [h.id for h in mine]})
    assert Holiday.select().where(Holiday.id.in_([h.id for h in mine])).count() == 0
    deleted = {a.target for a in AuditLog.select().where(
        (AuditLog.actor == admin) & (AuditLog.action == "admin_deleted"))}
    assert deleted == {f"holidays:{h.id}" for h in mine}


def test_an_agency_with_history_is_never_deleted(app, offices):
    """Not by the system admin either, through either door: it is suspended
    instead, and nothing that pointed at it moves."""
    system = offices["people"][SYSTEM_ADMIN]
    beta = offices["beta"]
    holidays = Holiday.select().where(Holiday.agency == beta).count()
    client = app.test_client()
    login(client, system)
    page = client.post("/admin/agencies/delete/", data={"id": beta.id}, follow_redirects=True)
    assert "ระงับ" in page.get_data(as_text=True)
    client.post("/admin/agencies/action/", data={"action": "delete", "rowid": [beta.id]})
    assert Agency.get_or_none(Agency.id == beta.id) is not None
    assert Request.select().where(Request.agency == beta).count() == 1
    assert Holiday.select().where(Holiday.agency == beta).count() == holidays
    assert Membership.select().where(Membership.agency == beta).count() == 2
    # An agency made by mistake, with nothing pointing at it, can go.
    empty = make_agency("typo", services=())
    client.post("/admin/agencies/delete/", data={"id": empty.id})
    assert Agency.get_or_none(Agency.id == empty.id) is None


def test_a_nationwide_holiday_stays_the_system_admins(app, offices):
    """An agency admin who posts nationwide holiday 1 with their own agency
    does not take it away from every other agency."""
    nationwide = Holiday.get(Holiday.agency.is_null())
    client = app.test_client()
    login(client, offices["people"][AGENCY_ADMIN])
    listed = client.get("/admin/holidays/?page_size=50").get_data(as_text=True)
    assert nationwide.name in listed  # shown: the clock skips it for them too
    assert f"edit/?id={nationwide.id}" not in listed
    answer = client.post(f"/admin/holidays/edit/?id={nationwide.id}", data={
        "day": "2027-04-06", "name": "วันจักรี", "agency": offices["demo"].id})
    assert answer.status_code == 404
    client.post("/admin/holidays/delete/", data={"id": nationwide.id})
    assert Holiday.get_by_id(nationwide.id).agency_id is None
    # Nor can a new row be saved for another agency, whatever the form says.
    client.post("/admin/holidays/new/", data={
        "day": "2027-06-01", "name": "วันหยุดแอบใส่", "agency": offices["beta"].id})
    assert not Holiday.select().where(Holiday.name == "วันหยุดแอบใส่").exists()
