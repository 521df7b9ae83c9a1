"""``flask db upgrade`` builds the schema the models describe."""

from __future__ import annotations

from portal import create_app
from portal.db import database
from portal.migrate import pending, routers
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
