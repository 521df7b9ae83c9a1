"""The elderly allowance roster's own columns: name, date of birth, house,
village and bank account of each registered person, filled for the
registrations already made from the answers they were sent with."""

import datetime as dt
import json

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (
    ("tambon_elderly", "name", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("tambon_elderly", "birth_date", "DATE NULL"),
    ("tambon_elderly", "house", "VARCHAR(60) NOT NULL DEFAULT ''"),
    ("tambon_elderly", "village", "VARCHAR(10) NOT NULL DEFAULT ''"),
    ("tambon_elderly", "bank", "VARCHAR(120) NOT NULL DEFAULT ''"),
    ("tambon_elderly", "account_number", "VARCHAR(30) NOT NULL DEFAULT ''"),
    ("tambon_elderly", "account_name", "VARCHAR(255) NOT NULL DEFAULT ''"),
)
SIZES = {"name": 255, "house": 60, "village": 10, "bank": 120, "account_number": 30,
         "account_name": 255}


def _backfill(database: pw.Database) -> None:
    rows = database.execute_sql(
        'SELECT e.id, r.payload FROM tambon_elderly e JOIN request r ON r.id = e.request_id')
    for row_id, payload in list(rows):
        answers = json.loads(payload or "{}") or {}
        values = {column: str(answers.get("applicant_name" if column == "name" else column)
                              or "")[:size] for column, size in SIZES.items()}
        try:
            born = dt.date.fromisoformat(answers.get("birth_date") or "")
        except (TypeError, ValueError):
            born = None
        param = database.param
        sets = ", ".join(f'"{column}" = {param}' for column in [*values, "birth_date"])
        database.execute_sql(f'UPDATE tambon_elderly SET {sets} WHERE id = {param}',
                             [*values.values(), born, row_id])


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)
    migrator.run(_backfill, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)
