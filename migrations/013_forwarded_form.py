"""A forwarded request remembers the form its answers were written on."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (("request", "form_code", "VARCHAR(40) NOT NULL DEFAULT ''"),)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)
