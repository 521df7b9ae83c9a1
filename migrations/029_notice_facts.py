"""A bell notice keeps what happened (a kind and its facts), so it is read in
the reader's language; the Thai text stays for notices written before."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (("notice", "kind", "VARCHAR(40) NOT NULL DEFAULT ''"),
           ("notice", "facts", "TEXT NOT NULL DEFAULT '{}'"))


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)
