"""Seed 002 names the categories "ARS กลยุทธ์ที่ n" (strategy of the office
plan), not "ยุทธศาสตร์ที่ n": rename the defaults earlier versions created,
where the agency has not already made a category of the new name."""

import peewee as pw
from peewee_migrate import Migrator

RENAMES = tuple((f"ARS ยุทธศาสตร์ที่ {n}", f"ARS กลยุทธ์ที่ {n}") for n in range(1, 5))


def _rename(database: pw.Database, pairs: tuple[tuple[str, str], ...]) -> None:
    for old, new in pairs:
        database.execute_sql(
            "UPDATE kpi_category SET name = %s WHERE name = %s AND agency_id NOT IN "
            "(SELECT agency_id FROM kpi_category WHERE name = %s)".replace(
                "%s", database.param),
            (new, old, new))


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.run(_rename, database, RENAMES)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.run(_rename, database, tuple((new, old) for old, new in RENAMES))
