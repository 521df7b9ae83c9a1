"""``flask db upgrade`` builds the schema the models describe."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from portal import create_app
from portal.db import database
from portal.models import CORE_MODELS
from portal.ops.migrate import pending, routers, upgrade
from portal.plugins.manager import collect, plugin_manager

from .conftest import make_config


@contextmanager
def as_at_this_step(*models: Any) -> Iterator[None]:
    """The models as the database has them now: a test that stops the upgrade
    part-way fills that step's tables, whatever columns later steps add."""
    removed = []
    for model in models:
        present = {c.name for c in database.get_columns(model._meta.table_name)}
        for field in list(model._meta.sorted_fields):
            if field.column_name not in present:
                model._meta.remove_field(field.name)
                removed.append((model, field))
    try:
        yield
    finally:
        for model, field in removed:
            model._meta.add_field(field.name, field)


def test_upgrade_of_an_empty_database_matches_the_models(tmp_path):
    app = create_app(make_config(tmp_path))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "001_core_initial" in result.output
    with app.app_context():
        models = list(CORE_MODELS) + collect(plugin_manager(), "register_models")
        assert pending(plugin_manager()) == []
        for model in models:
            table = model._meta.table_name
            columns = {c.name: c for c in database.get_columns(table)}
            for field in model._meta.sorted_fields:
                assert field.column_name in columns, f"{table}.{field.column_name} missing"
                assert columns[field.column_name].null == field.null, (
                    f"{table}.{field.column_name} null differs")
            assert set(columns) == {f.column_name for f in model._meta.sorted_fields}, table
            index_columns = {tuple(i.columns) for i in database.get_indexes(table)}
            for fields, _unique in model._meta.indexes:
                cols = tuple(model._meta.fields[f].column_name for f in fields)
                assert cols in index_columns, f"index {cols} on {table} missing"
    again = runner.invoke(args=["db", "upgrade"])
    assert "migrations applied: 0" in again.output


def test_plugin_steps_roll_back_and_reapply(tmp_path):
    app = create_app(make_config(tmp_path))
    with app.app_context():
        pm = plugin_manager()
        for _name, router in routers(pm):
            router.run()
        cert_router = dict(routers(pm))["education"]
        cert_router.rollback()
        assert "form_order" not in database.get_tables()
        assert "certificate_request" in database.get_tables()
        assert pending(pm) == ["002_education_services"]
        for _name, router in routers(pm):
            router.run()
        assert "form_order" in database.get_tables()


def test_upgrade_keeps_the_data_of_an_older_install(tmp_path):
    """Each step must work on a database in use, not only on an empty one:
    stop after the first core steps, fill the tables, then upgrade."""
    from portal.models import Agency, Membership, Request, User

    app = create_app(make_config(tmp_path))
    with app.app_context():
        pm = plugin_manager()
        core = dict(routers(pm))["core"]
        core.run(name="003_steps")
        database.execute_sql(
            "INSERT INTO agency (code, name_th, name_en, parent_id, address, phone, email, "
            "website, created_at) VALUES ('old', 'หน่วยงานเดิม', '', NULL, '', '', '', '', "
            "'2024-01-01 00:00:00')")
        database.execute_sql(
            "INSERT INTO users (national_id, title, first_name, last_name, phone, email, "
            "password_hash, is_system_admin, active, session_token, created_at) VALUES "
            "('1101700123456', 'นาย', 'เดิม', 'อยู่', '', '', 'x', FALSE, TRUE, 't', "
            "'2024-01-01 00:00:00')")
        database.execute_sql(
            "INSERT INTO membership (user_id, agency_id, role, created_at) VALUES (1, 1, "
            "'staff', '2024-01-01 00:00:00')")
        database.execute_sql(
            "INSERT INTO request (reference, service_code, agency_id, requester_id, "
            "applicant_name, contact_phone, status, payload, version, submitted_at, "
            "status_changed_at, staff_message) VALUES ('12-670101-AAAAA', 'certificate', 1, 1, "
            "'x', '', 'submitted', '{}', 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00', '')")
        upgrade(pm)
        assert pending(pm) == []
        agency = Agency.get(Agency.code == "old")
        assert (agency.level, agency.suspended, agency.email_dga) == ("agency", False, "")
        assert Request.select().count() == 1 and Membership.select().count() == 1
        assert User.select().count() == 1
        # 016 counted the requests that were already there.
        from portal.models import RequestCount

        assert [(c.agency_id, c.service_code, c.status, c.n) for c in RequestCount.select()] == [
            (agency.id, "certificate", "submitted", 1)]


THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _digit_clashes(app):
    result = app.test_cli_runner().invoke(args=["db", "digit-clashes"])
    assert result.exit_code == 0, result.output
    return result.output


def test_020_writes_stored_digits_in_ascii_and_lists_the_rows_it_cannot(tmp_path):
    """Pen-test finding 9: rows typed in Thai digits are rewritten in ASCII,
    except one that would then be another row's national ID; that one and
    the other are left as they are, and listed for a system admin."""
    from portal.models import Agency, AuditLog, Request, User

    from .conftest import make_agency, make_user, new_national_id

    app = create_app(make_config(tmp_path))
    with app.app_context():
        pm = plugin_manager()
        dict(routers(pm))["core"].run(name="019_request_status_order")
        with as_at_this_step(Agency):
            demo = "1101700123456"
            real = make_user(national_id=demo, phone="0812345678")
            twin = make_user(national_id=demo.translate(THAI_DIGITS), phone="๐๘๙๙๙๙๙๙๙๙")
            alone_id = new_national_id()
            alone = make_user(national_id=alone_id.translate(THAI_DIGITS), phone="๐๘๑๑๑๑๒๒๒๒")
            # Two spellings of one new ID: neither is ASCII, both would be the same.
            pair_id = new_national_id()
            pair = [make_user(national_id=pair_id.translate(THAI_DIGITS)),
                    make_user(national_id=pair_id[:-1] + pair_id[-1].translate(THAI_DIGITS))]
            agency = make_agency("old", services=(), phone="๐๔๕-๗๘๙๔๗๗")
            req = Request.create(reference="๑๒-๖๘๐๑๐๑-K7Q4M", service_code="certificate",
                                 agency=agency, applicant_name="x", contact_phone="๐๘๑๒๓๔๕๖๗๘",
                                 status="submitted")

        upgrade(pm)

        def stored(user):
            row = User.get_by_id(user.id)
            return row.national_id, row.phone

        assert stored(alone) == (alone_id, "0811112222")
        assert stored(real) == (demo, "0812345678")
        assert stored(twin) == (demo.translate(THAI_DIGITS), "๐๘๙๙๙๙๙๙๙๙")  # left as it was
        assert [stored(u)[0] for u in pair] == [pair[0].national_id, pair[1].national_id]
        req = Request.get_by_id(req.id)
        assert (req.reference, req.contact_phone) == ("12-680101-K7Q4M", "0812345678")
        assert agency.__class__.get_by_id(agency.id).phone == "045-789477"

        entries = list(AuditLog.select().where(AuditLog.action == "digit_clash")
                       .order_by(AuditLog.id))
        assert [e.target for e in entries] == [f"users:{twin.id}", f"users:{pair[0].id}",
                                               f"users:{pair[1].id}"]
        assert all(e.actor_id is None for e in entries)
        assert f'"clashes_with": [{real.id}]' in entries[0].detail
        listed = _digit_clashes(app)
        assert f"users:{twin.id} is users:{real.id} once its national_id" in listed
        assert f"users:{pair[0].id} is users:{pair[1].id}" in listed
        assert listed.count("[open]") == 3

        # The admin decides the ASCII account was the impostor's and removes it.
        User.delete_by_id(real.id)
        fixed = app.test_cli_runner().invoke(args=["db", "digit-clashes", "--fix"]).output
        assert f"users:{twin.id} is users:{real.id}" in fixed and "[fixed]" in fixed
        assert fixed.count("[still clashes]") == 2
        assert stored(twin) == (demo, "0899999999")
        assert _digit_clashes(app).count("[open]") == 2
        # Upgrading again changes nothing and reports nothing twice.
        assert upgrade(pm) == []


