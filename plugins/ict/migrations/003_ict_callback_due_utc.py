"""Promised call-back times in UTC, as every timestamp column holds them.

Until now the phone log's form stored the time typed (Bangkok wall-clock
time) as it was, so 10:00 was kept as 10:00 UTC and shown as 17:00, and the
overdue filter was seven hours late. The form now converts; this step moves
the rows saved before it (Bangkok has no daylight saving: always +07:00)."""

import datetime as dt

import peewee as pw
from peewee_migrate import Migrator

OFFSET = dt.timedelta(hours=7)


def shift(database: pw.Database, by: dt.timedelta) -> None:
    rows = database.execute_sql(
        "SELECT id, callback_due FROM ict_phone_call WHERE callback_due IS NOT NULL").fetchall()
    update = (f"UPDATE ict_phone_call SET callback_due = {database.param} "
              f"WHERE id = {database.param}")
    for row_id, value in rows:
        if isinstance(value, str):  # SQLite hands back text
            value = dt.datetime.fromisoformat(value)
        database.execute_sql(update, ((value + by).replace(tzinfo=None), row_id))


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.run(shift, database, -OFFSET)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.run(shift, database, OFFSET)
