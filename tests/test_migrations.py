"""``flask db upgrade`` builds the schema the models describe."""

from __future__ import annotations

from portal import create_app
from portal.db import database
from portal.migrate import pending, routers, upgrade
from portal.models import CORE_MODELS
from portal.plugins import collect, plugin_manager

from .conftest import make_config


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