def test_the_tambon_step_leaves_a_double_elderly_registration_for_an_admin(tmp_path):
    """The same person registered twice in one agency, once in Thai digits:
    both registrations stay, listed; in another agency the ID is rewritten."""
    from plugins.tambon.models import ElderlyRegistration
    from portal.models import AuditLog, Request

    from .conftest import make_agency

    app = create_app(make_config(tmp_path))
    with app.app_context():
        pm = plugin_manager()
        steps = dict(routers(pm))
        steps["core"].run()
        steps["tambon"].run(name="001_tambon_initial")
        here, there = make_agency("tambon-a", services=()), make_agency("tambon-b", services=())
        nid = "3100500123458"

        def registration(agency, national_id, ref):
            req = Request.create(reference=ref, service_code="elderly_allowance", agency=agency,
                                 applicant_name="x", status="submitted")
            return ElderlyRegistration.create(agency=agency, national_id=national_id,
                                              request=req, fiscal_year=2570)

        with as_at_this_step(ElderlyRegistration):
            first = registration(here, nid, "74-680101-AAAAA")
            again = registration(here, nid[:-1] + "๘", "74-680101-BBBBB")
            elsewhere = registration(there, nid.translate(THAI_DIGITS), "74-680101-CCCCC")

        upgrade(pm)

        def stored(row):
            return ElderlyRegistration.get_by_id(row.id).national_id

        assert (stored(first), stored(again), stored(elsewhere)) == (nid, nid[:-1] + "๘", nid)
        entry = AuditLog.get(AuditLog.action == "digit_clash")
        assert entry.target == f"tambon_elderly:{again.id}"
        assert f"tambon_elderly:{again.id} is tambon_elderly:{first.id}" in _digit_clashes(app)


def test_021_gives_old_audit_entries_the_agency_their_target_names(tmp_path):
    """Pen-test finding 7: entries are scoped by the agency they concern.
    Old ones get it where the target or detail says; the rest stay for
    system admins."""
    from portal.models import Agency, AuditLog, Request

    from .conftest import make_agency

    app = create_app(make_config(tmp_path))
    with app.app_context():
        pm = plugin_manager()
        dict(routers(pm))["core"].run(name="020_ascii_digits")
        with as_at_this_step(Agency):
            here, there = make_agency("here", services=()), make_agency("there", services=())
            req = Request.create(reference="12-680101-AAAAA", service_code="certificate",
                                 agency=here, applicant_name="x", status="submitted")
        old = {  # action, target, detail → the agency it should get
            ("status_changed", f"request:{req.reference}", ""): here.id,
            ("download", "attachment:9", req.reference): here.id,
            ("service_enabled", f"agency:{there.id}", "certificate"): there.id,
            ("agency_saved", f"agency:{here.code}", ""): here.id,
            ("staff_saved", "user:5", f"agency:{there.id} role:staff services:"): there.id,
            ("staff_removed", "user:5", f"agency:{here.id}"): here.id,
            ("login", "user:1", ""): None,
            ("personal_data_exported", "user:1", ""): None,
            ("status_changed", "request:12-680101-ZZZZZ", ""): None,
            ("admin_created", "holidays:3", "วันหยุด"): None,
            ("service_enabled", "agency:999", ""): None,
        }
        for action, target, detail in old:
            database.execute_sql(
                "INSERT INTO audit_log (at, actor_id, ip, action, target, detail) VALUES "
                f"('2025-01-01 00:00:00', NULL, '', {database.param}, {database.param}, "
                f"{database.param})", (action, target, detail))
        upgrade(pm)
        got = {(e.action, e.target, e.detail): e.agency_id for e in AuditLog.select()}
        assert got == old


def test_the_roster_step_fills_the_columns_of_registrations_already_made(tmp_path):
    """Tambon 003: the roster's name, birth date, village and account come
    from the answers of the registrations made before it."""
    import datetime as dt

    from plugins.tambon.models import ElderlyRegistration
    from portal.models import Request

    from .conftest import make_agency

    app = create_app(make_config(tmp_path))
    with app.app_context():
        pm = plugin_manager()
        steps = dict(routers(pm))
        steps["core"].run()
        steps["tambon"].run(name="002_tambon_ascii_digits")
        agency = make_agency("tambon-old", services=())
        req = Request.create(reference="74-680101-AAAAA", service_code="elderly_allowance",
                             agency=agency, applicant_name="x", status="submitted", payload={
                                 "applicant_name": "นางบุญมา ใจเย็น", "birth_date": "1955-04-13",
                                 "house": "12/1", "village": "4", "bank": "ธ.ก.ส.",
                                 "account_number": "0201234567", "account_name": "นางบุญมา"})
        with as_at_this_step(ElderlyRegistration):
            row = ElderlyRegistration.create(agency=agency, national_id="3100500123458",
                                             request=req, fiscal_year=2570)
        upgrade(pm)
        row = ElderlyRegistration.get_by_id(row.id)
        assert (row.name, row.birth_date, row.house, row.village, row.bank, row.account_number,
                row.account_name) == ("นางบุญมา ใจเย็น", dt.date(1955, 4, 13), "12/1", "4",
                                      "ธ.ก.ส.", "0201234567", "นางบุญมา")
