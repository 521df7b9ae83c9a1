"""A sign-in also ends after a while without use (shorter for staff)."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import add_columns, drop_columns

COLUMNS = (("login_session", "last_seen_at", "TIMESTAMP NULL"),
           ("login_session", "idle_minutes", "INTEGER NOT NULL DEFAULT 120"))


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    add_columns(migrator, COLUMNS)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    drop_columns(migrator, COLUMNS)
